"""Every write to the library. One service per change, keyword-only, each in one transaction with its
audit event (DESIGN.md rule 2), so that an interrupted ingest leaves no half-stored report.

The slow part of ingest (reading the file, detecting themes, summarising for similarity) happens before
the transaction opens; the transaction only writes, so it is short and a failure anywhere in it rolls
back the report, its passages, its theme suggestions and the audit event together.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.core.errors import NotFound, ValidationFailed
from cspr.library.detect import DetectionResult, ThemeDetector, default_detector
from cspr.library.extract import ExtractedDocument, ExtractionError, extract, extract_bytes
from cspr.library.metadata import ReportMetadata, guess_metadata
from cspr.library.models import LibraryVersion, Passage, Report, ReportTheme, ReportVector
from cspr.library.passages import Passage as TextPassage
from cspr.library.passages import split_passages
from cspr.library.permissions import can_curate
from cspr.library.search import get_backend
from cspr.library.similarity import signature_for
from cspr.library.taxonomy import theme_ids
from cspr.library.vectors import pack_embedding, pack_terms, similarity_themes
from cspr.partnerships.models import Partnership, User
from cspr.partnerships.selectors import access_for

__all__ = [
    "IngestOutcome",
    "library_report_add_from_publication",
    "library_report_ingest",
    "library_report_set_available_until",
    "library_retention_apply",
    "library_theme_confirm",
    "library_theme_reject",
    "library_vectors_rebuild",
    "retention_years",
]

EMBEDDING_PASSAGES = 48  # passages embedded per report for similarity (the first ones: summary, findings)


def retention_years() -> int:
    """Years the full text stays available after publication (DOMAIN.md: the national repository keeps the
    electronic copy 5 years). ``LIBRARY_RETENTION_YEARS`` in settings or ``CSPR_LIBRARY_RETENTION_YEARS``."""
    value = getattr(settings, "LIBRARY_RETENTION_YEARS", None) or os.environ.get("CSPR_LIBRARY_RETENTION_YEARS")
    try:
        return max(0, int(value)) if value not in (None, "") else 5
    except ValueError:
        return 5


def _available_until(published_on: datetime.date | None, year: int | None, ingested: datetime.date) -> datetime.date:
    """Retention counts from publication: the publication date, else 31 December of the publication year
    (the most generous reading), else the day it entered the library."""
    start = published_on or (datetime.date(year, 12, 31) if year else ingested)
    years = retention_years()
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def _iso_date(value: str, *, what: str, field: str) -> datetime.date | None:
    """A YYYY-MM-DD value from metadata as a date (None when blank); anything else is refused by name."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(
            f"The {what} {value!r} is not a date.", field_errors={field: "Give a date as YYYY-MM-DD."}
        ) from exc


@dataclass(frozen=True)
class IngestOutcome:
    report: Report
    created: bool
    detection: DetectionResult | None = None


def _embedding(passages: list[TextPassage]) -> list[float] | None:
    from cspr.library.embeddings import get_embedder

    texts = [p.text for p in passages[:EMBEDDING_PASSAGES]]
    if not texts:
        return None
    vectors = get_embedder().embed(texts)
    mean = vectors.mean(axis=0)
    norm = float((mean**2).sum() ** 0.5) or 1.0
    return [float(x) / norm for x in mean]


def _library_changed() -> None:
    """A new version token: every process's similarity matrix is stale from this transaction's commit on
    (the token is read in the same database, so a rolled-back change leaves the old token in place)."""
    LibraryVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex, "changed_at": timezone.now()})


def _vector_row(report: Report, themes: Sequence[str]) -> ReportVector:
    signature = report.signature or {}
    return ReportVector(
        report=report,
        terms=pack_terms(signature.get("terms") or {}),
        themes=" ".join(sorted(themes)),
        embedding=pack_embedding(signature.get("embedding")),
        updated_at=timezone.now(),
    )


def _vector_refresh(report: Report) -> None:
    """Store the report's vector again after its themes or its standing changed, and mark the library changed."""
    themes = similarity_themes(report.themes.values_list("theme", "status"))
    row = _vector_row(report, themes)
    ReportVector.objects.update_or_create(
        report=report,
        defaults={"terms": row.terms, "themes": row.themes, "embedding": row.embedding, "updated_at": row.updated_at},
    )
    _library_changed()


def library_vectors_rebuild(*, report_ids: Sequence[int] | None = None, batch_size: int = 1000) -> int:
    """Write the similarity vectors of the given reports (all when None) from their stored signatures and
    themes, and mark the library changed. For reports written in bulk outside ingest (the benchmark) and
    as a repair; ingest, publication and theme decisions keep vectors current themselves. Returns how
    many were written."""
    reports = Report.objects.order_by("pk")
    if report_ids is not None:
        reports = reports.filter(pk__in=list(report_ids))
    written = 0
    ids = list(reports.values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        with transaction.atomic():
            theme_rows: dict[int, list[tuple[str, str]]] = {}
            for rid, theme, status in ReportTheme.objects.filter(report_id__in=chunk).values_list(
                "report_id", "theme", "status"
            ):
                theme_rows.setdefault(rid, []).append((theme, status))
            rows = [
                _vector_row(r, similarity_themes(theme_rows.get(r.pk, ())))
                for r in Report.objects.filter(pk__in=chunk).only("pk", "signature")
            ]
            ReportVector.objects.filter(report_id__in=chunk).delete()
            ReportVector.objects.bulk_create(rows)
            written += len(rows)
    _library_changed()
    return written


def library_report_ingest(
    *,
    actor: User | None,
    name: str,
    path: Path | None = None,
    data: bytes | None = None,
    metadata: ReportMetadata | None = None,
    partnership: Partnership | None = None,
    is_public: bool = True,
    origin: str = Report.Origin.INGEST,
    origin_case_id: int | None = None,
    detector: ThemeDetector | None = None,
    use_embeddings: bool | None = False,
    on_page: Callable[[int], None] | None = None,
    request: HttpRequest | None = None,
    extracted: ExtractedDocument | None = None,
) -> IngestOutcome:
    """Store a report with its passages and theme suggestions; the same bytes a second time change nothing.

    Raises ExtractionError (unreadable file) or ValidationFailed (bad metadata) before anything is written.
    """
    if extracted is None:
        if data is not None:
            extracted = extract_bytes(data, name=name, on_page=on_page)
        elif path is not None:
            extracted = extract(path, on_page=on_page)
        else:
            raise ValidationFailed("Give the report's file or its bytes.")
    existing = Report.objects.filter(sha256=extracted.sha256).first()
    if existing is not None:
        return IngestOutcome(report=existing, created=False)
    if not is_public and partnership is None:
        raise ValidationFailed("An unpublished report must belong to a partnership.")

    passages = split_passages(extracted.blocks)
    text = "\n\n".join(p.text for p in passages)
    guessed = guess_metadata(extracted.text, title=extracted.guess_title())
    meta = (metadata or ReportMetadata()).merged_over(guessed)
    published_on = _iso_date(meta.published_on, what="publication date", field="published_on")
    # A date given for this report (the catalogue's "available until", or the publishing partnership's)
    # wins over the installation-wide rule: some reports are taken down early, some kept longer.
    own_available_until = _iso_date(meta.available_until, what="available-until date", field="available_until")

    if detector is None:
        detector = default_detector(use_embeddings=use_embeddings)
    detection = detector.detect(passages)
    embedding = _embedding(passages) if detector.use_embeddings and passages else None
    suggested = [s.theme for s in detection.suggestions]
    signature = signature_for([p.text for p in passages], themes=suggested, embedding=embedding)
    today = timezone.localdate()

    with transaction.atomic():
        # Checked again inside the transaction: a concurrent ingest of the same file may have won.
        existing = Report.objects.select_for_update().filter(sha256=extracted.sha256).first()
        if existing is not None:
            return IngestOutcome(report=existing, created=False)
        report = Report(
            title=(meta.title or Path(name).stem)[:300],
            publisher=meta.publisher[:200],
            partnership=partnership,
            is_public=is_public,
            nation=meta.nation or (partnership.nation if partnership else ""),
            year=meta.year or (published_on.year if published_on else None),
            published_on=published_on,
            review_type=meta.review_type,
            child=meta.child[:100],
            age_band=meta.age_band,
            harm=meta.harm,
            reviewer=meta.reviewer[:200],
            source_url=meta.source_url[:1000],
            source_name=Path(name).name[:255],
            format=extracted.format,
            sha256=extracted.sha256,
            page_count=extracted.page_count,
            word_count=len(text.split()),
            signature=signature.to_json(),
            detector_mode=detection.mode,
            origin=origin,
            origin_case_id=origin_case_id,
            ingested_by=actor if getattr(actor, "pk", None) else None,
        )
        report.available_until = own_available_until or _available_until(report.published_on, report.year, today)
        try:
            # Uniqueness is the database's to enforce: the file's hash is checked under the lock above,
            # and a second report for one published case meets the unique origin_case_id at save().
            report.full_clean(exclude=["ingested_by", "partnership", "signature"], validate_unique=False)
        except DjangoValidationError as exc:
            # A value outside the fixed vocabularies or a malformed address: the caller's mistake, said
            # the way every service says it, and raised before the first write of the transaction.
            errors = {name: " ".join(messages) for name, messages in exc.message_dict.items()}
            fields_named = ", ".join(sorted(errors))
            raise ValidationFailed(
                f"The report's catalogue record is not valid ({fields_named}).", field_errors=errors
            ) from exc
        report.save()
        Passage.objects.bulk_create(
            [
                Passage(report=report, position=p.index, page=p.page, heading=p.heading[:300], text=p.text)
                for p in passages
            ],
            batch_size=500,
        )
        # The report-level search entry (title and all its text), in the same transaction as the passages.
        get_backend().index_reports([report.pk])
        ReportTheme.objects.bulk_create(
            [
                ReportTheme(
                    report=report,
                    theme=s.theme,
                    score=s.score,
                    evidence=[{"passage": e.passage_index, "page": e.page, "cues": list(e.cues)} for e in s.evidence],
                )
                for s in detection.suggestions
            ]
        )
        # Stored with the report so "Reviews like this one" never rebuilds it from the signature's JSON.
        _vector_row(report, suggested).save(force_insert=True)
        _library_changed()
        audit_record(
            actor=actor,
            action="library.report_ingested",
            partnership=partnership,
            target=report,
            detail={
                "source": report.source_name,
                "sha256": report.sha256,
                "passages": len(passages),
                "suggested_themes": suggested,
                "detector": detection.mode,
                "origin": origin,
            },
            request=request,
        )
    return IngestOutcome(report=report, created=True, detection=detection)


def library_report_add_from_publication(
    *,
    actor: User | None,
    partnership: Partnership,
    case_id: int,
    file_name: str,
    data: bytes,
    title: str,
    child: str = "",
    review_type: str = "lcspr",
    published_on: datetime.date | None = None,
    available_until: datetime.date | None = None,
    reviewer: str = "",
    source_url: str = "",
    request: HttpRequest | None = None,
) -> IngestOutcome:
    """A partnership's published final report enters the public library, with the partnership as publisher.

    Called by the review chain's publication step (``cspr.cases.services.review_publish``), so that the
    statutory duty to publish and the library never disagree. Publishing the same case twice adds
    nothing the second time, even when two publications race. An unreadable file or a bad value is
    refused with ValidationFailed and nothing stored; the whole report is written in one transaction.
    """
    existing = Report.objects.filter(origin_case_id=case_id).first()
    if existing is not None:
        return IngestOutcome(report=existing, created=False)
    if not title.strip():
        raise ValidationFailed("Give the published report's title.", field_errors={"title": "Enter the title."})
    published_on = published_on or timezone.localdate()
    same_file = Report.objects.filter(sha256=hashlib.sha256(data).hexdigest()).first()
    if same_file is not None:
        return _publication_adopts(
            actor=actor, report=same_file, partnership=partnership, case_id=case_id, published_on=published_on,
            request=request,
        )  # fmt: skip
    metadata = ReportMetadata(
        title=title.strip(),
        publisher=partnership.name,
        nation=partnership.nation,
        year=published_on.year,
        review_type=review_type,
        child=child,
        reviewer=reviewer,
        source_url=source_url,
        published_on=published_on.isoformat(),
        available_until=available_until.isoformat() if available_until else "",
    )
    try:
        return library_report_ingest(
            actor=actor,
            name=file_name,
            data=data,
            metadata=metadata,
            partnership=partnership,
            is_public=True,
            origin=Report.Origin.PUBLICATION,
            origin_case_id=case_id,
            use_embeddings=None,
            request=request,
        )
    except ExtractionError as exc:
        raise ValidationFailed(f"The published report {file_name} cannot be read: {exc}") from exc
    except IntegrityError:
        # The same case published twice at once: the other request's report won the unique
        # origin_case_id, and ours rolled back whole. Theirs is the answer to both.
        existing = Report.objects.filter(origin_case_id=case_id).first()
        if existing is None:
            raise
        return IngestOutcome(report=existing, created=False)


def _publication_adopts(
    *,
    actor: User | None,
    report: Report,
    partnership: Partnership,
    case_id: int,
    published_on: datetime.date,
    request: HttpRequest | None,
) -> IngestOutcome:
    """The published file is already in the library: taken in by bulk ingest from the partnership's website, or
    stored earlier as the partnership's own unpublished copy. That record becomes the case's published report
    (public, with the partnership as publisher), so publication is never blocked by the library's copy. A file
    held for another review, or privately by another partnership, is refused without saying which report it
    is, so the refusal reveals nothing about what others hold."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        adoptable = report.origin_case_id is None and (report.is_public or report.partnership_id == partnership.pk)
        if not adoptable:
            raise ValidationFailed(
                "This file is already held for another review.",
                field_errors={"file": "This file is already held for another review: check it is this review's report"},
            )
        before = {"is_public": report.is_public, "partnership": report.partnership_id, "origin": report.origin}
        report.origin_case_id = case_id
        report.origin = Report.Origin.PUBLICATION
        report.is_public = True
        report.partnership = partnership
        report.published_on = report.published_on or published_on
        report.updated_at = timezone.now()
        report.save(
            update_fields=["origin_case_id", "origin", "is_public", "partnership", "published_on", "updated_at"]
        )
        _vector_refresh(report)  # now public: it joins the matrix that similar reviews are drawn from
        audit_record(
            actor=actor,
            action="library.report_published_from_case",
            partnership=partnership.pk,
            target=report,
            before=before,
            after={"is_public": True, "partnership": partnership.pk, "origin": report.origin, "case": case_id},
            request=request,
        )
    return IngestOutcome(report=report, created=False)


def library_report_set_available_until(
    *,
    actor: User | None,
    report_id: int,
    available_until: datetime.date,
    request: HttpRequest | None = None,
) -> Report:
    """Change how long one report's full text stays available, overriding the installation-wide rule.

    For the report whose publisher asks for it to be taken down early, or kept past five years while a
    national review still cites it. A curator of the report may do it (``actor=None`` is the command
    line, acting as the operator of the installation); anyone else gets NotFound. Text already removed
    by retention cannot be brought back by a later date: the file has to be ingested again.
    """
    report = Report.objects.filter(pk=report_id).select_related("partnership").first()
    if report is None or (actor is not None and not can_curate(access_for(actor), report)):
        raise NotFound("No report with that number is available to you for retention changes.")
    today = timezone.localdate()
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.text_removed_at is not None and available_until >= today:
            removed = timezone.localtime(report.text_removed_at).date().isoformat()
            raise ValidationFailed(
                f"The full text of this report was removed on {removed}; ingest the file again to make it available.",
                field_errors={"available_until": "The text is no longer held."},
            )
        before = report.available_until
        if before == available_until:
            return report
        report.available_until = available_until
        report.updated_at = timezone.now()
        report.save(update_fields=["available_until", "updated_at"])
        audit_record(
            actor=actor,
            action="library.availability_changed",
            partnership=report.partnership,
            target=report,
            before={"available_until": before.isoformat() if before else None},
            after={"available_until": available_until.isoformat()},
            request=request,
        )
    return report


def _theme_for_curation(*, actor: User, report_id: int, theme: str) -> tuple[Report, str]:
    if theme not in set(theme_ids()):
        raise ValidationFailed(f"{theme!r} is not a theme in the taxonomy.", field_errors={"theme": "Choose a theme."})
    report = Report.objects.filter(pk=report_id).select_related("partnership").first()
    if report is None or not can_curate(access_for(actor), report):
        raise NotFound("No report with that number is available to you for theme review.")
    return report, theme


def _decide(*, actor: User, report_id: int, theme: str, status: str, request: HttpRequest | None) -> ReportTheme:
    report, theme = _theme_for_curation(actor=actor, report_id=report_id, theme=theme)
    now = timezone.now()
    with transaction.atomic():
        row, _ = ReportTheme.objects.select_for_update().get_or_create(report=report, theme=theme)
        before = row.status
        row.status = status
        row.decided_by = actor
        row.decided_at = now
        row.updated_at = now
        row.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        Report.objects.filter(pk=report.pk).update(updated_at=now)
        _vector_refresh(report)  # similarity compares confirmed themes once there are any
        audit_record(
            actor=actor,
            action=f"library.theme_{status}",
            partnership=report.partnership,
            target=report,
            before={"theme": theme, "status": before},
            after={"theme": theme, "status": status},
            request=request,
        )
    return row


def library_theme_confirm(
    *, actor: User, report_id: int, theme: str, request: HttpRequest | None = None
) -> ReportTheme:
    """A person confirms a suggested theme (or adds one the detector missed); it now counts in statistics."""
    return _decide(actor=actor, report_id=report_id, theme=theme, status=ReportTheme.Status.CONFIRMED, request=request)


def library_theme_reject(*, actor: User, report_id: int, theme: str, request: HttpRequest | None = None) -> ReportTheme:
    """A person rejects a suggestion; it stays recorded as rejected so the detector's misses can be measured."""
    return _decide(actor=actor, report_id=report_id, theme=theme, status=ReportTheme.Status.REJECTED, request=request)


def library_retention_apply(*, actor: User | None = None, today: datetime.date | None = None) -> list[int]:
    """Remove the full text of every report past its availability date; the catalogue record, its themes and
    its similarity summary stay. Each report in its own transaction with its audit event. Returns the ids."""
    today = today or timezone.localdate()
    due = list(
        Report.objects.filter(available_until__lt=today, text_removed_at__isnull=True).values_list("pk", flat=True)
    )
    done: list[int] = []
    for report_id in due:
        with transaction.atomic():
            report = Report.objects.select_for_update().filter(pk=report_id, text_removed_at__isnull=True).first()
            if report is None:
                continue
            removed, _ = Passage.objects.filter(report=report).delete()
            report.text_removed_at = timezone.now()
            report.updated_at = report.text_removed_at
            report.save(update_fields=["text_removed_at", "updated_at"])
            audit_record(
                actor=actor,
                action="library.text_expired",
                partnership=report.partnership,
                target=report,
                detail={"available_until": report.available_until, "passages_removed": removed},
            )
        done.append(report_id)
    return done
