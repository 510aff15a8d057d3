"""Rapid review audits: a sample of rapid reviews scored against the checklist."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from cspr.cases import documents, downloads, selectors, services
from cspr.cases.forms import (
    AuditCompleteForm,
    AuditCreateForm,
    AuditScoreForm,
)
from cspr.cases.services.rr_audit import CHECKLIST, SCORES
from cspr.core.errors import NotFound
from cspr.core.pagination import paginate
from cspr.partnerships.models import Partnership
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for
from cspr.partnerships.types import AuthedRequest
from cspr.web.forms import draft_context, run_service

# --- rapid review audit -------------------------------------------------------------------------------------


@login_required
def rr_audit_list(request: AuthedRequest) -> HttpResponse:
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
    # DESIGN.md rule 8: the list is bounded, and reads only what it shows (the overall comment is encrypted).
    listed = audits.only("pk", "period_start", "period_end", "completed_at", "created_at", "partnership__name")
    return render(
        request,
        "cases/rr_audits.html",
        {
            "audits": paginate(request, listed.order_by("-created_at", "-pk"), noun="audit"),
            "form": form if managed else None,
            "page_has_errors": bool(form.errors),
            **draft_context(request, form),
        },
    )


@login_required
def rr_audit_detail(request: AuthedRequest, audit_id: int) -> HttpResponse:
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
def rr_audit_item(request: AuthedRequest, audit_id: int, item_id: int) -> HttpResponse:
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
def rr_audit_summary(request: AuthedRequest, audit_id: int, fmt: str) -> HttpResponse:
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
