"""Issue 12, "Done when": the task list for each role, in a real browser (Debian chromium through Playwright),
checked with axe (WCAG 2.2 AA); each task's link opens the page where it is done. The reviewer's and the system
administrator's homes say what waits for them too."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from cspr.cases import services
from cspr.partnerships.roles import Role
from tests.browser import assert_accessible
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import health_request, notified_case, ready_case
from tests.web.test_browser_pagination import signed_in

chain = case_fixtures.chain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _vote(chain: dict[str, Any], case: Any, who: str, option: str) -> None:
    services.decision_record_vote(actor=chain[who], case=case, option=option, rationale="Reasons")
    case.refresh_from_db()


def test_each_roles_task_list_passes_axe_and_its_tasks_open_where_they_are_done(
    live_server: Any, page: Any, settings: Any, chain: dict[str, Any], make_user: Any, make_partnership: Any
) -> None:
    services.referral_submit(
        actor=chain["health"],
        partnership=chain["partnership"],
        what_happened="Concern",
        who_was_harmed="A child",
        organisation=chain["orgs"]["nhs_trust"],
    )
    notified_case(chain, aware_days_ago=30, sent_days_ago=25)  # the rapid review is overdue: a red tag
    health_request(chain, notified_case(chain))
    ready_case(chain)  # the decision makers vote
    split = ready_case(chain)
    for who, option in (("la", "local_review"), ("police", "no_review"), ("icb", "learning_review")):
        _vote(chain, split, who, option)  # the scrutineer advises
    sent = ready_case(chain)
    for who in ("la", "police", "icb"):
        _vote(chain, sent, who, "local_review")
    services.rapid_review_record_sent(actor=chain["manager"], case=sent, sent_on=timezone.localdate())
    reviewer = make_user(Role.REVIEWER, chain["partnership"])
    admin = make_user(Role.SYSTEM_ADMIN, None)
    make_partnership("Unmanaged")

    seats = [
        (chain["manager"], "Screen the referral", "/screen/"),
        (chain["la"], "Vote on whether to carry out a review", "/decision/vote/"),
        (chain["scrutineer"], "The decision makers disagree: give your advice", "/decision/advice/"),
        (chain["health"], "Answer the request for information to Chain Hospital Trust", "/requests/"),
        (chain["panel"], "Respond to the rapid review and the partners' decision", "/panel-response/"),
    ]
    base = live_server.url
    for person, task, where in seats:
        signed_in(page, live_server, settings, person)
        page.goto(base + "/home/")
        tasks = page.locator("#tasks")
        link = tasks.get_by_role("link", name=task).first
        assert link.is_visible(), f"{person}: {task}"
        assert_accessible(page)
        with page.expect_navigation() as navigation:
            link.click()
        assert navigation.value.status == 200 and where in page.url, f"{task} opened {page.url}"
        assert page.locator("form[method=post]").count() >= 1  # the step's own form, where the task is done
        assert_accessible(page)

    # The business manager's overdue rapid review shows as overdue, in words as well as colour.
    signed_in(page, live_server, settings, chain["manager"])
    page.goto(base + "/home/")
    assert page.locator("#tasks .govuk-tag--red").first.inner_text().startswith("Overdue: due ")

    signed_in(page, live_server, settings, reviewer)
    page.goto(base + "/home/")
    assert page.locator("#reviewer-home").is_visible() and page.locator("#no-tasks").is_visible()
    assert_accessible(page)

    signed_in(page, live_server, settings, admin)
    page.goto(base + "/home/")
    page.get_by_role("link", name="Invite a business manager to Unmanaged").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/partnerships/unmanaged/people/invite/")
    page.goto(base + "/home/")
    assert_accessible(page)


def test_the_account_pages_choice_of_task_emails_passes_axe_and_saves(
    live_server: Any, page: Any, settings: Any, chain: dict[str, Any]
) -> None:
    signed_in(page, live_server, settings, chain["la"])
    page.goto(live_server.url + "/account/")
    assert_accessible(page)
    page.get_by_label("The daily digest only").check()
    page.get_by_role("button", name="Save how you are told").click()
    page.wait_for_load_state("load")
    assert "You will get the daily digest only." in page.content()
    assert page.get_by_label("The daily digest only").is_checked()
    assert_accessible(page)
    chain["la"].refresh_from_db()
    assert chain["la"].task_emails == "digest"
