"""What is due next on a case, and by whom: the case page's "What happens next" (issue 4, case page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cspr.cases.models import AgencyRequest, Case, CaseState, Decision, Vote
from cspr.partnerships.roles import DECISION_MAKER_ROLES, Role
from cspr.partnerships.selectors import access_for

PARTNER_ROLE = {Role.DECISION_MAKER_LA: "la", Role.DECISION_MAKER_POLICE: "police", Role.DECISION_MAKER_ICB: "icb"}


@dataclass(frozen=True)
class Step:
    text: str
    who: str
    href: str = ""
    yours: bool = False
    post: bool = False


def next_steps(case: Case, user: Any) -> list[Step]:
    access = access_for(user)
    manager = access.has_role(case.partnership_id, Role.BUSINESS_MANAGER)
    base = f"/cases/{case.pk}"
    state = CaseState(case.state)
    steps: list[Step] = []
    if state == CaseState.REFERRED:
        steps.append(Step("Screen the referral", "Business manager", f"{base}/screen/", manager))
    elif state == CaseState.NOTIFICATION:
        steps.append(
            Step(
                "Complete the notification and check eligibility", "Business manager", f"{base}/notification/", manager
            )
        )
        steps.append(
            Step(
                "Record the notification as sent to the Panel",
                "Business manager",
                f"{base}/notification/sent/",
                manager,
            )
        )
    elif state == CaseState.RAPID_REVIEW:
        open_requests = AgencyRequest.objects.filter(case=case, status=AgencyRequest.Status.OPEN).count()
        if open_requests:
            steps.append(
                Step(
                    f"{open_requests} agency summar{'ies' if open_requests != 1 else 'y'} to be returned",
                    "Agency contributors",
                )
            )
        steps.append(
            Step(
                "Ask agencies for summaries of their involvement",
                "Business manager",
                f"{base}/rapid-review/requests/new/",
                manager,
            )
        )
        steps.append(
            Step(
                "Write up the rapid review, answer the criteria and make a recommendation",
                "Business manager",
                f"{base}/rapid-review/",
                manager,
            )
        )
        steps.append(
            Step(
                "Send the rapid review to the decision makers",
                "Business manager",
                f"{base}/rapid-review/submit/",
                manager,
                post=True,
            )
        )
    elif state in {CaseState.DECISION, CaseState.PANEL_CHALLENGED}:
        decision = Decision.objects.filter(case=case).order_by("-round").first()
        steps.extend(_decision_steps(case, decision, access, manager, base))
    elif state == CaseState.SENT_TO_PANEL:
        steps.append(
            Step(
                "Respond to the rapid review and decision", "National Panel", f"{base}/panel-response/", access.is_panel
            )
        )
    elif state == CaseState.LOCAL_REVIEW:
        steps.append(Step("Publish the review", "Business manager", f"{base}/publish/", manager))
    return steps


def _decision_steps(case: Case, decision: Decision | None, access: Any, manager: bool, base: str) -> list[Step]:
    steps: list[Step] = []
    if decision is None:
        return steps
    my_partner = next((p for r, p in PARTNER_ROLE.items() if access.has_role(case.partnership_id, r)), None)
    voted = set(Vote.objects.filter(decision=decision, stage=1).values_list("partner", flat=True))
    if decision.status == Decision.Status.VOTING:
        waiting = [p for p in ("la", "police", "icb") if p not in voted]
        if waiting:
            steps.append(
                Step(
                    "Vote on whether a review is needed",
                    "Decision makers ("
                    + ", ".join({"la": "local authority", "police": "police", "icb": "ICB"}[p] for p in waiting)
                    + ")",
                    f"{base}/decision/vote/",
                    my_partner in waiting,
                )
            )
        if decision.round > 1 and not decision.scrutineer_advice:
            steps.append(
                Step(
                    "Advise the partners on the Panel's challenge",
                    "Independent scrutineer",
                    f"{base}/decision/advice/",
                    access.has_role(case.partnership_id, Role.SCRUTINEER),
                )
            )
    elif decision.status == Decision.Status.SCRUTINEER:
        steps.append(
            Step(
                "Advise the decision makers, who disagree",
                "Independent scrutineer",
                f"{base}/decision/advice/",
                access.has_role(case.partnership_id, Role.SCRUTINEER),
            )
        )
    elif decision.status == Decision.Status.REVOTING:
        steps.append(
            Step(
                "Change your vote if the advice persuades you",
                "Decision makers",
                f"{base}/decision/vote/",
                my_partner is not None,
            )
        )
        steps.append(
            Step(
                "Record the majority decision and its rationale",
                "Business manager or a decision maker",
                f"{base}/decision/majority/",
                manager or access.has_role(case.partnership_id, *DECISION_MAKER_ROLES),
            )
        )
    elif decision.status == Decision.Status.DECIDED:
        if decision.round == 1:
            if not decision.family_communications.exists():
                steps.append(
                    Step(
                        "Tell the family of the decision and its reasons",
                        "Business manager",
                        f"{base}/decision/family/",
                        manager,
                    )
                )
            steps.append(
                Step(
                    "Send the rapid review and decision to the Panel",
                    "Business manager",
                    f"{base}/rapid-review/sent/",
                    manager,
                )
            )
        else:
            steps.append(
                Step(
                    "Send the partners' justification to the Panel",
                    "Business manager",
                    f"{base}/decision/justification/",
                    manager,
                )
            )
    return steps
