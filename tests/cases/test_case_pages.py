"""Every case page renders for the people who use it, with the case's own content, on the demo data."""

from __future__ import annotations

import io

import pypdfium2
import pytest
from docx import Document

from cspr.cases.models import Case, RapidReviewAudit
from cspr.partnerships.demo import load_demo
from cspr.partnerships.models import User
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_demo()
    return {c.pseudonym + "@" + c.partnership.slug: c for c in Case.objects.select_related("partnership")}


def client(email: str):
    return verified_client(User.objects.get(email=f"{email}@demo.cspr.test"))


def test_demo_data_has_a_case_at_every_step(demo):
    states = {c.state for c in demo.values()}
    assert {
        "referred",
        "notification",
        "rapid_review",
        "decision",
        "sent_to_panel",
        "panel_challenged",
        "local_review",
        "learning_review",
    } <= states


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
    rr_case = demo["Child C@northshire-riverside"]
    for path in (
        "rapid-review/",
        "rapid-review/requests/new/",
        "rapid-review/episodes/new/",
        "rapid-review/actions/new/",
        "notification/sent/",
    ):
        assert c.get(f"/cases/{rr_case.pk}/{path}").status_code == 200, path
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


def test_family_letter_is_written_from_the_decision(demo):
    case = demo["Child F@northshire-riverside"]
    c = client("manager")
    form = c.get(f"/cases/{case.pk}/family-letter/")
    assert form.status_code == 200
    response = c.post(
        f"/cases/{case.pk}/family-letter/",
        {
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
        },
    )
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Dear Ms Parent" in text and "Eff" in text and "did not share" in text


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
    import datetime

    today = datetime.date.today()
    response = c.post(
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
    assert "Requests for information waiting for you" in body and "Child C" in body
