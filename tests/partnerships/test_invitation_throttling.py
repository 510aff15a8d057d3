"""Issue "Prove it holds", defect 7: the invitation page's password step (an existing account accepts with its
current password) was not throttled, so a leaked invitation link allowed unlimited password guesses. It now
counts towards the same django-axes lockout as sign-in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from cspr.partnerships.models import Membership
from cspr.partnerships.roles import Role
from cspr.partnerships.services import invitation_create
from tests.conftest import PASSWORD


@pytest.fixture
def invited_existing(two_partnerships, make_user):
    """Someone with an account in partnership B is invited into A: accepting asks for their password."""
    a = two_partnerships["a"]
    person = make_user(Role.REVIEWER, two_partnerships["b"], email="existing@example.gov.uk")
    _, token = invitation_create(
        actor=two_partnerships["a_manager"],
        partnership=a,
        email=person.email,
        full_name="Existing Person",
        role=Role.SCRUTINEER.value,
    )
    return person, f"/invitations/{token}/", a


@pytest.mark.django_db
def test_defect_7_invitation_password_step_locks_out_after_repeated_failures(invited_existing):
    person, link, a = invited_existing
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post(link, {"password1": "not the password at all"})
        assert wrong.status_code == 200 and "The password is not correct" in wrong.content.decode()
    locked = client.post(link, {"password1": "still not the password"})
    assert locked.status_code == 429
    assert "locked for 30 minutes" in locked.content.decode()
    # Locked: even the right password is refused now, and no membership is added.
    again = client.post(link, {"password1": PASSWORD})
    assert again.status_code == 429
    assert not Membership.objects.filter(user=person, partnership=a).exists()
    # The lockout is shared with sign-in: the account cannot be signed in to either.
    sign_in = Client().post("/sign-in/", {"username": person.email, "password": PASSWORD})
    assert sign_in.status_code == 429


@pytest.mark.django_db
def test_defect_7_the_right_password_still_accepts_before_the_limit(invited_existing):
    person, link, a = invited_existing
    client = Client()
    assert client.post(link, {"password1": "a wrong guess here"}).status_code == 200
    accepted = client.post(link, {"password1": PASSWORD})
    assert accepted.status_code == 302
    assert Membership.objects.filter(user=person, partnership=a, role=Role.SCRUTINEER.value).exists()
