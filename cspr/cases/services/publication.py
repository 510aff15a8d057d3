"""Publishing the local review's final report (DOMAIN.md step 10): the report enters the public library.

The partnership records a publication that has happened (today or before): the date the full report went to
the Panel and the Secretary of State, at least 7 working days before publication (the Child Safeguarding
Practice Review and Relevant Agency (England) Regulations 2018, Part 3), the publication date, the reviewer's
name and a declaration that the report is anonymised. In one transaction the dates are recorded for the
clocks, the case moves to PUBLISHED and the report enters the library with the partnership as publisher; if
the library cannot read the file, nothing is stored and the case stays where it was (DESIGN.md rule 5).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify

from cspr.audit.services import audit_record
from cspr.cases.clocks import case_calendar, case_process
from cspr.cases.models import Case, CaseState
from cspr.cases.rules import publication as rules
from cspr.cases.services.common import not_in_future, raise_if, record_case_date, require_business_manager
from cspr.cases.state import case_transition
from cspr.core.errors import IllegalTransition, ValidationFailed
from cspr.core.uploads import DOCX, PDF, FileKind, UploadRefused, UploadTooLarge, upload_check
from cspr.partnerships.models import User

MAX_REPORT_BYTES = 20 * 1024 * 1024
# The final report is a document the library can read: checked by its content, not its name, by the one
# upload gate (cspr/core/uploads.py) before the library opens it.
REPORT_KINDS = (PDF, DOCX)
REPORT_REQUIREMENT = "The final report must be a PDF or a Word document (.docx)"


def earliest_publication(case: Case, sent_on: datetime.date) -> datetime.date:
    """The first publication date the case's partnership's calendar allows after sending on ``sent_on``."""
    return rules.earliest_publication(case_process(case), case_calendar(case), sent_on)


def publication_timing_error(case: Case, sent_on: datetime.date, published_on: datetime.date) -> str | None:
    """Why publishing on ``published_on`` is too soon after sending the report on ``sent_on``, or None."""
    return rules.publication_timing_error(case_process(case), case_calendar(case), sent_on, published_on)


def published_file_name(case: Case, kind: FileKind) -> str:
    """The name the published report carries in the library: the pseudonym and the review, with the extension
    of the type the gate detected ("child-q-local-child-safeguarding-practice-review.pdf")."""
    return f"{slugify(case.pseudonym) or 'review'}-local-child-safeguarding-practice-review{kind.extension}"


def review_publish(
    *,
    actor: User,
    case: Case,
    file_name: str,
    data: bytes,
    sent_to_panel_on: datetime.date | None,
    published_on: datetime.date | None,
    reviewer: str,
    anonymised: bool,
    title: str = "",
    request: HttpRequest | None = None,
) -> Case:
    """Record that the local review's final report was published; it enters the public library.

    For the business manager of the case's partnership, once the case is at the local review. Each broken
    rule is reported against its field; nothing is written unless everything is valid and the library has
    taken the report."""
    from cspr.library.services import library_report_add_from_publication

    require_business_manager(actor, case)
    if case.state != CaseState.LOCAL_REVIEW:
        raise IllegalTransition(
            f"Only a case at '{CaseState.LOCAL_REVIEW.label}' can be published; this one is at "
            f"'{CaseState(case.state).label}'."
        )
    errors: dict[str, str] = {}
    checked = None
    too_large = False
    try:
        # Before the library reads a byte of it: the zip-bomb .docx that grew the server to 8 GB stops here.
        checked = upload_check(
            name=file_name, data=data, accept=REPORT_KINDS, max_bytes=MAX_REPORT_BYTES,
            requirement=REPORT_REQUIREMENT, missing="Select the final report",
        )  # fmt: skip
    except UploadRefused as exc:
        errors["file"] = exc.message
        too_large = isinstance(exc, UploadTooLarge)
    if sent_to_panel_on is None:
        errors["sent_to_panel_on"] = "Enter the date the report was sent to the Panel and the Secretary of State"
    if published_on is None:
        errors["published_on"] = "Enter the date the report was published"
    not_in_future(sent_to_panel_on, "sent_to_panel_on", "The date the report was sent", errors)
    not_in_future(published_on, "published_on", "The publication date", errors)
    if sent_to_panel_on and published_on and "published_on" not in errors:
        problem = publication_timing_error(case, sent_to_panel_on, published_on)
        if problem:
            errors["published_on"] = problem
    if not (reviewer or "").strip():
        errors["reviewer"] = "Enter the name of the reviewer, which the published report includes"
    if not anonymised:
        errors["anonymised"] = "Confirm that the report is anonymised so that publishing it harms no child"
    if too_large:  # 413 on the API
        raise UploadTooLarge("There is a problem with publishing the review.", reason="too_large", field_errors=errors)
    raise_if(errors, "There is a problem with publishing the review.")
    assert sent_to_panel_on is not None and published_on is not None and checked is not None
    title = (title or "").strip() or f"{case.pseudonym}: local child safeguarding practice review"
    with transaction.atomic():
        # The library first: a file it cannot read is refused before anything about the case changes.
        try:
            outcome = library_report_add_from_publication(
                actor=actor,
                partnership=case.partnership,
                case_id=case.pk,
                # The public library shows a report's file name: one made here, never the uploaded file's own
                # name, which may carry the child's real name or date of birth.
                file_name=published_file_name(case, checked.kind),
                data=checked.data,
                title=title,
                child=case.pseudonym,
                review_type="lcspr",
                published_on=published_on,
                reviewer=reviewer.strip(),
                request=request,
            )
        except ValidationFailed as exc:
            raise ValidationFailed(
                "There is a problem with publishing the review.", field_errors=exc.field_errors or {"file": exc.message}
            ) from exc
        # Working Together 2023 ch.5: the dates the clocks need (sent to the Panel, published).
        record_case_date(actor=actor, case=case, event="final_report_sent", date=sent_to_panel_on, request=request)
        record_case_date(actor=actor, case=case, event="publication_planned", date=published_on, request=request)
        record_case_date(actor=actor, case=case, event="published", date=published_on, request=request)
        audit_record(
            actor=actor,
            action="review.published",
            partnership=case.partnership_id,
            target=case,
            after={
                "sent_to_panel_on": sent_to_panel_on,
                "published_on": published_on,
                "report": outcome.report.pk,
                "anonymised_declared": True,
            },
            request=request,
        )
        case_transition(actor=actor, case=case, to=CaseState.PUBLISHED, request=request)
    return case
