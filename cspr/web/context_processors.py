"""Context every page gets: service name, navigation, the CSP nonce, and the idle-timeout settings."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csp import get_nonce
from django.urls import NoReverseMatch, reverse

from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for


class NavItem(TypedDict):
    """One link of the GOV.UK service navigation."""

    href: str
    text: str
    active: NotRequired[bool]


def _library_item() -> list[NavItem]:
    try:
        return [{"href": reverse("library:search"), "text": "Review library"}]
    except NoReverseMatch:
        return []


def navigation(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    items: list[NavItem] = []
    # A bearer token's user (an API error page) carries no second-factor check: it gets the public navigation.
    is_verified = getattr(user, "is_verified", None)
    if user is None or not user.is_authenticated or not callable(is_verified) or not is_verified():
        return _library_item()
    access = access_for(user)
    items.append({"href": reverse("home"), "text": "Home"})
    if access.partnership_ids():
        items.append({"href": reverse("cases:list"), "text": "Cases"})
    if any(access.has_role(p, Role.BUSINESS_MANAGER, Role.AUDITOR, Role.SCRUTINEER) for p in access.partnership_ids()):
        items.append({"href": reverse("cases:rr_audits"), "text": "Audits"})
    if access.is_panel:
        items.append({"href": reverse("cases:panel_inbox"), "text": "Panel"})
    items.extend(_library_item())
    items.append({"href": reverse("account"), "text": "Your account"})
    for item in items:
        item["active"] = request.path == item["href"] or (item["href"] != "/" and request.path.startswith(item["href"]))
    return items


def service(request: HttpRequest) -> dict[str, Any]:
    # Django's nonce is lazy and falsy until read: pass it as a string or the GOV.UK inline script gets none.
    nonce = get_nonce(request)
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        "serviceName": settings.SERVICE_NAME,
        # docs/operations.md, "The header": the GOV.UK header only on a service run on GOV.UK.
        "govuk_header": settings.CSPR_HEADER == "govuk",
        "operator_name": settings.CSPR_OPERATOR_NAME,
        "serviceUrl": "/",
        "cspNonce": str(nonce) if nonce is not None else "",
        "assetPath": "/static/govuk/assets",
        "nav_items": navigation(request),
        "signed_in": signed_in,
        "idle_timeout_seconds": settings.SESSION_IDLE_TIMEOUT_SECONDS,
        "idle_warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS,
    }
