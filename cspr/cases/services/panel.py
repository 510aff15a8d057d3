"""The national Panel's side (DOMAIN.md step 5): what is sent to it, and its response.

A sending (the rapid review with the decision, or the partners' justification after a challenge) is frozen
as a PanelSending, so the Panel reads what it was sent and nothing added since. The Panel then agrees, or
challenges; and says whether it takes a national review. A challenge reopens the decision for a further round
with the scrutineer."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.http import HttpRequest

from cspr.audit.services import audit_record
from cspr.cases.models import Attachment, Case, CaseState, Decision, PanelResponse, PanelSending, ReviewOption
from cspr.cases.rules.outcomes import AGREED_OUTCOME_STAGE
from cspr.cases.services.common import create_storable, current_decision, not_in_future, raise_if, require_text
from cspr.cases.state import case_transition
from cspr.core.errors import IllegalTransition, NotFound, ValidationFailed
from cspr.partnerships.models import User
from cspr.partnerships.selectors import access_for


def panel_sending_record(
    *, actor: User, case: Case, kind: str, sent_on: datetime.date, request: HttpRequest | None = None
) -> PanelSending:
    """Freeze what is being sent to the Panel: the decision round, the attachments that exist now and, for the
    rapid review, its report rendered now in Word and PDF (encrypted before storing, DESIGN.md rule 6).

    Not a door of its own: ``rapid_review_record_sent`` and ``decision_send_justification`` call it inside
    their transaction, after their own permission check, so the sending and its frozen copy are written
    together or not at all (rule 5). The audit event carries the round, the number of attachments and the
    reports' SHA-256, never their content."""
    from cspr.cases.documents import rapid_review_freeze

    decision = current_decision(case)
    if decision.status != Decision.Status.DECIDED:
        raise IllegalTransition("The partners decide before anything is sent to the Panel.")
    if kind not in PanelSending.Kind.values:
        raise ValueError(f"unknown kind of sending: {kind!r}")
    fields: Mapping[str, object] = {}  # the frozen report's PanelSending fields (FrozenReportFields), if any
    if kind == PanelSending.Kind.RAPID_REVIEW:
        fields = rapid_review_freeze(case, decision=decision, sent_on=sent_on).fields()
    with transaction.atomic():
        sending = PanelSending.objects.create(
            case=case,
            kind=kind,
            decision=decision,
            sent_on=sent_on,
            sent_by=actor,
            # The notification's attachments; an agency's files stay with its answer, never the Panel's.
            attachment_ids=list(
                Attachment.objects.filter(case=case, agency_request__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            ),
            **fields,
        )
        audit_record(
            actor=actor,
            action="panel.sending_frozen",
            partnership=case.partnership_id,
            target=case,
            after={
                "kind": kind,
                "round": decision.round,
                "attachments": len(sending.attachment_ids),
                "report_docx_sha256": sending.report_docx_sha256,
                "report_pdf_sha256": sending.report_pdf_sha256,
            },
            request=request,
        )
    return sending


def panel_response_errors(
    *, response: str, national_review: str, responded_on: datetime.date | None, reasons: str
) -> dict[str, str]:
    """Every broken rule of the Panel's answers, by field: ``panel_response_record`` refuses on them, and the
    page asks for them with the form's own errors, so that all are reported in one round."""
    errors: dict[str, str] = {}
    if response not in PanelResponse.Response.values:
        errors["response"] = "Choose whether the Panel agrees or challenges the decision"
    if national_review not in PanelResponse.NationalReview.values:
        errors["national_review"] = "Say whether the Panel will carry out a national review"
    not_in_future(responded_on, "responded_on", "The date of the response", errors)
    if response == PanelResponse.Response.CHALLENGE:
        require_text(reasons, "reasons", "Give the Panel's reasons for challenging the decision", errors)
    return errors


def panel_response_record(
    *,
    actor: User,
    case: Case,
    response: str,
    national_review: str,
    responded_on: datetime.date,
    reasons: str = "",
    request: HttpRequest | None = None,
) -> PanelResponse:
    if not access_for(actor).is_panel or case.sent_to_panel_at is None:
        raise NotFound("No case with that reference is available to you.")
    if case.state != CaseState.SENT_TO_PANEL:
        raise IllegalTransition("The Panel responds once the rapid review and decision have been sent to it.")
    errors = panel_response_errors(
        response=response, national_review=national_review, responded_on=responded_on, reasons=reasons
    )
    raise_if(errors, "There is a problem with the Panel's response.")
    decision = current_decision(case)
    if decision.status != Decision.Status.DECIDED:
        raise IllegalTransition("There is no decision to respond to yet.")
    if (
        response == PanelResponse.Response.AGREE
        and decision.outcome == ReviewOption.NATIONAL_REVIEW
        and national_review == PanelResponse.NationalReview.NO
    ):
        raise ValidationFailed(
            "The partners recommended a national review. If the Panel will not carry one out, record a challenge "
            "so that the partners reconsider.",
            field_errors={"response": "Record a challenge, with reasons"},
        )
    with transaction.atomic():
        item = create_storable(
            PanelResponse,
            "",
            case=case,
            decision=decision,
            response=response,
            reasons=reasons.strip(),
            national_review=national_review,
            responded_on=responded_on,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="panel.responded",
            partnership=case.partnership_id,
            target=case,
            after={"response": response, "national_review": national_review, "round": decision.round},
            request=request,
        )
        if response == PanelResponse.Response.CHALLENGE:
            case_transition(actor=actor, case=case, to=CaseState.PANEL_CHALLENGED, request=request)
            Decision.objects.create(case=case, round=decision.round + 1)
        elif national_review == PanelResponse.NationalReview.YES:
            case_transition(actor=actor, case=case, to=CaseState.NATIONAL_REVIEW, request=request)
        elif national_review == PanelResponse.NationalReview.NO:
            case_transition(actor=actor, case=case, to=AGREED_OUTCOME_STAGE[decision.outcome], request=request)
        # "considering": the case waits at the Panel until a further response.
    return item
