"""30 minutes idle signs a user out; a form posted after that is kept as a draft and offered back."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client

from cspr.core.drafts import draft_get
from cspr.core.models import Draft
from cspr.partnerships.roles import Role


@pytest.fixture
def manager(make_user, make_partnership):
    return make_user(Role.BUSINESS_MANAGER, make_partnership())


def _later(minutes: int) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=minutes), tick=False)


@pytest.mark.django_db
def test_activity_within_30_minutes_keeps_the_session(manager, client_for):
    client = client_for(manager)
    assert client.get("/home/").status_code == 200
    with _later(29):
        assert client.get("/home/").status_code == 200


@pytest.mark.django_db
def test_31_idle_minutes_sign_the_user_out(manager, client_for):
    client = client_for(manager)
    client.get("/home/")
    with _later(31):
        response = client.get("/cases/")
        assert response.status_code == 302
        assert response["Location"] == "/sign-in/?next=%2Fcases%2F"
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"]).content.decode()
        assert "You were signed out because you did nothing for 30 minutes" in page


@pytest.mark.django_db
def test_form_posted_after_timeout_is_kept_as_a_draft_and_restored(manager, client_for):
    client = client_for(manager)
    page = f"/partnerships/{manager.memberships.get().partnership.slug}/people/invite/"
    client.get(page)
    with _later(45):
        response = client.post(
            page,
            {
                "full_name": "Typed Before Timeout",
                "email": "typed@example.gov.uk",
                "role": "auditor",
                "csrfmiddlewaretoken": "x",
            },
        )
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
        kept = draft_get(user=manager, key=page)
        assert kept is not None and kept["full_name"] == ["Typed Before Timeout"]
        assert "csrfmiddlewaretoken" not in kept
        # The draft is stored encrypted: its text is not in the database row.
        raw = Draft.objects.filter(user=manager).values_list("data", flat=True)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM core_draft")
            assert "Typed Before Timeout" not in cursor.fetchone()[0]
        assert raw
        # After signing in again the form is filled in from the draft.
        again = client_for(manager)
        form = again.get(page).content.decode()
        assert 'value="Typed Before Timeout"' in form
        assert "We kept what you had typed" in form


@pytest.mark.django_db
def test_autosave_endpoint_keeps_the_users_draft(manager, client_for):
    client = client_for(manager)
    response = client.post("/drafts/autosave/?key=/some/form/", {"summary": "half a sentence"})
    assert response.status_code == 200
    assert draft_get(user=manager, key="/some/form/") == {"summary": ["half a sentence"]}


@pytest.mark.django_db
def test_idle_warning_is_on_every_signed_in_page(manager, client_for):
    body = client_for(manager).get("/home/").content.decode()
    assert 'id="idle-warning"' in body and 'data-timeout="1800"' in body


@pytest.mark.django_db
def test_signed_out_visitors_get_no_idle_warning():
    assert 'id="idle-warning"' not in Client().get("/sign-in/").content.decode()


def _csrf_client(user) -> Client:
    """A verified client that checks CSRF tokens, as a browser's requests are checked."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def _stay_signed_in_token(body: str) -> str:
    import re

    form = re.search(
        r'<form method="post" action="/session/keep-alive/"[^>]*id="idle-keep-alive">(.*?)</form>', body, re.S
    )
    assert form, "the idle warning has no 'Stay signed in' form"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1))
    assert token, "the 'Stay signed in' form carries no CSRF token"
    return token.group(1)


@pytest.mark.django_db
def test_stay_signed_in_works_from_a_page_with_no_other_form_and_renews_the_session(manager):
    client = _csrf_client(manager)
    home = client.get("/home/").content.decode()
    assert home.count("<form") == 1, "this test needs a page whose only form is the idle warning's"
    token = _stay_signed_in_token(home)
    with _later(26):
        assert client.post("/session/keep-alive/", {"csrfmiddlewaretoken": token}).status_code == 204
    with _later(26 + 29):  # 55 minutes after the page was opened, 29 after "Stay signed in"
        assert client.get("/home/").status_code == 200


@pytest.mark.django_db
def test_stay_signed_in_without_a_csrf_token_is_refused(manager):
    client = _csrf_client(manager)
    client.get("/home/")
    assert client.post("/session/keep-alive/").status_code == 403
    assert client.post("/session/keep-alive/", HTTP_X_CSRFTOKEN="").status_code == 403


def _session_updates(queries) -> list[str]:
    return [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE") and "django_session" in q["sql"]
    ]


@pytest.mark.django_db
def test_a_run_of_pages_writes_the_session_once_not_on_every_request(manager, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(manager)
    client.get("/home/")  # the first page of the session records its activity
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/home/").status_code == 200
        assert client.get("/cases/").status_code == 200
    assert _session_updates(queries) == []
    with _later(2), CaptureQueriesContext(connection) as queries:
        assert client.get("/home/").status_code == 200
    assert len(_session_updates(queries)) == 1, "a minute on, the activity is recorded again"


def _at(seconds: int) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=seconds), tick=False)


@pytest.mark.django_db
def test_a_page_the_session_did_not_record_still_counts_as_activity(manager, client_for):
    """The stored activity may be up to a minute behind the last page; the session never ends before the user
    has been idle for the whole 30 minutes, and ends within a minute after."""
    client = client_for(manager)
    client.get("/home/")
    with _at(30):
        client.get("/home/")  # within the minute: not written
    last = 30
    with _at(last + 29 * 60 + 50):  # 29 minutes 50 seconds idle
        assert client.get("/home/").status_code == 200
    last += 29 * 60 + 50
    with _at(last + 31 * 60):
        assert client.get("/home/").status_code == 302


@pytest.mark.django_db
def test_a_post_without_a_valid_csrf_token_after_the_timeout_is_refused_not_kept_as_a_draft(manager):
    """A forged form (another site posting into the user's expired session, with no token) must not become
    a draft that the next visit pre-fills as "We kept what you had typed"."""
    client = _csrf_client(manager)
    page = f"/partnerships/{manager.memberships.get().partnership.slug}/people/invite/"
    client.get(page)
    with _later(45):
        for token in ({}, {"csrfmiddlewaretoken": "not-the-token"}):
            response = client.post(page, {"full_name": "Planted By Another Site", "email": "x@example.com", **token})
            assert response.status_code == 403
        assert draft_get(user=manager, key=page) is None
        assert not Draft.objects.filter(user=manager).exists()
        form = verified_client_page(manager, page)
        assert "Planted By Another Site" not in form and "We kept what you had typed" not in form


@pytest.mark.django_db
def test_a_post_with_its_csrf_token_after_the_timeout_is_still_kept_as_a_draft(manager):
    import re

    client = _csrf_client(manager)
    page = f"/partnerships/{manager.memberships.get().partnership.slug}/people/invite/"
    body = client.get(page).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token
    with _later(45):
        response = client.post(
            page, {"full_name": "Typed In Good Faith", "email": "a@example.gov.uk", "csrfmiddlewaretoken": token[1]}
        )
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
        kept = draft_get(user=manager, key=page)
        assert kept is not None and kept["full_name"] == ["Typed In Good Faith"]
        assert "We kept what you had typed" in verified_client_page(manager, page)


def verified_client_page(user, path: str) -> str:
    """The page as the user sees it after signing in again."""
    from tests.conftest import verified_client

    return verified_client(user).get(path).content.decode()
