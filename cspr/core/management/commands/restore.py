"""``cspr restore FILE``: put a ``cspr backup`` archive back, then verify the audit chain (cspr.core.backup).

Every member is checked against the manifest first; a damaged or altered archive, a backup of the other
database vendor, or a database that already holds data (without ``--force``) is refused with exit status 2
and nothing changed. Stop the app servers and the task worker before restoring.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cspr.core.backup import BackupError, restore_backup
from cspr.core.crypto import DecryptionError

REFUSED = 2


class Command(BaseCommand):
    help = "Restore a backup archive FILE into an empty database, then verify the audit chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="An archive written by `cspr backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that holds data (the files directory is kept beside, renamed).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore_backup(Path(options["file"]), force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=REFUSED) from exc
        self.stdout.write(
            f"Restored the {summary.vendor} backup taken at {summary.created_at}: the database and "
            f"{summary.files} files."
        )
        if summary.replaced_files_dir:
            self.stdout.write(f"The files directory that was there is kept as {summary.replaced_files_dir}.")
        if summary.migrations_to_apply:
            self.stdout.write(
                f"{len(summary.migrations_to_apply)} migrations are newer than the backup: run `cspr migrate`."
            )
        # The audit command belongs to cspr.audit; called by name, so core imports no later app.
        report = io.StringIO()
        try:
            call_command("audit", "verify", stdout=report)
        except (CommandError, DecryptionError) as exc:
            raise CommandError(f"Restored, but the audit chain does not verify: {exc}") from exc
        self.stdout.write(report.getvalue().strip())
