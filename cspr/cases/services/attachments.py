"""Attachments to a notification or to an agency's answer: validated before they are stored, encrypted at rest
(DESIGN.md rules 5, 6)."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
import time
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest

from cspr.audit.services import audit_record
from cspr.cases.models import AgencyRequest, Attachment, Case, CaseState
from cspr.cases.services.common import raise_if, require_business_manager
from cspr.core.crypto import DecryptionError, fernet, first_key_fernet
from cspr.core.errors import IllegalTransition
from cspr.core.uploads import DOCX, JPEG, PDF, PNG, TEXT, CheckedUpload, UploadRefused, UploadTooLarge, upload_check
from cspr.partnerships.models import User

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# What a notification's attachments can be: documents and images, checked by their content, not their name,
# by the one upload gate (cspr/core/uploads.py).
ATTACHMENT_KINDS = (PDF, DOCX, PNG, JPEG, TEXT)
ATTACHMENT_REQUIREMENT = "The selected file must be a PDF, Word document, PNG, JPEG or plain text file"


def attachment_check(*, name: str, data: bytes, errors: dict[str, str]) -> CheckedUpload | None:
    """Pass a file through the upload gate (type from its content, size, name, macros and scripts, malware
    scan), writing nothing. A refusal goes into ``errors["file"]`` (with the other answers' errors, so all come
    at once); a file too large raises at once, 413 on the API."""
    try:
        return upload_check(
            name=name, data=data, accept=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES,
            requirement=ATTACHMENT_REQUIREMENT,
        )  # fmt: skip
    except UploadTooLarge as exc:
        raise UploadTooLarge(
            "There is a problem with the file.", reason="too_large", field_errors={**errors, "file": exc.message}
        ) from exc
    except UploadRefused as exc:
        errors["file"] = exc.message
        return None


def attachment_file_save(case: Case, checked: CheckedUpload) -> str:
    """Store a checked file's bytes encrypted with the field keys (DESIGN.md rule 6), under a random name that
    says nothing of it; the caller writes its row in a transaction and deletes the file if that fails."""
    storage_name = f"attachments/{case.partnership_id}/{secrets.token_hex(16)}"
    return default_storage.save(storage_name, ContentFile(fernet().encrypt(checked.data)))


def attachment_row_create(
    *,
    case: Case,
    checked: CheckedUpload,
    saved: str,
    actor: User,
    description: str = "",
    agency_request: AgencyRequest | None = None,
    for_review: bool = False,
) -> Attachment:
    return Attachment.objects.create(
        case=case,
        agency_request=agency_request,
        for_review=for_review,
        storage_name=saved,
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        description=(description or "").strip(),
        uploaded_by=actor,
    )


def attachment_add(
    *, actor: User, case: Case, name: str, data: bytes, description: str = "", request: HttpRequest | None = None
) -> Attachment:
    """Attach a file to the case's notification. The file passes the upload gate before anything is written;
    a refusal stores no file, no row and no audit event (DESIGN.md rule 5)."""
    require_business_manager(actor, case)
    if case.state in {CaseState.NO_FURTHER_ACTION, CaseState.CLOSED}:
        raise IllegalTransition("Files can no longer be added to this case.")
    errors: dict[str, str] = {}
    checked = attachment_check(name=name, data=data, errors=errors)
    raise_if(errors, "There is a problem with the file.")
    assert checked is not None
    saved = attachment_file_save(case, checked)
    try:
        with transaction.atomic():
            attachment = attachment_row_create(
                case=case, checked=checked, saved=saved, actor=actor, description=description
            )
            audit_record(
                actor=actor,
                action="attachment.added",
                partnership=case.partnership_id,
                target=case,
                after={"attachment": attachment.pk, "type": checked.content_type, "size": len(checked.data)},
                request=request,
            )
    except Exception:
        # Nothing half-written: a failed database write leaves no orphan file behind.
        default_storage.delete(saved)
        raise
    return attachment


def attachment_read(attachment: Attachment) -> bytes:
    """The decrypted bytes; callers have already checked access and audit the download."""
    with default_storage.open(attachment.storage_name, "rb") as handle:
        stored = handle.read()
    try:
        return fernet().decrypt(stored)
    except InvalidToken as exc:  # the same error as every other encrypted value, naming no content
        raise DecryptionError(f"The file of attachment {attachment.pk} cannot be decrypted with any key.") from exc


def attachment_file_reencrypt(*, attachment: Attachment) -> bool:
    """Re-encrypt one stored file with the first key of FIELD_ENCRYPTION_KEYS (``cspr rotate-keys``), so the
    old key can be removed. True if the file was rewritten; False if the first key already opens it, so a
    second run rewrites nothing.

    The new file is written beside the old one, flushed to disk and swapped in with one atomic rename: a
    failure at any point leaves the old file in place, still readable with the keys that opened it
    (DESIGN.md rule 5). Raises DecryptionError if no configured key opens the file, FileNotFoundError if it
    is missing."""
    path = Path(default_storage.path(attachment.storage_name))
    stored = path.read_bytes()
    primary = first_key_fernet()
    try:
        primary.decrypt(stored)
    except InvalidToken:
        pass
    else:
        return False
    try:
        plain = fernet().decrypt(stored)
    except InvalidToken as exc:
        raise DecryptionError(f"The file of attachment {attachment.pk} cannot be decrypted with any key.") from exc
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".rotating")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(primary.encrypt(plain))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))  # mkstemp makes 0600; keep what storage chose
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    # The rename itself is durable only once the folder's entry is on disk.
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return True


# An upload writes its encrypted file before the transaction that names it (so no row ever names a missing
# file); a process killed between the two leaves a file no row names (tests/core/test_crashes.py). The daily
# sweep removes such files once they are old enough that no upload can still be committing its row.
ORPHAN_GRACE = 24 * 60 * 60  # seconds


def attachment_files_sweep(*, now: float | None = None) -> int:
    """Delete attachment files that no row names and that are older than ``ORPHAN_GRACE``; return how many.
    Encrypted and unreadable without the key, they are still copies of a child's records that nobody can
    reach (DOMAIN.md data protection: keep nothing without a purpose)."""
    root = Path(default_storage.path("attachments"))
    if not root.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - ORPHAN_GRACE
    named = set(Attachment.objects.values_list("storage_name", flat=True))
    removed = 0
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        if path.relative_to(default_storage.path("")).as_posix() in named:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed
