"""A user who has given only their password has no memberships as far as tenancy is concerned: the second
wall behind TwoFactorRequiredMiddleware, for any page or API route that lets a half signed-in user through."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for


def _request_user(user: Any, session: dict[str, Any]) -> Any:
    """``request.user`` as django-otp's middleware hands it to a view, for a session holding ``session``."""
    request = RequestFactory().get("/")
    request.user = user
    request.session = session  # type: ignore[assignment]
    return OTPMiddleware(lambda r: r.user)(request)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_access_for_a_password_only_request_user_is_that_of_an_anonymous_visitor(make_user, make_partnership):
    partnership = make_partnership()
    user = make_user(Role.BUSINESS_MANAGER, partnership)
    make_user(Role.PANEL_MEMBER)  # someone else's national role must not leak in either
    access = access_for(_request_user(user, {}))
    assert access.user_id is None and access.partnership_ids() == [] and not access.is_panel


@pytest.mark.django_db
def test_access_for_a_request_user_with_both_factors_has_their_roles(make_user, make_partnership):
    partnership = make_partnership()
    user = make_user(Role.BUSINESS_MANAGER, partnership)
    device = TOTPDevice.objects.get(user=user)
    access = access_for(_request_user(user, {DEVICE_ID_SESSION_KEY: device.persistent_id}))
    assert access.user_id == user.pk and access.has_role(partnership.pk, Role.BUSINESS_MANAGER)


@pytest.mark.django_db
def test_access_for_a_user_outside_any_request_keeps_their_roles(make_user, make_partnership):
    """The command line, background tasks and bearer tokens reach users without a session: they are trusted
    through their own channel (a token is issued only after a full sign-in)."""
    partnership = make_partnership()
    user = make_user(Role.AUDITOR, partnership)
    assert access_for(user).has_role(partnership.pk, Role.AUDITOR)
