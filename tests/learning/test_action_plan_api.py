"""Action plans through /api/v1/learning (issue 15, item 7): the same services and refusals as the pages."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.utils import timezone

from tests.learning.test_action_plan import first_recommendation
from tests.reviews.test_publication import START
from tests.reviews.test_review_api import Api

pytestmark = pytest.mark.django_db


def learning_api(user: Any) -> Api:
    return Api(user, prefix="/api/v1/learning")


def test_an_action_is_made_evidenced_accepted_measured_and_its_recommendation_closed_through_the_api(people):
    with time_machine.travel(START, tick=False):
        rec = first_recommendation(people)
        review_id = rec.version.review_id
        manager, health, la, reviewer = (learning_api(people[w]) for w in ("manager", "health", "la", "reviewer"))
        reviewer.call("get", f"/reviews/{review_id}", expect=404)
        today = timezone.localdate().isoformat()
        body = {"what": "Share reports", "organisation_id": people["orgs"]["nhs_trust"].pk,
                "owner_id": people["health"].pk, "due_on": today, "indicator": "Shared within a day", "unit": "%",
                "baseline": "40", "target": "90", "reaudit_on": today}  # fmt: skip
        la.call("post", f"/reviews/{review_id}/recommendations/{rec.pk}/actions", body, expect=403)
        action = manager.call("post", f"/reviews/{review_id}/recommendations/{rec.pk}/actions", body)
        assert action["state"] == "open"
        action = health.call("post", f"/actions/{action['id']}/evidence", {"note": "Done since March."})
        assert action["state"] == "evidence_submitted"
        evidence = action["evidence"][0]["id"]
        health.call("post", f"/actions/{action['id']}/evidence/{evidence}/decision", {"accepted": True}, expect=403)
        action = la.call("post", f"/actions/{action['id']}/evidence/{evidence}/decision", {"accepted": True})
        assert action["state"] == "closed"
        action = health.call("post", f"/actions/{action['id']}/results", {"measured_on": today, "value": "88"})
        assert action["results"] == [{"measured_on": today, "value": "88.00", "note": ""}]
        plan = manager.call(
            "post", f"/reviews/{review_id}/recommendations/{rec.pk}/close",
            {"impact_statement": "88% shared within a day.", "closed_on": today},
        )  # fmt: skip
        assert plan["recommendations"][0]["closed_on"] == today
