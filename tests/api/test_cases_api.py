"""The case workflow through /api/v1/cases with bearer tokens: the whole chain, a council's system filing a
notification, optimistic locking, errors, and the OpenAPI document. Who sees what is in
test_cases_api_visibility.py."""

from __future__ import annotations

import datetime
import json
import typing
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.cases import services
from cspr.cases.api import schemas
from cspr.cases.models import (
    AgencyRequest,
    Case,
    CaseState,
    Child,
    FamilyCommunication,
    Notification,
    PanelResponse,
    RapidReview,
    ReviewOption,
)
from cspr.cases.rules.regulation11 import CIRCUMSTANCES, CRITERIA
from cspr.cases.services.notification import AGE_BANDS
from cspr.cases.services.rr_audit import CHECKLIST, SCORES
from cspr.partnerships.services import api_token_create
from cspr.timescales import WorkingCalendar
from tests.cases.conftest import ALL_CRITERIA, notified_case

pytestmark = pytest.mark.django_db


class Api:
    """One person's bearer token, calling /api/v1/cases and checking the status code."""

    def __init__(self, user: Any) -> None:
        _, self.token = api_token_create(actor=user, name="test")
        self.client = Client()

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, expect: int = 200) -> Any:
        kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        if body is not None or method in {"post", "put"}:
            kwargs.update(data=json.dumps(body or {}, default=str), content_type="application/json")
        response = getattr(self.client, method)(f"/api/v1/cases{path}", **kwargs)
        assert response.status_code == expect, (method, path, response.status_code, response.content[:800])
        return response.json() if response.content else None


PEOPLE = ("manager", "la", "police", "icb", "scrutineer", "auditor", "health", "health2", "panel")


@pytest.fixture
def apis(chain: dict[str, Any]) -> dict[str, Api]:
    """A token for each person of the chain fixture (tests/cases/conftest.py)."""
    return {who: Api(chain[who]) for who in PEOPLE}


def today() -> str:
    return timezone.localdate().isoformat()


SHARED_FACTS = "SHARED-FACTS-FOR-THE-TRUST"
QUESTIONS = "QUESTIONS-FOR-THE-TRUST"
ANSWER = "ANSWER-FROM-THE-TRUST"


def case_sent_to_panel(chain: dict[str, Any]) -> Case:
    """A case whose rapid review and unanimous decision were sent to the Panel today, after the NHS trust's
    contributor answered a request (texts above, so a test can look for them where they must not be)."""
    manager = chain["manager"]
    case = notified_case(chain)
    item = services.agency_request_create(
        actor=manager,
        case=case,
        organisation=chain["orgs"]["nhs_trust"],
        contributor=chain["health"],
        shared_facts=SHARED_FACTS,
        questions=QUESTIONS,
    )
    services.agency_request_respond(actor=chain["health"], agency_request=item, response=ANSWER)
    services.rapid_review_update(
        actor=manager,
        case=case,
        version=RapidReview.objects.get(case=case).version,
        criteria=ALL_CRITERIA,
        sections={"recommendation": "local_review", "recommendation_reasons": "Agencies did not share"},
    )
    services.rapid_review_submit_for_decision(actor=manager, case=case)
    case.refresh_from_db()
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale=f"{who} agrees")
    services.family_communication_record(
        actor=manager,
        case=case,
        told_on=timezone.localdate(),
        method="letter",
        told_by="Social worker",
        notes="FAMILY-NOTES",
    )
    case.refresh_from_db()
    services.rapid_review_record_sent(actor=manager, case=case, sent_on=timezone.localdate())
    case.refresh_from_db()
    return case


def test_the_chain_runs_through_the_api_from_referral_to_the_panel_agreeing_after_a_challenge(chain, apis):
    m, health, panel = apis["manager"], apis["health"], apis["panel"]
    slug = chain["partnership"].slug

    # 1. Referral by an agency, screened by the business manager into a notification.
    referred = health.call(
        "post",
        "/referrals",
        {"partnership": slug, "what_happened": "Baby with fractures", "who_was_harmed": "Baby Referred"},
        expect=201,
    )
    cid = referred["id"]
    assert referred["state"] == "referred" and referred["pseudonym"].startswith("Child ")
    assert [r["outcome"] for r in health.call("get", "/referrals")] == ["pending"]
    screened = m.call("post", f"/{cid}/screening", {"outcome": "notification", "reasons": "Criteria met"})
    assert screened["state"] == "notification"

    # 2. The notification: details and the child, eligibility, sent to the Panel.
    notification = m.call("get", f"/{cid}/notification")
    assert notification["description"] == "Baby with fractures"  # carried over from the referral
    notification = m.call(
        "put",
        f"/{cid}/notification",
        {
            "version": notification["version"],
            "nature": "serious_harm",
            "abuse_or_neglect": "suspected",
            "in_area": True,
            "incident_date": today(),
            "la_became_aware": today(),
            "description": "Fractures in a baby",
            "children": [{"name": "Ada Chainchild", "date_of_birth": "2026-06-01", "sex": "female"}],
        },
    )
    assert notification["children"][0]["name"] == "Ada Chainchild"
    assert m.call("get", f"/{cid}/notification/eligibility")["rapid_review_needed"] is True
    sent = m.call("post", f"/{cid}/notification/sent", {"sent_on": today(), "panel_reference": "SIN-API-1"})
    assert sent["state"] == "rapid_review" and sent["sent_to_panel_at"]
    clocks = {c["milestone"]: c for c in m.call("get", f"/{cid}/clocks")}
    due = WorkingCalendar("england").add_working_days(timezone.localdate(), 15)
    assert clocks["rapid-review"]["statutory_due"] == due.isoformat()
    assert clocks["rapid-review"]["status"] == "running" and clocks["rapid-review"]["explanation"]
    assert clocks["notify-panel"]["status"] == "met" and clocks["notify-panel"]["working_days_late"] == 0

    # 3. The rapid review: a request answered by the agency's contributor, chronology, criteria.
    agencies = {a["organisation_id"]: a for a in m.call("get", f"/{cid}/rapid-review/contributors")}
    trust = agencies[chain["orgs"]["nhs_trust"].pk]
    assert chain["health"].pk in [c["id"] for c in trust["contributors"]]
    request = m.call(
        "post",
        f"/{cid}/rapid-review/requests",
        {"organisation_id": trust["organisation_id"], "contributor_id": chain["health"].pk, "shared_facts": "Facts"},
        expect=201,
    )
    assert request["status"] == "open" and request["due_date"] > today()
    assert [r["id"] for r in health.call("get", "/requests")] == [request["id"]]
    answered = health.call("post", f"/requests/{request['id']}/response", {"response": "Seen once by the HV"})
    assert answered["status"] == "answered"
    again = health.call("post", f"/requests/{request['id']}/response", {"response": "Second thoughts"}, expect=409)
    assert "already been answered" in again["detail"]
    assert m.call("get", f"/{cid}/rapid-review/requests")[0]["response"] == "Seen once by the HV"
    episode = m.call(
        "post",
        f"/{cid}/rapid-review/episodes",
        {"date": today(), "agency": "Health", "what_happened": "Visit", "analysis": "Missed bruise"},
        expect=201,
    )
    action = m.call(
        "post", f"/{cid}/rapid-review/immediate-actions", {"action": "Sibling safety plan", "by_whom": "LA"}, expect=201
    )
    rr = m.call("get", f"/{cid}/rapid-review")
    assert [e["id"] for e in rr["episodes"]] == [episode["id"]]
    assert [a["id"] for a in rr["immediate_actions"]] == [action["id"]]
    rr = m.call(
        "put",
        f"/{cid}/rapid-review",
        {
            "version": rr["version"],
            "learning_so_far": "Information was not shared",
            "recommendation": "local_review",
            "recommendation_reasons": "Agencies did not share",
            "criteria": {
                **{code: {"answer": "yes", "reasons": f"Reason {code}"} for code in "abcd"},
                **{code: {"answer": "no", "reasons": ""} for code, _ in CIRCUMSTANCES},
            },
        },
    )
    assert rr["criteria"]["c"] == {"answer": "yes", "reasons": "Reason c"}
    assert m.call("post", f"/{cid}/rapid-review/submit")["state"] == "decision"

    # 4. Three votes that disagree, the scrutineer, a changed vote, the majority, the family.
    apis["la"].call("post", f"/{cid}/decision/votes", {"option": "local_review", "rationale": "LA reasons"})
    apis["police"].call("post", f"/{cid}/decision/votes", {"option": "no_review", "rationale": "Police reasons"})
    third = apis["icb"].call("post", f"/{cid}/decision/votes", {"option": "learning_review", "rationale": "ICB"})
    assert third["status"] == "scrutineer" and len(third["votes"]) == 3
    advised = apis["scrutineer"].call("post", f"/{cid}/decision/advice", {"advice": "The criteria are met"})
    assert advised["status"] == "revoting"
    changed = apis["icb"].call("post", f"/{cid}/decision/votes", {"option": "local_review", "rationale": "Persuaded"})
    assert [v["stage"] for v in changed["votes"]].count(2) == 1
    decided = m.call("post", f"/{cid}/decision/majority", {"rationale": "Two partners for a local review"})
    assert (decided["status"], decided["outcome"], decided["method"]) == ("decided", "local_review", "majority")
    family = m.call(
        "post", f"/{cid}/decision/family", {"told_on": today(), "method": "in_person", "told_by": "SW"}, expect=201
    )
    assert family["method"] == "in_person"
    assert m.call("post", f"/{cid}/rapid-review/sent", {"sent_on": today()})["state"] == "sent_to_panel"

    # 5. The Panel reads what was sent, challenges; the partners meet again and justify; the Panel agrees.
    listed = {c["id"]: c for c in panel.call("get", f"/panel?partnership={slug}")}
    assert listed[cid]["rapid_review_sent_on"] == today() and listed[cid]["rapid_review_status"] == "met"
    seen = panel.call("get", f"/{cid}")
    assert seen["whole_case"] is False and seen["rapid_review"]["learning_so_far"] == "Information was not shared"
    assert seen["decisions"][0]["outcome"] == "local_review"
    challenged = panel.call(
        "post",
        f"/{cid}/panel-response",
        {"response": "challenge", "national_review": "no", "responded_on": today(), "reasons": "Reconsider"},
    )
    assert challenged["state"] == "panel_challenged"
    apis["scrutineer"].call("post", f"/{cid}/decision/advice", {"advice": "Keep it, say why"})
    for who in ("la", "police", "icb"):
        second = apis[who].call("post", f"/{cid}/decision/votes", {"option": "local_review", "rationale": "Local"})
    assert (second["round"], second["status"], second["kept_or_changed"]) == (2, "decided", "kept")
    justified = m.call("post", f"/{cid}/decision/justification", {"justification": "Local failures, local learning"})
    assert justified["state"] == "sent_to_panel"
    rounds = panel.call("get", f"/{cid}/decision")
    assert [r["round"] for r in rounds] == [1, 2]
    assert rounds[0]["panel_responses"][0]["response"] == "challenge"
    assert rounds[1]["justification"] == "Local failures, local learning"
    agreed = panel.call(
        "post", f"/{cid}/panel-response", {"response": "agree", "national_review": "no", "responded_on": today()}
    )
    assert agreed["state"] == "local_review"

    # What the database holds is what the API said.
    assert PanelResponse.objects.filter(case_id=cid).count() == 2
    assert FamilyCommunication.objects.filter(decision__case_id=cid).count() == 1
    assert RapidReview.objects.get(case_id=cid).sent_on == timezone.localdate()
    assert [r["outcome"] for r in health.call("get", "/referrals")] == ["notification"]


def test_a_council_system_opens_a_case_at_notification_fills_it_in_and_records_it_sent(chain, apis):
    m = apis["manager"]
    opened = m.call(
        "post",
        "/notifications",
        {"partnership": chain["partnership"].slug, "summary": "Infant death", "children": [{"name": "First Name"}]},
        expect=201,
    )
    cid, version = opened["id"], opened["version"]
    assert opened["state"] == "notification"
    assert Child.objects.get(case_id=cid).name == "First Name"
    body = {
        "version": version,
        "nature": "death",
        "abuse_or_neglect": "known",
        "incident_date": today(),
        "incident_time": "14:30:00",
        "place": "Home address",
        "la_where_happened": "Chain Council",
        "in_area": True,
        "la_became_aware": today(),
        "agencies_involved": "Health visiting; police",
        "description": "Death of an infant",
        "notifier_name": "N. Otifier",
        "notifier_role": "Head of service",
        "notifier_email": "notifier@example.gov.uk",
        "children": [
            {"name": "Twin One", "date_of_birth": "2026-01-02", "sex": "male", "legal_status": "child_protection"},
            {"name": "Twin Two", "date_of_birth": "2026-01-02", "sex": "female"},
        ],
    }
    saved = m.call("put", f"/{cid}/notification", body)
    assert saved["version"] == version + 1
    read = m.call("get", f"/{cid}/notification")
    for field in ("nature", "place", "la_where_happened", "agencies_involved", "notifier_email", "in_area"):
        assert read[field] == body[field], field
    assert read["incident_time"] == "14:30:00"
    assert [(c["name"], c["pseudonym"], c["age_band"]) for c in read["children"]] == [
        ("Twin One", f"{opened['pseudonym']} (1)", "under-1"),
        ("Twin Two", f"{opened['pseudonym']} (2)", "under-1"),
    ]
    eligibility = m.call("get", f"/{cid}/notification/eligibility")
    assert eligibility["route"] == "serious_case" and eligibility["complete"] is True
    assert all(c["met"] for c in eligibility["criteria"][:3])
    sent = m.call(
        "post",
        f"/{cid}/notification/sent",
        {"sent_on": today(), "panel_reference": "SIN-42", "partners_informed_on": today()},
    )
    assert sent["state"] == "rapid_review"
    assert Notification.objects.get(case_id=cid).panel_reference == "SIN-42"
    assert m.call("get", f"/{cid}/rapid-review")["sent_on"] is None


def test_a_stale_version_is_refused_with_409_and_the_first_save_stands(chain, apis):
    m = apis["manager"]
    opened = m.call("post", "/notifications", {"partnership": chain["partnership"].slug}, expect=201)
    cid, version = opened["id"], opened["version"]
    m.call("put", f"/{cid}/notification", {"version": version, "description": "First", "children": [{"name": "A"}]})
    stale = m.call(
        "put", f"/{cid}/notification", {"version": version, "description": "Second", "children": []}, expect=409
    )
    assert "Someone else saved" in stale["detail"]
    assert Notification.objects.get(case_id=cid).description == "First"
    assert Child.objects.filter(case_id=cid).count() == 1

    case = notified_case(chain)
    rr = m.call("get", f"/{case.pk}/rapid-review")
    m.call("put", f"/{case.pk}/rapid-review", {"version": rr["version"], "good_practice": "Mine"})
    m.call("put", f"/{case.pk}/rapid-review", {"version": rr["version"], "good_practice": "Theirs"}, expect=409)
    assert RapidReview.objects.get(case=case).good_practice == "Mine"


def test_rapid_review_put_keeps_sections_left_out_and_clears_those_sent_as_null(chain, apis):
    m = apis["manager"]
    case = notified_case(chain)
    rr = m.call("get", f"/{case.pk}/rapid-review")
    rr = m.call(
        "put", f"/{case.pk}/rapid-review", {"version": rr["version"], "good_practice": "G", "family_views": "F"}
    )
    rr = m.call("put", f"/{case.pk}/rapid-review", {"version": rr["version"], "family_views": None})
    assert (rr["good_practice"], rr["family_views"]) == ("G", "")


def test_broken_rules_come_back_as_422_with_the_fields_of_the_body(chain, apis):
    m = apis["manager"]
    opened = m.call("post", "/notifications", {"partnership": chain["partnership"].slug}, expect=201)
    cid = opened["id"]
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    error = m.call(
        "put",
        f"/{cid}/notification",
        {"version": opened["version"], "la_became_aware": future, "children": [{"name": "A"}, {"name": " "}]},
        expect=422,
    )
    assert set(error["field_errors"]) == {"la_became_aware", "children.1.name"}
    assert error["field_errors"]["children.1.name"] == "Enter child 2's name"

    # The body's own shape is checked before any service runs: the field is named in the error's location.
    shape = m.call("put", f"/{cid}/notification", {"version": opened["version"], "nature": "bad"}, expect=422)
    assert any(item["loc"][-1] == "nature" for item in shape["detail"])

    case = notified_case(chain)
    rr = m.call("get", f"/{case.pk}/rapid-review")
    error = m.call(
        "put", f"/{case.pk}/rapid-review", {"version": rr["version"], "criteria": {"a": {"answer": "yes"}}}, expect=422
    )
    assert set(error["field_errors"]) == {"criteria.a.reasons"}
    error = m.call(
        "post",
        f"/{case.pk}/rapid-review/requests",
        {"organisation_id": chain["orgs"]["police"].pk, "contributor_id": chain["health"].pk, "shared_facts": " "},
        expect=422,
    )
    assert set(error["field_errors"]) == {"contributor_id"}  # health answers for the NHS trust, not the police
    error = m.call("post", f"/{case.pk}/decision/family", {"told_on": today(), "method": "carrier pigeon"}, expect=422)
    assert {item["loc"][-1] for item in error["detail"]} == {"method", "told_by"}
    assert AgencyRequest.objects.filter(case=case).count() == 0


def test_moves_out_of_turn_are_refused_with_409(chain, apis):
    m = apis["manager"]
    opened = m.call("post", "/notifications", {"partnership": chain["partnership"].slug}, expect=201)
    refused = m.call("post", f"/{opened['id']}/rapid-review/submit", expect=409)
    assert "cannot go from" in refused["detail"]
    referred = m.call(
        "post",
        "/referrals",
        {"partnership": chain["partnership"].slug, "what_happened": "x", "who_was_harmed": "y"},
        expect=201,
    )
    m.call("post", f"/{referred['id']}/screening", {"outcome": "no_further_action", "reasons": "Not serious"})
    again = m.call("post", f"/{referred['id']}/screening", {"outcome": "notification", "reasons": "x"}, expect=409)
    assert "already been screened" in again["detail"]
    apis["la"].call("post", f"/{opened['id']}/decision/votes", {"option": "no_review", "rationale": "x"}, expect=409)


def test_a_role_that_sees_the_case_but_may_not_make_the_change_gets_403(chain, apis):
    case = notified_case(chain)
    refused = apis["scrutineer"].call(
        "post", f"/{case.pk}/rapid-review/episodes", {"date": today(), "agency": "x", "what_happened": "y"}, expect=403
    )
    assert "role" in refused["detail"]
    apis["manager"].call("post", f"/{case.pk}/decision/votes", {"option": "no_review", "rationale": "x"}, expect=403)


def test_reads_of_case_data_are_audited_with_the_reader(chain, apis):
    case = notified_case(chain)
    before = AuditEvent.objects.filter(action="case.viewed", object_id=str(case.pk)).count()
    apis["auditor"].call("get", f"/{case.pk}")
    apis["panel"].call("get", f"/{case.pk}/notification")
    readers = list(
        AuditEvent.objects.filter(action="case.viewed", object_id=str(case.pk)).values_list("actor_id", flat=True)
    )
    assert len(readers) == before + 2 and readers[-2:] == [chain["auditor"].pk, chain["panel"].pk]


def test_rapid_review_audits_sample_score_and_complete_through_the_api(chain, apis):
    case = case_sent_to_panel(chain)
    m = apis["manager"]
    audit = m.call(
        "post",
        "/rr-audits",
        {"partnership": chain["partnership"].slug, "period_start": today(), "period_end": today()},
        expect=201,
    )
    assert [i["case_id"] for i in audit["items"]] == [case.pk]
    assert [c["id"] for c in audit["checklist"]] == [key for key, _ in CHECKLIST]
    item = audit["items"][0]["id"]
    partial = {key: "met" for key, _ in CHECKLIST[:-1]}
    error = m.call("post", f"/rr-audits/{audit['id']}/items/{item}/scores", {"scores": partial}, expect=422)
    assert set(error["field_errors"]) == {"scores.on_time"}
    m.call("post", f"/rr-audits/{audit['id']}/complete", {}, expect=422)
    scored = m.call(
        "post",
        f"/rr-audits/{audit['id']}/items/{item}/scores",
        {"scores": {**partial, "on_time": "partly"}, "comment": "Sound"},
    )
    assert scored["items"][0]["scores"]["on_time"] == "partly"
    done = m.call("post", f"/rr-audits/{audit['id']}/complete", {"overall_comment": "Good"})
    assert done["completed_at"] and done["overall_comment"] == "Good"
    m.call("post", f"/rr-audits/{audit['id']}/items/{item}/scores", {"scores": {**partial, "on_time": "met"}}, 409)
    # The auditor reads the audit but does not score it; the Panel does not see it at all.
    assert [a["id"] for a in apis["auditor"].call("get", "/rr-audits")] == [audit["id"]]
    assert apis["auditor"].call("get", f"/rr-audits/{audit['id']}")["items"][0]["comment"] == "Sound"
    apis["panel"].call("get", f"/rr-audits/{audit['id']}", expect=404)


EXPECTED_OPERATIONS = {
    ("get", "/api/v1/cases/"),
    ("get", "/api/v1/cases/referrals"),
    ("post", "/api/v1/cases/referrals"),
    ("post", "/api/v1/cases/notifications"),
    ("get", "/api/v1/cases/requests"),
    ("get", "/api/v1/cases/requests/{request_id}"),
    ("post", "/api/v1/cases/requests/{request_id}/response"),
    ("get", "/api/v1/cases/panel"),
    ("get", "/api/v1/cases/rr-audits"),
    ("post", "/api/v1/cases/rr-audits"),
    ("get", "/api/v1/cases/rr-audits/{audit_id}"),
    ("post", "/api/v1/cases/rr-audits/{audit_id}/items/{item_id}/scores"),
    ("post", "/api/v1/cases/rr-audits/{audit_id}/complete"),
    ("get", "/api/v1/cases/{case_id}"),
    ("get", "/api/v1/cases/{case_id}/clocks"),
    ("post", "/api/v1/cases/{case_id}/screening"),
    ("get", "/api/v1/cases/{case_id}/notification"),
    ("put", "/api/v1/cases/{case_id}/notification"),
    ("get", "/api/v1/cases/{case_id}/notification/eligibility"),
    ("post", "/api/v1/cases/{case_id}/notification/sent"),
    ("post", "/api/v1/cases/{case_id}/notification/corrections"),
    ("get", "/api/v1/cases/{case_id}/rapid-review"),
    ("put", "/api/v1/cases/{case_id}/rapid-review"),
    ("get", "/api/v1/cases/{case_id}/rapid-review/contributors"),
    ("get", "/api/v1/cases/{case_id}/rapid-review/requests"),
    ("post", "/api/v1/cases/{case_id}/rapid-review/requests"),
    ("post", "/api/v1/cases/{case_id}/rapid-review/requests/{request_id}/withdraw"),
    ("post", "/api/v1/cases/{case_id}/rapid-review/episodes"),
    ("post", "/api/v1/cases/{case_id}/rapid-review/immediate-actions"),
    ("post", "/api/v1/cases/{case_id}/rapid-review/submit"),
    ("post", "/api/v1/cases/{case_id}/rapid-review/sent"),
    ("get", "/api/v1/cases/{case_id}/decision"),
    ("post", "/api/v1/cases/{case_id}/decision/votes"),
    ("post", "/api/v1/cases/{case_id}/decision/advice"),
    ("post", "/api/v1/cases/{case_id}/decision/majority"),
    ("post", "/api/v1/cases/{case_id}/decision/family"),
    ("post", "/api/v1/cases/{case_id}/decision/justification"),
    ("post", "/api/v1/cases/{case_id}/panel-response"),
    ("get", "/api/v1/cases/{case_id}/rapid-review/report/{fmt}"),
    ("post", "/api/v1/cases/{case_id}/family-letter/{fmt}"),
    ("get", "/api/v1/cases/rr-audits/{audit_id}/summary/{fmt}"),
    ("get", "/api/v1/cases/{case_id}/attachments"),
    ("post", "/api/v1/cases/{case_id}/attachments"),
    ("get", "/api/v1/cases/{case_id}/attachments/{attachment_id}"),
    ("get", "/api/v1/cases/{case_id}/history"),
}


def openapi() -> dict[str, Any]:
    return Client().get("/api/v1/openapi.json").json()


def case_operations() -> dict[tuple[str, str], dict[str, Any]]:
    doc = openapi()
    return {
        (method, path): op
        for path, ops in doc["paths"].items()
        if path.startswith("/api/v1/cases/")
        for method, op in ops.items()
    }


def test_the_openapi_document_lists_every_case_operation_with_a_summary_and_a_description():
    operations = case_operations()
    assert set(operations) == EXPECTED_OPERATIONS
    for key, op in operations.items():
        assert op["summary"] and op.get("description"), key
        assert op["security"] == [{"TokenAuth": []}], key
        refused = op["responses"]["404"]["content"]["application/json"]["schema"]["$ref"]
        assert refused.endswith("/ErrorOut"), key
    ids = [op["operationId"] for op in operations.values()]
    assert len(ids) == len(set(ids))
    put = operations[("put", "/api/v1/cases/{case_id}/notification")]
    assert put["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/NotificationIn")
    components = openapi()["components"]["schemas"]
    assert "version" in components["NotificationIn"]["required"]
    assert components["NotificationIn"]["properties"]["nature"]["anyOf"][0]["enum"] == list(Notification.Nature.values)
    child = components["ChildOut"]["properties"]["name"]
    assert "never sent to the Panel" in child["description"]


def test_the_choices_the_api_documents_are_the_models_choices():
    def values(alias: Any) -> set[str]:
        return set(typing.get_args(alias))

    assert values(schemas.CaseStateValue) == set(CaseState.values)
    assert values(schemas.SexValue) == set(Child.Sex.values)
    assert values(schemas.LegalStatusValue) == set(Child.LegalStatus.values)
    assert values(schemas.NatureValue) == set(Notification.Nature.values)
    assert values(schemas.AbuseOrNeglectValue) == set(Notification.AbuseOrNeglect.values)
    assert values(schemas.ReviewOptionValue) == set(ReviewOption.values)
    assert values(schemas.AnswerValue) == set(RapidReview.Answer.values)
    assert values(schemas.CriterionCode) == {code for code, _ in CRITERIA + CIRCUMSTANCES}
    assert values(schemas.FamilyMethodValue) == set(FamilyCommunication.Method.values)
    assert values(schemas.PanelResponseValue) == set(PanelResponse.Response.values)
    assert values(schemas.NationalReviewValue) == set(PanelResponse.NationalReview.values)
    assert values(schemas.AgeBandValue) == {band for band, _ in AGE_BANDS}
    assert values(schemas.ChecklistItem) == {key for key, _ in CHECKLIST}
    assert values(schemas.ScoreValue) == set(SCORES)
