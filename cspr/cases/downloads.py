"""How a generated document or an attached file leaves the service, for the pages and the API alike: the
download is audited with the reader, never the content, and the file name is made safe for the header
(DESIGN.md rule 6). Whether the reader may have the file is decided before, by the caller's selectors."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse

from cspr.audit.services import audit_record
from cspr.cases import services
from cspr.cases.models import Attachment, Case, RapidReviewAudit
from cspr.core.uploads import TEXT, download_name

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def file_response(body: bytes, content_type: str, filename: str) -> HttpResponse:
    """The bytes with their stored type, always as a download (``attachment``: a browser never renders an
    uploaded file as a page of this site), ``nosniff`` so the type is not second-guessed, and a name that is
    safe for the header and ends in the stored type's extension."""
    served_type = f"{TEXT.mime}; charset=utf-8" if content_type == TEXT.mime else content_type
    response = HttpResponse(body, content_type=served_type)
    name = download_name(filename, content_type)
    ascii_name = "".join(ch for ch in name if ch.isascii() and (ch.isalnum() or ch in "._- "))[-120:].strip() or "file"
    disposition = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        disposition += f"; filename*=UTF-8''{quote(name[-120:], safe='')}"
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_download(
    request: HttpRequest, *, target: Case | RapidReviewAudit, document: str, fmt: str, body: bytes, filename: str
) -> HttpResponse:
    """Audit the download of a generated document (``fmt`` docx or pdf) and answer with it."""
    audit_record(
        actor=request.user,
        action="document.downloaded",
        partnership=target.partnership_id,
        target=target,
        detail={"document": document, "format": fmt},
        request=request,
    )
    return file_response(body, CONTENT_TYPES[fmt], filename)


def attachment_download(request: HttpRequest, *, case: Case, attachment: Attachment) -> HttpResponse:
    """Decrypt an attachment the reader may see, audit the download and answer with it as uploaded."""
    body = services.attachment_read(attachment)
    audit_record(
        actor=request.user,
        action="attachment.downloaded",
        partnership=case.partnership_id,
        target=case,
        detail={"attachment": attachment.pk},
        request=request,
    )
    return file_response(body, attachment.content_type, attachment.original_name)
