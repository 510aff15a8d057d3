"""What the cases app adds to the earlier apps' commands and pages (cspr.core.registry, cspr.web.home),
registered from ``CasesConfig.ready()``: the daily reminders, re-encrypting attachment files, the demo cases
and the home page's panel."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.management.base import CommandError

from cspr.core.registry import FileRotationResult, JobResult
from cspr.partnerships.models import User


def daily_reminders() -> JobResult:
    """Contributors' reminders: due in 2 working days, due today, overdue (each request at most once a day)."""
    from cspr.cases.services import agency_requests_remind

    run = agency_requests_remind()
    failed = ""
    if run.failed:
        failed = f"Reminders not sent: {run.failed} (see the log; they are tried again on the next run)"
    return JobResult(f"Reminders sent: {run.sent}", failed)


def rotate_attachment_files() -> FileRotationResult:
    """Re-encrypt each attachment's file with the first key; a file no key opens stops the rotation."""
    from cspr.cases.models import Attachment
    from cspr.cases.services.attachments import attachment_file_reencrypt
    from cspr.core.crypto import DecryptionError

    rewritten, missing = 0, []
    for attachment in Attachment.objects.only("pk", "storage_name").order_by("pk").iterator():
        try:
            if attachment_file_reencrypt(attachment=attachment):
                rewritten += 1
        except FileNotFoundError:
            missing.append(attachment.pk)
        except DecryptionError:
            raise CommandError(
                f"The file of attachment {attachment.pk} ({attachment.storage_name}) cannot be decrypted with any "
                "configured key; add the key it was written with to FIELD_ENCRYPTION_KEYS and run again."
            ) from None
    return FileRotationResult("Attachments", rewritten, tuple(missing))


def demo_cases(partnerships: Mapping[str, Any], today: datetime.date) -> None:
    from cspr.cases.demo import load_demo_cases

    load_demo_cases(partnerships=dict(partnerships), today=today)


def home_panel(user: User) -> dict[str, Any]:
    """The home page's part from the cases app: cases by stage, what is due soonest, requests to answer."""
    from cspr.cases.selectors import agency_requests_for_contributor, case_home_summary, deadlines_for_user

    return {
        "summary": case_home_summary(user=user),
        "deadlines": deadlines_for_user(user=user),
        "requests": agency_requests_for_contributor(user=user).filter(status="open"),
    }
