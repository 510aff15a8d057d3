"""Who may read and do what on a review's action plan (DESIGN.md rule 7), in one place.

- The partnership's own people (business manager, decision makers, scrutineer, auditor) read the whole plan.
- An agency contributor reads the actions their own agency owns, and updates them with evidence and results.
- The business manager makes the actions and closes recommendations; the business manager and the decision makers
  (the assurance group) accept evidence or send it back.
- The reviewer, the Panel and everybody else: nothing (a 404, rule 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cspr.learning.models import Action, ActionState
from cspr.partnerships.roles import DECISION_MAKER_ROLES, PARTNERSHIP_WIDE_ROLES, Role
from cspr.partnerships.selectors import Access, access_for
from cspr.partnerships.types import Viewer


class LearningAction(StrEnum):
    CREATE_ACTION = "create_action"
    SUBMIT_EVIDENCE = "submit_evidence"
    DECIDE_EVIDENCE = "decide_evidence"
    RECORD_RESULT = "record_result"
    CLOSE_RECOMMENDATION = "close_recommendation"


@dataclass(frozen=True)
class PlanPolicy:
    """One reader's answers for one partnership's action plans (reads their memberships once)."""

    access: Access
    partnership_id: int

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(self.access.roles_in(self.partnership_id))

    @property
    def whole(self) -> bool:
        return bool(self.roles & PARTNERSHIP_WIDE_ROLES)

    @property
    def contributor_organisations(self) -> frozenset[int]:
        """The agencies the reader contributes for here (an organisation belongs to one partnership)."""
        if Role.AGENCY_CONTRIBUTOR not in self.roles:
            return frozenset()
        return self.access.organisation_ids

    def sees_action(self, action: Action) -> bool:
        return self.whole or action.organisation_id in self.contributor_organisations

    @property
    def sees_plan(self) -> bool:
        return self.whole or bool(self.contributor_organisations)

    def can_create(self) -> bool:
        return Role.BUSINESS_MANAGER in self.roles

    def can_close_recommendation(self) -> bool:
        return Role.BUSINESS_MANAGER in self.roles

    def can_update(self, action: Action) -> bool:
        """Evidence and results: the owning agency's contributors, and the business manager."""
        if action.state == ActionState.CLOSED:
            return False
        return Role.BUSINESS_MANAGER in self.roles or action.organisation_id in self.contributor_organisations

    def can_decide(self, action: Action) -> bool:
        return action.state == ActionState.EVIDENCE_SUBMITTED and bool(
            self.roles & ({Role.BUSINESS_MANAGER} | set(DECISION_MAKER_ROLES))
        )


def plan_policy(*, user: Viewer, partnership_id: int, access: Access | None = None) -> PlanPolicy:
    return PlanPolicy(access=access or access_for(user), partnership_id=partnership_id)
