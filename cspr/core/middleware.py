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
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, resolve, reverse

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
# Paths that must answer without a redirect (machines, the statements every page links to, and a partnership's
# public page of published reviews): a half
# signed-in user reaches them as an anonymous visitor, so a session cookie from a password alone never adds
# anything to what they show. API clients authenticate with their bearer token, which replaces the user.
_AS_ANONYMOUS = ("/api/", "/accessibility", "/privacy", "/public/")
_ACTIVITY_KEY = "cspr_last_activity"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")  # RFC 9110, as the CSRF check reads it


class IdleTimeoutMiddleware:
    """Sign a user out after ``SESSION_IDLE_TIMEOUT_SECONDS`` without a request (30 minutes by default).

    A form posted after the session ended is not lost: its fields are kept as a server-side draft for the
    page it came from, and the user is sent to sign in again and then back to that page, where the form is
    filled in from the draft. Only a post that would pass the CSRF check is kept: one without a valid token
    is refused first, as it would be in a live session, so another site cannot plant text in a user's form.

    The time of the last activity is written to the session only when it has moved on by more than
    ``SESSION_ACTIVITY_RESOLUTION_SECONDS`` (a minute, or a tenth of the timeout if that is shorter), so a run
    of pages does not write the session table on every request (DESIGN.md rule 8: a page costs little more
    than a trivial one). The stored time is then up to that much older than the real last request, so the
    session ends once it is older than the timeout plus that resolution: never before the user has been idle
    for the whole timeout (the page's idle warning counts the full 30 minutes from when it was shown, and
    "Stay signed in" must still work at the end of them), and at most a minute after.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            now = time.time()
            timeout = settings.SESSION_IDLE_TIMEOUT_SECONDS
            resolution = activity_resolution_seconds()
            last = request.session.get(_ACTIVITY_KEY)
            if last is not None and now - float(last) >= timeout + resolution:
                return self._expire(request, user)
            if last is None or now - float(last) > resolution:
                request.session[_ACTIVITY_KEY] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest, user: User) -> HttpResponse:
        came_from = request.path
        kept = False
        if request.method not in _SAFE_METHODS:
            refused = _csrf_refusal(request)
            if refused is not None:
                return refused
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


def activity_resolution_seconds() -> float:
    """How far the last activity may move before it is written again: ``SESSION_ACTIVITY_RESOLUTION_SECONDS``,
    or a tenth of the idle timeout when that is shorter (a short timeout, as in tests, stays precise)."""
    return min(float(settings.SESSION_ACTIVITY_RESOLUTION_SECONDS), settings.SESSION_IDLE_TIMEOUT_SECONDS / 10)


def _csrf_refusal(request: HttpRequest) -> HttpResponse | None:
    """The CSRF check's answer for this request, asked now rather than when the view is called: the idle
    sign-out answers before Django's CSRF middleware reaches its check, and must not act on (or keep) what
    that check would refuse. None when the request passes, as its view would have seen it (a view exempt
    from the check is exempt here too)."""
    try:
        view: object = resolve(request.path_info).func
    except Resolver404:
        view = None
    return CsrfViewMiddleware(_never_called).process_view(request, view, (), {})  # type: ignore[arg-type]


def _never_called(request: HttpRequest) -> HttpResponse:  # pragma: no cover - process_view never calls it
    raise AssertionError("CsrfViewMiddleware.process_view does not call the view")


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
