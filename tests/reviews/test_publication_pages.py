"""The publication pages (issue 14): the public page shows only what is published, and nothing of the plan, the
register or the findings; the redaction page refuses an undecided finding with the choices kept; a public request
is marked answered by the business manager only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from cspr.reviews import publication
from tests.conftest import verified_client
from tests.reviews.test_publication import START, published, signed_off_review

pytestmark = pytest.mark.django_db


def test_the_public_page_lists_only_published_reviews_and_none_of_their_working_records(people: dict[str, Any]):
    review, plan = published(people)
    with time_machine.travel(START, tick=False):
        unpublished = signed_off_review(people)
        publication.publication_plan(
            actor=people["manager"], review=unpublished, mode="full", title="UNPUBLISHED-PLAN-TITLE"
        )
    slug = review.case.partnership.slug
    page = Client().get(f"/public/{slug}/").content.decode()
    assert plan.title in page and f"Reviewer: {plan.reviewer_name}" in page
    assert "UNPUBLISHED-PLAN-TITLE" not in page and "Baby Example" not in page and "Sibling" not in page
    unpublished_plan = publication.plan_of(unpublished)
    assert unpublished_plan is not None
    for path in (f"/public/{slug}/reports/{unpublished_plan.pk}/file/", f"/public/{slug}/reports/{plan.pk}/request/"):
        assert Client().get(path).status_code == 404, path  # not published; still on the website
    download = Client().get(f"/public/{slug}/reports/{plan.pk}/file/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert bytes(download.content) == bytes(plan.published_file)
    assert Client().get("/public/no-such-partnership/").status_code == 404


def test_an_undecided_finding_is_refused_on_the_page_with_the_other_choices_kept(people: dict[str, Any]):
    with time_machine.travel(START, tick=False):
        review = signed_off_review(people)
        plan = publication.publication_plan(actor=people["manager"], review=review, mode="full")
        services_ready(people, review)
        findings = list(plan.findings.all())
        client = verified_client(people["manager"])
        url = f"/reviews/{review.pk}/publication/redaction/"
        first, rest = findings[0], findings[1:]
        data = {f"finding_{f.pk}": "accepted" for f in rest} | {f"replacement_{rest[0].pk}": "Kept choice"}
        response = client.post(url, data)
        body = response.content.decode()
        assert response.status_code == 400 and f"Choose whether to replace or keep finding {first.number}" in body
        assert 'value="Kept choice"' in body
        assert not plan.findings.exclude(decision="pending").exists()  # nothing half-saved
        assert verified_client(people["reviewer"]).get(url).status_code == 404


def services_ready(people: dict[str, Any], review: Any) -> None:
    from cspr.reviews import services

    services.review_mark_ready(actor=people["manager"], review=review)


def test_a_public_request_is_marked_answered_by_the_business_manager_only(people: dict[str, Any]):
    review, plan = published(people)
    assert plan.public_until is not None
    with time_machine.travel(datetime.datetime.combine(plan.public_until, datetime.time(12), tzinfo=datetime.UTC)):
        slug = review.case.partnership.slug
        form = Client().get(f"/public/{slug}/reports/{plan.pk}/request/")
        assert form.status_code == 200
        sent = Client().post(
            f"/public/{slug}/reports/{plan.pk}/request/", {"name": "A Reader", "email": "reader@example.com"}
        )
        assert sent.status_code == 200 and "Request sent" in sent.content.decode()
        made = plan.requests.get()
        url = f"/reviews/{review.pk}/publication/requests/{made.pk}/answered/"
        assert verified_client(people["la"]).post(url).status_code == 404
        assert verified_client(people["manager"]).post(url).status_code == 302
        made.refresh_from_db()
        assert made.answered_on is not None
        page = verified_client(people["manager"]).get(f"/reviews/{review.pk}/publication/").content.decode()
        assert "reader@example.com" in page and "Answered" in page
