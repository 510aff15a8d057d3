"""`cspr backup` and `cspr restore` (cspr/core/backup.py): a round trip of the demo gives the same records, files
and an audit chain that verifies; a restore over data without --force, a damaged archive, other keys and the
other vendor are refused with exit status 2 and nothing changed.

The commands run in subprocesses against their own var directory (a file database for SQLite, scratch databases
for PostgreSQL), since the test database is in memory and a restore replaces a whole database.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

KEYS = {
    "SECRET_KEY": "backup-test-secret-key-" + "k" * 40,
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "AUDIT_HMAC_KEY": "backup-test-audit-hmac-key-" + "h" * 20,
}

# Every model's rows as values, ordered by pk, printed as JSON (the encrypted fields decrypted with the keys).
DUMP = """
import json, os, django
django.setup()
from django.apps import apps
def plain(value):
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return str(value)
rows = {}
for model in apps.get_models(include_auto_created=True):
    rows[model._meta.label] = [list(r) for r in model._base_manager.order_by("pk").values_list()]
print(json.dumps(rows, default=plain, sort_keys=True))
"""


@dataclass
class Site:
    """One installation: its var directory and, on PostgreSQL, its database."""

    var: Path
    database_url: str | None

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "CSPR_ENV", "DEBUG", "CSPR_MEDIA_ROOT", *KEYS}
        }
        env.update(KEYS, CSPR_ENV="test", CSPR_VAR_DIR=str(self.var), DJANGO_SETTINGS_MODULE="cspr.settings")
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update(extra)
        return env

    def cspr(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cspr", *args],
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def rows(self) -> dict[str, list[list[object]]]:
        result = subprocess.run(
            [sys.executable, "-c", DUMP], env=self.env(), capture_output=True, text=True, timeout=120, check=False
        )
        assert result.returncode == 0, result.stderr
        rows: dict[str, list[list[object]]] = json.loads(result.stdout)
        return rows

    def files(self) -> dict[str, bytes]:
        root = self.var / "files"
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@dataclass
class Trip:
    origin: Site
    restored: Site
    empty: Site
    archive: Path
    restore_output: str
    rows: dict[str, list[list[object]]]


def _postgres_admin_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    return url.rsplit("/", 1)[0]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def trip(request, tmp_path_factory):
    """The demo loaded into one site, backed up, and restored into a second, empty one."""
    tmp = tmp_path_factory.mktemp(f"backup-{request.param}")
    created: list[str] = []
    admin = None
    if request.param == "postgresql":
        server = _postgres_admin_url()
        if server is None:
            pytest.skip("PostgreSQL round trip runs when DATABASE_URL names a PostgreSQL server")
        import psycopg

        admin = psycopg.connect(server + "/postgres", autocommit=True)
        for _ in range(3):
            name = f"cspr_backup_{uuid.uuid4().hex[:10]}"
            admin.execute(f'CREATE DATABASE "{name}"')
            created.append(name)
        urls: list[str | None] = [f"{server}/{name}" for name in created]
    else:
        urls = [None, None, None]
    try:
        origin, restored, empty = (Site(tmp / n, u) for n, u in zip(("a", "b", "c"), urls, strict=True))
        for site in (origin, restored, empty):
            site.var.mkdir()
        migrate = origin.cspr("migrate", "-v0")
        assert migrate.returncode == 0, migrate.stderr
        demo = origin.cspr("demo", "--quiet")
        assert demo.returncode == 0, demo.stderr
        # The demo uploads no attachment: add encrypted-looking files as an upload leaves them.
        attachments = origin.var / "files" / "attachments" / "1"
        attachments.mkdir(parents=True)
        (attachments / "a1b2c3").write_bytes(
            Fernet(KEYS["FIELD_ENCRYPTION_KEYS"]).encrypt(b"%PDF-1.7 PLAINTEXT-FILE-SENTINEL")
        )
        (attachments / "d4e5f6").write_bytes(os.urandom(70_000))
        archive = tmp / "cspr-backup.tar"
        backup = origin.cspr("backup", str(archive))
        assert backup.returncode == 0, backup.stderr
        restore = restored.cspr("restore", str(archive))
        assert restore.returncode == 0, restore.stdout + restore.stderr
        yield Trip(origin, restored, empty, archive, restore.stdout, origin.rows())
    finally:
        if admin is not None:
            for name in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


def test_a_round_trip_gives_identical_records_files_and_a_chain_that_verifies(trip):
    before, after = trip.rows, trip.restored.rows()
    assert sum(len(rows) for rows in before.values()) > 200
    assert before["cases.Case"] and before["audit.AuditEvent"]
    assert after == before
    assert trip.restored.files() == trip.origin.files()
    assert len(trip.origin.files()) == 2
    assert "Audit chain intact" in trip.restore_output
    assert trip.restored.cspr("audit", "verify").returncode == 0


def test_the_archive_is_private_and_holds_no_keys(trip):
    assert trip.archive.stat().st_mode & 0o777 == 0o600
    raw = trip.archive.read_bytes()
    for value in KEYS.values():
        assert value.encode() not in raw
    with tarfile.open(trip.archive) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        names = set(archive.getnames())
    assert manifest["keys_included"] is False and "No keys" in manifest["keys_note"]
    assert manifest["vendor"] == ("postgresql" if trip.origin.database_url else "sqlite")
    assert "audit.0003_append_only_triggers" in manifest["migrations"]
    assert names == {"manifest.json", *manifest["members"]}
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())
    # Encrypted files are copied as ciphertext.
    assert b"PLAINTEXT-FILE-SENTINEL" not in raw


def test_restoring_over_data_without_force_is_refused_and_changes_nothing(trip):
    # The restored site holds the demo (the round trip): trip.rows are its records.
    before_files = trip.restored.files()
    result = trip.restored.cspr("restore", str(trip.archive))
    assert result.returncode == 2
    message = result.stderr.strip()
    assert "not empty" in message and "--force" in message and len(message.splitlines()) == 1
    assert trip.restored.rows() == trip.rows and trip.restored.files() == before_files


def _tampered(archive: Path, target: Path, member: str) -> Path:
    """A copy of ``archive`` with one byte of ``member``'s data changed (the manifest left as it was)."""
    raw = bytearray(archive.read_bytes())
    with tarfile.open(archive) as tar:
        info = tar.getmember(member)
    raw[info.offset_data + info.size // 2] ^= 0xFF
    target.write_bytes(bytes(raw))
    return target


@pytest.mark.parametrize("damage", ["database", "file", "truncated"])
def test_a_damaged_archive_is_refused_with_one_line_even_with_force(trip, tmp_path, damage):
    database = "database.pgdump" if trip.origin.database_url else "database.sqlite3"
    if damage == "database":
        bad = _tampered(trip.archive, tmp_path / "bad.tar", database)
    elif damage == "file":
        bad = _tampered(trip.archive, tmp_path / "bad.tar", "files/attachments/1/d4e5f6")
    else:
        bad = tmp_path / "bad.tar"
        bad.write_bytes(trip.archive.read_bytes()[: trip.archive.stat().st_size // 2])
    # The restored site holds the demo (the round trip): trip.rows are its records.
    before_files = trip.restored.files()
    result = trip.restored.cspr("restore", "--force", str(bad))
    assert result.returncode == 2, result.stdout + result.stderr
    message = result.stderr.strip()
    assert "not an intact cspr backup" in message and "nothing was changed" in message
    assert len(message.splitlines()) == 1
    assert trip.restored.rows() == trip.rows and trip.restored.files() == before_files


def test_a_backup_taken_with_other_keys_is_refused(trip):
    other = Fernet.generate_key().decode()
    result = trip.empty.cspr("restore", str(trip.archive), FIELD_ENCRYPTION_KEYS=other)
    assert result.returncode == 2
    assert "other keys" in result.stderr and "FIELD_ENCRYPTION_KEYS" in result.stderr
    assert not (trip.empty.var / "files").exists() or not any((trip.empty.var / "files").iterdir())


def test_force_replaces_the_data_and_keeps_the_old_files_beside(trip, tmp_path):
    # A site with its own data: a copy of the restored one, with one record more.
    site = trip.restored if trip.restored.database_url else Site(tmp_path / "copy", None)
    if site is not trip.restored:
        shutil.copytree(trip.restored.var, site.var)
    (site.var / "files" / "stray.bin").write_bytes(b"not in the backup")
    result = site.cspr("restore", "--force", str(trip.archive))
    assert result.returncode == 0, result.stderr
    assert "kept as" in result.stdout and "Audit chain intact" in result.stdout
    assert site.files() == trip.origin.files()
    kept = [p for p in site.var.iterdir() if p.name.startswith("files.before-restore-")]
    assert len(kept) == 1 and (kept[0] / "stray.bin").read_bytes() == b"not in the backup"
    shutil.rmtree(kept[0])
    assert site.rows() == trip.rows


# --- Errors the commands answer in one line, before touching anything -------------------------------------------


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist") as caught:
        call_command("restore", str(tmp_path / "nowhere.tar"))
    assert caught.value.returncode == 2


def test_backup_into_a_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "no" / "such" / "dir.tar"))


def test_backup_over_an_existing_file_is_refused(tmp_path):
    existing = tmp_path / "there.tar"
    existing.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"keep me"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_backup_into_an_unwritable_directory_is_a_clear_error(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(CommandError, match="not writable"):
        call_command("backup", str(locked / "x.tar"))


def test_something_that_is_not_a_backup_is_refused(tmp_path):
    junk = tmp_path / "junk.tar"
    with tarfile.open(junk, "w") as tar:
        data = b"hello"
        info = tarfile.TarInfo("readme.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="not an intact cspr backup") as caught:
        call_command("restore", str(junk))
    assert caught.value.returncode == 2
