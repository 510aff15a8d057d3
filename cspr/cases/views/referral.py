"""Referring an incident and screening the referral (DOMAIN.md step 1)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from cspr.cases import services
from cspr.cases.forms import (
    ReferralForm,
    ScreeningForm,
)
from cspr.cases.models import (
    Case,
    Referral,
)
from cspr.cases.views.common import action_view, add_every_error
from cspr.cases.visibility import Action
from cspr.partnerships.models import Partnership
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for
from cspr.partnerships.types import AuthedRequest
from cspr.web.forms import draft_context, form_page, run_service

# --- referral ------------------------------------------------------------------------------------------------


@login_required
def referral_new(request: AuthedRequest) -> HttpResponse:
    access = access_for(request.user)
    choices = [
        (p.slug, p.name)
        for p in Partnership.objects.filter(pk__in=access.partnership_ids())
        if access.has_role(p.pk, Role.AGENCY_CONTRIBUTOR, Role.BUSINESS_MANAGER)
    ]
    if not choices:
        raise Http404
    form = ReferralForm(request.POST or None, partnerships=choices)
    if request.method == "POST" and form.is_valid():
        partnership = Partnership.objects.get(slug=form.cleaned_data["partnership"])
        result: dict[str, Case] = {}

        def call() -> None:
            result["case"] = services.referral_submit(
                actor=request.user,
                partnership=partnership,
                incident_date=form.cleaned_data["incident_date"],
                what_happened=form.cleaned_data["what_happened"],
                who_was_harmed=form.cleaned_data["who_was_harmed"],
                agency_knowledge=form.cleaned_data["agency_knowledge"],
                why_criteria_met=form.cleaned_data["why_criteria_met"],
                request=request,
            )

        if run_service(request, form, call, "Your referral has been sent to the partnership."):
            case = result["case"]
            if access.has_role(partnership.pk, Role.BUSINESS_MANAGER):
                return redirect("cases:detail", case.pk)
            return redirect("cases:list")
    elif request.method == "POST":
        # The service's rules too (a date in the future), so every error comes in this one round.
        answers = form.cleaned_data
        add_every_error(
            form,
            services.referral_errors(
                what_happened=answers.get("what_happened", ""),
                who_was_harmed=answers.get("who_was_harmed", ""),
                incident_date=answers.get("incident_date"),
            ),
        )
    return form_page(
        request,
        form=form,
        title="Refer an incident for a review",
        submit="Send referral",
        intro="Tell the safeguarding partnership about a child who has died or been seriously harmed "
        "where abuse or neglect is known or suspected, or another incident you think it should "
        "learn from.",
    )


@action_view(Action.SCREEN)
def referral_screen(request: AuthedRequest, case: Case) -> HttpResponse:
    referral = Referral.objects.filter(case=case).first()
    if referral is None:
        raise Http404
    form = ScreeningForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            lambda: services.referral_screen(
                actor=request.user,
                case=case,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
                request=request,
            ),
            "The referral has been screened.",
        )
    ):
        return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/screen.html",
        {
            "case": case,
            "referral": referral,
            "form": form,
            "page_has_errors": bool(form.errors),
            **draft_context(request, form),
        },
    )
