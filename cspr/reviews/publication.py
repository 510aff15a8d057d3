"""Publishing a signed-off report safely (DOMAIN.md step 10): every write of the publication plan, one door each
(DESIGN.md rule 2), checked through the review's policy, validated all at once, audited.

The order a business manager follows:

1. **Plan** (``publication_plan``): the full report, or only the improvements to be made with the justification
   (Working Together 2023 ch.5: "if publishing the full report is inappropriate, the partnership publishes the
   improvements to be made instead"). The text to publish is taken from the signed-off version.
2. **Copies** (``publication_copy_record``): the full report to the Panel, the Secretary of State and Ofsted (and,
   for improvements only, the justification to the Panel and the Secretary of State), with dates. The earliest
   publication date is 7 working days after the last of them on the partnership's calendar (Regulations 2018,
   Part 3; ``cspr.timescales``), shown before a date is chosen.
3. **Redaction** (``redaction_scan``, ``pseudonym_add``, ``redaction_decide``): the text checked for the case's own
   identifiers, UK patterns and names (``cspr.reviews.redaction``); a person accepts or rejects each finding, the
   replacement coming from the case's pseudonym register. A file cspr cannot read is published as it is only on
   a named person's declaration (``publication_declare_as_is``).
4. **Publish** (``publication_publish``): on or after the earliest date, cspr writes the PDF from the redacted text;
   the case moves to "Review published" and the report enters the public library (``cspr.cases``' publication
   writer), the review moves to "Published". Nothing is written unless all of it is.
5. **After**: the NSPCC repository's and Ofsted's copies of the published report (``nspcc-copy`` milestone), and
   the public's requests for a report past its year on the website (``report_request_create``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, cast

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from cspr.audit.services import audit_record
from cspr.cases.clocks import due_date_for
from cspr.cases.models import Child, Notification
from cspr.cases.services.attachments import attachment_read
from cspr.cases.services.common import not_in_future, raise_if, record_case_date, require_text
from cspr.cases.services.publication import earliest_publication
from cspr.cases.services.publication import review_publish as case_publish_record
from cspr.core import dbscope
from cspr.core.errors import NotFound, TooManyAttempts, ValidationFailed
from cspr.partnerships.models import Membership, User
from cspr.partnerships.roles import Role
from cspr.reviews import redaction
from cspr.reviews.models import (
    LocalReview,
    PseudonymEntry,
    Publication,
    PublicationCopy,
    RedactionFinding,
    ReportRequest,
    ReportVersion,
    ReviewState,
)
from cspr.reviews.services import require_review_action
from cspr.reviews.state import (
    AFTER_PUBLICATION,
    BEFORE_PUBLICATION,
    JUSTIFIED_TO,
    missing_copies,
    plan_of,
    publication_problem,
    required_copies,
    review_transition,
)
from cspr.reviews.visibility import ReviewAction
from cspr.timescales import WorkingCalendar
from cspr.timescales.milestones import KEEP_PUBLISHED, NSPCC_COPY_SENT

Source = Literal["case", "pattern", "names"]
MAX_REQUESTS_A_DAY = 20  # requests for one report from the public in a day before the form refuses more
Mode = Publication.Mode
Recipient = PublicationCopy.Recipient
What = PublicationCopy.What


def _audit(actor: User | None, action: str, review: LocalReview, request: HttpRequest | None, **after: Any) -> None:
    audit_record(
        actor=actor, action=action, partnership=review.partnership_id, target=review, after=after, request=request
    )


def signed_off_version(review: LocalReview) -> ReportVersion | None:
    """The version the assurance group signed off: the latest, final one (a change makes a new version)."""
    latest = ReportVersion.objects.filter(review=review).order_by("-number").first()
    return latest if latest is not None and latest.final else None


# --- what is published ---------------------------------------------------------------------------------------


def _recommendation_blocks(version: ReportVersion) -> list[redaction.Block]:
    blocks = [redaction.Block("heading", "Recommendations", 1)]
    for rec in version.recommendations.all():
        blocks.append(
            redaction.Block("paragraph", f"{rec.number}. {rec.what.strip()} Owner: {rec.owner}. By {rec.due_on:%B %Y}.")
        )
    return blocks


def publication_blocks(version: ReportVersion, mode: str) -> tuple[list[redaction.Block], str]:
    """The text to publish before redaction, and why it could not be read ("" when it could).

    The full report: the report's text (typed, or read from its Word or PDF file, headings kept), its findings and
    its recommendations. Improvements only: the improvements to be made, which are the recommendations."""
    if mode == Mode.IMPROVEMENTS:
        intro = redaction.Block(
            "paragraph",
            "The safeguarding partners have decided that publishing the full report is not appropriate. These are "
            "the improvements to be made as a result of the review.",
        )
        return [
            redaction.Block("heading", "Improvements to be made", 1),
            intro,
            *_recommendation_blocks(version)[1:],
        ], ""
    blocks: list[redaction.Block] = []
    problem = ""
    if version.text.strip():
        blocks = redaction.blocks_from_text(version.text)
    elif version.file is not None:
        try:
            blocks = redaction.blocks_from_file(version.file.original_name, attachment_read(version.file))
        except redaction.NotRedactable as exc:
            problem = exc.reason
    if version.findings.strip():
        blocks += [redaction.Block("heading", "Findings", 1), *redaction.blocks_from_text(version.findings)]
    blocks += _recommendation_blocks(version)
    return blocks, problem


def _as_blocks(stored: list[dict[str, Any]]) -> list[redaction.Block]:
    return [redaction.Block(b["kind"], b["text"], int(b.get("level", 1))) for b in stored]


def _stored(blocks: list[redaction.Block]) -> list[dict[str, Any]]:
    return [{"kind": b.kind, "text": b.text, "level": b.level} for b in blocks]


# --- 1. the plan -----------------------------------------------------------------------------------------------


def publication_plan(
    *,
    actor: User,
    review: LocalReview,
    mode: str,
    justification: str = "",
    title: str = "",
    reviewer_name: str = "",
    request: HttpRequest | None = None,
) -> Publication:
    """Choose what is published from the signed-off report. Changing the plan takes the text again and checks it
    afresh (the decisions already made on the same words are kept)."""
    require_review_action(actor, review, ReviewAction.PLAN_PUBLICATION)
    errors: dict[str, str] = {}
    if mode not in Mode.values:
        errors["mode"] = "Choose whether to publish the full report or only the improvements to be made"
    if mode == Mode.IMPROVEMENTS:
        require_text(
            justification, "justification",
            "Give the justification for not publishing the full report, which goes to the Panel and the Secretary "
            "of State", errors,
        )  # fmt: skip
    version = signed_off_version(review)
    if version is None:
        errors["mode"] = "There is no signed-off final report to publish"
    reviewer_name = (reviewer_name or "").strip() or (review.reviewer.full_name if review.reviewer else "")
    if not reviewer_name:
        errors["reviewer_name"] = "Enter the reviewer's name, which the published report includes"
    elif len(reviewer_name) > 200:
        errors["reviewer_name"] = "The reviewer's name must be 200 characters or fewer"
    case = review.case
    kind = "local child safeguarding practice review" if review.statutory else "multi-agency learning review"
    default_title = (
        f"{case.pseudonym}: improvements to be made following a {kind}"
        if mode == Mode.IMPROVEMENTS
        else f"{case.pseudonym}: {kind}"
    )
    title = (title or "").strip() or default_title
    if len(title) > 300:
        errors["title"] = "The title must be 300 characters or fewer"
    if title and "title" not in errors:
        found = redaction.find_personal_data([redaction.Block("heading", title, 1)], identifiers(review))
        if found:
            errors["title"] = f"The title contains possible personal data ({', '.join(f.text for f in found)})"
    raise_if(errors, "There is a problem with the publication plan.")
    assert version is not None
    blocks, problem = publication_blocks(version, mode)
    with transaction.atomic():
        LocalReview.objects.select_for_update().filter(pk=review.pk).first()
        plan = plan_of(review)
        values = {
            "version": version,
            "mode": mode,
            "justification": (justification or "").strip() if mode == Mode.IMPROVEMENTS else "",
            "title": title,
            "reviewer_name": reviewer_name,
            "blocks": _stored(blocks),
            "not_redactable": problem,
            "updated_at": timezone.now(),
        }
        if plan is None:
            plan = Publication.objects.create(review=review, created_by=actor, **values)
        else:
            for name, value in values.items():
                setattr(plan, name, value)
            if not problem:
                plan.source, plan.declared_by, plan.declared_role, plan.declared_at = (
                    Publication.Source.TEXT,
                    "",
                    "",
                    None,
                )
            plan.save()
        pseudonyms_from_case(review)
        _scan(plan, actor)
        _audit(actor, "review.publication_planned", review, request, mode=mode, version=version.number,
               readable=not problem)  # fmt: skip
    return plan


# --- 2. copies to the national bodies -----------------------------------------------------------------------------


def last_copy_sent(plan: Publication) -> datetime.date | None:
    """The day the last copy the 7 working days count from was sent, once every one of them has been."""
    if missing_copies(plan):
        return None
    needed = required_copies(plan)
    dates = [c.sent_on for c in plan.copies.all() if (c.recipient, c.what) in needed]
    return max(dates) if dates else None


def earliest_date(plan: Publication) -> datetime.date | None:
    """The first date the report may be published: 7 working days after the last copy (None until all sent). A
    learning review sets no such rule: from its sign-off."""
    if not plan.review.statutory:
        return plan.review.signed_off_on
    sent = last_copy_sent(plan)
    return earliest_publication(plan.review.case, sent) if sent else None


def _earliest_sending(review: LocalReview) -> datetime.date | None:
    incident = Notification.objects.filter(case_id=review.case_id).values_list("incident_date", flat=True).first()
    return max((d for d in (incident, review.signed_off_on) if d), default=None)


def publication_copy_record(
    *,
    actor: User,
    review: LocalReview,
    recipient: str,
    what: str,
    sent_on: datetime.date | None,
    how: str,
    request: HttpRequest | None = None,
) -> PublicationCopy:
    """Record a copy sent: before publication the full report (or the justification) to the Panel, the Secretary
    of State and Ofsted; after it, the published report to the NSPCC repository or Ofsted (``nspcc-copy``)."""
    review.refresh_from_db()
    published = review.state == ReviewState.PUBLISHED
    require_review_action(actor, review, ReviewAction.RECORD_NATIONAL_COPY if published else ReviewAction.RECORD_COPY)
    plan = plan_of(review)
    assert plan is not None  # the action's readiness check
    errors: dict[str, str] = {}
    allowed = AFTER_PUBLICATION if published else BEFORE_PUBLICATION
    if recipient not in {r.value for r in allowed}:
        errors["recipient"] = "Choose " + " or ".join(r.label[0].lower() + r.label[1:] for r in allowed)
    if published:
        what = What.PUBLISHED
    elif what not in {What.FULL_REPORT, What.JUSTIFICATION}:
        errors["what"] = "Choose what was sent: the full report or the justification"
    elif what == What.JUSTIFICATION and (plan.mode != Mode.IMPROVEMENTS or recipient not in JUSTIFIED_TO):
        errors["what"] = (
            "The justification goes to the Panel and the Secretary of State when only the improvements are published"
        )
    if how not in PublicationCopy.How.values:
        errors["how"] = "Choose how it was sent"
    if sent_on is None:
        errors["sent_on"] = "Enter the date it was sent"
    not_in_future(sent_on, "sent_on", "The date it was sent", errors)
    earliest = plan.published_on if published else _earliest_sending(review)
    if sent_on and earliest and sent_on < earliest and "sent_on" not in errors:
        errors["sent_on"] = (
            f"The date it was sent cannot be before the report was published ({earliest:%-d %B %Y})"
            if published
            else f"The date it was sent cannot be before the incident or the sign-off ({earliest:%-d %B %Y})"
        )
    raise_if(errors, "There is a problem with recording the copy.")
    assert sent_on is not None
    with transaction.atomic():
        copy = PublicationCopy.objects.create(
            publication=plan, recipient=recipient, what=what, sent_on=sent_on, how=how, recorded_by=actor
        )
        first = not plan.copies.filter(recipient=recipient).exclude(pk=copy.pk).exists()
        if recipient == Recipient.NSPCC and first:  # the milestone is met by the first copy sent
            record_case_date(actor=actor, case=review.case, event=NSPCC_COPY_SENT, date=sent_on, request=request)
        _audit(actor, "review.publication_copy_sent", review, request, recipient=recipient, what=what, sent_on=sent_on,
               how=how)  # fmt: skip
    return copy


# --- 3. the pseudonym register and redaction ------------------------------------------------------------------


def pseudonyms_from_case(review: LocalReview) -> None:
    """Fill the register from what the case itself holds (DOMAIN.md step 10, "anonymised: Child Q"): each
    child's name and other names become their pseudonym, dates of birth "[date of birth]", the place of the
    incident "[address]", the case's references "[reference]". Added once; the business manager adds the rest."""
    if PseudonymEntry.objects.filter(review=review, from_case=True).exists():
        return
    case = review.case
    rows: list[tuple[str, str, str]] = []
    for child in Child.objects.filter(case=case):
        rows += [(PseudonymEntry.Category.NAME, v, child.pseudonym) for v in [child.name.strip()] if v]
        for other in (child.other_names or "").replace(";", "\n").replace(",", "\n").splitlines():
            rows += [(PseudonymEntry.Category.OTHER_NAME, v, child.pseudonym) for v in [other.strip()] if v]
        if child.date_of_birth:
            rows.append((PseudonymEntry.Category.DATE_OF_BIRTH, child.date_of_birth.isoformat(), "[date of birth]"))
    notification = Notification.objects.filter(case=case).first()
    if notification is not None:
        if notification.place.strip():
            rows.append((PseudonymEntry.Category.ADDRESS, notification.place.strip(), "[address]"))
        if notification.panel_reference.strip():
            rows.append((PseudonymEntry.Category.REFERENCE, notification.panel_reference.strip(), "[reference]"))
    rows.append((PseudonymEntry.Category.REFERENCE, case.reference, "[reference]"))
    PseudonymEntry.objects.bulk_create(
        [PseudonymEntry(review=review, category=c, value=v, replacement=r, from_case=True) for c, v, r in rows]
    )


def identifiers(review: LocalReview) -> list[redaction.Identifier]:
    return [
        redaction.Identifier(e.category, e.value, e.replacement) for e in PseudonymEntry.objects.filter(review=review)
    ]


def _scan(plan: Publication, actor: User | None) -> None:
    """Find the personal data in the text again; a decision already made on the same words at the same place,
    found the same way, is kept, so adding a pseudonym does not undo the work done. Found another way (a name kept
    as the name finder's, now in the register as a family member), it is asked again: the register wins."""
    previous = {(f.block, f.start, f.end, f.text, f.source, f.category): f for f in plan.findings.all()}
    plan.findings.all().delete()
    if plan.not_redactable:
        return
    rows = []
    for number, found in enumerate(
        redaction.find_personal_data(_as_blocks(plan.blocks), identifiers(plan.review)), start=1
    ):
        old = previous.get((found.block, found.start, found.end, found.text, found.source, found.category))
        decided = old is not None and old.decision != RedactionFinding.Decision.PENDING
        rows.append(
            RedactionFinding(
                publication=plan,
                number=number,
                block=found.block,
                start=found.start,
                end=found.end,
                text=found.text,
                sentence=found.sentence,
                category=found.category,
                source=found.source,
                replacement=old.replacement if decided and old else found.replacement[:100],
                decision=old.decision if decided and old else RedactionFinding.Decision.PENDING,
                decided_by=old.decided_by if decided and old else None,
                decided_at=old.decided_at if decided and old else None,
            )
        )
    RedactionFinding.objects.bulk_create(rows)
    if any(r.decision == RedactionFinding.Decision.PENDING for r in rows):
        Publication.objects.filter(pk=plan.pk).update(redaction_checked_by=None, redaction_checked_at=None)
        plan.redaction_checked_by, plan.redaction_checked_at = None, None


def pseudonym_add(
    *,
    actor: User,
    review: LocalReview,
    category: str,
    value: str,
    replacement: str,
    request: HttpRequest | None = None,
) -> PseudonymEntry:
    """Add a family member, school, address or other detail to the register; the text is checked again."""
    require_review_action(actor, review, ReviewAction.EDIT_PSEUDONYMS)
    errors: dict[str, str] = {}
    if category not in PseudonymEntry.Category.values:
        errors["category"] = "Choose what kind of detail it is"
    value, replacement = (value or "").strip(), (replacement or "").strip()
    require_text(value, "value", "Enter the name or detail as the report might write it", errors)
    require_text(replacement, "replacement", "Enter what the published report says instead, for example Mother", errors)
    if len(value) > 500:
        errors["value"] = "The detail must be 500 characters or fewer"
    if len(replacement) > 100:
        errors["replacement"] = "The replacement must be 100 characters or fewer"
    elif replacement and value and replacement.casefold() == value.casefold():
        errors["replacement"] = "The replacement must differ from the detail it replaces"
    raise_if(errors, "There is a problem with the pseudonym.")
    with transaction.atomic():
        plan = Publication.objects.select_for_update().filter(review=review).first()  # one check at a time
        assert plan is not None
        entry = PseudonymEntry.objects.create(
            review=review, category=category, value=value, replacement=replacement, added_by=actor
        )
        _scan(plan, actor)
        # The register's real value is personal data: the audit names the replacement, never the value.
        _audit(actor, "review.pseudonym_added", review, request, category=category, replacement=replacement)
    return entry


def redaction_decide(
    *,
    actor: User,
    review: LocalReview,
    decisions: Mapping[int, tuple[str, str]],
    request: HttpRequest | None = None,
) -> Publication:
    """Record a person's decision on each finding: ``{finding id: ("accepted" | "rejected", replacement)}``. Every
    finding must be decided; an accepted one needs its replacement. Decisions name findings by their id, which a
    new check of the text replaces: a page opened before it is refused whole rather than applied to other words.
    When all are decided the check is complete, with who did it and when (the redaction log)."""
    require_review_action(actor, review, ReviewAction.CHECK_REDACTION)
    with transaction.atomic():
        plan = Publication.objects.select_for_update().filter(review=review).first()
        assert plan is not None
        findings = list(plan.findings.all())
        if set(decisions) != {f.pk for f in findings}:
            raise ValidationFailed(
                "There is a problem with the redaction check.",
                field_errors={
                    "findings": "The text was checked again since this page was opened: check the findings again"
                },
            )
        errors: dict[str, str] = {}
        for finding in findings:
            decision, replacement = decisions[finding.pk]
            replacement = (replacement or "").strip() or finding.replacement
            if decision not in {RedactionFinding.Decision.ACCEPTED, RedactionFinding.Decision.REJECTED}:
                errors[f"finding_{finding.pk}"] = f"Choose whether to replace or keep finding {finding.number}"
            elif decision == RedactionFinding.Decision.ACCEPTED and not replacement:
                errors[f"finding_{finding.pk}"] = f"Enter the replacement for finding {finding.number}"
            elif len(replacement) > 100:
                errors[f"finding_{finding.pk}"] = f"The replacement for finding {finding.number} is too long"
        raise_if(errors, "There is a problem with the redaction check.")
        now = timezone.now()
        counts = {"accepted": 0, "rejected": 0}
        for finding in findings:
            decision, replacement = decisions[finding.pk]
            replacement = (replacement or "").strip() or finding.replacement
            counts[decision] += 1
            if finding.decision != decision or finding.replacement != replacement:
                finding.decision, finding.replacement = decision, replacement
                finding.decided_by, finding.decided_at = actor, now
                finding.save(update_fields=["decision", "replacement", "decided_by", "decided_at"])
        Publication.objects.filter(pk=plan.pk).update(redaction_checked_by=actor, redaction_checked_at=now)
        _audit(actor, "review.redaction_checked", review, request, **counts)
    plan.refresh_from_db()
    return plan


def publication_declare_as_is(
    *,
    actor: User,
    review: LocalReview,
    name: str,
    role: str,
    confirmed: bool,
    request: HttpRequest | None = None,
) -> Publication:
    """A report file cspr cannot read is published as it is only when a named person declares that it contains
    nothing that identifies the child or harms any child's welfare (DOMAIN.md step 10)."""
    require_review_action(actor, review, ReviewAction.DECLARE_AS_IS)
    errors: dict[str, str] = {}
    require_text(name, "name", "Enter the name of the person making the declaration", errors)
    require_text(role, "role", "Enter their role", errors)
    if not confirmed:
        errors["confirmed"] = "Confirm that the report has been checked and identifies no child or family member"
    raise_if(errors, "There is a problem with the declaration.")
    plan = plan_of(review)
    assert plan is not None
    with transaction.atomic():
        plan.source = Publication.Source.AS_IS
        plan.declared_by, plan.declared_role, plan.declared_at = name.strip()[:200], role.strip()[:200], timezone.now()
        plan.save(update_fields=["source", "declared_by", "declared_role", "declared_at"])
        _audit(actor, "review.published_as_is_declared", review, request)  # the name is on the plan, not the trail
    return plan


# --- 4. publishing ----------------------------------------------------------------------------------------------


def title_problem(plan: Publication) -> str | None:
    """The title is published too (the public page, the PDF, the library): it is checked against the register
    and the patterns like the text, and refused rather than redacted, since the business manager typed it."""
    found = redaction.find_personal_data([redaction.Block("heading", plan.title, 1)], identifiers(plan.review))
    if found:
        return (
            f"The title contains possible personal data ({', '.join(f.text for f in found)}): change the plan's title"
        )
    return None


def redacted_blocks(plan: Publication) -> list[redaction.Block]:
    accepted = [
        redaction.Finding(
            key=str(f.number),
            block=f.block,
            start=f.start,
            end=f.end,
            text=f.text,
            category=f.category,
            source=cast(Source, f.source),
            replacement=f.replacement,
            sentence="",
        )
        for f in plan.findings.filter(decision=RedactionFinding.Decision.ACCEPTED)
    ]
    return redaction.redact(_as_blocks(plan.blocks), accepted)


def published_pdf(plan: Publication, published_on: datetime.date) -> bytes:
    """The PDF the public reads: written by cspr from the redacted text (never the uploaded file)."""
    from cspr.documents.published_report import render_published_report

    return render_published_report(
        title=plan.title,
        partnership=plan.review.case.partnership.name,
        reviewer=plan.reviewer_name,
        published_on=published_on,
        blocks=redacted_blocks(plan),
        improvements_only=plan.mode == Mode.IMPROVEMENTS,
    )


def publication_publish(
    *,
    actor: User,
    review: LocalReview,
    published_on: datetime.date | None,
    request: HttpRequest | None = None,
) -> Publication:
    """Publish on ``published_on`` (today or a day that has passed, never before the earliest date). In one
    transaction: the PDF written from the redacted text (or the declared file), the case's dates and move to
    "Review published", the report into the public library, the review to "Published"."""
    require_review_action(actor, review, ReviewAction.PUBLISH)
    plan = plan_of(review)
    assert plan is not None
    errors: dict[str, str] = {}
    earliest = earliest_date(plan)
    if published_on is None:
        errors["published_on"] = "Enter the publication date"
    not_in_future(published_on, "published_on", "The publication date", errors)
    if published_on and earliest and published_on < earliest and "published_on" not in errors:
        errors["published_on"] = (
            "The report must reach the Panel and the Secretary of State at least 7 working days before publication: "
            f"it can be published on {earliest:%-d %B %Y} at the earliest"
        )
    problem = title_problem(plan)
    if problem:
        errors["published_on"] = problem
    raise_if(errors, "There is a problem with publishing the report.")
    assert published_on is not None and earliest is not None
    if plan.source == Publication.Source.AS_IS and plan.version.file is not None:
        data, name = attachment_read(plan.version.file), plan.version.file.original_name
        content_type = plan.version.file.content_type
    else:
        data, name, content_type = published_pdf(plan, published_on), "report.pdf", "application/pdf"
    extension = ".pdf" if content_type == "application/pdf" else ".docx"
    case = review.case
    with transaction.atomic():
        plan.published_on, plan.published_by, plan.planned_on = published_on, actor, published_on
        # The public file's name is made here from the pseudonym, never the uploaded file's own name.
        plan.published_file, plan.published_content_type = data, content_type
        plan.published_file_name = (
            f"{slugify(case.pseudonym) or 'review'}-{slugify(plan.get_mode_display())}{extension}"
        )
        plan.save(
            update_fields=[
                "published_on", "published_by", "planned_on", "published_file", "published_content_type",
                "published_file_name",
            ]
        )  # fmt: skip
        if review.statutory:
            _publish_case(actor, plan, name, data, published_on, request)
        else:
            _publish_learning_review(actor, plan, data, published_on, request)
        _audit(actor, "review.report_published", review, request, published_on=published_on, mode=plan.mode,
               source=plan.source, report=plan.library_report_id)  # fmt: skip
        review_transition(actor=actor, review=review, to=ReviewState.PUBLISHED, request=request)
    return plan


def _publish_case(
    actor: User, plan: Publication, name: str, data: bytes, published_on: datetime.date, request: HttpRequest | None
) -> None:
    """A local review: the case records the dates and moves to "Review published", and the report enters the
    library, through the case's publication writer (its clocks: final-report-to-panel, keep-published)."""
    from cspr.cases.selectors import published_report_id

    case = plan.review.case
    try:
        case_publish_record(
            actor=actor, case=case, file_name=name, data=data, sent_to_panel_on=last_copy_sent(plan),
            published_on=published_on, reviewer=plan.reviewer_name, anonymised=True, title=plan.title,
            request=request,
        )  # fmt: skip
    except ValidationFailed as exc:
        problems = "; ".join((exc.field_errors or {}).values()) or exc.message
        raise ValidationFailed(
            "There is a problem with publishing the report.", field_errors={"published_on": problems}
        ) from exc
    plan.library_report_id = published_report_id(user=actor, case=case)
    plan.public_until = due_date_for(case, KEEP_PUBLISHED)
    plan.save(update_fields=["library_report_id", "public_until"])


def _publish_learning_review(
    actor: User, plan: Publication, data: bytes, published_on: datetime.date, request: HttpRequest | None
) -> None:
    """A learning review's optional publication: into the library as a learning review, a year on the public page
    as the partnership's practice for its statutory reviews (no case move: the case stays at its learning review,
    whose own stages record the end)."""
    from cspr.library.services import library_report_add_from_publication

    case = plan.review.case
    try:
        outcome = library_report_add_from_publication(
            actor=actor, partnership=case.partnership, case_id=case.pk,
            file_name=f"{slugify(case.pseudonym) or 'review'}-multi-agency-learning-review.pdf", data=data,
            title=plan.title, child=case.pseudonym, review_type="learning-review", published_on=published_on,
            reviewer=plan.reviewer_name, request=request,
        )  # fmt: skip
    except ValidationFailed as exc:
        raise ValidationFailed(
            "There is a problem with publishing the report.", field_errors={"published_on": exc.message}
        ) from exc
    plan.library_report_id = outcome.report.pk
    plan.public_until = WorkingCalendar.add_months(published_on, 12)  # clamped at a month's end, as the clocks are
    plan.save(update_fields=["library_report_id", "public_until"])


# --- 5. the public's requests -------------------------------------------------------------------------------------


def report_request_create(
    *, publication_id: int, name: str, email: str, reason: str = "", request: HttpRequest | None = None
) -> ReportRequest:
    """A member of the public asks for a report that has had its year on the website (DOMAIN.md step 10: "then
    available on request"). Anonymous: the selector of public reports decides what can be asked for; the request
    reaches the partnership's business managers by e-mail with a link only (nothing of the request in it)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    errors: dict[str, str] = {}
    name, email, reason = (name or "").strip(), (email or "").strip(), (reason or "").strip()
    require_text(name, "name", "Enter your name", errors)
    if not email:
        errors["email"] = "Enter your email address"
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.com"
    if len(name) > 200:
        errors["name"] = "Your name must be 200 characters or fewer"
    if len(reason) > 2000:
        errors["reason"] = "Your reason must be 2,000 characters or fewer"
    raise_if(errors, "There is a problem with your request.")
    with dbscope.system(), transaction.atomic():
        plan = (
            Publication.objects.filter(pk=publication_id, published_on__isnull=False, public_until__isnull=False)
            .select_related("review__case__partnership")
            .first()
        )
        if plan is None or plan.public_until is None or plan.public_until > timezone.localdate():
            raise NotFound("No report with that number is available on request.")
        # An anonymous form: the same address asking again within a day is the same request (no second e-mail),
        # and a flood of requests for one report is refused for the day rather than stored and mailed on.
        recent = list(
            ReportRequest.objects.filter(
                publication=plan, received_at__gte=timezone.now() - datetime.timedelta(days=1)
            )[: MAX_REQUESTS_A_DAY + 1]
        )
        again = next((r for r in recent if r.email.casefold() == email.casefold()), None)
        if again is not None:
            return again
        if len(recent) >= MAX_REQUESTS_A_DAY:
            raise TooManyAttempts("This report has had many requests today. Please try again tomorrow.")
        made = ReportRequest.objects.create(publication=plan, name=name, email=email, reason=reason)
        review = plan.review
        audit_record(
            actor=None, action="review.report_requested", partnership=review.partnership_id, target=review,
            after={"request": made.pk}, request=request,
        )  # fmt: skip
        managers = list(
            Membership.objects.active()
            .filter(partnership_id=review.partnership_id, role=Role.BUSINESS_MANAGER)
            .values_list("user__email", flat=True)
        )
    if managers:
        link = f"{settings.SITE_URL}/reviews/{review.pk}/publication/"
        subject = f"{review.case.partnership.name}: a request for a published report"
        transaction.on_commit(
            lambda: send_mail(
                subject=subject,
                message="Someone has asked for a published review that is now available on request.\n\n"
                f"Open the review's publication in cspr to read the request: {link}\n",
                from_email=None,
                recipient_list=managers,
            )
        )
    return made


def report_request_answered(
    *, actor: User, review: LocalReview, request_id: int, request: HttpRequest | None = None
) -> ReportRequest:
    """The business manager has sent the report to the person who asked for it."""
    require_review_action(actor, review, ReviewAction.ANSWER_PUBLIC_REQUEST)
    with transaction.atomic():
        made = ReportRequest.objects.select_for_update().filter(pk=request_id, publication__review=review).first()
        if made is None:
            raise NotFound("No request with that number is available to you.")
        if made.answered_on is None:
            made.answered_on = timezone.localdate()
            made.save(update_fields=["answered_on"])
            _audit(actor, "review.report_request_answered", review, request, request_id=made.pk)
    return made


# The plan's readiness lives with the state machine (reviews.state: the policy reads it too); pages read it here.
__all__ = [
    "AFTER_PUBLICATION",
    "BEFORE_PUBLICATION",
    "JUSTIFIED_TO",
    "earliest_date",
    "missing_copies",
    "plan_of",
    "pseudonym_add",
    "publication_copy_record",
    "publication_declare_as_is",
    "publication_plan",
    "publication_problem",
    "publication_publish",
    "redaction_decide",
    "report_request_answered",
    "report_request_create",
    "required_copies",
    "signed_off_version",
]
