"""Periodic audit of recent rapid reviews for the assurance group (DOMAIN.md step 12): were decisions sound
and rationales clear?"""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.cases.models import Case, RapidReviewAudit, RapidReviewAuditItem
from cspr.cases.services.common import raise_if
from cspr.core.errors import IllegalTransition, NotFound
from cspr.partnerships.models import Partnership, User
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for

CHECKLIST: list[tuple[str, str]] = [
    ("facts_gathered", "The facts were gathered as far as they could readily be established"),
    ("immediate_safety", "Immediate action to keep children safe was considered and taken"),
    ("criteria_reasoned", "Each regulation 11 criterion was answered with reasons"),
    ("rationale_clear", "The decision's rationale is clear"),
    ("family_told", "The family was told of the decision and its reasons"),
    ("on_time", "The rapid review reached the Panel within 15 working days"),
]
SCORES = {"met": "Met", "partly": "Partly met", "not_met": "Not met"}


def _require_manager(actor: User, partnership: Partnership) -> None:
    if not access_for(actor).has_role(partnership.pk, Role.BUSINESS_MANAGER):
        raise NotFound("No partnership with that address is available to you.")


def rr_audit_create(
    *,
    actor: User,
    partnership: Partnership,
    period_start: datetime.date,
    period_end: datetime.date,
    sample_size: int,
    request: HttpRequest | None = None,
) -> RapidReviewAudit:
    """Sample rapid reviews sent to the Panel in the period (all of them when there are fewer)."""
    _require_manager(actor, partnership)
    errors: dict[str, str] = {}
    if period_end < period_start:
        errors["period_end"] = "The end of the period must be on or after its start"
    if not 1 <= sample_size <= 50:
        errors["sample_size"] = "Sample between 1 and 50 rapid reviews"
    raise_if(errors, "There is a problem with the audit.")
    candidates = list(
        Case.objects.filter(
            partnership=partnership, rapid_review__sent_on__gte=period_start, rapid_review__sent_on__lte=period_end
        ).order_by("pk")
    )
    if not candidates:
        raise_if({"period_start": "No rapid reviews were sent to the Panel in this period"})
    rng = secrets.SystemRandom()
    sample = candidates if len(candidates) <= sample_size else rng.sample(candidates, sample_size)
    with transaction.atomic():
        audit = RapidReviewAudit.objects.create(
            partnership=partnership, period_start=period_start, period_end=period_end, created_by=actor
        )
        for case in sorted(sample, key=lambda c: c.pk):
            RapidReviewAuditItem.objects.create(audit=audit, case=case)
        audit_record(
            actor=actor,
            action="rr_audit.created",
            partnership=partnership,
            target=audit,
            after={"period": [period_start, period_end], "sampled": [c.pk for c in sample]},
            request=request,
        )
    return audit


def rr_audit_score(
    *,
    actor: User,
    item: RapidReviewAuditItem,
    scores: dict[str, str],
    comment: str = "",
    request: HttpRequest | None = None,
) -> RapidReviewAuditItem:
    _require_manager(actor, item.audit.partnership)
    if item.audit.completed_at is not None:
        raise IllegalTransition("This audit is complete; its scores can no longer change.")
    errors = {
        f"score_{key}": "Choose met, partly met or not met" for key, _ in CHECKLIST if scores.get(key) not in SCORES
    }
    raise_if(errors, "Score every item of the checklist.")
    with transaction.atomic():
        item.scores = {key: scores[key] for key, _ in CHECKLIST}
        item.comment = comment.strip()
        item.scored_by = actor
        item.scored_at = timezone.now()
        item.save()
        audit_record(
            actor=actor,
            action="rr_audit.scored",
            partnership=item.audit.partnership,
            target=item.audit,
            after={"case": item.case_id, "scores": item.scores},
            request=request,
        )
    return item


def rr_audit_complete(
    *, actor: User, audit: RapidReviewAudit, overall_comment: str = "", request: HttpRequest | None = None
) -> RapidReviewAudit:
    _require_manager(actor, audit.partnership)
    if audit.items.filter(scored_at__isnull=True).exists():
        raise_if({"overall_comment": "Score every sampled rapid review before completing the audit"})
    with transaction.atomic():
        audit.overall_comment = overall_comment.strip()
        audit.completed_at = timezone.now()
        audit.save(update_fields=["overall_comment", "completed_at"])
        audit_record(
            actor=actor, action="rr_audit.completed", partnership=audit.partnership, target=audit, request=request
        )
    return audit
