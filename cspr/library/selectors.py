"""Every read of the library, scoped to the person asking (anonymous visitors see published reports only).

Search ranks passages in the database (``search.get_backend()``) and groups them by report here, so
filters, facets and paging work the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.db.models import Count, Max, Q, QuerySet
from django.utils.datastructures import MultiValueDict

from cspr.core.errors import NotFound
from cspr.library.detect import default_detector
from cspr.library.metadata import AGE_BANDS, HARMS, NATIONS, REVIEW_TYPES
from cspr.library.models import Passage, Report, ReportTheme, text_in_retention_q
from cspr.library.passages import split_passages
from cspr.library.permissions import curatable_reports_q, visible_reports_q
from cspr.library.search import SearchQuery, check_query, get_backend, parse_query
from cspr.library.similarity import Signature, SimilarityIndex, shared_passages, signature_for
from cspr.library.taxonomy import theme_labels
from cspr.partnerships.models import Partnership
from cspr.partnerships.selectors import access_for
from cspr.partnerships.types import Viewer

FACET_FIELDS = ("year", "nation", "review_type", "age_band", "harm")
FACET_LABELS: dict[str, dict[str, str]] = {
    "nation": NATIONS,
    "review_type": REVIEW_TYPES,
    "age_band": AGE_BANDS,
    "harm": HARMS,
}
SUPPRESS_BELOW = 5  # DOMAIN.md: published statistics suppress small counts


@dataclass(frozen=True)
class SearchFilters:
    year: tuple[int, ...] = ()
    nation: tuple[str, ...] = ()
    review_type: tuple[str, ...] = ()
    age_band: tuple[str, ...] = ()
    harm: tuple[str, ...] = ()
    theme: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: MultiValueDict[str, str] | Mapping[str, Any]) -> SearchFilters:
        """From a QueryDict or dict of lists; unknown values are dropped, not errors (links get stale)."""

        def values(name: str) -> list[str]:
            if isinstance(data, MultiValueDict):  # a QueryDict
                return [v for v in data.getlist(name) if v]
            raw = data.get(name, ())
            # The API's parameters are typed: its years arrive as numbers.
            return [str(raw)] if isinstance(raw, str | int) else [str(v) for v in raw if v]

        years = tuple(sorted({int(v) for v in values("year") if str(v).isdigit()}))
        labels = theme_labels()
        return cls(
            year=years,
            nation=tuple(v for v in values("nation") if v in NATIONS),
            review_type=tuple(v for v in values("review_type") if v in REVIEW_TYPES),
            age_band=tuple(v for v in values("age_band") if v in AGE_BANDS),
            harm=tuple(v for v in values("harm") if v in HARMS),
            theme=tuple(v for v in values("theme") if v in labels),
        )

    def apply(self, reports: QuerySet[Report]) -> QuerySet[Report]:
        for name in FACET_FIELDS:
            chosen = getattr(self, name)
            if chosen:
                reports = reports.filter(**{f"{name}__in": chosen})
        for theme in self.theme:  # every chosen theme must be confirmed for the report
            reports = reports.filter(
                pk__in=ReportTheme.objects.filter(theme=theme, status=ReportTheme.Status.CONFIRMED).values("report_id")
            )
        return reports

    def active(self) -> list[tuple[str, str, str]]:
        """(field, value, label) for each chosen filter, for "remove this filter" links."""
        out = []
        labels = theme_labels()
        for name in (*FACET_FIELDS, "theme"):
            for value in getattr(self, name):
                label = str(value)
                if name == "theme":
                    label = labels.get(str(value), str(value))
                elif name in FACET_LABELS:
                    label = FACET_LABELS[name].get(str(value), str(value))
                out.append((name, str(value), label))
        return out


@dataclass(frozen=True)
class SearchHit:
    report: Report
    score: float
    snippet: str  # with search.MARK_START/MARK_END around matches; escape before showing
    page: int | None
    heading: str
    matching_passages: int


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResults:
    query: SearchQuery
    hits: list[SearchHit]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    offset: int = 0
    limit: int = 20


def reports_visible_to(*, user: Viewer) -> QuerySet[Report]:
    return Report.objects.filter(visible_reports_q(access_for(user)))


def report_get(*, user: Viewer, report_id: int) -> Report:
    report = reports_visible_to(user=user).filter(pk=report_id).select_related("partnership").first()
    if report is None:
        raise NotFound("There is no report with that number in the library.")
    return report


def report_themes(*, report: Report, include_rejected: bool = False) -> list[ReportTheme]:
    rows = list(report.themes.all())
    if not include_rejected:
        rows = [r for r in rows if r.status != ReportTheme.Status.REJECTED]
    return rows


def confirmed_theme_ids(report: Report) -> list[str]:
    return sorted(report.themes.filter(status=ReportTheme.Status.CONFIRMED).values_list("theme", flat=True))


def _facets(
    report_ids: list[int] | None, base: QuerySet[Report], filters: SearchFilters
) -> dict[str, list[FacetValue]]:
    reports = base if report_ids is None else Report.objects.filter(pk__in=report_ids)
    facets: dict[str, list[FacetValue]] = {}
    for name in FACET_FIELDS:
        rows = reports.exclude(**{name: None} if name == "year" else {name: ""}).values(name).annotate(n=Count("id"))
        chosen = {str(v) for v in getattr(filters, name)}
        values = []
        for row in rows:
            value = str(row[name])
            label = FACET_LABELS.get(name, {}).get(value, value)
            values.append(FacetValue(value, label, row["n"], value in chosen))
        values.sort(key=lambda f: (-int(f.value)) if name == "year" else (-f.count, f.label))
        facets[name] = values
    labels = theme_labels()
    theme_rows = (
        ReportTheme.objects.filter(report__in=reports, status=ReportTheme.Status.CONFIRMED)
        .values("theme")
        .annotate(n=Count("report_id", distinct=True))
    )
    chosen_themes = set(filters.theme)
    facets["theme"] = sorted(
        (
            FacetValue(r["theme"], labels.get(r["theme"], r["theme"]), r["n"], r["theme"] in chosen_themes)
            for r in theme_rows
        ),
        key=lambda f: (-f.count, f.label),
    )
    return facets


def library_search(
    *,
    user: Viewer,
    query: str,
    filters: SearchFilters | None = None,
    limit: int = 20,
    offset: int = 0,
    with_facets: bool = True,
) -> SearchResults:
    """Ranked reports for a query (best passage per report, highlighted), or the filtered catalogue when the
    query is empty; facets count the reports in the result. Raises QuerySyntaxError for a query with
    nothing to look for (only excluded or very common words)."""
    filters = filters or SearchFilters()
    parsed = parse_query(query)
    check_query(parsed)
    base = filters.apply(reports_visible_to(user=user))
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    if not parsed:
        total = base.count()
        page = list(base.order_by("-year", "title", "pk")[offset : offset + limit])
        hits = [SearchHit(r, 0.0, "", None, "", 0) for r in page]
        facets = _facets(None, base, filters) if with_facets else {}
        return SearchResults(parsed, hits, total, facets, offset, limit)

    backend = get_backend()
    matches = backend.match_reports(parsed)
    # Text past its retention date is not searched even before the daily job removes it (DOMAIN.md).
    searchable = base.filter(text_in_retention_q())
    allowed = (
        set(searchable.filter(pk__in=[m.report_id for m in matches]).values_list("pk", flat=True)) if matches else set()
    )
    ranked = [m for m in matches if m.report_id in allowed]
    # A report with several matching passages is a little more relevant than one with a single mention.
    ranked.sort(key=lambda m: (-(m.score * (1.0 + 0.1 * math.log(m.matching_passages))), m.report_id))
    page_matches = ranked[offset : offset + limit]
    reports = Report.objects.in_bulk([m.report_id for m in page_matches])
    passages = Passage.objects.in_bulk([m.passage_id for m in page_matches])
    snippets = backend.snippets(parsed, [m.passage_id for m in page_matches])
    hits = []
    for m in page_matches:
        passage = passages.get(m.passage_id)
        hits.append(
            SearchHit(
                report=reports[m.report_id],
                score=round(m.score * (1.0 + 0.1 * math.log(m.matching_passages)), 6),
                snippet=snippets.get(m.passage_id, passage.text[:300] if passage else ""),
                page=passage.page if passage else None,
                heading=passage.heading if passage else "",
                matching_passages=m.matching_passages,
            )
        )
    facets = _facets([m.report_id for m in ranked], base, filters) if with_facets else {}
    return SearchResults(parsed, hits, len(ranked), facets, offset, limit)


def report_matching_passages(*, report: Report, query: str, limit: int = 10) -> list[tuple[Passage, str]]:
    """The passages of one (already authorised) report that match the query, with highlighted extracts."""
    parsed = parse_query(query)
    if not parsed or not report.text_available:
        return []
    backend = get_backend()
    ids = [pid for pid, _ in backend.passage_matches(parsed, report.pk, limit=limit)]
    snippets = backend.snippets(parsed, ids)
    rows = Passage.objects.in_bulk(ids)
    return [(rows[i], snippets.get(i, rows[i].text)) for i in ids if i in rows]


# --- similar reviews ------------------------------------------------------------------------------------


class SharedPassageRow(TypedDict):
    """A passage of the query text beside the passage of a similar report that is most like it."""

    query_passage: str
    passage: str
    page: int | None
    heading: str
    score: float


@dataclass(frozen=True)
class SimilarReview:
    report: Report
    score: float
    shared_themes: list[str]
    shared_terms: list[str]
    shared_passages: list[SharedPassageRow]

    @property
    def shared_theme_labels(self) -> list[str]:
        """What a person reads: the taxonomy's labels ("Unsafe sleep ..."), not its ids ("sudi-safer-sleep")."""
        labels = theme_labels()
        return [labels.get(t, t) for t in self.shared_themes]


def _themes_for_similarity() -> dict[int, set[str]]:
    """Confirmed themes where a person has decided, else the detector's suggestions (never rejected ones)."""
    confirmed: dict[int, set[str]] = defaultdict(set)
    suggested: dict[int, set[str]] = defaultdict(set)
    for report_id, theme, status in ReportTheme.objects.exclude(status=ReportTheme.Status.REJECTED).values_list(
        "report_id", "theme", "status"
    ):
        (confirmed if status == ReportTheme.Status.CONFIRMED else suggested)[report_id].add(theme)
    return {rid: confirmed.get(rid) or suggested.get(rid, set()) for rid in set(confirmed) | set(suggested)}


# How many public reports and theme rows there are, and when each last changed: the similarity index is
# rebuilt when this changes.
type _IndexVersion = tuple[int, datetime.datetime | None, int, datetime.datetime | None]


def _index_version() -> _IndexVersion:
    reports = Report.objects.filter(is_public=True).aggregate(n=Count("id"), at=Max("updated_at"))
    themes = ReportTheme.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return (reports["n"], reports["at"], themes["n"], themes["at"])


@functools.lru_cache(maxsize=2)
def _public_index(version: _IndexVersion, alias: str) -> SimilarityIndex:
    themes = _themes_for_similarity()
    rows = Report.objects.filter(is_public=True).values_list("pk", "signature")
    return SimilarityIndex((pk, Signature.from_json(sig, themes.get(pk, ()))) for pk, sig in rows)


def _index() -> SimilarityIndex:
    from django.db import connection

    return _public_index(_index_version(), connection.alias + connection.settings_dict.get("NAME", "") or "")


def _shared_passage_rows(query_texts: list[str], report: Report, limit: int = 2) -> list[SharedPassageRow]:
    if not query_texts or not report.text_available:
        return []
    others = list(report.passages.only("position", "page", "heading", "text"))
    pairs = shared_passages(query_texts, [p.text for p in others], limit=limit)
    return [
        {
            "query_passage": query_texts[pair.query_index],
            "passage": others[pair.other_index].text,
            "page": others[pair.other_index].page,
            "heading": others[pair.other_index].heading,
            "score": pair.score,
        }
        for pair in pairs
    ]


def _similar(signature: Signature, query_texts: list[str], limit: int, exclude: list[int]) -> list[SimilarReview]:
    index = _index()
    matches = index.query(signature, limit=limit, exclude=exclude)
    reports = Report.objects.in_bulk([m.key for m in matches])
    labels = theme_labels()
    out = []
    for m in matches:
        report = reports.get(m.key)
        if report is None:
            continue
        out.append(
            SimilarReview(
                report=report,
                score=m.score,
                shared_themes=list(m.shared_themes),
                shared_terms=list(m.shared_terms),
                shared_passages=_shared_passage_rows(query_texts, report),
            )
        )
    del labels
    return out


def similar_reviews_for_report(*, user: Viewer, report_id: int, limit: int = 5) -> list[SimilarReview]:
    """Published reviews most like a library report the person can see (the report itself excluded)."""
    report = report_get(user=user, report_id=report_id)
    themes = _themes_for_similarity().get(report.pk, set())
    signature = Signature.from_json(report.signature, themes)
    texts = list(report.passages.values_list("text", flat=True)[:60]) if report.text_available else []
    return _similar(signature, texts, limit, [report.pk])


def similar_reviews_for_text(*, text: str, limit: int = 5, exclude: Sequence[int] = ()) -> list[SimilarReview]:
    """Published reviews most like a piece of text, such as a live case's rapid review ("Reviews like this
    one"). Everything is computed in this process; the text is neither stored nor sent anywhere. The
    caller is responsible for having authorised the reader to see ``text``; results are public reports."""
    from cspr.library.extract import Block

    blocks = [Block(text=para, page=None) for para in text.split("\n\n") if para.strip()]
    passages = split_passages(blocks)
    if not passages:
        return []
    index = _index()
    detector = default_detector(use_embeddings=False)
    themes = [s.theme for s in detector.detect(passages).suggestions]
    embedding = None
    if any(s.embedding for s in index.signatures):
        try:
            from cspr.library.services import _embedding

            embedding = _embedding(passages)
        except Exception:
            embedding = None
    signature = signature_for([p.text for p in passages], themes=themes, embedding=embedding)
    return _similar(signature, [p.text for p in passages], limit, list(exclude))


# --- themes: curation and statistics ----------------------------------------------------------------------


def reports_for_theme_review(*, user: Viewer, limit: int = 50) -> QuerySet[Report]:
    """Reports this person may curate that still have undecided suggestions, most suggestions first."""
    access = access_for(user)
    if access.user_id is None:
        return Report.objects.none()
    return (
        Report.objects.filter(curatable_reports_q(access))
        .filter(themes__status=ReportTheme.Status.SUGGESTED)
        .annotate(pending=Count("themes", filter=Q(themes__status=ReportTheme.Status.SUGGESTED)))
        .order_by("-pending", "-year", "pk")[:limit]
    )


@dataclass
class ThemeStatistics:
    reports: int
    by_theme: list[tuple[str, str, int]]  # id, label, reports with it confirmed
    by_dimension: dict[str, tuple[list[str], list[tuple[str, str, list[int]]]]]  # columns, rows
    pairs: list[tuple[str, str, int]]
    partnership: Partnership | None = None
    partnership_reports: int = 0
    partnership_by_theme: dict[str, int] = field(default_factory=dict)
    suppress_below: int = SUPPRESS_BELOW


def suppress(count: int, threshold: int = SUPPRESS_BELOW) -> str:
    """A count as published: 0, or "fewer than N" for 1..N-1, else the number (DOMAIN.md)."""
    if 0 < count < threshold:
        return f"fewer than {threshold}"
    return str(count)


def suppressed_share(count: int, total: int, threshold: int = SUPPRESS_BELOW) -> str:
    """A count as a percentage of a total, as published: withheld whenever the count is, because a share and
    its total would give the small count back (2 reports, 50%: one report)."""
    if 0 < count < threshold:
        return "not shown"
    return f"{round(100 * count / total)}%" if total else "0%"


def recurrent_theme_statistics(*, partnership: Partnership | None = None, top_pairs: int = 15) -> ThemeStatistics:
    """Counts of confirmed themes in published reports, by year, nation and review type; pairs of themes that
    occur together; and, when a partnership is given, its own reports beside the national picture."""
    confirmed = list(
        ReportTheme.objects.filter(status=ReportTheme.Status.CONFIRMED, report__is_public=True).values_list(
            "report_id", "theme", "report__year", "report__nation", "report__review_type", "report__partnership_id"
        )
    )
    labels = theme_labels()
    per_report: dict[int, set[str]] = defaultdict(set)
    for report_id, theme, *_ in confirmed:
        per_report[report_id].add(theme)
    totals = Counter(theme for themes in per_report.values() for theme in themes)
    by_theme = [(t, labels.get(t, t), n) for t, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]

    dims: dict[str, tuple[list[str], list[tuple[str, str, list[int]]]]] = {}
    for dim, idx, names in (("year", 2, None), ("nation", 3, NATIONS), ("review_type", 4, REVIEW_TYPES)):
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for row in confirmed:
            value = row[idx]
            if value in (None, ""):
                continue
            counts[row[1]][str(value)] += 1
        columns = sorted({c for per in counts.values() for c in per}, reverse=(dim == "year"))
        if dim == "year":
            columns = sorted(columns)[-10:]
        header = [names.get(c, c) if names else c for c in columns]
        rows = [(t, labels.get(t, t), [counts[t][c] for c in columns]) for t, _, _ in by_theme]
        dims[dim] = (header, rows)

    pair_counts: Counter[tuple[str, str]] = Counter()
    for themes in per_report.values():
        ordered = sorted(themes)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                pair_counts[(a, b)] += 1
    pairs = [
        (labels.get(a, a), labels.get(b, b), n)
        for (a, b), n in sorted(pair_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top_pairs]
    ]
    stats = ThemeStatistics(
        reports=Report.objects.filter(is_public=True).count(),
        by_theme=by_theme,
        by_dimension=dims,
        pairs=pairs,
    )
    if partnership is not None:
        own_ids = {rid for rid, *_rest, pid in confirmed if pid == partnership.pk}
        stats.partnership = partnership
        stats.partnership_reports = Report.objects.filter(is_public=True, partnership=partnership).count()
        stats.partnership_by_theme = dict(Counter(theme for rid in own_ids for theme in per_report.get(rid, ())))
    return stats
