"""In a real browser, as the real people: a case from an agency's referral to the Panel's challenge and the
partners' justification, with every page on the way passing axe (WCAG 2.2 A and AA)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest

from cspr.cases.models import Case, Referral
from cspr.partnerships.demo import DEMO_PASSWORD, current_code, load_demo
from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = {
    "health": "health.contributor@demo.cspr.test",
    "manager": "manager@demo.cspr.test",
    "la": "la.decider@demo.cspr.test",
    "police": "police.decider@demo.cspr.test",
    "icb": "icb.decider@demo.cspr.test",
    "scrutineer": "scrutineer@demo.cspr.test",
    "panel": "panel@demo.cspr.test",
}


class People:
    """One signed-in browser context per person, each checking that no page breaks the CSP."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser, self.base, self.pages, self.csp_errors = browser, base, {}, []
        self.checked: set[str] = set()

    def __getitem__(self, who: str) -> Any:
        if who not in self.pages:
            context = self.browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page = context.new_page()
            page.on(
                "console", lambda m: self.csp_errors.append(m.text) if "Content Security Policy" in m.text else None
            )
            page.goto(self.base + "/sign-in/")
            page.get_by_label("Email address").fill(PEOPLE[who])
            page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Continue").click()
            page.get_by_label("Enter your security code").fill(current_code(PEOPLE[who]))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_url("**/home/")
            self.pages[who] = page
        return self.pages[who]

    def check(self, page: Any) -> None:
        """axe on each distinct page: by path (ids folded), the stage of the case shown, and the error state."""
        state = page.locator("#case-state")
        key = "|".join(
            (
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


@pytest.fixture
def people(browser: Any, live_server: Any) -> Iterator[People]:
    load_demo()
    crowd = People(browser, live_server.url)
    yield crowd
    crowd.close()
    assert not crowd.csp_errors, f"pages broke the Content Security Policy: {crowd.csp_errors}"


def fill_date(page: Any, field_id: str, day: datetime.date) -> None:
    page.locator(f"#{field_id}-day").fill(str(day.day))
    page.locator(f"#{field_id}-month").fill(str(day.month))
    page.locator(f"#{field_id}-year").fill(str(day.year))


def open_case(people: People, who: str, case: Case) -> Any:
    page = people[who]
    page.goto(f"{people.base}/cases/{case.pk}/")
    people.check(page)
    return page


def step(page: Any, text: str) -> None:
    """Follow a 'What happens next' link."""
    page.locator("#next-steps").get_by_role("link", name=text).click()


def submit(page: Any, button: str, people: People) -> None:
    people.check(page)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    errors = page.locator(".govuk-error-summary")
    assert errors.count() == 0, errors.inner_text()


def test_a_case_goes_from_referral_to_the_panels_challenge_and_the_partners_justification(people: People) -> None:
    today = datetime.date.today()

    # 1. An agency contributor refers the incident; an empty form first shows linked errors.
    health = people["health"]
    health.get_by_role("link", name="Cases").first.click()
    health.get_by_role("link", name="Refer an incident").click()
    health.get_by_role("button", name="Send referral").click()
    summary = health.locator(".govuk-error-summary")
    assert "Describe what happened" in summary.inner_text()
    people.check(health)
    summary.get_by_role("link", name="Describe what happened").click()
    assert health.evaluate("document.activeElement.id") == "id_what_happened"
    fill_date(health, "id_incident_date", today)
    health.get_by_label("Which child or children were harmed?").fill("Baby Browser, 5 months, Riverside")
    health.get_by_label("What happened?").fill("Brought to A&E with a fractured femur; no explanation given.")
    health.get_by_label("What did your agency know about the child and family?").fill("Two health visits.")
    submit(health, "Send referral", people)
    assert "Your referral has been sent" in health.content()
    case = Referral.objects.latest("created_at").case

    # 2. The business manager screens it into a notification.
    manager = open_case(people, "manager", case)
    step(manager, "Screen the referral")
    manager.get_by_label("Becomes a serious incident notification").check()
    manager.get_by_label("Reasons").fill("A non-mobile infant with a fracture: abuse suspected.")
    submit(manager, "Save screening decision", people)

    # 3. The notification: eligibility, the incident and the child.
    step(manager, "Complete the notification and check eligibility")
    manager.locator("#id_abuse_or_neglect-2").check()  # Suspected
    manager.locator("#id_nature-2").check()  # Serious harm
    manager.locator("#id_in_area").check()  # Yes
    fill_date(manager, "id_incident_date", today)
    fill_date(manager, "id_la_became_aware", today)
    manager.get_by_label("Description for the national form").fill("Fractured femur in a 5-month-old baby.")
    manager.locator("#id_child-1-name").fill("Baby Browser")
    fill_date(manager, "id_child-1-date_of_birth", today - datetime.timedelta(days=150))
    submit(manager, "Save notification", people)
    assert "This is a serious child safeguarding case" in manager.locator("#eligibility-result").inner_text()

    # 4. Sent to the Panel: the rapid review starts.
    step(manager, "Record the notification as sent to the Panel")
    manager.get_by_label("Panel's reference").fill("SIN-BROWSER-1")
    submit(manager, "Record as sent", people)
    assert "Rapid review in progress" in manager.locator("#case-state").inner_text()

    # 5. A request to the health trust, answered by its contributor.
    step(manager, "Ask agencies for summaries of their involvement")
    manager.get_by_label("Agency").select_option(label="Northshire Hospitals NHS Foundation Trust")
    manager.get_by_label("Who should answer?").select_option(index=1)
    manager.get_by_label("What they need to know about the case").fill("A 5-month-old with a fractured femur.")
    submit(manager, "Send request", people)
    health.goto(people.base + "/home/")
    people.check(health)
    health.get_by_role("link", name=re.compile(case.pseudonym)).click()
    health.get_by_label("Your agency's summary of its involvement").fill("Health visitor saw bruising once.")
    submit(health, "Send to the partnership", people)

    # 6. The rapid review written up and sent to the decision makers.
    open_case(people, "manager", case)
    step(manager, "Write up the rapid review, answer the criteria and make a recommendation")
    for code in "abcd":
        manager.locator(f"#id_criterion_{code}_answer").check()  # Yes
        manager.locator(f"#id_criterion_{code}_reasons").fill(f"Reasons for criterion {code}.")
    manager.locator("#id_recommendation").check()  # local review
    manager.get_by_label("Reasons for the recommendation").fill("Agencies did not share what they saw.")
    submit(manager, "Save", people)
    manager.locator("#next-steps").get_by_role("button", name="Send the rapid review to the decision makers").click()
    assert "Partners deciding on a review" in manager.locator("#case-state").inner_text()

    # 7. The partners disagree; the scrutineer advises; one changes their vote; the majority decides.
    for who, option in (("la", "#id_option"), ("police", "#id_option-4"), ("icb", "#id_option-3")):
        page = open_case(people, who, case)
        step(page, "Vote on whether a review is needed")
        if who == "la":  # a vote without a choice or reasons is refused, each error linked to its field
            page.get_by_role("button", name="Record vote").click()
            errors = page.locator(".govuk-error-summary")
            assert "Choose what the partnership should do" in errors.inner_text()
            people.check(page)
            errors.get_by_role("link", name="Give the reasons for your vote").click()
            assert page.evaluate("document.activeElement.id") == "id_rationale"
        page.locator(option).check()
        page.get_by_label("Your reasons").fill(f"The {who} view.")
        submit(page, "Record vote", people)
    scrutineer = open_case(people, "scrutineer", case)
    step(scrutineer, "Advise the decision makers, who disagree")
    scrutineer.get_by_label("Your advice to the decision makers").fill("Criteria a and c are clearly met.")
    submit(scrutineer, "Send advice", people)
    icb = open_case(people, "icb", case)
    step(icb, "Change your vote if the advice persuades you")
    icb.locator("#id_option").check()
    icb.get_by_label("Your reasons").fill("Persuaded by the advice.")
    submit(icb, "Record vote", people)
    open_case(people, "manager", case)
    step(manager, "Record the majority decision and its rationale")
    manager.get_by_label("Rationale for the decision").fill("Two agencies saw signs and did not share them.")
    submit(manager, "Record decision", people)

    # 8. The family is told, and the letter is written.
    step(manager, "Tell the family of the decision and its reasons")
    fill_date(manager, "id_told_on", today)
    manager.get_by_label("In person, with a letter").check()
    manager.get_by_label("Who told them?").fill("Sam Jones, social worker")
    submit(manager, "Save", people)
    manager.locator("#documents").get_by_role("link", name="Letter to the family").click()
    manager.get_by_label("Who is the letter to?").fill("Ms Parent")
    manager.get_by_label("How should the letter greet them?").fill("Ms Parent")
    manager.get_by_label("Contact phone").fill("01234 567890")
    people.check(manager)
    with manager.expect_download() as letter:
        manager.get_by_role("button", name="Create letter").click()
    assert letter.value.suggested_filename.endswith("family-letter.docx")

    # 9. Sent to the Panel, with the report.
    open_case(people, "manager", case)
    step(manager, "Send the rapid review and decision to the Panel")
    submit(manager, "Record as sent", people)
    with manager.expect_download() as report:
        manager.locator("#documents").get_by_role("link", name="PDF").click()
    assert report.value.suggested_filename.endswith("rapid-review.pdf")

    # 10. The Panel finds it, and challenges the decision.
    panel = people["panel"]
    panel.get_by_role("link", name="Panel").first.click()
    panel.get_by_label("Partnership").select_option(label="Northshire and Riverside Safeguarding Children Partnership")
    panel.get_by_role("button", name="Apply filters").click()
    people.check(panel)
    panel.get_by_role("link", name=case.reference).click()
    people.check(panel)
    assert "Baby Browser" not in panel.content()  # the Panel sees pseudonyms, not names
    step(panel, "Respond to the rapid review and decision")
    panel.get_by_label("Challenges the decision").check()
    panel.get_by_label("Reasons").fill("Consider whether a national review is needed instead.")
    panel.get_by_label("No national review").check()
    submit(panel, "Record response", people)
    assert "Panel challenged the decision" in panel.locator("#case-state").inner_text()

    # 11. The partners meet again with the scrutineer, decide, and send their justification.
    scrutineer = open_case(people, "scrutineer", case)
    step(scrutineer, "Advise the partners on the Panel's challenge")
    scrutineer.get_by_label("Your advice to the decision makers").fill("A local review remains proportionate.")
    submit(scrutineer, "Send advice", people)
    for who in ("la", "police", "icb"):
        page = open_case(people, who, case)
        step(page, "Vote on whether a review is needed")
        page.locator("#id_option").check()
        page.get_by_label("Your reasons").fill("The learning is local.")
        submit(page, "Record vote", people)
    open_case(people, "manager", case)
    step(manager, "Send the partners' justification to the Panel")
    manager.get_by_label("The partners' justification for the Panel").fill("The failures were local and are fixable.")
    submit(manager, "Send to the Panel", people)

    panel = open_case(people, "panel", case)
    assert "Sent to the Panel, awaiting its response" in panel.locator("#case-state").inner_text()
    assert "The failures were local and are fixable." in panel.content()
    assert len(people.checked) >= 20
