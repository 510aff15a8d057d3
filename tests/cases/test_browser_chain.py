"""In a real browser, as the real people: a case from an agency's referral to the Panel's challenge and the
partners' justification, through the pages a person uses (links, buttons, labelled fields), with every page on
the way passing axe (WCAG 2.2 A and AA) and none breaking the Content Security Policy."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from cspr.cases.models import Case, Referral
from cspr.cases.rules.regulation11 import CIRCUMSTANCES
from cspr.partnerships.demo import DEMO_PASSWORD, current_code, load_demo
from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAILS = {
    "health": "health.contributor@demo.cspr.test",
    "manager": "manager@demo.cspr.test",
    "la": "la.decider@demo.cspr.test",
    "police": "police.decider@demo.cspr.test",
    "icb": "icb.decider@demo.cspr.test",
    "scrutineer": "scrutineer@demo.cspr.test",
    "panel": "panel@demo.cspr.test",
}
PARTNERSHIP = "Northshire and Riverside Safeguarding Children Partnership"


class People:
    """One signed-in browser context per person. Every page is checked with axe once per distinct page: who
    sees it (the Panel's case page is not the manager's), its path (ids folded), the stage of the case it
    shows, and whether it shows errors."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser, self.base = browser, base
        self.pages: dict[str, Any] = {}
        self.csp_errors: list[str] = []
        self.checked: set[str] = set()
        self.owner: dict[int, str] = {}

    def __getitem__(self, who: str) -> Any:
        if who not in self.pages:
            self.pages[who] = sign_in(self, who)
        return self.pages[who]

    def check(self, page: Any) -> None:
        page.wait_for_load_state("load")  # the key below reads the page, so it must be the loaded one
        state = page.locator("#case-state")
        key = "|".join(
            (
                self.owner.get(id(page), ""),
                re.sub(r"/\d+", "/N", page.url.split("?")[0].replace(self.base, "")),
                state.inner_text() if state.count() else "",
                "errors" if page.locator(".govuk-error-summary").count() else "",
            )
        )
        if key not in self.checked:
            assert_accessible(page)
            self.checked.add(key)

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def sign_in(people: People, who: str) -> Any:
    """A fresh browser context, signed in through the sign-in and two-factor pages as a person would."""
    context = people.browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    email = EMAILS[who]
    page.on("console", lambda m: people.csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(people.base + "/sign-in/")
    people.check(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/two-factor/**")
    people.check(page)
    page.get_by_label("Enter your security code").fill(current_code(email))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/home/")
    people.owner[id(page)] = who  # the pages before this are the same for everyone
    people.check(page)
    return page


@pytest.fixture
def people(browser: Any, live_server: Any) -> Iterator[People]:
    load_demo()
    crowd = People(browser, live_server.url)
    yield crowd
    crowd.close()
    assert not crowd.csp_errors, f"pages broke the Content Security Policy: {crowd.csp_errors}"


def fill_date(scope: Any, legend: str, day: datetime.date) -> None:
    """A GOV.UK date input: the Day, Month and Year boxes inside the question's fieldset."""
    group = scope.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def choose(scope: Any, question: str, answer: str) -> None:
    """Choose a radio by its label inside the question's fieldset."""
    scope.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


def open_case(people: People, who: str, case: Case) -> Any:
    """Find the case from the person's list of cases, as they would."""
    page = people[who]
    page.get_by_role("link", name="Cases", exact=True).first.click()
    people.check(page)
    page.get_by_role("link", name=case.reference, exact=True).first.click()
    people.check(page)
    return page


def step(people: People, page: Any, text: str) -> None:
    """Follow a 'What happens next' link to its page, and check that page."""
    page.locator("#next-steps").get_by_role("link", name=text).click()
    people.check(page)


def submit(people: People, page: Any, button: str) -> None:
    """Check the filled-in page, press its button, expect no errors, and check the page it leads to."""
    people.check(page)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    errors = page.locator(".govuk-error-summary")
    assert errors.count() == 0, errors.inner_text()
    people.check(page)


def submit_expecting_errors(people: People, page: Any, button: str, *messages: str) -> None:
    """Press the button; each message is in the error summary and links to its field, which takes focus."""
    page.get_by_role("button", name=button).click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    people.check(page)
    for message in messages:
        link = summary.get_by_role("link", name=message)
        target = link.get_attribute("href").split("#", 1)[1]
        link.click()
        assert page.evaluate("document.activeElement.id") == target, message


def test_a_case_goes_from_referral_to_the_panels_challenge_and_the_partners_justification(people: People) -> None:
    today = timezone.localdate()  # the service's today (Europe/London), which the date rules use

    # 1. An agency contributor refers the incident; an empty form shows each error linked to its field.
    health = people["health"]
    health.get_by_role("link", name="Cases", exact=True).first.click()
    people.check(health)
    health.get_by_role("link", name="Refer an incident").click()
    people.check(health)
    submit_expecting_errors(
        people, health, "Send referral", "Say which child or children were harmed", "Describe what happened"
    )
    fill_date(health, "When did the incident happen?", today)
    health.get_by_label("Which child or children were harmed?").fill("Baby Browser, 5 months, Riverside")
    health.get_by_label("What happened?").fill("Brought to A&E with a fractured femur; no explanation given.")
    health.get_by_label("What did your agency know about the child and family?").fill("Two health visits.")
    submit(people, health, "Send referral")
    assert "Your referral has been sent" in health.locator(".govuk-notification-banner").inner_text()
    case = Referral.objects.latest("created_at").case

    # 2. The business manager screens it into a notification.
    manager = open_case(people, "manager", case)
    step(people, manager, "Screen the referral")
    choose(manager, "What happens to this referral?", "Becomes a serious incident notification")
    manager.get_by_label("Reasons").fill("A non-mobile infant with a fracture: abuse suspected.")
    submit(people, manager, "Save screening decision")

    # 3. The notification: eligibility, the incident and one child. Dates that cannot be true are refused
    # first, each against its own field, the child's as well as the incident's.
    step(people, manager, "Complete the notification and check eligibility")
    choose(manager, "Is abuse or neglect known or suspected?", "Suspected")
    choose(manager, "What happened to the child?", "Serious harm")
    choose(manager, "Did it happen in your local authority's area?", "Yes")
    fill_date(manager, "Date of the incident", today - datetime.timedelta(days=1))
    fill_date(manager, "When did the local authority become aware?", today + datetime.timedelta(days=1))
    manager.get_by_label("Description for the national form").fill("Fractured femur in a 5-month-old baby.")
    assert manager.get_by_text("Add child 2").is_visible()  # the spaces for more children wait folded away
    child = manager.get_by_role("group", name="Child 1", exact=True)
    child.get_by_label("Full name").fill("Baby Browser")
    fill_date(child, "Date of birth", today)
    submit_expecting_errors(
        people,
        manager,
        "Save notification",
        "The date the local authority became aware must be today or in the past",
        "Child 1's date of birth must be before the incident date",
    )
    fill_date(manager, "When did the local authority become aware?", today)
    fill_date(child, "Date of birth", today - datetime.timedelta(days=150))
    choose(child, "Sex", "Female")
    choose(child, "Legal status", "Child in need plan")
    submit(people, manager, "Save notification")
    assert "This is a serious child safeguarding case" in manager.locator("#eligibility-result").inner_text()

    # 4. Sent to the Panel: the rapid review starts.
    step(people, manager, "Record the notification as sent to the Panel")
    fill_date(manager, "When was the notification sent to the Panel?", today)
    manager.get_by_label("Panel's reference").fill("SIN-BROWSER-1")
    submit(people, manager, "Record as sent")
    assert "Rapid review in progress" in manager.locator("#case-state").inner_text()

    # 5. A request to the health trust, answered by its contributor from their home page.
    step(people, manager, "Ask agencies for summaries of their involvement")
    manager.get_by_label("Agency").select_option(label="Northshire Hospitals NHS Foundation Trust")
    manager.get_by_label("Who should answer?").select_option(
        label="Dr Aisha Karim (Northshire Hospitals NHS Foundation Trust)"
    )
    manager.get_by_label("What they need to know about the case").fill("A 5-month-old with a fractured femur.")
    submit(people, manager, "Send request")
    health.get_by_role("link", name="Home", exact=True).first.click()
    people.check(health)
    # The request waits in the contributor's task list, named with the case it belongs to.
    task = health.locator("#tasks li", has_text=case.pseudonym).first
    task.get_by_role("link", name="Answer the request for information").click()
    health.get_by_label("Your agency's summary of its involvement").fill("Health visitor saw bruising once.")
    submit(people, health, "Send to the partnership")

    # 6. The rapid review written up, each criterion answered with reasons, and sent to the decision makers.
    open_case(people, "manager", case)
    step(people, manager, "Write up the rapid review, answer the criteria and make a recommendation")
    for code in "abcd":
        criterion = manager.get_by_role("group", name=re.compile(rf"^\({code}\) "))
        criterion.get_by_label("Yes", exact=True).check()
        manager.get_by_label(f"Reasons for ({code})", exact=True).fill(f"Reasons for criterion {code}.")
    for _, circumstance in CIRCUMSTANCES:  # each weighed before the partners decide; "No" needs no reasons
        choose(manager, circumstance, "No")
    choose(manager, "Recommendation", "Local child safeguarding practice review")
    manager.get_by_label("Reasons for the recommendation").fill("Agencies did not share what they saw.")
    submit(people, manager, "Save")
    manager.locator("#next-steps").get_by_role("button", name="Send the rapid review to the decision makers").click()
    assert "Partners deciding on a review" in manager.locator("#case-state").inner_text()

    # 7. The partners disagree; the scrutineer advises; one changes their vote; the majority decides.
    votes = (
        ("la", "Local child safeguarding practice review"),
        ("police", "No review"),
        ("icb", "Multi-agency learning review"),
    )
    for who, option in votes:
        page = open_case(people, who, case)
        step(people, page, "Vote on whether a review is needed")
        if who == "la":
            submit_expecting_errors(
                people, page, "Record vote", "Choose what the partnership should do", "Give the reasons for your vote"
            )
        choose(page, "What should the partnership do?", option)
        page.get_by_label("Your reasons").fill(f"The {who} view.")
        submit(people, page, "Record vote")
    scrutineer = open_case(people, "scrutineer", case)
    step(people, scrutineer, "Advise the decision makers, who disagree")
    scrutineer.get_by_label("Your advice to the decision makers").fill("Criteria a and c are clearly met.")
    submit(people, scrutineer, "Send advice")
    icb = open_case(people, "icb", case)
    step(people, icb, "Change your vote if the advice persuades you")
    choose(icb, "What should the partnership do?", "Local child safeguarding practice review")
    icb.get_by_label("Your reasons").fill("Persuaded by the advice.")
    submit(people, icb, "Record vote")
    open_case(people, "manager", case)
    step(people, manager, "Record the majority decision and its rationale")
    manager.get_by_label("Rationale for the decision").fill("Two agencies saw signs and did not share them.")
    submit(people, manager, "Record decision")
    rationale = manager.locator(".govuk-summary-list__row", has_text="Rationale")
    assert "majority after the scrutineer's advice" in manager.locator("main").inner_text()
    assert rationale.locator("p").count() == 4  # the rationale, then each partner's vote, as paragraphs

    # 8. The family is told, and the letter is written and downloaded.
    step(people, manager, "Tell the family of the decision and its reasons")
    choose(manager, "How?", "In person, with a letter")
    manager.get_by_label("Who told them?").fill("Sam Jones, social worker")
    submit(people, manager, "Save")
    manager.locator("#documents").get_by_role("link", name="Letter to the family").click()
    manager.get_by_label("Who is the letter to?").fill("Ms Parent")
    manager.get_by_label("How should the letter greet them?").fill("Ms Parent")
    manager.get_by_label("Contact phone").fill("01234 567890")
    people.check(manager)
    with manager.expect_download() as letter:
        manager.get_by_role("button", name="Create letter").click()
    assert letter.value.suggested_filename.endswith("family-letter.docx")

    # 9. Sent to the Panel, and the rapid review report downloads.
    open_case(people, "manager", case)
    step(people, manager, "Send the rapid review and decision to the Panel")
    submit(people, manager, "Record as sent")
    assert "Sent to the Panel" in manager.locator("#case-state").inner_text()
    with manager.expect_download() as report:
        manager.locator("#documents").get_by_role("link", name="PDF").click()
    assert report.value.suggested_filename.endswith("rapid-review.pdf")

    # 10. The Panel finds it in its inbox, filtered to the partnership, and challenges the decision.
    panel = people["panel"]
    panel.get_by_role("link", name="Panel", exact=True).first.click()
    people.check(panel)
    panel.get_by_label("Partnership").select_option(label=PARTNERSHIP)
    panel.get_by_label("Stage").select_option(label="Sent to the Panel, awaiting its response")
    panel.get_by_role("button", name="Apply filters").click()
    people.check(panel)
    rows = panel.locator("tbody tr")
    assert rows.count() >= 1
    assert all(PARTNERSHIP in rows.nth(i).inner_text() for i in range(rows.count()))
    panel.get_by_role("link", name=case.reference, exact=True).click()
    people.check(panel)
    assert "Baby Browser" not in panel.content()  # the Panel sees pseudonyms, not names
    step(people, panel, "Respond to the rapid review and decision")
    choose(panel, "The Panel's response", "Challenges the decision")
    panel.get_by_label("Reasons").fill("Consider whether a national review is needed instead.")
    choose(panel, "Will the Panel carry out a national review?", "No national review")
    submit(people, panel, "Record response")
    assert "Panel challenged the decision" in panel.locator("#case-state").inner_text()

    # 11. The partners meet again with the scrutineer, decide, and send their justification.
    scrutineer = open_case(people, "scrutineer", case)
    step(people, scrutineer, "Advise the partners on the Panel's challenge")
    scrutineer.get_by_label("Your advice to the decision makers").fill("A local review remains proportionate.")
    submit(people, scrutineer, "Send advice")
    for who in ("la", "police", "icb"):
        page = open_case(people, who, case)
        # A second round says so: the partners are answering the Panel's challenge.
        step(people, page, "Vote again after the Panel's challenge")
        assert "Consider whether a national review is needed instead." in page.content()
        choose(page, "What should the partnership do?", "Local child safeguarding practice review")
        page.get_by_label("Your reasons").fill("The learning is local.")
        submit(people, page, "Record vote")
    open_case(people, "manager", case)
    step(people, manager, "Send the partners' justification to the Panel")
    manager.get_by_label("The partners' justification for the Panel").fill("The failures were local and are fixable.")
    submit(people, manager, "Send to the Panel")

    # 12. The Panel finds the case back in its inbox, waiting for its response, with the justification.
    panel.get_by_role("link", name="Panel", exact=True).first.click()
    panel.get_by_label("Stage").select_option(label="Sent to the Panel, awaiting its response")
    panel.get_by_role("button", name="Apply filters").click()
    row = panel.locator("tbody tr").filter(has=panel.get_by_role("link", name=case.reference, exact=True))
    assert "Sent to the Panel, awaiting its response" in row.inner_text()
    row.get_by_role("link", name=case.reference, exact=True).click()
    people.check(panel)
    assert "Sent to the Panel, awaiting its response" in panel.locator("#case-state").inner_text()
    assert "The failures were local and are fixable." in panel.locator("main").inner_text()
    assert len(people.checked) >= 50
