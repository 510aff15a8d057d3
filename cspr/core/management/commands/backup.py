"""``cspr backup FILE``: one archive of the database, the uploaded files and a manifest (cspr.core.backup).

Safe while the service runs: SQLite is copied with its online backup API, PostgreSQL with ``pg_dump``. The keys
are not in the archive; keep them separately (docs/operations.md, Backups).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cspr.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and uploaded files into one archive FILE (mode 0600). Keys are not included."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="The archive to write; it must not exist yet.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = create_backup(Path(options["file"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backup written to {summary.path}: the {summary.vendor} database and {summary.files} files, "
            f"{summary.size} bytes. The keys are not in it: keep them separately."
        )
