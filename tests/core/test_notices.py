"""Issue 12, item 2: e-mail when something needs you. An e-mail when a write gives someone a task (through
django.tasks, after the write commits), one daily digest per person from ``cspr daily``; nothing is sent twice,
one refused address does not stop the rest, a person may choose the digest only, and links are built from
SITE_URL. No e-mail names the child: only the case's reference and pseudonym (DESIGN.md rule 6)."""

from __future__ import annotations

import datetime
import io
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from cspr.cases import services
from cspr.cases.models import Case
from cspr.core.models import TaskDigest, TaskNotice
from cspr.partnerships.models import User
from cspr.partnerships.roles import Role
from cspr.partnerships.services import user_set_task_emails
from cspr.timescales import WorkingCalendar
from cspr.web.notices import task_digests_send, task_emails_send
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import ALL_CRITERIA, health_request, notified_case

chain = case_fixtures.chain

pytestmark = pytest.mark.django_db

SITE = "https://reviews.example.gov.uk"


def to(person: User) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [person.email]]


def submit_for_decision(chain: dict[str, Any], case: Case) -> None:
    services.rapid_review_update(
        actor=chain["manager"],
        case=case,
        version=case.rapid_review.version,
        criteria=ALL_CRITERIA,
        sections={"recommendation": "local_review", "recommendation_reasons": "Agencies did not share information"},
    )
    services.rapid_review_submit_for_decision(actor=chain["manager"], case=case)
    case.refresh_from_db()


def refuse(monkeypatch: Any, *refused: User) -> None:
    """The mail server refuses these people's addresses (an SMTP error for that one recipient)."""
    send = EmailBackend.send_messages

    def send_messages(self: EmailBackend, messages: list[mail.EmailMessage]) -> int:
        for message in messages:
            for person in refused:
                if person.email in message.to:
                    raise smtplib.SMTPRecipientsRefused({person.email: (550, b"No such mailbox")})
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)


@pytest.fixture
def working_morning(time_machine: Any) -> datetime.date:
    """07:00 on a working day (the digest goes on working days), with the cases made from then."""
    day = WorkingCalendar("england").roll_forward(timezone.localdate())
    time_machine.move_to(f"{day.isoformat()} 07:00:00+00:00", tick=False)
    return day


# --- the e-mail when a task is given ---------------------------------------------------------------------


@override_settings(SITE_URL=SITE)
def test_decision_makers_are_emailed_when_the_rapid_review_reaches_them_and_the_writer_is_not(
    chain: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    case = notified_case(chain)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit_for_decision(chain, case)
    for who in ("la", "police", "icb"):
        (message,) = to(chain[who])
        assert message.subject == f"Waiting for you: {case.reference}"
        assert "Vote on whether to carry out a review" in message.body
        assert f"{SITE}/cases/{case.pk}/decision/vote/" in message.body and f"{SITE}/home/" in message.body
        assert case.pseudonym in message.body and "Baby Example" not in message.body  # no personal data
        assert "127.0.0.1" not in message.body and ":8000" not in message.body
    assert to(chain["manager"]) == []  # the business manager submitted it: nothing new was given to them
    assert to(chain["scrutineer"]) == [] and to(chain["auditor"]) == []


def test_running_again_sends_nothing_twice(chain: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    case = notified_case(chain)
    with django_capture_on_commit_callbacks(execute=True):
        submit_for_decision(chain, case)
    sent = len(mail.outbox)
    run = task_emails_send(partnership_id=chain["partnership"].pk)
    assert (run.sent, run.failed, len(mail.outbox)) == (0, 0, sent)
    assert TaskNotice.objects.filter(user=chain["la"], channel="immediate").count() == 1


def test_each_vote_of_a_new_round_is_a_new_email(
    chain: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    case = notified_case(chain)
    submit_for_decision(chain, case)
    task_emails_send(partnership_id=chain["partnership"].pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for who, option in (("la", "local_review"), ("police", "no_review"), ("icb", "learning_review")):
            services.decision_record_vote(actor=chain[who], case=case, option=option, rationale="Reasons")
    # They disagreed: the scrutineer is asked (and the last voter, whose vote made it so, gets nothing new).
    assert [m.to for m in mail.outbox] == [[chain["scrutineer"].email]]
    assert "The decision makers disagree: give your advice" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_record_scrutineer_advice(actor=chain["scrutineer"], case=case, advice="Consider (c)")
    assert {m.to[0] for m in mail.outbox} == {chain[w].email for w in ("manager", "la", "police", "icb")}


def test_the_business_manager_is_emailed_when_an_answer_comes_back(
    chain: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    request = health_request(chain, notified_case(chain))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.agency_request_respond(actor=chain["health"], agency_request=request, response="Two visits")
    (message,) = to(chain["manager"])
    assert "The agency summary came back: read it and write up the rapid review" in message.body
    assert to(chain["health"]) == []


def test_a_contributor_gets_the_request_once_not_also_as_a_task_email(
    chain: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    case = notified_case(chain)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        health_request(chain, case)
    (message,) = to(chain["health"])
    assert message.subject == f"Request for information: {case.reference}"  # the request's own e-mail
    assert TaskNotice.objects.get(user=chain["health"]).channel == "none"


def test_panel_members_are_emailed_when_the_rapid_review_is_sent(
    chain: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    second = make_user(Role.PANEL_MEMBER, None)
    case = notified_case(chain)
    submit_for_decision(chain, case)
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale="Agreed")
    case.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=timezone.localdate())
    for member in (chain["panel"], second):
        (message,) = to(member)
        assert "Respond to the rapid review and the partners' decision" in message.body
        assert f"/cases/{case.pk}/panel-response/" in message.body


def test_a_write_that_rolls_back_emails_nobody(chain: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    case = notified_case(chain)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        submit_for_decision(chain, case)
        raise RuntimeError("the request failed after the write")
    assert mail.outbox == [] and not TaskNotice.objects.exists()


def test_digest_only_suppresses_the_immediate_email_and_the_digest_then_names_the_task(
    chain: dict[str, Any], working_morning: datetime.date, django_capture_on_commit_callbacks: Any
) -> None:
    user_set_task_emails(actor=chain["la"], choice="digest")
    case = notified_case(chain)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit_for_decision(chain, case)
    assert to(chain["la"]) == [] and len(to(chain["police"])) == 1
    task_digests_send()
    (digest,) = to(chain["la"])
    assert digest.subject.startswith("Your daily digest") and "1 new" in digest.subject
    assert "New since you were last told:\n- Vote on whether to carry out a review" in digest.body
    # Police were told at once and nothing of theirs is overdue or due soon: no digest for them today.
    assert len(to(chain["police"])) == 1


def test_one_refused_address_does_not_stop_the_other_task_emails(
    chain: dict[str, Any], monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    refuse(monkeypatch, chain["la"])
    case = notified_case(chain)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit_for_decision(chain, case)
    assert to(chain["la"]) == [] and len(to(chain["police"])) == 1 and len(to(chain["icb"])) == 1
    assert not TaskNotice.objects.filter(user=chain["la"]).exists()  # so it is tried again
    monkeypatch.undo()
    assert task_emails_send(partnership_id=chain["partnership"].pk).sent == 1
    assert len(to(chain["la"])) == 1


# --- the daily digest ------------------------------------------------------------------------------------


def test_cspr_daily_sends_each_persons_digest_once_however_often_it_runs(
    chain: dict[str, Any], working_morning: datetime.date
) -> None:
    case = notified_case(chain, aware_days_ago=30, sent_days_ago=25)  # the rapid review is overdue
    TaskNotice.objects.all().delete()
    mail.outbox.clear()
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "Task digests sent: 1" in out.getvalue()
    (digest,) = to(chain["manager"])
    assert "1 overdue" in digest.subject
    assert f"Overdue:\n- Ask agencies for summaries and write up the rapid review ({case.reference}" in digest.body
    call_command("daily", stdout=(again := io.StringIO()))
    assert "Task digests sent: 0" in again.getvalue() and len(mail.outbox) == 1
    assert TaskDigest.objects.get(user=chain["manager"]).day == working_morning


def test_one_refused_address_does_not_stop_the_other_digests_and_daily_reports_it(
    chain: dict[str, Any], working_morning: datetime.date, monkeypatch: Any
) -> None:
    case = notified_case(chain, aware_days_ago=30, sent_days_ago=25)
    submit_for_decision(chain, case)  # each decision maker's vote is overdue with the rapid review
    refuse(monkeypatch, chain["police"])
    mail.outbox.clear()
    out = io.StringIO()
    with pytest.raises(CommandError, match="Task digests not sent: 1"):
        call_command("daily", stdout=out)
    assert "Task digests sent: 2" in out.getvalue()
    assert len(to(chain["la"])) == 1 and len(to(chain["icb"])) == 1 and to(chain["police"]) == []
    assert not TaskDigest.objects.filter(user=chain["police"]).exists()
    monkeypatch.undo()
    call_command("daily", stdout=io.StringIO())  # the next run sends only the one that failed
    assert len(to(chain["police"])) == 1 and len(to(chain["la"])) == 1


@override_settings(SITE_URL="https://cspr.partnership.example/reviews/")
def test_digest_links_use_the_configured_site_address(chain: dict[str, Any], working_morning: datetime.date) -> None:
    case = notified_case(chain, aware_days_ago=30, sent_days_ago=25)
    mail.outbox.clear()
    task_digests_send()
    (digest,) = to(chain["manager"])
    assert f"https://cspr.partnership.example/reviews/cases/{case.pk}/" in digest.body
    assert "https://cspr.partnership.example/reviews/account/" in digest.body
    assert "Baby Example" not in digest.body


def test_no_digest_on_a_day_that_is_not_a_working_day(chain: dict[str, Any], time_machine: Any) -> None:
    saturday = timezone.localdate()
    while saturday.weekday() != 5:
        saturday += datetime.timedelta(days=1)
    time_machine.move_to(f"{saturday.isoformat()} 07:00:00+00:00", tick=False)
    notified_case(chain, aware_days_ago=30, sent_days_ago=25)
    mail.outbox.clear()
    assert task_digests_send().sent == 0 and mail.outbox == []


def test_each_audit_event_reaches_the_write_listeners_with_ids_only(monkeypatch: Any, chain: dict[str, Any]) -> None:
    from cspr.audit.services import audit_record
    from cspr.core import registry

    heard: list[registry.WrittenEvent] = []
    monkeypatch.setattr(registry, "WRITE_LISTENERS", {"probe": heard.append})
    audit_record(actor=chain["manager"], action="probe.done", partnership=chain["partnership"], after={"x": 1})
    assert heard == [
        registry.WrittenEvent(
            action="probe.done",
            actor_id=chain["manager"].pk,
            partnership_id=chain["partnership"].pk,
            object_type="",
            object_id="",
        )
    ]
