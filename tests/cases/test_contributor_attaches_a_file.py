"""An agency contributor attaches a file to their answer (issue 12, item 3): through the one upload gate, stored
encrypted like the notification's attachments, read by the partnership's own people with the answer and never
sent to the Panel; a hostile file is refused with nothing stored and the answer not sent."""

from __future__ import annotations

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.cases import services
from cspr.cases.models import AgencyRequest, Attachment, PanelSending
from tests.cases.conftest import health_request, notified_case
from tests.conftest import verified_client
from tests.fixtures import hostile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def _answer(client, item, **extra):
    return client.post(f"/requests/{item.pk}/", {"response": "We saw the family twice.", **extra})


def test_a_contributors_file_is_stored_encrypted_with_the_answer_and_read_by_the_partnership(chain, media):
    case = notified_case(chain)
    item = health_request(chain, case)
    data = hostile.good_docx()
    response = _answer(verified_client(chain["health"]), item, file=SimpleUploadedFile("chronology.docx", data))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == AgencyRequest.Status.ANSWERED
    attachment = Attachment.objects.get(agency_request=item)
    assert attachment.case_id == case.pk and attachment.uploaded_by == chain["health"]
    stored = (media / attachment.storage_name).read_bytes()
    assert stored != data and b"word/document.xml" not in stored  # encrypted at rest
    event = AuditEvent.objects.get(action="agency_request.file_attached")
    assert event.changes["after"]["attachment"] == attachment.pk and "chronology" not in str(event.changes)

    manager = verified_client(chain["manager"])
    page = unescape(manager.get(f"/cases/{case.pk}/").content.decode())
    assert "chronology.docx" in page and f"/cases/{case.pk}/attachments/{attachment.pk}/" in page
    assert manager.get(f"/cases/{case.pk}/attachments/{attachment.pk}/").content == data
    # The contributor sees what they sent; the Panel never gets the agency's file.
    mine = unescape(verified_client(chain["health"]).get(f"/requests/{item.pk}/").content.decode())
    assert "chronology.docx" in mine
    assert verified_client(chain["panel"]).get(f"/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 404


def test_the_agencys_file_is_not_part_of_what_is_sent_to_the_panel(chain, media):
    from tests.cases.conftest import ALL_CRITERIA

    case = notified_case(chain)
    services.agency_request_respond(
        actor=chain["health"],
        agency_request=health_request(chain, case),
        response="Summary",
        file_name="chronology.docx",
        file_data=hostile.good_docx(),
    )
    services.attachment_add(actor=chain["manager"], case=case, name="minutes.docx", data=hostile.good_docx())
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
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale="r")
    case.refresh_from_db()
    services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=timezone.localdate())
    sent = set(PanelSending.objects.get(case=case).attachment_ids)
    agency_file = Attachment.objects.get(agency_request__isnull=False)
    notification_file = Attachment.objects.get(agency_request__isnull=True)
    assert agency_file.pk not in sent and notification_file.pk in sent


@pytest.mark.parametrize("item", [h for h in hostile.CORPUS if h.name.endswith((".docx", ".pdf", ".txt"))][:6])
def test_a_hostile_file_is_refused_with_nothing_stored_and_the_answer_not_sent(chain, media, item):
    case = notified_case(chain)
    request = health_request(chain, case)
    response = _answer(verified_client(chain["health"]), request, file=SimpleUploadedFile(item.name, item.make()))
    body = unescape(response.content.decode())
    assert response.status_code in {200, 413}, item
    assert "There is a problem" in body and "We saw the family twice." in body  # what was typed is kept
    request.refresh_from_db()
    assert request.status == AgencyRequest.Status.OPEN and request.response == ""
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))
    assert not AuditEvent.objects.filter(
        action__in=["agency_request.answered", "agency_request.file_attached", "attachment.added"]
    ).exists()


def test_only_the_named_contributor_may_attach(chain, media):
    from cspr.core.errors import NotFound

    case = notified_case(chain)
    item = health_request(chain, case)
    with pytest.raises(NotFound):
        services.agency_request_respond(
            actor=chain["health2"],
            agency_request=item,
            response="Not mine",
            file_name="x.docx",
            file_data=hostile.good_docx(),
        )
    assert not Attachment.objects.exists() and not any(p.is_file() for p in media.rglob("*"))
