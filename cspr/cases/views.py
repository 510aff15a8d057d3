"""Case pages. Reads go through selectors (404 outside the user's access); reads of a case are audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cspr.cases import selectors
from cspr.core.errors import NotFound
from cspr.partnerships.selectors import access_for


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    cases = selectors.cases_for_user(user=request.user).order_by("-created_at")
    return render(request, "cases/list.html", {"cases": cases})


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = selectors.case_get(user=request.user, case_id=case_id, request=request)
    except NotFound:
        raise Http404 from None
    access = access_for(request.user)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "children": case.children.all(),
            "can_see_trail": case.partnership_id in access.partnership_wide_ids(),
        },
    )


@login_required
def case_audit(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = selectors.case_get(user=request.user, case_id=case_id, log_read=False)
        events = selectors.case_audit_trail(user=request.user, case=case)[:500]
    except NotFound:
        raise Http404 from None
    return render(request, "cases/audit.html", {"case": case, "events": events})


@login_required
def panel_inbox(request: HttpRequest) -> HttpResponse:
    if not access_for(request.user).is_panel:
        raise Http404
    cases = selectors.cases_for_user(user=request.user).filter(sent_to_panel_at__isnull=False)
    return render(request, "cases/panel_inbox.html", {"cases": cases.order_by("-sent_to_panel_at")})
