"""The partners' decision: votes, the scrutineer's advice, the majority, telling the family and the letter,
sending the rapid review and the justification (DOMAIN.md steps 4 and 5)."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from cspr.cases import documents, downloads, services
from cspr.cases.forms import (
    AdviceForm,
    FamilyForm,
    JustificationForm,
    MajorityForm,
    SentForm,
    VoteForm,
)
from cspr.cases.models import (
    Case,
    Decision,
    Partner,
    RapidReview,
)
from cspr.cases.views.common import (
    action_view,
    case_form_view,
    challenge_context,
    latest_decision,
    panel_challenge,
)
from cspr.cases.visibility import Action
from cspr.core.drafts import draft_done
from cspr.partnerships.types import AuthedRequest
from cspr.web.forms import draft_context, run_service


@action_view(Action.VOTE)
def decision_vote(request: AuthedRequest, case: Case) -> HttpResponse:
    """Only the decision makers reach this page: it shows the recommendation, the votes so far and the
    scrutineer's advice of a round still being decided, which nobody else (the Panel above all) was sent."""
    decision = Decision.objects.filter(case=case).order_by("-round").first()
    if decision is None:
        raise Http404
    form = VoteForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            lambda: services.decision_record_vote(actor=request.user, case=case, **form.cleaned_data, request=request),
            "Your vote has been recorded.",
        )
    ):
        return redirect("cases:detail", case.pk)
    rr = RapidReview.objects.filter(case=case).first()
    return render(
        request,
        "cases/vote.html",
        {
            "case": case,
            "decision": decision,
            "challenge": panel_challenge(case, decision),
            "form": form,
            "rr": rr,
            "votes": decision.votes.all(),
            "page_has_errors": bool(form.errors),
            **draft_context(request, form),
        },
    )


decision_advice = case_form_view(
    Action.ADVISE,
    AdviceForm,
    "Advise the decision makers",
    "Send advice",
    "Your advice has been recorded and the decision makers can reconsider.",
    services.decision_record_scrutineer_advice,
    context=challenge_context,  # a second round: the Panel's challenge the partners are answering
)


@action_view(Action.DECIDE_BY_MAJORITY)
def decision_majority(request: AuthedRequest, case: Case) -> HttpResponse:
    """The votes as they stand, the scrutineer's advice and the outcome the majority gives, read before
    anything is typed; with no majority the page says so and asks for nothing (issue 12, item 3)."""
    decision = latest_decision(case)
    if decision is None:
        raise Http404
    form = MajorityForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            lambda: services.decision_close_by_majority(
                actor=request.user, case=case, rationale=form.cleaned_data["rationale"], request=request
            ),
            "The decision has been recorded.",
        )
    ):
        return redirect("cases:detail", case.pk)
    majority = services.majority_outcome(decision)
    return render(
        request,
        "cases/majority.html",
        {
            "case": case,
            "decision": decision,
            "form": form,
            "majority": majority,
            "majority_partner_labels": [Partner(p).label for p in majority.partners],
            "partners": Partner.choices,
            "challenge": panel_challenge(case, decision),
            "page_has_errors": bool(form.errors),
            **draft_context(request, form),
        },
    )


family_told = case_form_view(
    Action.TELL_FAMILY,
    FamilyForm,
    "Record telling the family",
    "Save",
    "Telling the family has been recorded.",
    services.family_communication_record,
    today_fields=("told_on",),
    intro="Tell the family in writing and, where possible, in person through the "
    "practitioner working with them. Download the letter from the case page.",
)
rapid_review_sent = case_form_view(
    Action.SEND_RAPID_REVIEW,
    SentForm,
    "Record the rapid review as sent to the Panel",
    "Record as sent",
    "The rapid review and decision are recorded as sent to the Panel.",
    services.rapid_review_record_sent,
    today_fields=("sent_on",),
)
decision_justification = case_form_view(
    Action.SEND_JUSTIFICATION,
    JustificationForm,
    "Send the partners' justification to the Panel",
    "Send to the Panel",
    "The justification has been sent to the Panel.",
    services.decision_send_justification,
    context=challenge_context,  # what the justification answers
)


class FamilyLetterForm(forms.Form):
    addressee = forms.CharField(
        label="Who is the letter to?",
        max_length=200,
        help_text="For example, Ms Jane Smith",
        error_messages={"required": "Enter who the letter is to"},
    )
    salutation = forms.CharField(
        label="How should the letter greet them?",
        max_length=200,
        help_text="For example, Ms Smith",
        error_messages={"required": "Enter the greeting"},
    )
    partnership_address = forms.CharField(
        label="Partnership's address", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    child_first_name = forms.CharField(
        label="Child's first name, as the family uses it",
        max_length=100,
        error_messages={"required": "Enter the child's first name"},
    )
    rationale = forms.CharField(
        label="The reasons for the decision, in plain English",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the reasons for the decision"},
    )
    what_happens_next = forms.CharField(
        label="What happens next",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what happens next"},
    )
    contact_name = forms.CharField(label="Contact name", max_length=200)
    contact_role = forms.CharField(label="Contact role", max_length=200)
    contact_phone = forms.CharField(label="Contact phone", max_length=40, required=False)
    contact_email = forms.EmailField(label="Contact email", required=False)
    fmt = forms.ChoiceField(
        label="Format",
        widget=forms.RadioSelect,
        initial="docx",
        choices=[("docx", "Word, to adjust before sending"), ("pdf", "PDF")],
    )


@action_view(Action.WRITE_FAMILY_LETTER)
def family_letter(request: AuthedRequest, case: Case) -> HttpResponse:
    """Write the letter telling the family of the decision and its reasons, seeing it as it will read
    (the preview is the letter's own outline); the download is audited."""
    try:
        defaults = documents.family_letter_defaults(case, request.user)
    except documents.NotReady as exc:
        from django.contrib import messages

        messages.error(request, str(exc))
        return redirect("cases:detail", case.pk)
    form = FamilyLetterForm(request.POST or None, initial={**defaults, "fmt": "docx"})
    previewing = request.method == "POST" and request.POST.get("action") == "preview"
    typed: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        fmt = fields.pop("fmt")
        typed = fields
        if not previewing:
            try:
                body = documents.family_letter_bytes(case, fmt, user=request.user, fields=fields)
            except documents.NotReady as exc:
                form.add_error(None, str(exc))
            else:
                response = downloads.document_download(
                    request,
                    target=case,
                    document="family-letter",
                    fmt=fmt,
                    body=body,
                    filename=f"{case.reference}-family-letter.{fmt}",
                )
                draft_done(request)  # the letter written holds what was typed
                return response
    preview, preview_problem = None, ""
    if not form.errors:
        try:
            preview = documents.family_letter_preview(case, user=request.user, fields=typed or None)
        except documents.NotReady as exc:
            preview_problem = str(exc)
    return render(
        request,
        "cases/family_letter.html",
        {
            "case": case,
            "form": form,
            "intro": documents.family_letter_intro(case),
            "preview": preview,
            "preview_problem": preview_problem,
            "page_has_errors": bool(form.errors),
            **draft_context(request, form),
        },
    )
