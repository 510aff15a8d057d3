"""Every write to an action plan (DESIGN.md rule 2): keyword-only, one transaction each, checked through the
plan's policy (``learning.visibility``), every answer validated at once, audited.

DOMAIN.md step 11: recommendations become action plans for agencies; the partnership tracks them and must show
demonstrable impact in its yearly report.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.cases.services.attachments import attachment_check, attachment_file_save, attachment_row_create
from cspr.cases.services.common import not_in_future, raise_if, require_text
from cspr.core.errors import IllegalTransition, NotAllowed, NotFound
from cspr.learning.models import Action, ActionState, Evidence, ImpactResult, RecommendationClosure
from cspr.learning.selectors import WITH_A_PLAN
from cspr.learning.state import action_transition
from cspr.learning.visibility import PlanPolicy, plan_policy
from cspr.partnerships.models import Membership, Organisation, User
from cspr.reviews.models import Recommendation
from cspr.reviews.publication import signed_off_version

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024  # as the case's other files (the upload gate reads no more)
FIGURE_LIMIT = Decimal("9999999999.99")  # the columns' 12 digits, 2 after the point, the same on both databases


def _audit(
    actor: User | None, action: str, partnership_id: int, target: Any, request: HttpRequest | None, **after: Any
) -> None:
    audit_record(actor=actor, action=action, partnership=partnership_id, target=target, after=after, request=request)


def _figure(value: Any, field: str, label: str, errors: dict[str, str]) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        errors[field] = f"Enter the {label} as a number, like 45 or 12.5"
        return None
    if not number.is_finite() or abs(number) > FIGURE_LIMIT:
        errors[field] = f"Enter the {label} as a number below 10,000,000,000"
        return None
    return number.quantize(Decimal("0.01"))


def _recommendation_of_plan(recommendation: Recommendation) -> None:
    """Actions belong to the signed-off version's recommendations of a review that has reached sign-off."""
    review = recommendation.version.review
    if review.state not in WITH_A_PLAN or signed_off_version(review) != recommendation.version:
        raise IllegalTransition("Actions are made for the recommendations of the signed-off report.")


def action_create(
    *,
    actor: User,
    recommendation: Recommendation,
    what: str,
    organisation: Organisation | None,
    owner: User | None,
    due_on: datetime.date | None,
    indicator: str,
    baseline: Any,
    target: Any,
    reaudit_on: datetime.date | None,
    unit: str = "",
    request: HttpRequest | None = None,
) -> Action:
    """An action for a recommendation: what will be done, the owning agency and a named owner there, the due date,
    and how success is measured (indicator, baseline, target, re-audit date). The business manager's."""
    review = recommendation.version.review
    policy = plan_policy(user=actor, partnership_id=review.partnership_id)
    if not policy.sees_plan:
        raise NotFound("No recommendation with that number is available to you.")
    if not policy.can_create():
        raise NotAllowed("Your role does not let you do this. Ask the partnership's business manager.")
    _recommendation_of_plan(recommendation)
    if RecommendationClosure.objects.filter(recommendation=recommendation).exists():
        raise IllegalTransition("The recommendation is closed.")
    errors: dict[str, str] = {}
    require_text(what, "what", "Enter what will be done", errors)
    if organisation is None or organisation.partnership_id != review.partnership_id:
        errors["organisation"] = "Choose the agency that owns the action"
    if owner is None:
        errors["owner"] = "Choose the named owner"
    elif (
        organisation is not None
        and not Membership.objects.active().filter(user=owner, organisation=organisation).exists()
    ):
        errors["owner"] = "Choose a person who works for the agency that owns the action"
    if due_on is None:
        errors["due_on"] = "Enter the date it is due"
    require_text(indicator, "indicator", "Say how success will be measured", errors)
    if len(indicator or "") > 300:
        errors["indicator"] = "The indicator must be 300 characters or fewer"
    if len(unit or "") > 40:
        errors["unit"] = "The unit must be 40 characters or fewer"
    base = _figure(baseline, "baseline", "baseline", errors)
    goal = _figure(target, "target", "target", errors)
    if reaudit_on is None:
        errors["reaudit_on"] = "Enter the date of the re-audit"
    elif due_on is not None and reaudit_on < due_on:
        errors["reaudit_on"] = "The re-audit must be on or after the date the action is due"
    raise_if(errors, "There is a problem with the action.")
    assert organisation is not None and owner is not None and due_on is not None and base is not None
    assert goal is not None and reaudit_on is not None
    with transaction.atomic():
        action = Action.objects.create(
            recommendation=recommendation, partnership_id=review.partnership_id, what=what.strip(),
            organisation=organisation, owner=owner, due_on=due_on, indicator=indicator.strip(), unit=unit.strip(),
            baseline=base, target=goal, reaudit_on=reaudit_on, created_by=actor,
        )  # fmt: skip
        _audit(
            actor, "learning.action_created", review.partnership_id, action, request,
            recommendation=recommendation.pk, organisation=organisation.pk, owner=owner.pk, due_on=due_on,
        )  # fmt: skip
    return action


def _policy_seeing(actor: User, action: Action) -> PlanPolicy:
    """The actor's policy on the action's partnership; an action they may not see is not there (rule 1)."""
    policy = plan_policy(user=actor, partnership_id=action.partnership_id)
    if not policy.sees_action(action):
        raise NotFound("No action with that number is available to you.")
    return policy


def _require_update(actor: User, action: Action) -> None:
    policy = _policy_seeing(actor, action)
    if not policy.can_update(action):
        if action.state == ActionState.CLOSED:
            raise IllegalTransition("The action is closed.")
        raise NotAllowed("Only the owning agency or the business manager updates this action.")


def evidence_submit(
    *,
    actor: User,
    action: Action,
    note: str,
    file_name: str = "",
    file_data: bytes | None = None,
    request: HttpRequest | None = None,
) -> Evidence:
    """The owning agency (or the business manager) attaches what shows the action was done: a note, and a file
    through the one upload gate, stored encrypted as one of the case's files. The action then waits for the
    evidence to be accepted. A refusal stores no file and no evidence (DESIGN.md rule 5)."""
    _require_update(actor, action)
    if action.state != ActionState.OPEN:
        raise IllegalTransition("Evidence is already waiting to be accepted or sent back.")
    errors: dict[str, str] = {}
    require_text(note, "note", "Say what was done and what the evidence shows", errors)
    checked = attachment_check(name=file_name, data=file_data, errors=errors) if file_data else None
    raise_if(errors, "There is a problem with the evidence.")
    case = action.recommendation.version.review.case
    saved = attachment_file_save(case, checked) if checked is not None else None
    try:
        with transaction.atomic():
            attached = None
            if checked is not None and saved is not None:
                attached = attachment_row_create(
                    case=case, checked=checked, saved=saved, actor=actor,
                    description=f"Evidence for action {action.pk}", for_review=True,
                )  # fmt: skip
            evidence = Evidence.objects.create(action=action, note=note.strip(), file=attached, submitted_by=actor)
            _audit(actor, "learning.evidence_submitted", action.partnership_id, action, request, evidence=evidence.pk,
                   **({"type": checked.content_type, "size": len(checked.data)} if checked else {}))  # fmt: skip
            action_transition(actor=actor, action=action, to=ActionState.EVIDENCE_SUBMITTED, request=request)
    except Exception:
        if saved is not None:
            default_storage.delete(saved)
        raise
    return evidence


def evidence_decide(
    *,
    actor: User,
    evidence: Evidence,
    accepted: bool,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Evidence:
    """The business manager or the assurance group accepts the evidence (the action closes) or sends it back with
    the reason (the action is open again for the agency)."""
    action = evidence.action
    policy = _policy_seeing(actor, action)
    if not policy.can_decide(action) and action.state == ActionState.EVIDENCE_SUBMITTED:
        raise NotAllowed("The business manager or the assurance group decides on evidence.")
    if evidence.decision != Evidence.Decision.PENDING or action.state != ActionState.EVIDENCE_SUBMITTED:
        raise IllegalTransition("This evidence has been decided.")
    errors: dict[str, str] = {}
    if not accepted:
        require_text(reason, "reason", "Say why the evidence is sent back, so the agency knows what is needed", errors)
    raise_if(errors, "There is a problem with the decision.")
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if locked.decision != Evidence.Decision.PENDING:
            raise IllegalTransition("This evidence has been decided.")
        locked.decision = Evidence.Decision.ACCEPTED if accepted else Evidence.Decision.RETURNED
        locked.reason = "" if accepted else reason.strip()
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        _audit(actor, "learning.evidence_decided", action.partnership_id, action, request, evidence=locked.pk,
               decision=locked.decision)  # fmt: skip
        action_transition(
            actor=actor, action=action, to=ActionState.CLOSED if accepted else ActionState.OPEN, request=request
        )
        if accepted:
            Action.objects.filter(pk=action.pk).update(closed_on=timezone.localdate())
    return locked


def result_record(
    *,
    actor: User,
    action: Action,
    measured_on: datetime.date | None,
    value: Any,
    note: str = "",
    request: HttpRequest | None = None,
) -> ImpactResult:
    """A re-audit's result against the indicator (issue 15, item 2), recorded by the owning agency or the business
    manager; results go on being recorded after the action closes, since impact shows over time."""
    policy = _policy_seeing(actor, action)
    if not (policy.can_create() or action.organisation_id in policy.contributor_organisations):
        raise NotAllowed("Only the owning agency or the business manager records results.")
    errors: dict[str, str] = {}
    if measured_on is None:
        errors["measured_on"] = "Enter the date it was measured"
    not_in_future(measured_on, "measured_on", "The date it was measured", errors)
    figure = _figure(value, "value", "result", errors)
    if len(note or "") > 300:
        errors["note"] = "The note must be 300 characters or fewer"
    raise_if(errors, "There is a problem with the result.")
    assert measured_on is not None and figure is not None
    with transaction.atomic():
        result = ImpactResult.objects.create(
            action=action, measured_on=measured_on, value=figure, note=(note or "").strip(), recorded_by=actor
        )
        _audit(actor, "learning.result_recorded", action.partnership_id, action, request, measured_on=measured_on,
               value=str(figure))  # fmt: skip
    return result


def recommendation_close(
    *,
    actor: User,
    recommendation: Recommendation,
    impact_statement: str,
    closed_on: datetime.date | None,
    request: HttpRequest | None = None,
) -> RecommendationClosure:
    """Close a recommendation: every one of its actions closed (at least one), and the impact statement saying what
    changed for children, with the evidence behind it (DOMAIN.md step 11, "demonstrable impact")."""
    review = recommendation.version.review
    policy = plan_policy(user=actor, partnership_id=review.partnership_id)
    if not policy.sees_plan:
        raise NotFound("No recommendation with that number is available to you.")
    if not policy.can_close_recommendation():
        raise NotAllowed("Your role does not let you do this. Ask the partnership's business manager.")
    _recommendation_of_plan(recommendation)
    if RecommendationClosure.objects.filter(recommendation=recommendation).exists():
        raise IllegalTransition("The recommendation is closed.")
    actions = list(Action.objects.filter(recommendation=recommendation))
    if not actions:
        raise IllegalTransition("Make at least one action for the recommendation first.")
    still_open = [a for a in actions if a.state != ActionState.CLOSED]
    if still_open:
        raise IllegalTransition(f"{len(still_open)} of its actions are not closed yet.")
    errors: dict[str, str] = {}
    require_text(
        impact_statement, "impact_statement", "Enter the impact statement: what changed, and the evidence", errors
    )
    if closed_on is None:
        errors["closed_on"] = "Enter the date it was closed"
    not_in_future(closed_on, "closed_on", "The date it was closed", errors)
    raise_if(errors, "There is a problem with closing the recommendation.")
    assert closed_on is not None
    with transaction.atomic():
        closure = RecommendationClosure.objects.create(
            recommendation=recommendation, impact_statement=impact_statement.strip(), closed_on=closed_on,
            closed_by=actor,
        )  # fmt: skip
        _audit(actor, "learning.recommendation_closed", review.partnership_id, review, request,
               recommendation=recommendation.pk, closed_on=closed_on)  # fmt: skip
    return closure
