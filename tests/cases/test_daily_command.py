"""`cspr daily` sends the day's reminders once and applies library retention."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command

from cspr.cases import services
from tests.cases.conftest import notified_case


@pytest.mark.django_db
def test_daily_sends_due_reminders_once(chain, time_machine):
    case = notified_case(chain)
    request = services.agency_request_create(
        actor=chain["manager"],
        case=case,
        organisation=chain["orgs"]["nhs_trust"],
        contributor=chain["health"],
        shared_facts="facts",
    )
    from cspr.timescales import WorkingCalendar

    day_after_due = WorkingCalendar("england").add_working_days(request.due_date, 1)
    time_machine.move_to(f"{day_after_due.isoformat()} 07:00:00+00:00", tick=False)
    mail.outbox.clear()
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "Reminders sent: 1" in out.getvalue()
    assert mail.outbox[0].subject.startswith("Overdue")
    call_command("daily", stdout=io.StringIO())
    assert len(mail.outbox) == 1
