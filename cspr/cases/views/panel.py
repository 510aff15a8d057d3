"""The national Panel's side: its inbox and its response (DOMAIN.md step 5)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cspr.cases import selectors, services
from cspr.cases.forms import (
    PanelFilterForm,
    PanelResponseForm,
)
from cspr.cases.models import (
    Case,
    CaseClock,
    RapidReview,
)
from cspr.cases.services.notification import AGE_BANDS
from cspr.cases.views.common import action_view, add_every_error, states_for_filter
from cspr.cases.visibility import Action
from cspr.core.pagination import paginate
from cspr.partnerships.models import Partnership
from cspr.partnerships.selectors import access_for
from cspr.partnerships.types import AuthedRequest
from cspr.web.forms import form_page, run_service


@dataclass
class WithPartnership:
    """A case as a Panel page's heading names it: references are the partnership's own, so two partnerships
    can both have CSPR-2026-004, and the Panel always reads the reference with the partnership beside it."""

    pk: int
    reference: str
    pseudonym: str

    @classmethod
    def of(cls, case: Case) -> WithPartnership:
        return cls(case.pk, f"{case.reference}, {case.partnership.name}", case.pseudonym)


@action_view(Action.RESPOND_AS_PANEL)
def panel_response(request: AuthedRequest, case: Case) -> HttpResponse:
    form = PanelResponseForm(request.POST or None, initial={"responded_on": timezone.localdate()})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            lambda: services.panel_response_record(actor=request.user, case=case, **form.cleaned_data, request=request),
            "The Panel's response has been recorded.",
        )
    ):
        return redirect("cases:detail", case.pk)
    if request.method == "POST" and form.errors:
        # The service's rules too (reasons for a challenge, no date in the future): every error in one round.
        answers = form.cleaned_data
        add_every_error(
            form,
            services.panel_response_errors(
                response=answers.get("response", ""),
                national_review=answers.get("national_review", ""),
                responded_on=answers.get("responded_on"),
                reasons=answers.get("reasons", ""),
            ),
        )
    return form_page(
        request, form=form, case=WithPartnership.of(case), title="Record the Panel's response", submit="Record response"
    )


@login_required
def panel_inbox(request: AuthedRequest) -> HttpResponse:
    """What was sent to the Panel from every partnership, filtered, a page at a time with the filters kept in
    each page's link (DESIGN.md rule 8: lists are bounded; at national scale the inbox holds thousands of
    cases). The page reads only the columns it shows, so it decrypts nothing (``selectors.panel_inbox_rows``),
    and the partnership filter's choices are two columns of each partnership."""
    if not access_for(request.user).is_panel:
        raise Http404
    form = PanelFilterForm(request.GET or None)
    # The filter's choices are read when the page is: ChoiceFields (the form declares them so).
    choices = {
        "partnership": [("", "Any"), *Partnership.objects.order_by("name").values_list("slug", "name")],
        "age_band": [("", "Any"), *AGE_BANDS],
        "state": states_for_filter(),
    }
    for name, options in choices.items():
        field = form.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = options
    filters = selectors.PanelFilters()
    if form.is_valid():
        filters = selectors.PanelFilters(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
    # When the rapid review is due and when it came, from the stored clocks and the rapid review's date sent:
    # one subquery each, so the page's query count does not grow with its rows (DESIGN.md rule 8).
    rr_clock = CaseClock.objects.filter(case=OuterRef("pk"), milestone="rapid-review")
    cases = selectors.panel_inbox_rows(selectors.panel_cases(user=request.user, filters=filters)).annotate(
        rr_due=Subquery(rr_clock.values("effective_due")[:1]),
        rr_not_required=Subquery(rr_clock.values("not_required")[:1]),
        rr_received=Subquery(
            RapidReview.objects.filter(case=OuterRef("pk")).values("sent_on")[:1],
        ),
    )
    return render(request, "cases/panel_inbox.html", {"cases": paginate(request, cases, noun="case"), "form": form})
