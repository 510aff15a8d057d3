"""Backups: one archive holding the database, the uploaded files and a manifest (``cspr backup`` / ``cspr restore``).

The archive is a plain tar with three kinds of member:

- ``database.sqlite3`` (SQLite's online backup API, a consistent copy taken while the service runs) or
  ``database.pgdump`` (``pg_dump`` custom format);
- ``files/...``: every file under ``MEDIA_ROOT`` (the encrypted attachments), copied as bytes;
- ``manifest.json``: the format version, the database vendor, when it was taken, the applied migrations, and
  the size and sha256 of every other member.

Encrypted fields and files stay encrypted: nothing is decrypted on the way in or out. The keys
(``SECRET_KEY``, ``FIELD_ENCRYPTION_KEYS``, ``AUDIT_HMAC_KEY``) are never put in the archive (DESIGN.md rule 6):
a restore needs the same keys configured, and a copy of the archive alone reads no personal data.

A restore checks every member against the manifest before it changes anything (DESIGN.md rule 5), refuses a
backup of the other database vendor, and refuses to write over a database or files directory that holds
anything unless forced. Core imports no domain app: everything here works on tables, files and Django's
connection.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 # runs pg_dump and pg_restore only, with a fixed argument list
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from cspr.core.crypto import DecryptionError, decrypt_text, encrypt_text

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
KEYS_NOTE = (
    "No keys are in this backup. Encrypted fields and files are copied as ciphertext; restoring needs the same "
    "SECRET_KEY, FIELD_ENCRYPTION_KEYS and AUDIT_HMAC_KEY configured, kept separately from this archive."
)
# Tables a freshly migrated database already fills, so they do not make it "non-empty": Django's bookkeeping,
# and the review library's one-row change token (library migration 0003 writes it). Named as tables, not
# imported, so core stays below the apps (DESIGN.md layout).
MIGRATION_FILLED_TABLES = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "library_libraryversion"}
)
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is one line for the operator."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    vendor: str
    files: int
    size: int


@dataclass
class RestoreSummary:
    vendor: str
    created_at: str
    files: int
    replaced_files_dir: Path | None = None
    migrations_to_apply: list[str] = field(default_factory=list)


# --- Shared ------------------------------------------------------------------------------------------------


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _sqlite_path() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name in ("", ":memory:") or name.startswith("file::memory:") or "mode=memory" in name:
        raise BackupError("The database is in memory: there is no file to back up or restore into.")
    return Path(name)


def _pg_env() -> dict[str, str]:
    """libpq's environment for the default database: the password travels as PGPASSWORD, never an argument."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("NAME", "PGDATABASE"), ("USER", "PGUSER"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    for key, var in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
        ("service", "PGSERVICE"),
    ):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _run_pg_tool(args: list[str]) -> None:
    tool = args[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not on PATH: install the PostgreSQL client tools matching the server.")
    # The tool and its options are fixed here, no shell; the password goes in the environment (PGPASSWORD).
    result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)  # nosec B603
    if result.returncode != 0:
        lines = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()]
        raise BackupError(f"{tool} failed: {lines[0] if lines else f'exit status {result.returncode}'}")


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> Iterator[Path]:
    """Every regular file under ``root``, in a stable order; links are not followed."""
    if not root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path


def applied_migrations() -> list[str]:
    """``app.name`` of each migration recorded as applied in the database, sorted."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def occupied_tables() -> list[str]:
    """The models' tables in the default database that hold rows, other than those a fresh ``migrate`` fills.
    Tables no model owns (SQLite's full-text index shadows) follow the models' rows, so they are not read."""
    model_tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    occupied = []
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in sorted((model_tables & existing) - MIGRATION_FILLED_TABLES):
            # A table name from the model registry, quoted; no value is interpolated.
            query = f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1"  # noqa: S608  # nosec B608
            cursor.execute(query)
            if cursor.fetchone() is not None:
                occupied.append(table)
    return occupied


KEY_CHECK = "cspr-backup-key-check"


def _hmac_check(secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), KEY_CHECK.encode("ascii"), hashlib.sha256).hexdigest()


def key_checks() -> dict[str, str]:
    """Proofs of which keys wrote this database that reveal nothing of them: a value encrypted with the field
    key, and keyed hashes of a constant. A restore compares them with its own keys before changing anything."""
    return {
        "FIELD_ENCRYPTION_KEYS": encrypt_text(KEY_CHECK),
        "AUDIT_HMAC_KEY": _hmac_check(str(settings.AUDIT_HMAC_KEY)),
        "SECRET_KEY": _hmac_check(str(settings.SECRET_KEY)),
    }


def mismatched_keys(checks: dict[str, str]) -> list[str]:
    """The names of the configured keys that differ from those the backup was taken with."""
    wrong = []
    try:
        if decrypt_text(checks["FIELD_ENCRYPTION_KEYS"]) != KEY_CHECK:
            wrong.append("FIELD_ENCRYPTION_KEYS")
    except (DecryptionError, KeyError, AttributeError):
        wrong.append("FIELD_ENCRYPTION_KEYS")
    for name in ("AUDIT_HMAC_KEY", "SECRET_KEY"):
        if not hmac.compare_digest(str(checks.get(name, "")), _hmac_check(str(getattr(settings, name)))):
            wrong.append(name)
    return wrong


# --- Backup --------------------------------------------------------------------------------------------------


def _dump_database(vendor: str, target: Path) -> None:
    if vendor == "sqlite":
        source_path = _sqlite_path()
        if not source_path.exists():
            raise BackupError(f"The database file {source_path} does not exist.")
        # The online backup API copies a consistent snapshot even while the service writes (WAL readers see
        # one transaction's state); the copy is then switched out of WAL so it is one self-contained file.
        source = sqlite3.connect(source_path, timeout=20)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
        except sqlite3.Error as exc:
            raise BackupError(f"The SQLite backup failed: {exc}") from exc
        finally:
            source.close()
    else:
        # Custom format: compressed, restorable with pg_restore. One snapshot (pg_dump's serializable read).
        _run_pg_tool(["pg_dump", "--format=custom", "--no-password", f"--file={target}"])


def _add_member(archive: tarfile.TarFile, name: str, data: IO[bytes], size: int, mode: int = 0o600) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = mode
    info.mtime = int(datetime.now(tz=UTC).timestamp())
    archive.addfile(info, data)


def create_backup(destination: Path) -> BackupSummary:
    """Write a backup of the default database and MEDIA_ROOT to ``destination``: built in a temporary file in
    the same directory (mode 0600) and renamed into place, so a failure leaves no partial archive."""
    vendor = _vendor()
    destination = destination.expanduser().absolute()
    if destination.exists():
        raise BackupError(f"{destination} already exists: choose a new name or remove it first.")
    directory = destination.parent
    if not directory.is_dir():
        raise BackupError(f"Cannot write the backup: the directory {directory} does not exist.")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise BackupError(f"Cannot write the backup: the directory {directory} is not writable.")
    try:
        handle, temporary_name = tempfile.mkstemp(dir=directory, prefix=f".{destination.name}.", suffix=".part")
    except OSError as exc:
        raise BackupError(f"Cannot write the backup in {directory}: {exc.strerror}.") from exc
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        with tempfile.TemporaryDirectory(dir=directory, prefix=".cspr-backup-") as work:
            dump = Path(work) / DATABASE_MEMBER[vendor]
            migrations = applied_migrations()
            created_at = datetime.now(tz=UTC).isoformat(timespec="seconds")
            # The database first, then the files: a file uploaded meanwhile is an unused extra, never a record
            # whose file is missing.
            _dump_database(vendor, dump)
            members: dict[str, dict[str, Any]] = {}
            file_count = 0
            with tarfile.open(temporary, "w", format=tarfile.PAX_FORMAT) as archive:
                members[dump.name] = {"size": dump.stat().st_size, "sha256": _sha256_of(dump)}
                with dump.open("rb") as data:
                    _add_member(archive, dump.name, data, members[dump.name]["size"])
                root = _media_root()
                for path in _media_files(root):
                    # Read whole, so the checksum and the stored bytes are the same snapshot of the file.
                    content = path.read_bytes()
                    name = FILES_PREFIX + path.relative_to(root).as_posix()
                    members[name] = {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
                    _add_member(archive, name, io.BytesIO(content), len(content), path.stat().st_mode & 0o777)
                    file_count += 1
                manifest = {
                    "format": "cspr-backup",
                    "format_version": FORMAT_VERSION,
                    "vendor": vendor,
                    "created_at": created_at,
                    "migrations": migrations,
                    "keys_included": False,
                    "keys_note": KEYS_NOTE,
                    "key_checks": key_checks(),
                    "members": members,
                }
                encoded = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
                _add_member(archive, MANIFEST, io.BytesIO(encoded), len(encoded))
        temporary.chmod(0o600)
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return BackupSummary(path=destination, vendor=vendor, files=file_count, size=destination.stat().st_size)


# --- Verify --------------------------------------------------------------------------------------------------


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix() and bool(path.parts)


def verify_and_extract(archive_path: Path, staging: Path) -> dict[str, Any]:
    """Check every member of ``archive_path`` against its manifest while copying it into ``staging``;
    return the manifest. Raises BackupError (one line) for a truncated, altered or foreign archive."""
    if not archive_path.exists():
        raise BackupError(f"{archive_path} does not exist.")
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} is not a file.")
    refused = f"{archive_path} is not an intact cspr backup"
    found: dict[str, dict[str, Any]] = {}
    manifest_bytes: bytes | None = None
    try:
        with tarfile.open(archive_path, "r:") as archive:
            for member in archive:
                if not member.isfile() or not _safe_member_name(member.name):
                    raise BackupError(f"{refused}: unexpected member {member.name!r}; nothing was changed.")
                if member.name in found or (member.name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(f"{refused}: {member.name!r} appears twice; nothing was changed.")
                source = archive.extractfile(member)
                if source is None:  # pragma: no cover - isfile() members always have data
                    raise BackupError(f"{refused}: {member.name!r} has no data; nothing was changed.")
                if member.name == MANIFEST:
                    manifest_bytes = source.read()
                    continue
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[member.name] = {"size": size, "sha256": digest.hexdigest(), "mode": member.mode}
    except (tarfile.TarError, EOFError) as exc:
        raise BackupError(f"{refused} (truncated or damaged: {exc}); nothing was changed.") from exc
    except OSError as exc:
        raise BackupError(f"Cannot read {archive_path}: {exc.strerror or exc}.") from exc
    if manifest_bytes is None:
        raise BackupError(f"{refused}: it has no manifest (truncated?); nothing was changed.")
    try:
        manifest: dict[str, Any] = json.loads(manifest_bytes)
        expected: dict[str, dict[str, Any]] = manifest["members"]
        version = manifest["format_version"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{refused}: its manifest cannot be read; nothing was changed.") from exc
    if manifest.get("format") != "cspr-backup" or version != FORMAT_VERSION:
        raise BackupError(f"{refused}: backup format {version!r} is not {FORMAT_VERSION}; nothing was changed.")
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            raise BackupError(f"{refused}: {name!r} is missing (truncated?); nothing was changed.")
        if name not in expected:
            raise BackupError(f"{refused}: {name!r} is not in its manifest; nothing was changed.")
        if found[name]["size"] != expected[name].get("size") or found[name]["sha256"] != expected[name].get("sha256"):
            raise BackupError(f"{refused}: the checksum of {name!r} does not match; nothing was changed.")
    vendor = manifest.get("vendor")
    if vendor not in DATABASE_MEMBER or DATABASE_MEMBER[vendor] not in found:
        raise BackupError(f"{refused}: it holds no database; nothing was changed.")
    for name, facts in found.items():
        if name.startswith(FILES_PREFIX):
            (staging / name).chmod(facts["mode"] & 0o777 or 0o600)
    return manifest


# --- Restore -------------------------------------------------------------------------------------------------


def _known_migrations() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def _close_connections() -> None:
    for alias in connections:
        connections[alias].close()


def _restore_database(vendor: str, dump: Path) -> None:
    _close_connections()
    if vendor == "sqlite":
        target_path = _sqlite_path()
        source = sqlite3.connect(dump)
        try:
            # The backup API writes the whole copy in one transaction on the target, so a failure leaves it as
            # it was, and other connections (in WAL) see either the old or the restored database.
            target = sqlite3.connect(target_path, timeout=20)
            try:
                source.backup(target)
            finally:
                target.close()
        except sqlite3.Error as exc:
            raise BackupError(f"The SQLite restore failed, the database is unchanged: {exc}") from exc
        finally:
            source.close()
    else:
        # One transaction: a failure rolls back and leaves the database as it was. --clean drops what the dump
        # recreates (the audit triggers forbid DELETE, not DROP); ownership and grants are the restoring role's.
        _run_pg_tool(
            [
                "pg_restore",
                "--no-password",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ]
        )


def _place_files(staged: Path, root: Path) -> Path | None:
    """Put the restored files directory at ``root``; an existing non-empty one is kept beside it, renamed."""
    kept: Path | None = None
    if root.exists():
        if root.is_dir() and not any(root.iterdir()):
            root.rmdir()
        else:
            stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
            kept = root.with_name(f"{root.name}.before-restore-{stamp}")
            root.rename(kept)
    if staged.is_dir():
        staged.rename(root)
    else:
        root.mkdir(parents=True, exist_ok=True)
    return kept


def restore_backup(archive_path: Path, *, force: bool) -> RestoreSummary:
    """Restore ``archive_path`` into the default database and MEDIA_ROOT; nothing is changed unless every
    check passes. The caller runs the audit chain verification afterwards."""
    vendor = _vendor()
    archive_path = archive_path.expanduser().absolute()
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} {'is not a file' if archive_path.exists() else 'does not exist'}.")
    root = _media_root().absolute()
    parent = root.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise BackupError(f"Cannot restore the files: {parent} is not a writable directory.")
    with tempfile.TemporaryDirectory(dir=parent, prefix=".cspr-restore-") as work:
        staging = Path(work)
        manifest = verify_and_extract(archive_path, staging)
        if manifest["vendor"] != vendor:
            raise BackupError(
                f"{archive_path} is a {manifest['vendor']} backup and this service runs on {vendor}: "
                "restore it into the same kind of database; nothing was changed."
            )
        wrong = mismatched_keys(manifest.get("key_checks") or {})
        if wrong:
            raise BackupError(
                f"{archive_path} was taken with other keys than those configured here ({', '.join(wrong)}): "
                "configure the keys it was taken with; nothing was changed."
            )
        unknown = sorted(set(manifest.get("migrations") or []) - _known_migrations())
        if unknown:
            raise BackupError(
                f"{archive_path} was taken by a newer cspr (migrations {', '.join(unknown[:3])}"
                f"{' ...' if len(unknown) > 3 else ''} are unknown here): upgrade first; nothing was changed."
            )
        if vendor == "sqlite":
            _sqlite_path()  # an in-memory database has no file to restore into
        if not force:
            occupied = occupied_tables()
            if occupied:
                raise BackupError(
                    f"The database is not empty ({len(occupied)} tables hold rows, e.g. {occupied[0]}): "
                    "restore into an empty one, or pass --force to replace it; nothing was changed."
                )
            if root.exists() and (not root.is_dir() or any(root.iterdir())):
                raise BackupError(
                    f"The files directory {root} is not empty: pass --force to replace it "
                    "(it is kept, renamed); nothing was changed."
                )
        _restore_database(vendor, staging / DATABASE_MEMBER[vendor])
        kept = _place_files(staging / FILES_PREFIX.rstrip("/"), root)
        with contextlib.suppress(OSError):
            (staging / DATABASE_MEMBER[vendor]).unlink()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    to_apply = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    return RestoreSummary(
        vendor=vendor,
        created_at=str(manifest.get("created_at")),
        files=sum(1 for name in manifest["members"] if name.startswith(FILES_PREFIX)),
        replaced_files_dir=kept,
        migrations_to_apply=to_apply,
    )
