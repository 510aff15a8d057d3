"""The national Panel reads what was sent to it and nothing else, on the pages and in the documents: the rapid
review and first decision as sent, a later round only once its justification is sent, the attachments that
went with what was sent, never agency requests or the partnership's local clocks (DESIGN.md rule 1; docs/cases.md
"Who sees what"). The report sent is frozen: later downloads read exactly what was sent."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from docx import Document

from cspr.audit.models import AuditEvent
from cspr.cases import services
from cspr.cases.clocks import case_clocks
from cspr.cases.models import Attachment, Case, CaseState, PanelSending
from cspr.cases.services.attachments import attachment_add
from cspr.partnerships.roles import Role
from tests.api.test_cases_api import ANSWER, SHARED_FACTS, case_sent_to_panel
from tests.cases.conftest import notified_case
from tests.conftest import verified_client
from tests.documents.readers import docx_all_text, pdf_text

pytestmark = pytest.mark.django_db

ROUND_2_ADVICE = "ROUND-TWO-ADVICE-FROM-THE-SCRUTINEER"
ROUND_2_VOTE = "ROUND-TWO-VOTE-REASONS"
JUSTIFICATION = "JUSTIFICATION-FOR-THE-PANEL"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def challenge(chain: dict[str, Any], case: Case) -> Case:
    services.panel_response_record(
        actor=chain["panel"],
        case=case,
        response="challenge",
        national_review="no",
        responded_on=timezone.localdate(),
        reasons="Consider a national review",
    )
    case.refresh_from_db()
    return case


def second_round_decided(chain: dict[str, Any], case: Case) -> Case:
    services.decision_record_scrutineer_advice(actor=chain["scrutineer"], case=case, advice=ROUND_2_ADVICE)
    for who in ("la", "police", "icb"):
        services.decision_record_vote(
            actor=chain[who], case=case, option="local_review", rationale=f"{ROUND_2_VOTE} {who}"
        )
    case.refresh_from_db()
    return case


def page(user: Any, case: Case, path: str = "") -> str:
    response = verified_client(user).get(f"/cases/{case.pk}/{path}")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_after_a_challenge_the_panel_sees_no_second_round_until_the_justification_is_sent(chain):
    case = challenge(chain, case_sent_to_panel(chain))
    services.decision_record_scrutineer_advice(actor=chain["scrutineer"], case=case, advice=ROUND_2_ADVICE)
    services.decision_record_vote(actor=chain["la"], case=case, option="local_review", rationale=ROUND_2_VOTE)
    # Round 2 in progress: the Panel sees its challenge and the first round, nothing of the partners' meeting.
    seen = page(chain["panel"], case)
    assert "Consider a national review" in seen and "la agrees" in seen
    assert ROUND_2_ADVICE not in seen and ROUND_2_VOTE not in seen
    assert "Decision after the Panel challenge" not in seen
    assert "Decision makers (" not in seen  # not even who has still to vote
    for who in ("police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale=ROUND_2_VOTE)
    # Decided, not yet sent: still nothing.
    seen = page(chain["panel"], case)
    assert ROUND_2_VOTE not in seen and "Decision after the Panel challenge" not in seen
    # The partnership's own people follow the whole meeting.
    own = page(chain["auditor"], case)
    assert ROUND_2_ADVICE in own and ROUND_2_VOTE in own and "Decision after the Panel challenge" in own

    services.decision_send_justification(actor=chain["manager"], case=case, justification=JUSTIFICATION)
    # Sent: the outcome, kept or changed, and the justification; still not the votes or the advice.
    seen = page(chain["panel"], case)
    assert "Decision after the Panel challenge" in seen and JUSTIFICATION in seen and "Kept the decision" in seen
    assert ROUND_2_ADVICE not in seen and ROUND_2_VOTE not in seen


def test_the_panel_page_shows_no_agency_requests_and_no_local_clocks(chain):
    case = case_sent_to_panel(chain)
    seen = page(chain["panel"], case)
    assert SHARED_FACTS not in seen and ANSWER not in seen and "Agency summaries" not in seen
    assert 'id="clock-agency-summaries"' not in seen and 'id="clock-inform-partners"' not in seen
    assert 'id="clock-rapid-review"' in seen and 'id="clock-notify-panel"' in seen
    own = page(chain["manager"], case)
    assert ANSWER in own and 'id="clock-agency-summaries"' in own


def _attach(chain: dict[str, Any], case: Case, text: str) -> Attachment:
    return attachment_add(actor=chain["manager"], case=case, name=f"{text}.txt", data=text.encode())


def test_the_panel_downloads_only_the_attachments_that_went_with_what_was_sent(chain):
    manager, panel = chain["manager"], chain["panel"]
    case = services.case_open(actor=manager, partnership=chain["partnership"], summary="Sent with attachments")
    with_notification = _attach(chain, case, "with-the-notification")
    case.sent_to_panel_at = timezone.now()  # as notification_record_sent records it
    case.save(update_fields=["sent_to_panel_at"])
    later = _attach(chain, case, "added-after-sending")
    client = verified_client(panel)

    def panel_gets(attachment: Attachment) -> int:
        return client.get(f"/cases/{case.pk}/attachments/{attachment.pk}/").status_code

    assert panel_gets(with_notification) == 200 and panel_gets(later) == 404
    listed = page(panel, case)
    assert "with-the-notification.txt" in listed and "added-after-sending.txt" not in listed
    assert "added-after-sending.txt" in page(manager, case)
    assert verified_client(manager).get(f"/cases/{case.pk}/attachments/{later.pk}/").status_code == 200


def test_attachments_existing_when_the_rapid_review_is_sent_go_with_it_and_later_ones_do_not(chain):
    case = notified_case(chain)
    before = _attach(chain, case, "before-the-rapid-review")
    sent = case_sent_to_panel_continuing(chain, case)
    after = _attach(chain, sent, "after-the-rapid-review")
    client = verified_client(chain["panel"])
    assert client.get(f"/cases/{case.pk}/attachments/{before.pk}/").content == b"before-the-rapid-review"
    assert client.get(f"/cases/{case.pk}/attachments/{after.pk}/").status_code == 404
    assert PanelSending.objects.get(case=case).attachment_ids == [before.pk]


def case_sent_to_panel_continuing(chain: dict[str, Any], case: Case, *, family_told: bool = False) -> Case:
    """Take a notified case through the rapid review and a unanimous decision to the Panel; with ``family_told``
    the family was told first, by letter, with notes that must stay on the case."""
    from tests.cases.conftest import ALL_CRITERIA

    services.rapid_review_update(
        actor=chain["manager"],
        case=case,
        version=case.rapid_review.version,
        criteria=ALL_CRITERIA,
        sections={"recommendation": "local_review", "recommendation_reasons": "Agencies did not share"},
    )
    services.rapid_review_submit_for_decision(actor=chain["manager"], case=case)
    case.refresh_from_db()
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale=f"{who} agrees")
    if family_told:
        services.family_communication_record(
            actor=chain["manager"],
            case=case,
            told_on=timezone.localdate(),
            method="letter",
            told_by="Jo Bloggs, social worker",
            notes="FAMILY-PRIVATE-NOTES",
        )
    services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=timezone.localdate())
    case.refresh_from_db()
    return case


def test_the_report_sent_is_frozen_and_states_working_days_late_and_how_the_family_was_told(chain):
    # Notified 20 working days ago: the rapid review, due on working day 15, goes 5 working days late.
    case = notified_case(chain, aware_days_ago=22, sent_days_ago=20)
    case = case_sent_to_panel_continuing(chain, case, family_told=True)
    sending = PanelSending.objects.get(case=case, kind="rapid_review")
    rr_clock = next(k for k in case_clocks(case) if k.id == "rapid-review")
    assert rr_clock.working_days_late == 5

    panel, manager = verified_client(chain["panel"]), verified_client(chain["manager"])
    docx_sent = panel.get(f"/cases/{case.pk}/documents/rapid-review.docx").content
    pdf_sent = panel.get(f"/cases/{case.pk}/documents/rapid-review.pdf").content
    text = docx_all_text(docx_sent)
    assert "Met late: 5 working days late" in text
    assert "Signed off and sent to the Panel on" in text and "la agrees" in text
    assert "Jo Bloggs, social worker" in text and "Letter" in text
    assert "FAMILY-PRIVATE-NOTES" not in text  # the notes stay on the case
    assert "Met late: 5 working days late" in pdf_text(pdf_sent) and "Jo Bloggs" in pdf_text(pdf_sent)
    assert "Baby Example" not in text and "Baby Example" not in pdf_text(pdf_sent)
    assert sending.report_docx_sha256 == hashlib.sha256(docx_sent).hexdigest()
    # Stored encrypted: the columns hold Fernet tokens, never the document (PDF text is not compressed).
    with connection.cursor() as cursor:
        cursor.execute("SELECT report_docx, report_pdf FROM cases_panelsending WHERE id = %s", [sending.pk])
        stored_docx, stored_pdf = cursor.fetchone()
    assert stored_docx.startswith("gAAAAA") and stored_pdf.startswith("gAAAAA")
    assert not stored_pdf.startswith("%PDF") and "Jo Bloggs" not in stored_pdf

    # The case moves on: a challenge and a second round. The report read later is still the one sent.
    second_round_decided(chain, challenge(chain, case))
    for client in (panel, manager):
        assert client.get(f"/cases/{case.pk}/documents/rapid-review.docx").content == docx_sent
        assert client.get(f"/cases/{case.pk}/documents/rapid-review.pdf").content == pdf_sent
    assert ROUND_2_VOTE not in docx_all_text(docx_sent)


def test_a_sending_that_fails_freezes_nothing(chain, monkeypatch):
    case = notified_case(chain)
    from cspr.cases import documents

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(documents, "rapid_review_freeze", broken)
    with pytest.raises(RuntimeError):
        case_sent_to_panel_continuing(chain, case)
    case.refresh_from_db()
    assert case.state == CaseState.DECISION and case.rapid_review.sent_on is None
    assert not PanelSending.objects.exists()
    assert not AuditEvent.objects.filter(action="rapid_review.sent").exists()


# --- reads of personal data are audited ----------------------------------------------------------------------


def _reads(case: Case) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="case.viewed", object_id=str(case.pk)).order_by("seq"))


@pytest.mark.parametrize(
    # The notified case's notification was sent: its page with the children's details is the correction form.
    "path,page_name",
    [("notification/correct/", "notification"), ("rapid-review/", "rapid_review"), ("audit/", "audit")],
)
def test_each_view_of_a_page_with_personal_data_is_one_audited_read(chain, path, page_name):
    case = notified_case(chain)
    before = len(_reads(case))
    body = page(chain["manager"], case, path)
    if page_name == "notification":
        assert "Baby Example" in body  # the page does show personal data
    reads = _reads(case)[before:]
    assert [(e.actor_id, e.changes) for e in reads] == [(chain["manager"].pk, {"detail": {"page": page_name}})]
    assert "Baby Example" not in str(reads[0].changes) and "Fractured" not in str(reads[0].changes)


def test_a_refused_page_leaves_no_read_behind(chain):
    case = notified_case(chain)
    before = len(_reads(case))
    for path in ("notification/", "rapid-review/", "audit/"):
        assert verified_client(chain["panel"]).get(f"/cases/{case.pk}/{path}").status_code == 404
    assert len(_reads(case)) == before


# --- the audit trail page --------------------------------------------------------------------------------------


def test_the_audit_trail_is_shown_to_the_partnerships_own_people_only(chain, make_user, make_partnership):
    case = case_sent_to_panel(chain)
    for who in ("manager", "auditor"):
        body = page(chain[who], case, "audit/")
        for action in ("case.opened", "notification.sent", "decision.made", "rapid_review.sent"):
            assert action in body, (who, action)
    reviewer = make_user(Role.REVIEWER, chain["partnership"])
    outsider = make_user(Role.BUSINESS_MANAGER, make_partnership("Elsewhere"))
    for user in (chain["panel"], reviewer, chain["health"], outsider):
        assert verified_client(user).get(f"/cases/{case.pk}/audit/").status_code == 404


# --- the Panel takes a national review -------------------------------------------------------------------------


def test_the_panel_answering_national_review_yes_moves_the_case_to_a_national_review(chain):
    case = case_sent_to_panel(chain)
    today = timezone.localdate()
    panel = verified_client(chain["panel"])
    response = panel.post(
        f"/cases/{case.pk}/panel-response/",
        {
            "response": "agree",
            "national_review": "yes",
            "reasons": "",
            "responded_on-day": today.day,
            "responded_on-month": today.month,
            "responded_on-year": today.year,
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.state == CaseState.NATIONAL_REVIEW
    assert case.panel_responses.get().national_review == "yes"
    seen = page(chain["panel"], case)
    assert "National review by the Panel" in seen and "The Panel will carry out a national review" in seen
    assert "Respond to the rapid review" not in seen  # nothing more for the Panel to answer
    assert case.reference in panel.get("/panel/?state=national_review").content.decode()
    own = page(chain["manager"], case)
    assert "The Panel will carry out a national review" in own
    assert AuditEvent.objects.filter(action="panel.responded", object_id=str(case.pk)).count() == 1
    # A second response is an illegal move, not a silent no-op.
    again = panel.post(
        f"/cases/{case.pk}/panel-response/",
        {
            "response": "agree",
            "national_review": "no",
            "responded_on-day": today.day,
            "responded_on-month": today.month,
            "responded_on-year": today.year,
        },
    )
    assert again.status_code == 200 and "once the rapid review and decision have been sent" in again.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.NATIONAL_REVIEW


def test_the_report_read_back_from_the_page_names_no_child_and_has_the_case_content(chain):
    case = case_sent_to_panel(chain)
    body = verified_client(chain["panel"]).get(f"/cases/{case.pk}/documents/rapid-review.docx").content
    document = Document(io.BytesIO(body))
    assert document.core_properties.title == f"Rapid review {case.reference}: {case.pseudonym}"
    text = docx_all_text(body)
    assert "Agencies did not share" in text and ANSWER in text  # the agency summary is part of what was sent
    assert "Baby Example" not in text


def test_the_report_as_sent_survives_key_rotation_once_the_old_key_is_gone(chain, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command
    from django.test import override_settings

    case = case_sent_to_panel(chain)
    manager = verified_client(chain["manager"])
    sent = manager.get(f"/cases/{case.pk}/documents/rapid-review.pdf").content
    old, new = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        call_command("rotate_keys", stdout=io.StringIO())
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        assert manager.get(f"/cases/{case.pk}/documents/rapid-review.pdf").content == sent
