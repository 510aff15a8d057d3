"""In a real browser: a demo business manager signs in with two-factor authentication and reaches their
partnership's home page; every page on the way passes axe."""

from __future__ import annotations

import pytest

from cspr.partnerships.demo import DEMO_PASSWORD, current_code, load_demo
from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_business_manager_signs_in_with_two_factor_and_sees_home(live_server, page):
    load_demo()
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill("manager@demo.cspr.test")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/two-factor/**")
    assert_accessible(page)
    page.get_by_label("Enter your security code").fill(current_code("manager@demo.cspr.test"))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/home/")
    assert page.get_by_role("heading", name="Hello, Priya Shah").is_visible()
    assert page.get_by_text("Northshire and Riverside Safeguarding Children Partnership").first.is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cases").first.click()
    page.wait_for_url("**/cases/")
    assert page.get_by_role("link", name="CSPR-").first.is_visible()
    assert_accessible(page)


def test_sign_in_errors_are_announced_and_linked_to_their_fields(live_server, page):
    page.goto(live_server.url + "/sign-in/")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter your email address" in summary.inner_text()
    summary.get_by_role("link", name="Enter your email address").click()
    assert page.evaluate("document.activeElement.id") == "id_username"
    assert_accessible(page)


def test_without_javascript_a_person_signs_in_and_refers_an_incident(live_server, browser):
    """Pages work without JavaScript (JavaScript only enhances): both factors, an error summary, a referral."""
    load_demo()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/sign-in/")
        # The GOV.UK template's inline script marks the body js-enabled; here it never ran.
        assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
        page.get_by_label("Email address").fill("health.contributor@demo.cspr.test")
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/sign-in/two-factor/**")
        page.get_by_label("Enter your security code").fill(current_code("health.contributor@demo.cspr.test"))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/home/")
        page.goto(live_server.url + "/cases/referrals/new/")
        page.get_by_role("button", name="Send referral").click()
        summary = page.locator(".govuk-error-summary")
        assert "Describe what happened" in summary.inner_text()  # validated on the server, no script needed
        page.get_by_label("Which child or children were harmed?").fill("Baby Nojs, 4 months")
        page.get_by_label("What happened?").fill("Brought to hospital with bruising; no explanation given.")
        page.get_by_role("button", name="Send referral").click()
        assert "Your referral has been sent" in page.locator(".govuk-notification-banner").inner_text()
    finally:
        context.close()
