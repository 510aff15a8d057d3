"""The JSON API at /api/v1/ with its OpenAPI document at /api/v1/openapi.json.

Each app adds a router from ``cspr/<app>/api.py``; operations call the same selectors and services as the
pages. Service errors become JSON with the same messages people see on the pages.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.parser import Parser

from cspr.api.auth import TokenAuth
from cspr.core.errors import (
    IllegalTransition,
    NotAllowed,
    NotFound,
    ServiceError,
    StaleEdit,
    TooLarge,
    TooManyAttempts,
    ValidationFailed,
)
from cspr.core.fields import text_problem
from cspr.partnerships.selectors import access_for, user_memberships
from cspr.partnerships.types import AuthedRequest


def _unstorable(value: Any, path: str = "") -> dict[str, str]:
    """Each string in a JSON value (keys included) that no column can hold, by its dotted path in the body."""
    found: dict[str, str] = {}
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            found[path or "body"] = f"This {problem}"
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found |= _unstorable(key, where) | _unstorable(item, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found |= _unstorable(item, f"{path}.{i}" if path else str(i))
    return found


class CheckedParser(Parser):
    """JSON bodies and query strings checked at the edge (issue "Prove it holds", defect 2): a lone surrogate
    (JSON's "\\ud800" is valid JSON but not text: encrypting or storing it failed with a 500) or a NUL (which
    PostgreSQL refuses in text) is a 422 naming the field, before any operation runs. The services check the
    same again for callers that are not the API."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data: dict[str, Any] = super().parse_body(request)
        except RequestDataTooBig:
            raise TooLarge(_TOO_LARGE) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationFailed(f"The body is not valid JSON: {exc}") from None
        found = _unstorable(data)
        if found:
            raise ValidationFailed("There is a problem with the text sent.", field_errors=found)
        return data

    def parse_querydict(self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest) -> Any:
        result = super().parse_querydict(data, list_fields, request)
        found = _unstorable(result)
        if found:
            raise ValidationFailed("There is a problem with the address's parameters.", field_errors=found)
        return result


_TOO_LARGE = "The request is too large: a body may be at most 10 MB. Send large files as attachments, one at a time."

api = NinjaAPI(
    title="Child safeguarding practice reviews API",
    version="1",
    description=(
        "Every operation acts as the owner of the bearer token, with their memberships: a record outside them "
        "is reported as not found. Create a token on the 'Your account' page."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    parser=CheckedParser(),
)


class ErrorOut(Schema):
    detail: str
    field_errors: dict[str, str] = {}


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    status = 400
    if isinstance(exc, NotFound):
        status = 404
    elif isinstance(exc, NotAllowed):
        status = 403
    elif isinstance(exc, StaleEdit | IllegalTransition):
        status = 409
    elif isinstance(exc, ValidationFailed):
        status = 422
    elif isinstance(exc, TooManyAttempts):
        status = 429
    elif isinstance(exc, TooLarge):
        status = 413
    return api.create_response(request, {"detail": exc.message, "field_errors": exc.field_errors}, status=status)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja wraps whatever the body parser raises in a 400 "Cannot parse request body": a refusal of
    CheckedParser's (a lone surrogate, a NUL, a body too large) keeps its own status, message and field."""
    cause = exc.__cause__
    if isinstance(cause, ServiceError):
        return service_error(request, cause)
    if isinstance(cause, RequestDataTooBig):
        return request_too_big(request, cause)
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def request_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE read outside the parser: 413 with the same JSON as any refusal,
    not Django's HTML 400 (issue "Prove it holds", defect 2)."""
    return api.create_response(request, {"detail": _TOO_LARGE, "field_errors": {}}, status=413)


class MembershipOut(Schema):
    role: str
    role_label: str
    partnership: str | None
    partnership_slug: str | None
    organisation: str | None


class MeOut(Schema):
    email: str
    full_name: str
    memberships: list[MembershipOut]
    panel_member: bool


@api.get("/me", response=MeOut, tags=["account"], summary="Who the token belongs to and what they may reach")
def me(request: AuthedRequest) -> MeOut:
    user = request.user
    return MeOut(
        email=user.email,
        full_name=user.full_name,
        memberships=[
            MembershipOut(
                role=m.role,
                role_label=m.role_label,
                partnership=m.partnership.name if m.partnership else None,
                partnership_slug=m.partnership.slug if m.partnership else None,
                organisation=m.organisation.name if m.organisation else None,
            )
            for m in user_memberships(user=user)
        ],
        panel_member=access_for(user).is_panel,
    )


def _mount_routers() -> None:
    from cspr.cases.api import router as cases_router
    from cspr.library.api import router as library_router

    api.add_router("/cases", cases_router)
    api.add_router("/library", library_router)


_mount_routers()
