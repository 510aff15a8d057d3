"""When the Panel takes a national review, the case keeps the partnership's cooperation with it (issue 13,
item 10): what the Panel asked and what was sent, instead of a dead end."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from cspr.cases import services as case_services
from cspr.cases.models import CaseState
from cspr.core.errors import NotAllowed, NotFound, ValidationFailed
from cspr.reviews.models import NationalReview
from cspr.reviews.national import national_review_exchange_record
from tests.browser import assert_accessible
from tests.cases.conftest import ready_case
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def national_case(people: dict[str, Any]) -> NationalReview:
    case = ready_case(people)
    for who in ("la", "police", "icb"):
        case_services.decision_record_vote(actor=people[who], case=case, option="national_review", rationale="r")
    case_services.rapid_review_record_sent(actor=people["manager"], case=case, sent_on=timezone.localdate())
    case_services.panel_response_record(
        actor=people["panel"], case=case, response="agree", national_review="yes", responded_on=timezone.localdate()
    )
    case.refresh_from_db()
    assert case.state == CaseState.NATIONAL_REVIEW
    return NationalReview.objects.get(case=case)


def test_the_panels_national_review_opens_a_record_of_requests_and_sendings(people):
    national = national_case(people)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as refused:
        national_review_exchange_record(actor=people["manager"], national=national, kind="x", on=None, what=" ")
    assert set(refused.value.field_errors) == {"kind", "on", "what"}
    national_review_exchange_record(
        actor=people["manager"], national=national, kind="panel_request", on=today, what="The GP records, please."
    )
    with pytest.raises(NotAllowed):
        national_review_exchange_record(
            actor=people["la"], national=national, kind="information_sent", on=today, what="x"
        )
    with pytest.raises(NotFound):
        national_review_exchange_record(
            actor=people["panel"], national=national, kind="panel_request", on=today, what="x"
        )
    assert [e.what for e in national.exchanges.all()] == ["The GP records, please."]


def test_the_case_page_links_the_record_and_the_page_records_a_sending(people):
    national = national_case(people)
    client = verified_client(people["manager"])
    case_page = client.get(f"/cases/{national.case_id}/").content.decode()
    assert f'href="/reviews/national/{national.pk}/"' in case_page
    response = client.post(
        f"/reviews/national/{national.pk}/",
        {"kind": "information_sent", "on-day": "1", "on-month": "1", "on-year": "2026", "what": "Sent the chronology."},
    )
    assert response.status_code == 302
    assert national.exchanges.get().what == "Sent the chronology."
    assert verified_client(people["la"]).get(f"/reviews/national/{national.pk}/").status_code == 200
    assert verified_client(people["la"]).post(f"/reviews/national/{national.pk}/", {}).status_code == 404
    for who in ("panel", "health", "reviewer"):
        assert verified_client(people[who]).get(f"/reviews/national/{national.pk}/").status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_national_review_page_passes_axe(people, page, live_server, settings):
    national = national_case(people)
    client = verified_client(people["manager"])
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    page.goto(f"{live_server.url}/reviews/national/{national.pk}/")
    assert "national review" in page.locator("h1").inner_text()
    assert_accessible(page)
