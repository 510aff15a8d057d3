"""Case pages: thin views that read through selectors (404 outside the user's access), write through
services, and show every service error against its field (DESIGN.md rules 1, 2 and 5)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cspr.cases import selectors, services
from cspr.cases.clocks import clock_rows
from cspr.cases.forms import (
    AgencyRequestForm,
    ChildForm,
    EpisodeEditForm,
    EpisodeForm,
    ImmediateActionEditForm,
    ImmediateActionForm,
    NewNotificationForm,
    NotificationForm,
    NotificationSentForm,
    RapidReviewForm,
    ReferralForm,
    ScreeningForm,
)
from cspr.cases.models import (
    AgencyRequest,
    Case,
    CaseState,
    Episode,
    ImmediateAction,
    Notification,
    RapidReview,
    Referral,
)
from cspr.cases.next_steps import next_steps
from cspr.cases.rules.eligibility import assess
from cspr.cases.rules.regulation11 import CIRCUMSTANCES, CRITERIA
from cspr.cases.services.rapid_review import SECTION_FIELDS, record_version
from cspr.cases.visibility import Action, CasePolicy, case_policy
from cspr.core.drafts import draft_as_querydict, draft_data_from_post, draft_done, draft_get, draft_save
from cspr.core.errors import NotFound, ServiceError, StaleEdit
from cspr.partnerships.models import Membership, Organisation, Partnership, User
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for
from cspr.partnerships.views import apply_service_errors


def get_case(request: HttpRequest, case_id: int, *, log_read: bool = False) -> Case:
    try:
        return selectors.case_get(user=request.user, case_id=case_id, log_read=log_read, request=request)
    except NotFound:
        raise Http404 from None


class StepClosed(Exception):
    """The reader's role may take this step, but not at the case's stage: the page says why instead."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def case_for_action(request: HttpRequest, case_id: int, action: Action) -> tuple[Case, CasePolicy]:
    """The case and the reader's policy for a page that takes ``action`` (visibility.ACTIONS).

    A case the reader cannot see, or an action their role never allows on it, is a 404, as if the page were
    not there (rule 1: the Panel does not learn that a vote is under way). When their role allows it but the
    case's stage does not, opening the page (GET) goes back to the case page with the reason; a form posted
    anyway reaches the service, which refuses it with the same reason and keeps what was typed (rule 5)."""
    case = get_case(request, case_id)
    policy = case_policy(user=request.user, case=case)
    if not policy.role_allows(action):
        raise Http404
    why_not = policy.why_not(action)
    if why_not and request.method != "POST":
        messages.info(request, why_not)
        raise StepClosed(redirect("cases:detail", case.pk))
    return case, policy


def action_view(action: Action) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a case page that takes ``action``: the view gets the case (see ``case_for_action``)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, case_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                case, _ = case_for_action(request, case_id, action)
            except StepClosed as closed:
                return closed.response
            return view(request, case, *args, **kwargs)

        return wrapped

    return decorate


# The hidden field a versioned form carries: the version of the record the page was read at, by which a
# stale edit is judged (DESIGN.md rule 5). A draft keeps the version it was typed against, so restoring it
# can never make an old draft look as if it had been typed on the record as it is now.
VERSION_FIELD = "version"

STALE_DRAFT_WARNING = (
    "We kept what you had typed, but someone else saved this page after you typed it. "
    "The case page shows what they saved: check it before you save yours."
)


@dataclass(frozen=True)
class RestoredDraft:
    """What ``restore_draft`` found: a draft at all (``bool(...)``), and whether it is stale, that is typed
    against a version of the record that someone else has since replaced."""

    found: bool = False
    stale: bool = False

    def __bool__(self) -> bool:
        return self.found


def restore_draft(request: HttpRequest, *page_forms: forms.Form) -> RestoredDraft:
    """Fill the page's unbound forms from the user's server-side draft for this page.

    Every case form goes through this (via ``draft_context``), so a form posted after the session ended, or
    autosaved, comes back as it was typed whichever page it is (DESIGN.md rule 5: nothing is lost). Each
    field reads its own value out of the kept POST data through its widget, so date parts (NAME-day, ...),
    radios, checkboxes and prefixed forms restore as well as free text. Call it after the view has added
    any fields of its own. The forms stay unbound: what was typed is shown without error messages.

    The draft's ``version`` is restored too: the text was typed against that version, and submitting it
    with the record's current one would silently overwrite whatever someone else saved in between. With the
    old version the stale-edit check refuses the submit, the text is shown back and the next save is a
    deliberate one (see ``refuse_stale_edit``). A draft kept without a version (saved before drafts kept one)
    leaves the version the page was read at, as before."""
    if request.method != "GET" or not request.user.is_authenticated:
        return RestoredDraft()
    data = draft_get(user=request.user, key=request.path)
    if not data:
        return RestoredDraft()
    kept = draft_as_querydict(data)
    restored = False
    typed_against: list[tuple[forms.Form, str]] = []
    for form in page_forms:
        if form.is_bound:
            continue
        for name, field in form.fields.items():
            html_name = form.add_prefix(name)
            if field.widget.value_omitted_from_data(kept, {}, html_name):
                continue
            value = field.widget.value_from_datadict(kept, {}, html_name)
            if name == VERSION_FIELD:
                if value not in (None, ""):  # an empty version would switch the stale-edit check off
                    typed_against.append((form, str(value)))
                continue
            form.initial[name] = value
            restored = True
    stale = False
    for form, version in typed_against if restored else []:  # a version alone is nothing the user typed
        current = form.initial.get(VERSION_FIELD, form.fields[VERSION_FIELD].initial)
        stale = stale or (current not in (None, "") and version != str(current))
        form.initial[VERSION_FIELD] = version
    return RestoredDraft(found=restored, stale=stale)


def has_long_text(*page_forms: forms.Form) -> bool:
    return any(isinstance(f.widget, forms.Textarea) for form in page_forms for f in form.fields.values())


def draft_context(request: HttpRequest, *page_forms: forms.Form, autosave: bool | None = None) -> dict[str, Any]:
    """The template context every case form page needs for rule 5: restore the user's draft into the forms
    and, for a form with long text (or when ``autosave`` says so), the address its fields autosave to.
    Templates mark the form ``data-autosave="{{ autosave_url }}"`` when it is set."""
    restored = restore_draft(request, *page_forms)
    if restored.stale:
        # One banner, not two: the stale warning says that the text was kept as well.
        messages.warning(request, STALE_DRAFT_WARNING)
    on = has_long_text(*page_forms) if autosave is None else autosave
    return {
        "draft_restored": bool(restored) and not restored.stale,
        "autosave_url": f"{reverse('draft_autosave')}?{urlencode({'key': request.path})}" if on else "",
    }


def form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    title: str,
    case: Case | None = None,
    submit: str = "Save",
    intro: str = "",
    fields: list[str] | None = None,
    status: int = 200,
    back: str = "",
    autosave: bool | None = None,
    multipart: bool = False,
    other_action: tuple[str, str] | None = None,
) -> HttpResponse:
    """One GOV.UK question page for simple forms: heading, error summary, fields, button. The user's draft
    is restored and a form with long text autosaves unless ``autosave`` says otherwise; an upload form does
    not autosave by default (the script would post the file every few seconds). ``other_action`` is a
    (text, address) link beside the button, such as removing what the form changes."""
    drafts = draft_context(request, form, autosave=False if multipart and autosave is None else autosave)
    return render(
        request,
        "cases/form_page.html",
        {
            "form": form,
            "title": title,
            "case": case,
            "submit": submit,
            "intro": intro,
            "fields": [form[f] for f in (fields or list(form.fields))],
            "page_has_errors": bool(form.errors),
            "back": back or (f"/cases/{case.pk}/" if case else "/home/"),
            "multipart": multipart,
            "other_action": other_action,
            **drafts,
        },
        status=status,
    )


def run_service(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[], Any],
    success: str,
    place_errors: Callable[[ServiceError], None] | None = None,
) -> bool:
    """Call a service; on a ServiceError show it on the form and return False (nothing was written).
    ``place_errors`` puts the service's field errors on a page with more than one form; a stale edit is
    refused as ``refuse_stale_edit`` says."""
    try:
        call()
    except StaleEdit as exc:
        refuse_stale_edit(request, form, exc)
        return False
    except ServiceError as exc:
        if place_errors is not None:
            place_errors(exc)
        else:
            apply_service_errors(form, exc)
        return False
    if request.method == "POST":
        draft_done(request)
    messages.success(request, success)
    return True


STALE_EDIT_NEXT_STEP = (
    "Your changes have not been saved: they are shown below and kept as a draft. The case page shows what "
    "they saved. If you save again, what is shown here replaces their changes."
)


def refuse_stale_edit(request: HttpRequest, form: forms.Form, exc: StaleEdit) -> None:
    """Someone else saved first (DESIGN.md rule 5): say so, keep the user's text, and make the next save a
    deliberate one rather than a loop of refusals.

    The bound form shows what was typed. Its hidden ``version`` becomes the one this request read the record
    at (the view's ``initial``), because the user has now been told about the other save: saving again, on
    purpose, replaces it. What was typed is kept as a draft with that version, so it survives leaving the
    page to look at the other person's changes, with or without the autosave script. The service's first
    sentence says who got there first; its advice to reload is for a page without drafts, so the page gives
    its own next step instead."""
    if isinstance(form.data, QueryDict):
        data = form.data.copy()  # every form on the page was bound to the same POST: children included
        current = form.initial.get(VERSION_FIELD)
        if VERSION_FIELD in form.fields and current not in (None, ""):
            data[form.add_prefix(VERSION_FIELD)] = str(current)
            form.data = data
        typed = draft_data_from_post(data)
        if request.method == "POST" and request.user.is_authenticated and typed:
            draft_save(user=request.user, key=request.path, data=typed)
    who_saved_first = exc.message.split(". ", 1)[0].rstrip(".")
    form.add_error(None, f"{who_saved_first}. {STALE_EDIT_NEXT_STEP}")


# --- lists and the case page ------------------------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    cases = selectors.cases_for_user(user=request.user).order_by("-created_at")
    access = access_for(request.user)
    return render(
        request,
        "cases/list.html",
        {
            "cases": cases,
            "can_refer": any(
                access.has_role(p, Role.BUSINESS_MANAGER, Role.AGENCY_CONTRIBUTOR) for p in access.partnership_ids()
            ),
            "can_notify": any(access.has_role(p, Role.BUSINESS_MANAGER) for p in access.partnership_ids()),
            "requests": selectors.agency_requests_for_contributor(user=request.user),
            "referrals": selectors.referrals_by_user(user=request.user),
        },
    )


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case(request, case_id, log_read=True)
    # What the reader may see of each step, and which steps they may take, is the case's policy
    # (cases/visibility.py), so the page, the API and the documents show the Panel the same: what was sent to
    # it, never a round still being decided (docs/cases.md).
    policy = case_policy(user=request.user, case=case)
    whole = policy.sees_local_detail
    notification = Notification.objects.filter(case=case).first()
    rr = policy.rapid_review()
    decisions = policy.decisions()
    similar = []
    if whole and rr is not None:
        from cspr.library.selectors import similar_reviews_for_text

        text = "\n\n".join(
            t
            for t in (
                case.summary,
                notification.description if notification else "",
                rr.learning_so_far,
                rr.family_context,
            )
            if t
        )
        similar = similar_reviews_for_text(text=text, limit=5) if text.strip() else []
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "whole": whole,
            **policy.flags(),
            "referral": Referral.objects.filter(case=case).first() if whole else None,
            "notification": notification,
            "eligibility": assess(notification, list(case.children.all())) if notification else None,
            "children": case.children.all() if whole else [],
            "rr": rr,
            "criteria": CRITERIA,
            "circumstances": CIRCUMSTANCES,
            "requests": case.agency_requests.select_related("organisation", "contributor") if whole else [],
            "episodes": case.episodes.all() if rr is not None else [],
            "actions": case.immediate_actions.all() if rr is not None else [],
            "decisions": decisions,
            "summary_only_rounds": [d.round for d in decisions if not policy.decision_in_full(d)],
            "panel_responses": case.panel_responses.all() if policy.sees_panel_responses else [],
            "clocks": selectors.clock_rows_for(user=request.user, case=case),
            # The Panel is told its own next step, not how far the partners' meeting has got.
            "steps": [s for s in next_steps(case, request.user, policy) if whole or s.who == "National Panel"],
            "similar": similar,
            "documents": policy.sees_documents,
            "attachments": policy.attachments(),
            "published_report_id": selectors.published_report_id(user=request.user, case=case),
        },
    )


@login_required
def case_audit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case(request, case_id)
    try:
        events = selectors.case_audit_trail(user=request.user, case=case)[:500]
    except NotFound:
        raise Http404 from None
    # The trail names who did what to the case: reading it is a read of case data, audited like the others.
    selectors.case_read_record(user=request.user, case=case, page="audit", request=request)
    return render(request, "cases/audit.html", {"case": case, "events": events})


@login_required
def case_calendar(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's milestones as an iCalendar file (pseudonym and milestone names only: no personal data)."""
    from cspr.cases.clocks import case_clocks
    from cspr.timescales import milestones_to_ics

    case = get_case(request, case_id)
    if not case_policy(user=request.user, case=case).sees_local_detail:
        raise Http404
    body = milestones_to_ics(
        case_reference=f"{case.reference} {case.pseudonym}",
        clocks=case_clocks(case),
        uid_domain=request.get_host().split(":")[0] or "cspr.invalid",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}.ics"'
    return response


# --- referral ------------------------------------------------------------------------------------------------


@login_required
def referral_new(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    choices = [
        (p.slug, p.name)
        for p in Partnership.objects.filter(pk__in=access.partnership_ids())
        if access.has_role(p.pk, Role.AGENCY_CONTRIBUTOR, Role.BUSINESS_MANAGER)
    ]
    if not choices:
        raise Http404
    form = ReferralForm(request.POST or None, partnerships=choices)
    if request.method == "POST" and form.is_valid():
        partnership = Partnership.objects.get(slug=form.cleaned_data["partnership"])
        result: dict[str, Case] = {}

        def call() -> None:
            result["case"] = services.referral_submit(
                actor=request.user,
                partnership=partnership,
                incident_date=form.cleaned_data["incident_date"],
                what_happened=form.cleaned_data["what_happened"],
                who_was_harmed=form.cleaned_data["who_was_harmed"],
                agency_knowledge=form.cleaned_data["agency_knowledge"],
                why_criteria_met=form.cleaned_data["why_criteria_met"],
                request=request,
            )

        if run_service(request, form, call, "Your referral has been sent to the partnership."):
            case = result["case"]
            if access.has_role(partnership.pk, Role.BUSINESS_MANAGER):
                return redirect("cases:detail", case.pk)
            return redirect("cases:list")
    return form_page(
        request,
        form=form,
        title="Refer an incident for a review",
        submit="Send referral",
        intro="Tell the safeguarding partnership about a child who has died or been seriously harmed "
        "where abuse or neglect is known or suspected, or another incident you think it should "
        "learn from.",
    )


@action_view(Action.SCREEN)
def referral_screen(request: HttpRequest, case: Case) -> HttpResponse:
    referral = Referral.objects.filter(case=case).first()
    if referral is None:
        raise Http404
    form = ScreeningForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            lambda: services.referral_screen(
                actor=request.user,
                case=case,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
                request=request,
            ),
            "The referral has been screened.",
        )
    ):
        return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/screen.html",
        {
            "case": case,
            "referral": referral,
            "form": form,
            "page_has_errors": bool(form.errors),
            **draft_context(request, form),
        },
    )


# --- notification ---------------------------------------------------------------------------------------------


@login_required
def notification_new(request: HttpRequest) -> HttpResponse:
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


def _child_forms(request: HttpRequest, case: Case) -> list[ChildForm]:
    children = list(case.children.all())
    result = []
    for i in range(CHILD_SLOTS):
        initial: dict[str, Any] = {}
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


@action_view(Action.CHANGE_NOTIFICATION)
def notification_edit(request: HttpRequest, case: Case) -> HttpResponse:
    notification = Notification.objects.filter(case=case).first()
    if notification is None:
        raise Http404
    initial = {name: getattr(notification, name) for name in NotificationForm.base_fields if name != "version"}
    initial["in_area"] = {True: "yes", False: "no"}.get(notification.in_area, "")  # type: ignore[arg-type]
    initial["version"] = case.version
    form = NotificationForm(request.POST or None, initial=initial)
    child_forms = _child_forms(request, case)
    drafts = draft_context(request, form, *child_forms)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in child_forms):
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        filled = [f for f in child_forms if f.cleaned_data.get("name") or f.cleaned_data.get("date_of_birth")]
        children = [dict(f.cleaned_data) for f in filled]
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
        )  # type: ignore[arg-type]
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
            "child_forms": child_forms,
            "child_slots": [(f, i == 0 or _child_slot_used(f)) for i, f in enumerate(child_forms)],
            "eligibility": eligibility,
            "clocks": [c for c in clock_rows(case) if c["id"] in {"notify-panel", "inform-partners"}],
            "page_has_errors": bool(form.errors) or any(f.errors for f in child_forms),
            **drafts,
        },
    )


@action_view(Action.SEND_NOTIFICATION)
def notification_sent(request: HttpRequest, case: Case) -> HttpResponse:
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


# --- rapid review -------------------------------------------------------------------------------------------


@action_view(Action.CHANGE_RAPID_REVIEW)
def rapid_review_edit(request: HttpRequest, case: Case) -> HttpResponse:
    rr = RapidReview.objects.filter(case=case).first()
    if rr is None:
        raise Http404
    initial: dict[str, Any] = {name: getattr(rr, name) for name in SECTION_FIELDS}
    for code, item in (rr.criteria or {}).items():
        initial[f"criterion_{code}_answer"] = item.get("answer", "")
        initial[f"criterion_{code}_reasons"] = item.get("reasons", "")
    initial["version"] = rr.version
    form = RapidReviewForm(request.POST or None, initial=initial)
    drafts = draft_context(request, form)
    if request.method == "POST" and form.is_valid():
        sections = {name: form.cleaned_data.get(name) for name in SECTION_FIELDS}
        if run_service(
            request,
            form,
            lambda: services.rapid_review_update(
                actor=request.user,
                case=case,
                version=form.cleaned_data["version"],
                sections=sections,
                criteria=form.criteria(),
                request=request,
            ),
            "The rapid review has been saved.",
        ):
            return redirect("cases:detail", case.pk)
    # The page shows the review's narratives about the child and family: one audited read per view.
    selectors.case_read_record(user=request.user, case=case, page="rapid_review", request=request)
    return render(
        request,
        "cases/rapid_review.html",
        {
            "case": case,
            "rr": rr,
            "form": form,
            "criteria": CRITERIA,
            "circumstances": CIRCUMSTANCES,
            "page_has_errors": bool(form.errors),
            **drafts,
            "clocks": [c for c in clock_rows(case) if c["id"] in {"agency-summaries", "rapid-review"}],
        },
    )


def _simple_case_form(
    action: Action,
    form_class: type[forms.Form],
    title: str,
    submit: str,
    success: str,
    service: Callable[..., Any],
    intro: str = "",
    autosave: bool | None = None,
    prepare: Callable[[HttpRequest, Case, forms.Form], None] | None = None,
    today_fields: tuple[str, ...] = (),
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A page that asks one form's questions and calls one service with the cleaned data.
    ``today_fields`` are date questions whose usual answer is today, filled in to save typing. The draft is
    restored and long text autosaves through ``form_page`` (rule 5), so no page built here can forget it."""

    @action_view(action)
    def view(request: HttpRequest, case: Case) -> HttpResponse:
        # Every page built here is one of the partnership's own steps (requests, chronology, actions, advice,
        # the family, the justification): whoever's role does not take the step, the Panel included, gets 404,
        # not a form that shows local dates and the partnership's contributors (rule 1).
        initial: dict[str, Any] = {name: timezone.localdate() for name in today_fields}
        form = form_class(request.POST or None, initial=initial)
        if prepare:
            prepare(request, case, form)
        if (
            request.method == "POST"
            and form.is_valid()
            and run_service(
                request,
                form,
                lambda: service(actor=request.user, case=case, **form.cleaned_data, request=request),
                success,
            )
        ):
            return redirect("cases:detail", case.pk)
        return form_page(request, form=form, case=case, title=title, submit=submit, intro=intro, autosave=autosave)

    return view


def _prepare_request_form(request: HttpRequest, case: Case, form: forms.Form) -> None:
    """Agencies and contributors of the case's partnership; the due date question says what a blank answer
    means, and once working day 10 has passed offers the service's proposed date instead of a past one."""
    from cspr.cases.clocks import due_date_for
    from cspr.cases.services.rapid_review import LATE_REQUEST_WORKING_DAYS, agency_request_proposed_due_date

    day_10 = due_date_for(case, "agency-summaries")
    if day_10 is not None and day_10 < timezone.localdate():
        proposed = agency_request_proposed_due_date(case)
        form.fields["due_date"].help_text = (
            f"Working day 10 of the rapid review was {day_10:%-d %B %Y}, which has passed. The date below is "
            f"{LATE_REQUEST_WORKING_DAYS} working days from today: change it if the agency needs longer."
        )
        form.initial.setdefault("due_date", proposed)
    elif day_10 is not None:
        form.fields["due_date"].help_text = f"Leave blank for working day 10 of the rapid review, {day_10:%-d %B %Y}."
    form.fields["organisation"].queryset = Organisation.objects.filter(partnership=case.partnership)  # type: ignore[attr-defined]
    contributors = User.objects.filter(
        memberships__partnership=case.partnership,
        memberships__role=Role.AGENCY_CONTRIBUTOR,
        memberships__removed_at__isnull=True,
    ).distinct()
    form.fields["contributor"].queryset = contributors  # type: ignore[attr-defined]
    form.fields["contributor"].label_from_instance = lambda u: (
        f"{u.full_name} ({
            ', '.join(  # type: ignore[attr-defined]
                m.organisation.name
                for m in Membership.objects.active()
                .filter(user=u, partnership=case.partnership, role=Role.AGENCY_CONTRIBUTOR)
                .select_related('organisation')
                if m.organisation
            )
        })"
    )


agency_request_new = _simple_case_form(
    Action.ASK_AGENCY,
    AgencyRequestForm,
    "Ask an agency for a summary of its involvement",
    "Send request",
    "The request has been sent. The contributor has been e-mailed.",
    services.agency_request_create,
    intro="The contributor sees only this request and what you share in it.",
    prepare=_prepare_request_form,
)
episode_add = _simple_case_form(
    Action.CHANGE_CHRONOLOGY,
    EpisodeForm,
    "Add a key practice episode",
    "Add episode",
    "The episode has been added to the chronology.",
    services.episode_add,
)
immediate_action_add = _simple_case_form(
    Action.CHANGE_CHRONOLOGY,
    ImmediateActionForm,
    "Record an immediate action",
    "Add action",
    "The action has been recorded.",
    services.immediate_action_add,
)


def _case_entry[Entry: (Episode, ImmediateAction)](case: Case, model: type[Entry], entry_id: int) -> Entry:
    """One of the case's chronology episodes or immediate actions; an entry of another case is a 404 (rule 1).
    The page's ``action_view`` has already let through only those who may change the chronology."""
    entry = model.objects.filter(case=case, pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


def _edit_entry(
    request: HttpRequest,
    case: Case,
    entry: Episode | ImmediateAction,
    *,
    form_class: type[forms.Form],
    update: Callable[..., Any],
    done: str,
    title: str,
    remove: tuple[str, str],
) -> HttpResponse:
    """The edit page of an episode or action: the form starts from the entry as read, with its fingerprint as
    ``version`` so a stale save is refused (rule 5); ``update`` is called with the cleaned answers."""
    initial = {name: getattr(entry, name) for name in form_class.base_fields if name != "version"}
    form = form_class(request.POST or None, initial={**initial, "version": record_version(entry)})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(request, form, lambda: update(**form.cleaned_data), done)
    ):
        return redirect("cases:detail", case.pk)
    return form_page(request, form=form, case=case, title=title, submit="Save changes", other_action=remove)


@action_view(Action.CHANGE_CHRONOLOGY)
def episode_edit(request: HttpRequest, case: Case, episode_id: int) -> HttpResponse:
    """Correct a chronology entry until the rapid review is sent (the service refuses after, with why)."""
    episode = _case_entry(case, Episode, episode_id)
    return _edit_entry(
        request,
        case,
        episode,
        form_class=EpisodeEditForm,
        update=lambda **answers: services.episode_update(
            actor=request.user, case=case, episode=episode, **answers, request=request
        ),
        done="The episode has been changed.",
        title="Change a key practice episode",
        remove=("Remove this episode", f"/cases/{case.pk}/rapid-review/episodes/{episode.pk}/remove/"),
    )


@action_view(Action.CHANGE_CHRONOLOGY)
def immediate_action_edit(request: HttpRequest, case: Case, action_id: int) -> HttpResponse:
    """Correct an immediate action until the rapid review is sent."""
    item = _case_entry(case, ImmediateAction, action_id)
    return _edit_entry(
        request,
        case,
        item,
        form_class=ImmediateActionEditForm,
        update=lambda **answers: services.immediate_action_update(
            actor=request.user, case=case, immediate_action=item, **answers, request=request
        ),
        done="The action has been changed.",
        title="Change an immediate action",
        remove=("Remove this action", f"/cases/{case.pk}/rapid-review/actions/{item.pk}/remove/"),
    )


def _confirm_remove(
    request: HttpRequest, case: Case, *, title: str, entry: list[tuple[str, str]], remove: Callable[[], Any], done: str
) -> HttpResponse:
    """Ask before removing (GET), remove through the service (POST); a refusal is shown on the page."""
    form = forms.Form(request.POST if request.method == "POST" else None)  # nothing to type: bound on POST
    if request.method == "POST" and form.is_valid() and run_service(request, form, remove, done):
        return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/confirm_remove.html",
        {"case": case, "form": form, "title": title, "entry": entry, "page_has_errors": bool(form.errors)},
    )


@action_view(Action.CHANGE_CHRONOLOGY)
def episode_remove(request: HttpRequest, case: Case, episode_id: int) -> HttpResponse:
    episode = _case_entry(case, Episode, episode_id)
    return _confirm_remove(
        request,
        case,
        title="Remove this episode from the chronology?",
        entry=[
            ("Date", f"{episode.date:%-d %B %Y}"),
            ("Agency", episode.agency),
            ("What happened", episode.what_happened),
        ],
        remove=lambda: services.episode_remove(actor=request.user, case=case, episode=episode, request=request),
        done="The episode has been removed from the chronology.",
    )


@action_view(Action.CHANGE_CHRONOLOGY)
def immediate_action_remove(request: HttpRequest, case: Case, action_id: int) -> HttpResponse:
    item = _case_entry(case, ImmediateAction, action_id)
    return _confirm_remove(
        request,
        case,
        title="Remove this immediate action?",
        entry=[("Action", item.action), ("Who took it", item.by_whom)],
        remove=lambda: services.immediate_action_remove(
            actor=request.user, case=case, immediate_action=item, request=request
        ),
        done="The action has been removed.",
    )


@login_required
def rapid_review_submit(request: HttpRequest, case_id: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    case, _ = case_for_action(request, case_id, Action.SUBMIT_FOR_DECISION)
    try:
        services.rapid_review_submit_for_decision(actor=request.user, case=case, request=request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The rapid review is with the decision makers.")
    return redirect("cases:detail", case.pk)


# --- agency contributors --------------------------------------------------------------------------------------


class ResponseForm(forms.Form):
    response = forms.CharField(
        label="Your agency's summary of its involvement",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="What your agency knew of the child and family, what it did, and what it thinks now.",
        error_messages={"required": "Enter your agency's summary"},
    )


@login_required
def agency_request_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        item = selectors.agency_request_get(user=request.user, request_id=request_id, request=request)
    except NotFound:
        raise Http404 from None
    form = ResponseForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            lambda: services.agency_request_respond(
                actor=request.user, agency_request=item, response=form.cleaned_data["response"], request=request
            ),
            "Thank you. Your summary has been sent to the partnership.",
        )
    ):
        return redirect("cases:list")
    return render(
        request,
        "cases/request_answer.html",
        {
            "item": item,
            "form": form,
            "answered": item.status != AgencyRequest.Status.OPEN,
            "page_has_errors": bool(form.errors),
            **draft_context(request, form),
        },
    )


def states_for_filter() -> list[tuple[str, str]]:
    return [("", "Any")] + [
        (s.value, s.label) for s in CaseState if s not in {CaseState.REFERRED, CaseState.NO_FURTHER_ACTION}
    ]
