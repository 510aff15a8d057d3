"""The signed-in home page: what waits for this person, their memberships, and what each app has for them.

The task list (issue 12) gathers every app's tasks through ``cspr.core.registry.tasks_for``, soonest due first;
each app adds its kinds of task, and any other panel, from its ``AppConfig.ready()`` (the cases app: the
chain's steps, cases by stage, what is due soonest), so neither ``web`` nor ``partnerships`` imports them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cspr.core import registry
from cspr.partnerships import selectors
from cspr.partnerships.roles import Role
from cspr.partnerships.types import AuthedRequest
from cspr.web.system_admin import system_admin_overview

# The GOV.UK tag colour for each status a task's due date gives it.
STATUS_TAGS = {"overdue": ("Overdue", "govuk-tag--red"), "due_soon": ("Due soon", "govuk-tag--yellow")}


def task_list_items(tasks: list[registry.Task], today: Any) -> list[dict[str, Any]]:
    """The GOV.UK task list component's items: the task as a link to the page where it is done, the case and
    partnership as its hint, and its due date as its status (a tag when overdue or due soon)."""
    items = []
    for task in tasks:
        hint = ", ".join(part for part in (task.reference, task.pseudonym, task.where) if part)
        due = f"Due {task.due:%-d %B %Y}" if task.due is not None else "To do"
        status = task.status(today)
        if status:
            text, classes = STATUS_TAGS[status]
            status_param: dict[str, Any] = {"tag": {"text": f"{text}: {due.lower()}", "classes": classes}}
        else:
            status_param = {"text": due}
        items.append({"title": {"text": task.label}, "href": task.url, "hint": {"text": hint}, "status": status_param})
    return items


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    memberships = list(selectors.user_memberships(user=request.user))
    panels: dict[str, Any] = {}
    for panel in registry.HOME_PANELS.values():
        panels.update(panel(request.user))
    tasks = registry.tasks_for(request.user)
    return render(
        request,
        "web/home.html",
        {
            "memberships": memberships,
            "access": selectors.access_for(request.user),
            "admin_partnerships": [m.partnership for m in memberships if m.role == Role.BUSINESS_MANAGER],
            "reviewer_partnerships": [m.partnership for m in memberships if m.role == Role.REVIEWER],
            "tasks": tasks,
            "task_items": task_list_items(tasks, timezone.localdate()),
            "system_admin": system_admin_overview(user=request.user),
            **panels,
        },
    )
