"""In a real browser, with axe (WCAG 2.2 A and AA) on each page: the majority page with a majority and without
one, a second round's page showing the Panel's challenge, the family letter's preview, and two tables read on a
375px-wide phone without the page scrolling sideways (issue 12, item 3)."""

from __future__ import annotations

from typing import Any

import pytest

from cspr.cases import services
from tests.browser import assert_accessible
from tests.cases.test_pages_say_what_is_needed import challenged, decided, disagreed
from tests.web.test_browser_pagination import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 375


def test_majority_page_with_and_without_a_majority_passes_axe(live_server: Any, page: Any, settings: Any, chain):
    case = disagreed(chain)
    signed_in(page, live_server, settings, chain["manager"])
    page.goto(f"{live_server.url}/cases/{case.pk}/decision/majority/")
    assert "There is no majority" in page.locator("#no-majority").inner_text()
    assert page.get_by_label("Rationale for the decision").count() == 0
    assert_accessible(page)

    services.decision_record_vote(actor=chain["police"], case=case, option="local_review", rationale="Persuaded")
    page.goto(f"{live_server.url}/cases/{case.pk}/decision/majority/")
    outcome = page.locator("#majority-outcome").inner_text()
    assert "The majority gives: Local child safeguarding practice review" in outcome
    assert "Persuaded" in page.locator("#standing-votes").inner_text()
    assert_accessible(page)
    page.get_by_label("Rationale for the decision").fill("Two partners see learning about information sharing.")
    page.get_by_role("button", name="Record decision").click()
    assert "The decision has been recorded." in page.locator(".govuk-notification-banner").first.inner_text()


def test_a_second_round_page_shows_the_panels_challenge_and_passes_axe(
    live_server: Any, page: Any, settings: Any, chain
):
    case = challenged(chain)
    signed_in(page, live_server, settings, chain["scrutineer"])
    page.goto(f"{live_server.url}/cases/{case.pk}/decision/advice/")
    challenge = page.locator("#panel-challenge")
    assert "The Panel's challenge" in challenge.inner_text()
    assert "the health visitor's concerns were not weighed" in challenge.inner_text()
    assert_accessible(page)
    services.decision_record_scrutineer_advice(actor=chain["scrutineer"], case=case, advice="Meet again")
    signed_in(page, live_server, settings, chain["la"])
    page.goto(f"{live_server.url}/cases/{case.pk}/decision/vote/")
    assert "the health visitor's concerns were not weighed" in page.locator("#panel-challenge").inner_text()
    assert_accessible(page)


def test_family_letter_preview_reads_as_the_letter_and_passes_axe(live_server: Any, page: Any, settings: Any, chain):
    case = decided(chain)
    signed_in(page, live_server, settings, chain["manager"])
    page.goto(f"{live_server.url}/cases/{case.pk}/family-letter/")
    assert_accessible(page)
    page.get_by_label("Who is the letter to?").fill("Ms A Parent")
    page.get_by_label("How should the letter greet them?").fill("Ms Parent")
    page.get_by_role("button", name="Preview the letter").click()
    preview = page.locator("#letter-preview").inner_text()
    assert "Dear Ms Parent," in preview and "What we decided" in preview
    assert "scrutineer" not in preview.lower() and "criteria" not in preview.lower()
    assert "INTERNAL reason" not in preview
    assert_accessible(page)


def _fits_the_phone(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{page.url} is {width}px wide on a {PHONE}px screen: it scrolls sideways"


def test_two_tables_read_on_a_375px_phone_without_scrolling_sideways(
    live_server: Any, browser: Any, settings: Any, chain
):
    case = challenged(chain)
    decided(chain)  # a second case, so the lists have rows of more than one stage
    context = browser.new_context(viewport={"width": PHONE, "height": 800})
    phone = context.new_page()
    try:
        signed_in(phone, live_server, settings, chain["panel"])
        phone.goto(f"{live_server.url}/panel/")
        assert phone.locator("#panel-inbox tbody tr").count() >= 2
        cell = phone.locator("#panel-inbox tbody td[data-label='Rapid review']").first
        # Each cell reads with its column's name above it, the row a card of its own.
        assert (
            phone.evaluate("el => getComputedStyle(el, '::before').content", cell.element_handle()) == '"Rapid review"'
        )
        _fits_the_phone(phone)
        assert_accessible(phone)

        signed_in(phone, live_server, settings, chain["manager"])
        phone.goto(f"{live_server.url}/cases/")
        assert phone.locator("table.cspr-table-stack tbody tr").count() >= 2
        _fits_the_phone(phone)
        assert_accessible(phone)

        phone.goto(f"{live_server.url}/cases/{case.pk}/")  # the case page's tables: votes, criteria, summaries
        _fits_the_phone(phone)
        assert_accessible(phone)
    finally:
        context.close()
