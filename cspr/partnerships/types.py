"""Types for who is acting: the person on a request, and everyone a read may be for.

django-stubs types ``HttpRequest.user`` as ``User | AnonymousUser``. A view behind ``login_required`` only
ever sees a signed-in ``User``, so it takes an ``AuthedRequest`` (the pattern django-stubs documents) and
reads ``request.user`` as a ``User`` without a check at every use. Nothing here changes a request at
runtime: ``AuthedRequest`` is only ever an annotation.
"""

from __future__ import annotations

from typing import Protocol, cast

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from cspr.partnerships.models import User

# Whoever a read is for: a signed-in person, an anonymous visitor (the public library), or nobody at all
# (None: the command line and background tasks, which act as the operator of the installation).
type Viewer = User | AnonymousUser | None


class AuthedRequest(HttpRequest):
    """A request whose user has signed in: what ``login_required`` views (and TokenAuth's API) receive."""

    user: User


class _SecondFactorAware(Protocol):
    def is_verified(self) -> bool: ...


def second_factor_verified(user: User | AnonymousUser) -> bool:
    """Whether this request's user gave the second factor in this session.

    django-otp's OTPMiddleware gives every request's user an ``is_verified()`` method at runtime; django-otp
    has no types, so the method is named here, once, instead of at each call."""
    return cast(_SecondFactorAware, user).is_verified()
