"""A partnership with every role, a commissioned reviewer's seat, and a case the Panel agreed goes to a local
review: the review's tests start from it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from cspr.partnerships.roles import Role
from cspr.reviews import services
from cspr.reviews.models import LocalReview
from cspr.reviews.rules import COMPETENCES
from tests.cases import conftest as case_fixtures

chain = case_fixtures.chain  # the case tests' partnership with every role of the chain


@pytest.fixture
def people(chain: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """The chain's people, a reviewer to commission and a reviewer of nobody's review."""
    p = chain["partnership"]
    return {**chain, "reviewer": make_user(Role.REVIEWER, p), "other_reviewer": make_user(Role.REVIEWER, p)}


ALL_COMPETENT = {code: {"answer": "yes", "evidence": f"Evidence of {code}"} for code, _ in COMPETENCES}


def commissioned(people: dict[str, Any], review: LocalReview, on: datetime.date | None = None) -> LocalReview:
    return services.review_commission(
        actor=people["manager"],
        review=review,
        reviewer=people["reviewer"],
        competences=ALL_COMPETENT,
        conflict="none",
        commissioned_on=on or timezone.localdate(),
    )


def terms_agreed(people: dict[str, Any], review: LocalReview) -> LocalReview:
    today = timezone.localdate()
    services.review_notice_record(
        actor=people["manager"], review=review, recipients=["panel", "ofsted", "dfe"], sent_on=today
    )
    services.review_terms_agree(
        actor=people["manager"],
        review=review,
        period_from=today - datetime.timedelta(days=400),
        period_to=today - datetime.timedelta(days=10),
        lines_of_enquiry="How agencies shared information about the baby's injuries.",
        agencies="NHS trust\nPolice\nChildren's social care",
        method="systems",
        child_and_family="The family are invited to meet the reviewer; the baby's lived experience is described.",
        agreed_on=today,
    )
    review.refresh_from_db()
    return review


def in_progress(people: dict[str, Any], review: LocalReview) -> LocalReview:
    services.review_briefing_record(
        actor=people["manager"], review=review, held_on=timezone.localdate(), attended="NHS trust\nPolice"
    )
    return services.review_start(actor=people["manager"], review=review)
