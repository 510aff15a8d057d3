"""Session safety: idle timeout with draft keeping, two-factor enforcement, and no caching of case data."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from cspr.core.drafts import draft_data_from_post, draft_save

if TYPE_CHECKING:
    from cspr.partnerships.models import User  # annotations only: core imports no domain app

# A signed-in user who has not yet given the second factor is only half signed in. They reach, as themselves,
# only the journey that finishes (or abandons) signing in; these paths need to know who they are.
_SIGN_IN_JOURNEY = (
    "/static/",
    "/sign-in",
    "/sign-out",
    "/password-reset",
    "/invitations/",
    "/healthz",
    "/favicon.ico",
    "/robots.txt",
)
# Paths that must answer without a redirect (machines, and the statements every page links to): a half
# signed-in user reaches them as an anonymous visitor, so a session cookie from a password alone never adds
# anything to what they show. API clients authenticate with their bearer token, which replaces the user.
_AS_ANONYMOUS = ("/api/", "/accessibility", "/privacy")
_ACTIVITY_KEY = "cspr_last_activity"


class IdleTimeoutMiddleware:
    """Sign a user out after ``SESSION_IDLE_TIMEOUT_SECONDS`` without a request (30 minutes by default).

    A form posted after the session ended is not lost: its fields are kept as a server-side draft for the
    page it came from, and the user is sent to sign in again and then back to that page, where the form is
    filled in from the draft.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            now = time.time()
            last = request.session.get(_ACTIVITY_KEY)
            if last is not None and now - float(last) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                return self._expire(request, user)
            request.session[_ACTIVITY_KEY] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest, user: User) -> HttpResponse:
        came_from = request.path
        kept = False
        if request.method == "POST" and not came_from.startswith("/sign-"):
            data = draft_data_from_post(request.POST)
            if data:
                draft_save(user=user, key=came_from, data=data)
                kept = True
        logout(request)
        request.session["cspr_signed_out_idle"] = {"draft_kept": kept}
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"detail": "Your session has ended. Sign in again."}, status=401)
        query = urlencode({"next": came_from if request.method == "GET" or kept else reverse("home")})
        return HttpResponseRedirect(f"{reverse('sign_in')}?{query}")


class TwoFactorRequiredMiddleware:
    """Every account uses two-factor authentication (the issue's sign-in requirement). Until the second factor
    is verified in this session, a signed-in user reaches the sign-in journey as themselves, the API and the
    statements as an anonymous visitor, and is sent to the second-factor step from every other page: the
    public library included, since a half signed-in user is not anonymous there and must not be treated as a
    member of their partnerships either (its pages show a partnership's private reports and theme curation).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            if request.path.startswith(_AS_ANONYMOUS):
                request.user = AnonymousUser()
            elif not request.path.startswith(_SIGN_IN_JOURNEY):
                return HttpResponseRedirect(reverse("two_factor"))
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for signed-in users carry case data: browsers and proxies must not keep copies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
