"""Personal data is encrypted at rest with rotating keys; `cspr rotate-keys` re-encrypts everything."""

from __future__ import annotations

import datetime

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from cspr.audit.models import AuditEvent
from cspr.audit.services import audit_verify
from cspr.cases.models import Case, Child
from cspr.cases.services import case_open
from cspr.core.crypto import DecryptionError
from cspr.partnerships.roles import Role


@pytest.fixture
def case(make_user, make_partnership):
    partnership = make_partnership()
    manager = make_user(Role.BUSINESS_MANAGER, partnership)
    return case_open(
        actor=manager,
        partnership=partnership,
        pseudonym="Child K",
        summary="Narrative about Kieran",
        children=[{"name": "Kieran Example", "other_names": "Kez", "date_of_birth": datetime.date(2023, 3, 14)}],
    )


def _raw(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.mark.django_db
def test_child_name_birth_date_and_narrative_are_not_stored_in_clear(case):
    name, other, dob = _raw("SELECT name, other_names, date_of_birth FROM cases_child")[0]
    summary = _raw("SELECT summary FROM cases_case")[0][0]
    for stored in (name, other, dob, summary):
        assert stored.startswith("gAAAA")  # a Fernet token
    assert "Kieran" not in name + other + summary and "2023-03-14" not in dob
    child = Child.objects.get()
    assert child.name == "Kieran Example" and child.date_of_birth == datetime.date(2023, 3, 14)
    assert Case.objects.get().summary == "Narrative about Kieran"


@pytest.mark.django_db
def test_rotate_keys_re_encrypts_with_the_new_key_so_the_old_one_can_go(case, settings):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    before = _raw("SELECT name FROM cases_child")[0][0]
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        call_command("rotate_keys")
    after = _raw("SELECT name FROM cases_child")[0][0]
    assert after != before
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        child = Child.objects.get()
        assert child.name == "Kieran Example" and child.date_of_birth == datetime.date(2023, 3, 14)
        assert Case.objects.get().summary == "Narrative about Kieran"
        # Audit events' before/after were re-encrypted too, and the chain still verifies.
        assert audit_verify().ok
        # The rotation is itself on the record, with counts and no key material.
        rotated = AuditEvent.objects.filter(action="encryption.keys_rotated").get()
        assert rotated.changes["detail"]["rows"] >= 2
        assert old not in str(rotated.changes) and new not in str(rotated.changes)
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]), pytest.raises(DecryptionError):
        Child.objects.get()


@pytest.mark.django_db
def test_rotate_keys_stops_and_names_a_value_no_key_opens(case):
    from django.core.management.base import CommandError

    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]),
        pytest.raises(CommandError, match="cannot be decrypted"),
    ):
        call_command("rotate_keys")


def test_cspr_rotate_keys_command_runs_from_the_command_line(tmp_path):
    """`cspr rotate-keys` (the spelling in the docs) reaches the command, on its own embedded database."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"CSPR_VAR_DIR": str(tmp_path), "CSPR_ENV": "development"})

    def run(*a):
        return subprocess.run(
            [sys.executable, "-m", "cspr", *a],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    assert run("migrate", "-v0").returncode == 0
    result = run("rotate-keys")
    assert result.returncode == 0, result.stderr
    assert "re-encrypted with the first key" in result.stdout


# --- Attachment files -----------------------------------------------------------------------------------------


@pytest.fixture
def media(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def attachment(case, media):
    from cspr.cases.services.attachments import attachment_add

    manager = case.partnership.memberships.get(role=Role.BUSINESS_MANAGER).user
    return attachment_add(actor=manager, case=case, name="strategy-minutes.pdf", data=PDF)


@pytest.mark.django_db
def test_rotate_keys_re_encrypts_attachment_files_so_they_download_after_the_old_key_is_gone(
    attachment, media, settings
):
    from tests.conftest import verified_client

    old = settings.FIELD_ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    stored = media / attachment.storage_name
    before = stored.read_bytes()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        call_command("rotate_keys")
        rotated = stored.read_bytes()
        assert rotated != before and Fernet(new.encode()).decrypt(rotated) == PDF
        call_command("rotate_keys")  # a second run finds the file under the first key and leaves it alone
        assert stored.read_bytes() == rotated
    assert [p.name for p in stored.parent.iterdir()] == [stored.name]  # no temporary file left beside it
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        manager = attachment.case.partnership.memberships.get(role=Role.BUSINESS_MANAGER).user
        download = verified_client(manager).get(f"/cases/{attachment.case_id}/attachments/{attachment.pk}/")
        assert download.status_code == 200 and download.content == PDF


@pytest.mark.django_db
def test_a_failed_file_rotation_leaves_the_old_file_readable(attachment, media, settings, monkeypatch):
    from cspr.cases.services import attachments

    old = settings.FIELD_ENCRYPTION_KEYS[0]
    stored = media / attachment.storage_name
    before = stored.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(attachments.os, "replace", disk_full)
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode(), old]), pytest.raises(OSError):
        call_command("rotate_keys")
    assert stored.read_bytes() == before
    assert [p.name for p in stored.parent.iterdir()] == [stored.name]
    assert attachments.attachment_read(attachment) == PDF


@pytest.mark.django_db
def test_rotate_keys_stops_and_names_an_attachment_no_key_opens(attachment, media, settings):
    from django.core.management.base import CommandError

    old = settings.FIELD_ENCRYPTION_KEYS[0]
    (media / attachment.storage_name).write_bytes(Fernet(Fernet.generate_key()).encrypt(PDF))
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode(), old]),
        pytest.raises(CommandError, match=f"attachment {attachment.pk} "),
    ):
        call_command("rotate_keys")
