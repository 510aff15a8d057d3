"""The case workflow through the JSON API: a council's own system files a notification, and the chain runs
to the Panel's challenge and the partners' justification, with the same permissions as the pages."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from cspr.cases.models import Case
from cspr.partnerships.services import api_token_create
from cspr.timescales import WorkingCalendar
from tests.cases.conftest import working_days_ago

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today().isoformat()


class Api:
    def __init__(self, user: Any) -> None:
        _, self.token = api_token_create(actor=user, name="test")
        self.client = Client()

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, expect: int = 200) -> Any:
        kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        if body is not None:
            kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
        response = getattr(self.client, method)(f"/api/v1/cases{path}", **kwargs)
        assert response.status_code == expect, (path, response.status_code, response.content[:500])
        return response.json() if response.content else None


@pytest.fixture
def apis(chain: dict[str, Any]) -> dict[str, Api]:
    return {who: Api(chain[who]) for who in ("manager", "la", "police", "icb", "scrutineer", "health", "panel")}


def test_a_case_system_files_a_notification_and_the_chain_runs_to_the_justification(chain, apis):
    m = apis["manager"]
    slug = chain["partnership"].slug
    case = m.call("post", "/notifications", {"partnership": slug, "summary": "Infant with fractures"}, expect=201)
    cid = case["id"]
    aware = working_days_ago(2)
    notification = m.call(
        "put",
        f"/{cid}/notification",
        {
            "version": case["version"],
            "nature": "serious_harm",
            "abuse_or_neglect": "suspected",
            "in_area": True,
            "incident_date": aware,
            "la_became_aware": aware,
            "description": "Fractures in a baby",
            "children": [{"name": "Api Baby", "date_of_birth": "2026-06-01", "sex": "female"}],
        },
    )
    assert notification["children"][0]["name"] == "Api Baby"
    assert m.call("get", f"/{cid}/notification/eligibility")["rapid_review_needed"] is True
    assert (
        m.call(
            "post",
            f"/{cid}/notification/sent",
            {"sent_on": TODAY, "panel_reference": "SIN-API", "partners_informed_on": TODAY},
        )["state"]
        == "rapid_review"
    )
    clocks = {c["milestone"]: c for c in m.call("get", f"/{cid}/clocks")}
    due = WorkingCalendar("england").add_working_days(datetime.date.today(), 15)
    assert clocks["rapid-review"]["statutory_due"] == due.isoformat() and clocks["rapid-review"]["explanation"]

    request = m.call(
        "post",
        f"/{cid}/rapid-review/requests",
        {
            "organisation_id": chain["orgs"]["nhs_trust"].pk,
            "contributor_id": chain["health"].pk,
            "shared_facts": "A baby with fractures",
        },
        expect=201,
    )
    h = apis["health"]
    assert [r["id"] for r in h.call("get", "/requests")] == [request["id"]]
    h.call("post", f"/requests/{request['id']}/response", {"response": "Seen once by the health visitor"})
    m.call(
        "post",
        f"/{cid}/rapid-review/episodes",
        {"date": aware, "agency": "Health", "what_happened": "Visit"},
        expect=201,
    )
    rr = m.call("get", f"/{cid}/rapid-review")
    m.call(
        "put",
        f"/{cid}/rapid-review",
        {
            "version": rr["version"],
            "recommendation": "local_review",
            "recommendation_reasons": "Agencies did not share",
            "criteria": {c: {"answer": "yes", "reasons": "r"} for c in "abcd"},
        },
    )
    m.call("post", f"/{cid}/rapid-review/submit")
    apis["la"].call("post", f"/{cid}/decision/votes", {"option": "local_review", "rationale": "LA"})
    apis["police"].call("post", f"/{cid}/decision/votes", {"option": "no_review", "rationale": "Police"})
    rounds = apis["icb"].call("post", f"/{cid}/decision/votes", {"option": "learning_review", "rationale": "ICB"})
    assert rounds[0]["status"] == "scrutineer"
    apis["scrutineer"].call("post", f"/{cid}/decision/advice", {"advice": "Criteria are met"})
    apis["icb"].call("post", f"/{cid}/decision/votes", {"option": "local_review", "rationale": "Persuaded"})
    rounds = m.call("post", f"/{cid}/decision/majority", {"rationale": "Majority for a local review"})
    assert rounds[0]["outcome"] == "local_review" and rounds[0]["method"] == "majority"
    m.call(
        "post",
        f"/{cid}/decision/family",
        {"told_on": TODAY, "method": "letter", "told_by": "Social worker"},
        expect=201,
    )
    assert m.call("post", f"/{cid}/rapid-review/sent", {"sent_on": TODAY})["state"] == "sent_to_panel"

    p = apis["panel"]
    assert cid in [c["id"] for c in p.call("get", f"/panel?partnership={slug}")]
    assert p.call("get", f"/{cid}/notification")["children"][0]["name"] is None  # no names for the Panel
    p.call(
        "post",
        f"/{cid}/panel-response",
        {"response": "challenge", "national_review": "no", "responded_on": TODAY, "reasons": "Reconsider"},
    )
    apis["scrutineer"].call("post", f"/{cid}/decision/advice", {"advice": "Keep it"})
    for who in ("la", "police", "icb"):
        apis[who].call("post", f"/{cid}/decision/votes", {"option": "local_review", "rationale": "Still local"})
    final = m.call("post", f"/{cid}/decision/justification", {"justification": "Local failures, local learning"})
    assert final["state"] == "sent_to_panel"
    assert p.call("get", f"/{cid}/decision")[-1]["justification"] == "Local failures, local learning"


def test_referral_and_screening_through_the_api(chain, apis):
    case = apis["health"].call(
        "post",
        "/referrals",
        {"partnership": chain["partnership"].slug, "what_happened": "Injury", "who_was_harmed": "Baby"},
        expect=201,
    )
    assert case["state"] == "referred"
    apis["health"].call("post", f"/{case['id']}/screening", {"outcome": "notification", "reasons": "x"}, expect=404)
    assert (
        apis["manager"].call(
            "post", f"/{case['id']}/screening", {"outcome": "notification", "reasons": "Criteria met"}
        )["state"]
        == "notification"
    )


def test_errors_name_their_fields_and_stale_versions_are_refused(chain, apis):
    m = apis["manager"]
    case = m.call("post", "/notifications", {"partnership": chain["partnership"].slug}, expect=201)
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    error = m.call(
        "put",
        f"/{case['id']}/notification",
        {"version": case["version"], "la_became_aware": future, "children": [{"name": ""}]},
        expect=422,
    )
    assert "la_became_aware" in error["field_errors"] and "child_1_name" in error["field_errors"]
    m.call("put", f"/{case['id']}/notification", {"version": case["version"], "children": [{"name": "A"}]})
    stale = m.call(
        "put", f"/{case['id']}/notification", {"version": case["version"], "children": [{"name": "B"}]}, expect=409
    )
    assert "Someone else saved" in stale["detail"]
    illegal = m.call("post", f"/{case['id']}/rapid-review/submit", expect=409)
    assert "rapid review" in illegal["detail"].lower()


def test_who_sees_what_through_the_api(chain, apis, make_partnership, make_user):
    from cspr.partnerships.roles import Role
    from tests.cases.conftest import notified_case

    case = notified_case(chain)
    from cspr.cases import services

    request = services.agency_request_create(
        actor=chain["manager"],
        case=case,
        organisation=chain["orgs"]["nhs_trust"],
        contributor=chain["health"],
        shared_facts="Facts shared",
    )
    outsider = Api(make_user(Role.BUSINESS_MANAGER, make_partnership()))
    for path in (f"/{case.pk}", f"/{case.pk}/notification", f"/{case.pk}/clocks", f"/{case.pk}/rapid-review"):
        outsider.call("get", path, expect=404)
    assert outsider.call("get", "/") == []
    # A contributor sees their request, not the case.
    apis["health"].call("get", f"/{case.pk}", expect=404)
    assert apis["health"].call("get", f"/requests/{request.pk}")["shared_facts"] == "Facts shared"
    apis["health2"] = Api(chain["health2"])
    apis["health2"].call("get", f"/requests/{request.pk}", expect=404)
    # The Panel sees the notification (no names) but not the rapid review before it is sent.
    assert apis["panel"].call("get", f"/{case.pk}/notification")["children"][0]["name"] is None
    apis["panel"].call("get", f"/{case.pk}/rapid-review", expect=404)
    apis["manager"].call("get", "/panel", expect=404)
    assert Case.objects.filter(pk=case.pk).exists()


def test_openapi_document_lists_every_case_operation():
    doc = Client().get("/api/v1/openapi.json").json()
    paths = set(doc["paths"])
    for path in (
        "/api/v1/cases/referrals",
        "/api/v1/cases/notifications",
        "/api/v1/cases/{case_id}/notification",
        "/api/v1/cases/{case_id}/notification/sent",
        "/api/v1/cases/{case_id}/rapid-review/requests",
        "/api/v1/cases/requests/{request_id}/response",
        "/api/v1/cases/{case_id}/decision/votes",
        "/api/v1/cases/{case_id}/decision/majority",
        "/api/v1/cases/{case_id}/panel-response",
        "/api/v1/cases/{case_id}/decision/justification",
        "/api/v1/cases/panel",
        "/api/v1/cases/rr-audits",
        "/api/v1/cases/{case_id}/clocks",
    ):
        assert path in paths, path
