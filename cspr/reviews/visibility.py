"""The one answer to "what may this person read and do on this local review" (DESIGN.md rule 7).

Who reads the review:

- the partnership's own people (business manager, decision makers, scrutineer, auditor) read all of it;
- the commissioned reviewer reads their review only (DOMAIN.md, who uses the system: "sees and works on that
  one review only"): the terms of reference, the agencies' returns, the involvement records, their drafts with
  the review group's comments, and the written requests made to them; never the case page, the parallel
  processes (a criminal investigation is not theirs to read), the supervision notes, the notices or delays;
- agency contributors read the requests addressed to them, on the case app's request pages, and nothing here;
- the Panel and everybody else: nothing (a 404, as for a case they cannot see: rule 1).

What each may do is :data:`ACTIONS`: the roles, the review stages at which it is open, and a readiness check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from cspr.partnerships.roles import DECISION_MAKER_ROLES, PARTNERSHIP_WIDE_ROLES, Role
from cspr.partnerships.selectors import Access, access_for
from cspr.partnerships.types import Viewer
from cspr.reviews.models import Delay, LocalReview, ReviewState
from cspr.reviews.state import (
    commissioning_problem,
    final_report_problem,
    hold_in_force,
    plan_of,
    publication_problem,
)

R = ReviewState


class ReviewAction(StrEnum):
    COMMISSION = "commission"
    TELL_NATIONAL_BODIES = "tell_national_bodies"
    AGREE_TERMS = "agree_terms"
    RECORD_BRIEFING = "record_briefing"
    START = "start"
    REQUEST_CONTRIBUTION = "request_contribution"
    RECORD_PROCESS = "record_process"
    RECORD_INVOLVEMENT = "record_involvement"
    RECORD_CHECKPOINT = "record_checkpoint"
    ASK_REVIEWER = "ask_reviewer"
    ANSWER_REQUEST = "answer_request"
    SHARE_DRAFT = "share_draft"
    COMMENT_ON_DRAFT = "comment_on_draft"
    SUBMIT_FINAL = "submit_final"
    SIGN_OFF = "sign_off"
    NEW_VERSION = "new_version"
    REQUEST_DELAY = "request_delay"
    DECIDE_DELAY = "decide_delay"
    MARK_READY = "mark_ready"
    # Publishing safely (DOMAIN.md step 10)
    PLAN_PUBLICATION = "plan_publication"
    RECORD_COPY = "record_copy"
    EDIT_PSEUDONYMS = "edit_pseudonyms"
    CHECK_REDACTION = "check_redaction"
    DECLARE_AS_IS = "declare_as_is"
    PUBLISH = "publish"
    RECORD_NATIONAL_COPY = "record_national_copy"
    ANSWER_PUBLIC_REQUEST = "answer_public_request"
    RECORD_LEARNING_SHARED = "record_learning_shared"


REVIEWER = "reviewer of this review"  # in ActionRule.roles: the commissioned reviewer, not any reviewer

Ready = Callable[[LocalReview], str | None]


def _reviewer_commissioned(review: LocalReview) -> str | None:
    return None if review.reviewer_id else "Commission a reviewer first."


def _statutory(review: LocalReview) -> str | None:
    # DOMAIN.md step 4: a learning review is the partnership's own, with no notice or six-month clock to delay.
    return None if review.statutory else "A multi-agency learning review has no statutory notice or six-month clock."


def _statutory_and_commissioned(review: LocalReview) -> str | None:
    return _statutory(review) or _reviewer_commissioned(review)


def _learning_review(review: LocalReview) -> str | None:
    return None if not review.statutory else "A local child safeguarding practice review ends when it is published."


def _not_commissioned_yet(review: LocalReview) -> str | None:
    return None if review.reviewer_id is None else "The reviewer has been commissioned."


def _ready_to_start(review: LocalReview) -> str | None:
    return commissioning_problem(review) or (None if review.briefings.exists() else "Record the briefing first.")


def _delay_waiting(review: LocalReview) -> str | None:
    if not Delay.objects.filter(review=review, status=Delay.Status.REQUESTED).exists():
        return "No delay is waiting for the leadership group's decision."
    return None


def _final_ready(review: LocalReview) -> str | None:
    return final_report_problem(review)


def _no_hold(review: LocalReview) -> str | None:
    held = hold_in_force(review)
    return f"Publication is on hold for the {held.get_kind_display().lower()}." if held else None


def _planned(review: LocalReview) -> str | None:
    return None if plan_of(review) is not None else "Plan the publication first: the full report or the improvements."


def _redactable(review: LocalReview) -> str | None:
    plan = plan_of(review)
    if plan is None:
        return "Plan the publication first: the full report or the improvements."
    if plan.not_redactable:
        return f"The report's text cannot be checked in cspr: {plan.not_redactable}"
    return None


def _not_redactable(review: LocalReview) -> str | None:
    plan = plan_of(review)
    if plan is None:
        return "Plan the publication first: the full report or the improvements."
    if not plan.not_redactable:
        return "The report's text is checked for personal data in cspr: a declaration is for a file it cannot read."
    return None


def _ready_to_publish(review: LocalReview) -> str | None:
    return publication_problem(review)


@dataclass(frozen=True)
class ActionRule:
    roles: frozenset[Role | str]
    stages: frozenset[ReviewState]
    closed: str
    ready: Ready | None = None


BM = frozenset({Role.BUSINESS_MANAGER})
LEADERS = frozenset({Role.BUSINESS_MANAGER, *DECISION_MAKER_ROLES})
ALL_STAGES = frozenset(ReviewState)
BEFORE_SIGN_OFF = frozenset({R.COMMISSIONING, R.TERMS_AGREED, R.IN_PROGRESS, R.DRAFT_REPORT})
UNDER_WAY = frozenset({R.TERMS_AGREED, R.IN_PROGRESS, R.DRAFT_REPORT})
WRITING = frozenset({R.IN_PROGRESS, R.DRAFT_REPORT})
PLANNING = frozenset({R.SIGNED_OFF, R.READY_TO_PUBLISH})

ACTIONS: dict[ReviewAction, ActionRule] = {
    ReviewAction.COMMISSION: ActionRule(
        BM, frozenset({R.COMMISSIONING}), "The reviewer has been commissioned.", _not_commissioned_yet
    ),
    ReviewAction.TELL_NATIONAL_BODIES: ActionRule(
        BM,
        BEFORE_SIGN_OFF,
        "The national bodies are told while the review is commissioned.",
        _statutory_and_commissioned,
    ),
    ReviewAction.AGREE_TERMS: ActionRule(
        BM, BEFORE_SIGN_OFF, "The terms of reference cannot change once the report is signed off."
    ),
    ReviewAction.RECORD_BRIEFING: ActionRule(BM, UNDER_WAY, "The agencies are briefed once the terms are agreed."),
    ReviewAction.START: ActionRule(
        BM, frozenset({R.COMMISSIONING, R.TERMS_AGREED}), "The review has started.", _ready_to_start
    ),
    ReviewAction.REQUEST_CONTRIBUTION: ActionRule(
        BM, UNDER_WAY, "Agencies are asked for chronologies and reports while the review is under way."
    ),
    ReviewAction.RECORD_PROCESS: ActionRule(BM, ALL_STAGES, ""),
    ReviewAction.RECORD_INVOLVEMENT: ActionRule(
        BM | {REVIEWER}, UNDER_WAY, "Involvement is recorded while the review is under way."
    ),
    ReviewAction.RECORD_CHECKPOINT: ActionRule(
        LEADERS, WRITING, "Progress is supervised while the review is in progress."
    ),
    ReviewAction.ASK_REVIEWER: ActionRule(
        LEADERS, UNDER_WAY, "Requests go to the reviewer while the review is under way.", _reviewer_commissioned
    ),
    ReviewAction.ANSWER_REQUEST: ActionRule(
        frozenset({REVIEWER}), UNDER_WAY | {R.SIGNED_OFF}, "Requests are answered while the review is under way."
    ),
    ReviewAction.SHARE_DRAFT: ActionRule(
        BM | {REVIEWER}, WRITING, "A draft is shared once the review is in progress and until the final report."
    ),
    ReviewAction.COMMENT_ON_DRAFT: ActionRule(
        LEADERS | {Role.SCRUTINEER}, frozenset({R.DRAFT_REPORT}), "Drafts are commented on while with the review group."
    ),
    ReviewAction.SUBMIT_FINAL: ActionRule(
        BM | {REVIEWER}, frozenset({R.DRAFT_REPORT}), "The final report follows the drafts."
    ),
    ReviewAction.SIGN_OFF: ActionRule(
        LEADERS, frozenset({R.DRAFT_REPORT}), "The final report is signed off once it is submitted.", _final_ready
    ),
    ReviewAction.NEW_VERSION: ActionRule(
        BM, frozenset({R.SIGNED_OFF, R.READY_TO_PUBLISH}), "A new version is started from a signed-off report."
    ),
    ReviewAction.REQUEST_DELAY: ActionRule(
        BM, ALL_STAGES - {R.READY_TO_PUBLISH, R.PUBLISHED, R.COMPLETED}, "The report is ready to publish.", _statutory
    ),
    ReviewAction.DECIDE_DELAY: ActionRule(frozenset(DECISION_MAKER_ROLES), ALL_STAGES, "", _delay_waiting),
    ReviewAction.MARK_READY: ActionRule(
        BM, frozenset({R.SIGNED_OFF}), "Only a signed-off report is made ready.", _no_hold
    ),
    # DOMAIN.md step 10: planned from a signed-off report; published once it is ready (no hold in force).
    ReviewAction.PLAN_PUBLICATION: ActionRule(
        BM, PLANNING, "The publication is planned from a signed-off report, until it is published."
    ),
    ReviewAction.RECORD_COPY: ActionRule(
        BM, PLANNING, "Copies go to the Panel, the Secretary of State and Ofsted before publication.", _planned
    ),
    ReviewAction.EDIT_PSEUDONYMS: ActionRule(
        BM, PLANNING, "The pseudonym register is kept until the report is published.", _redactable
    ),
    ReviewAction.CHECK_REDACTION: ActionRule(
        BM, PLANNING, "The text is checked for personal data until the report is published.", _redactable
    ),
    ReviewAction.DECLARE_AS_IS: ActionRule(
        BM, PLANNING, "The declaration is made before the report is published.", _not_redactable
    ),
    ReviewAction.PUBLISH: ActionRule(
        BM, frozenset({R.READY_TO_PUBLISH}), "Mark the signed-off report ready to publish first.", _ready_to_publish
    ),
    ReviewAction.RECORD_NATIONAL_COPY: ActionRule(
        BM, frozenset({R.PUBLISHED}), "The national repository's copy is sent once the report is published."
    ),
    # A learning review may be published and its learning shared, in either order (the clock needs the date).
    ReviewAction.RECORD_LEARNING_SHARED: ActionRule(
        BM, PLANNING | {R.PUBLISHED}, "The learning is shared once the report is signed off.", _learning_review
    ),
    ReviewAction.ANSWER_PUBLIC_REQUEST: ActionRule(
        BM, frozenset({R.PUBLISHED}), "Requests for the report come once it is published."
    ),
}


class ReviewPolicy:
    """What one user may read and do on one review; reads their memberships once."""

    def __init__(self, *, user: Viewer, review: LocalReview, access: Access | None = None) -> None:
        self.user = user
        self.review = review
        self.access = access or access_for(user)
        self.roles = self.access.roles_in(review.partnership_id)

    @property
    def whole(self) -> bool:
        return bool(self.roles & PARTNERSHIP_WIDE_ROLES)

    @property
    def is_reviewer(self) -> bool:
        """The commissioned reviewer, while they hold a reviewer membership of the partnership."""
        return (
            Role.REVIEWER in self.roles
            and self.review.reviewer_id is not None
            and self.review.reviewer_id == getattr(self.user, "pk", None)
        )

    @property
    def sees_review(self) -> bool:
        return self.whole or self.is_reviewer

    # What the reviewer reads is the review's working record; the rest is the partnership's own business.
    @property
    def sees_partnership_detail(self) -> bool:
        """Commissioning, notices, parallel processes and holds, supervision, delays and the case's clocks."""
        return self.whole

    def role_allows(self, action: ReviewAction) -> bool:
        rule = ACTIONS[action]
        return bool(self.roles & rule.roles) or (REVIEWER in rule.roles and self.is_reviewer)

    def why_not(self, action: ReviewAction) -> str | None:
        rule = ACTIONS[action]
        if not self.role_allows(action):
            return "Your role does not let you do this. Ask the partnership's business manager."
        if ReviewState(self.review.state) not in rule.stages:
            return rule.closed
        return rule.ready(self.review) if rule.ready else None

    def can(self, action: ReviewAction) -> bool:
        return self.why_not(action) is None

    def flags(self) -> dict[str, bool]:
        return {f"can_{action.value}": self.can(action) for action in ReviewAction}


def review_policy(*, user: Viewer, review: LocalReview, access: Access | None = None) -> ReviewPolicy:
    return ReviewPolicy(user=user, review=review, access=access)
