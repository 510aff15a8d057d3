"""The JSON API at /api/v1/ with its OpenAPI document at /api/v1/openapi.json.

Each app adds a router from ``cspr/<app>/api.py``; operations call the same selectors and services as the
pages. Service errors become JSON with the same messages people see on the pages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from cspr.api.auth import TokenAuth
from cspr.cases.api.schemas import ErrorOut
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

# The largest id a database column holds (a signed 64-bit integer): a path id beyond it names nothing, and asking
# the database for it overflows (a 500 on SQLite and PostgreSQL alike).
_MAX_ID = 2**63 - 1
_NOT_FOUND = "There is nothing at this address in the API. The operations are listed at /api/v1/docs."

# What each refusal means, for the OpenAPI document: every operation lists those it can answer, each with ErrorOut.
_REFUSALS = {
    400: "The request could not be read (a body that is not JSON, or a refusal with no more specific status).",
    401: "No valid bearer token was sent.",
    403: "Your role may not do this.",
    404: "Not there, or not yours to see.",
    405: "Not a method this address answers.",
    409: "Someone saved first, or the case is not at that step.",
    413: "The request is too large.",
    422: "A value broke a rule: field_errors names each field.",
    429: "Too many attempts; wait and try again.",
}


def _refusal(status: int, detail: str, field_errors: dict[str, str] | None = None) -> HttpResponse:
    """An error answer in ErrorOut's shape, for the paths that never reach an operation (no request to render)."""
    body = json.dumps({"detail": detail, "field_errors": field_errors or {}})
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def _json_errors(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Every refusal under /api/v1/ is JSON in ErrorOut's shape (issue "Prove it holds", defect 9): a path id no
    column can hold is a 404 before the database is asked, and the bare answers Django and Ninja give outside
    the operations (405 for a method the address does not answer) are rewritten with the same status."""

    @wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if any(isinstance(value, int) and value > _MAX_ID for value in kwargs.values()):
            return _refusal(404, _NOT_FOUND)
        response = view(request, *args, **kwargs)
        if response.status_code < 400 or "json" in response.get("Content-Type", ""):
            return response
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            refusal = _refusal(405, f"This address does not answer {request.method}; it answers {allowed}.")
            refusal["Allow"] = allowed
            return refusal
        return _refusal(response.status_code, _REFUSALS.get(response.status_code, "The request was refused."))

    return answer


@csrf_exempt
def _nothing_here(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any address under /api/v1/ that no operation matches, a non-integer id included (/api/v1/cases/abc):
    a JSON 404, never the site's HTML page."""
    return _refusal(404, _NOT_FOUND)


def _document_refusals(document: OpenAPISchema) -> None:
    """Each operation lists every refusal it can answer, all with the one ErrorOut schema: 401 where a token is
    checked, 400, 413 and 422 where a body is read, 422 where the address or query is validated, 404 where the
    path names a record. The routers add what only they know (403 and 409 for the case workflow)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    schemes = document["components"].get("securitySchemes", {})
    optional_schemes = {name for name, scheme in schemes.items() if name.startswith("Optional")}
    for item in document["paths"].values():
        for operation in item.values():
            security = operation.get("security") or []
            if any(set(s) & optional_schemes for s in security):
                # A token is read if sent and the operation answers anonymously without one (the library).
                operation["security"] = [{"TokenAuth": []}, {}]
            parameters = operation.get("parameters", [])
            statuses = set()
            if operation.get("security"):
                statuses.add(401)
            if "requestBody" in operation:
                statuses |= {400, 413, 422}
            if parameters:
                statuses |= {400, 422}
            if any(p.get("in") == "path" for p in parameters):
                statuses.add(404)
            responses = operation.setdefault("responses", {})
            declared = {int(code) for code in responses}
            for status in sorted(statuses - declared):
                responses[status] = {"description": _REFUSALS[status], "content": content}
            for code, response in responses.items():
                if int(code) >= 400:
                    response["content"] = content
                    if response.get("description") in {None, "", "Error"} or int(code) in _REFUSALS:
                        response["description"] = _REFUSALS.get(int(code), response.get("description", ""))
    for name in optional_schemes:
        schemes.pop(name, None)


class CheckedAPI(NinjaAPI):
    """The NinjaAPI with JSON refusals everywhere under /api/v1/ and every refusal documented."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_errors(pattern.callback)
        urls.append(re_path(r"^(?P<rest>.*)$", _nothing_here, name="nothing-here"))
        return urls

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _document_refusals(document)
        return document


api = CheckedAPI(
    title="Child safeguarding practice reviews API",
    version="1",
    description=(
        "Every operation acts as the owner of the bearer token, with their memberships: a record outside them "
        "is reported as not found. Create a token on the 'Your account' page. Every refusal is JSON with a "
        "'detail' and 'field_errors' (the ErrorOut schema), with the statuses each operation lists."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    parser=CheckedParser(),
)


def _field_name(loc: list[Any]) -> str:
    """Ninja's error location as the field's name in what was sent: ("body", "payload", "children", 0, "name")
    is "children.0.name", ("query", "limit") is "limit"."""
    parts = [str(p) for p in loc]
    if parts[:1] == ["body"]:
        parts = parts[2:] or parts[1:]
    elif parts[:1] in (["query"], ["path"], ["header"], ["cookie"]):
        parts = parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """A body or parameter of the wrong shape: Ninja's list of {loc, msg, type} stays in ``detail`` (what clients
    read today) and each message is also under its field's name in ``field_errors``, as a service's 422 is."""
    field_errors: dict[str, str] = {}
    for error in exc.errors:
        field_errors.setdefault(_field_name(list(error.get("loc", []))), str(error.get("msg", "Not valid.")))
    detail = [{k: v for k, v in e.items() if k in {"loc", "msg", "type"}} for e in exc.errors]
    return api.create_response(request, {"detail": detail, "field_errors": field_errors}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _NOT_FOUND, "field_errors": {}}, status=404)


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
    return api.create_response(request, {"detail": exc.message, "field_errors": {}}, status=exc.status_code)


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
    from cspr.learning.api import router as learning_router
    from cspr.library.api import router as library_router
    from cspr.reviews.api import router as reviews_router
    from cspr.reviews.publication_api import router as publication_router

    api.add_router("/cases", cases_router)
    api.add_router("/library", library_router)
    api.add_router("/reviews", reviews_router)
    # Publishing safely (DOMAIN.md step 10): the review's publication steps, under the same /reviews prefix.
    api.add_router("/reviews", publication_router)
    api.add_router("/learning", learning_router)


_mount_routers()
