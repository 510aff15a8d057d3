"""The one answer to "what may this person read and do on this case" (DESIGN.md rule 7; docs/cases.md, "Who
sees what").

Pages, the API, generated documents and templates ask a :class:`CasePolicy`; none of them tests a role or a
stage itself. Templates get the policy's flags (``can_vote``, ``can_change_chronology``), never state literals.

Who reads what:

- the partnership's own business manager, decision makers, scrutineer and auditor read every case of their
  partnership, whole;
- the national Panel reads only cases whose notification was sent to it, and of those only what was sent:
  the notification and the attachments that went with it; the rapid review and the first round of the
  decision once sent; a later round only once its justification was sent, and then its outcome and
  justification, not the votes or advice of the partners' meeting; the clocks of what is owed to it; never
  agency requests, local clocks, the referral, who the child is, or the audit trail;
- agency contributors read only the requests addressed to them (``selectors.agency_requests_for_contributor``),
  never the case; reviewers only the reviews they are commissioned for; system administrators no case data
  (DOMAIN.md, Data protection: need-to-know).

What each may do is the table :data:`ACTIONS`: the roles that may take an action, the stages
(``rules.stages``) at which it is open, and a readiness check on the case's facts. An action the reader's
role never allows is *hidden* (a page answers 404, as for a case they cannot see: rule 1); one their role
allows but the case's stage does not is *closed*, and says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from django.db.models import Q, QuerySet

from cspr.cases.models import Attachment, Case, CaseState, Decision, PanelSending, RapidReview
from cspr.cases.rules import stages
from cspr.partnerships.roles import DECISION_MAKER_ROLES, PARTNERSHIP_WIDE_ROLES, Role
from cspr.partnerships.selectors import Access, access_for
from cspr.partnerships.types import Viewer
from cspr.timescales import load_process


class Action(StrEnum):
    """Everything a person can do to a case, named as the chain names it (DOMAIN.md steps 1 to 10)."""

    SCREEN = "screen"
    CHANGE_NOTIFICATION = "change_notification"
    CORRECT_NOTIFICATION = "correct_notification"
    SEND_NOTIFICATION = "send_notification"
    CHANGE_RAPID_REVIEW = "change_rapid_review"
    ASK_AGENCY = "ask_agency"
    CHANGE_CHRONOLOGY = "change_chronology"
    SUBMIT_FOR_DECISION = "submit_for_decision"
    VOTE = "vote"
    ADVISE = "advise"
    DECIDE_BY_MAJORITY = "decide_by_majority"
    TELL_FAMILY = "tell_family"
    WRITE_FAMILY_LETTER = "write_family_letter"
    SEND_RAPID_REVIEW = "send_rapid_review"
    SEND_JUSTIFICATION = "send_justification"
    RESPOND_AS_PANEL = "respond_as_panel"
    ATTACH_FILE = "attach_file"


class Facts:
    """What the rules need to know about the case beyond its stage, read once and only when asked."""

    def __init__(self, case: Case) -> None:
        self.case = case

    @cached_property
    def rapid_review(self) -> RapidReview | None:
        return RapidReview.objects.filter(case=self.case).first()

    @cached_property
    def decision(self) -> Decision | None:
        """The latest round of the partners' decision."""
        return Decision.objects.filter(case=self.case).order_by("-round").first()

    @property
    def rapid_review_sent(self) -> bool:
        return self.rapid_review is not None and self.rapid_review.sent_on is not None


Ready = Callable[[Facts], str | None]


def _rapid_review_not_sent(facts: Facts) -> str | None:
    if facts.rapid_review is None:
        return "The rapid review starts when the notification is recorded as sent to the Panel."
    if facts.rapid_review_sent:
        return "The rapid review was sent to the Panel, so it can no longer be changed: it must match what was sent."
    return None


def _voting(facts: Facts) -> str | None:
    d = facts.decision
    if d is None or d.status not in {Decision.Status.VOTING, Decision.Status.REVOTING}:
        return "Votes are recorded only while the partners are voting."
    return None


def _advice_wanted(facts: Facts) -> str | None:
    d = facts.decision
    if d is None or d.status == Decision.Status.DECIDED:
        return "The scrutineer advises while the partners are deciding."
    if d.round == 1 and d.status != Decision.Status.SCRUTINEER:
        return "The scrutineer advises when the decision makers disagree."
    return None


def _revoting(facts: Facts) -> str | None:
    d = facts.decision
    if d is None or d.status != Decision.Status.REVOTING:
        return "The majority decides only after the scrutineer has advised on a disagreement."
    return None


def _decided(facts: Facts) -> str | None:
    d = facts.decision
    if d is None or d.status != Decision.Status.DECIDED:
        return "Tell the family once the partners have decided."
    return None


def _first_round_decided(facts: Facts) -> str | None:
    d = facts.decision
    if d is None or d.round != 1 or d.status != Decision.Status.DECIDED:
        return "The rapid review goes to the Panel once the partners have decided."
    return None


def _later_round_decided(facts: Facts) -> str | None:
    d = facts.decision
    if d is None or d.round < 2 or d.status != Decision.Status.DECIDED:
        return "The partners must meet again with the scrutineer and decide before replying to the Panel."
    return None


PANEL = "panel"  # the national Panel, in ActionRule.roles (a national role, not a partnership's)
ANY_STAGE = frozenset(CaseState)


@dataclass(frozen=True)
class ActionRule:
    """Who may take an action (roles in the case's partnership, or ``PANEL``), at which stages, and what must
    be true of the case first (``ready`` answers why not, or None)."""

    roles: frozenset[Role | str]
    stages: frozenset[CaseState]
    closed: str
    ready: Ready | None = None


BM = frozenset({Role.BUSINESS_MANAGER})

ACTIONS: dict[Action, ActionRule] = {
    Action.SCREEN: ActionRule(BM, stages.SCREENING, "This referral has already been screened."),
    Action.CHANGE_NOTIFICATION: ActionRule(
        BM,
        stages.NOTIFICATION_EDITABLE,
        "The notification was sent to the Panel, so it can no longer be edited: record a correction instead. "
        "A correction is kept as a new, dated version and the Panel is told about it.",
    ),
    Action.CORRECT_NOTIFICATION: ActionRule(
        BM,
        stages.NOTIFICATION_CORRECTABLE,
        "A notification can be corrected once it was sent to the Panel and until the rapid review goes to the "
        "partners' decision.",
    ),
    Action.SEND_NOTIFICATION: ActionRule(
        BM, stages.NOTIFICATION_SENDABLE, "The notification has already been recorded as sent."
    ),
    Action.CHANGE_RAPID_REVIEW: ActionRule(
        BM,
        stages.RAPID_REVIEW_EDITABLE,
        "The rapid review can be edited only while it is in progress or being decided.",
        _rapid_review_not_sent,
    ),
    Action.ASK_AGENCY: ActionRule(
        BM,
        stages.RAPID_REVIEW_EDITABLE,
        "Agencies are asked for summaries while the rapid review is in progress or being decided.",
        _rapid_review_not_sent,
    ),
    Action.CHANGE_CHRONOLOGY: ActionRule(
        BM,
        stages.RAPID_REVIEW_EDITABLE,
        "The chronology and immediate actions change only while the rapid review is in progress or being decided.",
        _rapid_review_not_sent,
    ),
    Action.SUBMIT_FOR_DECISION: ActionRule(
        BM, stages.RAPID_REVIEW_SUBMITTABLE, "The rapid review is already with the decision makers."
    ),
    Action.VOTE: ActionRule(
        frozenset(DECISION_MAKER_ROLES),
        stages.DECIDING,
        "Votes are recorded only while the partners are deciding.",
        _voting,
    ),
    Action.ADVISE: ActionRule(
        frozenset({Role.SCRUTINEER}),
        stages.DECIDING,
        "The scrutineer advises while the partners are deciding.",
        _advice_wanted,
    ),
    Action.DECIDE_BY_MAJORITY: ActionRule(
        frozenset({Role.BUSINESS_MANAGER, *DECISION_MAKER_ROLES}),
        stages.DECIDING,
        "The majority decides only while the partners are deciding.",
        _revoting,
    ),
    Action.TELL_FAMILY: ActionRule(
        BM, stages.DECIDED_OR_LATER | stages.DECIDING, "Tell the family once the partners have decided.", _decided
    ),
    Action.WRITE_FAMILY_LETTER: ActionRule(
        BM, stages.DECIDED_OR_LATER | stages.DECIDING, "The letter explains the partners' decision.", _decided
    ),
    Action.SEND_RAPID_REVIEW: ActionRule(
        BM,
        stages.RAPID_REVIEW_SENDABLE,
        "The rapid review and decision are sent to the Panel once the partners have decided.",
        _first_round_decided,
    ),
    Action.SEND_JUSTIFICATION: ActionRule(
        BM,
        stages.JUSTIFICATION_SENDABLE,
        "The partners reply to the Panel after it challenged their decision.",
        _later_round_decided,
    ),
    Action.RESPOND_AS_PANEL: ActionRule(
        frozenset({PANEL}), stages.AWAITING_PANEL, "The Panel responds to a rapid review waiting for its response."
    ),
    Action.ATTACH_FILE: ActionRule(BM, ANY_STAGE - stages.FILES_CLOSED, "Files can no longer be added to this case."),
}


def panel_clock_ids(process: str) -> frozenset[str]:
    """The milestones the Panel reads: those the process definition says are owed to the Panel or the public
    (``panel = true``). Local clocks (agency summaries by working day 10, the NSPCC copy) and the partners' own
    duties are the partnership's business (item 5 of the shape issue: process knowledge as data)."""
    return frozenset(m.id for m in load_process(process).milestones if m.panel)


def decision_sent_to_panel(decision: Decision) -> bool:
    """Whether this round went to the Panel. The first round goes with the rapid review; a later round, after a
    challenge, goes only when the partners send their justification, which ``decision_send_justification``
    writes in the same step (until then its votes and the scrutineer's advice are the partners' meeting)."""
    if decision.status != Decision.Status.DECIDED:
        return False
    return decision.round == 1 or bool(decision.justification.strip())


class CasePolicy:
    """What one user may read and do on one case. Build it with :func:`case_policy`; it reads the user's
    memberships once and the case's facts only when a question needs them."""

    def __init__(self, *, user: Viewer, case: Case, access: Access | None = None) -> None:
        self.user = user
        self.case = case
        self.access = access or access_for(user)
        self.roles = self.access.roles_in(case.partnership_id)
        self.facts = Facts(case)

    # --- who the reader is -----------------------------------------------------------------------------------

    @property
    def whole(self) -> bool:
        """The partnership's own people, who read the whole case."""
        return bool(self.roles & PARTNERSHIP_WIDE_ROLES)

    @property
    def as_panel(self) -> bool:
        """The Panel reading a case sent to it (and not also one of the partnership's own people)."""
        return not self.whole and self.access.is_panel and self.case.sent_to_panel_at is not None

    @property
    def sees_case(self) -> bool:
        return self.whole or self.as_panel

    # --- reads -----------------------------------------------------------------------------------------------

    @property
    def sees_local_detail(self) -> bool:
        """The case's summary, referral, who the child is, agency requests, the family's communications, the
        calendar of every milestone and the audit trail: the partnership's own business."""
        return self.whole

    @property
    def sees_rapid_review(self) -> bool:
        """The rapid review, its chronology and immediate actions: the partnership's own people always, the
        Panel once it was sent to it (DOMAIN.md step 5)."""
        rr = self.facts.rapid_review
        return rr is not None and (self.whole or (self.as_panel and rr.sent_on is not None))

    def rapid_review(self) -> RapidReview | None:
        return self.facts.rapid_review if self.sees_rapid_review else None

    def decisions(self) -> list[Decision]:
        """The rounds of the decision the reader may see, in order."""
        if not self.sees_case:
            return []
        decisions = sorted(
            Decision.objects.filter(case=self.case).prefetch_related("votes__decision_maker", "family_communications"),
            key=lambda d: d.round,
        )
        if self.whole:
            return decisions
        if not self.sees_rapid_review:
            return []
        return [d for d in decisions if decision_sent_to_panel(d)]

    def decision_in_full(self, decision: Decision) -> bool:
        """Whether the reader sees the round's votes, the scrutineer's advice and the composed rationale. The
        Panel was sent those for the first round (they are in the rapid review report); for a later round it
        was sent the outcome, whether it was kept or changed, and the justification."""
        return self.whole or (decision.round == 1 and self.sees_rapid_review)

    @property
    def sees_panel_responses(self) -> bool:
        return self.sees_rapid_review or self.as_panel

    @property
    def sees_documents(self) -> bool:
        """The rapid review report (Word and PDF), as it may be read now."""
        return self.sees_rapid_review

    def sees_clock(self, milestone: str) -> bool:
        if self.whole:
            return True
        return self.as_panel and milestone in panel_clock_ids(self.case.process)

    def attachments(self) -> QuerySet[Attachment]:
        """The case's attachments the reader may see and download. The partnership's own people: all. The
        Panel: those that were part of the notification when it was sent, and those that existed when the
        rapid review or a justification was sent (PanelSending.attachment_ids); nothing added afterwards."""
        # A local review's own files are read on the review's pages, under its policy.
        attachments = Attachment.objects.filter(case=self.case, for_review=False).select_related("uploaded_by")
        if self.whole:
            return attachments
        if not self.as_panel:
            return attachments.none()
        sent = {
            pk
            for ids in PanelSending.objects.filter(case=self.case).values_list("attachment_ids", flat=True)
            for pk in ids
        }
        return attachments.filter(Q(uploaded_at__lte=self.case.sent_to_panel_at) | Q(pk__in=sent))

    # --- actions ---------------------------------------------------------------------------------------------

    def role_allows(self, action: Action) -> bool:
        """Whether the reader's role lets them take ``action`` on this case at some stage. When it does not,
        pages answer as if the action were not there (404)."""
        rule = ACTIONS[action]
        if PANEL in rule.roles:
            return self.access.is_panel and self.case.sent_to_panel_at is not None
        return bool(self.roles & rule.roles)

    def why_not(self, action: Action) -> str | None:
        """Why ``action`` cannot be taken now, or None when it can."""
        rule = ACTIONS[action]
        if not self.role_allows(action):
            return "Your role does not let you do this. Ask the partnership's business manager."
        if CaseState(self.case.state) not in rule.stages:
            return rule.closed
        return rule.ready(self.facts) if rule.ready else None

    def can(self, action: Action) -> bool:
        return self.why_not(action) is None

    def flags(self) -> dict[str, bool]:
        """``can_<action>`` for every action, for templates (rule 7: flags, never state literals or roles)."""
        return {f"can_{action.value}": self.can(action) for action in Action}


def case_policy(*, user: Viewer, case: Case, access: Access | None = None) -> CasePolicy:
    return CasePolicy(user=user, case=case, access=access)
