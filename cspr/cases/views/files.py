"""Documents and files: the generated rapid review report, attachments (validated before storing, served
authorised and audited) and publishing the review's report (DOMAIN.md step 10).

Which attachments a reader may download is the case's policy (``visibility.CasePolicy.attachments``): the
Panel only those that were part of what was sent to it (DESIGN.md rule 1: anything else is a 404)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from cspr.cases import documents, downloads, services
from cspr.cases.models import (
    Case,
)
from cspr.cases.views.common import action_view, ask_for_file_again, get_case
from cspr.cases.visibility import Action, case_policy
from cspr.core import uploads
from cspr.partnerships.types import AuthedRequest
from cspr.web.forms import form_page, run_service

# --- documents --------------------------------------------------------------------------------------------


@login_required
def document_download(request: AuthedRequest, case_id: int, kind: str, fmt: str) -> HttpResponse:
    """Generated documents are served only through this view, after the same access check as the case,
    and each download is audited (DESIGN.md rule 6)."""
    case = get_case(request, case_id)
    if fmt not in downloads.CONTENT_TYPES:
        raise Http404
    try:
        if kind == "rapid-review" and case_policy(user=request.user, case=case).sees_documents:
            body = documents.rapid_review_bytes(case, fmt)
        else:
            raise Http404
    except documents.NotReady as exc:
        from django.contrib import messages

        messages.error(request, str(exc))
        return redirect("cases:detail", case.pk)
    return downloads.document_download(
        request, target=case, document=kind, fmt=fmt, body=body, filename=f"{case.reference}-{kind}.{fmt}"
    )


def refuse_cut_off_upload(request: AuthedRequest, form: forms.Form, limit: int) -> bool:
    """The body was stopped while it streamed in (larger than any upload may be): say so on the file field,
    keeping what was typed before it, instead of "Select a file". True if it was."""
    if request.method != "POST" or not uploads.upload_cut_off(request):
        return False
    form.is_valid()
    form.errors["file"] = form.error_class([f"The selected file must be smaller than {uploads.megabytes(limit)}"])
    return True


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A PDF, Word document, PNG, JPEG or plain text file, smaller than 10MB, without macros.",
        error_messages={"required": "Select a file"},
    )
    description = forms.CharField(label="What is it?", required=False, max_length=500)


@action_view(Action.ATTACH_FILE)
def attachment_new(request: AuthedRequest, case: Case) -> HttpResponse:
    form = AttachmentForm(request.POST or None, request.FILES or None)
    limit = services.attachments.MAX_ATTACHMENT_BYTES
    if refuse_cut_off_upload(request, form, limit):
        return form_page(
            request, form=form, case=case, title="Attach a file to the notification", submit="Attach file",
            multipart=True, status=413,
        )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(services.attachments.MAX_ATTACHMENT_BYTES + 1)
        if run_service(
            request,
            form,
            lambda: services.attachment_add(
                actor=request.user,
                case=case,
                name=upload.name,
                data=data,
                description=form.cleaned_data["description"],
                request=request,
            ),
            "The file has been attached.",
        ):
            return redirect("cases:detail", case.pk)
    ask_for_file_again(request, form)
    return form_page(
        request, form=form, case=case, title="Attach a file to the notification", submit="Attach file", multipart=True
    )


@login_required
def attachment_download(request: AuthedRequest, case_id: int, attachment_id: int) -> HttpResponse:
    case = get_case(request, case_id)
    attachment = case_policy(user=request.user, case=case).attachments().filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return downloads.attachment_download(request, case=case, attachment=attachment)
