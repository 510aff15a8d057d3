"""Notification attachments: checked by content before storing, encrypted at rest, served only to those who
may see the case, and every download audited."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from cspr.audit.models import AuditEvent
from cspr.cases.models import Attachment
from tests.cases.conftest import notified_case
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def _docx_bytes(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def test_a_word_document_is_attached_encrypted_and_downloaded_with_an_audit_event(chain, media):
    case = notified_case(chain)
    client = verified_client(chain["manager"])
    data = _docx_bytes("Strategy meeting minutes for Baby Example")
    response = client.post(
        f"/cases/{case.pk}/attachments/new/",
        {"file": SimpleUploadedFile("minutes.docx", data), "description": "Strategy meeting minutes"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=case)
    stored = (media / attachment.storage_name).read_bytes()
    assert stored != data and b"Baby Example" not in stored and b"minutes" not in stored
    download = client.get(f"/cases/{case.pk}/attachments/{attachment.pk}/")
    assert download.content == data
    assert "minutes.docx" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action="attachment.downloaded").count() == 1


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_stored(chain, media):
    case = notified_case(chain)
    client = verified_client(chain["manager"])
    body = client.post(
        f"/cases/{case.pk}/attachments/new/",
        {"file": SimpleUploadedFile("report.pdf", b"MZ\x90\x00 an executable pretending to be a PDF")},
    ).content.decode()
    assert "must be a PDF, Word document, PNG, JPEG or plain text file" in body
    assert not Attachment.objects.exists()
    assert not list((media).rglob("*")) or not any(p.is_file() for p in media.rglob("*"))


def test_other_partnerships_and_contributors_cannot_download(chain, make_partnership, make_user, media):
    from cspr.cases.services import attachment_add
    from cspr.partnerships.roles import Role

    case = notified_case(chain)
    attachment = attachment_add(actor=chain["manager"], case=case, name="note.txt", data=b"plain note")
    outsider = make_user(Role.BUSINESS_MANAGER, make_partnership())
    assert verified_client(outsider).get(f"/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 404
    assert verified_client(chain["health"]).get(f"/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 404
    # Added after the notification was sent, and not yet sent with the rapid review: not the Panel's to read
    # (tests/cases/test_panel_sees_what_was_sent.py follows it until it is sent).
    assert verified_client(chain["panel"]).get(f"/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 404
    assert default_storage.exists(attachment.storage_name)
