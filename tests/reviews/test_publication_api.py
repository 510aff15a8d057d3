"""Publishing safely through /api/v1/reviews/{id}/publication (issue 14, item 6): every step of the pages, the same
services, the same refusals; the publication is the partnership's own business (the reviewer gets 404)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from cspr.reviews.models import ReviewState
from tests.reviews.test_publication import START, signed_off_review
from tests.reviews.test_review_api import Api

pytestmark = pytest.mark.django_db


def test_a_signed_off_report_is_published_through_the_api_with_every_refusal_of_the_pages(people: dict[str, Any]):
    manager, reviewer, la = Api(people["manager"]), Api(people["reviewer"]), Api(people["la"])
    with time_machine.travel(START, tick=False):
        review = signed_off_review(people)
        base = f"/{review.pk}/publication"
        assert manager.call("get", base)["planned"] is False
        reviewer.call("get", base, expect=404)  # the partnership's own business, as on the page
        la.call("post", f"{base}/plan", {"mode": "full"}, expect=403)
        refused = manager.call("post", f"{base}/plan", {"mode": "improvements"}, expect=422)
        assert "justification" in refused["field_errors"]
        plan = manager.call("post", f"{base}/plan", {"mode": "full"})
        assert plan["planned"] and plan["findings"] and plan["earliest_on"] is None
        plan = manager.call(
            "post",
            f"{base}/pseudonyms",
            {"category": "family_member", "value": "Tom Example", "replacement": "Sibling 1"},
        )
        assert any(f["text"] == "Tom Example" and f["replacement"] == "Sibling 1" for f in plan["findings"])
        manager.call("post", f"/{review.pk}/ready", {})
        today = timezone.localdate().isoformat()
        for recipient in ("panel", "secretary_of_state", "ofsted"):
            plan = manager.call(
                "post",
                f"{base}/copies",
                {"recipient": recipient, "what": "full_report", "sent_on": today, "how": "post"},
            )
        earliest = datetime.date.fromisoformat(plan["earliest_on"])
        assert plan["missing_copies"] == [] and earliest > timezone.localdate()
        early = manager.call("post", f"{base}/publish", {"published_on": today}, expect=409)
        assert "personal data" in early["detail"]
        undecided = manager.call("post", f"{base}/redaction", {"decisions": []}, expect=422)
        assert undecided["field_errors"]
        decisions = [{"id": f["id"], "decision": "accepted"} for f in plan["findings"]]
        plan = manager.call("post", f"{base}/redaction", {"decisions": decisions})
        assert plan["problem"] is None and plan["redaction_checked_on"] == today
    with time_machine.travel(datetime.datetime.combine(earliest, datetime.time(10), tzinfo=datetime.UTC), tick=False):
        too_soon = (earliest - datetime.timedelta(days=1)).isoformat()
        refused = manager.call("post", f"{base}/publish", {"published_on": too_soon}, expect=422)
        assert f"{earliest:%-d %B %Y}" in refused["field_errors"]["published_on"]
        done = manager.call("post", f"{base}/publish", {"published_on": earliest.isoformat()})
        assert done["state"] == ReviewState.PUBLISHED and done["library_report_id"]
        manager.call("post", f"{base}/publish", {"published_on": earliest.isoformat()}, expect=409)
        done = manager.call(
            "post", f"{base}/copies", {"recipient": "nspcc", "sent_on": earliest.isoformat(), "how": "portal"}
        )
        assert {"recipient": "nspcc", "what": "published", "sent_on": earliest.isoformat(), "how": "portal"} in done[
            "copies"
        ]
