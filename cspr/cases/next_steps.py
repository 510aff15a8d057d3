"""What is due next on a case, and by whom: the case page's "What happens next".

Derived from the step table :data:`cspr.cases.visibility.ACTIONS`: each action open at the case's stage whose
readiness check passes is a step, in the order of the chain, worded for the sub-stage it is at, and it is the
reader's own when their policy lets them take it. There is no second, hand-written table of stages here: a new
action appears here when it is added to the policy, and only then.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from cspr.cases.models import AgencyRequest, Case, CaseState, Decision, Notification, PanelResponse, Referral, Vote
from cspr.cases.visibility import ACTIONS, Action, CasePolicy, Facts, case_policy
from cspr.partnerships.roles import Role
from cspr.partnerships.types import Viewer


@dataclass(frozen=True)
class Step:
    text: str
    who: str
    href: str = ""
    yours: bool = False
    post: bool = False


PARTNER_LABEL = {"la": "local authority", "police": "police", "icb": "ICB"}
PARTNER_ROLE = {Role.DECISION_MAKER_LA: "la", Role.DECISION_MAKER_POLICE: "police", Role.DECISION_MAKER_ICB: "icb"}


def _voted(decision: Decision, stage: int) -> set[str]:
    return set(Vote.objects.filter(decision=decision, stage=stage).values_list("partner", flat=True))


def _vote_text(facts: Facts) -> str:
    d = facts.decision
    if d is not None and d.status == Decision.Status.REVOTING:
        return "Change your vote if the advice persuades you"
    if d is not None and d.round > 1:
        return "Vote again after the Panel's challenge"
    return "Vote on whether a review is needed"


def _vote_who(facts: Facts) -> str | None:
    """While the first votes come in: who has still to vote (none left: no step). After the advice: all."""
    d = facts.decision
    if d is None:
        return None
    if d.status == Decision.Status.REVOTING:
        return "Decision makers"
    waiting = [p for p in PARTNER_LABEL if p not in _voted(d, 1)]
    return "Decision makers (" + ", ".join(PARTNER_LABEL[p] for p in waiting) + ")" if waiting else None


def _vote_yours(policy: CasePolicy) -> bool:
    d = policy.facts.decision
    mine = next((p for r, p in PARTNER_ROLE.items() if r in policy.roles), None)
    if d is None or mine is None:
        return False
    return d.status == Decision.Status.REVOTING or mine not in _voted(d, 1)


def _advice_text(facts: Facts) -> str:
    d = facts.decision
    if d is not None and d.round > 1:
        return "Advise the partners on the Panel's challenge"
    return "Advise the decision makers, who disagree"


def _advice_wanted(facts: Facts) -> bool:
    """In a later round the scrutineer advises once, before the votes."""
    d = facts.decision
    return d is not None and (d.round == 1 or not d.scrutineer_advice)


def _family_not_told(facts: Facts) -> bool:
    d = facts.decision
    return d is not None and d.round == 1 and not d.family_communications.exists()


@dataclass(frozen=True)
class StepWording:
    """How an action reads as a step: its text, who takes it, its page, and (optionally) a further condition
    for listing it and a narrower test of whether it is the reader's."""

    text: str | Callable[[Facts], str]
    who: str | Callable[[Facts], str | None]
    url: str  # the page's URL name in cspr.cases.urls
    post: bool = False
    listed: Callable[[Facts], bool] | None = None
    stages: frozenset[CaseState] | None = None  # narrower than the action's own stages
    yours: Callable[[CasePolicy], bool] | None = None


BM = "Business manager"

# In the order of the chain (DOMAIN.md steps 1 to 10).
WORDING: dict[Action, StepWording] = {
    Action.SCREEN: StepWording("Screen the referral", BM, "cases:screen"),
    Action.CHANGE_NOTIFICATION: StepWording(
        "Complete the notification and check eligibility",
        BM,
        "cases:notification",
        stages=frozenset({CaseState.NOTIFICATION}),
    ),
    Action.SEND_NOTIFICATION: StepWording(
        "Record the notification as sent to the Panel", BM, "cases:notification_sent"
    ),
    Action.ASK_AGENCY: StepWording(
        "Ask agencies for summaries of their involvement",
        BM,
        "cases:request_new",
        stages=frozenset({CaseState.RAPID_REVIEW}),
    ),
    Action.CHANGE_RAPID_REVIEW: StepWording(
        "Write up the rapid review, answer the criteria and make a recommendation",
        BM,
        "cases:rapid_review",
        stages=frozenset({CaseState.RAPID_REVIEW}),
    ),
    Action.SUBMIT_FOR_DECISION: StepWording(
        "Send the rapid review to the decision makers", BM, "cases:rapid_review_submit", post=True
    ),
    Action.VOTE: StepWording(_vote_text, _vote_who, "cases:vote", yours=_vote_yours),
    Action.ADVISE: StepWording(_advice_text, "Independent scrutineer", "cases:advice", listed=_advice_wanted),
    Action.DECIDE_BY_MAJORITY: StepWording(
        "Record the majority decision and its rationale", "Business manager or a decision maker", "cases:majority"
    ),
    Action.TELL_FAMILY: StepWording(
        "Tell the family of the decision and its reasons",
        BM,
        "cases:family",
        listed=_family_not_told,
        stages=frozenset({CaseState.DECISION}),
    ),
    Action.SEND_RAPID_REVIEW: StepWording(
        "Send the rapid review and decision to the Panel", BM, "cases:rapid_review_sent"
    ),
    Action.SEND_JUSTIFICATION: StepWording("Send the partners' justification to the Panel", BM, "cases:justification"),
    Action.RESPOND_AS_PANEL: StepWording(
        "Respond to the rapid review and decision", "National Panel", "cases:panel_response"
    ),
}


def _open_requests(case: Case) -> Step | None:
    n = AgencyRequest.objects.filter(case=case, status=AgencyRequest.Status.OPEN).count()
    if not n:
        return None
    return Step(f"{n} agency summar{'ies' if n != 1 else 'y'} to be returned", "Agency contributors")


def next_steps(case: Case, user: Viewer, policy: CasePolicy | None = None) -> list[Step]:
    """The steps open on the case now, each marked as the reader's own where their policy lets them take it."""
    policy = policy or case_policy(user=user, case=case)
    state = CaseState(case.state)
    steps: list[Step] = []
    if state == CaseState.RAPID_REVIEW:
        waiting = _open_requests(case)
        if waiting:
            steps.append(waiting)
    for action, wording in WORDING.items():
        rule = ACTIONS[action]
        if state not in (wording.stages if wording.stages is not None else rule.stages):
            continue
        if rule.ready is not None and rule.ready(policy.facts) is not None:
            continue
        if wording.listed is not None and not wording.listed(policy.facts):
            continue
        who = wording.who(policy.facts) if callable(wording.who) else wording.who
        if who is None:
            continue
        text = wording.text(policy.facts) if callable(wording.text) else wording.text
        yours = policy.can(action) and (wording.yours(policy) if wording.yours else True)
        steps.append(Step(text, who, reverse(wording.url, args=[case.pk]), yours, wording.post))
    return steps


@dataclass(frozen=True)
class Milestone:
    """One step of the chain on the case page's "Where the case is": done (ticked off, with its date), the
    one the case is at now (named by the case's current stage), or still to come."""

    text: str
    done: bool = False
    current: bool = False
    on: datetime.date | None = None


# Where the chain ends for the case, once it is past the Panel (the final stages need no more steps here).
FINAL_STAGES = frozenset(
    {
        CaseState.NATIONAL_REVIEW,
        CaseState.LEARNING_REVIEW,
        CaseState.NO_REVIEW,
        CaseState.NO_FURTHER_ACTION,
        CaseState.CLOSED,
        CaseState.PUBLISHED,
    }
)


def progress(case: Case, policy: CasePolicy) -> list[Milestone]:
    """The chain's steps for this case, in order, each ticked off from the case's own records (the date a
    step was done), never from a second table of stages: the step the case is at is the first not done, and
    it reads as the case's current stage, so the page and the stage tag always agree (issue 12, item 3)."""
    facts = policy.facts
    referral = Referral.objects.filter(case=case).only("outcome", "screened_at").first()
    notification = Notification.objects.filter(case=case).only("sent_on").first()
    rr = facts.rapid_review
    decisions = list(Decision.objects.filter(case=case).order_by("round"))
    responses = list(PanelResponse.objects.filter(case=case).order_by("recorded_at", "pk"))
    state = CaseState(case.state)
    steps: list[tuple[str, bool, datetime.date | None]] = []

    def day(value: datetime.datetime | None) -> datetime.date | None:
        return timezone.localdate(value) if value is not None else None

    if referral is not None:
        steps.append(("Referral screened", referral.outcome != Referral.Outcome.PENDING, day(referral.screened_at)))
    if state not in {CaseState.REFERRED, CaseState.NO_FURTHER_ACTION, CaseState.LEARNING_REVIEW} or notification:
        sent = notification.sent_on if notification else None
        steps.append(("Notification sent to the Panel", sent is not None, sent))
    if rr is not None or state in {CaseState.NOTIFICATION, CaseState.REFERRED}:
        ready = rr.ready_for_decision_at if rr else None
        steps.append(("Rapid review written and sent to the decision makers", ready is not None, day(ready)))
        first = decisions[0] if decisions else None
        decided = first is not None and first.status == Decision.Status.DECIDED
        steps.append(("Partners decided whether to review", decided, first.decided_on if decided and first else None))
        rr_sent = rr.sent_on if rr else None
        steps.append(("Rapid review and decision sent to the Panel", rr_sent is not None, rr_sent))
        for n, later in enumerate(decisions[1:], start=1):
            challenge = responses[n - 1] if len(responses) >= n else None
            steps.append(("The Panel challenged the decision", True, challenge.responded_on if challenge else None))
            later_on = later.decided_on if later.status == Decision.Status.DECIDED else None
            steps.append(("Partners reconsidered with the scrutineer", later_on is not None, later_on))
            justified = bool(later.justification.strip())
            steps.append(("Justification sent to the Panel", justified, later.decided_on if justified else None))
        last = responses[-1] if responses else None
        answered = last is not None and last.decision_id == (decisions[-1].pk if decisions else None)
        if state not in FINAL_STAGES | {CaseState.LOCAL_REVIEW} or answered:
            steps.append(("The Panel responded", answered, last.responded_on if answered and last else None))
    if state == CaseState.LOCAL_REVIEW:
        steps.append(("Local review carried out and published", False, None))
    if state == CaseState.PUBLISHED:
        steps.append(("Local review carried out", True, None))
    milestones: list[Milestone] = []
    current_found = state in FINAL_STAGES
    for text, done, on in steps:
        current = not done and not current_found
        current_found = current_found or current
        milestones.append(Milestone(text, done, current, on if done else None))
    if state in FINAL_STAGES:
        # Where the chain ended for this case: the stage itself, done once nothing more is owed.
        milestones.append(Milestone(state.label, done=state in ENDED, current=True))
    return milestones


ENDED = frozenset({CaseState.NO_REVIEW, CaseState.NO_FURTHER_ACTION, CaseState.CLOSED, CaseState.PUBLISHED})
