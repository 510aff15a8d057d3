"""Shared fixtures: partnerships, people in each role, and clients signed in with both factors."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.partnerships.models import Membership, Organisation, Partnership, User
from cspr.partnerships.roles import Role

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run inside one
# unless told it is safe (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_partnership(db: Any) -> Callable[..., Partnership]:
    counter = {"n": 0}

    def make(name: str | None = None, nation: str = "england") -> Partnership:
        counter["n"] += 1
        name = name or f"Test Partnership {counter['n']}"
        partnership = Partnership.objects.create(name=name, slug=name.lower().replace(" ", "-"), nation=nation)
        for org_name, kind in (
            (f"{name} Council", Organisation.Kind.LOCAL_AUTHORITY),
            (f"{name} Police", Organisation.Kind.POLICE),
            (f"{name} ICB", Organisation.Kind.ICB),
            (f"{name} Hospital Trust", Organisation.Kind.NHS_TRUST),
        ):
            Organisation.objects.create(partnership=partnership, name=org_name, kind=kind)
        return partnership

    return make


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = {"n": 0}

    def make(
        role: Role | str | None = None,
        partnership: Partnership | None = None,
        organisation: Organisation | None = None,
        email: str | None = None,
        with_device: bool = True,
    ) -> User:
        counter["n"] += 1
        email = email or f"user{counter['n']}@example.gov.uk"
        user = User.objects.create_user(email, PASSWORD, full_name=f"Test User {counter['n']}")
        if role is not None:
            role = Role(role)
            if role == Role.AGENCY_CONTRIBUTOR and organisation is None and partnership is not None:
                organisation = partnership.organisations.filter(kind="nhs_trust").first()
            Membership.objects.create(user=user, partnership=partnership, organisation=organisation, role=role.value)
        if with_device:
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user

    return make


def verified_client(user: User) -> Client:
    """A client signed in with password and second factor, as after a full sign-in."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None, "the user needs a confirmed device"
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    return verified_client


@pytest.fixture
def two_partnerships(make_partnership: Any, make_user: Any) -> dict[str, Any]:
    """Partnership A with a business manager, and partnership B with its own."""
    a = make_partnership("Alpha")
    b = make_partnership("Bravo")
    return {
        "a": a,
        "b": b,
        "a_manager": make_user(Role.BUSINESS_MANAGER, a),
        "b_manager": make_user(Role.BUSINESS_MANAGER, b),
    }


# Browser fixtures are defined once for the whole session here: a second sync Playwright in the same
# session fails, so test modules use these and import only assert_accessible from tests.browser.
from tests.browser import browser, page  # noqa: E402, F401
