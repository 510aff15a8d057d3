"""`cspr daily` sends the day's reminders once and applies library retention."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from cspr.cases import services
from cspr.cases.models import AgencyRequest
from cspr.timescales import WorkingCalendar
from tests.cases.conftest import health_request, notified_case


def _overdue_request(chain: dict[str, Any], time_machine: Any) -> AgencyRequest:
    """A request to the NHS trust's contributor, with the clock at 07:00 on the working day after it was due."""
    request = health_request(chain, notified_case(chain))
    day_after_due = WorkingCalendar("england").add_working_days(request.due_date, 1)
    time_machine.move_to(f"{day_after_due.isoformat()} 07:00:00+00:00", tick=False)
    return request


@pytest.mark.django_db
def test_daily_sends_due_reminders_once(chain, time_machine):
    _overdue_request(chain, time_machine)
    mail.outbox.clear()
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "Reminders sent: 1" in out.getvalue()
    assert mail.outbox[0].subject.startswith("Overdue")
    assert sum(m.subject.startswith("Overdue") for m in mail.outbox) == 1
    first = len(mail.outbox)  # the reminder, and the task digests (issue 12)
    call_command("daily", stdout=io.StringIO())
    assert len(mail.outbox) == first


@pytest.mark.django_db
def test_daily_applies_retention_and_then_fails_loudly_when_a_reminder_could_not_be_sent(
    chain, time_machine, monkeypatch
):
    request = _overdue_request(chain, time_machine)

    def refuse(**kwargs: object) -> int:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(services.rapid_review, "send_mail", refuse)
    out = io.StringIO()
    with pytest.raises(CommandError, match="Reminders not sent: 1"):
        call_command("daily", stdout=out)
    assert "Reminders sent: 0" in out.getvalue()
    assert "Library reports whose full text was removed: 0" in out.getvalue()  # retention still ran
    request.refresh_from_db()
    assert request.reminders_sent == []  # so the next run tries again
