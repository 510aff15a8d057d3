"""In a real browser: the idle warning's "Stay signed in" renews the session on a page with no other form
(the CSRF cookie is HttpOnly, so the script must take the token from the warning's own form)."""

from __future__ import annotations

import pytest

from cspr.partnerships.roles import Role
from tests.browser import assert_accessible
from tests.conftest import verified_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_stay_signed_in_renews_the_session_from_a_page_without_forms(
    live_server, page, settings, make_user, make_partnership
):
    # The warning comes 6 seconds before an 8-second idle sign-out: 2 seconds after the page opens.
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 8
    settings.SESSION_IDLE_WARNING_SECONDS = 6
    client = verified_client(make_user(Role.BUSINESS_MANAGER, make_partnership()))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(live_server.url + "/home/")
    assert page.locator("main form").count() == 0
    warning = page.get_by_role("dialog", name="You will be signed out soon")
    warning.wait_for(state="visible", timeout=5000)
    assert_accessible(page)
    with page.expect_response("**/session/keep-alive/") as answer:
        warning.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 204
    warning.wait_for(state="hidden", timeout=2000)
    assert page.url == live_server.url + "/home/"
