"""``cspr rotate-keys``: re-encrypt every encrypted value, and every stored attachment file, with the first key
in FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first (keep the old ones after it), run this command, then remove the old keys.
Each table is rewritten in batches, each batch in one transaction; a value no key can open stops the command
with the table and row named, and that batch is rolled back (DESIGN.md rule 5: nothing half-written). Files
are then replaced one at a time, atomically; those already under the first key are left alone, so a run that
stopped part-way is finished by running it again.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction

from cspr.audit.services import audit_record
from cspr.audit.triggers import append_only_suspended
from cspr.core import registry
from cspr.core.crypto import DecryptionError, rotate_token
from cspr.core.fields import encrypted_fields

BATCH = 500


def _rotated(table: str, column: str, row_pk: object, value: str | None) -> str | None:
    if value in (None, ""):
        return value
    try:
        return rotate_token(value)
    except DecryptionError:
        raise CommandError(
            f"{table}.{column} of row {row_pk} cannot be decrypted with any configured key; "
            "add the key it was written with to FIELD_ENCRYPTION_KEYS and run again."
        ) from None


def _column(field: models.Field[Any, Any]) -> str:
    # Only a field without a column of its own (a GenericForeignKey) has column None; these all have one.
    assert field.column is not None, field
    return field.column


def rotate_model(model: type[models.Model]) -> int:
    """Re-encrypt one model's encrypted columns with raw SQL (no save(), no signals), in primary-key batches."""
    qn = connection.ops.quote_name
    table, pk = model._meta.db_table, _column(model._meta.pk)
    columns = [_column(f) for f in encrypted_fields(model)]
    select = f"SELECT {qn(pk)}, {', '.join(qn(c) for c in columns)} FROM {qn(table)}"  # noqa: S608  # nosec B608 # quoted model identifiers; values are %s
    update = f"UPDATE {qn(table)} SET {', '.join(f'{qn(c)} = %s' for c in columns)} WHERE {qn(pk)} = %s"  # noqa: S608  # nosec B608 # quoted model identifiers
    done, last_pk = 0, None
    while True:
        # Audit rows are append-only; rotation is the one rewrite allowed: it changes ciphertext only, so the
        # chain's HMACs over the plain text still verify.
        suspend = append_only_suspended() if table == "audit_auditevent" else contextlib.nullcontext()
        with transaction.atomic(), suspend, connection.cursor() as cursor:
            where = f" WHERE {qn(pk)} > %s" if last_pk is not None else ""
            cursor.execute(f"{select}{where} ORDER BY {qn(pk)} LIMIT {BATCH}", [] if last_pk is None else [last_pk])
            rows = cursor.fetchall()
            if not rows:
                return done
            for row_pk, *values in rows:
                new = [_rotated(table, c, row_pk, v) for c, v in zip(columns, values, strict=True)]
                cursor.execute(update, [*new, row_pk])
            done += len(rows)
            last_pk = rows[-1][0]


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields and attachment files with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            if not encrypted_fields(model):
                continue
            done = rotate_model(model)
            if done:
                self.stdout.write(f"{model._meta.label}: {done} rows re-encrypted")
            total += done
        # Encrypted files belong to the apps that store them; each registers its rotation (cspr.core.registry).
        files, missing = 0, 0
        for rotate in registry.FILE_ROTATIONS.values():
            result = rotate()
            files, missing = files + result.rewritten, missing + len(result.missing)
            if result.rewritten:
                self.stdout.write(f"{result.what}: {result.rewritten} files re-encrypted")
            if result.missing:
                # Nothing to rotate, and nothing the old key's removal can lose: said, so the gap is looked into.
                self.stderr.write(
                    f"{result.what} with no stored file (left as they are): {', '.join(map(str, result.missing))}"
                )
        # The rotation itself is on the record (who ran it is the operator, so no actor): counts only, never a key.
        audit_record(
            actor=None,
            action="encryption.keys_rotated",
            object_type="system",
            detail={"rows": total, "files": files, "files_missing": missing},
        )
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows and {files} files re-encrypted with the first key."))
