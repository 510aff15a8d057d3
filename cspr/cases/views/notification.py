"""The serious incident notification: opening a case, its details and children, sending it (DOMAIN.md step 2)."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cspr.cases import selectors, services
from cspr.cases.clocks import clock_rows
from cspr.cases.forms import (
    ChildForm,
    NewNotificationForm,
    NotificationCorrectionForm,
    NotificationForm,
    NotificationSentForm,
)
from cspr.cases.models import (
    Case,
    Notification,
    Referral,
)
from cspr.cases.rules.eligibility import assess
from cspr.cases.services.notification import NOTIFICATION_FIELDS, ChildInput
from cspr.cases.views.common import action_view, add_every_error
from cspr.cases.visibility import Action
from cspr.core.errors import ServiceError
from cspr.partnerships.models import Partnership
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for
from cspr.partnerships.types import AuthedRequest
from cspr.web.forms import draft_context, form_page, run_service

# --- notification ---------------------------------------------------------------------------------------------


@login_required
def notification_new(request: AuthedRequest) -> HttpResponse:
    access = access_for(request.user)
    partnerships = [
        p
        for p in Partnership.objects.filter(pk__in=access.partnership_ids())
        if access.has_role(p.pk, Role.BUSINESS_MANAGER)
    ]
    if not partnerships:
        raise Http404
    form = NewNotificationForm(request.POST or None)
    if len(partnerships) > 1:
        form.fields["partnership"] = forms.ChoiceField(
            label="Partnership", widget=forms.RadioSelect, choices=[(p.slug, p.name) for p in partnerships]
        )
    if request.method == "POST" and form.is_valid():
        slug = form.cleaned_data.get("partnership") or partnerships[0].slug
        partnership = next(p for p in partnerships if p.slug == slug)
        result: dict[str, Case] = {}

        def call() -> None:
            result["case"] = services.case_open(
                actor=request.user, partnership=partnership, summary=form.cleaned_data["summary"], request=request
            )

        if run_service(request, form, call, "The case is open. Now record the notification's details."):
            return redirect("cases:notification", result["case"].pk)
    return form_page(
        request,
        form=form,
        title="Record a serious incident notification",
        submit="Continue",
        intro="Use this when the local authority became aware of an incident directly. The case gets "
        "a reference and a pseudonym; the child's details are recorded next.",
    )


CHILD_SLOTS = 4


def referral_child(case: Case) -> str:
    """Who the referral said was harmed, when the notification has no child yet: the referrer's words, which
    the notification's first child starts from (issue 12, item 3: the referral's child carries into the
    notification), for the business manager to turn into the child's details."""
    if case.children.exists():
        return ""
    referral = Referral.objects.filter(case=case).only("who_was_harmed").first()
    return referral.who_was_harmed.strip() if referral else ""


def _child_forms(request: AuthedRequest, case: Case, from_referral: str = "") -> list[ChildForm]:
    children = list(case.children.all())
    result = []
    for i in range(CHILD_SLOTS):
        initial: dict[str, Any] = {}
        if i == 0 and not children and from_referral:
            initial = {"name": from_referral.splitlines()[0].strip()[:200]}
        if i < len(children):
            c = children[i]
            initial = {
                "name": c.name,
                "other_names": c.other_names,
                "date_of_birth": c.date_of_birth,
                "sex": c.sex,
                "ethnicity": c.ethnicity,
                "disability": c.disability,
                "legal_status": c.legal_status,
                "la_of_residence": c.la_of_residence,
            }
        result.append(ChildForm(request.POST or None, prefix=f"child-{i + 1}", initial=initial))
    return result


def _child_slot_used(child: ChildForm) -> bool:
    """A child's space holds something: saved details, typed answers or errors."""
    if child.errors or any(child.initial.values()):
        return True
    prefix = f"{child.prefix}-"
    return child.is_bound and any(str(v).strip() for k, v in child.data.items() if k.startswith(prefix))


_CHILD_ERROR = re.compile(r"child_(\d+)_(\w+)")


def _place_notification_errors(exc: ServiceError, form: forms.Form, children: list[ChildForm]) -> None:
    """The service names a child's error ``child_<n>_<field>``, n counting the children sent; show it on that
    child's own field so the error summary links to it, as the notification's own fields' errors do."""
    placed = False
    for name, message in exc.field_errors.items():
        match = _CHILD_ERROR.fullmatch(name)
        if name in form.fields:
            form.add_error(name, message)
        elif match and 0 < int(match[1]) <= len(children) and match[2] in children[int(match[1]) - 1].fields:
            children[int(match[1]) - 1].add_error(match[2], message)
        else:
            form.add_error(None, message)
        placed = True
    if not placed:
        form.add_error(None, exc.message)


def _add_every_notification_error(form: forms.Form, child_forms: list[ChildForm]) -> None:
    """When the page's forms have errors of their own, ask the service's rules about what is valid so far
    (dates in the future, a child with no name, the care leaver's age), so every error comes in one round."""
    fields = {k: v for k, v in form.cleaned_data.items() if k in NOTIFICATION_FIELDS}
    sent = [f for f in child_forms if f.errors or f.cleaned_data.get("name") or f.cleaned_data.get("date_of_birth")]
    children = [cast(ChildInput, dict(f.cleaned_data)) for f in sent]
    errors = services.notification_errors(fields, children)
    add_every_error(form, {k: v for k, v in errors.items() if k in form.fields})
    for name, message in errors.items():
        match = _CHILD_ERROR.fullmatch(name)
        if match and 0 < int(match[1]) <= len(sent):
            add_every_error(sent[int(match[1]) - 1], {match[2]: message})


@action_view(Action.CHANGE_NOTIFICATION)
def notification_edit(request: AuthedRequest, case: Case) -> HttpResponse:
    notification = Notification.objects.filter(case=case).first()
    if notification is None:
        raise Http404
    initial = {name: getattr(notification, name) for name in NotificationForm.base_fields if name != "version"}
    initial["in_area"] = "" if notification.in_area is None else ("yes" if notification.in_area else "no")
    initial["version"] = case.version
    form = NotificationForm(request.POST or None, initial=initial)
    from_referral = referral_child(case)
    child_forms = _child_forms(request, case, from_referral)
    drafts = draft_context(request, form, *child_forms)
    valid = [f.is_valid() for f in (form, *child_forms)]  # every form checked, not up to the first with errors
    if request.method == "POST" and not all(valid):
        _add_every_notification_error(form, child_forms)
    if request.method == "POST" and all(valid):
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        filled = [f for f in child_forms if f.cleaned_data.get("name") or f.cleaned_data.get("date_of_birth")]
        children = [cast(ChildInput, dict(f.cleaned_data)) for f in filled]
        ok = run_service(
            request,
            form,
            lambda: services.notification_update(
                actor=request.user,
                case=case,
                version=form.cleaned_data["version"],
                fields=fields,
                children=children,
                request=request,
            ),
            "The notification has been saved.",
            place_errors=lambda exc: _place_notification_errors(exc, form, filled),
        )
        if ok:
            return redirect("cases:detail", case.pk)
    # The page shows the children's names, dates of birth and the narrative: one audited read per view.
    selectors.case_read_record(user=request.user, case=case, page="notification", request=request)
    eligibility = assess(notification, list(case.children.all()))
    return render(
        request,
        "cases/notification.html",
        {
            "case": case,
            "form": form,
            "from_referral": from_referral,
            "child_forms": child_forms,
            "child_slots": [(f, i == 0 or _child_slot_used(f)) for i, f in enumerate(child_forms)],
            "eligibility": eligibility,
            "clocks": [c for c in clock_rows(case) if c["id"] in {"notify-panel", "inform-partners"}],
            "page_has_errors": bool(form.errors) or any(f.errors for f in child_forms),
            **drafts,
        },
    )


@action_view(Action.CORRECT_NOTIFICATION)
def notification_correct(request: AuthedRequest, case: Case) -> HttpResponse:
    """Correct a notification already sent to the Panel (defect 8): the form starts from what was sent, and
    saving keeps it as a new, dated version with the reason, which the Panel is shown beside the original."""
    notification = Notification.objects.filter(case=case).first()
    if notification is None:
        raise Http404
    initial: dict[str, Any] = {
        name: getattr(notification, name)
        for name in NotificationCorrectionForm.base_fields
        if name not in {"version", "reason"}
    }
    initial["in_area"] = "" if notification.in_area is None else ("yes" if notification.in_area else "no")
    initial["version"] = case.version
    form = NotificationCorrectionForm(request.POST or None, initial=initial)
    child_forms = _child_forms(request, case)
    drafts = draft_context(request, form, *child_forms)  # DESIGN.md rule 5: a long form keeps what was typed
    valid = [f.is_valid() for f in (form, *child_forms)]
    if request.method == "POST" and not all(valid):
        _add_every_notification_error(form, child_forms)
    if request.method == "POST" and all(valid):
        fields = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "reason"}}
        filled = [f for f in child_forms if f.cleaned_data.get("name") or f.cleaned_data.get("date_of_birth")]
        children = [cast(ChildInput, dict(f.cleaned_data)) for f in filled]
        ok = run_service(
            request,
            form,
            lambda: services.notification_correct(
                actor=request.user,
                case=case,
                version=form.cleaned_data["version"],
                fields=fields,
                children=children,
                reason=form.cleaned_data["reason"],
                request=request,
            ),
            "The correction has been recorded. The Panel sees it beside the notification as first sent.",
            place_errors=lambda exc: _place_notification_errors(exc, form, filled),
        )
        if ok:
            return redirect("cases:detail", case.pk)
    selectors.case_read_record(user=request.user, case=case, page="notification", request=request)
    return render(
        request,
        "cases/notification.html",
        {
            "correcting": True,
            "case": case,
            "form": form,
            "child_forms": child_forms,
            "child_slots": [(f, i == 0 or _child_slot_used(f)) for i, f in enumerate(child_forms)],
            "page_has_errors": bool(form.errors) or any(f.errors for f in child_forms),
            **drafts,
        },
    )


@action_view(Action.SEND_NOTIFICATION)
def notification_sent(request: AuthedRequest, case: Case) -> HttpResponse:
    form = NotificationSentForm(request.POST or None, initial={"sent_on": timezone.localdate()})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            lambda: services.notification_record_sent(
                actor=request.user, case=case, **form.cleaned_data, request=request
            ),
            "The notification is recorded as sent. The rapid review has started.",
        )
    ):
        return redirect("cases:detail", case.pk)
    return form_page(
        request,
        form=form,
        case=case,
        title="Record the notification as sent to the Panel",
        submit="Record as sent",
        intro="Sending the notification starts the 15-working-day rapid review clock.",
    )
