"""Writing and checking the audit chain. Services call ``audit_record`` inside their own transaction, so the
event and the change it describes are committed together or not at all (DESIGN.md rule 2)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.models import AuditChainHead, AuditEvent
from cspr.core import registry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    # Annotations only: partnerships' services write through this module, so it never imports them back.
    from cspr.partnerships.models import Partnership, User

GENESIS_HASH = "0" * 64


def _key() -> bytes:
    return settings.AUDIT_HMAC_KEY.encode("utf-8")


def _canonical(
    *,
    seq: int,
    occurred_at: datetime.datetime,
    actor_id: int | None,
    action: str,
    partnership_id: int | None,
    object_type: str,
    object_id: str,
    changes: dict[str, Any] | None,
    ip_address: str | None,
) -> bytes:
    body = {
        "seq": seq,
        "at": occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "action": action,
        "partnership": partnership_id,
        "object_type": object_type,
        "object_id": object_id,
        "changes": changes,
        "ip": ip_address,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def _chain_hash(prev_hash: str, content: bytes) -> str:
    return hmac.new(_key(), prev_hash.encode("ascii") + b"\n" + content, hashlib.sha256).hexdigest()


def _event_hash(event: AuditEvent, prev_hash: str) -> str:
    return _chain_hash(
        prev_hash,
        _canonical(
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            action=event.action,
            partnership_id=event.partnership_id,
            object_type=event.object_type,
            object_id=event.object_id,
            changes=event.changes,
            ip_address=event.ip_address,
        ),
    )


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _plain(value: Any) -> Any:
    """Make before/after values JSON-safe and stable (dates as ISO text, models as their primary key)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    partnership: Partnership | int | None = None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction (it opens one if not)."""
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    changes: dict[str, Any] | None = None
    if before is not None or after is not None or detail is not None:
        changes = {}
        if before is not None:
            changes["before"] = _plain(before)
        if after is not None:
            changes["after"] = _plain(after)
        if detail is not None:
            changes["detail"] = _plain(detail)
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", True) else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        seq = head.last_seq + 1
        occurred_at = timezone.now()
        event = AuditEvent(
            seq=seq,
            occurred_at=occurred_at,
            actor_id=actor_id,
            action=action,
            partnership_id=getattr(partnership, "pk", partnership),
            object_type=object_type,
            object_id=str(object_id),
            changes=changes,
            ip_address=client_ip(request),
            prev_hash=head.last_hash,
        )
        event.hash = _event_hash(event, head.last_hash)
        event.save(force_insert=True)
        head.last_seq = seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
        # Later apps learn of the write here, in its transaction (a registry hook, not a signal): the task
        # e-mails are arranged for after the commit of a write that gives someone a task (issue 12).
        registry.written(
            registry.WrittenEvent(
                action=action,
                actor_id=actor_id,
                partnership_id=event.partnership_id,
                object_type=object_type,
                object_id=str(object_id),
            )
        )
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def _events_in_order() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def audit_verify() -> VerifyResult:
    """Walk the chain from the first event and report the first one that was altered, deleted or inserted."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in _events_in_order():
        if event.seq != expected_seq:
            if event.seq > expected_seq:
                return VerifyResult(False, checked, expected_seq, f"event #{expected_seq} is missing (deleted)")
            return VerifyResult(False, checked, event.seq, f"event #{event.seq} is out of sequence (inserted)")
        if event.prev_hash != prev_hash:
            return VerifyResult(
                False,
                checked,
                event.seq,
                f"event #{event.seq} does not follow the event before it (inserted or deleted)",
            )
        if not hmac.compare_digest(_event_hash(event, prev_hash), event.hash):
            return VerifyResult(False, checked, event.seq, f"event #{event.seq} was altered: its hash does not match")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None and checked:
        return VerifyResult(False, checked, checked, "the chain's head record is missing")
    if head is not None and (head.last_seq != checked or head.last_hash != prev_hash):
        if head.last_seq > checked:
            return VerifyResult(
                False,
                checked,
                checked + 1,
                f"event #{checked + 1} is missing: the chain should end at #{head.last_seq}",
            )
        return VerifyResult(False, checked, head.last_seq + 1, f"event #{head.last_seq + 1} was inserted after the end")
    return VerifyResult(True, checked)
