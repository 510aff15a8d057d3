"""``cspr rotate-keys``: re-encrypt every encrypted value with the first key in FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first (keep the old ones after it), run this command, then remove the old keys.
Each table is rewritten in batches, each batch in one transaction; a value no key can open stops the command
with the table and row named, and that batch is rolled back (DESIGN.md rule 5: nothing half-written).
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction

from cspr.audit.triggers import append_only_suspended
from cspr.core.crypto import DecryptionError, rotate_token
from cspr.core.fields import encrypted_fields

BATCH = 500


def _rotated(table: str, column: str, row_pk: Any, value: Any) -> Any:
    if value in (None, ""):
        return value
    try:
        return rotate_token(value)
    except DecryptionError:
        raise CommandError(
            f"{table}.{column} of row {row_pk} cannot be decrypted with any configured key; "
            "add the key it was written with to FIELD_ENCRYPTION_KEYS and run again."
        ) from None


def rotate_model(model: type[models.Model]) -> int:
    """Re-encrypt one model's encrypted columns with raw SQL (no save(), no signals), in primary-key batches."""
    qn = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    columns = [f.column for f in encrypted_fields(model)]
    select = f"SELECT {qn(pk)}, {', '.join(qn(c) for c in columns)} FROM {qn(table)}"  # noqa: S608
    update = f"UPDATE {qn(table)} SET {', '.join(f'{qn(c)} = %s' for c in columns)} WHERE {qn(pk)} = %s"  # noqa: S608
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
    help = "Re-encrypt all encrypted fields with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            if not encrypted_fields(model):
                continue
            done = rotate_model(model)
            if done:
                self.stdout.write(f"{model._meta.label}: {done} rows re-encrypted")
            total += done
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows re-encrypted with the first key."))
