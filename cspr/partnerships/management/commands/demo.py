"""``cspr demo``: load demo partnerships, people and cases (idempotent) and print the demo sign-ins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cspr.partnerships.demo import DEMO_PASSWORD, current_code, load_demo


class Command(BaseCommand):
    help = "Load demo data (safe to run twice) and print the demo sign-ins. Refused in production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", metavar="EMAIL", help="Print the current security code for a demo account.")
        parser.add_argument("--quiet", action="store_true", help="Load without printing the sign-ins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production (CSPR_ENV=production).")
        if options["code"]:
            self.stdout.write(current_code(options["code"]))
            return
        people = load_demo()
        if options["quiet"]:
            return
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"\nEvery demo account's password: {DEMO_PASSWORD}")
        self.stdout.write("Security codes: add the secret to an authenticator app, or run: cspr demo --code EMAIL\n")
        for p in people:
            self.stdout.write(
                f"  {p['role']:<42} {p['email']:<40} TOTP secret {p['totp_secret']}  ({p['partnership']})"
            )
        self.stdout.write("\nDemo secrets are for demonstration only.")
