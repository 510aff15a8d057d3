"""``cspr daily``: the once-a-day jobs. Run it from cron or a systemd timer on one app server, e.g. at 07:00.

- remind agency contributors of summaries due in 2 working days, due today, or overdue
  (each request at most once a day; cspr.cases.services.agency_requests_send_reminders);
- remove library reports' full text whose retention date has passed, keeping the catalogue record
  (cspr.library.services.library_retention_apply).

Each job is idempotent for the day, so running the command twice does no harm.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Send due and overdue reminders to agency contributors and apply library retention."

    def handle(self, *args: Any, **options: Any) -> None:
        from cspr.cases.services import agency_requests_send_reminders
        from cspr.library.services import library_retention_apply

        sent = agency_requests_send_reminders()
        self.stdout.write(f"Reminders sent: {sent}")
        removed = library_retention_apply(actor=None)
        self.stdout.write(f"Library reports whose full text was removed: {len(removed)}")
