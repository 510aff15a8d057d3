"""The partners' decision (DOMAIN.md step 4) and sending the rapid review to the Panel (step 5).

The three safeguarding partners' decision makers each vote with a rationale. If all three agree, that is the
decision. If not, the independent scrutineer advises, the decision makers may change their votes, and then
the majority decides. Every vote, the advice and the rationale are kept (Working Together 2023 ch.5).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.cases.models import Case, CaseState, Decision, FamilyCommunication, Partner, RapidReview, ReviewOption, Vote
from cspr.cases.rules.decision import final_votes
from cspr.cases.services.common import (
    create_storable,
    current_decision,
    decision_maker_partner,
    not_in_future,
    raise_if,
    record_case_date,
    require_action_stage,
    require_business_manager,
    require_case_role,
    require_storable,
    require_text,
)
from cspr.cases.services.panel import panel_sending_record
from cspr.cases.state import case_transition
from cspr.cases.visibility import Action
from cspr.core.errors import IllegalTransition, ValidationFailed
from cspr.partnerships.models import User
from cspr.partnerships.roles import DECISION_MAKER_ROLES, Role

PARTNERS = [p.value for p in Partner]


def _compose_rationale(votes: dict[str, Vote]) -> str:
    return "\n\n".join(
        f"{Partner(p).label} ({ReviewOption(v.option).label}): {v.rationale}" for p, v in sorted(votes.items())
    )


@dataclass(frozen=True)
class MajorityOutcome:
    """What the partners' standing votes give: the option two or more of them back (``None`` when no two
    agree), which partners back it, and each partner's standing vote."""

    option: str | None
    partners: tuple[str, ...]
    votes: dict[str, Vote]

    @property
    def label(self) -> str:
        return ReviewOption(self.option).label if self.option else ""


def majority_outcome(decision: Decision) -> MajorityOutcome:
    """The outcome the majority gives now, from each partner's standing vote (a vote changed after the
    scrutineer's advice replaces the first). The majority page shows it before anything is typed, and
    ``decision_close_by_majority`` records exactly it."""
    votes = final_votes(decision)
    counts = Counter(v.option for v in votes.values())
    option, count = counts.most_common(1)[0] if counts else ("", 0)
    if count < 2:
        return MajorityOutcome(None, (), votes)
    return MajorityOutcome(option, tuple(p for p in PARTNERS if p in votes and votes[p].option == option), votes)


def _decide(
    decision: Decision, outcome: str, method: str, rationale: str, actor: User, request: HttpRequest | None
) -> None:
    case = decision.case
    decision.status = Decision.Status.DECIDED
    decision.outcome = outcome
    decision.method = method
    decision.rationale = rationale
    decision.decided_on = timezone.localdate()
    if decision.round > 1:
        first = Decision.objects.get(case=case, round=1)
        decision.kept_or_changed = "kept" if first.outcome == outcome else "changed"
    require_storable(decision)
    decision.save()
    audit_record(
        actor=actor,
        action="decision.made",
        partnership=case.partnership_id,
        target=case,
        after={"round": decision.round, "outcome": outcome, "method": method},
        request=request,
    )
    if outcome == ReviewOption.LOCAL_REVIEW:
        # Working Together 2023 ch.5: the 6-month local review clock runs from the decision to review.
        record_case_date(actor=actor, case=case, event="review_decided", date=decision.decided_on, request=request)


def decision_record_vote(
    *, actor: User, case: Case, option: str, rationale: str, request: HttpRequest | None = None
) -> Decision:
    """A decision maker votes for their partner. The third first-round vote settles a unanimous decision or
    calls for the scrutineer; after the advice a vote may be changed once."""
    partner = decision_maker_partner(actor, case)
    errors: dict[str, str] = {}
    if option not in ReviewOption.values:
        errors["option"] = "Choose what the partnership should do"
    require_text(rationale, "rationale", "Give the reasons for your vote", errors)
    raise_if(errors, "There is a problem with your vote.")
    if case.state not in {CaseState.DECISION, CaseState.PANEL_CHALLENGED}:
        raise IllegalTransition("Votes are recorded only while the partners are deciding.")
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=current_decision(case).pk)
        if decision.status == Decision.Status.DECIDED:
            raise IllegalTransition("The decision has been made; votes can no longer change.")
        if decision.status == Decision.Status.SCRUTINEER:
            raise IllegalTransition("The partners disagreed: the scrutineer advises before anyone votes again.")
        stage = 1 if decision.status == Decision.Status.VOTING else 2
        if decision.votes.filter(stage=stage, partner=partner).exists():
            raise IllegalTransition(
                "You have already voted at this stage."
                if stage == 1
                else "You have already changed your vote after the scrutineer's advice."
            )
        create_storable(
            Vote,
            "",
            decision=decision,
            stage=stage,
            partner=partner,
            decision_maker=actor,
            option=option,
            rationale=rationale.strip(),
        )
        audit_record(
            actor=actor,
            action="decision.vote_recorded",
            partnership=case.partnership_id,
            target=case,
            after={"round": decision.round, "stage": stage, "partner": partner, "option": option},
            request=request,
        )
        if stage == 1:
            first = {v.partner: v for v in decision.votes.filter(stage=1)}
            if len(first) == len(PARTNERS):
                options = {v.option for v in first.values()}
                if len(options) == 1:
                    _decide(
                        decision, options.pop(), Decision.Method.UNANIMOUS, _compose_rationale(first), actor, request
                    )
                else:
                    decision.status = Decision.Status.SCRUTINEER
                    require_storable(decision)
                    decision.save(update_fields=["status"])
                    audit_record(
                        actor=actor,
                        action="decision.disagreement",
                        partnership=case.partnership_id,
                        target=case,
                        after={"round": decision.round},
                        request=request,
                    )
    return decision


def decision_record_scrutineer_advice(
    *, actor: User, case: Case, advice: str, request: HttpRequest | None = None
) -> Decision:
    require_case_role(actor, case, Role.SCRUTINEER)
    errors: dict[str, str] = {}
    require_text(advice, "advice", "Enter your advice to the decision makers", errors)
    raise_if(errors, "There is a problem with the advice.")
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=current_decision(case).pk)
        if decision.status == Decision.Status.DECIDED:
            raise IllegalTransition("The decision has already been made.")
        if decision.round == 1 and decision.status != Decision.Status.SCRUTINEER:
            raise IllegalTransition("The scrutineer advises when the decision makers disagree.")
        decision.scrutineer = actor
        decision.scrutineer_advice = advice.strip()
        decision.scrutineer_advised_at = timezone.now()
        if decision.status == Decision.Status.SCRUTINEER:
            decision.status = Decision.Status.REVOTING
        require_storable(decision)
        decision.save()
        audit_record(
            actor=actor,
            action="decision.scrutineer_advised",
            partnership=case.partnership_id,
            target=case,
            after={"round": decision.round},
            request=request,
        )
    return decision


def decision_close_by_majority(
    *, actor: User, case: Case, rationale: str, request: HttpRequest | None = None
) -> Decision:
    """After the scrutineer's advice and any changed votes, the majority decides."""
    require_case_role(actor, case, Role.BUSINESS_MANAGER, *DECISION_MAKER_ROLES)
    errors: dict[str, str] = {}
    require_text(rationale, "rationale", "Record the rationale for the decision", errors)
    raise_if(errors, "There is a problem with the decision.")
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=current_decision(case).pk)
        if decision.status != Decision.Status.REVOTING:
            raise IllegalTransition("The majority decides only after the scrutineer has advised on a disagreement.")
        majority = majority_outcome(decision)
        votes, option, count = majority.votes, majority.option, len(majority.partners)
        if option is None:
            raise ValidationFailed(
                "No two partners agree, so there is no majority. Decision makers should discuss again and change "
                "their votes.",
                field_errors={"rationale": "There is no majority yet: no two partners agree"},
            )
        method = Decision.Method.UNANIMOUS if count == len(PARTNERS) else Decision.Method.MAJORITY
        _decide(decision, option, method, rationale.strip() + "\n\n" + _compose_rationale(votes), actor, request)
    return decision


def family_communication_record(
    *,
    actor: User,
    case: Case,
    told_on: datetime.date,
    method: str,
    told_by: str,
    notes: str = "",
    request: HttpRequest | None = None,
) -> FamilyCommunication:
    """The decision and its rationale are told to the family, in writing and where possible in person
    through the practitioner working with them (Working Together 2023 ch.5)."""
    require_business_manager(actor, case)
    decision = current_decision(case)
    if decision.status != Decision.Status.DECIDED:
        raise IllegalTransition("Tell the family once the partners have decided.")
    errors: dict[str, str] = {}
    if method not in FamilyCommunication.Method.values:
        errors["method"] = "Choose how the family was told"
    require_text(told_by, "told_by", "Enter who told the family, and their role", errors)
    not_in_future(told_on, "told_on", "The date the family was told", errors)
    if told_on and decision.decided_on and told_on < decision.decided_on:
        errors["told_on"] = "The family cannot have been told before the decision was made"
    raise_if(errors, "There is a problem with the record of telling the family.")
    with transaction.atomic():
        item = create_storable(
            FamilyCommunication,
            "",
            decision=decision,
            told_on=told_on,
            method=method,
            told_by=told_by.strip(),
            notes=notes.strip(),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="decision.family_told",
            partnership=case.partnership_id,
            target=case,
            after={"told_on": told_on, "method": method},
            request=request,
        )
    return item


def rapid_review_record_sent(
    *, actor: User, case: Case, sent_on: datetime.date, request: HttpRequest | None = None
) -> Case:
    """The rapid review and the decision went to the Panel: due 15 working days after the notification."""
    require_business_manager(actor, case)
    require_action_stage(case, Action.SEND_RAPID_REVIEW)
    errors: dict[str, str] = {}
    not_in_future(sent_on, "sent_on", "The date sent", errors)
    notification_sent = getattr(getattr(case, "notification", None), "sent_on", None)
    if notification_sent and sent_on and sent_on < notification_sent:
        errors["sent_on"] = "The rapid review cannot be sent before the notification"
    raise_if(errors, "There is a problem with recording the rapid review as sent.")
    with transaction.atomic():
        RapidReview.objects.filter(case=case).update(sent_on=sent_on)
        case.rapid_review.sent_on = sent_on
        record_case_date(actor=actor, case=case, event="rapid_review_sent", date=sent_on, request=request)
        audit_record(
            actor=actor,
            action="rapid_review.sent",
            partnership=case.partnership_id,
            target=case,
            after={"sent_on": sent_on},
            request=request,
        )
        case_transition(actor=actor, case=case, to=CaseState.SENT_TO_PANEL, request=request)
        # What was sent is frozen with the sending: the Panel reads exactly that (services/panel.py).

        panel_sending_record(actor=actor, case=case, kind="rapid_review", sent_on=sent_on, request=request)
    return case


def decision_send_justification(
    *, actor: User, case: Case, justification: str, request: HttpRequest | None = None
) -> Case:
    """After a Panel challenge the partners met again with the scrutineer and decided: their justification
    goes back to the Panel (DOMAIN.md step 5)."""
    require_business_manager(actor, case)
    require_action_stage(case, Action.SEND_JUSTIFICATION)
    errors: dict[str, str] = {}
    require_text(justification, "justification", "Write the partners' justification for the Panel", errors)
    raise_if(errors, "There is a problem with the justification.")
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=current_decision(case).pk)
        if decision.round < 2 or decision.status != Decision.Status.DECIDED:
            raise IllegalTransition("The partners must meet again with the scrutineer and decide before replying.")
        if not decision.scrutineer_advice.strip():
            raise IllegalTransition("Record the scrutineer's advice from the partners' meeting first.")
        decision.justification = justification.strip()
        require_storable(decision)
        decision.save(update_fields=["justification"])

        panel_sending_record(
            actor=actor, case=case, kind="justification", sent_on=timezone.localdate(), request=request
        )
        audit_record(
            actor=actor,
            action="decision.justification_sent",
            partnership=case.partnership_id,
            target=case,
            after={"round": decision.round, "kept_or_changed": decision.kept_or_changed},
            request=request,
        )
        case_transition(actor=actor, case=case, to=CaseState.SENT_TO_PANEL, request=request)
    return case
