"""``cspr daily``: the once-a-day jobs. Run it from cron or a systemd timer on one app server, e.g. at 07:00.

- remind agency contributors of summaries due in 2 working days, due today, or overdue
  (each request at most once a day; cspr.cases.services.agency_requests_remind);
  a reminder that cannot be sent is retried the next day, and the command then exits 1 so cron or the
  timer's monitoring tells the operator;
- remove library reports' full text whose retention date has passed, keeping the catalogue record
  (cspr.library.services.library_retention_apply).

Each job is idempotent for the day, so running the command twice does no harm. The jobs are those the apps
register in their ``AppConfig.ready()`` (``cspr.core.registry``): core imports neither app.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cspr.core import registry


class Command(BaseCommand):
    help = "Send due and overdue reminders to agency contributors and apply library retention."

    def handle(self, *args: Any, **options: Any) -> None:
        failures: list[str] = []
        for job in registry.DAILY_JOBS.values():
            # Each job runs whatever the others did: one failing job must not hold the others back.
            result = job()
            self.stdout.write(result.summary)
            if result.failed:
                failures.append(result.failed)
        if failures:
            raise CommandError("; ".join(failures))
