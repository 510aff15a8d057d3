"""Each partnerships form posted after the idle timeout is kept, and after signing in again the page the user is
sent back to shows what they had typed (the sign-in page promises "What you had typed was kept")."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from cspr.core.drafts import draft_get
from cspr.partnerships.models import ApiToken, Organisation
from cspr.partnerships.roles import Role


def _later(minutes: int) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=minutes), tick=False)


# page the form is on, where it posts, what was typed, and the field's value as the restored page shows it
FORMS: dict[str, tuple[str, str, dict[str, str], str]] = {
    "invite a person": (
        "/partnerships/{slug}/people/invite/",
        "/partnerships/{slug}/people/invite/",
        {"full_name": "Typed Before Timeout", "email": "typed@example.gov.uk", "role": "auditor"},
        'value="Typed Before Timeout"',
    ),
    "add an agency": (
        "/partnerships/{slug}/agencies/add/",
        "/partnerships/{slug}/agencies/add/",
        {"name": "Typed Academy Trust", "kind": "school"},
        'value="Typed Academy Trust"',
    ),
    "create an API token": (
        "/account/",
        "/account/tokens/",
        {"name": "typed-token-name"},
        'value="typed-token-name"',
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS, ids=list(FORMS))
def test_a_form_posted_after_the_idle_timeout_comes_back_filled_in(form: str, make_user, make_partnership, client_for):
    partnership = make_partnership()
    manager = make_user(Role.BUSINESS_MANAGER, partnership)
    page, action, typed, shown = (x.format(slug=partnership.slug) if isinstance(x, str) else x for x in FORMS[form])
    client = client_for(manager)
    assert client.get(page).status_code == 200
    with _later(45):
        expired = client.post(action, {**typed, "csrfmiddlewaretoken": "x"})
        assert expired.status_code == 302 and expired["Location"].startswith("/sign-in/")
        back_to = parse_qs(urlsplit(expired["Location"]).query)["next"][0]
        assert draft_get(user=manager, key=back_to) is not None
        again = client_for(manager).get(back_to)
        body = again.content.decode()
        assert again.status_code == 200, f"{back_to} answered {again.status_code} after signing in again"
        assert shown in body and "We kept what you had typed" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "typed", "made"),
    [
        (
            "/partnerships/{slug}/agencies/add/",
            {"name": "Typed Academy Trust", "kind": "school"},
            lambda: Organisation.objects.filter(name="Typed Academy Trust").exists(),
        ),
        (
            "/account/tokens/",
            {"name": "typed-token-name"},
            lambda: ApiToken.objects.filter(name="typed-token-name").exists(),
        ),
    ],
    ids=["add an agency", "create an API token"],
)
def test_submitting_the_restored_form_saves_it_and_discards_the_draft(
    action: str, typed: dict[str, str], made: Any, make_user, make_partnership, client_for
):
    partnership = make_partnership()
    manager = make_user(Role.BUSINESS_MANAGER, partnership)
    action = action.format(slug=partnership.slug)
    client = client_for(manager)
    client.get("/home/")
    with _later(45):
        client.post(action, typed)
        assert draft_get(user=manager, key=action) is not None
        response = client_for(manager).post(action, typed)
    assert response.status_code == 302 and made()
    assert draft_get(user=manager, key=action) is None
