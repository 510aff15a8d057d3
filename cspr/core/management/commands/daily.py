"""``cspr daily``: the once-a-day jobs. Run it from cron or a systemd timer on one app server, e.g. at 07:00.

- remind agency contributors of summaries due in 2 working days, due today, or overdue
  (each request at most once a day; cspr.cases.services.agency_requests_remind);
  a reminder that cannot be sent is retried the next day, and the command then exits 1 so cron or the
  timer's monitoring tells the operator;
- remove library reports' full text whose retention date has passed, keeping the catalogue record
  (cspr.library.services.library_retention_apply).

Each job is idempotent for the day, so running the command twice does no harm.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Send due and overdue reminders to agency contributors and apply library retention."

    def handle(self, *args: Any, **options: Any) -> None:
        from cspr.cases.services import agency_requests_remind
        from cspr.library.services import library_retention_apply

        reminders = agency_requests_remind()
        self.stdout.write(f"Reminders sent: {reminders.sent}")
        # Retention runs whatever the mail server did: one failing job must not hold the other back.
        removed = library_retention_apply(actor=None)
        self.stdout.write(f"Library reports whose full text was removed: {len(removed)}")
        if reminders.failed:
            raise CommandError(
                f"Reminders not sent: {reminders.failed} (see the log; they are tried again on the next run)."
            )
