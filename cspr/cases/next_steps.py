"""What is due next on a case, and by whom: the case page's "What happens next".

Derived from the step table :data:`cspr.cases.visibility.ACTIONS`: each action open at the case's stage whose
readiness check passes is a step, in the order of the chain, worded for the sub-stage it is at, and it is the
reader's own when their policy lets them take it. There is no second, hand-written table of stages here: a new
action appears here when it is added to the policy, and only then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from cspr.cases.models import AgencyRequest, Case, CaseState, Decision, Vote
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
    Action.PUBLISH: StepWording("Publish the review", BM, "cases:publish"),
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
