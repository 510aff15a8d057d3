"""Issue "Prove it holds", defect 2: hostile input is a clear refusal, never a server error, and never leaves
anything half-written.

Every JSON write operation under /api/v1/cases, read from the OpenAPI document so a new operation is covered
the day it is added, and the main forms, are sent over-long strings, NUL characters, lone surrogates, huge
numbers and impossible dates, one field at a time. Each answer must be below 500; a refusal (4xx) must leave
the database exactly as it was. Each request runs in a savepoint rolled back after it, so every variant meets
the same case. Run it on SQLite and on PostgreSQL (DATABASE_URL=postgres://...): the limits are the same.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.utils import timezone

from cspr.cases import services
from cspr.cases.models import AgencyRequest, Case, CaseState, Notification, RapidReview
from cspr.partnerships.models import Organisation, Partnership, User
from cspr.partnerships.services import api_token_create
from tests.conftest import built_once, verified_client

LONG = "x" * 5000  # longer than every character column (the longest is 254)
NUL = "a\x00b"
SURROGATE = "x\ud800y"
HOSTILE_STRINGS: list[Any] = [LONG, NUL, SURROGATE]
HOSTILE_NUMBERS: list[Any] = [10**30, -(10**30), 2**63, 40000, -1]
HOSTILE_DATES: list[Any] = ["2026-01-" + "9" * 30, "9" * 20 + "-01-01", "2026-02-30", 10**30, SURROGATE, NUL]

DEMO = "demo.cspr.test"
NORTH = "northshire-riverside"

# Who sends each operation, and at which stage its case is: the stage where the operation is open, so a
# hostile value reaches the service and not only the stage check. A new operation without a line fails.
OPERATIONS: dict[str, tuple[str, str | None]] = {
    "POST /api/v1/cases/referrals": ("manager", None),
    "POST /api/v1/cases/notifications": ("manager", None),
    "POST /api/v1/cases/rr-audits": ("manager", None),
    "POST /api/v1/cases/rr-audits/{audit_id}/items/{item_id}/scores": ("manager", None),
    "POST /api/v1/cases/rr-audits/{audit_id}/complete": ("manager", None),
    "POST /api/v1/cases/requests/{request_id}/response": ("health.contributor", None),
    "POST /api/v1/cases/{case_id}/screening": ("manager", CaseState.REFERRED),
    "PUT /api/v1/cases/{case_id}/notification": ("manager", CaseState.NOTIFICATION),
    "POST /api/v1/cases/{case_id}/notification/sent": ("manager", CaseState.NOTIFICATION),
    "POST /api/v1/cases/{case_id}/notification/corrections": ("manager", CaseState.RAPID_REVIEW),
    "PUT /api/v1/cases/{case_id}/rapid-review": ("manager", CaseState.RAPID_REVIEW),
    "POST /api/v1/cases/{case_id}/rapid-review/requests": ("manager", CaseState.RAPID_REVIEW),
    "POST /api/v1/cases/{case_id}/rapid-review/episodes": ("manager", CaseState.RAPID_REVIEW),
    "POST /api/v1/cases/{case_id}/rapid-review/immediate-actions": ("manager", CaseState.RAPID_REVIEW),
    "POST /api/v1/cases/{case_id}/rapid-review/sent": ("manager", CaseState.DECISION),
    "POST /api/v1/cases/{case_id}/decision/votes": ("la.decider", CaseState.DECISION),
    "POST /api/v1/cases/{case_id}/decision/advice": ("scrutineer", CaseState.DECISION),
    "POST /api/v1/cases/{case_id}/decision/majority": ("manager", CaseState.DECISION),
    "POST /api/v1/cases/{case_id}/decision/family": ("manager", CaseState.DECISION),
    "POST /api/v1/cases/{case_id}/decision/justification": ("manager", CaseState.PANEL_CHALLENGED),
    "POST /api/v1/cases/{case_id}/panel-response": ("panel", CaseState.SENT_TO_PANEL),
    "POST /api/v1/cases/{case_id}/family-letter/{fmt}": ("manager", CaseState.DECISION),
}


pytestmark = pytest.mark.django_db


# --- the world ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo and what the hostile requests name, built once for the module (tests/conftest.py built_once)."""
    with built_once(django_db_blocker, _build_world) as built:
        yield built


def _build_world() -> dict[str, Any]:
    from cspr.partnerships.demo import load_demo

    load_demo()
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{DEMO}")}
    partnership = Partnership.objects.get(slug=NORTH)
    cases = {
        state: Case.objects.filter(partnership=partnership, state=state).order_by("pk").first() for state in CaseState
    }
    rr_case = cases[CaseState.RAPID_REVIEW]
    assert rr_case is not None
    trust = Organisation.objects.get(partnership=partnership, kind="nhs_trust")
    health = people["health.contributor"]
    request = AgencyRequest.objects.filter(contributor=health, status="open").first() or (
        services.agency_request_create(
            actor=people["manager"], case=rr_case, organisation=trust, contributor=health, shared_facts="facts"
        )
    )
    today = timezone.localdate()
    audit = services.rr_audit_create(
        actor=people["manager"],
        partnership=partnership,
        period_start=today - datetime.timedelta(days=400),
        period_end=today,
        sample_size=5,
    )
    tokens = {
        name: Client(headers={"authorization": f"Bearer {api_token_create(actor=u, name='h')[1]}"})
        for name, u in people.items()
    }
    return {
        "people": people,
        "api": tokens,
        "cases": cases,
        "partnership": partnership,
        "ids": {
            "request_id": request.pk,
            "audit_id": audit.pk,
            "item_id": audit.items.first().pk,
            "organisation_id": trust.pk,
            "contributor_id": health.pk,
            "fmt": "docx",
        },
    }


def fingerprint() -> tuple[Any, ...]:
    """Enough of the database to see any write: every row count of the case, audit and core apps, and what
    the services change in place (states, versions, sent dates, statuses)."""
    from cspr.audit.models import AuditEvent

    counts = tuple(
        (m._meta.label, m.objects.count())
        for app in ("cases", "library")
        for m in apps.get_app_config(app).get_models()
    )
    # A page that is shown again with its errors records an audited read of it, as every view does, and may
    # keep a draft of what was typed (DESIGN.md rule 5): neither is a half-written change.
    writes = AuditEvent.objects.exclude(action="case.viewed").count()
    return (
        counts,
        writes,
        tuple(Case.objects.order_by("pk").values_list("pk", "state", "version", "summary")),
        tuple(Notification.objects.order_by("pk").values_list("pk", "updated_at", "sent_on")),
        tuple(RapidReview.objects.order_by("pk").values_list("pk", "version", "updated_at", "sent_on")),
        tuple(AgencyRequest.objects.order_by("pk").values_list("pk", "status", "responded_at")),
    )


# --- bodies from the OpenAPI document ---------------------------------------------------------------------


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _resolve(doc, options[0]) if options else schema
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(doc, schema["allOf"][0])
    return schema


def _sane(doc: dict[str, Any], name: str, schema: dict[str, Any], ids: dict[str, Any], partnership: str) -> Any:
    schema = _resolve(doc, schema)
    if name in ids:
        return ids[name]
    if name == "partnership":
        return partnership
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return timezone.localdate().isoformat()
        if fmt == "time":
            return "10:00:00"
        if "email" in name:
            return "someone@example.gov.uk"
        return "x"
    if kind == "integer":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        item = _resolve(doc, schema.get("items", {}))
        return [_object(doc, item, ids, partnership)] if item.get("type") == "object" and "properties" in item else []
    if kind == "object":
        return _object(doc, schema, ids, partnership) if "properties" in schema else {}
    return None


def _object(doc: dict[str, Any], schema: dict[str, Any], ids: dict[str, Any], partnership: str) -> dict[str, Any]:
    required = set(schema.get("required", []))
    return {
        name: _sane(doc, name, prop, ids, partnership)
        for name, prop in schema.get("properties", {}).items()
        if name in required or name in ids or name == "children"
    }


def _hostile(doc: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
    schema = _resolve(doc, schema)
    kind, fmt = schema.get("type"), schema.get("format")
    if fmt in {"date", "time", "date-time"}:
        return HOSTILE_DATES
    if kind == "string" or "enum" in schema:
        return HOSTILE_STRINGS
    if kind == "integer":
        return HOSTILE_NUMBERS
    if kind == "object" and "properties" not in schema:  # a mapping (criteria, scores)
        return [{s: "x"} for s in HOSTILE_STRINGS] + [{"a": s} for s in HOSTILE_STRINGS] + [{"a": {"answer": NUL}}]
    if kind == "array":
        return [[s] for s in HOSTILE_STRINGS]
    return []


def variants(doc: dict[str, Any], schema: dict[str, Any], base: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The base body with one field made hostile at a time, nested objects (a child) included."""
    schema = _resolve(doc, schema)
    for name, prop in schema.get("properties", {}).items():
        for value in _hostile(doc, prop):
            yield name, {**base, name: value}
        resolved = _resolve(doc, prop)
        item = _resolve(doc, resolved.get("items", {})) if resolved.get("type") == "array" else None
        if item and "properties" in item and base.get(name):
            for inner, body in variants(doc, item, base[name][0]):
                yield f"{name}.0.{inner}", {**base, name: [body]}


def json_operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in doc["paths"].items():
        if not path.startswith("/api/v1/cases"):
            continue
        for method, op in ops.items():
            content = op.get("requestBody", {}).get("content", {})
            if method in {"post", "put", "patch"} and "application/json" in content:
                yield f"{method.upper()} {path}", method, content["application/json"]["schema"]


def _version_for(case: Case | None, key: str) -> int:
    if case is None:
        return 1
    if key.endswith("/rapid-review"):
        return RapidReview.objects.get(case=case).version
    return Case.objects.get(pk=case.pk).version


def _send(client: Client, method: str, url: str, body: dict[str, Any]) -> tuple[int, bool]:
    """Send ``body`` in a savepoint rolled back afterwards; answer the status and whether a refusal left the
    database as it was."""
    with transaction.atomic():
        before = fingerprint()
        response = getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
        unchanged = response.status_code < 400 or fingerprint() == before
        transaction.set_rollback(True)
    return response.status_code, unchanged


def test_defect_2_hostile_values_at_every_json_write_operation(world: dict[str, Any]) -> None:
    doc = world["api"]["manager"].get("/api/v1/openapi.json").json()
    operations = list(json_operations(doc))
    assert {key for key, _, _ in operations} == set(OPERATIONS), "give each JSON write a line in OPERATIONS"
    problems: list[str] = []
    sent = 0
    reached: dict[str, set[int]] = {}
    for key, method, schema in operations:
        who, state = OPERATIONS[key]
        case = world["cases"][state] if state else None
        assert state is None or case is not None, f"the demo has no case at {state}"
        values = {**world["ids"], "case_id": case.pk if case else 0}
        url = key.split(" ", 1)[1].format(**values)
        ids = {**world["ids"], "version": _version_for(case, key)}
        base = _object(doc, _resolve(doc, schema), ids, NORTH)
        for field, body in variants(doc, schema, base):
            status, unchanged = _send(world["api"][who], method, url, body)
            sent += 1
            reached.setdefault(key, set()).add(status)
            if status >= 500:
                problems.append(f"{key} {field}={str(body)[:60]!r}: {status}")
            elif not unchanged:
                problems.append(f"{key} {field}: refused with {status} but something was written")
    assert sent > 300
    assert problems == []
    # Each operation was reached by someone who may take it: its answers are not all "not there" or "not yours".
    unreached = {key: statuses for key, statuses in reached.items() if statuses <= {403, 404}}
    assert unreached == {}
    print({key: sorted(statuses) for key, statuses in reached.items()})


def test_defect_2_a_lone_surrogate_is_a_422_naming_the_field(world: dict[str, Any]) -> None:
    case = world["cases"][CaseState.RAPID_REVIEW]
    response = world["api"]["manager"].post(
        f"/api/v1/cases/{case.pk}/rapid-review/episodes",
        data='{"date": "2026-01-05", "agency": "Health", "what_happened": "x\\ud800y"}',
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "lone surrogate" in response.json()["field_errors"]["what_happened"]


def test_defect_2_over_long_and_nul_are_refused_naming_the_field(world: dict[str, Any]) -> None:
    case = world["cases"][CaseState.RAPID_REVIEW]
    client = world["api"]["manager"]
    url = f"/api/v1/cases/{case.pk}/rapid-review/episodes"
    long = client.post(
        url, {"date": "2026-01-05", "agency": LONG, "what_happened": "x"}, content_type="application/json"
    )
    assert long.status_code == 422 and "200 characters or fewer" in long.json()["field_errors"]["agency"]
    nul = client.post(url, {"date": "2026-01-05", "agency": NUL, "what_happened": "x"}, content_type="application/json")
    assert nul.status_code == 422 and "NUL" in nul.json()["field_errors"]["agency"]


def test_defect_2_a_body_over_10_mb_is_413_with_json(world: dict[str, Any]) -> None:
    case = world["cases"][CaseState.RAPID_REVIEW]
    body = json.dumps({"date": "2026-01-05", "agency": "x", "what_happened": "x" * (10 * 1024 * 1024 + 10)})
    response = world["api"]["manager"].post(
        f"/api/v1/cases/{case.pk}/rapid-review/episodes", data=body, content_type="application/json"
    )
    assert response.status_code == 413
    assert "10 MB" in response.json()["detail"]


# --- the main forms ---------------------------------------------------------------------------------------


def _form_data(form_class: Any, prefix: str = "", **extra: Any) -> dict[str, Any]:
    """A valid-looking post for ``form_class``: text "x", the first choice, today for dates."""
    from django import forms

    from cspr.web.formhelpers import GovukDateField

    today = timezone.localdate() - datetime.timedelta(days=1)
    data: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        key = f"{prefix}{name}"
        if isinstance(field, GovukDateField):
            data.update({f"{key}-day": today.day, f"{key}-month": today.month, f"{key}-year": today.year})
        elif isinstance(field, forms.ChoiceField):
            choices = [c for c, _ in field.choices if c]
            if choices:
                data[key] = choices[0]
        elif isinstance(field, forms.BooleanField | forms.IntegerField):
            continue
        else:
            data[key] = "x"
    data.update(extra)
    return data


def _form_variants(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, value in data.items():
        if key.endswith("-day"):
            for bad in ("9" * 30, "\u00b2", "-1", NUL):
                yield key, {**data, key: bad}
        elif key.endswith(("-month", "-year")):
            yield key, {**data, key: "9" * 30}
        elif key not in {"version", "partnership"}:
            for bad in (LONG, NUL):
                yield key, {**data, key: bad}


def _post_form(client: Client, url: str, data: dict[str, Any]) -> tuple[int, bool]:
    with transaction.atomic():
        before = fingerprint()
        response = client.post(url, data)
        unchanged = response.status_code == 302 or fingerprint() == before
        transaction.set_rollback(True)
    return response.status_code, unchanged


def test_defect_2_hostile_values_at_the_main_forms(world: dict[str, Any]) -> None:
    from cspr.cases.forms import ChildForm, EpisodeForm, NotificationForm, ReferralForm, VoteForm

    people, cases = world["people"], world["cases"]
    notification_case = cases[CaseState.NOTIFICATION]
    rr_case = cases[CaseState.RAPID_REVIEW]
    decision_case = cases[CaseState.DECISION]
    forms_to_try = [
        ("manager", "/cases/referrals/new/", _form_data(ReferralForm, partnership=NORTH)),
        (
            "manager",
            f"/cases/{notification_case.pk}/notification/",
            {
                **_form_data(NotificationForm, version=notification_case.version),
                **_form_data(ChildForm, "child-1-"),
            },
        ),
        ("manager", f"/cases/{rr_case.pk}/rapid-review/episodes/new/", _form_data(EpisodeForm)),
        ("la.decider", f"/cases/{decision_case.pk}/decision/vote/", _form_data(VoteForm)),
    ]
    problems: list[str] = []
    for who, url, data in forms_to_try:
        client = verified_client(people[who])
        for field, body in _form_variants(data):
            status, unchanged = _post_form(client, url, body)
            if status >= 500:
                problems.append(f"{url} {field}: {status}")
            elif not unchanged:
                problems.append(f"{url} {field}: refused with {status} but something was written")
    assert problems == []


def test_defect_2_a_thirty_digit_day_on_the_referral_form_is_a_clear_error(world: dict[str, Any]) -> None:
    from cspr.cases.forms import ReferralForm

    data = _form_data(ReferralForm, partnership=NORTH)
    data["incident_date-day"] = "9" * 30
    response = verified_client(world["people"]["manager"]).post("/cases/referrals/new/", data)
    assert response.status_code == 200
    assert "must be a real date" in response.content.decode()
