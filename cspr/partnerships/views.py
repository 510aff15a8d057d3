"""Pages for people and access: home, account, the business manager's people administration, invitations.

Views are thin: they read through selectors, write through services, and turn service errors into GOV.UK
error messages (DESIGN.md rules 1 and 2).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cspr.core.drafts import draft_done, draft_restore
from cspr.core.errors import NotFound, ServiceError, TooManyAttempts
from cspr.core.pagination import paginate
from cspr.partnerships import selectors, services
from cspr.partnerships.forms import ApiTokenForm, InviteForm, OrganisationForm, SetPasswordForm, TaskEmailsForm
from cspr.partnerships.models import ApiToken, Invitation, Partnership
from cspr.partnerships.types import AuthedRequest


def apply_service_errors(form: forms.BaseForm, exc: ServiceError) -> None:
    """Show a service's validation errors against the form's fields; those naming no field of the form at the top
    of it, so none is lost (and the service's own message when nothing else says what is wrong)."""
    unplaced = [message for name, message in exc.field_errors.items() if name not in form.fields]
    for name, message in exc.field_errors.items():
        if name in form.fields:
            form.add_error(name, message)
    if len(unplaced) == len(exc.field_errors):
        form.add_error(None, exc.message)
    for message in unplaced:
        if message != exc.message:
            form.add_error(None, message)


def start(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "partnerships/start.html", {})


def _account_page(
    request: AuthedRequest, form: ApiTokenForm, task_emails_form: TaskEmailsForm | None = None, **context: object
) -> HttpResponse:
    return render(
        request,
        "partnerships/account.html",
        {
            "memberships": selectors.user_memberships(user=request.user),
            "tokens": selectors.api_tokens_for_user(user=request.user),
            "form": form,
            "task_emails_form": task_emails_form or TaskEmailsForm(initial={"task_emails": request.user.task_emails}),
            **context,
        },
    )


@login_required
def account(request: AuthedRequest) -> HttpResponse:
    """The person's account. A POST is their choice of task e-mails (issue 12), the one form posted here; the
    CSRF middleware checks it like every POST."""
    if request.method == "POST":
        return _task_emails_choose(request)
    return _account_page(request, ApiTokenForm(), new_token=request.session.pop("cspr_new_token", None))


def _task_emails_choose(request: AuthedRequest) -> HttpResponse:
    form = TaskEmailsForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_task_emails(actor=request.user, choice=form.cleaned_data["task_emails"], request=request)
        except ServiceError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                "You will get an e-mail when something is given to you, and a daily digest."
                if form.cleaned_data["task_emails"] == "immediate"
                else "You will get the daily digest only.",
            )
            return redirect("account")
    return _account_page(request, ApiTokenForm(), task_emails_form=form, page_has_errors=True)


@login_required
def api_token_create(request: AuthedRequest) -> HttpResponse:
    """Create a token (POST). A GET comes back here after an idle sign-out ended the session while the form
    was being posted: the account page is shown with the token's name kept from the draft."""
    if request.method != "POST":
        initial = draft_restore(request)
        return _account_page(request, ApiTokenForm(initial=initial), draft_restored=bool(initial))
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            _, raw = services.api_token_create(actor=request.user, name=form.cleaned_data["name"])
        except ServiceError as exc:
            apply_service_errors(form, exc)
        else:
            draft_done(request)
            request.session["cspr_new_token"] = raw
            return redirect("account")
    return _account_page(request, form, page_has_errors=True)


@login_required
@require_POST
def api_token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=token_id, user=request.user, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"The token '{token.name}' no longer works.")
    return redirect("account")


def _people_partnership(request: AuthedRequest, slug: str) -> Partnership:
    try:
        return selectors.partnership_for_people_admin(user=request.user, slug=slug)
    except NotFound:
        raise Http404 from None


@login_required
def people(request: AuthedRequest, slug: str) -> HttpResponse:
    """The partnership's members and open invitations, each a page at a time with its own ``?..._page=``
    (DESIGN.md rule 8: lists are bounded), reading only the columns shown."""
    partnership = _people_partnership(request, slug)
    return render(
        request,
        "partnerships/people.html",
        {
            "partnership": partnership,
            "memberships": paginate(
                request,
                selectors.memberships_in_partnership(user=request.user, partnership=partnership).only(
                    "pk", "role", "user__full_name", "user__email", "organisation__name"
                ),
                noun="member",
                param="members_page",
            ),
            "invitations": paginate(
                request,
                selectors.open_invitations(user=request.user, partnership=partnership).only(
                    "pk", "email", "role", "expires_at"
                ),
                noun="invitation",
                label="Pages of invitations not yet accepted",
                param="invitations_page",
            ),
            "organisations": selectors.organisations_in_partnership(user=request.user, partnership=partnership),
        },
    )


@login_required
def person_invite(request: AuthedRequest, slug: str) -> HttpResponse:
    partnership = _people_partnership(request, slug)
    initial = draft_restore(request)
    form = InviteForm(request.POST or None, partnership=partnership, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = services.invitation_create(
                actor=request.user,
                partnership=partnership,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                request=request,
            )
        except ServiceError as exc:
            apply_service_errors(form, exc)
        else:
            draft_done(request)
            messages.success(request, f"We have sent an invitation to {invitation.email}. It lasts 7 days.")
            return redirect("people", slug=partnership.slug)
    return render(
        request,
        "partnerships/invite.html",
        {
            "partnership": partnership,
            "form": form,
            "page_has_errors": bool(form.errors),
            "draft_restored": bool(initial),
        },
    )


@login_required
def organisation_add(request: AuthedRequest, slug: str) -> HttpResponse:
    partnership = _people_partnership(request, slug)
    initial = draft_restore(request)
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_create(actor=request.user, partnership=partnership, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_errors(form, exc)
        else:
            draft_done(request)
            messages.success(request, f"{form.cleaned_data['name']} is now an agency of {partnership.name}.")
            return redirect("people", slug=partnership.slug)
    return render(
        request,
        "partnerships/organisation_add.html",
        {
            "partnership": partnership,
            "form": form,
            "page_has_errors": bool(form.errors),
            "draft_restored": bool(initial),
        },
    )


@login_required
def person_remove(request: AuthedRequest, slug: str, membership_id: int) -> HttpResponse:
    partnership = _people_partnership(request, slug)
    try:
        membership = selectors.membership_get_for_admin(
            user=request.user, partnership=partnership, membership_id=membership_id
        )
    except NotFound:
        raise Http404 from None
    error = ""
    if request.method == "POST":
        try:
            services.membership_remove(actor=request.user, membership=membership, request=request)
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, f"{membership.user.full_name} is no longer {membership.role_label.lower()}.")
            return redirect("people", slug=partnership.slug)
    return render(
        request,
        "partnerships/person_remove.html",
        {"partnership": partnership, "membership": membership, "error": error},
    )


@login_required
@require_POST
def invitation_revoke(request: AuthedRequest, slug: str, invitation_id: int) -> HttpResponse:
    partnership = _people_partnership(request, slug)
    invitation = Invitation.objects.filter(pk=invitation_id, partnership=partnership).first()
    if invitation is None:
        raise Http404
    services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("people", slug=partnership.slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_by_token(token)
    except NotFound:
        return render(request, "partnerships/invitation_invalid.html", {}, status=404)
    existing = selectors.user_by_email(invitation.email)
    form = SetPasswordForm(request.POST or None)
    if existing is not None:
        # Someone who already has an account signs in as usual and accepts with their existing password.
        form.fields["password1"].label = "Your current password"
        del form.fields["password2"]
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password1"], request=request)
        except TooManyAttempts:
            # The same page and 429 as a sign-in lockout (issue "Prove it holds", defect 7).
            return render(request, "partnerships/locked_out.html", {}, status=429)
        except ServiceError as exc:
            apply_service_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("two_factor")
    return render(
        request,
        "partnerships/invitation_accept.html",
        {"invitation": invitation, "form": form, "existing": existing, "page_has_errors": bool(form.errors)},
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "partnerships/accessibility.html", {})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "partnerships/privacy.html", {})


def healthz(request: HttpRequest) -> HttpResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
