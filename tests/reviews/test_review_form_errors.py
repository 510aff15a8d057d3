"""The review's form pages put each error where the person can act on it, and the review page shows the reviewer
no step of the partnership's own business (the fixes found while writing test_browser_review.py)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from cspr.cases.clocks import clock_rows
from cspr.reviews import services
from cspr.reviews.models import LocalReview
from cspr.reviews.rules import LOCAL_REVIEW_CLOCK
from tests.cases.conftest import local_review_case
from tests.conftest import verified_client
from tests.reviews.conftest import commissioned, in_progress, terms_agreed

pytestmark = pytest.mark.django_db


def error_summary(html: str) -> list[str]:
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert found, "the page has no error summary"
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def drafting(people: dict[str, Any]) -> LocalReview:
    review = LocalReview.objects.get(case=local_review_case(people))
    review = in_progress(people, terms_agreed(people, commissioned(people, review)))
    services.review_draft_share(actor=people["reviewer"], review=review, text="Draft one.")
    return review


def test_a_final_report_with_no_recommendation_says_so_against_the_first_row(people: dict[str, Any]) -> None:
    review = drafting(people)
    response = verified_client(people["reviewer"]).post(
        f"/reviews/{review.pk}/final/", {"text": "The report.", "findings": "Findings."}
    )
    assert response.status_code == 200
    assert error_summary(response.content.decode()) == [
        "Add at least one recommendation: what must change, by whom and by when"
    ]
    assert 'href="#id_recommendations-0-what"' in response.content.decode()
    assert not review.report_versions.filter(final=True).exists()


def test_a_recommendation_typed_below_an_empty_row_is_not_misplaced(people: dict[str, Any]) -> None:
    review = drafting(people)
    response = verified_client(people["reviewer"]).post(
        f"/reviews/{review.pk}/final/",
        {"text": "The report.", "findings": "Findings.", "recommendations-1-what": "Train staff"},
    )
    assert error_summary(response.content.decode()) == [
        "Recommendation 1 is empty: fill it in, or move the recommendations after it up"
    ]
    assert not review.report_versions.filter(final=True).exists()


def test_the_reviewer_is_not_shown_that_a_delay_waits_for_a_decision(people: dict[str, Any]) -> None:
    review = drafting(people)
    due = next(r for r in clock_rows(review.case) if r["id"] == LOCAL_REVIEW_CLOCK)["effective_due"]
    services.review_delay_request(
        actor=people["manager"], review=review, reason="The trial is listed for the spring.",
        new_due=due + datetime.timedelta(days=90),
    )  # fmt: skip
    step = f'href="/reviews/{review.pk}/delays/decide/"'
    assert step in verified_client(people["la"]).get(f"/reviews/{review.pk}/").content.decode()
    seen = verified_client(people["reviewer"]).get(f"/reviews/{review.pk}/").content.decode()
    assert step not in seen and "Decide on the requested delay" not in seen
