"""Who reads what through /api/v1/cases: another partnership nothing, the Panel what was sent to it and never
who the child is or what agencies were asked, a contributor only their own requests (DESIGN.md rules 1, 6)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cspr.cases import services
from cspr.cases.models import AgencyRequest, Attachment, Case, Decision, PanelResponse
from cspr.cases.services.rr_audit import CHECKLIST
from cspr.partnerships.roles import Role
from tests.api.test_cases_api import (
    ANSWER,
    EXPECTED_OPERATIONS,
    PEOPLE,
    QUESTIONS,
    SHARED_FACTS,
    Api,
    case_operations,
    case_sent_to_panel,
    today,
)
from tests.cases.conftest import notified_case, working_days_ago

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/cases"


@pytest.fixture
def apis(chain: dict[str, Any]) -> dict[str, Api]:
    return {who: Api(chain[who]) for who in PEOPLE}


def valid_bodies() -> dict[tuple[str, str], dict[str, Any]]:
    """A body each write accepts, so that a refusal comes from the scoping, not from the body's shape."""
    c = PREFIX + "/{case_id}"
    return {
        ("post", PREFIX + "/requests/{request_id}/response"): {"response": "x"},
        ("post", PREFIX + "/rr-audits/{audit_id}/items/{item_id}/scores"): {"scores": {k: "met" for k, _ in CHECKLIST}},
        ("post", PREFIX + "/rr-audits/{audit_id}/complete"): {},
        ("post", c + "/screening"): {"outcome": "notification", "reasons": "x"},
        ("put", c + "/notification"): {"version": 1},
        ("post", c + "/notification/sent"): {"sent_on": today(), "panel_reference": "x"},
        ("post", c + "/notification/corrections"): {"version": 1, "reason": "x"},
        ("put", c + "/rapid-review"): {"version": 1},
        ("post", c + "/rapid-review/requests"): {"organisation_id": 1, "contributor_id": 1, "shared_facts": "x"},
        ("post", c + "/rapid-review/requests/{request_id}/withdraw"): {},
        ("post", c + "/rapid-review/episodes"): {"date": today(), "agency": "x", "what_happened": "y"},
        ("post", c + "/rapid-review/immediate-actions"): {"action": "x", "by_whom": "y"},
        ("post", c + "/rapid-review/submit"): {},
        ("post", c + "/rapid-review/sent"): {"sent_on": today()},
        ("post", c + "/decision/votes"): {"option": "no_review", "rationale": "x"},
        ("post", c + "/decision/advice"): {"advice": "x"},
        ("post", c + "/decision/majority"): {"rationale": "x"},
        ("post", c + "/decision/family"): {"told_on": today(), "method": "letter", "told_by": "x"},
        ("post", c + "/decision/justification"): {"justification": "x"},
        ("post", c + "/panel-response"): {"response": "agree", "national_review": "no", "responded_on": today()},
        ("post", c + "/family-letter/{fmt}"): {"addressee": "x", "salutation": "y"},
        # The upload is multipart; without a file it still reaches the view, so the scoping answers first.
        ("post", c + "/attachments"): {},
        ("post", c + "/publication"): {},
    }


def test_another_partnerships_token_gets_404_at_every_operation_on_this_partnerships_records(
    chain, make_partnership, make_user
):
    case = case_sent_to_panel(chain)
    request = AgencyRequest.objects.get(case=case)
    audit = services.rr_audit_create(
        actor=chain["manager"],
        partnership=chain["partnership"],
        period_start=case.rapid_review.sent_on,
        period_end=case.rapid_review.sent_on,
        sample_size=5,
    )
    attachment = Attachment.objects.create(
        case=case,
        storage_name="visibility/none",
        original_name="minutes.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=chain["manager"],
    )
    ids = {
        "case_id": case.pk,
        "request_id": request.pk,
        "audit_id": audit.pk,
        "item_id": audit.items.get().pk,
        "attachment_id": attachment.pk,
        "fmt": "pdf",
    }
    outsider = Api(make_user(Role.BUSINESS_MANAGER, make_partnership("Elsewhere")))
    secrets = [case.reference, case.pseudonym, "Baby Example", SHARED_FACTS, ANSWER, chain["partnership"].name]
    bodies = valid_bodies()
    checked = 0
    for (method, path), _ in sorted(case_operations().items()):
        if "{" not in path:
            continue
        body = bodies.get((method, path)) if method != "get" else None
        assert method == "get" or body is not None, f"valid_bodies() needs a body for {method.upper()} {path}"
        answer = outsider.call(method, path.removeprefix(PREFIX).format(**ids), body, expect=404)
        leaked = [s for s in secrets if s in json.dumps(answer)]
        assert not leaked, (method, path, leaked)
        checked += 1
    assert checked == len([path for _, path in EXPECTED_OPERATIONS if "{" in path])
    slug = chain["partnership"].slug
    for method, path, body in (
        ("post", "/referrals", {"partnership": slug, "what_happened": "x", "who_was_harmed": "y"}),
        ("post", "/notifications", {"partnership": slug}),
        ("post", "/rr-audits", {"partnership": slug, "period_start": today(), "period_end": today()}),
        ("get", "/panel", None),
    ):
        outsider.call(method, path, body, expect=404)
    for path in ("/", "/requests", "/referrals", "/rr-audits"):
        assert outsider.call("get", path) == [], path
    # Nothing the outsider sent changed anything.
    request.refresh_from_db()
    assert request.status == AgencyRequest.Status.ANSWERED and request.response == ANSWER
    assert Case.objects.get(pk=case.pk).state == "sent_to_panel"
    assert Decision.objects.filter(case=case).count() == 1 and not PanelResponse.objects.exists()
    assert Case.objects.filter(partnership=chain["partnership"]).count() == 1


def _bodies_the_panel_reads(panel: Api, case: Case) -> str:
    paths = ["/", "/panel", f"/{case.pk}", f"/{case.pk}/notification", f"/{case.pk}/notification/eligibility"]
    paths += [f"/{case.pk}/rapid-review", f"/{case.pk}/decision", f"/{case.pk}/clocks"]
    return "\n".join(json.dumps(panel.call("get", path)) for path in paths)


def test_the_panel_reads_what_was_sent_without_who_the_child_is_and_never_the_agency_requests(chain, apis):
    case = case_sent_to_panel(chain)
    panel = apis["panel"]
    seen = panel.call("get", f"/{case.pk}")
    assert (seen["whole_case"], seen["summary"], seen["referral"]) == (False, None, None)
    child = seen["notification"]["children"][0]
    assert child["pseudonym"] == case.pseudonym and child["age_band"] == "under-1" and child["sex"] == "male"
    assert child["name"] is None and child["date_of_birth"] is None and child["ethnicity"] is None
    assert seen["notification"]["description"] == "Fractured skull"  # what the Panel was sent
    assert seen["notification"]["place"] is None and seen["notification"]["notifier_email"] is None
    assert seen["rapid_review"]["recommendation"] == "local_review"
    assert seen["decisions"][0]["outcome"] == "local_review"
    assert seen["decisions"][0]["family_communications"] is None
    everything = _bodies_the_panel_reads(panel, case)
    for hidden in ("Baby Example", working_days_ago(200).isoformat(), "Infant with head injury", "FAMILY-NOTES"):
        assert hidden not in everything, hidden
    for hidden in (SHARED_FACTS, QUESTIONS, ANSWER, "agency_request", "shared_facts"):
        assert hidden not in everything, hidden
    for path in ("/rapid-review/requests", "/rapid-review/contributors"):
        panel.call("get", f"/{case.pk}{path}", expect=404)
    request = AgencyRequest.objects.get(case=case)
    panel.call("get", f"/requests/{request.pk}", expect=404)
    panel.call("post", f"/{case.pk}/rapid-review/requests/{request.pk}/withdraw", expect=404)


def test_the_panel_reads_the_rapid_review_and_decision_only_once_they_are_sent_to_it(chain, apis):
    case = notified_case(chain)
    panel = apis["panel"]
    seen = panel.call("get", f"/{case.pk}")
    assert seen["notification"]["sent_on"] and seen["rapid_review"] is None and seen["decisions"] == []
    panel.call("get", f"/{case.pk}/rapid-review", expect=404)
    panel.call("get", f"/{case.pk}/decision", expect=404)
    assert case.pk in [c["id"] for c in panel.call("get", "/panel")]
    # Before the notification is sent the Panel does not know the case exists.
    unsent = services.case_open(actor=chain["manager"], partnership=chain["partnership"], summary="Not yet sent")
    panel.call("get", f"/{unsent.pk}", expect=404)
    panel.call("get", f"/{unsent.pk}/notification", expect=404)
    assert unsent.pk not in [c["id"] for c in panel.call("get", "/")]


def test_the_partnerships_own_people_read_the_whole_case(chain, apis):
    case = case_sent_to_panel(chain)
    seen = apis["auditor"].call("get", f"/{case.pk}")
    assert seen["whole_case"] is True and seen["summary"] == "Infant with head injury"
    child = seen["notification"]["children"][0]
    assert child["name"] == "Baby Example" and child["date_of_birth"] == working_days_ago(200).isoformat()
    assert seen["decisions"][0]["family_communications"][0]["notes"] == "FAMILY-NOTES"
    requests = apis["scrutineer"].call("get", f"/{case.pk}/rapid-review/requests")
    assert [(r["shared_facts"], r["response"]) for r in requests] == [(SHARED_FACTS, ANSWER)]


def test_a_contributor_reads_and_answers_only_the_requests_addressed_to_them(chain, apis):
    case = notified_case(chain)
    mine, theirs = (
        services.agency_request_create(
            actor=chain["manager"],
            case=case,
            organisation=chain["orgs"]["nhs_trust"],
            contributor=chain[who],
            shared_facts=f"Facts for {who}",
        )
        for who in ("health", "health2")
    )
    health = apis["health"]
    listed = health.call("get", "/requests")
    assert [r["id"] for r in listed] == [mine.pk] and listed[0]["shared_facts"] == "Facts for health"
    assert listed[0]["case_pseudonym"] == case.pseudonym and "Baby Example" not in json.dumps(listed)
    health.call("get", f"/requests/{theirs.pk}", expect=404)
    health.call("post", f"/requests/{theirs.pk}/response", {"response": "Not mine to answer"}, expect=404)
    theirs.refresh_from_db()
    assert theirs.status == AgencyRequest.Status.OPEN and theirs.response == ""
    for path in ("", "/notification", "/rapid-review", "/decision", "/clocks", "/rapid-review/requests"):
        health.call("get", f"/{case.pk}{path}", expect=404)
    assert health.call("get", "/") == []

    # Withdrawn, the request disappears for its contributor; an answered request cannot be withdrawn.
    withdrawn = apis["manager"].call("post", f"/{case.pk}/rapid-review/requests/{mine.pk}/withdraw")
    assert withdrawn["status"] == "withdrawn"
    assert health.call("get", "/requests") == []
    health.call("post", f"/requests/{mine.pk}/response", {"response": "Too late"}, expect=404)
    apis["health2"].call("post", f"/requests/{theirs.pk}/response", {"response": "Our summary"})
    refused = apis["manager"].call("post", f"/{case.pk}/rapid-review/requests/{theirs.pk}/withdraw", expect=409)
    assert "waiting for an answer" in refused["detail"]
    assert AgencyRequest.objects.get(pk=theirs.pk).status == AgencyRequest.Status.ANSWERED


def test_lists_name_children_by_pseudonym_only(chain, apis):
    case = case_sent_to_panel(chain)
    for who, path in (("manager", "/"), ("panel", "/"), ("panel", "/panel")):
        listed = apis[who].call("get", path)
        assert case.pseudonym in json.dumps(listed) and "Baby Example" not in json.dumps(listed), (who, path)
    assert apis["panel"].call("get", "/panel")[0]["age_bands"] == ["under-1"]


def test_the_panel_list_filters_by_partnership_age_nature_state_and_lateness(chain, apis, make_partnership):
    on_time = case_sent_to_panel(chain)
    late = notified_case(chain, aware_days_ago=25, sent_days_ago=20)  # rapid review due 5 working days ago
    panel = apis["panel"]

    def ids(query: str) -> set[int]:
        return {c["id"] for c in panel.call("get", f"/panel{query}")}

    assert ids("") == {on_time.pk, late.pk}
    assert ids("?overdue=true") == {late.pk}
    assert ids("?state=rapid_review") == {late.pk}
    assert ids("?age_band=under-1&nature=serious_harm") == {on_time.pk, late.pk}
    assert ids("?nature=death") == set()
    assert ids(f"?partnership={make_partnership('Quiet').slug}") == set()
    overdue = next(c for c in panel.call("get", "/panel") if c["id"] == late.pk)
    assert overdue["rapid_review_status"] == "overdue" and overdue["rapid_review_due"] < today()
    panel.call("get", "/panel?age_band=teenager", expect=422)
    apis["manager"].call("get", "/panel", expect=404)
