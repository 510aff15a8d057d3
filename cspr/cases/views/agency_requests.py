"""An agency contributor answers the request addressed to them (DOMAIN.md step 3)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from cspr.cases import selectors, services
from cspr.cases.models import (
    AgencyRequest,
)
from cspr.core.errors import NotFound
from cspr.partnerships.types import AuthedRequest
from cspr.web.forms import draft_context, run_service

# --- agency contributors --------------------------------------------------------------------------------------


class ResponseForm(forms.Form):
    response = forms.CharField(
        label="Your agency's summary of its involvement",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="What your agency knew of the child and family, what it did, and what it thinks now.",
        error_messages={"required": "Enter your agency's summary"},
    )


@login_required
def agency_request_answer(request: AuthedRequest, request_id: int) -> HttpResponse:
    try:
        item = selectors.agency_request_get(user=request.user, request_id=request_id, request=request)
    except NotFound:
        raise Http404 from None
    form = ResponseForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            lambda: services.agency_request_respond(
                actor=request.user, agency_request=item, response=form.cleaned_data["response"], request=request
            ),
            "Thank you. Your summary has been sent to the partnership.",
        )
    ):
        return redirect("cases:list")
    return render(
        request,
        "cases/request_answer.html",
        {
            "item": item,
            "form": form,
            "answered": item.status != AgencyRequest.Status.OPEN,
            "page_has_errors": bool(form.errors),
            **draft_context(request, form),
        },
    )
