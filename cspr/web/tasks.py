"""Background work of the web app, run by django.tasks (the database worker, ``cspr db_worker``; at once in
tests: settings.TASKS), and how a write arranges it for after its commit."""

from __future__ import annotations

import functools
import threading

from django.db import transaction
from django.tasks import task

from cspr.web.notices import task_emails_send


@task
def task_emails_send_task(*, partnership_id: int, actor_id: int | None, panel: bool) -> dict[str, int]:
    """Tell a partnership's people (and the Panel's) of the tasks a write just gave them (issue 12)."""
    run = task_emails_send(partnership_id=partnership_id, actor_id=actor_id, panel=panel)
    return {"sent": run.sent, "failed": run.failed}


# --- after a write: arrange the run for after the commit -------------------------------------------------

_pending = threading.local()


def _runs() -> dict[int, tuple[int | None, bool]]:
    runs: dict[int, tuple[int | None, bool]] | None = getattr(_pending, "runs", None)
    if runs is None:
        runs = _pending.runs = {}
    return runs


def task_emails_schedule(*, partnership_id: int, actor_id: int | None, panel: bool) -> None:
    """Arrange ``task_emails_send`` for the partnership once the writing transaction commits; several writes
    in one transaction (a move, its dates and its audit events) give one run. A write that rolls back runs
    nothing: its callback is dropped with it, and what it left pending is merged into the next write's run."""
    runs = _runs()
    _, had_panel = runs.get(partnership_id, (None, False))
    runs[partnership_id] = (actor_id, panel or had_panel)
    # robust: a queue that cannot be written to must not turn a committed write into an error page; the
    # digest still tells everyone of their tasks the next morning.
    transaction.on_commit(functools.partial(_enqueue, partnership_id), robust=True)


def _enqueue(partnership_id: int) -> None:
    pending = _runs().pop(partnership_id, None)
    if pending is None:
        return  # an earlier callback of the same transaction enqueued it
    actor_id, panel = pending
    task_emails_send_task.enqueue(partnership_id=partnership_id, actor_id=actor_id, panel=panel)
