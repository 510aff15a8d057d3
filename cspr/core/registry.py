"""Where later apps plug themselves into earlier ones (DESIGN.md: imports run one way).

``core`` and ``partnerships`` come first in the chain and must not import ``cases`` or ``library``; yet
``cspr daily`` runs the cases' reminders and the library's retention, ``cspr rotate-keys`` re-encrypts the
cases' attachment files, ``cspr demo`` loads the demo cases, and the home page (in ``web``) shows what each
app has waiting. Each app registers what it contributes in its ``AppConfig.ready()`` through the functions
here; the commands and the page run whatever is registered, in registration order (INSTALLED_APPS order).
Explicit calls, tested, rather than Django signals.

Two hooks carry "what is waiting for whom" (issue 12): each app registers a *task source* (given a person,
the :class:`Task` objects waiting for them, read through that app's own selectors and visibility policy), which
the home page's task list and the task e-mails read; and a *write listener*, told of each audit event as the
service writing it appends it (``cspr.audit.services.audit_record``: every write has one, DESIGN.md rule 2),
so that a write which gives someone a task can have them told once it commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JobResult:
    """What a daily job says: one line for the operator (counts, never personal data), and whether part of it
    failed and must be retried (the command then exits 1 so cron or the timer's monitoring tells someone)."""

    summary: str
    failed: str = ""


@dataclass(frozen=True)
class FileRotationResult:
    """How many of an app's encrypted files were rewritten, and the ids of records whose file is missing."""

    what: str  # "Attachments"
    rewritten: int
    missing: tuple[int, ...] = ()


@dataclass(frozen=True)
class Task:
    """One thing waiting for one person, as the home page lists it and the task e-mails name it.

    It carries no personal data (DESIGN.md rule 6): the case's reference and the child's pseudonym, the
    partnership's name (references are unique only within a partnership), never a name or a narrative. The
    e-mails send exactly these fields, so a source must put nothing else in ``label``.

    ``key`` identifies the task stably across reads ("vote:case:12:round:2:stage:1:la"): the e-mails record
    each person's keys, so the same task is announced once, and a task given anew (a second round's vote) needs
    a new key. ``url`` is the path of the page where it is done. ``due`` and ``due_soon_from`` come from the
    stored clocks or the record's own due date (DESIGN.md rule 4: no date arithmetic here); ``announced`` is
    true when the service that gives the task e-mails the person itself (an agency request), so the task
    e-mails do not say it twice.
    """

    key: str
    kind: str
    label: str
    url: str
    reference: str = ""
    pseudonym: str = ""
    where: str = ""
    due: datetime.date | None = None
    due_soon_from: datetime.date | None = None
    announced: bool = False

    def status(self, today: datetime.date) -> str:
        """``overdue`` after its due date, ``due_soon`` from its due-soon day until then, else ``""``."""
        if self.due is None:
            return ""
        if today > self.due:
            return "overdue"
        if self.due_soon_from is not None and today >= self.due_soon_from:
            return "due_soon"
        return ""


@dataclass(frozen=True)
class WrittenEvent:
    """What a write listener is told of one audit event: the action and ids only (never the changes)."""

    action: str
    actor_id: int | None
    partnership_id: int | None
    object_type: str
    object_id: str


HOME_PANELS: dict[str, Callable[[Any], Mapping[str, Any]]] = {}
DAILY_JOBS: dict[str, Callable[[], JobResult]] = {}
FILE_ROTATIONS: dict[str, Callable[[], FileRotationResult]] = {}
DEMO_LOADERS: dict[str, Callable[[Mapping[str, Any], datetime.date], None]] = {}
GENERATOR_STEPS: dict[str, Callable[[datetime.date, Any], None]] = {}
TASK_SOURCES: dict[str, Callable[[Any], list[Task]]] = {}
WRITE_LISTENERS: dict[str, Callable[[WrittenEvent], None]] = {}


def register_home_panel(name: str, panel: Callable[[Any], Mapping[str, Any]]) -> None:
    """Add an app's part of the home page: given the signed-in user, the template variables it fills (each
    read through that app's own selectors, so scoped to the user)."""
    HOME_PANELS[name] = panel


def register_daily_job(name: str, job: Callable[[], JobResult]) -> None:
    """Add a job to ``cspr daily``. Jobs must be idempotent for the day: the command may run twice."""
    DAILY_JOBS[name] = job


def register_file_rotation(name: str, rotate: Callable[[], FileRotationResult]) -> None:
    """Add encrypted files to ``cspr rotate-keys`` (fields are found from the models themselves)."""
    FILE_ROTATIONS[name] = rotate


def register_demo_loader(name: str, load: Callable[[Mapping[str, Any], datetime.date], None]) -> None:
    """Add demo records to ``cspr demo``, given the demo partnerships by slug and today's date."""
    DEMO_LOADERS[name] = load


def register_generator_step(name: str, step: Callable[[datetime.date, Any], None]) -> None:
    """Add an app's records to ``cspr generate`` (the national-scale data for ``make bench``), given today's
    date and the run's seeded ``random.Random``; run after the cases, in registration order."""
    GENERATOR_STEPS[name] = step


def register_task_source(name: str, source: Callable[[Any], list[Task]]) -> None:
    """Add an app's kinds of task to everyone's task list: given a person, what waits for them in that app,
    read through the app's own selectors and policy (so scoped to them) with a number of queries that does not
    grow with the number of cases (DESIGN.md rule 8)."""
    TASK_SOURCES[name] = source


def tasks_for(user: Any) -> list[Task]:
    """Everything waiting for ``user`` from every app, soonest due first; tasks with no due date after those
    with one, in each app's own order (issue 12: "soonest due first, from every app")."""
    tasks = [task for source in TASK_SOURCES.values() for task in source(user)]
    dated = sorted((t for t in tasks if t.due is not None), key=lambda t: (t.due, t.key))
    return dated + [t for t in tasks if t.due is None]


def register_write_listener(name: str, listener: Callable[[WrittenEvent], None]) -> None:
    """Be told of each audit event as it is appended, inside the writing service's transaction. A listener
    must be cheap and must not write: it may only arrange work for after the commit
    (``transaction.on_commit``), so a write that rolls back leaves nothing behind (DESIGN.md rule 5)."""
    WRITE_LISTENERS[name] = listener


def written(event: WrittenEvent) -> None:
    """Tell every write listener of ``event`` (called by ``cspr.audit.services.audit_record``)."""
    for listener in WRITE_LISTENERS.values():
        listener(event)
