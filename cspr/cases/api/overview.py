"""Operations on no one case: lists, opening a case (by referral or straight at notification), the requests
addressed to an agency contributor, and the Panel's list."""

from __future__ import annotations

from django.utils import timezone
from ninja import Query

from cspr.cases import selectors, services
from cspr.cases.api.common import (
    CASES,
    PANEL,
    REFERRAL,
    REQUESTS,
    agency_request_out,
    answers,
    api_field_names,
    case_out,
    children_field,
    children_input,
    reload,
    router,
)
from cspr.cases.api.schemas import (
    AgencyRequestOut,
    AgencyRequestResponseIn,
    CaseOut,
    MyReferralOut,
    NewNotificationIn,
    PanelCaseOut,
    PanelQuery,
    ReferralIn,
)
from cspr.cases.clocks import stored_status
from cspr.cases.models import CaseClock, Child, Notification, RapidReview
from cspr.core.errors import ValidationFailed
from cspr.partnerships.models import Organisation
from cspr.partnerships.selectors import partnership_get
from cspr.partnerships.types import AuthedRequest
from cspr.timescales.milestones import RAPID_REVIEW


@router.get("/", response=answers(list[CaseOut]), tags=CASES, operation_id="cases_list", summary="Cases you may see")
def cases_list(request: AuthedRequest) -> list[CaseOut]:
    """Every case of your partnerships (business managers, decision makers, scrutineers, auditors) and, for the
    national Panel, every case whose notification was sent to it. Children appear by pseudonym only."""
    return [case_out(c) for c in selectors.cases_for_user(user=request.user)]


@router.post(
    "/referrals",
    response=answers(CaseOut, 201),
    tags=REFERRAL,
    operation_id="referral_submit",
    summary="Refer an incident to a partnership",
)
def referral_submit(request: AuthedRequest, payload: ReferralIn) -> tuple[int, CaseOut]:
    """Step 1 of the chain: an agency tells the partnership about an incident it thinks should be considered
    for a review. Agency contributors and business managers of the partnership may refer; the business manager
    then screens it (POST /{case_id}/screening). A contributor follows it with GET /referrals, not the case."""
    partnership = partnership_get(user=request.user, slug=payload.partnership)
    organisation = None
    if payload.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation_id, partnership=partnership).first()
        if organisation is None:
            raise ValidationFailed(
                "There is a problem with the referral.",
                field_errors={"organisation_id": "Choose an agency of this partnership"},
            )
    with api_field_names(lambda name: "organisation_id" if name == "organisation" else name):
        case = services.referral_submit(
            actor=request.user,
            partnership=partnership,
            what_happened=payload.what_happened,
            who_was_harmed=payload.who_was_harmed,
            agency_knowledge=payload.agency_knowledge,
            why_criteria_met=payload.why_criteria_met,
            incident_date=payload.incident_date,
            organisation=organisation,
            request=request,
        )
    return 201, case_out(reload(case))


@router.get(
    "/referrals",
    response=answers(list[MyReferralOut]),
    tags=REFERRAL,
    operation_id="referrals_mine",
    summary="Referrals you made, and what became of each",
)
def referrals_mine(request: AuthedRequest) -> list[MyReferralOut]:
    """The referrer sees where each referral went and the screening outcome, not the case that follows."""
    return [
        MyReferralOut(
            case_reference=r.case.reference,
            partnership_name=r.case.partnership.name,
            created_at=r.created_at,
            outcome=r.outcome,
            outcome_label=r.get_outcome_display(),
        )
        for r in selectors.referrals_by_user(user=request.user).order_by("-created_at")
    ]


@router.post(
    "/notifications",
    response=answers(CaseOut, 201),
    tags=REFERRAL,
    operation_id="case_open",
    summary="Open a case at the notification stage",
)
def case_open(request: AuthedRequest, payload: NewNotificationIn) -> tuple[int, CaseOut]:
    """For a local authority that became aware of a serious incident itself (no referral). The sequence for
    a council's case system:

    1. `POST /notifications` opens the case (business managers of the partnership) and returns its `id` and
       `version`;
    2. `PUT /{case_id}/notification` records the details and children, with that `version`;
    3. `GET /{case_id}/notification/eligibility` says whether it is notifiable and what follows;
    4. `POST /{case_id}/notification/sent` records it sent to the Panel, which starts the rapid review."""
    partnership = partnership_get(user=request.user, slug=payload.partnership)
    with api_field_names(children_field):
        case = services.case_open(
            actor=request.user,
            partnership=partnership,
            pseudonym=payload.pseudonym,
            summary=payload.summary,
            children=children_input(payload.children),
            request=request,
        )
    return 201, case_out(reload(case))


@router.get(
    "/requests",
    response=answers(list[AgencyRequestOut]),
    tags=REQUESTS,
    operation_id="agency_requests_mine",
    summary="Requests for information addressed to you",
)
def agency_requests_mine(request: AuthedRequest) -> list[AgencyRequestOut]:
    """For agency contributors: each request names the case by reference and pseudonym and carries only the
    facts the business manager chose to share. Withdrawn requests are left out."""
    return [agency_request_out(r) for r in selectors.agency_requests_for_contributor(user=request.user)]


@router.get(
    "/requests/{int:request_id}",
    response=answers(AgencyRequestOut),
    tags=REQUESTS,
    operation_id="agency_request_get",
    summary="One request addressed to you",
)
def agency_request_get(request: AuthedRequest, request_id: int) -> AgencyRequestOut:
    """Only the contributor it is addressed to may read it; anyone else is told it is not there. The read is
    audited."""
    return agency_request_out(selectors.agency_request_get(user=request.user, request_id=request_id, request=request))


@router.post(
    "/requests/{int:request_id}/response",
    response=answers(AgencyRequestOut),
    tags=REQUESTS,
    operation_id="agency_request_respond",
    summary="Answer a request addressed to you",
)
def agency_request_respond(
    request: AuthedRequest, request_id: int, payload: AgencyRequestResponseIn
) -> AgencyRequestOut:
    """Your agency's summary of its involvement, once: an answered or withdrawn request is refused (409). When
    every open request of the case is answered, the agency summaries clock is met."""
    item = selectors.agency_request_get(user=request.user, request_id=request_id, request=request)
    answered = services.agency_request_respond(
        actor=request.user, agency_request=item, response=payload.response, request=request
    )
    return agency_request_out(answered)


@router.get(
    "/panel",
    response=answers(list[PanelCaseOut]),
    tags=PANEL,
    operation_id="panel_cases",
    summary="The national Panel's list of what was sent to it",
)
def panel_cases(request: AuthedRequest, filters: Query[PanelQuery]) -> list[PanelCaseOut]:
    """Every case whose notification was sent to the Panel, from every partnership, newest first, by pseudonym.
    For Panel members only (anyone else: 404). `overdue` keeps rapid reviews not sent by their due date."""
    cases = selectors.panel_cases(
        user=request.user,
        filters=selectors.PanelFilters(
            partnership=filters.partnership or "",
            age_band=filters.age_band or "",
            nature=filters.nature or "",
            state=filters.state or "",
            overdue=filters.overdue,
        ),
    )
    ids = [c.pk for c in cases]
    bands: dict[int, list[str]] = {}
    for case_id, band in Child.objects.filter(case_id__in=ids).order_by("position").values_list("case_id", "age_band"):
        bands.setdefault(case_id, []).append(band)
    notifications = {n.case_id: n for n in Notification.objects.filter(case_id__in=ids)}
    reviews = {r.case_id: r for r in RapidReview.objects.filter(case_id__in=ids)}
    # DESIGN.md rule 8: due dates are read from the stored clocks, one query for the whole list.
    stored = {c.case_id: c for c in CaseClock.objects.filter(case_id__in=ids, milestone=RAPID_REVIEW)}
    today = timezone.localdate()
    rows = []
    for case in cases:
        row = stored.get(case.pk)
        notification, rr = notifications.get(case.pk), reviews.get(case.pk)
        rows.append(
            PanelCaseOut(
                **case_out(case).dict(),
                nature=notification.nature if notification else "",
                age_bands=bands.get(case.pk, []),
                notification_sent_on=notification.sent_on if notification else None,
                rapid_review_sent_on=rr.sent_on if rr else None,
                rapid_review_due=row.effective_due if row else None,
                rapid_review_status=stored_status(row, today).value if row else "",
            )
        )
    return rows
