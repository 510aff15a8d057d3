"""Pages for the partners' decision, the family, sending to the Panel, the Panel's side and the rapid
review audit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cspr.cases import documents, downloads, selectors, services
from cspr.cases.forms import (
    AdviceForm,
    AuditCompleteForm,
    AuditCreateForm,
    AuditScoreForm,
    FamilyForm,
    JustificationForm,
    MajorityForm,
    PanelFilterForm,
    PanelResponseForm,
    SentForm,
    VoteForm,
)
from cspr.cases.models import Case, Decision, RapidReview
from cspr.cases.services.notification import AGE_BANDS
from cspr.cases.services.rr_audit import CHECKLIST, SCORES
from cspr.cases.views import (
    _simple_case_form,
    action_view,
    draft_context,
    form_page,
    get_case,
    run_service,
    states_for_filter,
)
from cspr.cases.visibility import Action, case_policy
from cspr.core.drafts import draft_done
from cspr.core.errors import NotFound
from cspr.partnerships.models import Partnership
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for


@action_view(Action.VOTE)
def decision_vote(request: HttpRequest, case: Case) -> HttpResponse:
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
            "form": form,
            "rr": rr,
            "votes": decision.votes.all(),
            "page_has_errors": bool(form.errors),
            **draft_context(request, form),
        },
    )


decision_advice = _simple_case_form(
    Action.ADVISE,
    AdviceForm,
    "Advise the decision makers",
    "Send advice",
    "Your advice has been recorded and the decision makers can reconsider.",
    services.decision_record_scrutineer_advice,
)
decision_majority = _simple_case_form(
    Action.DECIDE_BY_MAJORITY,
    MajorityForm,
    "Record the majority decision",
    "Record decision",
    "The decision has been recorded.",
    services.decision_close_by_majority,
)
family_told = _simple_case_form(
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
rapid_review_sent = _simple_case_form(
    Action.SEND_RAPID_REVIEW,
    SentForm,
    "Record the rapid review as sent to the Panel",
    "Record as sent",
    "The rapid review and decision are recorded as sent to the Panel.",
    services.rapid_review_record_sent,
    today_fields=("sent_on",),
)
decision_justification = _simple_case_form(
    Action.SEND_JUSTIFICATION,
    JustificationForm,
    "Send the partners' justification to the Panel",
    "Send to the Panel",
    "The justification has been sent to the Panel.",
    services.decision_send_justification,
)


@action_view(Action.RESPOND_AS_PANEL)
def panel_response(request: HttpRequest, case: Case) -> HttpResponse:
    form = PanelResponseForm(request.POST or None, initial={"responded_on": timezone.localdate()})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            lambda: services.panel_response_record(actor=request.user, case=case, **form.cleaned_data, request=request),
            "The Panel's response has been recorded.",
        )
    ):
        return redirect("cases:detail", case.pk)
    return form_page(request, form=form, case=case, title="Record the Panel's response", submit="Record response")


@login_required
def panel_inbox(request: HttpRequest) -> HttpResponse:
    if not access_for(request.user).is_panel:
        raise Http404
    form = PanelFilterForm(request.GET or None)
    form.fields["partnership"].choices = [("", "Any")] + [(p.slug, p.name) for p in Partnership.objects.all()]
    form.fields["age_band"].choices = [("", "Any"), *AGE_BANDS]
    form.fields["state"].choices = states_for_filter()
    filters = selectors.PanelFilters()
    if form.is_valid():
        filters = selectors.PanelFilters(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
    cases = selectors.panel_cases(user=request.user, filters=filters)
    return render(request, "cases/panel_inbox.html", {"cases": cases, "form": form})


# --- documents --------------------------------------------------------------------------------------------


@login_required
def document_download(request: HttpRequest, case_id: int, kind: str, fmt: str) -> HttpResponse:
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
def family_letter(request: HttpRequest, case: Case) -> HttpResponse:
    """Write the letter telling the family of the decision and its reasons; the download is audited."""
    try:
        defaults = documents.family_letter_defaults(case, request.user)
    except documents.NotReady as exc:
        from django.contrib import messages

        messages.error(request, str(exc))
        return redirect("cases:detail", case.pk)
    form = FamilyLetterForm(request.POST or None, initial={**defaults, "fmt": "docx"})
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        fmt = fields.pop("fmt")
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
    return form_page(
        request,
        form=form,
        case=case,
        title="Write the letter to the family",
        submit="Create letter",
        intro="The letter explains the decision and its reasons in plain English. Check every part: "
        "it goes to a grieving family.",
    )


# --- rapid review audit -------------------------------------------------------------------------------------


@login_required
def rr_audit_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    managed = [
        p
        for p in Partnership.objects.filter(pk__in=access.partnership_ids())
        if access.has_role(p.pk, Role.BUSINESS_MANAGER)
    ]
    audits = selectors.rr_audits_for_user(user=request.user)
    if (
        not managed
        and not audits.exists()
        and not any(access.has_role(p, Role.AUDITOR, Role.SCRUTINEER) for p in access.partnership_ids())
    ):
        raise Http404
    form = AuditCreateForm(request.POST or None)
    if len(managed) > 1:
        form.fields["partnership"] = forms.ChoiceField(
            label="Partnership", widget=forms.RadioSelect, choices=[(p.slug, p.name) for p in managed]
        )
    if request.method == "POST" and managed and form.is_valid():
        slug = form.cleaned_data.pop("partnership", managed[0].slug)
        partnership = next(p for p in managed if p.slug == slug)
        result: dict[str, Any] = {}

        def call() -> None:
            result["audit"] = services.rr_audit_create(
                actor=request.user, partnership=partnership, **form.cleaned_data, request=request
            )

        if run_service(request, form, call, "The sample has been drawn. Score each rapid review."):
            return redirect("cases:rr_audit", result["audit"].pk)
    return render(
        request,
        "cases/rr_audits.html",
        {
            "audits": audits,
            "form": form if managed else None,
            "page_has_errors": bool(form.errors),
            **draft_context(request, form),
        },
    )


@login_required
def rr_audit_detail(request: HttpRequest, audit_id: int) -> HttpResponse:
    try:
        audit = selectors.rr_audit_get(user=request.user, audit_id=audit_id)
    except NotFound:
        raise Http404 from None
    manager = access_for(request.user).has_role(audit.partnership_id, Role.BUSINESS_MANAGER)
    form = AuditCompleteForm(request.POST or None)
    if (
        request.method == "POST"
        and manager
        and form.is_valid()
        and run_service(
            request,
            form,
            lambda: services.rr_audit_complete(actor=request.user, audit=audit, **form.cleaned_data, request=request),
            "The audit is complete.",
        )
    ):
        return redirect("cases:rr_audit", audit.pk)
    items = list(audit.items.select_related("case"))
    totals = {key: {s: sum(1 for i in items if i.scores.get(key) == s) for s in SCORES} for key, _ in CHECKLIST}
    return render(
        request,
        "cases/rr_audit.html",
        {
            "audit": audit,
            "items": items,
            "checklist": CHECKLIST,
            "scores": SCORES,
            "totals": totals,
            "manager": manager,
            "form": form,
            "page_has_errors": bool(form.errors),
            **(draft_context(request, form) if manager and not audit.completed_at else {}),
        },
    )


@login_required
def rr_audit_item(request: HttpRequest, audit_id: int, item_id: int) -> HttpResponse:
    try:
        audit = selectors.rr_audit_get(user=request.user, audit_id=audit_id)
    except NotFound:
        raise Http404 from None
    item = audit.items.filter(pk=item_id).select_related("case").first()
    if item is None or not access_for(request.user).has_role(audit.partnership_id, Role.BUSINESS_MANAGER):
        raise Http404
    initial = {f"score_{k}": v for k, v in item.scores.items()} | {"comment": item.comment}
    form = AuditScoreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        scores = {key: form.cleaned_data[f"score_{key}"] for key, _ in CHECKLIST}
        if run_service(
            request,
            form,
            lambda: services.rr_audit_score(
                actor=request.user, item=item, scores=scores, comment=form.cleaned_data["comment"], request=request
            ),
            f"{item.case.reference} has been scored.",
        ):
            return redirect("cases:rr_audit", audit.pk)
    return render(
        request,
        "cases/rr_audit_item.html",
        {
            "audit": audit,
            "item": item,
            "form": form,
            "checklist": CHECKLIST,
            "page_has_errors": bool(form.errors),
            **draft_context(request, form),
        },
    )


@login_required
def rr_audit_summary(request: HttpRequest, audit_id: int, fmt: str) -> HttpResponse:
    try:
        audit = selectors.rr_audit_get(user=request.user, audit_id=audit_id)
    except NotFound:
        raise Http404 from None
    if fmt not in downloads.CONTENT_TYPES:
        raise Http404
    body = documents.rr_audit_summary_bytes(audit, fmt)
    return downloads.document_download(
        request,
        target=audit,
        document="rr-audit-summary",
        fmt=fmt,
        body=body,
        filename=f"rapid-review-audit-{audit.pk}.{fmt}",
    )
