"""``cspr audit verify``: check the audit chain; exit 1 and name the first bad event if it was tampered with."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cspr.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit chain tools. 'verify' checks every event's HMAC and the links between events."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check that no audit event was altered, deleted or inserted.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            result = audit_verify()
            if not result.ok:
                # CommandError exits with status 1 and prints the message on stderr.
                raise CommandError(f"Audit chain broken at event #{result.first_bad_seq}: {result.problem}.")
            self.stdout.write(f"Audit chain intact: {result.checked} events verified.")
