"""Case operations in /api/v1/cases (same selectors and services as the pages)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from cspr.cases import selectors

router = Router(tags=["cases"])


class CaseOut(Schema):
    id: int
    reference: str
    pseudonym: str
    partnership: str
    state: str
    state_label: str
    sent_to_panel_at: datetime.datetime | None


def _case_out(case: Any) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "pseudonym": case.pseudonym,
        "partnership": case.partnership.slug,
        "state": case.state,
        "state_label": case.get_state_display(),
        "sent_to_panel_at": case.sent_to_panel_at,
    }


@router.get("/", response=list[CaseOut], summary="Cases the token's owner may see")
def list_cases(request: HttpRequest) -> list[dict[str, Any]]:
    return [_case_out(c) for c in selectors.cases_for_user(user=request.user)]


@router.get("/{case_id}", response=CaseOut, summary="One case (its read is audited)")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _case_out(selectors.case_get(user=request.user, case_id=case_id, request=request))
