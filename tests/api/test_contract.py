"""The API keeps the promises of its OpenAPI document (issue "Prove it holds", item 2).

Schemathesis reads /api/v1/openapi.json and generates requests for every operation in it, sent with a
business manager's token and with the Panel's. Each answer must be no 5xx, a status the operation documents,
with a body that validates against the schema documented for that status. Path ids are drawn from the
generated values and from the records this test made, so the operations reach real cases as well as
missing ones. Bounded and derandomised: the same requests every run.
"""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cspr.api.api import api
from cspr.partnerships.roles import Role
from cspr.partnerships.services import api_token_create
from tests.cases.conftest import notified_case

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 30  # per operation, the two tokens drawn among them: about 50 operations x 30, under a minute


def _operations() -> list[tuple[str, str]]:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    return [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


OPERATIONS = _operations()


def test_every_operation_is_covered() -> None:
    """The walk below is parametrised from the document itself, so a new operation is walked with no edit."""
    assert len(OPERATIONS) >= 40


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """Schemathesis calls the WSGI application itself: as Django's test client does, a request's start and end
    must not close the test's database connection (on PostgreSQL, with health checks, the next query fails)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(chain: dict[str, Any]) -> dict[str, Any]:
    """A case sent to the Panel, and a token each for its business manager and for the Panel."""
    case = notified_case(chain)
    tokens = {who: api_token_create(actor=chain[who], name="contract")[1] for who in ("manager", "panel")}
    return {"case": case, "tokens": tokens, "ids": [case.pk]}


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_keeps_its_documented_promises(world: dict[str, Any], method: str, path: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operation = schema[path][method]
    generated = operation.as_strategy()
    known_ids = world["ids"]

    def with_known_ids(case: Any) -> Any:
        case.path_parameters = dict.fromkeys(case.path_parameters or {}, known_ids[0])
        return case

    strategy = st.one_of(generated, generated.map(with_known_ids)) if "{" in path else generated

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, who=st.sampled_from(sorted(world["tokens"])))
    def walk(case: Any, who: str) -> None:
        response = case.call(headers={"Authorization": f"Bearer {world['tokens'][who]}"})
        case.validate_response(response, checks=CHECKS)

    walk()


# --- the four defects the generated requests found (issue "Prove it holds", defect 9) ------------------------


def _is_error_out(response: Any) -> bool:
    body = response.json()
    return response["Content-Type"].startswith("application/json") and set(body) == {"detail", "field_errors"}


@pytest.mark.parametrize(
    "path", ["/api/v1/cases/abc", "/api/v1/cases/abc/notification", "/api/v1/nothing", "/api/v1/cases/1.5/clocks"]
)
def test_an_unmatched_or_non_integer_path_is_a_json_404(client: Any, path: str) -> None:
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert response.status_code == 404 and _is_error_out(response), (method, path)


def test_an_id_no_column_can_hold_is_a_json_404_not_a_500(world: dict[str, Any], client: Any) -> None:
    headers = {"Authorization": f"Bearer {world['tokens']['manager']}"}
    response = client.get(f"/api/v1/cases/{2**64}", headers=headers)
    assert response.status_code == 404 and _is_error_out(response)


def test_a_method_the_address_does_not_answer_is_a_json_405(world: dict[str, Any], client: Any) -> None:
    headers = {"Authorization": f"Bearer {world['tokens']['manager']}"}
    response = client.delete("/api/v1/me", headers=headers)
    assert response.status_code == 405 and _is_error_out(response)
    assert "GET" in response["Allow"]


def test_no_token_and_a_shape_error_are_documented_json_refusals(client: Any) -> None:
    unauthorised = client.get("/api/v1/me")
    assert unauthorised.status_code == 401 and _is_error_out(unauthorised)
    document = client.get("/api/v1/openapi.json").json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            refusals = {code: r for code, r in operation["responses"].items() if int(code) >= 400}
            assert refusals, (method, path)
            for code, answer in refusals.items():
                assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
            if operation.get("security") and {} not in operation["security"]:
                assert "401" in refusals, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= set(refusals), (method, path)
    assert "ErrorAnswer" not in document["components"]["schemas"]
    assert set(document["components"]["schemas"]["ErrorOut"]["properties"]) == {"detail", "field_errors"}


def test_a_shape_error_names_its_fields_in_field_errors(world: dict[str, Any], client: Any) -> None:
    headers = {"Authorization": f"Bearer {world['tokens']['manager']}"}
    case = world["case"]
    response = client.post(
        f"/api/v1/cases/{case.pk}/rapid-review/episodes", {"date": "0000-00-00"}, "application/json", headers=headers
    )
    assert response.status_code == 422 and _is_error_out(response)
    assert {"date", "agency", "what_happened"} <= set(response.json()["field_errors"])


def test_library_search_honours_the_token(
    chain: dict[str, Any], make_partnership: Any, make_user: Any, client: Any
) -> None:
    """A partnership finds its own unpublished review with its token; anonymous callers and other
    partnerships do not; a wrong token is a 401, not quietly anonymous."""
    from cspr.library.services import library_report_ingest

    text = "Baby P: an unpublished rapid review\n\nBaby P was found unresponsive after co-sleeping on the sofa."
    own = library_report_ingest(
        actor=None, name="baby-p.txt", data=text.encode(), partnership=chain["partnership"], is_public=False
    ).report
    manager = api_token_create(actor=chain["manager"], name="t")[1]
    elsewhere = api_token_create(actor=make_user(Role.BUSINESS_MANAGER, make_partnership("Elsewhere")), name="t")[1]

    def found(headers: dict[str, str]) -> set[int]:
        response = client.get("/api/v1/library/search", {"q": "unresponsive sofa"}, headers=headers)
        assert response.status_code == 200, response.content
        return {hit["id"] for hit in response.json()["results"]}

    assert own.pk in found({"Authorization": f"Bearer {manager}"})
    assert own.pk not in found({})
    assert own.pk not in found({"Authorization": f"Bearer {elsewhere}"})
    assert (
        client.get(f"/api/v1/library/reports/{own.pk}", headers={"Authorization": f"Bearer {manager}"}).json()["id"]
        == own.pk
    )
    assert client.get(f"/api/v1/library/reports/{own.pk}").status_code == 404
    wrong = client.get("/api/v1/library/search", {"q": "sofa"}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and _is_error_out(wrong)
