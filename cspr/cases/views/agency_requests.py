"""An agency contributor answers the request addressed to them (DOMAIN.md step 3)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from cspr.cases import selectors, services
from cspr.cases.models import (
    AgencyRequest,
)
from cspr.cases.views.common import ask_for_file_again
from cspr.cases.views.files import refuse_cut_off_upload
from cspr.core.errors import NotFound
from cspr.partnerships.types import AuthedRequest
from cspr.web.forms import draft_context, run_service

# --- agency contributors --------------------------------------------------------------------------------------


class ResponseForm(forms.Form):
    response = forms.CharField(
        label="Your agency's summary of its involvement",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="What your agency knew of the child and family, what it did, and what it thinks now.",
        error_messages={"required": "Enter your agency's summary"},
    )
    file = forms.FileField(
        label="Attach a file (optional)",
        required=False,
        help_text="For example, your agency's chronology. A PDF, Word document, PNG, JPEG or plain text file, "
        "smaller than 10MB, without macros. Only the partnership's own people read it.",
    )


@login_required
def agency_request_answer(request: AuthedRequest, request_id: int) -> HttpResponse:
    try:
        item = selectors.agency_request_get(user=request.user, request_id=request_id, request=request)
    except NotFound:
        raise Http404 from None
    form = ResponseForm(request.POST or None, request.FILES or None)
    # What was asked decides the words: a rapid review's summary, or a local review's chronology or report.
    asked = item.get_purpose_display().lower()
    if item.purpose != AgencyRequest.Purpose.SUMMARY:
        field = form.fields["response"]
        field.label = f"Your agency's {asked}"
        field.help_text = "Type it here, or attach it below and give a short summary of it here."
        field.error_messages["required"] = services.rapid_review.ANSWER_MISSING[item.purpose]
    cut_off = refuse_cut_off_upload(request, form, services.attachments.MAX_ATTACHMENT_BYTES)
    if request.method == "POST" and not cut_off and form.is_valid():
        upload = form.cleaned_data.get("file")
        data = upload.read(services.attachments.MAX_ATTACHMENT_BYTES + 1) if upload else None
        if run_service(
            request,
            form,
            lambda: services.agency_request_respond(
                actor=request.user,
                agency_request=item,
                response=form.cleaned_data["response"],
                file_name=upload.name if upload else "",
                file_data=data,
                request=request,
            ),
            f"Thank you. Your {asked} has been sent to the partnership.",
        ):
            return redirect("cases:list")
    ask_for_file_again(request, form)
    return render(
        request,
        "cases/request_answer.html",
        {
            "item": item,
            "asked": asked,
            "form": form,
            "answered": item.status != AgencyRequest.Status.OPEN,
            # The contributor's own files on their own request, by name (the request was read through their
            # scoped selector, so these are theirs).
            "files": item.attachments.only("pk", "original_name", "size") if item.status != "open" else [],
            "page_has_errors": bool(form.errors),
            **draft_context(request, form),  # the autosave script leaves the file out of the draft
        },
        status=413 if cut_off else 200,
    )
