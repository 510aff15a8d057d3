"""Publishing a signed-off report in a real browser (Debian chromium through Playwright), by its pages as the
business manager uses them (issue 14, DOMAIN.md step 10): marking it ready, the plan, the pseudonym register, the
three copies and the 7-working-day rule refusing an early date, the redaction check with findings replaced and
kept, publishing, the partnership's public page read signed out with the published PDF read back, and the copy
to the NSPCC repository. Every page visited is checked with axe (WCAG 2.2 AA).

Only the starting point (a report the assurance group signed off, whose text holds the child's name, a brother,
an address, a phone number and an e-mail address) is made in Python: everything of publication is done on the
pages. The clock is fixed: the copies go on a Monday, the report is published 7 working days later."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from cspr.cases.clocks import case_calendar, clock_rows
from cspr.library.extract import extract_bytes
from cspr.reviews import publication
from cspr.reviews.models import Publication, PublicationCopy, RedactionFinding, ReviewState
from tests.reviews.test_browser_review import at_ten, banner, choose, fill_date, follow, govuk, press, state_tag, visit
from tests.reviews.test_publication import normalised, signed_off_review
from tests.web.test_browser_pagination import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENT = datetime.date(2026, 3, 2)  # a Monday in term time, no bank holiday near: the sign-off and the copies
KEPT = "mum.example@example.com"  # the finding the business manager keeps on purpose
COPIES = (
    "The Child Safeguarding Practice Review Panel",
    "The Secretary of State for Education",
    "Ofsted",
)
NSPCC = "The NSPCC national case review repository"


def main_text(page: Any) -> str:
    return str(page.locator("main").inner_text())


def error_summary(page: Any) -> Any:
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "There is a problem" in summary.inner_text()
    return summary


def pdf_text(data: bytes) -> str:
    """The PDF read back with the library's extractor, independent of the writer."""
    return normalised(" ".join(b.text for b in extract_bytes(data, name="report.pdf").blocks))


def findings_on_page(page: Any) -> dict[int, str]:
    """Finding number -> the words found, as the redaction page's fieldsets show them."""
    shown: dict[int, str] = {}
    for legend in page.locator("main fieldset legend").all_inner_texts():
        number, _, words = legend.removeprefix("Finding ").partition(": ")
        shown[int(number)] = words.strip().strip("“”")
    return shown


def group(page: Any, number: int) -> Any:
    """A finding's form group, by the number its legend shows (its id is the finding's own id)."""
    return page.locator(".govuk-form-group").filter(has=page.locator("legend", has_text=f"Finding {number}:"))


def decide(page: Any, number: int, answer: str) -> None:
    group(page, number).get_by_label(answer, exact=True).check()


def test_a_signed_off_report_is_published_by_its_pages_after_7_working_days_with_findings_replaced_and_kept(
    live_server: Any, page: Any, browser: Any, settings: Any, people: dict[str, Any]
) -> None:
    base = live_server.url
    manager, reviewer = people["manager"], people["reviewer"]
    with time_machine.travel(at_ten(SENT), tick=True) as traveller:
        review = signed_off_review(people)
        case = review.case
        review_url = f"{base}/reviews/{review.pk}/"
        plan_url = f"{review_url}publication/"

        # 1. The business manager marks the signed-off report ready to publish, and opens its publication.
        signed_in(page, live_server, settings, manager)
        visit(page, review_url)
        assert state_tag(page) == "Final report signed off"
        press(page, "Mark the report ready to publish")
        assert "The report is ready to publish." in banner(page) and state_tag(page) == "Ready to publish"
        follow(page, "Publishing the review")
        assert page.url == plan_url and "Not planned yet." in main_text(page)

        # 2. The plan: the full report, with the reviewer's name the page offers.
        follow(page, "Plan the publication")
        choose(page, "What will be published", "The full report")
        assert page.get_by_label("Reviewer's name, as the published report gives it").input_value() == (
            reviewer.full_name
        )
        press(page, "Save the plan")
        assert page.url == plan_url
        assert "The publication plan is saved and the text has been checked for personal data." in banner(page)
        assert page.locator("#plan-mode").inner_text() == "The full report"
        plan = Publication.objects.get(review=review)
        assert plan.mode == Publication.Mode.FULL and plan.reviewer_name == reviewer.full_name
        assert plan.title == f"{case.pseudonym}: local child safeguarding practice review"
        register = page.locator("#pseudonyms").inner_text()
        assert "Baby Example" in register and case.pseudonym in register  # from the case, without typing

        # 3. The brother's name goes into the pseudonym register; the text is checked again.
        follow(page, "Add a family member, school, address or other detail")
        page.get_by_label("What kind of detail").select_option(label="A family member or other person")
        page.get_by_label("The name or detail, as the report might write it").fill("Tom Example")
        page.get_by_label("What the published report says instead").fill("Sibling 1")
        press(page, "Add it and check the text again")
        assert "The register is updated and the text has been checked again." in banner(page)
        rows = page.locator("#pseudonyms tbody tr")
        assert rows.last.locator("td").all_inner_texts() == [
            "Tom Example",
            "A family member or other person",
            "Sibling 1",
        ]
        found = {f.text: f for f in plan.findings.all()}
        assert found["Tom Example"].replacement == "Sibling 1"
        assert any(KEPT in t for t in found) and any("07700 900123" in t for t in found)

        # 4. The copies to the Panel, the Secretary of State and Ofsted, all sent today: then the earliest date.
        for n, recipient in enumerate(COPIES, start=1):
            assert "The earliest publication date is worked out once every copy is sent." in main_text(page)
            follow(page, "Record a copy sent")
            choose(page, "Sent to", recipient)
            choose(page, "What was sent", "The full report")
            fill_date(page, "sent_on", SENT)
            choose(page, "How it was sent", "Secure e-mail")
            press(page, "Record the copy")
            assert page.url == plan_url and "The copy has been recorded." in banner(page)
            assert page.locator("#copies + table tbody tr").count() == n
        assert page.locator("#missing-copies").count() == 0
        assert list(plan.copies.values_list("recipient", "what", "sent_on", "how")) == [
            (r, PublicationCopy.What.FULL_REPORT, SENT, PublicationCopy.How.SECURE_EMAIL)
            for r in ("panel", "secretary_of_state", "ofsted")
        ]
        earliest = publication.earliest_date(plan)
        assert earliest is not None
        calendar = case_calendar(case)
        between = [
            SENT + datetime.timedelta(days=d)
            for d in range(1, (earliest - SENT).days)
            if calendar.is_working_day(SENT + datetime.timedelta(days=d))
        ]
        assert len(between) >= 6 and calendar.is_working_day(earliest)  # 7 working days on, not calendar days
        assert f"The earliest publication date is {govuk(earliest)}" in page.locator("#earliest").inner_text()

        # 5. The redaction check: one finding is left undecided on the first try; the summary names it.
        assert "Before it can be published: Check the text for personal data" in main_text(page)
        assert page.get_by_role("button", name="Publish the report", exact=True).count() == 0
        follow(page, "Check the text for personal data")
        shown = findings_on_page(page)
        assert shown == {f.number: f.text for f in plan.findings.all()}
        kept = next(n for n, words in shown.items() if KEPT in words)
        accepted = {n: words for n, words in shown.items() if n != kept}
        assert any("Baby Example" in w for w in accepted.values()) and "Tom Example" in accepted.values()
        for n in accepted:
            decide(page, n, "Replace it")
        press(page, "Save the check")
        summary = error_summary(page)
        assert page.title().startswith("Error: ")
        links = summary.get_by_role("link")
        assert links.all_inner_texts() == [f"Choose whether to replace or keep finding {kept}"]
        assert links.first.get_attribute("href") == f"#finding_{plan.findings.get(number=kept).pk}"
        assert f"Choose whether to replace or keep finding {kept}" in group(page, kept).inner_text()
        for n in accepted:  # what was chosen is kept on the page
            assert group(page, n).get_by_label("Replace it", exact=True).is_checked(), n
        assert not plan.findings.exclude(decision=RedactionFinding.Decision.PENDING).exists()
        plan.refresh_from_db()
        assert plan.redaction_checked_at is None
        # ... then the e-mail address is kept and the check is saved.
        decide(page, kept, "Keep it")
        press(page, "Save the check")
        assert page.url == plan_url and "The redaction check is saved." in banner(page)
        counts = page.locator("#finding-counts").inner_text()
        assert f"{len(shown)} possible pieces of personal data found: {len(accepted)} to replace, 1 to keep" in counts
        assert f"Checked by {manager.full_name}" in counts
        decisions = dict(plan.findings.values_list("number", "decision"))
        assert decisions == {n: ("rejected" if n == kept else "accepted") for n in shown}
        assert set(plan.findings.values_list("decided_by", flat=True)) == {manager.pk}

        # 6. Publishing today, the day the copies went, is refused: the page names the earliest date.
        press(page, "Publish the report")
        assert f"The earliest publication date is {govuk(earliest)}" in main_text(page)
        fill_date(page, "published_on", SENT)
        press(page, "Publish the report")
        refusal = f"it can be published on {govuk(earliest)} at the earliest"
        assert refusal in error_summary(page).inner_text()
        assert refusal in page.locator(".govuk-error-message").inner_text()
        review.refresh_from_db()
        plan.refresh_from_db()
        assert review.state == ReviewState.READY_TO_PUBLISH and plan.published_on is None

        # 7. On the earliest date, the day before it is still refused; the earliest date itself is allowed.
        traveller.move_to(at_ten(earliest))
        assert timezone.localdate() == earliest
        signed_in(page, live_server, settings, manager)  # a new day, a new sign-in
        visit(page, plan_url)
        press(page, "Publish the report")
        fill_date(page, "published_on", earliest - datetime.timedelta(days=1))
        press(page, "Publish the report")
        assert refusal in error_summary(page).inner_text()
        plan.refresh_from_db()
        assert plan.published_on is None
        fill_date(page, "published_on", earliest)
        press(page, "Publish the report")
        assert page.url == plan_url
        assert "The report is published on the partnership's public page and in the library." in banner(page)
        assert state_tag(page) == "Published"
        assert page.locator("#published-on").inner_text() == govuk(earliest)
        review.refresh_from_db()
        plan.refresh_from_db()
        assert review.state == ReviewState.PUBLISHED and plan.published_on == earliest

        # 8. The public page, signed out in a fresh browser: the report with the reviewer's name and its date.
        public_url = f"{base}/public/{case.partnership.slug}/"
        assert (
            page.get_by_role("link", name="The partnership's public page of published reviews").get_attribute("href")
            == f"/public/{case.partnership.slug}/"
        )
        public = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            reader = public.new_page()
            visit(reader, public_url)
            listed = reader.locator("#published-reviews > li")
            assert listed.count() == 1
            entry = listed.first.inner_text()
            assert plan.title in entry
            assert f"Full report. Reviewer: {reviewer.full_name}. Published {govuk(earliest)}." in entry
            assert "Baby Example" not in main_text(reader)
            with reader.expect_download() as downloading:
                reader.get_by_role("link", name=f"Download {plan.title} (PDF)", exact=True).click()
            download = downloading.value
            path = download.path()
            assert path is not None
            with open(path, "rb") as file:
                published_pdf = file.read()
        finally:
            public.close()
        assert plan.published_file is not None
        assert published_pdf.startswith(b"%PDF") and published_pdf == bytes(plan.published_file)
        text = pdf_text(published_pdf)
        for n, words in accepted.items():
            assert normalised(words) not in text, (n, words)
        assert "Baby Example" not in text and "Tom Example" not in text and "07700 900123" not in text
        assert KEPT in text and "Sibling 1" in text and case.pseudonym in text
        assert reviewer.full_name in text

        # 9. The copy to the NSPCC repository is recorded: its milestone is met.
        nspcc = next(r for r in clock_rows(case) if r["id"] == "nspcc-copy")
        assert nspcc["status"] != "met"
        follow(page, "Record the copy sent to the NSPCC repository or Ofsted")
        assert page.get_by_role("group", name="What was sent").count() == 0  # it is the published report
        choose(page, "Sent to", NSPCC)
        fill_date(page, "sent_on", earliest)
        choose(page, "How it was sent", "The recipient's upload portal")
        press(page, "Record the copy")
        assert page.url == plan_url and "The copy has been recorded." in banner(page)
        last = page.locator("#copies + table tbody tr").last.locator("td").all_inner_texts()
        assert last == [NSPCC, "The published report", govuk(earliest), "The recipient's upload portal"]
        copy = plan.copies.get(recipient=PublicationCopy.Recipient.NSPCC)
        assert copy.what == PublicationCopy.What.PUBLISHED and copy.sent_on == earliest
        nspcc = next(r for r in clock_rows(case) if r["id"] == "nspcc-copy")
        assert nspcc["status"] == "met"

        # 10. The review page says it is published.
        follow(page, "Back to the review")
        assert page.url == review_url and state_tag(page) == "Published"
        assert "The report is published." in page.locator("#publication + p").inner_text()
        follow(page, "See the publication")
        assert page.url == plan_url
