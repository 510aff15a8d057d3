"""What every case operation shares: finding the case through the selectors, and building each output once,
so a record reads the same, with the same fields hidden, wherever it appears."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypedDict, cast

from ninja import Router

from cspr.audit.models import AuditEvent
from cspr.cases import selectors
from cspr.cases.api.schemas import (
    AgencyRequestOut,
    AgencyRequestStatusValue,
    AttachmentOut,
    AuditItemOut,
    AuditOut,
    CaseDetailOut,
    CaseOut,
    CaseStateValue,
    ChecklistItemOut,
    ChildIn,
    ChildOut,
    ClockOut,
    CriterionAnswerOut,
    DecisionOut,
    DecisionStatusValue,
    EpisodeOut,
    ErrorOut,
    FamilyOut,
    HistoryEventOut,
    ImmediateActionOut,
    NotificationOut,
    NotificationVersionOut,
    PanelResponseOut,
    RapidReviewOut,
    ReferralOut,
    VoteOut,
)
from cspr.cases.models import (
    AgencyRequest,
    Attachment,
    Case,
    Child,
    Decision,
    Episode,
    ImmediateAction,
    Notification,
    RapidReview,
    RapidReviewAudit,
    Referral,
)
from cspr.cases.services.notification import ChildInput
from cspr.cases.services.rr_audit import CHECKLIST
from cspr.core.errors import NotFound, ValidationFailed
from cspr.partnerships.types import AuthedRequest

router = Router(tags=["cases"])

# OpenAPI tags, one per step of the chain (DOMAIN.md steps 1-5 and 12).
CASES = ["cases"]
REFERRAL = ["cases: referral and notification"]
RAPID_REVIEW = ["cases: rapid review"]
REQUESTS = ["cases: agency requests"]
DECISION = ["cases: decision"]
PANEL = ["cases: national Panel"]
AUDITS = ["cases: rapid review audits"]
FILES = ["cases: documents, attachments and history"]


def answers(body: object, status: int = 200) -> dict[int, object]:
    """The success body and the refusals an operation may answer with, for the OpenAPI document."""
    return {status: body, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def refusals() -> dict[int, type[ErrorOut]]:
    """The refusals of an operation whose success is a file (its 200 is described by ``file_answer``)."""
    return {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def file_answer(description: str, *content_types: str) -> dict[str, object]:
    """``openapi_extra`` for an operation that answers with a file's bytes, so the OpenAPI document says so."""
    content = {t: {"schema": {"type": "string", "format": "binary"}} for t in content_types}
    return {"responses": {200: {"description": description, "content": content}}}


# --- finding things -------------------------------------------------------------------------------------------


def case_for(request: AuthedRequest, case_id: int, *, log_read: bool = False) -> Case:
    """The case if the token's owner may see it, else NotFound (404). ``log_read`` audits a read of case data."""
    return selectors.case_get(user=request.user, case_id=case_id, log_read=log_read, request=request)


def whole_case_for(request: AuthedRequest, case_id: int, *, log_read: bool = False) -> Case:
    """A case the reader sees whole. Others, the Panel included, are told it is not there (DESIGN.md rule 1)."""
    case = case_for(request, case_id)
    if not selectors.sees_whole_case(request.user, case):
        raise NotFound("No case with that reference is available to you.")
    if log_read:
        case_for(request, case_id, log_read=True)
    return case


def reload(case: Case) -> Case:
    """The case as saved, after a service moved it on."""
    return Case.objects.select_related("partnership").get(pk=case.pk)


def rapid_review_visible(request: AuthedRequest, case: Case) -> RapidReview | None:
    """The rapid review, if the reader may read it: the partnership's own people always, the Panel once it was
    sent to the Panel (selectors.rapid_review_for, as the case page)."""
    return selectors.rapid_review_for(user=request.user, case=case)


@contextmanager
def api_field_names(rename: Callable[[str], str]) -> Iterator[None]:
    """Report a service's field errors under the names this API's bodies use (``child_1_name`` is
    ``children.0.name`` here), so a client can put each message beside the field it sent."""
    try:
        yield
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field_errors={rename(k): v for k, v in exc.field_errors.items()}) from exc


def children_input(children: list[ChildIn]) -> list[ChildInput]:
    return [cast(ChildInput, child.dict()) for child in children]


def children_field(name: str) -> str:
    match = re.fullmatch(r"child_(\d+)_(\w+)", name)
    return f"children.{int(match[1]) - 1}.{match[2]}" if match else name


def criteria_field(name: str) -> str:
    match = re.fullmatch(r"criterion_([a-z_]+?)(?:_(answer|reasons))?", name)
    if not match:
        return name
    return f"criteria.{match[1]}" + (f".{match[2]}" if match[2] else "")


# --- building outputs -----------------------------------------------------------------------------------------


def case_out(case: Case) -> CaseOut:
    return CaseOut(**_case_fields(case))


class CaseFields(TypedDict):
    """What ``CaseOut`` and ``CaseDetailOut`` share, from one place."""

    id: int
    reference: str
    pseudonym: str
    partnership: str
    partnership_name: str
    state: CaseStateValue
    state_label: str
    version: int
    sent_to_panel_at: datetime.datetime | None


def _case_fields(case: Case) -> CaseFields:
    return {
        "id": case.pk,
        "reference": case.reference,
        "pseudonym": case.pseudonym,
        "partnership": case.partnership.slug,
        "partnership_name": case.partnership.name,
        "state": cast(CaseStateValue, case.state),  # a CaseState value; django-stubs types the field as str
        "state_label": case.get_state_display(),
        "version": case.version,
        "sent_to_panel_at": case.sent_to_panel_at,
    }


def case_detail_out(request: AuthedRequest, case: Case) -> CaseDetailOut:
    whole = selectors.sees_whole_case(request.user, case)
    referral = Referral.objects.filter(case=case).select_related("referred_by", "referring_organisation").first()
    notification = Notification.objects.filter(case=case).first()
    rr = rapid_review_visible(request, case)
    return CaseDetailOut(
        **_case_fields(case),
        whole_case=whole,
        summary=case.summary if whole else None,
        referral=referral_out(referral) if whole and referral else None,
        notification=notification_out(request, case, notification) if notification else None,
        rapid_review=rapid_review_out(rr) if rr else None,
        decisions=decisions_out(request, case) if rr else [],
    )


def referral_out(referral: Referral) -> ReferralOut:
    return ReferralOut(
        referred_by=referral.referred_by.full_name,
        referring_organisation=referral.referring_organisation.name if referral.referring_organisation else None,
        created_at=referral.created_at,
        incident_date=referral.incident_date,
        what_happened=referral.what_happened,
        who_was_harmed=referral.who_was_harmed,
        agency_knowledge=referral.agency_knowledge,
        why_criteria_met=referral.why_criteria_met,
        outcome=referral.outcome,
        outcome_label=referral.get_outcome_display(),
        outcome_reasons=referral.outcome_reasons,
    )


def child_out(child: Child, whole: bool) -> ChildOut:
    """Pseudonym, age band, sex and legal status for anyone who sees the notification; who the child is only
    for the partnership's own people (DESIGN.md rule 6)."""
    return ChildOut(
        position=child.position,
        pseudonym=child.pseudonym,
        age_band=child.age_band,
        sex=child.sex,
        legal_status=child.legal_status,
        name=child.name if whole else None,
        other_names=child.other_names if whole else None,
        date_of_birth=child.date_of_birth if whole else None,
        ethnicity=child.ethnicity if whole else None,
        disability=child.disability if whole else None,
        la_of_residence=child.la_of_residence if whole else None,
    )


def notification_out(request: AuthedRequest, case: Case, notification: Notification | None = None) -> NotificationOut:
    """The notification: what the Panel was sent for everyone who sees the case (the case page's rows), the
    rest of the form for the partnership's own people."""
    n = notification or Notification.objects.filter(case=case).first()
    if n is None:
        raise NotFound("This case has no notification.")
    whole = selectors.sees_whole_case(request.user, case)
    versions = notification_versions_out(n, whole)
    return NotificationOut(
        version=case.version,
        nature=n.nature,
        abuse_or_neglect=n.abuse_or_neglect,
        incident_date=n.incident_date,
        la_where_happened=n.la_where_happened,
        la_became_aware=n.la_became_aware,
        description=n.description,
        sent_on=n.sent_on,
        panel_reference=n.panel_reference,
        late_reason=n.late_reason,
        children=[child_out(c, whole) for c in case.children.all()],
        incident_time=n.incident_time if whole else None,
        place=n.place if whole else None,
        in_area=n.in_area if whole else None,
        resident_harmed_outside_england=n.resident_harmed_outside_england if whole else None,
        looked_after_child_death=n.looked_after_child_death if whole else None,
        care_leaver_death=n.care_leaver_death if whole else None,
        care_leaver_age=n.care_leaver_age if whole else None,
        agencies_involved=n.agencies_involved if whole else None,
        linked_cases=n.linked_cases if whole else None,
        notifier_name=n.notifier_name if whole else None,
        notifier_role=n.notifier_role if whole else None,
        notifier_email=n.notifier_email if whole else None,
        partners_informed_on=n.partners_informed_on if whole else None,
        corrected_on=versions[-1].recorded_at.date() if versions and versions[-1].correction else None,
        versions=versions,
    )


def notification_versions_out(notification: Notification, whole: bool) -> list[NotificationVersionOut]:
    """What the Panel was notified, version by version (defect 8): the Panel reads the original beside each
    correction. Children's names and who corrected are for the partnership's own people only (rule 6)."""
    result = []
    for v in notification.versions.select_related("recorded_by"):
        fields = v.content.get("fields", {}) if isinstance(v.content, dict) else {}
        children = v.content.get("children", []) if isinstance(v.content, dict) else []
        result.append(
            NotificationVersionOut(
                number=v.number,
                correction=v.is_correction,
                recorded_at=v.recorded_at,
                reason=v.reason,
                recorded_by=(v.recorded_by.full_name if v.recorded_by else None) if whole else None,
                nature=fields.get("nature") or "",
                abuse_or_neglect=fields.get("abuse_or_neglect") or "",
                incident_date=fields.get("incident_date"),
                la_where_happened=fields.get("la_where_happened") or "",
                la_became_aware=fields.get("la_became_aware"),
                description=fields.get("description") or "",
                children=[
                    ChildOut(
                        position=c.get("position", 0),
                        pseudonym=c.get("pseudonym", ""),
                        age_band=c.get("age_band", ""),
                        sex=c.get("sex", ""),
                        legal_status=c.get("legal_status", ""),
                        name=c.get("name") if whole else None,
                        other_names=None,
                        date_of_birth=c.get("date_of_birth") if whole else None,
                        ethnicity=None,
                        disability=None,
                        la_of_residence=None,
                    )
                    for c in children
                ],
            )
        )
    return result


def rapid_review_out(rr: RapidReview) -> RapidReviewOut:
    """The rapid review as written: sections, criteria, chronology and immediate actions. Agency requests and
    their answers are not part of it (the Panel never reads them)."""
    return RapidReviewOut(
        version=rr.version,
        meeting_date=rr.meeting_date,
        good_practice=rr.good_practice,
        learning_so_far=rr.learning_so_far,
        learning_shared=rr.learning_shared,
        family_context=rr.family_context,
        family_views=rr.family_views,
        practitioner_views=rr.practitioner_views,
        criteria={
            code: CriterionAnswerOut(answer=item.get("answer", ""), reasons=item.get("reasons", ""))
            for code, item in (rr.criteria or {}).items()
        },
        recommendation=rr.recommendation,
        recommendation_reasons=rr.recommendation_reasons,
        ready_for_decision_at=rr.ready_for_decision_at,
        sent_on=rr.sent_on,
        episodes=[episode_out(e) for e in rr.case.episodes.all()],
        immediate_actions=[action_out(a) for a in rr.case.immediate_actions.all()],
    )


def episode_out(episode: Episode) -> EpisodeOut:
    return EpisodeOut(
        id=episode.pk,
        date=episode.date,
        agency=episode.agency,
        what_happened=episode.what_happened,
        analysis=episode.analysis,
    )


def action_out(action: ImmediateAction) -> ImmediateActionOut:
    return ImmediateActionOut(id=action.pk, action=action.action, by_whom=action.by_whom, done_on=action.done_on)


def agency_request_out(item: AgencyRequest) -> AgencyRequestOut:
    return AgencyRequestOut(
        id=item.pk,
        case_reference=item.case.reference,
        case_pseudonym=item.case.pseudonym,
        partnership_name=item.case.partnership.name,
        organisation_id=item.organisation_id,
        organisation=item.organisation.name,
        contributor_id=item.contributor_id,
        contributor=item.contributor.full_name,
        due_date=item.due_date,
        # django-stubs types a choice field as str; the model's choices are exactly these values.
        status=cast(AgencyRequestStatusValue, item.status),
        shared_facts=item.shared_facts,
        questions=item.questions,
        response=item.response,
        responded_at=item.responded_at,
    )


def decision_out(decision: Decision, whole: bool, in_full: bool = True) -> DecisionOut:
    """One round; ``in_full`` false (the Panel, on a round after its challenge) leaves out what was not sent
    to it: the votes, the scrutineer's advice and the rationale composed from the votes."""
    return DecisionOut(
        round=decision.round,
        status=cast(DecisionStatusValue, decision.status),
        outcome=decision.outcome,
        method=decision.method,
        rationale=decision.rationale if in_full else None,
        decided_on=decision.decided_on,
        scrutineer_advice=decision.scrutineer_advice if in_full else None,
        kept_or_changed=decision.kept_or_changed,
        justification=decision.justification,
        votes=[
            VoteOut(
                stage=v.stage,
                partner=v.partner,
                option=v.option,
                rationale=v.rationale,
                decision_maker=v.decision_maker.full_name,
            )
            for v in decision.votes.select_related("decision_maker")
        ]
        if in_full
        else None,
        family_communications=[
            FamilyOut(told_on=f.told_on, method=f.method, told_by=f.told_by, notes=f.notes)
            for f in decision.family_communications.all()
        ]
        if whole
        else None,
        panel_responses=[
            PanelResponseOut(
                round=decision.round,
                response=r.response,
                national_review=r.national_review,
                responded_on=r.responded_on,
                reasons=r.reasons,
            )
            for r in decision.panel_responses.all()
        ],
    )


def decisions_out(request: AuthedRequest, case: Case) -> list[DecisionOut]:
    """The rounds the reader may see (selectors.decisions_for): for the Panel only those sent to it."""
    user = request.user
    whole = selectors.sees_whole_case(user, case)
    return [
        decision_out(d, whole, selectors.decision_in_full(user=user, case=case, decision=d))
        for d in selectors.decisions_for(user=user, case=case)
    ]


def current_decision_out(request: AuthedRequest, case: Case) -> DecisionOut:
    decision = Decision.objects.filter(case=case).order_by("-round").first()
    assert decision is not None  # the service that just ran needed one
    user = request.user
    return decision_out(
        decision,
        selectors.sees_whole_case(user, case),
        selectors.decision_in_full(user=user, case=case, decision=decision),
    )


def clocks_out(request: AuthedRequest, case: Case) -> list[ClockOut]:
    """The clocks the reader may see (selectors.clock_rows_for: the Panel reads those of what it is owed)."""
    return [
        ClockOut(
            milestone=row["id"],
            label=row["label"],
            responsible=row["responsible"],
            statutory=row["statutory"],
            status=row["status"],
            status_label=row["status_label"],
            start=row["start"],
            statutory_due=row["statutory_due"],
            effective_due=row["effective_due"],
            met_on=row["met_on"],
            working_days_late=row["clock"].working_days_late,
            working_days_to_go=row["clock"].working_days_to_go,
            lateness=row["lateness"],
            explanation=row["explanation"],
        )
        for row in selectors.clock_rows_for(user=request.user, case=case)
    ]


def attachment_out(attachment: Attachment, whole: bool) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.pk,
        name=attachment.original_name,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        description=attachment.description,
        uploaded_at=attachment.uploaded_at,
        uploaded_by=attachment.uploaded_by.full_name if whole else None,
    )


def history_event_out(event: AuditEvent) -> HistoryEventOut:
    return HistoryEventOut(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor=event.actor.full_name if event.actor else None,
        action=event.action,
        changes=event.changes,
    )


def audit_out(audit: RapidReviewAudit) -> AuditOut:
    return AuditOut(
        id=audit.pk,
        partnership=audit.partnership.slug,
        period_start=audit.period_start,
        period_end=audit.period_end,
        created_at=audit.created_at,
        completed_at=audit.completed_at,
        overall_comment=audit.overall_comment,
        checklist=[ChecklistItemOut(id=key, label=label) for key, label in CHECKLIST],
        items=[
            AuditItemOut(
                id=i.pk,
                case_id=i.case_id,
                case_reference=i.case.reference,
                case_pseudonym=i.case.pseudonym,
                scores=i.scores,
                comment=i.comment,
                scored_at=i.scored_at,
            )
            for i in audit.items.select_related("case")
        ],
    )
