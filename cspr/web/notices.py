"""E-mail when something needs you (issue 12, item 2): an e-mail when a task is given to a person, and one daily
digest per person of what is overdue, due soon or not yet told.

What a task is comes from every app's task source (``cspr.core.registry.tasks_for``); this module only decides
whom to tell, when, and records that it did:

- after a write that gives someone a task commits, ``task_emails_send`` runs through django.tasks (the
  database worker, ``cspr db_worker``; at once in tests) for the people of that partnership, and the Panel's
  members after a sending to the Panel. Each person's tasks that were never told are e-mailed in one message,
  unless the person chose the daily digest only (the digest then tells them), gave the task to themself (the
  writer), or the task's own service e-mailed it already (an agency request);
- ``cspr daily`` runs ``task_digests_send``: one digest a day per person with something overdue, due soon or
  not yet told.

Every task told is recorded (``core.TaskNotice``, unique per person and task; ``core.TaskDigest``, unique per
person and day) in the transaction that sends it, with the person's row locked, so running twice sends
nothing twice, and a send that fails records nothing and is tried again. One refused address is logged by the
person's id and the error's type only (never the address or the case: DESIGN.md rule 6) and the others are
still sent. The e-mails carry no personal data: a task's label, the case's reference, the child's pseudonym,
the partnership, a due date, and links built from ``settings.SITE_URL`` (never a fixed host or port).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cspr.core import dbscope, registry
from cspr.core.models import TaskDigest, TaskNotice
from cspr.core.registry import Task
from cspr.partnerships.models import Membership, TaskEmails, User
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import database_scope
from cspr.timescales import WorkingCalendar

logger = logging.getLogger(__name__)


def site_link(path: str) -> str:
    """An absolute link to ``path`` on this installation, from the configured site address."""
    return str(settings.SITE_URL).rstrip("/") + path


@dataclass(frozen=True)
class EmailRun:
    """What one run did: people e-mailed, and people whose e-mail could not be sent (tried again later)."""

    sent: int
    failed: int


# --- whom to tell ----------------------------------------------------------------------------------------


def _people(*, partnership_id: int | None = None, panel: bool = False) -> QuerySet[User]:
    """Active people with an active membership: of one partnership (and the Panel's members), or everyone."""
    memberships = Membership.objects.active()
    if partnership_id is not None:
        in_scope = memberships.filter(partnership_id=partnership_id)
        if panel:
            in_scope = in_scope | memberships.filter(partnership__isnull=True, role=Role.PANEL_MEMBER)
        memberships = in_scope
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by("pk")


def person_tasks(person: User) -> list[Task]:
    """The person's tasks, read with the database scoped to them (on PostgreSQL the row-level security then
    holds a task source to what the person may see, as on their home page)."""
    with dbscope.scoped(database_scope(person)):
        return registry.tasks_for(person)


def _lock(person: User) -> None:
    """One run at a time per person (two workers, or the digest beside an immediate run): the second waits,
    then finds what the first recorded."""
    User.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()


def _untold(person: User, tasks: list[Task]) -> list[Task]:
    known = set(
        TaskNotice.objects.filter(user=person, task_key__in=[t.key for t in tasks]).values_list("task_key", flat=True)
    )
    return [t for t in tasks if t.key not in known]


def _record(person: User, tasks: list[Task], channel: str) -> None:
    TaskNotice.objects.bulk_create([TaskNotice(user=person, task_key=t.key, channel=channel) for t in tasks])


# --- the e-mails -----------------------------------------------------------------------------------------


def _line(task: Task, today: datetime.date) -> str:
    where = ", ".join(part for part in (task.reference, task.pseudonym, task.where) if part)
    due = ""
    if task.due is not None:
        status = task.status(today)
        due = f" Due {task.due:%-d %B %Y}" + {"overdue": " (overdue).", "due_soon": " (due soon)."}.get(status, ".")
    return f"- {task.label}" + (f" ({where})." if where else ".") + due + f"\n  {site_link(task.url)}"


def _footer() -> str:
    return (
        f"See everything waiting for you: {site_link('/home/')}\n\n"
        "You can choose an e-mail when something is given to you and a daily digest, or the daily digest only, "
        f"on your account page: {site_link('/account/')}\n"
    )


def _immediate_message(tasks: list[Task], today: datetime.date) -> tuple[str, str]:
    if len(tasks) == 1:
        subject = f"Waiting for you: {tasks[0].reference or tasks[0].label}"
    else:
        subject = f"{len(tasks)} things are waiting for you"
    body = (
        f"{'This has' if len(tasks) == 1 else 'These have'} been given to you in {settings.SERVICE_NAME}:\n\n"
        + "\n".join(_line(t, today) for t in tasks)
        + "\n\n"
        + _footer()
    )
    return subject, body


def _digest_message(tasks: list[Task], untold: list[Task], today: datetime.date) -> tuple[str, str]:
    overdue = [t for t in tasks if t.status(today) == "overdue"]
    soon = [t for t in tasks if t.status(today) == "due_soon"]
    new = [t for t in untold if t not in overdue and t not in soon]
    rest = [t for t in tasks if t not in overdue and t not in soon and t not in new]
    parts = []
    for heading, group in (
        ("Overdue", overdue),
        ("Due soon", soon),
        ("New since you were last told", new),
        ("Also waiting for you", rest),
    ):
        if group:
            parts.append(f"{heading}:\n" + "\n".join(_line(t, today) for t in group))
    counts = [f"{len(g)} {name}" for name, g in (("overdue", overdue), ("due soon", soon), ("new", new)) if g]
    subject = f"Your daily digest, {today:%-d %B}: " + ", ".join(counts)
    body = f"What is waiting for you in {settings.SERVICE_NAME} today:\n\n" + "\n\n".join(parts) + "\n\n" + _footer()
    return subject, body


# --- the runs --------------------------------------------------------------------------------------------


def _tell(person: User, *, quiet: bool, today: datetime.date) -> bool:
    """E-mail ``person`` the tasks they were never told of; record each, e-mailed or not. True if e-mailed."""
    tasks = person_tasks(person)
    if not tasks:
        return False
    with transaction.atomic():
        _lock(person)
        untold = _untold(person, tasks)
        if not quiet and person.task_emails != TaskEmails.IMMEDIATE:
            return False  # the digest only: tomorrow's digest tells them of what is untold
        emailed = [] if quiet else [t for t in untold if not t.announced]
        _record(person, emailed, TaskNotice.Channel.IMMEDIATE)
        _record(person, [t for t in untold if t not in emailed], TaskNotice.Channel.NONE)
        if not emailed:
            return False
        subject, body = _immediate_message(emailed, today)
        # Sent inside the transaction: a refused message rolls its records back, so it is tried again.
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[person.email])
    return True


def task_emails_send(*, partnership_id: int, actor_id: int | None = None, panel: bool = False) -> EmailRun:
    """Tell the partnership's people (and the Panel's members when ``panel``) of the tasks given to them.

    The person who made the write (``actor_id``) gave themself any task it created: theirs are recorded, not
    e-mailed. Runs in the system scope, as a background job does (a run at once, in tests, would otherwise
    inherit the writer's scope); each person's tasks are read in their own scope (``person_tasks``)."""
    today = timezone.localdate()
    sent = failed = 0
    with dbscope.scoped(dbscope.SYSTEM):
        for person in _people(partnership_id=partnership_id, panel=panel):
            try:
                sent += _tell(person, quiet=person.pk == actor_id, today=today)
            except Exception as exc:  # one refused address must not stop the others (see the module)
                failed += 1
                logger.warning("Task e-mail to person %s not sent: %s", person.pk, type(exc).__name__)
    if failed:
        logger.error("Task e-mails for partnership %s: %s sent, %s not sent", partnership_id, sent, failed)
    return EmailRun(sent=sent, failed=failed)


def _works_today(person: User, today: datetime.date, calendars: dict[str, WorkingCalendar]) -> bool:
    """The digest goes on a working day of one of the person's partnerships (England for the national roles),
    on its calendar (DESIGN.md rule 4: days from cspr.timescales)."""
    nations = set(Membership.objects.active().filter(user=person).values_list("partnership__nation", flat=True)) or {
        "england"
    }
    for nation in sorted(n or "england" for n in nations):
        if nation not in calendars:
            calendars[nation] = WorkingCalendar(nation)
        if calendars[nation].is_working_day(today):
            return True
    return False


def _digest(person: User, today: datetime.date) -> bool:
    """Send ``person`` today's digest if something is overdue, due soon or untold. True if sent."""
    tasks = person_tasks(person)
    if not tasks:
        return False
    with transaction.atomic():
        _lock(person)
        if TaskDigest.objects.filter(user=person, day=today).exists():
            return False
        untold = _untold(person, tasks)
        if not untold and not any(t.status(today) for t in tasks):
            return False
        subject, body = _digest_message(tasks, untold, today)
        TaskDigest.objects.create(user=person, day=today, tasks=len(tasks))
        _record(person, untold, TaskNotice.Channel.DIGEST)
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[person.email])
    return True


def task_digests_send(*, today: datetime.date | None = None) -> EmailRun:
    """``cspr daily``: each person's digest, at most one a day (a second run the same day sends nothing)."""
    today = today or timezone.localdate()
    sent = failed = 0
    calendars: dict[str, WorkingCalendar] = {}
    with dbscope.scoped(dbscope.SYSTEM):
        people = _people().exclude(pk__in=TaskDigest.objects.filter(day=today).values("user_id"))
        for person in people.iterator():
            if not _works_today(person, today, calendars):
                continue
            try:
                sent += _digest(person, today)
            except Exception as exc:  # one refused address must not stop the others (see the module)
                failed += 1
                logger.warning("Task digest to person %s not sent: %s", person.pk, type(exc).__name__)
    if failed:
        logger.error("Task digests on %s: %s sent, %s not sent", today.isoformat(), sent, failed)
    return EmailRun(sent=sent, failed=failed)
