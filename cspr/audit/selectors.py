"""Reads of the audit trail, scoped by the caller (DESIGN.md rule 1)."""

from __future__ import annotations

from django.db.models import QuerySet

from cspr.audit.models import AuditEvent


def audit_events_for_object(*, object_type: str, object_ids: list[str]) -> QuerySet[AuditEvent]:
    """Events about the given objects. Callers first check, through their own selector, that the user may
    see the object; this function does not widen access."""
    return (
        AuditEvent.objects.filter(object_type=object_type, object_id__in=object_ids)
        .select_related("actor")
        .order_by("-seq")
    )
