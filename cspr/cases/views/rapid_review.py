"""The rapid review: its write-up, agency requests, chronology and immediate actions, and sending it to the
partners' decision (DOMAIN.md step 3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cspr.cases import selectors, services
from cspr.cases.clocks import clock_rows
from cspr.cases.forms import (
    AgencyRequestForm,
    EpisodeEditForm,
    EpisodeForm,
    ImmediateActionEditForm,
    ImmediateActionForm,
    RapidReviewForm,
)
from cspr.cases.models import (
    Case,
    Episode,
    ImmediateAction,
    RapidReview,
)
from cspr.cases.rules.regulation11 import CIRCUMSTANCES, CRITERIA
from cspr.cases.services.rapid_review import SECTION_FIELDS, record_version
from cspr.cases.views.common import action_view, case_for_action, case_form_view
from cspr.cases.visibility import Action
from cspr.core.errors import ServiceError
from cspr.partnerships.models import Membership, Organisation, User
from cspr.partnerships.roles import Role
from cspr.partnerships.types import AuthedRequest
from cspr.web.forms import draft_context, form_page, run_service

# --- rapid review -------------------------------------------------------------------------------------------


@action_view(Action.CHANGE_RAPID_REVIEW)
def rapid_review_edit(request: AuthedRequest, case: Case) -> HttpResponse:
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


def _prepare_request_form(request: AuthedRequest, case: Case, form: forms.Form) -> None:
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
    # Both are ModelChoiceFields, which the stubs see as a plain Field through form.fields.
    form.fields["organisation"].queryset = Organisation.objects.filter(partnership=case.partnership)  # type: ignore[attr-defined]
    contributors = User.objects.filter(
        memberships__partnership=case.partnership,
        memberships__role=Role.AGENCY_CONTRIBUTOR,
        memberships__removed_at__isnull=True,
    ).distinct()
    form.fields["contributor"].queryset = contributors  # type: ignore[attr-defined]
    form.fields["contributor"].label_from_instance = lambda u: (  # type: ignore[attr-defined]  # a ModelChoiceField
        f"{u.full_name} ({
            ', '.join(
                m.organisation.name
                for m in Membership.objects.active()
                .filter(user=u, partnership=case.partnership, role=Role.AGENCY_CONTRIBUTOR)
                .select_related('organisation')
                if m.organisation
            )
        })"
    )


agency_request_new = case_form_view(
    Action.ASK_AGENCY,
    AgencyRequestForm,
    "Ask an agency for a summary of its involvement",
    "Send request",
    "The request has been sent. The contributor has been e-mailed.",
    services.agency_request_create,
    intro="The contributor sees only this request and what you share in it.",
    prepare=_prepare_request_form,
)
episode_add = case_form_view(
    Action.CHANGE_CHRONOLOGY,
    EpisodeForm,
    "Add a key practice episode",
    "Add episode",
    "The episode has been added to the chronology.",
    services.episode_add,
)
immediate_action_add = case_form_view(
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
    request: AuthedRequest,
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
def episode_edit(request: AuthedRequest, case: Case, episode_id: int) -> HttpResponse:
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
def immediate_action_edit(request: AuthedRequest, case: Case, action_id: int) -> HttpResponse:
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
    request: AuthedRequest,
    case: Case,
    *,
    title: str,
    entry: list[tuple[str, str]],
    remove: Callable[[], Any],
    done: str,
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
def episode_remove(request: AuthedRequest, case: Case, episode_id: int) -> HttpResponse:
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
def immediate_action_remove(request: AuthedRequest, case: Case, action_id: int) -> HttpResponse:
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
def rapid_review_submit(request: AuthedRequest, case_id: int) -> HttpResponse:
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
