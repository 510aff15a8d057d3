"""The case workflow in /api/v1/cases: every action of the pages, through the same selectors and services.

A council's case system can file a notification: POST /notifications opens the case, PUT /{id}/notification
records its details and children (with the version it read, for optimistic locking), and
POST /{id}/notification/sent records it as sent to the Panel, which starts the rapid review clock.
What each role sees follows the selectors: the Panel only what was sent to it, contributors only their
requests, another partnership nothing (404).
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from cspr.cases import selectors, services
from cspr.cases.clocks import case_clocks
from cspr.cases.eligibility import assess
from cspr.cases.models import (
    AgencyRequest,
    Case,
    Decision,
    Notification,
    RapidReview,
    RapidReviewAudit,
    RapidReviewAuditItem,
)
from cspr.cases.services.notification import NOTIFICATION_FIELDS
from cspr.cases.services.rapid_review import SECTION_FIELDS
from cspr.core.errors import NotFound
from cspr.partnerships.models import Organisation, Partnership, User
from cspr.partnerships.selectors import access_for

router = Router(tags=["cases"])


# --- schemas ----------------------------------------------------------------------------------------------


class CaseOut(Schema):
    id: int
    reference: str
    pseudonym: str
    partnership: str
    state: str
    state_label: str
    version: int
    sent_to_panel_at: datetime.datetime | None


class ChildIn(Schema):
    name: str
    other_names: str = ""
    date_of_birth: datetime.date | None = None
    sex: Literal["female", "male", "not_known"] = "not_known"
    ethnicity: str = ""
    disability: str = ""
    legal_status: Literal["none", "child_in_need", "child_protection", "looked_after", "care_leaver"] = "none"
    la_of_residence: str = ""


class ChildOut(Schema):
    pseudonym: str
    age_band: str
    sex: str
    legal_status: str
    name: str | None = Field(None, description="Only for those who see the whole case; never the Panel.")
    date_of_birth: datetime.date | None = None


class ReferralIn(Schema):
    partnership: str = Field(description="The partnership's slug")
    what_happened: str
    who_was_harmed: str
    agency_knowledge: str = ""
    why_criteria_met: str = ""
    incident_date: datetime.date | None = None


class ScreeningIn(Schema):
    outcome: Literal["notification", "learning_review", "no_further_action"]
    reasons: str


class NewNotificationIn(Schema):
    partnership: str = Field(description="The partnership's slug")
    pseudonym: str = ""
    summary: str = ""


class NotificationIn(Schema):
    version: int = Field(description="The case version you read; a stale version is refused with 409")
    nature: Literal["death", "serious_harm", "other", ""] = ""
    abuse_or_neglect: Literal["known", "suspected", "not_suspected", ""] = ""
    incident_date: datetime.date | None = None
    incident_time: datetime.time | None = None
    place: str = ""
    la_where_happened: str = ""
    in_area: bool | None = None
    resident_harmed_outside_england: bool = False
    looked_after_child_death: bool = False
    care_leaver_death: bool = False
    care_leaver_age: int | None = None
    la_became_aware: datetime.date | None = None
    agencies_involved: str = ""
    linked_cases: str = ""
    description: str = ""
    notifier_name: str = ""
    notifier_role: str = ""
    notifier_email: str = ""
    children: list[ChildIn] = []


class NotificationOut(Schema):
    case: CaseOut
    nature: str
    abuse_or_neglect: str
    incident_date: datetime.date | None
    la_where_happened: str
    la_became_aware: datetime.date | None
    description: str
    sent_on: datetime.date | None
    panel_reference: str
    late_reason: str
    children: list[ChildOut]


class CriterionOut(Schema):
    label: str
    met: bool | None
    explanation: str


class EligibilityOut(Schema):
    notifiable: bool
    rapid_review_needed: bool
    complete: bool
    route: str
    what_follows: str
    criteria: list[CriterionOut]


class SentIn(Schema):
    sent_on: datetime.date
    panel_reference: str
    partners_informed_on: datetime.date | None = None
    late_reason: str = ""


class CriterionIn(Schema):
    answer: Literal["yes", "no", "maybe", ""] = ""
    reasons: str = ""


class RapidReviewIn(Schema):
    version: int
    meeting_date: datetime.date | None = None
    good_practice: str | None = None
    learning_so_far: str | None = None
    learning_shared: str | None = None
    family_context: str | None = None
    family_views: str | None = None
    practitioner_views: str | None = None
    recommendation: Literal["local_review", "national_review", "learning_review", "no_review", ""] | None = None
    recommendation_reasons: str | None = None
    criteria: dict[str, CriterionIn] = {}


class RapidReviewOut(Schema):
    version: int
    meeting_date: datetime.date | None
    good_practice: str
    learning_so_far: str
    learning_shared: str
    family_context: str
    family_views: str
    practitioner_views: str
    criteria: dict[str, dict[str, str]]
    recommendation: str
    recommendation_reasons: str
    sent_on: datetime.date | None


class RequestIn(Schema):
    organisation_id: int
    contributor_id: int
    shared_facts: str
    questions: str = ""
    due_date: datetime.date | None = Field(None, description="Default: working day 10 of the rapid review")


class RequestOut(Schema):
    id: int
    case_reference: str
    case_pseudonym: str
    organisation: str
    due_date: datetime.date
    status: str
    shared_facts: str
    questions: str
    response: str


class ResponseIn(Schema):
    response: str


class EpisodeIn(Schema):
    date: datetime.date
    agency: str
    what_happened: str
    analysis: str = ""


class ActionIn(Schema):
    action: str
    by_whom: str
    done_on: datetime.date | None = None


class VoteIn(Schema):
    option: Literal["local_review", "national_review", "learning_review", "no_review"]
    rationale: str


class AdviceIn(Schema):
    advice: str


class RationaleIn(Schema):
    rationale: str


class FamilyIn(Schema):
    told_on: datetime.date
    method: Literal["in_person", "letter", "phone", "other"]
    told_by: str
    notes: str = ""


class DateIn(Schema):
    sent_on: datetime.date


class JustificationIn(Schema):
    justification: str


class VoteOut(Schema):
    stage: int
    partner: str
    option: str
    rationale: str
    decision_maker: str


class DecisionOut(Schema):
    round: int
    status: str
    outcome: str
    method: str
    rationale: str
    decided_on: datetime.date | None
    scrutineer_advice: str
    kept_or_changed: str
    justification: str
    votes: list[VoteOut]


class PanelResponseIn(Schema):
    response: Literal["agree", "challenge"]
    national_review: Literal["yes", "no", "considering"]
    responded_on: datetime.date
    reasons: str = ""


class PanelQuery(Schema):
    partnership: str = ""
    age_band: str = ""
    nature: str = ""
    state: str = ""
    overdue: bool = False


class ClockOut(Schema):
    milestone: str
    label: str
    status: str
    start: datetime.date | None
    statutory_due: datetime.date | None
    effective_due: datetime.date | None
    met_on: datetime.date | None
    working_days_late: int | None
    explanation: list[str]


class AuditIn(Schema):
    partnership: str
    period_start: datetime.date
    period_end: datetime.date
    sample_size: int = 5


class ScoresIn(Schema):
    scores: dict[str, Literal["met", "partly", "not_met"]]
    comment: str = ""


class CompleteIn(Schema):
    overall_comment: str = ""


class AuditItemOut(Schema):
    id: int
    case_reference: str
    scores: dict[str, str]
    comment: str


class AuditOut(Schema):
    id: int
    partnership: str
    period_start: datetime.date
    period_end: datetime.date
    completed: bool
    items: list[AuditItemOut]


# --- helpers -------------------------------------------------------------------------------------------------


def _case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "pseudonym": case.pseudonym,
        "partnership": case.partnership.slug,
        "state": case.state,
        "state_label": case.get_state_display(),
        "version": case.version,
        "sent_to_panel_at": case.sent_to_panel_at,
    }


def _case(request: HttpRequest, case_id: int, *, log_read: bool = False) -> Case:
    return selectors.case_get(user=request.user, case_id=case_id, log_read=log_read, request=request)


def _fresh(case: Case) -> dict[str, Any]:
    return _case_out(Case.objects.select_related("partnership").get(pk=case.pk))


def _partnership(request: HttpRequest, slug: str) -> Partnership:
    partnership = Partnership.objects.filter(slug=slug, pk__in=access_for(request.user).partnership_ids()).first()
    if partnership is None:
        raise NotFound("No partnership with that address is available to you.")
    return partnership


def _request_out(item: AgencyRequest) -> dict[str, Any]:
    return {
        "id": item.pk,
        "case_reference": item.case.reference,
        "case_pseudonym": item.case.pseudonym,
        "organisation": item.organisation.name,
        "due_date": item.due_date,
        "status": item.status,
        "shared_facts": item.shared_facts,
        "questions": item.questions,
        "response": item.response,
    }


def _rapid_review_visible(request: HttpRequest, case: Case) -> RapidReview:
    rr = RapidReview.objects.filter(case=case).first()
    if rr is None or not (selectors.sees_whole_case(request.user, case) or rr.sent_on is not None):
        raise NotFound("There is no rapid review of this case available to you.")
    return rr


def _audit_out(audit: RapidReviewAudit) -> dict[str, Any]:
    return {
        "id": audit.pk,
        "partnership": audit.partnership.slug,
        "period_start": audit.period_start,
        "period_end": audit.period_end,
        "completed": audit.completed_at is not None,
        "items": [
            {"id": i.pk, "case_reference": i.case.reference, "scores": i.scores, "comment": i.comment}
            for i in audit.items.select_related("case")
        ],
    }


# --- collections (registered before /{case_id} so their paths are not read as ids) --------------------------


@router.get("/", response=list[CaseOut], summary="Cases the token's owner may see")
def list_cases(request: HttpRequest) -> list[dict[str, Any]]:
    return [_case_out(c) for c in selectors.cases_for_user(user=request.user)]


@router.post("/referrals", response={201: CaseOut}, summary="Refer an incident to a partnership")
def refer(request: HttpRequest, payload: ReferralIn) -> tuple[int, dict[str, Any]]:
    data = payload.dict()
    partnership = _partnership(request, data.pop("partnership"))
    case = services.referral_submit(actor=request.user, partnership=partnership, request=request, **data)
    return 201, _fresh(case)


@router.post("/notifications", response={201: CaseOut}, summary="Open a case at the notification stage")
def open_notification(request: HttpRequest, payload: NewNotificationIn) -> tuple[int, dict[str, Any]]:
    partnership = _partnership(request, payload.partnership)
    case = services.case_open(
        actor=request.user,
        partnership=partnership,
        pseudonym=payload.pseudonym,
        summary=payload.summary,
        request=request,
    )
    return 201, _fresh(case)


@router.get("/requests", response=list[RequestOut], summary="Requests for information addressed to you")
def my_requests(request: HttpRequest) -> list[dict[str, Any]]:
    return [_request_out(r) for r in selectors.agency_requests_for_contributor(user=request.user)]


@router.get("/requests/{request_id}", response=RequestOut, summary="One request addressed to you (read audited)")
def my_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    return _request_out(selectors.agency_request_get(user=request.user, request_id=request_id, request=request))


@router.post("/requests/{request_id}/response", response=RequestOut, summary="Answer a request addressed to you")
def answer_request(request: HttpRequest, request_id: int, payload: ResponseIn) -> dict[str, Any]:
    item = selectors.agency_request_get(user=request.user, request_id=request_id, request=request)
    return _request_out(
        services.agency_request_respond(
            actor=request.user, agency_request=item, response=payload.response, request=request
        )
    )


@router.get("/panel", response=list[CaseOut], summary="The Panel's list of what was sent to it, filtered")
def panel_list(request: HttpRequest, filters: Query[PanelQuery]) -> list[dict[str, Any]]:
    cases = selectors.panel_cases(user=request.user, filters=selectors.PanelFilters(**filters.dict()))
    return [_case_out(c) for c in cases]


@router.post("/rr-audits", response={201: AuditOut}, summary="Sample rapid reviews of a period for audit")
def audit_create(request: HttpRequest, payload: AuditIn) -> tuple[int, dict[str, Any]]:
    data = payload.dict()
    partnership = _partnership(request, data.pop("partnership"))
    audit = services.rr_audit_create(actor=request.user, partnership=partnership, request=request, **data)
    return 201, _audit_out(audit)


@router.get("/rr-audits/{audit_id}", response=AuditOut, summary="A rapid review audit and its scores")
def audit_get(request: HttpRequest, audit_id: int) -> dict[str, Any]:
    return _audit_out(selectors.rr_audit_get(user=request.user, audit_id=audit_id))


@router.post("/rr-audits/{audit_id}/items/{item_id}/scores", response=AuditOut, summary="Score a sampled review")
def audit_score(request: HttpRequest, audit_id: int, item_id: int, payload: ScoresIn) -> dict[str, Any]:
    audit = selectors.rr_audit_get(user=request.user, audit_id=audit_id)
    item = RapidReviewAuditItem.objects.filter(audit=audit, pk=item_id).first()
    if item is None:
        raise NotFound("No such item in this audit.")
    services.rr_audit_score(
        actor=request.user, item=item, scores=dict(payload.scores), comment=payload.comment, request=request
    )
    return _audit_out(audit)


@router.post("/rr-audits/{audit_id}/complete", response=AuditOut, summary="Complete an audit")
def audit_complete(request: HttpRequest, audit_id: int, payload: CompleteIn) -> dict[str, Any]:
    audit = selectors.rr_audit_get(user=request.user, audit_id=audit_id)
    services.rr_audit_complete(
        actor=request.user, audit=audit, overall_comment=payload.overall_comment, request=request
    )
    return _audit_out(audit)


# --- one case --------------------------------------------------------------------------------------------


@router.get("/{case_id}", response=CaseOut, summary="One case (its read is audited)")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _case_out(_case(request, case_id, log_read=True))


@router.post("/{case_id}/screening", response=CaseOut, summary="Screen a referral")
def screen(request: HttpRequest, case_id: int, payload: ScreeningIn) -> dict[str, Any]:
    case = _case(request, case_id)
    services.referral_screen(
        actor=request.user, case=case, outcome=payload.outcome, reasons=payload.reasons, request=request
    )
    return _fresh(case)


def _notification_out(request: HttpRequest, case: Case) -> dict[str, Any]:
    n = Notification.objects.filter(case=case).first()
    if n is None:
        raise NotFound("This case has no notification.")
    whole = selectors.sees_whole_case(request.user, case)
    return {
        "case": _case_out(case),
        "nature": n.nature,
        "abuse_or_neglect": n.abuse_or_neglect,
        "incident_date": n.incident_date,
        "la_where_happened": n.la_where_happened,
        "la_became_aware": n.la_became_aware,
        "description": n.description,
        "sent_on": n.sent_on,
        "panel_reference": n.panel_reference,
        "late_reason": n.late_reason,
        "children": [
            {
                "pseudonym": c.pseudonym,
                "age_band": c.age_band,
                "sex": c.sex,
                "legal_status": c.legal_status,
                "name": c.name if whole else None,
                "date_of_birth": c.date_of_birth if whole else None,
            }
            for c in case.children.all()
        ],
    }


@router.get("/{case_id}/notification", response=NotificationOut, summary="The notification")
def get_notification(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _notification_out(request, _case(request, case_id, log_read=True))


@router.put("/{case_id}/notification", response=NotificationOut, summary="Record the notification's details")
def put_notification(request: HttpRequest, case_id: int, payload: NotificationIn) -> dict[str, Any]:
    case = _case(request, case_id)
    data = payload.dict()
    children = data.pop("children")
    version = data.pop("version")
    services.notification_update(
        actor=request.user,
        case=case,
        version=version,
        children=children,
        fields={k: v for k, v in data.items() if k in NOTIFICATION_FIELDS},
        request=request,
    )
    return _notification_out(request, Case.objects.select_related("partnership").get(pk=case.pk))


@router.get("/{case_id}/notification/eligibility", response=EligibilityOut, summary="Is it notifiable?")
def eligibility(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = _case(request, case_id)
    n = Notification.objects.filter(case=case).first()
    if n is None:
        raise NotFound("This case has no notification.")
    result = assess(n, list(case.children.all()))
    return {
        "notifiable": result.notifiable,
        "rapid_review_needed": result.rapid_review_needed,
        "complete": result.complete,
        "route": result.route,
        "what_follows": result.what_follows,
        "criteria": [{"label": c.label, "met": c.met, "explanation": c.explanation} for c in result.criteria],
    }


@router.post("/{case_id}/notification/sent", response=CaseOut, summary="Record the notification as sent")
def notification_sent(request: HttpRequest, case_id: int, payload: SentIn) -> dict[str, Any]:
    case = _case(request, case_id)
    services.notification_record_sent(actor=request.user, case=case, request=request, **payload.dict())
    return _fresh(case)


def _rr_out(rr: RapidReview) -> dict[str, Any]:
    return {
        **{name: getattr(rr, name) for name in SECTION_FIELDS},
        "version": rr.version,
        "criteria": rr.criteria or {},
        "sent_on": rr.sent_on,
    }


@router.get("/{case_id}/rapid-review", response=RapidReviewOut, summary="The rapid review")
def get_rapid_review(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = _case(request, case_id, log_read=True)
    return _rr_out(_rapid_review_visible(request, case))


@router.put("/{case_id}/rapid-review", response=RapidReviewOut, summary="Save rapid review sections and criteria")
def put_rapid_review(request: HttpRequest, case_id: int, payload: RapidReviewIn) -> dict[str, Any]:
    case = _case(request, case_id)
    data = payload.dict()
    criteria = {code: dict(item) for code, item in data.pop("criteria").items()}
    version = data.pop("version")
    sections = {k: v for k, v in data.items() if v is not None}
    rr = services.rapid_review_update(
        actor=request.user, case=case, version=version, sections=sections, criteria=criteria or None, request=request
    )
    return _rr_out(rr)


@router.post("/{case_id}/rapid-review/requests", response={201: RequestOut}, summary="Ask an agency for a summary")
def create_request(request: HttpRequest, case_id: int, payload: RequestIn) -> tuple[int, dict[str, Any]]:
    case = _case(request, case_id)
    organisation = Organisation.objects.filter(pk=payload.organisation_id, partnership=case.partnership).first()
    contributor = User.objects.filter(pk=payload.contributor_id).first()
    if organisation is None or contributor is None:
        raise NotFound("No such agency or contributor in this partnership.")
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
    return 201, _request_out(item)


@router.post("/{case_id}/rapid-review/episodes", response={201: CaseOut}, summary="Add a key practice episode")
def add_episode(request: HttpRequest, case_id: int, payload: EpisodeIn) -> tuple[int, dict[str, Any]]:
    case = _case(request, case_id)
    services.episode_add(actor=request.user, case=case, request=request, **payload.dict())
    return 201, _fresh(case)


@router.post("/{case_id}/rapid-review/immediate-actions", response={201: CaseOut}, summary="Record an action")
def add_action(request: HttpRequest, case_id: int, payload: ActionIn) -> tuple[int, dict[str, Any]]:
    case = _case(request, case_id)
    services.immediate_action_add(actor=request.user, case=case, request=request, **payload.dict())
    return 201, _fresh(case)


@router.post("/{case_id}/rapid-review/submit", response=CaseOut, summary="Send to the decision makers")
def submit_rapid_review(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = _case(request, case_id)
    services.rapid_review_submit_for_decision(actor=request.user, case=case, request=request)
    return _fresh(case)


@router.post("/{case_id}/rapid-review/sent", response=CaseOut, summary="Record the rapid review sent to the Panel")
def rapid_review_sent(request: HttpRequest, case_id: int, payload: DateIn) -> dict[str, Any]:
    case = _case(request, case_id)
    services.rapid_review_record_sent(actor=request.user, case=case, sent_on=payload.sent_on, request=request)
    return _fresh(case)


def _decisions(request: HttpRequest, case: Case) -> list[dict[str, Any]]:
    _rapid_review_visible(request, case)
    return [
        {
            "round": d.round,
            "status": d.status,
            "outcome": d.outcome,
            "method": d.method,
            "rationale": d.rationale,
            "decided_on": d.decided_on,
            "scrutineer_advice": d.scrutineer_advice,
            "kept_or_changed": d.kept_or_changed,
            "justification": d.justification,
            "votes": [
                {
                    "stage": v.stage,
                    "partner": v.partner,
                    "option": v.option,
                    "rationale": v.rationale,
                    "decision_maker": v.decision_maker.full_name,
                }
                for v in d.votes.select_related("decision_maker")
            ],
        }
        for d in Decision.objects.filter(case=case).order_by("round")
    ]


@router.get("/{case_id}/decision", response=list[DecisionOut], summary="Every round of the partners' decision")
def get_decision(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    return _decisions(request, _case(request, case_id, log_read=True))


@router.post("/{case_id}/decision/votes", response=list[DecisionOut], summary="Vote for your partner")
def vote(request: HttpRequest, case_id: int, payload: VoteIn) -> list[dict[str, Any]]:
    case = _case(request, case_id)
    services.decision_record_vote(
        actor=request.user, case=case, option=payload.option, rationale=payload.rationale, request=request
    )
    return _decisions(request, case)


@router.post("/{case_id}/decision/advice", response=list[DecisionOut], summary="The scrutineer's advice")
def advice(request: HttpRequest, case_id: int, payload: AdviceIn) -> list[dict[str, Any]]:
    case = _case(request, case_id)
    services.decision_record_scrutineer_advice(actor=request.user, case=case, advice=payload.advice, request=request)
    return _decisions(request, case)


@router.post("/{case_id}/decision/majority", response=list[DecisionOut], summary="Record the majority decision")
def majority(request: HttpRequest, case_id: int, payload: RationaleIn) -> list[dict[str, Any]]:
    case = _case(request, case_id)
    services.decision_close_by_majority(actor=request.user, case=case, rationale=payload.rationale, request=request)
    return _decisions(request, case)


@router.post("/{case_id}/decision/family", response={201: CaseOut}, summary="Record telling the family")
def family(request: HttpRequest, case_id: int, payload: FamilyIn) -> tuple[int, dict[str, Any]]:
    case = _case(request, case_id)
    services.family_communication_record(actor=request.user, case=case, request=request, **payload.dict())
    return 201, _fresh(case)


@router.post("/{case_id}/decision/justification", response=CaseOut, summary="Send the justification to the Panel")
def justification(request: HttpRequest, case_id: int, payload: JustificationIn) -> dict[str, Any]:
    case = _case(request, case_id)
    services.decision_send_justification(
        actor=request.user, case=case, justification=payload.justification, request=request
    )
    return _fresh(case)


@router.post("/{case_id}/panel-response", response=CaseOut, summary="The Panel's response")
def panel_response(request: HttpRequest, case_id: int, payload: PanelResponseIn) -> dict[str, Any]:
    case = _case(request, case_id)
    services.panel_response_record(actor=request.user, case=case, request=request, **payload.dict())
    return _fresh(case)


@router.get("/{case_id}/clocks", response=list[ClockOut], summary="Every statutory clock, each with its reasoning")
def clocks(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = _case(request, case_id)
    return [
        {
            "milestone": k.id,
            "label": k.milestone.label,
            "status": k.status.value,
            "start": k.start,
            "statutory_due": k.statutory_due,
            "effective_due": k.effective_due,
            "met_on": k.met_on,
            "working_days_late": k.working_days_late,
            "explanation": list(k.explanation),
        }
        for k in case_clocks(case)
    ]
