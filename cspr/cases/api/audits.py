"""Periodic audits of recent rapid reviews for the assurance group (DOMAIN.md step 12): were decisions sound
and rationales clear? Business managers sample and score; auditors and scrutineers read."""

from __future__ import annotations

from cspr.cases import selectors, services
from cspr.cases.api.common import AUDITS, answers, api_field_names, audit_out, router
from cspr.cases.api.schemas import AuditIn, AuditOut, AuditSummaryOut, CompleteIn, ScoresIn
from cspr.cases.models import RapidReviewAuditItem
from cspr.core.errors import NotFound
from cspr.partnerships.selectors import partnership_get
from cspr.partnerships.types import AuthedRequest


@router.get(
    "/rr-audits",
    response=answers(list[AuditSummaryOut]),
    tags=AUDITS,
    operation_id="rr_audits_list",
    summary="Rapid review audits of your partnerships",
)
def rr_audits_list(request: AuthedRequest) -> list[AuditSummaryOut]:
    """For business managers, auditors and scrutineers of the partnership."""
    return [
        AuditSummaryOut(
            id=a.pk,
            partnership=a.partnership.slug,
            period_start=a.period_start,
            period_end=a.period_end,
            created_at=a.created_at,
            completed_at=a.completed_at,
        )
        for a in selectors.rr_audits_for_user(user=request.user)
    ]


@router.post(
    "/rr-audits",
    response=answers(AuditOut, 201),
    tags=AUDITS,
    operation_id="rr_audit_create",
    summary="Sample the rapid reviews of a period for audit",
)
def rr_audit_create(request: AuthedRequest, payload: AuditIn) -> tuple[int, AuditOut]:
    """Samples at random among the rapid reviews sent to the Panel in the period (all of them when there are
    fewer than `sample_size`). Business managers only."""
    partnership = partnership_get(user=request.user, slug=payload.partnership)
    audit = services.rr_audit_create(
        actor=request.user,
        partnership=partnership,
        period_start=payload.period_start,
        period_end=payload.period_end,
        sample_size=payload.sample_size,
        request=request,
    )
    return 201, audit_out(audit)


@router.get(
    "/rr-audits/{int:audit_id}",
    response=answers(AuditOut),
    tags=AUDITS,
    operation_id="rr_audit_get",
    summary="One rapid review audit, its checklist and its scores",
)
def rr_audit_get(request: AuthedRequest, audit_id: int) -> AuditOut:
    """The checklist lists the items each sampled review is scored against."""
    return audit_out(selectors.rr_audit_get(user=request.user, audit_id=audit_id))


@router.post(
    "/rr-audits/{int:audit_id}/items/{int:item_id}/scores",
    response=answers(AuditOut),
    tags=AUDITS,
    operation_id="rr_audit_score",
    summary="Score one sampled rapid review against the checklist",
)
def rr_audit_score(request: AuthedRequest, audit_id: int, item_id: int, payload: ScoresIn) -> AuditOut:
    """Every checklist item is scored met, partly or not_met; scoring again replaces the scores until the audit
    is complete (then 409)."""
    audit = selectors.rr_audit_get(user=request.user, audit_id=audit_id)
    item = RapidReviewAuditItem.objects.filter(audit=audit, pk=item_id).select_related("audit__partnership").first()
    if item is None:
        raise NotFound("No such rapid review in this audit.")
    with api_field_names(lambda name: "scores." + name.removeprefix("score_") if name.startswith("score_") else name):
        services.rr_audit_score(
            actor=request.user,
            item=item,
            scores={str(k): str(v) for k, v in payload.scores.items()},
            comment=payload.comment,
            request=request,
        )
    return audit_out(audit)


@router.post(
    "/rr-audits/{int:audit_id}/complete",
    response=answers(AuditOut),
    tags=AUDITS,
    operation_id="rr_audit_complete",
    summary="Complete an audit once every sampled review is scored",
)
def rr_audit_complete(request: AuthedRequest, audit_id: int, payload: CompleteIn) -> AuditOut:
    """After this the scores can no longer change."""
    audit = selectors.rr_audit_get(user=request.user, audit_id=audit_id)
    services.rr_audit_complete(
        actor=request.user, audit=audit, overall_comment=payload.overall_comment, request=request
    )
    return audit_out(audit)
