"""What the learning stage adds to the earlier apps (registered from ``LearningConfig.ready()``): the action plan
on the case page, the actions waiting for each person on home, and the demo's plans."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from cspr.cases.models import Case
from cspr.cases.sections import CaseSection
from cspr.core.registry import Task
from cspr.partnerships.models import User


def case_section(case: Case, user: Any) -> CaseSection | None:
    """The review's action plan, for those who may read it, once the report is signed off."""
    from cspr.core.errors import NotFound
    from cspr.learning.models import ActionState
    from cspr.learning.selectors import plan_get
    from cspr.reviews.models import LocalReview

    review = LocalReview.objects.filter(case=case).values_list("pk", flat=True).first()
    if review is None:
        return None
    try:
        _, _, plan = plan_get(user=user, review_id=review)
    except NotFound:
        return None
    actions = [a for item in plan for a in item.actions]
    closed = sum(1 for a in actions if a.state == ActionState.CLOSED)
    return CaseSection(
        title="Action plan",
        rows=[
            ("Recommendations", f"{len(plan)}, {sum(1 for i in plan if i.closure)} closed"),
            ("Actions", f"{len(actions)}, {closed} closed"),
        ],
        links=[("Open the action plan", reverse("learning:plan", args=[review]))],
        id="action-plan",
    )


def action_tasks(user: User) -> list[Task]:
    """Actions waiting for this person: evidence to attach for their agency's open actions, evidence to accept for
    the business manager and the decision makers. One query for each, whatever the number of actions."""
    from cspr.learning.models import Action, ActionState
    from cspr.partnerships.roles import DECISION_MAKER_ROLES, Role
    from cspr.partnerships.selectors import access_for

    access = access_for(user)
    tasks: list[Task] = []
    deciders = {Role.BUSINESS_MANAGER, *DECISION_MAKER_ROLES}
    deciding = [p for p, roles in access.roles_by_partnership.items() if roles & deciders]
    contributing = [p for p, roles in access.roles_by_partnership.items() if Role.AGENCY_CONTRIBUTOR in roles]
    waiting = Action.objects.select_related("recommendation__version__review__case", "partnership")
    for action in waiting.filter(partnership_id__in=deciding, state=ActionState.EVIDENCE_SUBMITTED)[:50]:
        tasks.append(_task(action, "Accept or send back the evidence"))
    for action in waiting.filter(
        partnership_id__in=contributing, organisation_id__in=access.organisation_ids, state=ActionState.OPEN
    )[:50]:
        tasks.append(_task(action, "Attach the evidence for the action"))
    return tasks


def _task(action: Any, label: str) -> Task:
    case = action.recommendation.version.review.case
    return Task(
        key=f"learning:{action.pk}:{action.state}",
        kind="learning",
        label=label,
        url=reverse("learning:action", args=[action.pk]),
        reference=case.reference,
        pseudonym=case.pseudonym,
        where=action.partnership.name,
        due=action.due_on,
    )


def demo_actions(partnerships: Mapping[str, Any], today: datetime.date) -> None:
    from cspr.learning.demo import load_demo_actions

    load_demo_actions(partnerships=dict(partnerships), today=today)
