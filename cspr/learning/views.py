"""The action plan's pages, under /learning/ (DOMAIN.md step 11). Thin: each asks one form's questions and calls
one service (DESIGN.md rule 2), finding the plan or the action through the selectors and the reader's policy
(rules 1 and 7): what the reader may not see is a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cspr.core.errors import NotFound
from cspr.learning import forms as learning_forms
from cspr.learning import selectors, services
from cspr.learning.models import Action, ActionState, Evidence
from cspr.learning.visibility import PlanPolicy
from cspr.library.charts import bar_chart
from cspr.partnerships.models import Membership, Organisation, User
from cspr.partnerships.types import AuthedRequest
from cspr.reviews.models import LocalReview, Recommendation
from cspr.reviews.views import Heading
from cspr.web.forms import form_page, run_service


def plan_url(review_id: int) -> str:
    return reverse("learning:plan", args=[review_id])


def action_url(action: Action) -> str:
    return reverse("learning:action", args=[action.pk])


def _plan(request: AuthedRequest, review_id: int) -> tuple[LocalReview, PlanPolicy, list[selectors.RecommendationPlan]]:
    try:
        return selectors.plan_get(user=request.user, review_id=review_id)
    except NotFound:
        raise Http404 from None


def _action(request: AuthedRequest, action_id: int) -> tuple[Action, PlanPolicy]:
    try:
        return selectors.action_get(user=request.user, action_id=action_id)
    except NotFound:
        raise Http404 from None


def _page(
    request: AuthedRequest,
    form: forms.Form,
    *,
    review: LocalReview,
    title: str,
    submit: str,
    success: str,
    done: str,
    call: Callable[[], Any],
    intro: str = "",
    multipart: bool = False,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid() and run_service(request, form, call, success):
        return redirect(done)
    return form_page(
        request, form=form, title=title, case=Heading.of(review), submit=submit, intro=intro, back=done,
        multipart=multipart,
    )  # fmt: skip


@login_required
def plan(request: AuthedRequest, review_id: int) -> HttpResponse:
    """The review's recommendations, each with its actions, their state and due dates, and its closure."""
    review, policy, items = _plan(request, review_id)
    return render(
        request,
        "learning/plan.html",
        {
            "review": review,
            "case": review.case,
            "items": items,
            "can_create": policy.can_create(),
            "can_close": policy.can_close_recommendation(),
            "today": timezone.localdate(),
        },
    )


def _recommendation(items: list[selectors.RecommendationPlan], recommendation_id: int) -> Recommendation:
    try:
        return selectors.plan_recommendation(items, recommendation_id, open_only=True)
    except NotFound:
        raise Http404 from None


@login_required
def action_new(request: AuthedRequest, review_id: int, recommendation_id: int) -> HttpResponse:
    review, policy, items = _plan(request, review_id)
    if not policy.can_create():
        raise Http404
    recommendation = _recommendation(items, recommendation_id)
    people = list(
        User.objects.filter(
            pk__in=Membership.objects.active().filter(partnership_id=review.partnership_id).values("user_id")
        ).order_by("full_name")
    )
    organisations = list(Organisation.objects.filter(partnership_id=review.partnership_id).order_by("name"))
    form = learning_forms.ActionForm(request.POST or None, organisations=organisations, people=people)

    def call() -> Any:
        data = dict(form.cleaned_data)
        organisation_id, owner_id = data.pop("organisation"), data.pop("owner")
        organisation = next((o for o in organisations if str(o.pk) == organisation_id), None)
        owner = next((u for u in people if str(u.pk) == owner_id), None)
        return services.action_create(
            actor=request.user, recommendation=recommendation, organisation=organisation, owner=owner, request=request,
            **data,
        )  # fmt: skip

    return _page(
        request, form, review=review, title=f"Add an action for recommendation {recommendation.number}",
        submit="Add the action", success="The action has been added.", done=plan_url(review.pk), call=call,
        intro=recommendation.what,
    )  # fmt: skip


@login_required
def action_detail(request: AuthedRequest, action_id: int) -> HttpResponse:
    """One action: what, who, when, the evidence with its decisions, and the indicator's baseline, target and
    re-audit results as a chart with the same figures in a table."""
    action, policy = _action(request, action_id)
    results = list(action.results.all())
    figures = [("Baseline", action.baseline), *((f"{r.measured_on:%-d %b %Y}", r.value) for r in results),
               ("Target", action.target)]  # fmt: skip
    chart = bar_chart(
        [(label, round(value)) for label, value in figures],
        title=f"{action.indicator}: baseline, results and target", chart_id="impact-chart",
    )  # fmt: skip
    review = action.recommendation.version.review
    return render(
        request,
        "learning/action.html",
        {
            "action": action,
            "review": review,
            "case": review.case,
            "evidence": list(action.evidence.all()),
            "results": results,
            "figures": figures,
            "chart": chart,
            "can_update": policy.can_update(action),
            "can_decide": policy.can_decide(action),
            "can_record": policy.can_create() or action.organisation_id in policy.contributor_organisations,
        },
    )


@login_required
def evidence_new(request: AuthedRequest, action_id: int) -> HttpResponse:
    action, policy = _action(request, action_id)
    if not policy.can_update(action) or action.state != ActionState.OPEN:  # evidence goes to an open action
        raise Http404
    form = learning_forms.EvidenceForm(request.POST or None, request.FILES or None)

    def call() -> Any:
        upload = form.cleaned_data.get("file")
        data = upload.read(services.MAX_EVIDENCE_BYTES + 1) if upload else None
        return services.evidence_submit(
            actor=request.user, action=action, note=form.cleaned_data["note"],
            file_name=upload.name if upload else "", file_data=data, request=request,
        )  # fmt: skip

    return _page(
        request, form, review=action.recommendation.version.review, title="Attach the evidence",
        submit="Send the evidence", success="The evidence has been sent to be accepted.", done=action_url(action),
        call=call, multipart=True,
    )  # fmt: skip


@login_required
def evidence_decide(request: AuthedRequest, action_id: int, evidence_id: int) -> HttpResponse:
    action, policy = _action(request, action_id)
    evidence = Evidence.objects.filter(action=action, pk=evidence_id, decision=Evidence.Decision.PENDING).first()
    if evidence is None or not policy.can_decide(action):
        raise Http404
    form = learning_forms.DecisionForm(request.POST or None)
    return _page(
        request, form, review=action.recommendation.version.review, title="Accept or send back the evidence",
        submit="Record the decision", success="The decision is recorded.", done=action_url(action),
        intro=evidence.note,
        call=lambda: services.evidence_decide(
            actor=request.user, evidence=evidence, accepted=form.cleaned_data["accepted"] == "yes",
            reason=form.cleaned_data["reason"], request=request,
        ),
    )  # fmt: skip


@login_required
def result_new(request: AuthedRequest, action_id: int) -> HttpResponse:
    action, policy = _action(request, action_id)
    if not (policy.can_create() or action.organisation_id in policy.contributor_organisations):
        raise Http404
    form = learning_forms.ResultForm(request.POST or None, initial={"measured_on": timezone.localdate()})
    return _page(
        request, form, review=action.recommendation.version.review, title="Record a re-audit result",
        submit="Record the result", success="The result is recorded.", done=action_url(action),
        intro=f"{action.indicator}. Baseline {action.baseline}{action.unit}, target {action.target}{action.unit}.",
        call=lambda: services.result_record(actor=request.user, action=action, request=request, **form.cleaned_data),
    )  # fmt: skip


@login_required
def recommendation_close(request: AuthedRequest, review_id: int, recommendation_id: int) -> HttpResponse:
    review, policy, items = _plan(request, review_id)
    if not policy.can_close_recommendation():
        raise Http404
    recommendation = _recommendation(items, recommendation_id)
    form = learning_forms.CloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    return _page(
        request, form, review=review, title=f"Close recommendation {recommendation.number}",
        submit="Close the recommendation", success="The recommendation is closed.", done=plan_url(review.pk),
        intro=recommendation.what,
        call=lambda: services.recommendation_close(
            actor=request.user, recommendation=recommendation, request=request, **form.cleaned_data
        ),
    )  # fmt: skip
