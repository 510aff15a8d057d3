"""The rapid review (DOMAIN.md step 3): agency requests, chronology, immediate actions, sections and criteria,
handing it to the decision makers, and recording it sent to the Panel."""

from __future__ import annotations

from cspr.cases import services
from cspr.cases.api.common import (
    RAPID_REVIEW,
    REQUESTS,
    action_out,
    agency_request_out,
    answers,
    api_field_names,
    case_for,
    case_out,
    criteria_field,
    episode_out,
    rapid_review_out,
    rapid_review_visible,
    reload,
    router,
    whole_case_for,
)
from cspr.cases.api.schemas import (
    AgencyOut,
    AgencyRequestIn,
    AgencyRequestOut,
    CaseOut,
    ContributorOut,
    EpisodeIn,
    EpisodeOut,
    ImmediateActionIn,
    ImmediateActionOut,
    RapidReviewIn,
    RapidReviewOut,
    RapidReviewSentIn,
)
from cspr.cases.models import AgencyRequest
from cspr.core.errors import IllegalTransition, NotFound, ValidationFailed
from cspr.partnerships.models import Membership, Organisation, User
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import organisations_in_partnership
from cspr.partnerships.types import AuthedRequest


@router.get(
    "/{int:case_id}/rapid-review",
    response=answers(RapidReviewOut),
    tags=RAPID_REVIEW,
    operation_id="rapid_review_get",
    summary="The rapid review",
)
def rapid_review_get(request: AuthedRequest, case_id: int) -> RapidReviewOut:
    """Sections, criteria, recommendation, chronology and immediate actions. The national Panel reads it once
    it was sent to the Panel (404 before). `version` is the one to send back with PUT. The read is audited."""
    case = case_for(request, case_id, log_read=True)
    rr = rapid_review_visible(request, case)
    if rr is None:
        raise NotFound("There is no rapid review of this case available to you.")
    return rapid_review_out(rr)


@router.put(
    "/{int:case_id}/rapid-review",
    response=answers(RapidReviewOut),
    tags=RAPID_REVIEW,
    operation_id="rapid_review_update",
    summary="Save rapid review sections and criteria",
)
def rapid_review_update(request: AuthedRequest, case_id: int, payload: RapidReviewIn) -> RapidReviewOut:
    """Saves the sections sent (others keep their text) and the criteria answered, while the review is in
    progress or being decided. Business managers only. Send the `version` you read: if someone saved since,
    nothing is saved and the answer is 409. A criterion answered without reasons is refused (422,
    `criteria.a.reasons`)."""
    case = case_for(request, case_id)
    sections = payload.dict(exclude_unset=True)
    sections.pop("version", None)
    sections.pop("criteria", None)
    criteria: dict[str, dict[str, str]] | None = None
    if "criteria" in payload.model_fields_set:
        criteria = {code: {"answer": c.answer or "", "reasons": c.reasons} for code, c in payload.criteria.items()}
    with api_field_names(criteria_field):
        rr = services.rapid_review_update(
            actor=request.user,
            case=case,
            version=payload.version,
            sections=sections,
            criteria=criteria,
            request=request,
        )
    return rapid_review_out(rr)


@router.get(
    "/{int:case_id}/rapid-review/contributors",
    response=answers(list[AgencyOut]),
    tags=REQUESTS,
    operation_id="rapid_review_contributors",
    summary="Agencies of the case's partnership and who answers for each",
)
def rapid_review_contributors(request: AuthedRequest, case_id: int) -> list[AgencyOut]:
    """The `organisation_id` and `contributor_id` values a request can name. For the partnership's own people."""
    case = whole_case_for(request, case_id)
    contributors: dict[int, list[ContributorOut]] = {}
    memberships = (
        Membership.objects.active()
        .filter(partnership=case.partnership, role=Role.AGENCY_CONTRIBUTOR, organisation__isnull=False)
        .select_related("user")
        .order_by("user__full_name")
    )
    for m in memberships:
        assert m.organisation_id is not None
        contributors.setdefault(m.organisation_id, []).append(ContributorOut(id=m.user_id, full_name=m.user.full_name))
    return [
        AgencyOut(organisation_id=o.pk, organisation=o.name, kind=o.kind, contributors=contributors.get(o.pk, []))
        for o in organisations_in_partnership(user=request.user, partnership=case.partnership)
    ]


@router.get(
    "/{int:case_id}/rapid-review/requests",
    response=answers(list[AgencyRequestOut]),
    tags=REQUESTS,
    operation_id="rapid_review_requests",
    summary="Every request of the case to an agency, with its answer",
)
def rapid_review_requests(request: AuthedRequest, case_id: int) -> list[AgencyRequestOut]:
    """For the partnership's own people; never the national Panel (404). Withdrawn requests are included.
    The read is audited."""
    case = whole_case_for(request, case_id, log_read=True)
    items = AgencyRequest.objects.filter(case=case).select_related("case__partnership", "organisation", "contributor")
    return [agency_request_out(item) for item in items]


@router.post(
    "/{int:case_id}/rapid-review/requests",
    response=answers(AgencyRequestOut, 201),
    tags=REQUESTS,
    operation_id="agency_request_create",
    summary="Ask an agency for a summary of its involvement",
)
def agency_request_create(
    request: AuthedRequest, case_id: int, payload: AgencyRequestIn
) -> tuple[int, AgencyRequestOut]:
    """The named contributor is e-mailed and sees only this request and `shared_facts`, never the rest of the
    case. Due by working day 10 of the rapid review unless `due_date` says otherwise. Business managers only."""
    case = whole_case_for(request, case_id)
    organisation = Organisation.objects.filter(pk=payload.organisation_id, partnership=case.partnership).first()
    contributor = User.objects.filter(pk=payload.contributor_id).first()
    errors: dict[str, str] = {}
    if organisation is None:
        errors["organisation_id"] = "Choose one of the partnership's agencies"
    if contributor is None:
        errors["contributor_id"] = "Choose a contributor who works for this agency, or invite them first"
    if errors:
        raise ValidationFailed("There is a problem with the request.", field_errors=errors)
    assert organisation is not None and contributor is not None
    renames = {"contributor": "contributor_id", "organisation": "organisation_id"}
    with api_field_names(lambda name: renames.get(name, name)):
        item = services.agency_request_create(
            actor=request.user,
            case=case,
            organisation=organisation,
            contributor=contributor,
            shared_facts=payload.shared_facts,
            questions=payload.questions,
            due_date=payload.due_date,
            request=request,
        )
    return 201, agency_request_out(item)


@router.post(
    "/{int:case_id}/rapid-review/requests/{int:request_id}/withdraw",
    response=answers(AgencyRequestOut),
    tags=REQUESTS,
    operation_id="agency_request_withdraw",
    summary="Withdraw a request that has not been answered",
)
def agency_request_withdraw(request: AuthedRequest, case_id: int, request_id: int) -> AgencyRequestOut:
    """The contributor no longer sees it. An answered or already withdrawn request is refused (409).
    Business managers only."""
    case = whole_case_for(request, case_id)
    item = AgencyRequest.objects.filter(case=case, pk=request_id).select_related("case__partnership").first()
    if item is None:
        raise NotFound("No request with that number for this case.")
    if item.status != AgencyRequest.Status.OPEN:
        raise IllegalTransition("Only a request still waiting for an answer can be withdrawn.")
    services.agency_request_withdraw(actor=request.user, agency_request=item, request=request)
    return agency_request_out(
        AgencyRequest.objects.select_related("case__partnership", "organisation", "contributor").get(pk=item.pk)
    )


@router.post(
    "/{int:case_id}/rapid-review/episodes",
    response=answers(EpisodeOut, 201),
    tags=RAPID_REVIEW,
    operation_id="episode_add",
    summary="Add a key practice episode to the chronology",
)
def episode_add(request: AuthedRequest, case_id: int, payload: EpisodeIn) -> tuple[int, EpisodeOut]:
    """An agency's involvement on a date, with its analysis. Business managers only, while the review is in
    progress or being decided."""
    case = case_for(request, case_id)
    episode = services.episode_add(
        actor=request.user,
        case=case,
        date=payload.date,
        agency=payload.agency,
        what_happened=payload.what_happened,
        analysis=payload.analysis,
        request=request,
    )
    return 201, episode_out(episode)


@router.post(
    "/{int:case_id}/rapid-review/immediate-actions",
    response=answers(ImmediateActionOut, 201),
    tags=RAPID_REVIEW,
    operation_id="immediate_action_add",
    summary="Record an immediate action taken to keep children safe",
)
def immediate_action_add(
    request: AuthedRequest, case_id: int, payload: ImmediateActionIn
) -> tuple[int, ImmediateActionOut]:
    """What was done, by whom and when. Business managers only, while the review is in progress or being
    decided."""
    case = case_for(request, case_id)
    action = services.immediate_action_add(
        actor=request.user,
        case=case,
        action=payload.action,
        by_whom=payload.by_whom,
        done_on=payload.done_on,
        request=request,
    )
    return 201, action_out(action)


@router.post(
    "/{int:case_id}/rapid-review/submit",
    response=answers(CaseOut),
    tags=RAPID_REVIEW,
    operation_id="rapid_review_submit_for_decision",
    summary="Hand the rapid review to the decision makers",
)
def rapid_review_submit_for_decision(request: AuthedRequest, case_id: int) -> CaseOut:
    """Needs a recommendation with reasons and an answer to every regulation 11 criterion (else 409, saying
    what is missing). The case moves to `decision` and the three partners' decision makers vote."""
    case = case_for(request, case_id)
    services.rapid_review_submit_for_decision(actor=request.user, case=case, request=request)
    return case_out(reload(case))


@router.post(
    "/{int:case_id}/rapid-review/sent",
    response=answers(CaseOut),
    tags=RAPID_REVIEW,
    operation_id="rapid_review_record_sent",
    summary="Record the rapid review and decision sent to the Panel",
)
def rapid_review_record_sent(request: AuthedRequest, case_id: int, payload: RapidReviewSentIn) -> CaseOut:
    """Once the partners have decided (else 409). Due 15 working days after the notification was sent; from
    then the Panel reads the rapid review and the decision, and the case waits for its response. Business
    managers only."""
    case = case_for(request, case_id)
    services.rapid_review_record_sent(actor=request.user, case=case, sent_on=payload.sent_on, request=request)
    return case_out(reload(case))
