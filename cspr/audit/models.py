"""Append-only, hash-chained audit events (DESIGN.md: audit/; issue: "Audit").

Each event holds an HMAC, keyed with ``AUDIT_HMAC_KEY`` (kept outside the database), over its own content
and the previous event's hash. Altering, deleting or inserting an event breaks the chain at that point, and
``cspr audit verify`` names the first bad event. Database triggers refuse UPDATE and DELETE as a second wall.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cspr.core.fields import EncryptedJSONField


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True, help_text="Position in the chain, from 1, without gaps.")
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=80, help_text="What happened, e.g. case.viewed, membership.removed")
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    # Before/after values may name a child, so they are encrypted; the HMAC covers their plain text, so
    # rotating the encryption key does not break the chain.
    changes = EncryptedJSONField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["partnership", "occurred_at"], name="audit_partnership_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditChainHead(models.Model):
    """One row: the last sequence number and hash. Appending locks it, so events are chained in order even
    with many app servers on PostgreSQL; deleting the newest events is caught because the head remembers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head at #{self.last_seq}"
