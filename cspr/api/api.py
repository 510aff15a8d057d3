"""The JSON API at /api/v1/ with its OpenAPI document at /api/v1/openapi.json.

Each app adds a router from ``cspr/<app>/api.py``; operations call the same selectors and services as the
pages. Service errors become JSON with the same messages people see on the pages.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema

from cspr.api.auth import TokenAuth
from cspr.core.errors import (
    IllegalTransition,
    NotAllowed,
    NotFound,
    ServiceError,
    StaleEdit,
    ValidationFailed,
)
from cspr.partnerships.selectors import access_for, user_memberships
from cspr.partnerships.types import AuthedRequest

api = NinjaAPI(
    title="Child safeguarding practice reviews API",
    version="1",
    description=(
        "Every operation acts as the owner of the bearer token, with their memberships: a record outside them "
        "is reported as not found. Create a token on the 'Your account' page."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
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
    return api.create_response(request, {"detail": exc.message, "field_errors": exc.field_errors}, status=status)


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
