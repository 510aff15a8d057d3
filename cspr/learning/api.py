"""Action plans in /api/v1/learning (mounted by cspr/api/api.py): the plan of a review, and one operation per
step of its pages, through the same selectors and services with the token owner as the actor. What the reader
may not see is 404; service errors come back as JSON (403, 409, 422 with ``field_errors``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Router, Schema

from cspr.core.errors import NotFound
from cspr.learning import selectors, services
from cspr.learning.models import Action, Evidence
from cspr.partnerships.models import Organisation, User
from cspr.partnerships.types import AuthedRequest
from cspr.reviews.api import answers
from cspr.reviews.models import Recommendation

router = Router(tags=["learning"])


class ActionIn(Schema):
    what: str
    organisation_id: int
    owner_id: int
    due_on: datetime.date
    indicator: str
    unit: str = ""
    baseline: Decimal
    target: Decimal
    reaudit_on: datetime.date


class EvidenceIn(Schema):
    note: str = Field(description="What was done and what the evidence shows (a file is attached on the page).")


class DecisionIn(Schema):
    accepted: bool
    reason: str = Field(default="", description="Required when the evidence is sent back.")


class ResultIn(Schema):
    measured_on: datetime.date
    value: Decimal
    note: str = ""


class CloseIn(Schema):
    impact_statement: str
    closed_on: datetime.date


class EvidenceOut(Schema):
    id: int
    note: str
    has_file: bool
    submitted_on: datetime.date
    decision: str
    reason: str


class ResultOut(Schema):
    measured_on: datetime.date
    value: Decimal
    note: str


class ActionOut(Schema):
    id: int
    recommendation: int
    what: str
    organisation: str
    owner: str
    due_on: datetime.date
    indicator: str
    unit: str
    baseline: Decimal
    target: Decimal
    reaudit_on: datetime.date
    state: str
    closed_on: datetime.date | None
    evidence: list[EvidenceOut]
    results: list[ResultOut]


class RecommendationOut(Schema):
    id: int
    number: int
    what: str
    owner: str
    due_on: datetime.date
    actions: list[ActionOut]
    closed_on: datetime.date | None
    impact_statement: str | None


class PlanOut(Schema):
    review_id: int
    case_reference: str
    pseudonym: str
    recommendations: list[RecommendationOut]


def action_out(action: Action) -> ActionOut:
    return ActionOut(
        id=action.pk, recommendation=action.recommendation_id, what=action.what, organisation=action.organisation.name,
        owner=action.owner.full_name, due_on=action.due_on, indicator=action.indicator, unit=action.unit,
        baseline=action.baseline, target=action.target, reaudit_on=action.reaudit_on, state=action.state,
        closed_on=action.closed_on,
        evidence=[
            EvidenceOut(id=e.pk, note=e.note, has_file=e.file_id is not None, submitted_on=e.submitted_at.date(),
                        decision=e.decision, reason=e.reason)
            for e in action.evidence.all()
        ],
        results=[ResultOut(measured_on=r.measured_on, value=r.value, note=r.note) for r in action.results.all()],
    )  # fmt: skip


def plan_out(request: AuthedRequest, review_id: int) -> PlanOut:
    review, _, items = selectors.plan_get(user=request.user, review_id=review_id)
    return PlanOut(
        review_id=review.pk, case_reference=review.case.reference, pseudonym=review.case.pseudonym,
        recommendations=[
            RecommendationOut(
                id=i.recommendation.pk, number=i.recommendation.number, what=i.recommendation.what,
                owner=i.recommendation.owner, due_on=i.recommendation.due_on,
                actions=[action_out(a) for a in i.actions], closed_on=i.closure.closed_on if i.closure else None,
                impact_statement=i.closure.impact_statement if i.closure else None,
            )
            for i in items
        ],
    )  # fmt: skip


def _recommendation(request: AuthedRequest, review_id: int, recommendation_id: int) -> Recommendation:
    _, _, items = selectors.plan_get(user=request.user, review_id=review_id)
    return selectors.plan_recommendation(items, recommendation_id)


@router.get("/reviews/{int:review_id}", response=answers(PlanOut), operation_id="learning_plan_get")
def learning_plan_get(request: AuthedRequest, review_id: int) -> PlanOut:
    """The review's recommendations with the actions the reader may see, their evidence, results and closure."""
    return plan_out(request, review_id)


@router.post(
    "/reviews/{int:review_id}/recommendations/{int:recommendation_id}/actions",
    response=answers(ActionOut), operation_id="learning_action_create",
)  # fmt: skip
def learning_action_create(
    request: AuthedRequest, review_id: int, recommendation_id: int, payload: ActionIn
) -> ActionOut:
    """An action for a recommendation: what, the owning agency and named owner, when, and how success is measured."""
    recommendation = _recommendation(request, review_id, recommendation_id)
    data = payload.dict()
    organisation = Organisation.objects.filter(pk=data.pop("organisation_id")).first()
    owner = User.objects.filter(pk=data.pop("owner_id")).first()
    action = services.action_create(
        actor=request.user, recommendation=recommendation, organisation=organisation, owner=owner, request=request,
        **data,
    )  # fmt: skip
    return action_out(action)


def _action(request: AuthedRequest, action_id: int) -> Action:
    action, _ = selectors.action_get(user=request.user, action_id=action_id)
    return action


@router.get("/actions/{int:action_id}", response=answers(ActionOut), operation_id="learning_action_get")
def learning_action_get(request: AuthedRequest, action_id: int) -> ActionOut:
    return action_out(_action(request, action_id))


@router.post("/actions/{int:action_id}/evidence", response=answers(ActionOut), operation_id="learning_evidence_submit")
def learning_evidence_submit(request: AuthedRequest, action_id: int, payload: EvidenceIn) -> ActionOut:
    """The owning agency's evidence of what was done; the action then waits for it to be accepted."""
    action = _action(request, action_id)
    services.evidence_submit(actor=request.user, action=action, note=payload.note, request=request)
    action.refresh_from_db()
    return action_out(action)


@router.post(
    "/actions/{int:action_id}/evidence/{int:evidence_id}/decision",
    response=answers(ActionOut), operation_id="learning_evidence_decide",
)  # fmt: skip
def learning_evidence_decide(
    request: AuthedRequest, action_id: int, evidence_id: int, payload: DecisionIn
) -> ActionOut:
    """Accept the evidence (the action closes) or send it back with the reason."""
    action = _action(request, action_id)
    evidence = Evidence.objects.filter(action=action, pk=evidence_id).first()
    if evidence is None:
        raise NotFound("No evidence with that number is available to you.")
    services.evidence_decide(actor=request.user, evidence=evidence, request=request, **payload.dict())
    action.refresh_from_db()
    return action_out(action)


@router.post("/actions/{int:action_id}/results", response=answers(ActionOut), operation_id="learning_result_record")
def learning_result_record(request: AuthedRequest, action_id: int, payload: ResultIn) -> ActionOut:
    """A re-audit result against the action's indicator."""
    action = _action(request, action_id)
    services.result_record(actor=request.user, action=action, request=request, **payload.dict())
    return action_out(action)


@router.post(
    "/reviews/{int:review_id}/recommendations/{int:recommendation_id}/close",
    response=answers(PlanOut), operation_id="learning_recommendation_close",
)  # fmt: skip
def learning_recommendation_close(
    request: AuthedRequest, review_id: int, recommendation_id: int, payload: CloseIn
) -> PlanOut:
    """Close a recommendation: every action closed, and the impact statement."""
    recommendation = _recommendation(request, review_id, recommendation_id)
    services.recommendation_close(actor=request.user, recommendation=recommendation, request=request, **payload.dict())
    return plan_out(request, review_id)
