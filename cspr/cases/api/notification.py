"""Screening a referral and the Serious Incident Notification (DOMAIN.md steps 1 and 2)."""

from __future__ import annotations

from cspr.cases import services
from cspr.cases.api.common import (
    REFERRAL,
    answers,
    api_field_names,
    case_for,
    case_out,
    children_field,
    children_input,
    notification_out,
    reload,
    router,
)
from cspr.cases.api.schemas import (
    CaseOut,
    CriterionOut,
    EligibilityOut,
    NotificationCorrectionIn,
    NotificationIn,
    NotificationOut,
    NotificationSentIn,
    ScreeningIn,
)
from cspr.cases.models import Notification
from cspr.cases.rules.eligibility import assess
from cspr.cases.services.notification import NOTIFICATION_FIELDS
from cspr.core.errors import NotFound
from cspr.partnerships.types import AuthedRequest


@router.post(
    "/{int:case_id}/screening",
    response=answers(CaseOut),
    tags=REFERRAL,
    operation_id="referral_screen",
    summary="Screen a referral",
)
def referral_screen(request: AuthedRequest, case_id: int, payload: ScreeningIn) -> CaseOut:
    """The business manager decides, with reasons: a notification (the case moves to `notification` and its
    notification starts from the referral), a multi-agency learning review instead, or no further action.
    A referral is screened once (then 409)."""
    case = case_for(request, case_id)
    services.referral_screen(
        actor=request.user, case=case, outcome=payload.outcome, reasons=payload.reasons, request=request
    )
    return case_out(reload(case))


@router.get(
    "/{int:case_id}/notification",
    response=answers(NotificationOut),
    tags=REFERRAL,
    operation_id="notification_get",
    summary="The notification",
)
def notification_get(request: AuthedRequest, case_id: int) -> NotificationOut:
    """Everyone who sees the case reads what the Panel was sent; the partnership's own people also read the
    rest of the form and who the children are. `version` is the one to send back with PUT. The read is
    audited."""
    return notification_out(request, case_for(request, case_id, log_read=True))


@router.put(
    "/{int:case_id}/notification",
    response=answers(NotificationOut),
    tags=REFERRAL,
    operation_id="notification_update",
    summary="Record the notification's details and children",
)
def notification_update(request: AuthedRequest, case_id: int, payload: NotificationIn) -> NotificationOut:
    """Replaces every detail and the children (at most 4) while the case is at `notification`, before it is
    sent; once sent, a change is a correction (POST .../notification/corrections) and PUT answers 409.
    Business managers only. Send the `version` you read: if someone saved since, nothing is saved and the
    answer is 409. Broken rules come back as 422 with `field_errors` keyed by the body's field names
    (`la_became_aware`, `children.0.date_of_birth`), each saying how to fix it."""
    case = case_for(request, case_id)
    data = payload.dict()
    with api_field_names(children_field):
        services.notification_update(
            actor=request.user,
            case=case,
            version=payload.version,
            fields={name: data[name] for name in NOTIFICATION_FIELDS},
            children=children_input(payload.children),
            summary=payload.summary,
            request=request,
        )
    return notification_out(request, reload(case))


@router.post(
    "/{int:case_id}/notification/corrections",
    response=answers(NotificationOut, 201),
    tags=REFERRAL,
    operation_id="notification_correct",
    summary="Correct the notification after it was sent to the Panel",
)
def notification_correct(
    request: AuthedRequest, case_id: int, payload: NotificationCorrectionIn
) -> tuple[int, NotificationOut]:
    """Once sent, the notification is not edited (PUT answers 409): a correction is kept as a new, dated
    version with who made it and `reason`, the Panel is told ("corrected on"), and the notification as first
    sent stays readable in `versions`. The body is every detail as it should have been, as for PUT. While the
    case is at `rapid_review`; business managers only. Send the `version` you read (409 if stale)."""
    case = case_for(request, case_id)
    data = payload.dict()
    with api_field_names(children_field):
        services.notification_correct(
            actor=request.user,
            case=case,
            version=payload.version,
            fields={name: data[name] for name in NOTIFICATION_FIELDS},
            children=children_input(payload.children),
            reason=payload.reason,
            request=request,
        )
    return 201, notification_out(request, reload(case))


@router.get(
    "/{int:case_id}/notification/eligibility",
    response=answers(EligibilityOut),
    tags=REFERRAL,
    operation_id="notification_eligibility",
    summary="Is the incident notifiable, and what follows?",
)
def notification_eligibility(request: AuthedRequest, case_id: int) -> EligibilityOut:
    """Criterion by criterion from the notification's answers (Children Act 2004 s16C; Working Together 2023
    ch.5): a serious child safeguarding case, the death of a looked-after child or of a care leaver, or not
    notifiable. Unanswered questions leave it incomplete, never guessed."""
    case = case_for(request, case_id)
    notification = Notification.objects.filter(case=case).first()
    if notification is None:
        raise NotFound("This case has no notification.")
    result = assess(notification, list(case.children.all()))
    return EligibilityOut(
        notifiable=result.notifiable,
        rapid_review_needed=result.rapid_review_needed,
        complete=result.complete,
        route=result.route,
        what_follows=result.what_follows,
        criteria=[CriterionOut(label=c.label, met=c.met, explanation=c.explanation) for c in result.criteria],
    )


@router.post(
    "/{int:case_id}/notification/sent",
    response=answers(CaseOut),
    tags=REFERRAL,
    operation_id="notification_record_sent",
    summary="Record the notification as sent to the Panel",
)
def notification_record_sent(request: AuthedRequest, case_id: int, payload: NotificationSentIn) -> CaseOut:
    """From then the Panel sees the case. If a rapid review is needed the case moves to `rapid_review` and its
    15-working-day clock starts; if not, the case is closed. Sent after the 5-working-day due date, it needs a
    `late_reason`. Business managers only."""
    case = case_for(request, case_id)
    services.notification_record_sent(
        actor=request.user,
        case=case,
        sent_on=payload.sent_on,
        panel_reference=payload.panel_reference,
        partners_informed_on=payload.partners_informed_on,
        late_reason=payload.late_reason,
        request=request,
    )
    return case_out(reload(case))
