"""In a real browser, as the business manager: the rapid review pages the end-to-end chain never visits. Key
practice episodes added (after an empty form's errors), changed and removed; an immediate action recorded and
changed, from the keyboard; a late request to an agency refused with a proposed date; and a draft that someone
else's save has overtaken, restored with the warning; and the review's publication, into the library. Every distinct page and state passes axe (WCAG 2.2 A and
AA, best practice) and none breaks the Content Security Policy (the ``page`` fixture checks that)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from cspr.cases import services
from cspr.cases.models import AgencyRequest, Case, Episode, ImmediateAction, RapidReview
from cspr.cases.services.rapid_review import LATE_REQUEST_WORKING_DAYS, agency_request_proposed_due_date
from cspr.core.drafts import draft_save
from cspr.partnerships.demo import current_code
from cspr.partnerships.roles import Role
from cspr.web.forms import STALE_DRAFT_WARNING
from tests.browser import assert_accessible
from tests.cases.conftest import notified_case
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YELLOW = "rgb(255, 221, 0)"  # the GOV.UK focus colour


def sign_in(page: Any, base: str, user: Any) -> None:
    """Through the sign-in and two-factor pages, as the person would."""
    page.set_default_timeout(10_000)
    page.goto(base + "/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/two-factor/**")
    page.get_by_label("Enter your security code").fill(current_code(user.email))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/home/")


def open_case_page(page: Any, base: str, case: Case) -> None:
    page.goto(f"{base}/cases/{case.pk}/")
    assert_accessible(page)


def fill_date(scope: Any, legend: str, day: datetime.date | None) -> None:
    """A GOV.UK date input: the Day, Month and Year boxes inside the question's fieldset (None empties them)."""
    group = scope.get_by_role("group", name=legend, exact=True)
    for part, value in (("Day", day and day.day), ("Month", day and day.month), ("Year", day and day.year)):
        group.get_by_label(part).fill(str(value) if value else "")


def submit(page: Any, button: str, banner: str) -> None:
    """Press the button: no errors, back on the case page with the success banner, which passes axe."""
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    errors = page.locator(".govuk-error-summary")
    assert errors.count() == 0, errors.inner_text()
    assert re.search(r"/cases/\d+/$", page.url), page.url
    assert banner in page.locator(".govuk-notification-banner--success").inner_text()
    assert_accessible(page)


def submit_expecting_errors(page: Any, button: str, *messages: str | re.Pattern[str]) -> str:
    """Press the button; the page says it has errors, passes axe, and each message is in the error summary and
    links to its field, which takes focus. Returns the summary's text."""
    page.get_by_role("button", name=button).click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    links = summary.get_by_role("link")
    assert links.count() == len(messages), summary.inner_text()
    for message in messages:
        link = summary.get_by_role("link", name=message)
        target = link.get_attribute("href").split("#", 1)[1]
        link.click()
        assert page.evaluate("document.activeElement.id") == target, message
        assert page.locator(f"#{target}").is_visible(), message
    return summary.inner_text()


def episodes_table(page: Any) -> Any:
    return page.get_by_role("table", name="Key practice episodes")


@pytest.fixture
def manager_page(page: Any, live_server: Any, chain: dict[str, Any]) -> Any:
    sign_in(page, live_server.url, chain["manager"])
    return page


def test_the_manager_adds_changes_and_removes_a_key_practice_episode(
    manager_page: Any, live_server: Any, chain: dict[str, Any]
) -> None:
    page, base = manager_page, live_server.url
    case = notified_case(chain)
    day = timezone.localdate() - datetime.timedelta(days=30)
    open_case_page(page, base, case)
    assert episodes_table(page).count() == 0

    # 1. Added: the empty form first, each error linked to its field; then filled in properly.
    page.get_by_role("link", name="Add a key practice episode").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Add a key practice episode"
    assert_accessible(page)
    submit_expecting_errors(
        page, "Add episode", "Enter the date of the episode", "Enter the agency involved", "Describe what happened"
    )
    assert not Episode.objects.filter(case=case).exists()
    fill_date(page, "Date", day)
    page.get_by_label("Agency", exact=True).fill("Riverside Health Visiting")
    page.get_by_label("What happened", exact=True).fill("Health visitor saw a bruise and did not refer.")
    page.get_by_label("Analysis", exact=True).fill("Bruising in a non-mobile baby was not escalated.")
    submit(page, "Add episode", "The episode has been added to the chronology.")
    table = episodes_table(page)
    assert "Health visitor saw a bruise and did not refer." in table.inner_text()
    assert f"{day.day} {day:%B %Y}" in table.inner_text()

    # 2. Changed from the case page's "Change" link: the form starts from the episode as saved.
    table.get_by_role("link", name=f"Change the episode of {day.day} {day:%B %Y}").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Change a key practice episode"
    assert page.get_by_label("Agency", exact=True).input_value() == "Riverside Health Visiting"
    assert_accessible(page)
    page.get_by_label("What happened", exact=True).fill("Health visitor saw a bruise on the ear and did not refer.")
    submit(page, "Save changes", "The episode has been changed.")
    assert "bruise on the ear" in episodes_table(page).inner_text()
    assert Episode.objects.get(case=case).what_happened == "Health visitor saw a bruise on the ear and did not refer."

    # 3. Removed, through the confirmation page, which shows what is about to go.
    episodes_table(page).get_by_role("link", name=re.compile("^Change the episode of")).click()
    page.get_by_role("link", name="Remove this episode").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Remove this episode from the chronology?"
    assert "bruise on the ear" in page.locator(".govuk-summary-list").inner_text()
    assert_accessible(page)
    submit(page, "Yes, remove it", "The episode has been removed from the chronology.")
    assert episodes_table(page).count() == 0
    assert "bruise on the ear" not in page.locator("main").inner_text()
    assert not Episode.objects.filter(case=case).exists()


def test_the_manager_records_and_changes_an_immediate_action_from_the_keyboard(
    manager_page: Any, live_server: Any, chain: dict[str, Any]
) -> None:
    page, base = manager_page, live_server.url
    case = notified_case(chain)
    open_case_page(page, base, case)
    page.get_by_role("link", name="Record an immediate action").click()
    assert_accessible(page)

    # Typed and sent from the keyboard alone: Tab moves through the fields to the button, each showing the
    # GOV.UK focus indicator, and Enter on the button sends the form.
    page.get_by_label("Action taken to keep children safe").focus()
    page.keyboard.type("Sibling placed with grandparents under a safety plan.")
    reached: list[dict[str, Any]] = []
    for _ in range(10):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                """() => {
                const el = document.activeElement, style = getComputedStyle(el);
                return {tag: el.tagName, name: el.name || '', text: (el.innerText || '').trim(),
                        outline: style.outlineColor, outlineStyle: style.outlineStyle,
                        shadow: style.boxShadow, background: style.backgroundColor};
            }"""
            )
        )
        if reached[-1]["name"] == "by_whom":
            page.keyboard.type("Riverside children's social care")
        if reached[-1]["tag"] == "BUTTON":
            break
    assert [r["name"] for r in reached[:4]] == ["by_whom", "done_on-day", "done_on-month", "done_on-year"]
    button = reached[-1]
    assert button["tag"] == "BUTTON" and button["text"] == "Add action", "Tab reaches the submit button"
    for field in reached[:-1]:
        assert field["outline"] == YELLOW and field["outlineStyle"] != "none", f"no focus ring on {field['name']}"
    assert button["background"] == YELLOW, "the focused button shows the focus colour"
    assert_accessible(page)  # the page with focus on the button
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert "The action has been recorded." in page.locator(".govuk-notification-banner--success").inner_text()
    actions = page.locator("main li", has_text="Sibling placed with grandparents")
    assert "Riverside children's social care" in actions.inner_text()

    # Changed: the form starts from the action as recorded.
    actions.get_by_role("link", name="Change the action taken by Riverside children's social care").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Change an immediate action"
    assert "Sibling placed" in page.get_by_label("Action taken to keep children safe").input_value()
    assert_accessible(page)
    page.get_by_label("Who took it").fill("Riverside children's social care and Northshire Police")
    fill_date(page, "When", timezone.localdate())
    submit(page, "Save changes", "The action has been changed.")
    item = ImmediateAction.objects.get(case=case)
    assert item.by_whom == "Riverside children's social care and Northshire Police"
    assert item.done_on == timezone.localdate()
    assert "and Northshire Police" in page.locator("main li", has_text="Sibling placed").inner_text()


def test_a_request_after_working_day_10_is_refused_with_a_proposed_date_and_sent_with_it(
    manager_page: Any, live_server: Any, chain: dict[str, Any]
) -> None:
    page, base = manager_page, live_server.url
    case = notified_case(chain, aware_days_ago=16, sent_days_ago=14)  # working day 10 was 4 working days ago
    proposed = agency_request_proposed_due_date(case)
    open_case_page(page, base, case)
    page.get_by_role("link", name="Ask an agency for a summary").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ask an agency for a summary of its involvement"

    # The page says working day 10 has passed and offers the proposed date, ready filled in.
    due = page.get_by_role("group", name="Due by", exact=True)
    assert "which has passed" in due.inner_text()
    assert f"{LATE_REQUEST_WORKING_DAYS} working days from today" in due.inner_text()
    assert [due.get_by_label(p).input_value() for p in ("Day", "Month", "Year")] == [
        str(proposed.day),
        str(proposed.month),
        str(proposed.year),
    ]
    assert_accessible(page)

    # Emptied, the date would be working day 10, already past: refused, proposing a date, nothing sent.
    page.get_by_label("Agency", exact=True).select_option(label=chain["orgs"]["nhs_trust"].name)
    page.get_by_label("Who should answer?").select_option(value=str(chain["health"].pk))
    page.get_by_label("What they need to know about the case").fill("A baby with a fractured skull.")
    fill_date(page, "Due by", None)
    summary = submit_expecting_errors(
        page,
        "Send request",
        re.compile(r"^Working day 10 of the rapid review was .*, which has passed\. Enter the date the summary is due"),
    )
    assert f"for example {proposed.day} {proposed:%B %Y}" in summary
    assert not AgencyRequest.objects.filter(case=case).exists()

    # A date typed in the past is refused too; the proposed date is accepted.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    fill_date(page, "Due by", yesterday)
    submit_expecting_errors(page, "Send request", re.compile(r"^The due date .* has passed"))
    assert not AgencyRequest.objects.filter(case=case).exists()
    fill_date(page, "Due by", proposed)
    submit(page, "Send request", "The request has been sent.")
    assert AgencyRequest.objects.get(case=case).due_date == proposed
    assert f"{proposed.day} {proposed:%B %Y}" in page.get_by_role("table", name="Agency summaries").inner_text()


def test_a_draft_overtaken_by_someone_elses_save_is_restored_with_the_warning(
    manager_page: Any, live_server: Any, chain: dict[str, Any], make_user: Any
) -> None:
    page, base = manager_page, live_server.url
    case = notified_case(chain)
    url = f"/cases/{case.pk}/rapid-review/"
    typed_at = RapidReview.objects.get(case=case).version
    draft_save(
        user=chain["manager"],
        key=url,
        data={"version": [str(typed_at)], "learning_so_far": ["Learning the manager typed"]},
    )
    other = make_user(Role.BUSINESS_MANAGER, chain["partnership"], chain["orgs"]["local_authority"])
    services.rapid_review_update(
        actor=other, case=case, version=typed_at, sections={"learning_so_far": "Saved by the other manager"}
    )

    page.goto(base + url)
    banner = page.locator(".govuk-notification-banner")
    assert banner.count() == 1, "one banner, not the plain 'we kept what you typed' as well"
    assert STALE_DRAFT_WARNING in " ".join(banner.inner_text().split())
    assert page.get_by_label("Learning so far and what could be improved").input_value() == (
        "Learning the manager typed"
    )
    assert page.locator("input[name=version]").input_value() == str(typed_at)
    assert_accessible(page)

    # Saving the overtaken draft is refused, with the text kept, rather than silently replacing the other save.
    page.get_by_role("button", name="Save", exact=True).click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Someone else saved the rapid review after you opened it" in summary.inner_text()
    assert page.get_by_label("Learning so far and what could be improved").input_value() == (
        "Learning the manager typed"
    )
    assert_accessible(page)
    assert RapidReview.objects.get(case=case).learning_so_far == "Saved by the other manager"
