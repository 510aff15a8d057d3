"""Referrals (DOMAIN.md step 1): any agency tells the partnership; the business manager screens."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.cases.clocks import clocks_recompute
from cspr.cases.models import Case, CaseState, Notification, Referral
from cspr.cases.services.common import (
    create_storable,
    not_in_future,
    raise_if,
    require_action_stage,
    require_business_manager,
    require_storable,
    require_text,
)
from cspr.cases.services.notification import next_pseudonym, next_reference
from cspr.cases.state import case_transition
from cspr.cases.visibility import Action
from cspr.core.errors import IllegalTransition, NotFound
from cspr.partnerships.models import Organisation, Partnership, User
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for


def referral_errors(*, what_happened: str, who_was_harmed: str, incident_date: datetime.date | None) -> dict[str, str]:
    """Every broken rule of a referral's answers, by field. ``referral_submit`` refuses on them; the page
    also asks for them when the form has other errors, so that every error is reported in one round."""
    errors: dict[str, str] = {}
    require_text(what_happened, "what_happened", "Describe what happened", errors)
    require_text(who_was_harmed, "who_was_harmed", "Say which child or children were harmed", errors)
    # An incident is something that has happened: a date after today is a typing mistake.
    not_in_future(incident_date, "incident_date", "The date of the incident", errors)
    return errors


def referral_submit(
    *,
    actor: User,
    partnership: Partnership,
    what_happened: str,
    who_was_harmed: str,
    agency_knowledge: str = "",
    why_criteria_met: str = "",
    incident_date: datetime.date | None = None,
    organisation: Organisation | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Refer an incident. Agency contributors and business managers of the partnership may refer."""
    access = access_for(actor)
    if not access.has_role(partnership.pk, Role.AGENCY_CONTRIBUTOR, Role.BUSINESS_MANAGER):
        raise NotFound("No partnership with that address is available to you.")
    errors = referral_errors(what_happened=what_happened, who_was_harmed=who_was_harmed, incident_date=incident_date)
    if organisation is not None and organisation.partnership_id != partnership.pk:
        errors["organisation"] = "Choose an agency of this partnership"
    raise_if(errors, "There is a problem with the referral.")
    if organisation is None:
        organisation = Organisation.objects.filter(
            partnership=partnership, memberships__user=actor, memberships__removed_at__isnull=True
        ).first()
    with transaction.atomic():
        today = timezone.localdate()
        case = create_storable(
            Case,
            "",
            partnership=partnership,
            reference=next_reference(partnership, today.year),
            pseudonym=next_pseudonym(partnership),
            state=CaseState.REFERRED,
            summary=what_happened.strip()[:2000],
            created_by=actor,
        )
        create_storable(
            Referral,
            "",
            case=case,
            referred_by=actor,
            referring_organisation=organisation,
            incident_date=incident_date,
            what_happened=what_happened.strip(),
            who_was_harmed=who_was_harmed.strip(),
            agency_knowledge=agency_knowledge.strip(),
            why_criteria_met=why_criteria_met.strip(),
        )
        clocks_recompute(case=case)  # DESIGN.md rule 8: every case has stored clocks from the start
        audit_record(
            actor=actor,
            action="referral.submitted",
            partnership=partnership,
            target=case,
            after={"reference": case.reference, "organisation": organisation},
            request=request,
        )
    return case


def referral_screen(*, actor: User, case: Case, outcome: str, reasons: str, request: HttpRequest | None = None) -> Case:
    """The business manager's screening: a notification, a learning review instead, or no further action."""
    require_business_manager(actor, case)
    errors: dict[str, str] = {}
    if outcome not in {
        Referral.Outcome.NOTIFICATION,
        Referral.Outcome.LEARNING_REVIEW,
        Referral.Outcome.NO_FURTHER_ACTION,
    }:
        errors["outcome"] = "Choose what happens to the referral"
    require_text(reasons, "reasons", "Give the reasons for the screening decision", errors)
    raise_if(errors, "There is a problem with the screening decision.")
    # A case opened at notification has no referral; one screened already has moved on (409, not a 500).
    if not Referral.objects.filter(case=case).exists():
        raise IllegalTransition("This case has no referral waiting to be screened.")
    require_action_stage(case, Action.SCREEN)
    with transaction.atomic():
        referral = Referral.objects.select_for_update().filter(case=case).first()
        if referral is None:
            raise IllegalTransition("This case has no referral waiting to be screened.")
        if referral.outcome != Referral.Outcome.PENDING:
            raise IllegalTransition("This referral has already been screened.")
        referral.outcome = outcome
        referral.outcome_reasons = reasons.strip()
        referral.screened_by = actor
        referral.screened_at = timezone.now()
        require_storable(referral)
        referral.save(update_fields=["outcome", "outcome_reasons", "screened_by", "screened_at"])
        audit_record(
            actor=actor,
            action="referral.screened",
            partnership=case.partnership_id,
            target=case,
            after={"outcome": outcome},
            request=request,
        )
        if outcome == Referral.Outcome.NOTIFICATION:
            Notification.objects.get_or_create(
                case=case, defaults={"incident_date": referral.incident_date, "description": referral.what_happened}
            )
            case_transition(actor=actor, case=case, to=CaseState.NOTIFICATION, request=request)
        elif outcome == Referral.Outcome.LEARNING_REVIEW:
            Case.objects.filter(pk=case.pk).update(process="england-learning-review")
            case.process = "england-learning-review"
            case_transition(actor=actor, case=case, to=CaseState.LEARNING_REVIEW, request=request)
        else:
            case_transition(actor=actor, case=case, to=CaseState.NO_FURTHER_ACTION, request=request)
    return case
