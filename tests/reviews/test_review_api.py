"""The local review through /api/v1/reviews (issue 13, item 11): the same services as the pages, the same
answers to who may read and do what."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cspr.partnerships.roles import Role
from cspr.partnerships.services import api_token_create
from cspr.reviews.models import LocalReview
from cspr.reviews.rules import COMPETENCES
from tests.cases.conftest import local_review_case

pytestmark = pytest.mark.django_db


class Api:
    """One person's bearer token, calling one part of the API (``prefix``) and checking the status code."""

    def __init__(self, user: Any, prefix: str = "/api/v1/reviews") -> None:
        _, self.token = api_token_create(actor=user, name="test")
        self.client = Client()
        self.prefix = prefix

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, expect: int = 200) -> Any:
        kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        if method == "post":
            kwargs.update(data=json.dumps(body or {}, default=str), content_type="application/json")
        response = getattr(self.client, method)(f"{self.prefix}{path}", **kwargs)
        assert response.status_code == expect, (method, path, response.status_code, response.content[:600])
        return response.json()


def test_a_review_is_carried_from_commissioning_to_ready_to_publish_through_the_api(people: dict[str, Any]) -> None:
    review = LocalReview.objects.get(case=local_review_case(people))
    manager, reviewer, la = Api(people["manager"]), Api(people["reviewer"]), Api(people["la"])
    today = timezone.localdate()
    base = f"/{review.pk}"
    competent = {code: {"answer": "yes", "evidence": "Seen in her last three reviews"} for code, _ in COMPETENCES}
    refused = manager.call(
        "post", base + "/commission",
        {"reviewer_id": people["reviewer"].pk, "competences": {**competent, "research": {"answer": "no"}},
         "conflict": "none", "commissioned_on": today},
        expect=422,
    )  # fmt: skip
    assert "competence_research" in refused["field_errors"]
    manager.call(
        "post", base + "/commission",
        {"reviewer_id": people["reviewer"].pk, "competences": competent, "conflict": "none", "commissioned_on": today},
    )  # fmt: skip
    manager.call("post", base + "/notices", {"recipients": ["panel", "ofsted", "dfe"], "sent_on": today})
    out = manager.call(
        "post", base + "/terms",
        {"period_from": today - datetime.timedelta(days=300), "period_to": today, "lines_of_enquiry": "Sharing",
         "agencies": "Police", "method": "systems", "child_and_family": "The family are invited", "agreed_on": today},
    )  # fmt: skip
    assert out["state"] == "terms_agreed" and out["reviewer"] == people["reviewer"].full_name
    manager.call("post", base + "/start", expect=409)  # the briefing comes first
    manager.call("post", base + "/briefings", {"held_on": today, "attended": "Police"})
    assert manager.call("post", base + "/start")["state"] == "in_progress"
    out = manager.call(
        "post", base + "/processes",
        {"kind": "inquest", "lead_contact": "Coroner", "hold": True, "hold_from": today, "hold_reason": "Inquest",
         "hold_approved_by": "Group"},
    )  # fmt: skip
    assert out["processes"][0]["hold_from"] == today.isoformat() and out["lcspr_due"] is None  # paused
    asked = la.call("post", base + "/written-requests", {"question": "Add the GP's view"})["written_requests"][0]
    seen = reviewer.call("get", base)
    assert seen["processes"] is None and seen["delays"] is None and seen["commissioned_on"] is None
    reviewer.call("post", f"{base}/written-requests/{asked['id']}/answer", {"answer": "Done"})
    draft = reviewer.call("post", base + "/drafts", {"text": "Draft one"})
    assert draft["state"] == "draft_report"
    due = (today + datetime.timedelta(days=200)).isoformat()
    reviewer.call(
        "post", base + "/final-report",
        {"text": "Final", "findings": "Not shared", "recommendations": [
            {"what": f"Change {n}", "owner": "Police", "due_on": due} for n in range(3)]},
    )  # fmt: skip
    out = la.call("post", base + "/sign-off", {"signed_off_by": "Assurance group", "signed_off_on": today})
    assert out["state"] == "signed_off" and [r["number"] for r in out["versions"][-1]["recommendations"]] == [1, 2, 3]
    manager.call("post", base + "/ready", expect=409)  # the inquest still holds publication


def test_nobody_outside_the_partnership_and_no_other_reviewer_reads_the_review(
    people: dict[str, Any], make_user: Any, make_partnership: Any
) -> None:
    review = LocalReview.objects.get(case=local_review_case(people))
    for who in (
        people["other_reviewer"],
        people["panel"],
        people["health"],
        make_user(Role.BUSINESS_MANAGER, make_partnership("Elsewhere")),
    ):
        api = Api(who)
        api.call("get", f"/{review.pk}", expect=404)
        api.call("post", f"/{review.pk}/start", expect=404)
        assert api.call("get", "/") == []
    assert [r["id"] for r in Api(people["auditor"]).call("get", "/")] == [review.pk]
    Api(people["auditor"]).call("post", f"/{review.pk}/delays", {"reason": "x", "new_due": "2030-01-01"}, expect=403)
