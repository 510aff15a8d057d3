"""Request-scoped caches for the partnership app."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from cspr.core import dbscope
from cspr.partnerships.models import User
from cspr.partnerships.selectors import access_cache, database_scope


class AccessCacheMiddleware:
    """Opens the per-request scope in which ``access_for`` reads each person's memberships once (a page asks
    it from its view, policy, next steps and home panels; DESIGN.md rule 8)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with access_cache():
            return self.get_response(request)


class DatabaseScopeMiddleware:
    """PostgreSQL's second wall for each request: the signed-in person's partnerships (and the Panel's or the
    system administrator's reach) are written on the connection before the view runs and taken off after it,
    so row-level security filters every query the view makes (cspr/core/dbscope.py). A request with nobody
    signed in runs with no partnership in scope; the API's bearer token refines the scope when it is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with dbscope.scoped(database_scope(request.user)):
            return self.get_response(request)


def request_acts_as(request: HttpRequest, user: User) -> None:
    """The request now acts as ``user`` (an API bearer token, read by the view after the middleware ran): its
    user and its database scope become theirs, until the request's block ends (cspr/core/dbscope.py)."""
    request.user = user
    dbscope.refine(database_scope(user))
