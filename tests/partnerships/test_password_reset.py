"""Password reset by e-mail: the link sets a new password, and the second factor is still asked after it."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from cspr.partnerships.roles import Role


@pytest.mark.django_db
def test_reset_link_sets_a_new_password_and_two_factor_is_still_required(make_user, make_partnership):
    user = make_user(Role.BUSINESS_MANAGER, make_partnership())
    client = Client()
    response = client.post("/password-reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/password-reset/[^\s]+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new_password = "a brand new long password"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    signed = client.post("/sign-in/", {"username": user.email, "password": new_password})
    assert signed["Location"].startswith("/sign-in/two-factor/")
    assert client.get("/home/").status_code == 302


@pytest.mark.django_db
def test_reset_for_unknown_address_says_the_same_and_sends_nothing():
    response = Client().post("/password-reset/", {"email": "nobody@example.gov.uk"}, follow=True)
    assert "If an account uses that address" in response.content.decode()
    assert len(mail.outbox) == 0
