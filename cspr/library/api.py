"""Library operations in /api/v1/library (mounted by cspr/api/api.py).

Search and report records are public, like the search page: no token is needed. The same selectors as
the pages, so the API shows exactly what the page shows.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from cspr.library import selectors
from cspr.library.search import plain_snippet
from cspr.library.taxonomy import theme_labels

router = Router(tags=["library"])


class HitOut(Schema):
    id: int
    title: str
    source: str
    publisher: str
    year: int | None
    nation: str
    review_type: str
    score: float
    snippet: str
    page: int | None
    heading: str


class FacetOut(Schema):
    value: str
    label: str
    count: int


class SearchOut(Schema):
    total: int
    results: list[HitOut]
    facets: dict[str, list[FacetOut]]


class SearchParams(Schema):
    q: str = ""
    limit: int = 20
    offset: int = 0
    year: list[int] = []
    nation: list[str] = []
    review_type: list[str] = []
    age_band: list[str] = []
    harm: list[str] = []
    theme: list[str] = []


class ThemeOut(Schema):
    theme: str
    label: str


class ReportOut(Schema):
    id: int
    title: str
    source: str
    publisher: str
    year: int | None
    nation: str
    review_type: str
    child: str
    age_band: str
    harm: str
    reviewer: str
    source_url: str
    text_available: bool
    available_until: str | None
    themes: list[ThemeOut]


@router.get("/search", response=SearchOut, auth=None, summary="Search the published library (no token needed)")
def search(request: HttpRequest, params: Query[SearchParams]) -> SearchOut:
    filters = selectors.SearchFilters.from_mapping(params.dict())
    results = selectors.library_search(
        user=request.user, query=params.q[:500], filters=filters, limit=params.limit, offset=params.offset
    )
    return SearchOut(
        total=results.total,
        results=[
            HitOut(
                id=h.report.pk,
                title=h.report.title,
                source=h.report.source_name,
                publisher=h.report.publisher,
                year=h.report.year,
                nation=h.report.nation,
                review_type=h.report.review_type,
                score=h.score,
                snippet=plain_snippet(h.snippet),
                page=h.page,
                heading=h.heading,
            )
            for h in results.hits
        ],
        facets={
            name: [FacetOut(value=f.value, label=f.label, count=f.count) for f in values]
            for name, values in results.facets.items()
        },
    )


@router.get("/reports/{report_id}", response=ReportOut, auth=None, summary="A published report's catalogue record")
def report(request: HttpRequest, report_id: int) -> ReportOut:
    r = selectors.report_get(user=request.user, report_id=report_id)
    labels = theme_labels()
    return ReportOut(
        id=r.pk,
        title=r.title,
        source=r.source_name,
        publisher=r.publisher,
        year=r.year,
        nation=r.nation,
        review_type=r.review_type,
        child=r.child,
        age_band=r.age_band,
        harm=r.harm,
        reviewer=r.reviewer,
        source_url=r.source_url,
        text_available=r.text_available,
        available_until=r.available_until.isoformat() if r.available_until else None,
        themes=[ThemeOut(theme=t, label=labels.get(t, t)) for t in selectors.confirmed_theme_ids(r)],
    )
