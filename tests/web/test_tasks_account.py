"""Issue 12, item 2: each person chooses, on their account page, "an e-mail when something is given to me, and a
daily digest" or "the daily digest only". The choice is a write like any other: a form posted with its CSRF
token to the account page, one service, one audit event (DESIGN.md rule 2), the person's own setting only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cspr.audit.models import AuditEvent
from cspr.partnerships.models import User
from cspr.partnerships.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_partnership: Any, make_user: Any) -> User:
    user: User = make_user(Role.DECISION_MAKER_LA, make_partnership("Choosers"))
    return user


def test_the_account_page_shows_the_current_choice(person: User, client_for: Any) -> None:
    body = client_for(person).get("/account/").content.decode()
    assert 'id="task-emails"' in body
    assert 'value="immediate" checked' in body and 'value="digest" checked' not in body


def test_choosing_the_digest_only_is_saved_audited_and_said(person: User, client_for: Any) -> None:
    client: Client = client_for(person)
    response = client.post("/account/", {"task_emails": "digest"}, follow=True)
    assert response.redirect_chain[-1][0] == "/account/"
    person.refresh_from_db()
    assert person.task_emails == "digest"
    event = AuditEvent.objects.get(action="user.task_emails_changed")
    assert event.actor_id == person.pk and event.changes == {
        "before": {"task_emails": "immediate"},
        "after": {"task_emails": "digest"},
    }
    body = response.content.decode()
    assert "You will get the daily digest only." in body and 'value="digest" checked' in body


def test_a_choice_not_offered_is_refused_with_the_error_shown(person: User, client_for: Any) -> None:
    response = client_for(person).post("/account/", {"task_emails": "never"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "Choose one of the ways listed" in body
    person.refresh_from_db()
    assert person.task_emails == "immediate" and not AuditEvent.objects.filter(action="user.task_emails_changed")


def test_the_choice_needs_the_forms_csrf_token(person: User) -> None:
    from tests.conftest import verified_client

    client = verified_client(person)
    client.handler.enforce_csrf_checks = True
    assert client.post("/account/", {"task_emails": "digest"}).status_code == 403
    person.refresh_from_db()
    assert person.task_emails == "immediate"


def test_nobody_signed_in_and_a_password_only_session_cannot_choose(person: User) -> None:
    anonymous = Client()
    assert anonymous.post("/account/", {"task_emails": "digest"})["Location"].startswith("/sign-in/")
    half = Client()
    half.force_login(person)
    assert half.post("/account/", {"task_emails": "digest"})["Location"].startswith("/sign-in/two-factor/")
    person.refresh_from_db()
    assert person.task_emails == "immediate"


def test_the_choice_changes_only_the_persons_own_setting(person: User, make_user: Any, client_for: Any) -> None:
    other = make_user(Role.PANEL_MEMBER, None)
    client_for(person).post("/account/", {"task_emails": "digest", "user": other.pk})
    other.refresh_from_db()
    assert other.task_emails == "immediate"
