"""The multi-agency learning review (issue 14, item 5; DOMAIN.md step 4): the lighter, non-statutory path with the
local review's building blocks and the timescales the partnership sets (england-learning-review.toml). It opens
when a case reaches "Multi-agency learning review", its clocks start, and it reaches its end: completed once its
learning is shared, or published if the partnership chooses."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from cspr.cases import services as case_services
from cspr.cases.models import Case, CaseState
from cspr.core.errors import IllegalTransition
from cspr.library.models import Report
from cspr.reviews import publication, services
from cspr.reviews.learning import learning_clocks
from cspr.reviews.models import LocalReview, ReviewKind, ReviewState
from tests.browser import assert_accessible
from tests.cases.conftest import ready_case
from tests.conftest import verified_client
from tests.reviews.conftest import commissioned, in_progress
from tests.reviews.test_browser_review import fill_date, visit
from tests.web.test_browser_pagination import signed_in

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)


def learning_case(people: dict[str, Any]) -> Case:
    case = ready_case(people)
    for who in ("la", "police", "icb"):
        case_services.decision_record_vote(actor=people[who], case=case, option="learning_review", rationale="r")
    case_services.rapid_review_record_sent(actor=people["manager"], case=case, sent_on=timezone.localdate())
    case_services.panel_response_record(
        actor=people["panel"], case=case, response="agree", national_review="no", responded_on=timezone.localdate()
    )
    case.refresh_from_db()
    assert case.state == CaseState.LEARNING_REVIEW
    return case


def terms(people: dict[str, Any], review: LocalReview) -> LocalReview:
    today = timezone.localdate()
    services.review_terms_agree(
        actor=people["manager"], review=review, period_from=today - datetime.timedelta(days=300),
        period_to=today - datetime.timedelta(days=10), lines_of_enquiry="What went well, and the near miss.",
        agencies="Health\nSchool", method="appreciative_inquiry", child_and_family="The family are invited.",
        agreed_on=today,
    )  # fmt: skip
    review.refresh_from_db()
    return review


def signed_off_learning_review(people: dict[str, Any]) -> LocalReview:
    return signed_off_learning_review_from(people, LocalReview.objects.get(case=learning_case(people)))


def test_a_learning_review_opens_runs_its_own_clocks_and_completes_when_its_learning_is_shared(people):
    with time_machine.travel(START, tick=False):
        review = LocalReview.objects.get(case=learning_case(people))
        clocks = {c.id: c for c in learning_clocks(review)}
        assert clocks["terms-of-reference"].status == "running"  # 20 working days from the decision
        assert clocks["terms-of-reference"].effective_due == datetime.date(2026, 3, 30)
        review = signed_off_learning_review_from(people, review)
        with pytest.raises(IllegalTransition, match="six-month"):
            services.review_delay_request(
                actor=people["manager"], review=review, reason="x", new_due=timezone.localdate()
            )
        page = verified_client(people["manager"]).get(f"/reviews/{review.pk}/").content.decode()
        assert "Multi-agency learning review" in page and "Agree the terms of reference" in page
        assert "Record the learning shared" in page
        services.review_learning_shared(
            actor=people["manager"], review=review, shared_on=timezone.localdate(), how="7-minute briefing"
        )
    review.refresh_from_db()
    assert review.state == ReviewState.COMPLETED
    clocks = {c.id: c for c in learning_clocks(review, today=START.date())}
    assert clocks["learning-shared"].status == "met" and clocks["terms-of-reference"].status == "met"
    assert review.case.state == CaseState.LEARNING_REVIEW  # the case is where it was; the review carries the end


def signed_off_learning_review_from(people: dict[str, Any], review: LocalReview) -> LocalReview:
    assert review.kind == ReviewKind.LEARNING and not review.statutory
    review = terms(people, commissioned(people, review))
    # No notice to the national bodies: the terms and the reviewer are enough to leave commissioning.
    assert review.state == ReviewState.TERMS_AGREED and not review.notices.exists()
    review = in_progress(people, review)
    services.review_draft_share(actor=people["reviewer"], review=review, text="Draft.")
    services.review_final_submit(
        actor=people["reviewer"], review=review, text="What happened\n\nThe school noticed and acted.",
        findings="Good practice by the school; a near miss in health.",
        recommendations=[{"what": "Share the school's approach", "owner": "Partnership",
                          "due_on": timezone.localdate() + datetime.timedelta(days=90)}],
    )  # fmt: skip
    return services.review_sign_off(
        actor=people["la"], review=review, signed_off_by="Assurance group", signed_off_on=timezone.localdate()
    )


def test_a_learning_review_may_be_published_without_the_statutory_copies(people):
    with time_machine.travel(START, tick=False):
        review = signed_off_learning_review(people)
        plan = publication.publication_plan(actor=people["manager"], review=review, mode="full")
        services.review_mark_ready(actor=people["manager"], review=review)
        publication.redaction_decide(
            actor=people["manager"], review=review,
            decisions={f.pk: ("accepted", f.replacement) for f in plan.findings.all()},
        )  # fmt: skip
        assert publication.earliest_date(plan) == timezone.localdate()  # no 7 working days to wait
        publication.publication_publish(actor=people["manager"], review=review, published_on=timezone.localdate())
    review.refresh_from_db()
    plan.refresh_from_db()
    assert review.state == ReviewState.PUBLISHED and not plan.copies.exists()
    report = Report.objects.get(pk=plan.library_report_id)
    assert report.review_type == "learning-review" and report.is_public
    assert review.case.state == CaseState.LEARNING_REVIEW


def test_the_learning_shared_page_completes_the_review_and_passes_axe(live_server, page, settings, people):
    review = signed_off_learning_review(people)
    signed_in(page, live_server, settings, people["manager"])
    visit(page, f"{live_server.url}/reviews/{review.pk}/")
    page.get_by_role("link", name="Record the learning shared").click()
    page.wait_for_load_state()
    visit(page, page.url)  # axe on the form
    page.get_by_label("How it was shared").fill("")
    page.get_by_role("button", name="Record it and complete the review").click()
    page.wait_for_load_state()
    assert "Say how the learning was shared" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)  # and on the error page
    fill_date(page, "shared_on", timezone.localdate())
    page.get_by_label("How it was shared").fill("A 7-minute briefing to every agency.")
    page.get_by_role("button", name="Record it and complete the review").click()
    page.wait_for_load_state()
    assert "Completed: learning shared" in page.locator("#review-state").inner_text()
    assert_accessible(page)
    review.refresh_from_db()
    assert (
        review.state == ReviewState.COMPLETED and review.learning_shared_how == "A 7-minute briefing to every agency."
    )
