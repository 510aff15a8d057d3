"""Library pages: public search and report pages (no sign-in), recurrent themes, and theme review for
curators. Thin: reads through selectors, writes through services (DESIGN.md rules 1 and 2)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cspr.core.errors import NotFound, ServiceError
from cspr.library import selectors, services
from cspr.library.charts import bar_chart
from cspr.library.permissions import can_curate
from cspr.library.search import QuerySyntaxError, highlight_html, parse_query
from cspr.library.taxonomy import load_taxonomy, theme_labels
from cspr.partnerships.models import Partnership
from cspr.partnerships.selectors import access_for
from cspr.partnerships.types import AuthedRequest

PAGE_SIZE = 20


def _query_string(request: HttpRequest, **changes: object) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params.urlencode()


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:500]
    filters = selectors.SearchFilters.from_mapping(request.GET)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    query_error = ""
    try:
        results = selectors.library_search(
            user=request.user, query=query, filters=filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
    except QuerySyntaxError as exc:
        query_error = exc.message
        results = selectors.SearchResults(parse_query(query), [], 0)
    hits = [{"hit": h, "snippet": highlight_html(h.snippet)} for h in results.hits]
    removals = []
    for name, value, label in filters.active():
        params = request.GET.copy()
        params.setlist(name, [v for v in params.getlist(name) if v != value])
        params.pop("page", None)
        removals.append({"label": label, "href": "?" + params.urlencode()})
    pages = (results.total + PAGE_SIZE - 1) // PAGE_SIZE
    return render(
        request,
        "library/search.html",
        {
            "query": query,
            "query_error": query_error,
            "page_has_errors": bool(query_error),
            "results": results,
            "hits": hits,
            "filters": filters,
            "has_facets": any(results.facets.values()),
            "removals": removals,
            "page": page,
            "pages": pages,
            "previous_qs": _query_string(request, page=page - 1) if page > 1 else None,
            "next_qs": _query_string(request, page=page + 1) if page < pages else None,
            "facet_titles": {
                "theme": "Theme (confirmed)",
                "year": "Year",
                "nation": "Nation",
                "review_type": "Review type",
                "age_band": "Age of child",
                "harm": "Nature of harm",
            },
        },
    )


def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    try:
        report = selectors.report_get(user=request.user, report_id=report_id)
    except NotFound:
        raise Http404 from None
    query = request.GET.get("q", "")[:500]
    matches = [
        {"passage": p, "snippet": highlight_html(s)}
        for p, s in selectors.report_matching_passages(report=report, query=query)
    ]
    labels = theme_labels()
    themes = [
        {"row": t, "label": labels.get(t.theme, t.theme)}
        for t in selectors.report_themes(report=report)
        if t.status == "confirmed"
    ]
    similar = selectors.similar_reviews_for_report(user=request.user, report_id=report.pk, limit=5)
    return render(
        request,
        "library/report.html",
        {
            "report": report,
            "query": query,
            "matches": matches,
            "themes": themes,
            "similar": [{"item": s, "themes": s.shared_theme_labels} for s in similar],
            "can_curate": can_curate(access_for(request.user), report),
        },
    )


@login_required
def theme_review(request: AuthedRequest, report_id: int) -> HttpResponse:
    try:
        report = selectors.report_get(user=request.user, report_id=report_id)
    except NotFound:
        raise Http404 from None
    if not can_curate(access_for(request.user), report):
        raise Http404
    labels = theme_labels()
    rows = selectors.report_themes(report=report, include_rejected=True)
    passages = {p.position: p for p in report.passages.all()}
    decided = {r.theme for r in rows}
    suggestions = [
        {
            "row": r,
            "label": labels.get(r.theme, r.theme),
            "evidence": [
                {"passage": passages.get(e.get("passage")), "cues": e.get("cues", [])}
                for e in (r.evidence or [])
                if passages.get(e.get("passage")) is not None
            ],
        }
        for r in rows
    ]
    others = [t for t in load_taxonomy() if t.id not in decided]
    return render(
        request, "library/theme_review.html", {"report": report, "suggestions": suggestions, "others": others}
    )


@login_required
@require_POST
def theme_decide(request: AuthedRequest, report_id: int) -> HttpResponse:
    theme = request.POST.get("theme", "")
    decision = request.POST.get("decision", "")
    service = {"confirm": services.library_theme_confirm, "reject": services.library_theme_reject}.get(decision)
    if service is None:
        raise Http404
    try:
        service(actor=request.user, report_id=report_id, theme=theme, request=request)
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        label = theme_labels().get(theme, theme)
        messages.success(request, f"{label}: {'confirmed' if decision == 'confirm' else 'rejected'}.")
    return redirect("library:theme_review", report_id=report_id)


@login_required
def theme_queue(request: AuthedRequest) -> HttpResponse:
    reports = list(selectors.reports_for_theme_review(user=request.user))
    return render(request, "library/theme_queue.html", {"reports": reports})


def recurrent_themes(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("partnership", "")
    partnership = Partnership.objects.filter(slug=slug).first() if slug else None
    stats = selectors.recurrent_theme_statistics(partnership=partnership)
    top = stats.by_theme[:15]
    chart = bar_chart(
        [(label, n) for _, label, n in top],
        title="Reports with each confirmed theme"
        if len(stats.by_theme) <= len(top)
        else f"Reports with each of the {len(top)} most frequent confirmed themes",
        chart_id="themes-chart",
        suppress_below=stats.suppress_below,
        show_title=False,
    )
    comparison = []
    if partnership is not None and stats.reports:
        for theme_id, label, n in stats.by_theme:
            own = stats.partnership_by_theme.get(theme_id, 0)
            comparison.append(
                {
                    "label": label,
                    "own": selectors.suppress(own),
                    "own_share": selectors.suppressed_share(own, stats.partnership_reports),
                    "national": selectors.suppress(n),
                    "national_share": selectors.suppressed_share(n, stats.reports),
                }
            )
    return render(
        request,
        "library/recurrent_themes.html",
        {
            "stats": stats,
            "chart": chart,
            "suppress": selectors.suppress,
            "comparison": comparison,
            "partnerships": Partnership.objects.filter(library_reports__is_public=True).distinct().order_by("name"),
            "dimension_titles": {"year": "By year", "nation": "By nation", "review_type": "By review type"},
            "search_link": lambda theme: "?" + urlencode({"theme": theme}),
        },
    )
