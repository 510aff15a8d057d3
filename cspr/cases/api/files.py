"""Documents, attachments and the case's history: the files of the case pages, through the same selectors,
services and audit events as the pages (DESIGN.md rules 1, 2 and 6).

- The rapid review report (Word or PDF): the partnership's own people, and the Panel once it was sent to it.
  Once sent, every download is the copy frozen at the sending (cspr/cases/documents.py), not a rebuild.
- The family letter (Word or PDF): the partnership's own people, once the partners have decided.
- The rapid review audit summary: those who read the audit (business managers, auditors, scrutineers).
- Attachments: listed and downloaded by those who see the case (the Panel only those sent to it), uploaded
  by business managers through ``attachment_add``, which checks the file's content before storing it.
- The history (audit trail): the partnership's own people, never the Panel.

Every download and every read of the history is audited, with the reader, never the content.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import File, Form, UploadedFile

from cspr.cases import documents, downloads, selectors, services
from cspr.cases.api.common import (
    AUDITS,
    FILES,
    answers,
    attachment_out,
    case_for,
    file_answer,
    history_event_out,
    refusals,
    router,
    whole_case_for,
)
from cspr.cases.api.schemas import AttachmentOut, DocumentFormat, ErrorOut, FamilyLetterIn, HistoryEventOut
from cspr.cases.visibility import Action, case_policy
from cspr.core import uploads
from cspr.core.errors import IllegalTransition, NotAllowed, NotFound, ValidationFailed
from cspr.partnerships.types import AuthedRequest

HISTORY_LIMIT = 500


def too_large_answer(exc: uploads.UploadTooLarge) -> tuple[int, dict[str, Any]]:
    """413 with the same JSON body as every other refusal (cspr/api/api.py)."""
    return 413, {"detail": exc.message, "field_errors": exc.field_errors}


def cut_off_answer(request: AuthedRequest, limit: int) -> tuple[int, dict[str, Any]] | None:
    """413 when the body was stopped while it streamed in, being larger than any upload may be."""
    if not uploads.upload_cut_off(request):
        return None
    message = f"The selected file must be smaller than {uploads.megabytes(limit)}"
    return 413, {"detail": message, "field_errors": {"file": message}}


@router.get(
    "/{int:case_id}/rapid-review/report/{fmt}",
    response=refusals(),
    openapi_extra=file_answer("The rapid review report.", *downloads.CONTENT_TYPES.values()),
    tags=FILES,
    operation_id="rapid_review_report",
    summary="The rapid review report, as Word (docx) or PDF",
)
def rapid_review_report(request: AuthedRequest, case_id: int, fmt: DocumentFormat) -> HttpResponse:
    """Children by pseudonym and age band only. Before the rapid review is sent to the Panel it is a draft
    built from the case as it stands (the partnership's own people); from the sending on it is the copy
    frozen then, for everyone, so it reads exactly as the Panel received it, with the clocks (working days
    late) and how the family was told. The Panel gets 404 until it is sent. The download is audited."""
    case = case_for(request, case_id)
    if selectors.rapid_review_for(user=request.user, case=case) is None:
        raise NotFound("There is no rapid review of this case available to you.")
    try:
        body = documents.rapid_review_bytes(case, fmt)
    except documents.NotReady as exc:
        raise IllegalTransition(str(exc)) from exc
    return downloads.document_download(
        request,
        target=case,
        document="rapid-review",
        fmt=fmt,
        body=body,
        filename=f"{case.reference}-rapid-review.{fmt}",
    )


@router.post(
    "/{int:case_id}/family-letter/{fmt}",
    response=refusals(),
    openapi_extra=file_answer("The letter to the family.", *downloads.CONTENT_TYPES.values()),
    tags=FILES,
    operation_id="family_letter",
    summary="Write the letter telling the family of the decision, as Word (docx) or PDF",
)
def family_letter(request: AuthedRequest, case_id: int, fmt: DocumentFormat, payload: FamilyLetterIn) -> HttpResponse:
    """Plain English for the family, with the child's first name; the pseudonym only in the reference line.
    Once the partners have decided (else 409). For the partnership's own people (the Panel: 404). A field
    left out takes the suggestion the case page's form shows; one that leaves the letter incomplete is 422.
    Word is for adjusting before it is sent. The download is audited. Writing it is the business manager's
    step (visibility.ACTIONS): another reader of the case is refused (403)."""
    case = whole_case_for(request, case_id)
    if not case_policy(user=request.user, case=case).role_allows(Action.WRITE_FAMILY_LETTER):
        raise NotAllowed("Your role does not let you do this. Ask the partnership's business manager.")
    try:
        documents.family_letter_defaults(case, request.user)
    except documents.NotReady as exc:
        raise IllegalTransition(str(exc)) from exc
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    try:
        body = documents.family_letter_bytes(case, fmt, user=request.user, fields=fields)
    except documents.NotReady as exc:
        raise ValidationFailed(str(exc)) from exc
    return downloads.document_download(
        request,
        target=case,
        document="family-letter",
        fmt=fmt,
        body=body,
        filename=f"{case.reference}-family-letter.{fmt}",
    )


@router.get(
    "/rr-audits/{int:audit_id}/summary/{fmt}",
    response=refusals(),
    openapi_extra=file_answer("The audit summary for the assurance group.", *downloads.CONTENT_TYPES.values()),
    tags=AUDITS,
    operation_id="rr_audit_summary",
    summary="The rapid review audit summary, as Word (docx) or PDF",
)
def rr_audit_summary(request: AuthedRequest, audit_id: int, fmt: DocumentFormat) -> HttpResponse:
    """The checklist, totals per item and every scored rapid review, for the assurance group (DOMAIN.md
    step 12). For business managers, auditors and scrutineers of the partnership. The download is audited."""
    audit = selectors.rr_audit_get(user=request.user, audit_id=audit_id)
    body = documents.rr_audit_summary_bytes(audit, fmt)
    return downloads.document_download(
        request,
        target=audit,
        document="rr-audit-summary",
        fmt=fmt,
        body=body,
        filename=f"rapid-review-audit-{audit.pk}.{fmt}",
    )


@router.get(
    "/{int:case_id}/attachments",
    response=answers(list[AttachmentOut]),
    tags=FILES,
    operation_id="attachments_list",
    summary="Files attached to the case's notification",
)
def attachments_list(request: AuthedRequest, case_id: int) -> list[AttachmentOut]:
    """The partnership's own people see every file; the national Panel those that were part of the
    notification when it was sent, or existed when the rapid review (or a justification) was sent to it.
    The read is audited."""
    case = case_for(request, case_id, log_read=True)
    whole = selectors.sees_whole_case(request.user, case)
    return [attachment_out(a, whole) for a in selectors.attachments_for(user=request.user, case=case)]


@router.post(
    "/{int:case_id}/attachments",
    response={**answers(AttachmentOut, 201), 413: ErrorOut},
    tags=FILES,
    operation_id="attachment_add",
    summary="Attach a file to the case's notification",
)
def attachment_add(
    request: AuthedRequest,
    case_id: int,
    file: File[UploadedFile | None] = None,
    description: Form[str] = "",
) -> tuple[int, AttachmentOut | dict[str, Any]]:
    """Send `multipart/form-data` with the `file` and an optional `description`. The file passes the upload
    gate (docs/documents.md): a PDF, Word document, PNG, JPEG or UTF-8 text, by its content, not its name; a
    name whose extension says another type, macros, scripts, embedded programs, a zip bomb or malware is 422
    on `file`; over 10MB is 413, and a body far over it is refused before it is read. It is encrypted before
    it is stored, under its name with the detected type's extension. Business managers only; not once the
    case is closed (409)."""
    case = case_for(request, case_id)
    cut_off = cut_off_answer(request, services.attachments.MAX_ATTACHMENT_BYTES)
    if cut_off is not None:
        return cut_off
    data = file.read(services.attachments.MAX_ATTACHMENT_BYTES + 1) if file is not None else b""
    name = (file.name or "") if file is not None else ""
    try:
        attachment = services.attachment_add(
            actor=request.user, case=case, name=name, data=data, description=description, request=request
        )
    except uploads.UploadTooLarge as exc:
        return too_large_answer(exc)
    return 201, attachment_out(attachment, selectors.sees_whole_case(request.user, case))


@router.get(
    "/{int:case_id}/attachments/{int:attachment_id}",
    response=refusals(),
    openapi_extra=file_answer(
        "The file's bytes, as uploaded, with the type the gate detected.", "application/octet-stream"
    ),
    tags=FILES,
    operation_id="attachment_download",
    summary="Download an attached file",
)
def attachment_download(request: AuthedRequest, case_id: int, attachment_id: int) -> HttpResponse:
    """The file as uploaded, with its checked content type, as an attachment (never shown inline) under a
    safe name ending in that type's extension. An attachment you may not see (the Panel: one added after what
    was sent to it) is 404. The download is audited."""
    case = case_for(request, case_id)
    attachment = selectors.attachments_for(user=request.user, case=case).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("No attachment with that number is available to you.")
    return downloads.attachment_download(request, case=case, attachment=attachment)


@router.get(
    "/{int:case_id}/history",
    response=answers(list[HistoryEventOut]),
    tags=FILES,
    operation_id="case_history",
    summary="The case's audit trail: every view and change, newest first",
)
def case_history(request: AuthedRequest, case_id: int) -> list[HistoryEventOut]:
    """The latest 500 events of the hash-chained audit trail about the case: who read or changed what, and
    when. For the partnership's own people (business managers, decision makers, scrutineers, auditors); the
    Panel, reviewers and agency contributors get 404. Reading it is itself audited."""
    case = case_for(request, case_id)
    events = list(selectors.case_audit_trail(user=request.user, case=case)[:HISTORY_LIMIT])
    selectors.case_read_record(user=request.user, case=case, page="history", request=request)
    return [history_event_out(e) for e in events]
