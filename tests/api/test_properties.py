"""Hostile bodies at every JSON write operation, generated (issue "Prove it holds", item 2).

tests/core/test_hostile_input.py sends a fixed list of bad values one field at a time. Here hypothesis builds
whole bodies from the OpenAPI document's request schemas, each field kept sane, made hostile (huge or negative
integers, non-ASCII digits, lone surrogates, NUL, very long strings, dates like 0000-00-00), given the wrong
type or left out, with unknown fields added. Every answer must be a success or a clear 4xx in ErrorOut's
shape, never a 5xx, and a refusal must leave the database as it was: row counts, states and versions, and the
audit chain's length (test_hostile_input.fingerprint). Each request runs in a savepoint rolled back after it,
so every example meets the same case at the stage where the operation is open.
"""

from __future__ import annotations

import json
from typing import Any

import hypothesis.strategies as st
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings

from tests.core.test_hostile_input import (
    NORTH,
    OPERATIONS,
    _object,
    _resolve,
    _version_for,
    fingerprint,
    json_operations,
    world,  # noqa: F401  (the demo partnership, a case at every stage and a token for each person)
)

pytestmark = pytest.mark.django_db

EXAMPLES = 25  # per operation: about 25 operations, well under a minute on SQLite
REFUSALS = {400, 403, 404, 409, 413, 422}

NON_ASCII_DIGITS = ["\u0663\u0664", "\uff11\uff12", "\u00b2", "\u0662\u0660\u0662\u0666-\u0660\u0661-\u0660\u0665"]
SURROGATES = st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=3)

huge_ints = st.one_of(
    st.integers(),
    st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 10**30, -(10**30)]),
)
hostile_strings = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "a\x00b", "\u202e", "\ufeff", *NON_ASCII_DIGITS]),
    st.builds(lambda s, t: s + t, st.text(max_size=5), SURROGATES),
    st.integers(min_value=201, max_value=20_000).map(lambda n: "x" * n),
)
hostile_dates = st.one_of(
    st.sampled_from(
        [
            "0000-00-00",
            "2026-02-30",
            "2026-13-01",
            "9999-12-31",
            "0001-01-01",
            "2026-1-5",
            "05/01/2026",
            "2026-01-05T",
            *NON_ASCII_DIGITS,
        ]
    ),
    st.dates().map(lambda d: d.isoformat()),
    hostile_strings,
)
wrong_types = st.one_of(
    st.none(),
    st.booleans(),
    huge_ints,
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def hostile_for(doc: dict[str, Any], schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values a field of this schema should refuse (or, for a few, take): by type, and always the wrong types."""
    schema = _resolve(doc, schema)
    kind, fmt = schema.get("type"), schema.get("format")
    if fmt in {"date", "time", "date-time"}:
        by_type: st.SearchStrategy[Any] = hostile_dates
    elif kind == "string" or "enum" in schema:
        by_type = hostile_strings
    elif kind == "integer":
        by_type = huge_ints
    elif kind == "object":
        by_type = st.dictionaries(hostile_strings, st.one_of(hostile_strings, wrong_types), max_size=3)
    elif kind == "array":
        by_type = st.lists(st.one_of(hostile_strings, wrong_types), max_size=3)
    else:
        by_type = hostile_strings
    return st.one_of(by_type, wrong_types)


MISSING = object()


def body_for(doc: dict[str, Any], schema: dict[str, Any], base: dict[str, Any]) -> st.SearchStrategy[Any]:
    """The sane ``base`` body with each field independently kept, made hostile, or left out, nested objects (a
    child) too; sometimes with an unknown field or as a whole of the wrong type."""
    schema = _resolve(doc, schema)
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, prop in schema.get("properties", {}).items():
        resolved = _resolve(doc, prop)
        options: list[st.SearchStrategy[Any]] = [hostile_for(doc, prop), st.just(MISSING)]
        if name in base:
            options.insert(0, st.just(base[name]))
            item = _resolve(doc, resolved.get("items", {})) if resolved.get("type") == "array" else None
            if item and "properties" in item and base[name]:
                options.append(body_for(doc, item, base[name][0]).map(lambda child: [child]))
        fields[name] = st.one_of(*options)

    def assemble(values: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        return {**extra, **{k: v for k, v in values.items() if v is not MISSING}}

    whole = st.builds(
        assemble, st.fixed_dictionaries(fields), st.dictionaries(hostile_strings, wrong_types, max_size=1)
    )
    return st.one_of(whole, whole, whole, wrong_types)


def test_generated_hostile_bodies_are_refused_cleanly_and_write_nothing(world: dict[str, Any]) -> None:  # noqa: F811
    doc = world["api"]["manager"].get("/api/v1/openapi.json").json()
    operations = list(json_operations(doc))
    assert {key for key, _, _ in operations} == set(OPERATIONS), "give each JSON write a line in OPERATIONS"
    problems: list[str] = []
    statuses: dict[str, set[int]] = {}

    for key, method, schema in operations:
        who, state = OPERATIONS[key]
        case = world["cases"][state] if state else None
        url = key.split(" ", 1)[1].format(**{**world["ids"], "case_id": case.pk if case else 0})
        base = _object(doc, _resolve(doc, schema), {**world["ids"], "version": _version_for(case, key)}, NORTH)
        client = world["api"][who]

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(body=body_for(doc, schema, base))
        def send(body: Any) -> None:
            with transaction.atomic():
                before = fingerprint()
                response = getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
                after = fingerprint()
                transaction.set_rollback(True)
            status = response.status_code
            statuses.setdefault(key, set()).add(status)
            shown = repr(body)[:160]
            if status >= 500 or (status >= 400 and status not in REFUSALS):
                problems.append(f"{key}: {status} for {shown}")
            elif status >= 400:
                answer = response.json()
                if not isinstance(answer.get("detail"), str | list) or not isinstance(answer.get("field_errors"), dict):
                    problems.append(f"{key}: {status} answered {answer!r:.160} for {shown}")
                if after != before:
                    problems.append(f"{key}: refused with {status} but something was written, for {shown}")

        send()

    assert problems == [], "\n".join(problems[:30])
    # The generated bodies reach each operation's rules, not only "not yours": some answer is not 403/404.
    assert {key: s for key, s in statuses.items() if s <= {403, 404}} == {}
