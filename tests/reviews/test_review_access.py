"""Who gets what from every review page, at every stage of a review (issue 13: "a reviewer sees only their
review, an agency contributor only their requests, the Panel what was sent to it").

The expected outcomes are written here in the domain's words (DOMAIN.md "Who uses the system" and steps 6 to 9)
and deliberately not read from ``cspr.reviews.visibility``: a mistake in the product's policy shows up as a
cell that disagrees with this table.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from cspr.partnerships.roles import Role
from cspr.reviews import services
from cspr.reviews.models import LocalReview, ParallelProcess, ReportVersion, WrittenRequest
from tests.cases.conftest import local_review_case
from tests.conftest import verified_client
from tests.reviews.conftest import commissioned, in_progress, terms_agreed

pytestmark = pytest.mark.django_db

READERS = {"manager", "la", "police", "icb", "scrutineer", "auditor", "reviewer"}
NOBODY = {"other_reviewer", "health", "panel", "admin", "outsider"}
BM = {"manager"}
DMS = {"la", "police", "icb"}
UNDER_WAY = {"terms_agreed", "in_progress", "draft_report"}
WRITING = {"in_progress", "draft_report"}
BEFORE_SIGN_OFF = {"commissioning"} | UNDER_WAY
PLANNING = {"signed_off", "ready_to_publish"}
EVERY_STAGE = BEFORE_SIGN_OFF | PLANNING | {"published"}

# page: (who takes the step, the stages at which it is open). At other stages its people are sent back.
PAGES: dict[str, tuple[set[str], set[str]]] = {
    "commission/": (BM, {"commissioning"}),
    "notice/": (BM, BEFORE_SIGN_OFF - {"commissioning"}),  # once the reviewer is commissioned
    "terms/": (BM, BEFORE_SIGN_OFF),
    "briefing/": (BM, UNDER_WAY),
    "contributions/new/": (BM, UNDER_WAY),
    "processes/new/": (BM, EVERY_STAGE),
    "processes/{process}/hold/": (BM, EVERY_STAGE),
    "processes/{process}/lift/": (BM, EVERY_STAGE),
    "involvement/new/": (BM | {"reviewer"}, UNDER_WAY),
    "checkpoints/new/": (BM | DMS, WRITING),
    "requests/new/": (BM | DMS, UNDER_WAY),
    "requests/{written}/": ({"reviewer"}, UNDER_WAY | {"signed_off"}),
    "draft/": (BM | {"reviewer"}, WRITING),
    "versions/{version}/comment/": (BM | DMS | {"scrutineer"}, {"draft_report"}),
    "final/": (BM | {"reviewer"}, {"draft_report"}),
    "sign-off/": (BM | DMS, set()),  # the builder's draft_report has no final report yet: never ready here
    "delays/new/": (BM, EVERY_STAGE - {"ready_to_publish", "published"}),
    "delays/decide/": (DMS, set()),  # no delay is waiting in these reviews
    "learning-shared/": (BM, set()),  # a learning review's step: these are local reviews (test_learning_review.py)
    # Publishing safely (DOMAIN.md step 10): the business manager's, from a signed-off report. These reviews
    # have no plan yet, so every step after the plan is not ready (test_publication_pages.py opens them).
    "publication/plan/": (BM, PLANNING),
    "publication/copies/new/": (BM, set()),
    "publication/pseudonyms/new/": (BM, set()),
    "publication/redaction/": (BM, set()),
    "publication/preview/": (BM, set()),
    "publication/declaration/": (BM, set()),
    "publication/publish/": (BM, set()),
    "publication/national-copies/new/": (BM, {"published"}),
}
# Pages the partnership reads at every stage (not the reviewer: the publication is the partnership's business).
READ_PAGES: dict[str, set[str]] = {"publication/": READERS - {"reviewer"}}
POSTS = {"start/", "new-version/", "ready/"}
# A draft's file is downloaded by the review's readers: tests/reviews/test_draft_files.py; a public request is
# marked answered by the business manager: tests/reviews/test_publication_pages.py.
FILES = {"versions/<int:version_id>/file/", "publication/requests/<int:request_id>/answered/"}


def review_at(people: dict[str, Any], state: str) -> LocalReview:
    review = LocalReview.objects.get(case=local_review_case(people))
    if state == "commissioning":
        return review
    review = terms_agreed(people, commissioned(people, review))
    if state == "terms_agreed":
        return review
    review = in_progress(people, review)
    if state == "in_progress":
        return review
    services.review_draft_share(actor=people["reviewer"], review=review, text="Draft.")
    review.refresh_from_db()
    if state == "draft_report":
        return review
    due = timezone.localdate() + datetime.timedelta(days=100)
    services.review_final_submit(
        actor=people["reviewer"], review=review, text="Final.", findings="Findings.",
        recommendations=[{"what": "Change", "owner": "Police", "due_on": due}],
    )  # fmt: skip
    review = services.review_sign_off(
        actor=people["la"], review=review, signed_off_by="Group", signed_off_on=timezone.localdate()
    )
    if state == "signed_off":
        return review
    review = services.review_mark_ready(actor=people["manager"], review=review)
    if state == "ready_to_publish":
        return review
    return published_review(people, review)


def published_review(people: dict[str, Any], review: LocalReview) -> LocalReview:
    """Plan, copies and the check today; published on the earliest date, 7 working days on."""
    from cspr.reviews import publication

    plan = publication.publication_plan(actor=people["manager"], review=review, mode="full")
    for recipient in ("panel", "secretary_of_state", "ofsted"):
        publication.publication_copy_record(
            actor=people["manager"], review=review, recipient=recipient, what="full_report",
            sent_on=timezone.localdate(), how="secure_email",
        )  # fmt: skip
    publication.redaction_decide(
        actor=people["manager"], review=review,
        decisions={f.pk: ("accepted", f.replacement) for f in plan.findings.all()},
    )  # fmt: skip
    earliest = publication.earliest_date(plan)
    assert earliest is not None
    with time_machine.travel(datetime.datetime.combine(earliest, datetime.time(12), tzinfo=datetime.UTC)):
        publication.publication_publish(actor=people["manager"], review=review, published_on=earliest)
    review.refresh_from_db()
    return review


@pytest.fixture
def seats(people: dict[str, Any], make_user: Any, make_partnership: Any) -> dict[str, Any]:
    return {
        **people,
        "admin": make_user(Role.SYSTEM_ADMIN, None),
        "outsider": make_user(Role.BUSINESS_MANAGER, make_partnership("Elsewhere")),
    }


def test_every_review_url_has_a_row_here() -> None:
    resolver = get_resolver()
    routes = {
        str(p.pattern)
        for r in resolver.url_patterns
        if str(getattr(r, "pattern", "")) == "reviews/"
        for p in r.url_patterns  # type: ignore[union-attr]
        if isinstance(p, URLPattern)
    }
    named = (
        {"", "<int:review_id>/", "national/<int:national_id>/"}
        | {
            "<int:review_id>/"
            + page.replace("{process}", "<int:process_id>")
            .replace("{written}", "<int:request_id>")
            .replace("{version}", "<int:version_id>")
            for page in PAGES
        }
        | {"<int:review_id>/" + page for page in POSTS | FILES | set(READ_PAGES)}
    )
    assert routes == named


@pytest.mark.parametrize("state", sorted(EVERY_STAGE))
def test_every_seat_gets_what_the_table_says_from_every_review_page(seats: dict[str, Any], state: str) -> None:
    if state == "published":  # published seven working days after the copies: the review is made in the past
        with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)):
            review = review_at(seats, state)
    else:
        review = review_at(seats, state)
    assert review.state == state
    process = ParallelProcess.objects.create(
        review=review, kind="inquest", lead_contact="x", recorded_by=seats["manager"]
    )
    written = WrittenRequest.objects.create(review=review, question="Q?", asked_by=seats["manager"])
    version = ReportVersion.objects.filter(review=review).first() or ReportVersion.objects.create(
        review=review, number=1, text="t", written_by=seats["reviewer"]
    )
    base = f"/reviews/{review.pk}/"
    # The reviewer is theirs to read only once they are commissioned for it.
    outside = NOBODY | ({"reviewer"} if state == "commissioning" else set())
    wrong = []
    for who in sorted(READERS | NOBODY):
        client = verified_client(seats[who])
        got = client.get(base).status_code
        if got != (404 if who in outside else 200):
            wrong.append(f"{who} review page: {got}")
        for page, (takers, open_at) in PAGES.items():
            url = base + page.format(process=process.pk, written=written.pk, version=version.pk)
            response = client.get(url)
            expected = 404 if who not in takers or who in outside else (200 if state in open_at else 302)
            if response.status_code != expected or (expected == 302 and response["Location"] != base):
                wrong.append(f"{who} {page}: {response.status_code}, expected {expected}")
        for page, readers in READ_PAGES.items():
            got = client.get(base + page).status_code
            if got != (200 if who in readers else 404):
                wrong.append(f"{who} {page}: {got}")
        for page in POSTS if who in outside else ():  # (a taker's post would move the review on)
            response = client.post(base + page)
            if response.status_code != 404:
                wrong.append(f"{who} POST {page}: {response.status_code}, expected 404")
    assert not wrong, "\n".join(wrong)


def test_the_reviewer_reads_their_review_but_not_the_case_or_the_partnerships_business(seats: dict[str, Any]) -> None:
    review = review_at(seats, "in_progress")
    services.review_process_record(
        actor=seats["manager"], review=review, kind="criminal_investigation", lead_contact="DI SECRET-LEAD",
        hold=True, hold_from=timezone.localdate(), hold_reason="Charging decision", hold_approved_by="Group",
    )  # fmt: skip
    client = verified_client(seats["reviewer"])
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "How agencies shared information" in page  # the terms of reference
    assert "DI SECRET-LEAD" not in page and "Parallel processes" not in page
    assert "Evidence of knowledge" not in page  # the review group's checks of them
    assert client.get(f"/cases/{review.case_id}/").status_code == 404
    assert seats["reviewer"].full_name  # the reviewer's list shows their review only
    listing = client.get("/reviews/").content.decode()
    assert review.case.reference in listing
    other = verified_client(seats["other_reviewer"]).get("/reviews/").content.decode()
    assert review.case.reference not in other


def test_the_case_page_links_its_review_for_the_partnership_and_not_for_the_panel(seats: dict[str, Any]) -> None:
    review = review_at(seats, "commissioning")
    manager_page = verified_client(seats["manager"]).get(f"/cases/{review.case_id}/").content.decode()
    assert f'href="/reviews/{review.pk}/"' in manager_page and "Commissioning the reviewer" in manager_page
    panel_page = verified_client(seats["panel"]).get(f"/cases/{review.case_id}/").content.decode()
    assert f"/reviews/{review.pk}/" not in panel_page
