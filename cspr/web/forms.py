"""Form pages and their plumbing, for every app's pages: restoring a server-side draft into the forms, the
autosave address, one GOV.UK question page, calling a service and showing its errors, and refusing a stale
edit while keeping what was typed (DESIGN.md rule 5: nothing is lost)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from cspr.core.drafts import draft_as_querydict, draft_data_from_post, draft_done, draft_get, draft_save
from cspr.core.errors import ServiceError, StaleEdit
from cspr.partnerships.types import AuthedRequest
from cspr.partnerships.views import apply_service_errors


class CaseHeading(Protocol):
    """What a form page shows of the record it is about: the caption above the heading and the way back."""

    pk: Any
    reference: str
    pseudonym: str


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


def restore_draft(request: AuthedRequest, *page_forms: forms.Form) -> RestoredDraft:
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


def draft_context(request: AuthedRequest, *page_forms: forms.Form, autosave: bool | None = None) -> dict[str, Any]:
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
    request: AuthedRequest,
    *,
    form: forms.Form,
    title: str,
    case: CaseHeading | None = None,
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
        "web/form_page.html",
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
    request: AuthedRequest,
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


def refuse_stale_edit(request: AuthedRequest, form: forms.Form, exc: StaleEdit) -> None:
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
