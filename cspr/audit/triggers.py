"""Suspending the append-only trigger for the one sanctioned rewrite of audit rows: key rotation, which
changes the ciphertext of ``changes`` but not its plain text, so every HMAC in the chain still verifies."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_SQLITE_CREATE = """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"""


@contextmanager
def append_only_suspended() -> Iterator[None]:
    """Use inside a transaction: the trigger is back in place when the transaction commits."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET LOCAL cspr.audit_maintenance = 'on'")
        elif vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("SET LOCAL cspr.audit_maintenance = 'off'")
            elif vendor == "sqlite":
                cursor.execute(_SQLITE_CREATE)
