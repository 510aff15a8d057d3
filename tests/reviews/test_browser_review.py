"""The local review in a real browser (Debian chromium through Playwright), by its pages as its users would use
them: from the partners' decision, through commissioning, the agencies' returns, a publication hold, a delay and
a written request to the reviewer, to a signed-off report ready to publish. Every page visited is checked with
axe (WCAG 2.2 AA); each step checks what the page shows and what the database holds.

Only the starting point (a case the partners decided needs a local review, with the Panel agreeing) and the
daily reminder run are made in Python: everything the people do, they do on the pages."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from cspr.cases.clocks import case_calendar, clock_rows
from cspr.cases.models import AgencyRequest
from cspr.cases.services import agency_requests_remind
from cspr.reviews.models import Delay, LocalReview, ParallelProcess, ReviewState, WrittenRequest
from cspr.reviews.rules import COMPETENCES, LOCAL_REVIEW_CLOCK
from tests.browser import assert_accessible
from tests.cases.conftest import local_review_case
from tests.web.test_browser_pagination import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPETENCE_LABELS = dict(COMPETENCES)
UNANSWERED = "hindsight"  # the check the business manager forgets on the first try


# --- how a person uses a page ---------------------------------------------------------------------------------


def visit(page: Any, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, f"{url}: {response and response.status}"
    assert_accessible(page)


def follow(page: Any, name: str) -> None:
    """Follow the link called ``name`` (the first, where a page repeats it) and check the page it opens."""
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name=name, exact=True).first.click()
    assert navigation.value.status == 200, f"{name} opened {page.url}: {navigation.value.status}"
    assert_accessible(page)


def press(page: Any, button: str) -> None:
    """Press the button called ``button``, wait for the page it leads to, and check that page."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    assert_accessible(page)


def fill_date(page: Any, name: str, day: datetime.date) -> None:
    """A GOV.UK date: its Day, Month and Year boxes."""
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        page.locator(f"input[name='{name}-{part}']").fill(str(value))


def choose(page: Any, question: str, answer: str) -> None:
    """Choose ``answer`` among the radios asked as ``question`` (the fieldset's legend)."""
    page.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


def banner(page: Any) -> str:
    return page.locator(".govuk-notification-banner").first.inner_text()


def state_tag(page: Any) -> str:
    return page.locator("#review-state").inner_text()


def six_month_clock(review: LocalReview) -> dict[str, Any]:
    return next(r for r in clock_rows(review.case) if r["id"] == LOCAL_REVIEW_CLOCK)


def govuk(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def at_ten(day: datetime.date) -> datetime.datetime:
    """Ten in the morning, London time: well inside the working day whatever the time zone does."""
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=ZoneInfo(django_settings.TIME_ZONE))


# --- the journey ----------------------------------------------------------------------------------------------


def test_a_local_review_goes_from_the_partners_decision_to_ready_to_publish_by_its_pages(
    live_server: Any, page: Any, settings: Any, people: dict[str, Any]
) -> None:
    base = live_server.url
    case = local_review_case(people)
    review = LocalReview.objects.get(case=case)
    someone_elses = LocalReview.objects.get(case=local_review_case(people))  # not the reviewer's: never listed
    manager, reviewer, health = people["manager"], people["reviewer"], people["health"]
    review_url = f"{base}/reviews/{review.pk}/"
    today = timezone.localdate()
    calendar = case_calendar(case)

    # 1. The business manager opens the review from the case page and commissions the reviewer.
    signed_in(page, live_server, settings, manager)
    visit(page, f"{base}/cases/{case.pk}/")
    follow(page, "Open the local review")
    assert page.url == review_url
    assert state_tag(page) == "Commissioning the reviewer"
    follow(page, "Commission the reviewer")
    page.get_by_label("Reviewer", exact=True).select_option(label=reviewer.full_name)
    for code, label in COMPETENCES:
        if code != UNANSWERED:
            choose(page, label, "Yes")
        page.get_by_label(f"Evidence of {label[0].lower()}{label[1:]}").fill(f"Seen in {code} references")
    choose(page, "Any real or perceived conflict of interest", "None declared")
    press(page, "Commission the reviewer")
    # One check unanswered: the error summary names it, links to it, and every other answer is kept.
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "There is a problem" in summary.inner_text()
    forgotten = COMPETENCE_LABELS[UNANSWERED]
    error_link = summary.get_by_role("link", name=f"Answer yes or no: {forgotten[0].lower()}{forgotten[1:]}")
    assert error_link.count() == 1 and error_link.get_attribute("href") == f"#id_competence_{UNANSWERED}"
    assert summary.get_by_role("link").count() == 1
    assert page.get_by_label("Reviewer", exact=True).input_value() == str(reviewer.pk)
    for code, label in COMPETENCES:
        answered = page.get_by_role("group", name=label, exact=True).get_by_label("Yes", exact=True)
        assert answered.is_checked() == (code != UNANSWERED), code
        evidence = page.get_by_label(f"Evidence of {label[0].lower()}{label[1:]}")
        assert evidence.input_value() == f"Seen in {code} references"
    assert page.get_by_label("None declared").is_checked()
    review.refresh_from_db()
    assert review.reviewer_id is None
    choose(page, forgotten, "Yes")
    press(page, "Commission the reviewer")
    assert page.url == review_url and "The reviewer has been commissioned." in banner(page)
    review.refresh_from_db()
    assert review.reviewer_id == reviewer.pk and review.conflict == "none" and review.commissioned_on == today
    assert all(review.competences[code]["answer"] == "yes" for code, _ in COMPETENCES)
    assert review.state == ReviewState.COMMISSIONING  # the national bodies are not told yet, nor the terms agreed

    # ... tells the Panel, Ofsted and the DfE, in the letter the page has written ...
    follow(page, "Tell the Panel, Ofsted and the DfE about the review")
    letter = page.get_by_label("What was sent").input_value()
    assert reviewer.full_name in letter and case.pseudonym in letter and case.reference in letter
    for told in ("The Child Safeguarding Practice Review Panel", "Ofsted", "The Department for Education"):
        assert page.get_by_label(told, exact=True).is_checked()
    press(page, "Record it as sent")
    assert "Recorded who was told about the review." in banner(page)
    notice = review.notices.get()
    assert notice.recipients == ["dfe", "ofsted", "panel"] and notice.sent_on == today
    assert notice.text.splitlines() == letter.strip().splitlines()  # the letter as the page wrote it

    # ... and agrees the terms of reference: commissioning is done.
    follow(page, "Agree the terms of reference")
    fill_date(page, "period_from", today - datetime.timedelta(days=400))
    fill_date(page, "period_to", today - datetime.timedelta(days=10))
    page.get_by_label("Key lines of enquiry").fill("How agencies shared what they knew of the baby's bruising.")
    page.get_by_label("Agencies involved").fill("NHS trust\nPolice\nChildren's social care")
    assert page.get_by_label("Systems methodology").is_checked()
    page.get_by_label("How the child's perspective and the family's context are covered").fill(
        "The reviewer meets the parents; the baby's daily life is described from the health visits."
    )
    press(page, "Agree these terms")
    assert "The terms of reference have been agreed." in banner(page)
    assert state_tag(page) == "Terms of reference agreed"
    review.refresh_from_db()
    assert review.state == ReviewState.TERMS_AGREED and review.terms.get().number == 1

    # The agencies are briefed and the review starts.
    follow(page, "Record the agencies' briefing session")
    page.get_by_label("Who came").fill("NHS trust: named nurse\nPolice: DS Example")
    press(page, "Record the briefing")
    assert "Agencies briefed on" in page.locator("main").inner_text()
    press(page, "Start the review")
    assert "The review has started." in banner(page) and state_tag(page) == "Review in progress"
    review.refresh_from_db()
    assert review.state == ReviewState.IN_PROGRESS

    # 2. The NHS trust is asked for a chronology, due in three working days.
    due = calendar.add_working_days(today, 3)
    follow(page, "Ask an agency for a chronology or a report")
    choose(page, "What is asked for", "A chronology")
    page.get_by_label("Agency", exact=True).select_option(label=people["orgs"]["nhs_trust"].name)
    page.get_by_label("Who will answer").select_option(label=health.full_name)
    page.get_by_label("What the contributor needs to know").fill("The baby was seen by the health visitor twice.")
    page.get_by_label("Questions").fill("Who saw the bruise, and who was told?")
    fill_date(page, "due_date", due)
    press(page, "Send the request")
    assert "The request has been sent." in banner(page)
    asked = AgencyRequest.objects.get(case=case, purpose=AgencyRequest.Purpose.CHRONOLOGY)
    assert asked.contributor_id == health.pk and asked.due_date == due and asked.status == AgencyRequest.Status.OPEN
    returns = page.locator("#contributions + table")
    assert people["orgs"]["nhs_trust"].name in returns.inner_text() and govuk(due) in returns.inner_text()

    # Two weeks pass (to a working day) with no chronology: the daily run reminds and escalates.
    fortnight = today + datetime.timedelta(days=14)
    while not calendar.is_working_day(fortnight):
        fortnight += datetime.timedelta(days=1)
    with time_machine.travel(at_ten(fortnight), tick=True) as traveller:
        mail.outbox.clear()
        assert agency_requests_remind().sent == 1
        asked.refresh_from_db()
        assert asked.escalated_on == fortnight
        assert [m.to for m in mail.outbox if m.subject.startswith("Overdue: ")] == [[health.email]]
        assert [m.to for m in mail.outbox if m.subject.startswith("Late for a local review")] == [
            [people["icb"].email]  # an NHS trust's lateness goes to the ICB's decision maker
        ]

        # The contributor answers on their request page.
        signed_in(page, live_server, settings, health)
        visit(page, f"{base}/requests/{asked.pk}/")
        assert govuk(due) in page.locator("main").inner_text()
        page.get_by_label("Your agency's chronology").fill(
            "Chronology: 12 contacts from March to October; the bruise was seen on 3 October."
        )
        press(page, "Send to the partnership")
        assert "Thank you. Your chronology has been sent to the partnership." in banner(page)
        asked.refresh_from_db()
        assert asked.status == AgencyRequest.Status.ANSWERED
        assert asked.responded_at is not None and timezone.localdate(asked.responded_at) > asked.due_date

        # The review page shows the chronology as returned late.
        signed_in(page, live_server, settings, manager)
        visit(page, review_url)
        returned = page.locator("#contributions + table tbody tr").first
        assert returned.locator(".govuk-tag").inner_text() == "Returned late"
        assert "12 contacts" in returned.inner_text()

        # 3. A criminal investigation holds publication: the six-month clock is paused.
        statutory = six_month_clock(review)["statutory_due"]
        assert statutory is not None and six_month_clock(review)["status"] != "paused"
        follow(page, "Record a parallel process")
        choose(page, "Kind of process", "Criminal investigation")
        page.get_by_label("Lead contact").fill("DI Example, major crime")
        page.get_by_label("This process holds publication of the report").check()
        fill_date(page, "hold_from", fortnight)
        page.get_by_label("Why publication is held").fill("The CPS charging decision is awaited.")
        page.get_by_label("Who agreed the hold").fill("The review group with the police")
        press(page, "Record the process")
        assert "The process has been recorded." in banner(page)
        process = ParallelProcess.objects.get(review=review)
        assert process.kind == "criminal_investigation" and process.hold_from == fortnight and process.hold_in_force
        assert six_month_clock(review)["status"] == "paused"
        clock = page.locator(f"#clock-{LOCAL_REVIEW_CLOCK}")
        assert clock.locator(".govuk-tag").inner_text() == "Paused"
        clock.get_by_text("How this date was worked out").click()
        assert "Criminal investigation" in clock.locator(".cspr-explain").inner_text()
        held = page.locator(f"#process-{process.pk}")
        assert f"Held since {govuk(fortnight)}" in held.inner_text()

        # Three weeks later the hold is lifted: the clock runs again, 21 days later than it would have.
        traveller.shift(datetime.timedelta(days=21))
        lifted = timezone.localdate()
        signed_in(page, live_server, settings, manager)  # a new day, a new sign-in
        visit(page, review_url)
        follow(page, "Lift the hold for the criminal investigation")
        page.get_by_label("The process has concluded").check()
        press(page, "Lift the hold")
        assert "The hold has been lifted: the six-month clock runs again." in banner(page)
        process.refresh_from_db()
        assert process.hold_until == lifted - datetime.timedelta(days=1) and not process.hold_in_force
        assert process.status == ParallelProcess.Status.CONCLUDED
        row = six_month_clock(review)
        assert row["status"] != "paused" and row["statutory_due"] == statutory
        assert row["effective_due"] == statutory + datetime.timedelta(days=21)
        clock = page.locator(f"#clock-{LOCAL_REVIEW_CLOCK}")
        assert govuk(row["effective_due"]) in clock.inner_text()
        assert f"Held {govuk(fortnight)} to {govuk(lifted - datetime.timedelta(days=1))}" in held.inner_text()

        # 4. The trial will take longer still: the business manager asks for a delay ...
        paused_due = row["effective_due"]
        new_due = paused_due + datetime.timedelta(days=90)
        follow(page, "Ask for a delay")
        page.get_by_label("Why the review needs more time").fill("The criminal trial is listed for the spring.")
        fill_date(page, "new_due", new_due)
        press(page, "Ask the leadership group")
        assert "The delay has been asked for" in banner(page)
        delay = Delay.objects.get(review=review)
        assert delay.status == Delay.Status.REQUESTED and delay.new_due == new_due

        # ... and a decision maker approves it, with the dates the Panel and the Secretary of State were told.
        signed_in(page, live_server, settings, people["la"])
        visit(page, review_url)
        follow(page, "Decide on the requested delay")
        assert f"a new date of {govuk(new_due)}" in page.locator("main").inner_text()
        choose(page, "The leadership group's decision", "Approved")
        page.get_by_label("Who decided").fill("The leadership group, meeting of the three partners")
        fill_date(page, "panel_notified_on", lifted)
        fill_date(page, "secretary_of_state_notified_on", lifted)
        press(page, "Record the decision")
        assert "The decision on the delay has been recorded." in banner(page)
        delay.refresh_from_db()
        assert delay.status == Delay.Status.APPROVED and delay.decided_on == lifted
        assert delay.panel_notified_on == lifted and delay.secretary_of_state_notified_on == lifted
        row = six_month_clock(review)
        assert row["effective_due"] == new_due and row["statutory_due"] == statutory and row["extended"]
        due_cell = page.locator(f"#clock-{LOCAL_REVIEW_CLOCK} td").nth(1).inner_text()
        assert govuk(new_due) in due_cell and f"Statutory date: {govuk(statutory)}" in due_cell

        # 5. The decision maker makes a written request to the reviewer.
        mail.outbox.clear()
        follow(page, "Make a written request to the reviewer")
        page.get_by_label("Your request to the reviewer").fill("Please add the GP's view of the family.")
        press(page, "Send the request")
        assert "The request has been sent to the reviewer." in banner(page)
        written = WrittenRequest.objects.get(review=review)
        assert written.answered_at is None and written.asked_by_id == people["la"].pk
        assert [m.to for m in mail.outbox] == [[reviewer.email]]

        # The reviewer sees their review and nothing else: not the other review, not the case page.
        signed_in(page, live_server, settings, reviewer)
        visit(page, f"{base}/reviews/")
        listed = page.locator("main tbody tr")
        assert listed.count() == 1 and case.reference in listed.inner_text()
        assert someone_elses.case.reference not in page.locator("main").inner_text()
        visit(page, f"{base}/cases/{case.pk}/", status=404)
        visit(page, f"{base}/reviews/{someone_elses.pk}/", status=404)
        visit(page, f"{base}/reviews/")
        follow(page, f"{case.reference}: {case.pseudonym}")
        assert page.url == review_url
        main = page.locator("main").inner_text()
        assert "Parallel processes" not in main and "DI Example" not in main and "Timescales" not in main
        follow(page, "Answer this request")
        page.get_by_label("Your answer").fill("The GP's view is in section 4 of the next draft.")
        press(page, "Send your answer")
        assert "Your answer has been sent to the review group." in banner(page)
        written.refresh_from_db()
        assert written.answer == "The GP's view is in section 4 of the next draft." and written.answered_at

        # 6. The reviewer shares a draft, then submits the final report with three recommendations.
        follow(page, "Share a draft of the report")
        page.get_by_label("The draft report").fill("Draft one: what happened, and why.")
        press(page, "Share the draft")
        assert "The draft has been shared with the review group." in banner(page)
        assert state_tag(page) == "Draft report with the review group"
        review.refresh_from_db()
        assert review.state == ReviewState.DRAFT_REPORT

        follow(page, "Submit the final report and its recommendations")
        assert page.get_by_label("The final report").input_value() == "Draft one: what happened, and why."
        page.get_by_label("The final report").fill("The final report: what happened, and why.")
        page.get_by_label("Findings: why actions were or were not taken").fill("Information was not shared.")
        by = lifted + datetime.timedelta(days=180)
        recommendations = [
            ("Share injury reports with social care within a day", "NHS trust", by),
            ("Joint training on bruising in babies who cannot move", "The partnership", by),
            ("Audit strategy discussions each quarter", "Children's social care", by + datetime.timedelta(days=30)),
        ]
        for n, (what, owner, when) in enumerate(recommendations, start=1):
            page.get_by_label(f"Recommendation {n}: what must change").fill(what)
            page.get_by_label(f"Recommendation {n}: agency or partnership that owns it").fill(owner)
            fill_date(page, f"recommendations-{n - 1}-due_on", when)
        press(page, "Submit the final report")
        assert "The final report has been submitted for sign-off." in banner(page)
        final = review.report_versions.get(final=True)
        assert [(r.number, r.what, r.owner, r.due_on) for r in final.recommendations.all()] == [
            (n, what, owner, when) for n, (what, owner, when) in enumerate(recommendations, start=1)
        ]

        # A decision maker records the assurance group's sign-off.
        signed_in(page, live_server, settings, people["icb"])
        visit(page, review_url)
        follow(page, "Record the assurance group's sign-off")
        page.get_by_label("Who in the assurance group signed it off").fill("Assurance group: A, B and C")
        press(page, "Record the sign-off")
        assert "The final report has been signed off." in banner(page)
        review.refresh_from_db()
        assert review.state == ReviewState.SIGNED_OFF and review.signed_off_on == lifted

        # The business manager marks it ready to publish.
        signed_in(page, live_server, settings, manager)
        visit(page, review_url)
        press(page, "Mark the report ready to publish")
        assert "The report is ready to publish." in banner(page)
        assert state_tag(page) == "Ready to publish"
        review.refresh_from_db()
        assert review.state == ReviewState.READY_TO_PUBLISH
        table = page.locator("#report ~ .govuk-details table").first
        rows = table.locator("tbody tr")
        assert rows.count() == 3
        for n, (what, owner, when) in enumerate(recommendations):
            cells = rows.nth(n).locator("td").all_inner_texts()
            assert cells == [str(n + 1), what, owner, govuk(when)]
        assert "Signed off by Assurance group: A, B and C" in page.locator("#sign-off").inner_text()
