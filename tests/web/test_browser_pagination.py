"""In a real browser: the lists long enough to page (the cases, the Panel's filtered inbox) pass axe with the
GOV.UK pagination on them, and its Next link moves to the next 50 with the filter kept (DESIGN.md rule 8)."""

from __future__ import annotations

from typing import Any

import pytest

from cspr.partnerships.roles import Role
from tests.browser import assert_accessible
from tests.cases.test_lists import add_cases
from tests.conftest import verified_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page: Any, live_server: Any, settings: Any, user: Any) -> None:
    client = verified_client(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_paged_lists_pass_axe_and_next_keeps_the_filter(
    live_server: Any, page: Any, settings: Any, make_user: Any, make_partnership: Any
) -> None:
    partnership = make_partnership("Paged")
    add_cases(partnership, 120)
    manager = make_user(Role.BUSINESS_MANAGER, partnership)
    panel = make_user(Role.PANEL_MEMBER, None)
    for who, path in ((manager, "/cases/"), (panel, "/panel/?nature=serious_harm")):
        signed_in(page, live_server, settings, who)
        page.goto(live_server.url + path)
        pages = page.get_by_role("navigation", name="Pages of cases")
        assert pages.get_by_role("link", name="Page 3").count() == 1
        assert "Showing 1 to 50 of 120 cases" in page.locator("main").inner_text()
        assert_accessible(page)
        pages.get_by_role("link", name="Next page").click()
        page.wait_for_url("**page=2")
        assert "Showing 51 to 100 of 120 cases" in page.locator("main").inner_text()
        if "nature=" in path:
            assert "nature=serious_harm" in page.url
        assert_accessible(page)
