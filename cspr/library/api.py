"""Library operations in /api/v1/library (mounted by cspr/api/api.py).

Search and report records are public, like the search page: no token is needed. A bearer token, when sent,
is checked and the search and records are those its owner's pages show, their partnership's own unpublished
reports included (issue "Prove it holds", defect 9: the token was ignored). The same selectors as the pages,
so the API shows exactly what the page shows.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.security import HttpBearer

from cspr.library import selectors
from cspr.library.search import plain_snippet
from cspr.library.taxonomy import theme_labels
from cspr.partnerships.middleware import request_acts_as
from cspr.partnerships.models import User
from cspr.partnerships.services import api_token_authenticate


class OptionalTokenAuth(HttpBearer):
    """A bearer token if one is sent (a wrong one is a 401, not quietly anonymous); without one the request is
    whoever the session middleware made it (a two-factor session, else anonymous), as on the search page.
    cspr/api/api.py documents it as the API's TokenAuth, optional."""

    def __call__(self, request: HttpRequest) -> User | bool | None:
        if not request.headers.get("Authorization"):
            return True
        user: User | None = super().__call__(request)
        return user

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(token)
        if user is not None:
            request_acts_as(request, user)  # its owner's memberships, and their database scope
        return user


router = Router(tags=["library"], auth=OptionalTokenAuth())


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
    """Bounded like the search page's: a limit, offset or year no page could ask for is a 422, not a 500."""

    q: str = ""
    limit: int = Field(20, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100_000)
    year: list[Annotated[int, Field(ge=1000, le=9999)]] = []
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


@router.get(
    "/search", response=SearchOut, summary="Search the library: the published reports, and your own with a token"
)
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


@router.get(
    "/reports/{report_id}", response=ReportOut, summary="A report's catalogue record (no token needed if published)"
)
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
