"""Every read of the library, scoped to the person asking (anonymous visitors see published reports only).

Search finds and ranks reports in the database's report-level index (``search.get_backend()``) and reads
totals, facets and the page in one statement, so filters, facets and paging work the same on SQLite and
PostgreSQL; passages are ranked only for the shown page.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils.datastructures import MultiValueDict

from cspr.core.errors import NotFound
from cspr.library import theme_bits
from cspr.library.detect import default_detector
from cspr.library.metadata import AGE_BANDS, HARMS, NATIONS, REVIEW_TYPES
from cspr.library.models import Passage, Report, ReportTheme, ReportVector, text_in_retention_q
from cspr.library.passages import split_passages
from cspr.library.permissions import curatable_reports_q, visible_reports_q
from cspr.library.search import SearchQuery, check_query, get_backend, parse_query
from cspr.library.similarity import Signature, SimilarityIndex, SimilarMatch, shared_passages, signature_for
from cspr.library.taxonomy import theme_labels
from cspr.library.vectors import VectorIndex, VectorRow, numpy_available, pack_embedding, pack_terms, similarity_themes
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

        # A year is four ASCII digits: anything else (a 20-digit "year" overflowed the database's integer and
        # answered 500; issue "Prove it holds", defect 2) matches no report, so it is dropped like an unknown
        # nation.
        years = tuple(sorted({int(v) for v in values("year") if re.fullmatch(r"[0-9]{4}", str(v))}))
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


# The columns a search result shows (the page, the API and the command line): the page of reports is
# loaded with these only, never the signature or other catalogue fields of reports nobody is shown.
HIT_COLUMNS = (
    "id",
    "title",
    "source_name",
    "publisher",
    "year",
    "nation",
    "review_type",
    "text_removed_at",
    "available_until",
)


def _where_on_reports(allowed: QuerySet[Report]) -> tuple[str, list[Any]]:
    """The conditions of ``allowed`` as SQL over ``library_report`` itself, so the search applies them to the
    report rows it reads anyway instead of building the list of every visible report (20,000 ids) first.
    A queryset that joins other tables (none of the library's do) falls back to ``id IN (subquery)``."""
    query = allowed.query
    if len(query.alias_map) <= 1 and query.base_table in (None, Report._meta.db_table):
        try:
            where_sql, where_params = query.get_compiler(connection=connection).compile(query.where)
        except EmptyResultSet:
            return "1 = 0", []
        except FullResultSet:
            return "1 = 1", []
        return f"({where_sql})", list(where_params)
    allowed_sql, allowed_params = allowed.order_by().values("pk").query.sql_with_params()
    return f"library_report.id IN ({allowed_sql})", list(allowed_params)


def _facet_selects(with_facets: bool) -> list[str]:
    """The GROUP BYs over the matching set ``s``, one SELECT per facet, for the UNION ALL in _search_sql."""
    if not with_facets:
        return []
    selects = [
        f"SELECT '{name}', CAST({name} AS TEXT), NULL, COUNT(*), NULL, NULL FROM s "  # noqa: S608 -- constant SQL and the backend's own; every value is a parameter  # nosec B608
        f"WHERE {name} IS NOT NULL{'' if name == 'year' else f" AND {name} <> ''"} GROUP BY {name}"
        for name in FACET_FIELDS
    ]
    # Only confirmed themes are facets. Each matching report's confirmed themes are bits of one integer
    # (theme_bits), so the facet is one pass over ``s`` adding up two themes per sum, not a join to every
    # confirmed theme row of every match. One row per sum: ("themes", its low bit, count = the sum).
    selects += [
        f"SELECT 'themes', '{j}', NULL, CAST(t{j} AS BIGINT), NULL, NULL FROM tb"  # noqa: S608 -- constant SQL; every value is a parameter  # nosec B608
        for j, _ in theme_bits.theme_sum_sql("themes")
    ]
    return selects


def _theme_sums_cte(with_facets: bool) -> str:
    if not with_facets:
        return ""
    sums = theme_bits.theme_sum_sql("themes")
    columns = ", ".join(f"{expr} AS t{j}" for j, expr in sums)
    return f", tb AS MATERIALIZED (SELECT {columns} FROM s)"  # noqa: S608 -- constant SQL; every value is a parameter  # nosec B608


# The columns search reads from each matching report, all in one narrow index on SQLite (migration 0006): read
# through it, not the wide rows. SQLite's planner would look the reports up by rowid in the table itself.
_REPORT_COLUMNS = (
    "library_report.id, library_report.year, library_report.nation, library_report.review_type, "
    "library_report.age_band, library_report.harm, library_report.confirmed_themes AS themes"
)


def _report_table() -> str:
    if connection.vendor == "sqlite":
        return "library_report INDEXED BY library_report_search_row"
    return "library_report"


def _search_sql(
    *,
    allowed: QuerySet[Report],
    matches: tuple[str, list[Any]] | None,
    limit: int,
    offset: int,
    with_facets: bool,
    row_match: tuple[str, list[Any], str, list[Any]] | None = None,
) -> tuple[str, list[Any]]:
    """One statement that answers a search page: the shown page of hits, the total and every facet.

    ``s`` is the matching set, computed once by the database (materialised): the backend's matches joined
    to the reports the reader may see under the chosen filters (``allowed`` stays a subquery), or, for a
    backend whose index is a column of the report row (``row_match``), those reports in one scan. The total
    and the facets are GROUP BYs and sums over it, so they are right at any size and nothing but the page's
    20 rows and the facet counts comes back. Rows: (kind, value, rank, count or report id, NULL, NULL).
    """
    where_sql, where_params = _where_on_reports(allowed)
    params: list[Any] = []
    if matches is None and row_match is None:
        s = f"SELECT {_REPORT_COLUMNS} FROM {_report_table()} WHERE {where_sql}"  # noqa: S608 -- constant SQL and the backend's own; every value is a parameter  # nosec B608
        params += where_params
        selects = [
            "SELECT CAST('' AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS DOUBLE PRECISION), "
            "CAST(COUNT(*) AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) FROM s"
        ]
    else:
        if row_match is not None:
            condition, condition_params, score, score_params = row_match
            s = (
                f"SELECT {_REPORT_COLUMNS}, {score} AS rank FROM library_report "  # noqa: S608 -- constant SQL and the backend's own; every value is a parameter  # nosec B608
                f"WHERE {condition} AND {where_sql}"
            )
            params += [*score_params, *condition_params, *where_params]
        else:
            assert matches is not None
            match_sql, match_params = matches
            s = (
                f"SELECT {_REPORT_COLUMNS}, m.score AS rank FROM ({match_sql}) m "  # noqa: S608 -- constant SQL and the backend's own; every value is a parameter  # nosec B608
                f"JOIN {_report_table()} ON library_report.id = m.report_id WHERE {where_sql}"
            )
            params += [*match_params, *where_params]
        selects = [
            "SELECT CAST('hit' AS TEXT), CAST(NULL AS TEXT), CAST(rank AS DOUBLE PRECISION), CAST(id AS BIGINT), "
            "CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) "
            "FROM (SELECT * FROM s ORDER BY rank DESC, id LIMIT %s OFFSET %s) page",
            "SELECT '', NULL, NULL, COUNT(*), NULL, NULL FROM s",
        ]
        params += [limit, offset]
    sql = f"WITH s AS MATERIALIZED ({s}){_theme_sums_cte(with_facets)} " + " UNION ALL ".join(
        [*selects, *_facet_selects(with_facets)]
    )
    return sql, params


def _facet_values(rows: list[tuple[str, str, int]], filters: SearchFilters) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {}
    labels = theme_labels()
    sums = {int(v): n for kind, v, n in rows if kind == "themes"}
    themes = [("theme", theme, n) for theme, n in theme_bits.theme_counts(sums).items()]
    for name in (*FACET_FIELDS, "theme"):
        chosen = {str(v) for v in getattr(filters, name)}
        names = labels if name == "theme" else FACET_LABELS.get(name, {})
        values = [FacetValue(v, names.get(v, v), n, v in chosen) for kind, v, n in [*rows, *themes] if kind == name]
        values.sort(key=lambda f: (-int(f.value)) if name == "year" else (-f.count, f.label))
        facets[name] = values
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
    nothing to look for (only excluded or very common words).

    A constant number of queries whatever the library's size: one statement for the page, the total and
    the facets (``_search_sql``) from the report-level index, then the page's reports (shown columns only),
    then its best passages with their extracts."""
    filters = filters or SearchFilters()
    parsed = parse_query(query)
    check_query(parsed)
    base = filters.apply(reports_visible_to(user=user))
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    backend = get_backend() if parsed else None
    # Text past its retention date is not searched even before the daily job removes it (DOMAIN.md).
    allowed = base.filter(text_in_retention_q()) if parsed else base
    row_match = backend.report_row_match(parsed) if backend is not None else None
    sql, params = _search_sql(
        allowed=allowed,
        matches=backend.matches_sql(parsed) if backend is not None and row_match is None else None,
        limit=limit,
        offset=offset,
        with_facets=with_facets,
        row_match=row_match,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = next((int(r[3]) for r in rows if r[0] == ""), 0)
    facets = _facet_values([(r[0], r[1], int(r[3])) for r in rows if r[0] not in ("", "hit")], filters)
    if not with_facets:
        facets = {}

    if backend is None:
        page = list(base.only(*HIT_COLUMNS).order_by("-year", "title", "pk")[offset : offset + limit])
        hits = [SearchHit(r, 0.0, "", None, "", 0) for r in page]
        return SearchResults(parsed, hits, total, facets, offset, limit)

    page_rows = sorted(((float(r[2]), int(r[3])) for r in rows if r[0] == "hit"), key=lambda h: (-h[0], h[1]))
    ids = [report_id for _, report_id in page_rows]
    reports = Report.objects.order_by().only(*HIT_COLUMNS).in_bulk(ids)
    # Passages are ranked for the shown page only: its best passage per report, with the extract.
    best = backend.best_passages(parsed, ids)
    hits = []
    for rank, report_id in page_rows:
        passage = best.get(report_id)
        hits.append(
            SearchHit(
                report=reports[report_id],
                score=round(rank, 6),
                snippet=passage.snippet if passage else "",
                page=passage.page if passage else None,
                heading=passage.heading if passage else "",
                matching_passages=passage.matching_passages if passage else 0,
            )
        )
    return SearchResults(parsed, hits, total, facets, offset, limit)


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


def _report_similarity_themes(report_id: int) -> list[str]:
    """One report's themes as similarity compares them (confirmed, else suggested; never rejected)."""
    return similarity_themes(ReportTheme.objects.filter(report_id=report_id).values_list("theme", "status"))


def _themes_for_similarity() -> dict[int, set[str]]:
    """Every report's themes as similarity compares them: only for the pure-Python fallback index."""
    rows: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for report_id, theme, status in ReportTheme.objects.values_list("report_id", "theme", "status"):
        rows[report_id].append((theme, status))
    return {rid: set(similarity_themes(pairs)) for rid, pairs in rows.items()}


class _Matcher(Protocol):
    def query(
        self, signature: Signature, *, limit: int = 5, exclude: Iterable[Hashable] = ()
    ) -> list[SimilarMatch]: ...


@dataclass
class _CachedIndex:
    version: tuple[str, int]
    index: VectorIndex | SimilarityIndex


# One similarity index per database, replaced when the library's version changes: memory stays one
# library's worth per process, and a request only reads the version row.
_INDEXES: dict[str, _CachedIndex] = {}
_INDEX_LOCK = threading.Lock()


def _index_version() -> tuple[str, int]:
    """The version token (changed by every service that changes what similarity reads) and the highest
    report id (so a report written by any other path also counts as a change): one cheap query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT token FROM library_libraryversion WHERE id = 1), (SELECT MAX(id) FROM library_report)"
        )
        token, top = cursor.fetchone()
    return (token or "", int(top or 0))


def _build_index() -> VectorIndex | SimilarityIndex:
    """The public library as a similarity index: the numpy matrix from the stored vectors, or, without
    numpy, the pure-Python reference index from the stored signatures (fine for a few hundred reports)."""
    if not numpy_available():
        themes = _themes_for_similarity()
        sigs = Report.objects.filter(is_public=True).values_list("pk", "signature")
        return SimilarityIndex((pk, Signature.from_json(sig, themes.get(pk, ()))) for pk, sig in sigs)
    rows: list[VectorRow] = [
        (pk, bytes(terms), themes, bytes(emb) if emb else None)
        for pk, terms, themes, emb in ReportVector.objects.filter(report__is_public=True)
        .order_by("report_id")
        .values_list("report_id", "terms", "themes", "embedding")
        .iterator(chunk_size=5000)
    ]
    # A public report stored without a vector (written by hand, or before its migration ran) still counts.
    have = {r[0] for r in rows}
    missing = Report.objects.filter(is_public=True).exclude(pk__in=ReportVector.objects.values("report_id"))
    for pk, signature in missing.values_list("pk", "signature"):
        if pk not in have:
            stored = signature or {}
            rows.append(
                (
                    pk,
                    pack_terms(stored.get("terms") or {}),
                    " ".join(_report_similarity_themes(pk)),
                    pack_embedding(stored.get("embedding")),
                )
            )
    return VectorIndex(rows)


def _index() -> VectorIndex | SimilarityIndex:
    key = connection.alias + str(connection.settings_dict.get("NAME") or "")
    version = _index_version()
    cached = _INDEXES.get(key)
    if cached is not None and cached.version == version:
        return cached.index
    with _INDEX_LOCK:
        cached = _INDEXES.get(key)
        if cached is None or cached.version != version:
            cached = _CachedIndex(version, _build_index())
            _INDEXES[key] = cached
    return cached.index


def _index_has_embeddings(index: VectorIndex | SimilarityIndex) -> bool:
    if isinstance(index, VectorIndex):
        return index.any_embeddings
    return any(s.embedding for s in index.signatures)


def _shared_passage_rows(
    query_texts: list[str], report: Report, others: list[Passage], limit: int = 2
) -> list[SharedPassageRow]:
    if not query_texts or not report.text_available or not others:
        return []
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


SIMILAR_COLUMNS = ("id", "title", "source_name", "publisher", "year", "text_removed_at", "available_until")


def _similar(
    signature: Signature,
    query_texts: list[str],
    limit: int,
    exclude: list[int],
    index: VectorIndex | SimilarityIndex | None = None,
) -> list[SimilarReview]:
    """The best public matches, with only the shown columns of those few reports and, in one query, the
    passages compared for "passage in common" (never the rest of the library's text)."""
    matcher: _Matcher = index if index is not None else _index()
    matches = matcher.query(signature, limit=limit, exclude=exclude)
    keys = [int(str(m.key)) for m in matches]
    reports = Report.objects.filter(is_public=True).only(*SIMILAR_COLUMNS).in_bulk(keys)
    texts: dict[int, list[Passage]] = defaultdict(list)
    readable = [k for k in keys if k in reports and reports[k].text_available]
    if query_texts and readable:
        for passage in Passage.objects.filter(report_id__in=readable).only(
            "report_id", "position", "page", "heading", "text"
        ):
            texts[passage.report_id].append(passage)
    out = []
    for m, key in zip(matches, keys, strict=True):
        report = reports.get(key)
        if report is None:
            continue
        out.append(
            SimilarReview(
                report=report,
                score=m.score,
                shared_themes=list(m.shared_themes),
                shared_terms=list(m.shared_terms),
                shared_passages=_shared_passage_rows(query_texts, report, texts.get(key, [])),
            )
        )
    return out


def similar_reviews_for_report(*, user: Viewer, report_id: int, limit: int = 5) -> list[SimilarReview]:
    """Published reviews most like a library report the person can see (the report itself excluded)."""
    report = report_get(user=user, report_id=report_id)
    signature = Signature.from_json(report.signature, _report_similarity_themes(report.pk))
    texts = list(report.passages.values_list("text", flat=True)[:60]) if report.text_available else []
    return _similar(signature, texts, limit, [report.pk])


def similar_reviews_for_text(*, text: str, limit: int = 5, exclude: Sequence[int] = ()) -> list[SimilarReview]:
    """Published reviews most like a piece of text, such as a live case's rapid review ("Reviews like this
    one"). Everything is computed in this process; the text is neither stored nor sent anywhere. The
    caller is responsible for having authorised the reader to see ``text``; results are public reports.
    The library side is the per-process matrix (``_index``): a request costs a version check, array
    arithmetic and the few best reports, not a pass over every report in Python."""
    index = _index()
    found = _text_signature(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), text,
                            _index_has_embeddings(index))  # fmt: skip
    if found is None:
        return []
    signature, texts = found
    return _similar(signature, list(texts), limit, list(exclude), index)


# A case page asks for the same case text on every view until the rapid review changes; its themes and
# embedding (about 50 ms of MiniLM) are worked out once per process and text, keyed by the text's hash so the
# cache holds no case text beyond the passages' own signature (DESIGN.md rule 8: nothing recomputed per request).
_TEXT_SIGNATURES: OrderedDict[tuple[str, bool], tuple[Signature, tuple[str, ...]] | None] = OrderedDict()
_TEXT_SIGNATURES_MAX = 512
_TEXT_SIGNATURES_LOCK = threading.Lock()


def _text_signature(key: str, text: str, with_embedding: bool) -> tuple[Signature, tuple[str, ...]] | None:
    from cspr.library.extract import Block

    with _TEXT_SIGNATURES_LOCK:
        if (key, with_embedding) in _TEXT_SIGNATURES:
            _TEXT_SIGNATURES.move_to_end((key, with_embedding))
            return _TEXT_SIGNATURES[(key, with_embedding)]
    blocks = [Block(text=para, page=None) for para in text.split("\n\n") if para.strip()]
    passages = split_passages(blocks)
    result: tuple[Signature, tuple[str, ...]] | None = None
    if passages:
        detector = default_detector(use_embeddings=False)
        themes = [s.theme for s in detector.detect(passages).suggestions]
        embedding = None
        if with_embedding:
            try:
                from cspr.library.services import _embedding

                embedding = _embedding(passages)
            except Exception:
                embedding = None
        texts = tuple(p.text for p in passages)
        result = (signature_for(list(texts), themes=themes, embedding=embedding), texts)
    with _TEXT_SIGNATURES_LOCK:
        _TEXT_SIGNATURES[(key, with_embedding)] = result
        while len(_TEXT_SIGNATURES) > _TEXT_SIGNATURES_MAX:
            _TEXT_SIGNATURES.popitem(last=False)
    return result


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
