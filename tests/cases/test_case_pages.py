"""Every case page renders for the people who use it, with the case's own content, on the demo data."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import Any

import pypdfium2
import pytest
from docx import Document

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, RapidReviewAudit
from cspr.cases.services.rr_audit import CHECKLIST
from cspr.partnerships.demo import load_demo
from cspr.partnerships.models import User
from tests.conftest import built_once, verified_client
from tests.documents.readers import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The demo, loaded once for the module (tests/conftest.py built_once): each test's writes are undone."""
    with built_once(django_db_blocker, load_demo):
        yield


@pytest.fixture
def demo(_demo_loaded: None) -> dict[str, Case]:
    return {c.pseudonym + "@" + c.partnership.slug: c for c in Case.objects.select_related("partnership")}


def client(email: str):
    return verified_client(User.objects.get(email=f"{email}@demo.cspr.test"))


def test_demo_data_has_a_case_at_every_step(demo):
    """Every stage the state machine's table names, as a starting point or a destination, has a demo case:
    a stage added to the table without demo data fails here (issue 4: "cases at every step")."""
    from cspr.cases.state import TRANSITIONS

    stages = set(TRANSITIONS) | {move.to for moves in TRANSITIONS.values() for move in moves}
    missing = {str(s) for s in stages} - {c.state for c in demo.values()}
    assert not missing, f"no demo case at: {sorted(missing)}"


def test_demo_justification_went_back_to_the_panel_after_its_challenge(demo):
    from cspr.cases.models import Decision

    justified = [
        d for d in Decision.objects.filter(round=2, case__in=list(demo.values())) if d.justification and d.case
    ]
    assert justified, "no demo case whose partners sent their justification after a Panel challenge"
    assert {d.case.state for d in justified} == {"sent_to_panel"}


def test_business_manager_pages_render(demo):
    c = client("manager")
    for case in demo.values():
        if case.partnership.slug != "northshire-riverside":
            continue
        page = c.get(f"/cases/{case.pk}/")
        assert page.status_code == 200, case
        assert case.pseudonym in page.content.decode()
    referred = demo["Child A@northshire-riverside"]
    assert "Screen the referral" in c.get(f"/cases/{referred.pk}/screen/").content.decode()
    notifying = demo["Child B@northshire-riverside"]
    body = c.get(f"/cases/{notifying.pk}/notification/").content.decode()
    assert "Is it notifiable?" in body and "Demo Child Bee" in body
    assert c.get(f"/cases/{notifying.pk}/notification/sent/").status_code == 200
    rr_case = demo["Child C@northshire-riverside"]
    for path in (
        "rapid-review/",
        "rapid-review/requests/new/",
        "rapid-review/episodes/new/",
        "rapid-review/actions/new/",
    ):
        assert c.get(f"/cases/{rr_case.pk}/{path}").status_code == 200, path
    # Sent already: the page goes back to the case, which says why, rather than offer a form that must fail.
    again = c.get(f"/cases/{rr_case.pk}/notification/sent/", follow=True)
    assert again.redirect_chain[-1][0] == f"/cases/{rr_case.pk}/"
    assert "The notification has already been recorded as sent." in again.content.decode()
    detail = c.get(f"/cases/{rr_case.pk}/").content.decode()
    assert "Attendance fell to 82%" in detail and "How this date was worked out" in detail
    assert c.get("/cases/").status_code == 200 and c.get("/rapid-review-audits/").status_code == 200


def test_rapid_review_report_downloads_and_reads_back(demo):
    case = demo["Child F@northshire-riverside"]
    c = client("manager")
    docx = c.get(f"/cases/{case.pk}/documents/rapid-review.docx")
    assert docx.status_code == 200
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for t in document.tables for row in t.rows for cell in row.cells]
    )
    assert "Child F" in text and "unsafe sleep" in text and "Criteria a to c are met" in text
    pdf = c.get(f"/cases/{case.pk}/documents/rapid-review.pdf")
    pages = pypdfium2.PdfDocument(pdf.content)
    pdf_text = "".join(pages[i].get_textpage().get_text_range() for i in range(len(pages)))
    assert "Child F" in pdf_text and "Demo Child Eff" not in pdf_text  # the report names no child


# The family letter form as a business manager answers it (Word unless a test asks for PDF).
LETTER_ANSWERS = {
    "addressee": "Ms Demo Parent",
    "salutation": "Ms Parent",
    "partnership_address": "1 Town Hall",
    "child_first_name": "Eff",
    "rationale": "Services did not share what they knew.",
    "what_happens_next": "A reviewer will talk to you.",
    "contact_name": "Priya Shah",
    "contact_role": "Business manager",
    "contact_phone": "01234 567890",
    "contact_email": "",
    "fmt": "docx",
}


def test_family_letter_is_written_from_the_decision(demo):
    case = demo["Child F@northshire-riverside"]
    c = client("manager")
    form = c.get(f"/cases/{case.pk}/family-letter/")
    assert form.status_code == 200
    response = c.post(
        f"/cases/{case.pk}/family-letter/",
        LETTER_ANSWERS,
    )
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Dear Ms Parent" in text and "Eff" in text and "did not share" in text


def test_family_letter_pdf_reads_back_with_the_familys_words_and_no_jargon(demo):
    case = demo["Child F@northshire-riverside"]
    response = client("manager").post(
        f"/cases/{case.pk}/family-letter/",
        {**LETTER_ANSWERS, "partnership_address": "1 Town Hall\nNorthshire", "fmt": "pdf"},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Dear Ms Parent," in text and "Ms Demo Parent" in text and "1 Town Hall" in text
    assert "Eff" in text and "Services did not share what they knew." in text and "Priya Shah" in text
    assert f"{case.reference} (Child F)" in text and "Demo Child Eff" not in text
    assert "regulation" not in text.lower()
    download = AuditEvent.objects.filter(action="document.downloaded", object_id=str(case.pk)).latest("seq")
    assert download.changes == {"detail": {"document": "family-letter", "format": "pdf"}}


def _start_audit(c: Any) -> Any:
    """Start an audit of the rapid reviews sent since 1 January last year, sampling five."""
    today = datetime.date.today()
    return c.post(
        "/rapid-review-audits/",
        {
            "period_start-day": 1,
            "period_start-month": 1,
            "period_start-year": today.year - 1,
            "period_end-day": today.day,
            "period_end-month": today.month,
            "period_end-year": today.year,
            "sample_size": 5,
        },
    )


def test_rapid_review_audit_summary_reads_back_the_scores_given_on_the_pages(demo):
    c = client("manager")
    _start_audit(c)
    audit = RapidReviewAudit.objects.get()
    items = list(audit.items.select_related("case"))
    assert items, "the demo has rapid reviews sent in the period"
    scored, unscored = items[0], items[1:]
    scores = {f"score_{key}": "met" for key, _ in CHECKLIST} | {"score_on_time": "not_met"}
    response = c.post(
        f"/rapid-review-audits/{audit.pk}/items/{scored.pk}/", {**scores, "comment": "Sent two days late"}
    )
    assert response.status_code == 302
    pdf = c.get(f"/rapid-review-audits/{audit.pk}/summary.pdf")
    text = pdf_text(pdf.content)
    assert scored.case.reference in text and scored.case.pseudonym in text and "Sent two days late" in text
    assert "Not met" in text
    assert all(item.case.reference not in text for item in unscored)  # only what was scored is reported
    rows = [
        row
        for table in Document(io.BytesIO(c.get(f"/rapid-review-audits/{audit.pk}/summary.docx").content)).tables
        for row in table.rows
    ]
    cells = [[cell.text for cell in row.cells] for row in rows]
    assert ["On time", "0", "0", "1", "0%"] in cells
    assert [scored.case.reference, scored.case.pseudonym, *(["Met"] * 5), "Not met", "Sent two days late"] in cells
    # The auditor reads it; the Panel does not.
    assert client("auditor").get(f"/rapid-review-audits/{audit.pk}/summary.pdf").status_code == 200
    assert client("panel").get(f"/rapid-review-audits/{audit.pk}/summary.pdf").status_code == 404


def test_decision_makers_and_scrutineer_see_their_forms(demo):
    assert (
        client("icb.decider").get(f"/cases/{demo['Child D@northshire-riverside'].pk}/decision/vote/").status_code == 200
    )
    page = client("scrutineer").get(f"/cases/{demo['Child E@northshire-riverside'].pk}/")
    assert "Advise the decision makers" in page.content.decode()


def test_panel_sees_only_what_was_sent_and_filters(demo):
    panel = client("panel")
    inbox = panel.get("/panel/").content.decode()
    assert "Child F" in inbox and "Child G" in inbox
    assert "Child B" not in inbox  # notification not yet sent
    referred = demo["Child A@northshire-riverside"]
    assert panel.get(f"/cases/{referred.pk}/").status_code == 404
    rr_running = demo["Child C@northshire-riverside"]
    body = panel.get(f"/cases/{rr_running.pk}/").content.decode()
    assert "Demo Child Cee" not in body and "Attendance fell" not in body  # no names, no agency summaries
    overdue = panel.get("/panel/?overdue=on").content.decode()
    assert "Eastbury" in overdue and "Child F" not in overdue
    assert "Child A" in panel.get("/panel/?partnership=eastbury").content.decode()
    assert panel.get(f"/cases/{demo['Child F@northshire-riverside'].pk}/panel-response/").status_code == 200


def test_contributor_sees_only_their_request(demo):
    health = client("health.contributor")
    listing = health.get("/cases/").content.decode()
    assert "Request" in listing
    case = demo["Child C@northshire-riverside"]
    assert health.get(f"/cases/{case.pk}/").status_code == 404
    request_id = case.agency_requests.get(contributor__email="health.contributor@demo.cspr.test").pk
    page = health.get(f"/requests/{request_id}/").content.decode()
    assert "head injury" in page and "Demo Child Cee" not in page
    other = case.agency_requests.get(contributor__email="school.contributor@demo.cspr.test").pk
    assert health.get(f"/requests/{other}/").status_code == 404


def test_calendar_export_has_the_case_milestones(demo):
    case = demo["Child C@northshire-riverside"]
    ics = client("manager").get(f"/cases/{case.pk}/calendar.ics").content.decode()
    assert "BEGIN:VCALENDAR" in ics and "Send the rapid review to the Panel" in ics
    assert "Demo Child Cee" not in ics


def test_rapid_review_audit_pages(demo):
    c = client("manager")
    response = _start_audit(c)
    assert response.status_code == 302
    audit = RapidReviewAudit.objects.get()
    assert c.get(f"/rapid-review-audits/{audit.pk}/").status_code == 200
    item = audit.items.first()
    assert c.get(f"/rapid-review-audits/{audit.pk}/items/{item.pk}/").status_code == 200
    assert c.get(f"/rapid-review-audits/{audit.pk}/summary.pdf").status_code == 200


def test_home_shows_what_is_due_next_soonest_first(demo):
    body = client("manager").get("/home/").content.decode()
    assert 'id="deadlines"' in body
    table = body.split('id="deadlines"')[1].split("</table>")[0]
    assert "Child B" in table and "Notify the Child Safeguarding Practice Review Panel" in table


def test_contributor_home_lists_requests_waiting(demo):
    body = client("health.contributor").get("/home/").content.decode()
    assert "Answer the request for information" in body and "Child C" in body  # in the task list (issue 12)


def test_a_case_closed_without_a_rapid_review_shows_its_clock_as_not_required_with_the_reason(demo):
    """A care leaver's death notified and closed: the rapid review clock must not run on, as if owed."""
    import re

    closed = next(c for c in demo.values() if c.state == "closed")
    page = client("eastbury.manager" if closed.partnership.slug == "eastbury" else "manager").get(
        f"/cases/{closed.pk}/"
    )
    html = page.content.decode()
    row = re.search(r'<tr class="govuk-table__row" id="clock-rapid-review">(.*?)</tr>', html, re.S)
    assert row, "the rapid review clock is listed"
    assert "Not required" in row.group(1) and "Running" not in row.group(1) and "to go" not in row.group(1)
    assert "the notification needs no rapid review" in row.group(1)
    assert 'id="clock-notify-panel"' in html and "Met" in html  # what was owed is still shown as done
