"""Publishing the local review (DOMAIN.md step 10): the final report enters the public library."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import File, Form, UploadedFile

from cspr.cases import selectors, services
from cspr.cases.api.common import answers, case_for, case_out, reload, router
from cspr.cases.api.files import cut_off_answer, too_large_answer
from cspr.cases.api.schemas import ErrorOut, PublicationOut
from cspr.core import uploads
from cspr.core.errors import NotFound
from cspr.partnerships.types import AuthedRequest

PUBLICATION = ["cases: publication"]


@router.post(
    "/{int:case_id}/publication",
    response={**answers(PublicationOut), 413: ErrorOut},
    tags=PUBLICATION,
    operation_id="review_publish",
    summary="Publish the review: its final report enters the public library",
)
def review_publish(
    request: AuthedRequest,
    case_id: int,
    file: File[UploadedFile | None] = None,
    sent_to_panel_on: Form[datetime.date | None] = None,
    published_on: Form[datetime.date | None] = None,
    reviewer: Form[str] = "",
    anonymised: Form[bool] = False,
    title: Form[str] = "",
) -> PublicationOut | tuple[int, dict[str, Any]]:
    """Send `multipart/form-data` with the final report as `file` (PDF or Word, under 20MB, else 413; checked
    by its content by the upload gate, docs/documents.md, before the library reads it, and readable by the
    library), `sent_to_panel_on` (the date the full report went to the Panel and the Secretary of State),
    `published_on` (at least 7 working days later on the partnership's calendar; neither date in the future),
    the `reviewer`'s name, `anonymised=true` (the declaration that the report is
    anonymised) and an optional `title`. A broken rule is 422 on its field; a case not at `local_review` is
    409. The case moves to `published` and the report enters the public library with the partnership as
    publisher, or, if anything is refused, nothing is stored. Business managers of the partnership only."""
    case = case_for(request, case_id)
    cut_off = cut_off_answer(request, services.publication.MAX_REPORT_BYTES)
    if cut_off is not None:
        return cut_off
    data = file.read(services.publication.MAX_REPORT_BYTES + 1) if file is not None else b""
    try:
        services.review_publish(
            actor=request.user,
            case=case,
            file_name=(file.name or "") if file is not None else "",
            data=data,
            sent_to_panel_on=sent_to_panel_on,
            published_on=published_on,
            reviewer=reviewer,
            anonymised=anonymised,
            title=title,
            request=request,
        )
    except uploads.UploadTooLarge as exc:
        return too_large_answer(exc)
    case = reload(case)
    report_id = selectors.published_report_id(user=request.user, case=case)
    if report_id is None:  # pragma: no cover - the service either stored the report or raised
        raise NotFound("The published report is not in the library.")
    return PublicationOut(case=case_out(case), library_report_id=report_id)
