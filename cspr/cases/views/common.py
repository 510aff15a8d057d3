"""What every case page shares: finding the case through the selectors and the reader's policy, the
decorator for a page that takes one action, and the page that asks one form's questions and calls one service."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cspr.cases import selectors
from cspr.cases.models import (
    Case,
    CaseState,
    Decision,
    PanelResponse,
)
from cspr.cases.visibility import Action, CasePolicy, case_policy
from cspr.core.errors import NotFound
from cspr.partnerships.types import AuthedRequest
from cspr.web.forms import draft_context, form_page, run_service


def get_case(request: AuthedRequest, case_id: int, *, log_read: bool = False) -> Case:
    try:
        return selectors.case_get(user=request.user, case_id=case_id, log_read=log_read, request=request)
    except NotFound:
        raise Http404 from None


class StepClosed(Exception):
    """The reader's role may take this step, but not at the case's stage: the page says why instead."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def case_for_action(request: AuthedRequest, case_id: int, action: Action) -> tuple[Case, CasePolicy]:
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
        def wrapped(request: AuthedRequest, case_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                case, _ = case_for_action(request, case_id, action)
            except StepClosed as closed:
                return closed.response
            return view(request, case, *args, **kwargs)

        return wrapped

    return decorate


def case_form_view(
    action: Action,
    form_class: type[forms.Form],
    title: str,
    submit: str,
    success: str,
    service: Callable[..., Any],
    intro: str = "",
    autosave: bool | None = None,
    prepare: Callable[[AuthedRequest, Case, forms.Form], None] | None = None,
    today_fields: tuple[str, ...] = (),
    context: Callable[[Case], dict[str, Any]] | None = None,
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A page that asks one form's questions and calls one service with the cleaned data.
    ``today_fields`` are date questions whose usual answer is today, filled in to save typing. The draft is
    restored and long text autosaves through ``form_page`` (rule 5), so no page built here can forget it.
    ``context`` gives what the page shows above the questions (``cases/step_form.html``), such as the Panel's
    challenge in a second round."""

    @action_view(action)
    def view(request: AuthedRequest, case: Case) -> HttpResponse:
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
        if context is not None:
            return step_form_page(
                request, form=form, case=case, title=title, submit=submit, intro=intro, extra=context(case)
            )
        return form_page(request, form=form, case=case, title=title, submit=submit, intro=intro, autosave=autosave)

    return view


def step_form_page(
    request: AuthedRequest,
    *,
    form: forms.Form,
    case: Case,
    title: str,
    submit: str,
    intro: str = "",
    extra: dict[str, Any],
    template: str = "cases/step_form.html",
) -> HttpResponse:
    """A step's question page, like ``form_page`` (error summary, draft restored, long text autosaved: rule 5),
    with what the person needs to read before answering shown above the questions."""
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "case": case,
            "submit": submit,
            "intro": intro,
            "fields": [form[f] for f in form.fields],
            "page_has_errors": bool(form.errors),
            "back": f"/cases/{case.pk}/",
            **extra,
            **draft_context(request, form),
        },
    )


def panel_challenge(case: Case, decision: Decision | None) -> PanelResponse | None:
    """The Panel's challenge that opened ``decision``'s round (a round after the first), or None: the vote,
    advice and justification pages of a second round show it with its reasons (DOMAIN.md step 5)."""
    if decision is None or decision.round < 2:
        return None
    return (
        PanelResponse.objects.filter(
            case=case, decision__round=decision.round - 1, response=PanelResponse.Response.CHALLENGE
        )
        .order_by("-recorded_at", "-pk")
        .first()
    )


def latest_decision(case: Case) -> Decision | None:
    return Decision.objects.filter(case=case).order_by("-round").first()


def challenge_context(case: Case) -> dict[str, Any]:
    decision = latest_decision(case)
    return {"decision": decision, "challenge": panel_challenge(case, decision)}


def add_every_error(form: forms.Form, errors: Mapping[str, str]) -> None:
    """Put the service's rules' errors on a form that already has errors of its own, on each field that has
    none yet, so a person is told everything wrong in one round rather than one stage at a time (issue 12,
    item 3). The service still checks them all again when the form is sent."""
    for name, message in errors.items():
        if name in form.fields and not form.has_error(name):
            form.add_error(name, message)


FILE_NOT_KEPT = "Select the file again: for your security a chosen file is not kept when another answer has a problem"


def ask_for_file_again(request: HttpRequest, form: forms.Form, field: str = "file") -> None:
    """A browser never fills a file question in again, so a file chosen on a form that came back with another
    error is lost without a word. Say so on the file question, and ask for it again."""
    if request.method == "POST" and request.FILES.get(field) and form.errors and not form.has_error(field):
        form.add_error(field, FILE_NOT_KEPT)


def states_for_filter() -> list[tuple[str, str]]:
    return [("", "Any")] + [
        (s.value, s.label) for s in CaseState if s not in {CaseState.REFERRED, CaseState.NO_FURTHER_ACTION}
    ]
