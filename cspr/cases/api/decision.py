"""The partners' decision on a review (DOMAIN.md step 4) and the national Panel's response (step 5).

The three partners' decision makers vote; if they disagree the independent scrutineer advises and they may
change their votes; then the majority decides. The family is told. After a Panel challenge the partners meet
again with the scrutineer (a new round) and send their justification.
"""

from __future__ import annotations

from cspr.cases import services
from cspr.cases.api.common import (
    DECISION,
    PANEL,
    answers,
    case_for,
    case_out,
    current_decision_out,
    decisions_out,
    rapid_review_visible,
    reload,
    router,
)
from cspr.cases.api.schemas import (
    AdviceIn,
    CaseOut,
    DecisionOut,
    FamilyIn,
    FamilyOut,
    JustificationIn,
    MajorityIn,
    PanelResponseIn,
    VoteIn,
)
from cspr.core.errors import NotFound
from cspr.partnerships.types import AuthedRequest


@router.get(
    "/{int:case_id}/decision",
    response=answers(list[DecisionOut]),
    tags=DECISION,
    operation_id="decision_get",
    summary="Every round of the partners' decision",
)
def decision_get(request: AuthedRequest, case_id: int) -> list[DecisionOut]:
    """Votes with their rationales, the scrutineer's advice, the outcome and how it was reached, and the
    Panel's responses. The national Panel reads it once the rapid review was sent to it (404 before), and a
    round after its challenge only once the partners sent their justification: then the outcome, kept or
    changed, and the justification, with `votes`, `scrutineer_advice` and `rationale` null (they were not
    sent). How the family was told is for the partnership's own people. The read is audited."""
    case = case_for(request, case_id, log_read=True)
    if rapid_review_visible(request, case) is None:
        raise NotFound("There is no decision on this case available to you.")
    return decisions_out(request, case)


@router.post(
    "/{int:case_id}/decision/votes",
    response=answers(DecisionOut),
    tags=DECISION,
    operation_id="decision_record_vote",
    summary="Vote for your safeguarding partner",
)
def decision_record_vote(request: AuthedRequest, case_id: int, payload: VoteIn) -> DecisionOut:
    """For the local authority's, police's and ICB's decision makers. When the third first vote agrees with the
    others the decision is made; if not, the round waits for the scrutineer (`status: scrutineer`). After the
    advice each partner may change their vote once (`stage: 2`). Returns the current round."""
    case = case_for(request, case_id)
    services.decision_record_vote(
        actor=request.user, case=case, option=payload.option, rationale=payload.rationale, request=request
    )
    return current_decision_out(request, case)


@router.post(
    "/{int:case_id}/decision/advice",
    response=answers(DecisionOut),
    tags=DECISION,
    operation_id="decision_record_scrutineer_advice",
    summary="The independent scrutineer's advice",
)
def decision_record_scrutineer_advice(request: AuthedRequest, case_id: int, payload: AdviceIn) -> DecisionOut:
    """When the decision makers disagree, or in the meeting after a Panel challenge. Scrutineers only.
    Returns the current round."""
    case = case_for(request, case_id)
    services.decision_record_scrutineer_advice(actor=request.user, case=case, advice=payload.advice, request=request)
    return current_decision_out(request, case)


@router.post(
    "/{int:case_id}/decision/majority",
    response=answers(DecisionOut),
    tags=DECISION,
    operation_id="decision_close_by_majority",
    summary="Record the majority decision after the scrutineer's advice",
)
def decision_close_by_majority(request: AuthedRequest, case_id: int, payload: MajorityIn) -> DecisionOut:
    """After the advice and any changed votes, the option two partners stand by is the decision (422 when no
    two agree). Business managers and decision makers. Returns the current round."""
    case = case_for(request, case_id)
    services.decision_close_by_majority(actor=request.user, case=case, rationale=payload.rationale, request=request)
    return current_decision_out(request, case)


@router.post(
    "/{int:case_id}/decision/family",
    response=answers(FamilyOut, 201),
    tags=DECISION,
    operation_id="family_communication_record",
    summary="Record how the family was told of the decision",
)
def family_communication_record(request: AuthedRequest, case_id: int, payload: FamilyIn) -> tuple[int, FamilyOut]:
    """The decision and its rationale are told to the family, in writing and where possible in person through
    the practitioner working with them (Working Together 2023 ch.5). Once the partners have decided.
    Business managers only."""
    case = case_for(request, case_id)
    item = services.family_communication_record(
        actor=request.user,
        case=case,
        told_on=payload.told_on,
        method=payload.method,
        told_by=payload.told_by,
        notes=payload.notes,
        request=request,
    )
    return 201, FamilyOut(told_on=item.told_on, method=item.method, told_by=item.told_by, notes=item.notes)


@router.post(
    "/{int:case_id}/decision/justification",
    response=answers(CaseOut),
    tags=DECISION,
    operation_id="decision_send_justification",
    summary="Send the partners' justification to the Panel after a challenge",
)
def decision_send_justification(request: AuthedRequest, case_id: int, payload: JustificationIn) -> CaseOut:
    """After the Panel challenged the decision, the partners met again with the scrutineer and decided a
    further round (kept or changed). Their justification goes to the Panel and the case waits for its
    response again. Business managers only."""
    case = case_for(request, case_id)
    services.decision_send_justification(
        actor=request.user, case=case, justification=payload.justification, request=request
    )
    return case_out(reload(case))


@router.post(
    "/{int:case_id}/panel-response",
    response=answers(CaseOut),
    tags=PANEL,
    operation_id="panel_response_record",
    summary="The national Panel's response to the rapid review and decision",
)
def panel_response_record(request: AuthedRequest, case_id: int, payload: PanelResponseIn) -> CaseOut:
    """Panel members only. `agree` with `national_review: no` moves the case to the partners' outcome; `yes`
    to a national review; `considering` leaves it with the Panel. `challenge` (with reasons) sends it back to
    the partners for a further round with the scrutineer."""
    case = case_for(request, case_id)
    services.panel_response_record(
        actor=request.user,
        case=case,
        response=payload.response,
        national_review=payload.national_review,
        responded_on=payload.responded_on,
        reasons=payload.reasons,
        request=request,
    )
    return case_out(reload(case))
