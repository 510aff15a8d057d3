"""What the cases app adds to the earlier apps' commands and pages (cspr.core.registry, cspr.web.home),
registered from ``CasesConfig.ready()``: the daily reminders, re-encrypting attachment files, the demo cases,
the home page's panel, the chain's tasks for each person and the writes after which people are told of new
tasks (issue 12)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.management.base import CommandError

from cspr.core.registry import FileRotationResult, JobResult, Task, WrittenEvent
from cspr.partnerships.models import User


def daily_reminders() -> JobResult:
    """Contributors' reminders: due in 2 working days, due today, overdue (each request at most once a day)."""
    from cspr.cases.services import agency_requests_remind

    run = agency_requests_remind()
    failed = ""
    if run.failed:
        failed = f"Reminders not sent: {run.failed} (see the log; they are tried again on the next run)"
    return JobResult(f"Reminders sent: {run.sent}", failed)


def sweep_orphan_attachment_files() -> JobResult:
    """Remove encrypted attachment files left by an upload killed before its row was written."""
    from cspr.cases.services.attachments import attachment_files_sweep

    return JobResult(f"Unreferenced attachment files removed: {attachment_files_sweep()}")


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
    """The home page's part from the cases app: cases by stage and what is due soonest. The requests a
    contributor has to answer are in the task list (``case_tasks``)."""
    from cspr.cases.selectors import case_home_summary, deadlines_for_user

    return {
        "summary": case_home_summary(user=user),
        "deadlines": deadlines_for_user(user=user),
    }


def case_tasks(user: User) -> list[Task]:
    """The chain's tasks waiting for ``user`` (cspr.cases.tasks_for_people)."""
    from cspr.cases.tasks_for_people import case_tasks as tasks

    return tasks(user)


# The audit actions after which someone in the partnership may have a task they did not have before (issue 12):
# each step of the chain (DOMAIN.md steps 1 to 5), and a person joining a partnership (they take over what
# waits for their role). Reads, downloads and edits within a step give nobody anything new.
TASK_GIVING_ACTIONS = frozenset(
    {
        "referral.submitted",
        "case.opened",
        "case.state_changed",
        "notification.sent",
        "agency_request.sent",
        "agency_request.answered",
        "decision.vote_recorded",
        "decision.disagreement",
        "decision.scrutineer_advised",
        "decision.made",
        "decision.justification_sent",
        "rapid_review.sent",
        "panel.responded",
        "membership.added",
    }
)
# Of those, the ones that give the national Panel something to respond to (DOMAIN.md step 5).
PANEL_TASK_ACTIONS = frozenset({"rapid_review.sent", "decision.justification_sent", "panel.responded"})


def task_emails_after_write(event: WrittenEvent) -> None:
    """After a write that may give someone a task, arrange for the partnership's people (and, after a sending
    to the Panel, its members) to be e-mailed of their new tasks once the write commits."""
    if event.action not in TASK_GIVING_ACTIONS or event.partnership_id is None:
        return
    from cspr.web.tasks import task_emails_schedule

    task_emails_schedule(
        partnership_id=event.partnership_id,
        actor_id=event.actor_id,
        panel=event.action in PANEL_TASK_ACTIONS,
    )


def daily_task_digests() -> JobResult:
    """Each person's daily digest of what is overdue, due soon and new (cspr.web.notices)."""
    from cspr.web.notices import task_digests_send

    run = task_digests_send()
    failed = ""
    if run.failed:
        failed = f"Task digests not sent: {run.failed} (see the log; they are tried again on the next run)"
    return JobResult(f"Task digests sent: {run.sent}", failed)
