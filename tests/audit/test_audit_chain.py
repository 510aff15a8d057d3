"""The audit chain catches an altered, a deleted and an inserted event, and `cspr audit verify` says which."""

from __future__ import annotations

import itertools
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from cspr.audit.models import AuditChainHead, AuditEvent
from cspr.audit.services import audit_record, audit_verify
from cspr.audit.triggers import append_only_suspended
from cspr.core.crypto import encrypt_text


@pytest.fixture
def chain(db, make_user):
    actor = make_user()
    for i in range(5):
        audit_record(actor=actor, action="case.viewed", object_type="cases.case", object_id=str(i), after={"n": i})
    return actor


def _raw(sql: str, params: list) -> None:
    # Tampering as a database administrator would: with the append-only trigger out of the way.
    with transaction.atomic(), append_only_suspended(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_intact_chain_verifies(chain):
    result = audit_verify()
    assert result.ok and result.checked == 5
    call_command("audit", "verify")


def test_events_are_chained_to_the_previous_hash(chain):
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash


def test_database_refuses_to_update_an_audit_event(chain):
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(action="case.edited")


def test_altered_event_is_named(chain):
    # Alter the encrypted before/after of event 3 with a validly encrypted but different value.
    _raw(
        "UPDATE audit_auditevent SET changes = %s WHERE seq = 3",
        [encrypt_text(json.dumps({"after": {"n": 99}}))],
    )
    result = audit_verify()
    assert not result.ok
    assert result.first_bad_seq == 3
    assert "altered" in result.problem
    with pytest.raises(CommandError, match="#3"):
        call_command("audit", "verify")


def test_altered_action_is_named(chain):
    _raw("UPDATE audit_auditevent SET action = %s WHERE seq = 2", ["case.nothing"])
    assert audit_verify().first_bad_seq == 2


def test_deleted_event_is_named(chain):
    _raw("DELETE FROM audit_auditevent WHERE seq = 4", [])
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == 4
    assert "missing" in result.problem


def test_deleted_last_event_is_caught_by_the_chain_head(chain):
    _raw("DELETE FROM audit_auditevent WHERE seq = 5", [])
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == 5


def test_inserted_event_is_named(chain):
    # An attacker renumbers events 4-5 to 5-6 and slips a forged event in as 4, with a plausible hash.
    forged = AuditEvent.objects.get(seq=3)
    _raw("UPDATE audit_auditevent SET seq = seq + 100 WHERE seq >= 4", [])
    _raw("UPDATE audit_auditevent SET seq = seq - 99 WHERE seq >= 100", [])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (seq, occurred_at, actor_id, action, partnership_id, object_type, object_id,"
            " changes, ip_address, prev_hash, hash) VALUES (4, %s, NULL, 'case.deleted', NULL, '', '', NULL, NULL, %s, %s)",
            [forged.occurred_at, forged.hash, "f" * 64],
        )
    AuditChainHead.objects.filter(pk=1).update(last_seq=6)
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == 4


def test_inserted_event_after_the_end_is_caught(chain):
    last = AuditEvent.objects.get(seq=5)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (seq, occurred_at, actor_id, action, partnership_id, object_type, object_id,"
            " changes, ip_address, prev_hash, hash) VALUES (6, %s, NULL, 'case.viewed', NULL, '', '', NULL, NULL, %s, %s)",
            [last.occurred_at, last.hash, "0" * 64],
        )
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == 6


def test_cspr_audit_verify_exits_non_zero_and_names_the_event(tmp_path):
    """End to end through the `cspr` command on its own embedded database."""
    import os
    import sqlite3
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"CSPR_VAR_DIR": str(tmp_path), "CSPR_ENV": "development"})

    def cspr(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cspr", *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    assert cspr("migrate", "-v0").returncode == 0
    assert cspr("demo", "--quiet").returncode == 0
    ok = cspr("audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout
    db = sqlite3.connect(tmp_path / "cspr.sqlite3")
    db.execute("DROP TRIGGER audit_event_no_update")
    db.execute("UPDATE audit_auditevent SET action = 'user.created' WHERE seq = 7")
    db.commit()
    db.close()
    broken = cspr("audit", "verify")
    assert broken.returncode != 0
    assert "#7" in broken.stderr
