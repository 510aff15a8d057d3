"""Error pages in GOV.UK style: a missing page (404), a refused request (403), a bad request (400) and a form
posted without a valid CSRF token (403), each a page of the service with its header, navigation and a way on.

They are the URL configuration's handlers (``cspr/urls.py``) and ``CSRF_FAILURE_VIEW``. With ``DEBUG`` on, as
``make run`` has it, Django answers a missing page and a bad request with its technical pages instead of the
handlers; :class:`ErrorPagesMiddleware` puts the service's own pages in their place, so a person trying the demo
sees what a person using the service would (issue 12, item 3)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

# Django's technical pages (DEBUG) all carry this line; the service's own pages never do.
_TECHNICAL_PAGE = b'<meta name="robots" content="NONE,NOARCHIVE">'


_PLAIN = {400: "Bad request", 403: "Forbidden", 404: "Page not found"}


def _error_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    try:
        response = render(request, template, {}, status=status)
    except Exception:  # an error page must never raise (a bad Host header, static files not yet collected)
        logger.exception("The %s page could not be rendered; a plain one was sent", status)
        response = HttpResponse(_PLAIN.get(status, "Error"), status=status, content_type="text/plain; charset=utf-8")
    response.cspr_error_page = True  # type: ignore[attr-defined]  # ErrorPagesMiddleware leaves it as it is
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "errors/404.html", 404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "errors/403.html", 403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "errors/400.html", 400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without a valid security token: most often a page left open past the session, or cookies
    turned off. The reason Django gives is for logs, not for the person (it names cookies and headers)."""
    return _error_page(request, "errors/403_csrf.html", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", {}, status=500)


class ErrorPagesMiddleware:
    """With DEBUG on, swap Django's technical 404 and 400 pages for the service's (the 403 handler and the CSRF
    page are used whatever DEBUG says). The API keeps its own JSON errors; with DEBUG off nothing is changed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code in {400, 404}
            and not getattr(response, "cspr_error_page", False)
            and not request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/html")
            and not response.streaming
            and _TECHNICAL_PAGE in response.content
        ):
            return not_found(request) if response.status_code == 404 else bad_request(request)
        return response
