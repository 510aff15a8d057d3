"""Request-scoped caches for the partnership app."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from cspr.partnerships.selectors import access_cache


class AccessCacheMiddleware:
    """Opens the per-request scope in which ``access_for`` reads each person's memberships once (a page asks
    it from its view, policy, next steps and home panels; DESIGN.md rule 8)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with access_cache():
            return self.get_response(request)
