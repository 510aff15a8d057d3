"""Every change to partnerships, people and access (DESIGN.md rule 2: one door per write, audited)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from cspr.audit.services import audit_record
from cspr.core import dbscope
from cspr.core.errors import NotAllowed, NotFound, TooManyAttempts, ValidationFailed
from cspr.partnerships.models import (
    NATION_CHOICES,
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    TaskEmails,
    User,
)
from cspr.partnerships.roles import NATIONAL_ROLES, PEOPLE_ADMIN_ROLES, Role
from cspr.partnerships.selectors import access_for, forget_access

INVITATION_VALID_DAYS = 7


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _require_people_admin(actor: User | None, partnership: Partnership | None) -> None:
    access = access_for(actor)
    if access.is_system_admin:
        return
    if partnership is None or not access.has_role(partnership.pk, *PEOPLE_ADMIN_ROLES):
        # The actor may not even know the partnership exists: not found, not forbidden (rule 1).
        raise NotFound("No partnership with that address is available to you.")


def partnership_create(*, actor: User | None, name: str, nation: str = "england", slug: str = "") -> Partnership:
    if actor is not None and not access_for(actor).is_system_admin:
        raise NotAllowed("Only a system administrator can create a partnership.")
    name = name.strip()
    if not name:
        raise ValidationFailed("Enter the partnership's name.", field_errors={"name": "Enter the partnership's name"})
    if nation not in dict(NATION_CHOICES):
        raise ValidationFailed(
            "Choose the partnership's nation.",
            field_errors={"nation": "Choose England, Wales, Scotland or Northern Ireland"},
        )
    slug = slugify(slug or name)[:80]
    with transaction.atomic():
        if Partnership.objects.filter(name__iexact=name).exists() or Partnership.objects.filter(slug=slug).exists():
            raise ValidationFailed(
                "A partnership with that name already exists.",
                field_errors={"name": "A partnership with that name already exists"},
            )
        partnership = Partnership.objects.create(name=name, slug=slug, nation=nation)
        audit_record(
            actor=actor,
            action="partnership.created",
            partnership=partnership,
            target=partnership,
            after={"name": name, "nation": nation},
        )
    return partnership


def organisation_create(*, actor: User | None, partnership: Partnership, name: str, kind: str) -> Organisation:
    if actor is not None:
        _require_people_admin(actor, partnership)
    name = name.strip()
    if kind not in Organisation.Kind.values:
        raise ValidationFailed("Choose the kind of agency.", field_errors={"kind": "Choose the kind of agency"})
    if not name:
        raise ValidationFailed("Enter the agency's name.", field_errors={"name": "Enter the agency's name"})
    with transaction.atomic():
        if Organisation.objects.filter(partnership=partnership, name__iexact=name).exists():
            raise ValidationFailed(
                "That agency is already part of this partnership.",
                field_errors={"name": "That agency is already part of this partnership"},
            )
        organisation = Organisation.objects.create(partnership=partnership, name=name, kind=kind)
        audit_record(
            actor=actor,
            action="organisation.created",
            partnership=partnership,
            target=organisation,
            after={"name": name, "kind": kind},
        )
    return organisation


def _check_role_for_partnership(role: str, partnership: Partnership | None, organisation: Organisation | None) -> Role:
    try:
        role_enum = Role(role)
    except ValueError:
        raise ValidationFailed("Choose a role.", field_errors={"role": "Choose a role from the list"}) from None
    if role_enum in NATIONAL_ROLES and partnership is not None:
        raise ValidationFailed(
            "That role is national and cannot be given within a partnership.",
            field_errors={"role": "Choose a role held within the partnership"},
        )
    if role_enum not in NATIONAL_ROLES and partnership is None:
        raise ValidationFailed("Choose the partnership for this role.", field_errors={"role": "Choose a partnership"})
    if organisation is not None and partnership is not None and organisation.partnership_id != partnership.pk:
        raise ValidationFailed(
            "That agency is not part of this partnership.",
            field_errors={"organisation": "Choose an agency of this partnership"},
        )
    if role_enum is Role.AGENCY_CONTRIBUTOR and organisation is None:
        raise ValidationFailed(
            "Choose the agency this contributor works for.",
            field_errors={"organisation": "Choose the agency this contributor works for"},
        )
    return role_enum


def invitation_create(
    *,
    actor: User,
    partnership: Partnership | None,
    email: str,
    full_name: str,
    role: str,
    organisation: Organisation | None = None,
    request: HttpRequest | None = None,
) -> tuple[Invitation, str]:
    """Invite a person by e-mail. Returns the invitation and the one-time token (only its hash is kept)."""
    _require_people_admin(actor, partnership)
    errors: dict[str, str] = {}
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter an e-mail address in the correct format, like name@example.gov.uk"
    if not full_name.strip():
        errors["full_name"] = "Enter the person's full name"
    if errors:
        raise ValidationFailed("There is a problem with the invitation.", field_errors=errors)
    role_enum = _check_role_for_partnership(role, partnership, organisation)
    if role_enum in NATIONAL_ROLES and not access_for(actor).is_system_admin:
        raise NotAllowed("Only a system administrator can give a national role.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        if existing and Membership.objects.active().filter(user=existing, partnership=partnership, role=role).exists():
            raise ValidationFailed(
                "That person already has this role in the partnership.",
                field_errors={"email": "That person already has this role in the partnership"},
            )
        invitation = Invitation.objects.create(
            partnership=partnership,
            organisation=organisation,
            email=email,
            full_name=full_name.strip(),
            role=role_enum.value,
            token_hash=_sha256(token),
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=INVITATION_VALID_DAYS),
        )
        audit_record(
            actor=actor,
            action="invitation.created",
            partnership=partnership,
            target=invitation,
            after={"email": email, "role": role_enum.value, "organisation": organisation},
            request=request,
        )
        link = f"{settings.SITE_URL}/invitations/{token}/"
        where = partnership.name if partnership else "the national Panel"
        transaction.on_commit(
            lambda: send_mail(
                subject=f"You have been invited to {settings.SERVICE_NAME}",
                message=(
                    f"{actor.full_name} has invited you to join {where} as {role_enum.label}.\n\n"
                    f"Accept within {INVITATION_VALID_DAYS} days: {link}\n\n"
                    "You will choose a password and set up two-factor authentication."
                ),
                from_email=None,
                recipient_list=[email],
            )
        )
    return invitation, token


def invitation_by_token(token: str) -> Invitation:
    # The link's token is the credential, and nobody whose partnerships could scope the lookup is signed in
    # yet: the one read of partnership data a request makes in the system scope (cspr/core/dbscope.py).
    with dbscope.system():
        invitation = Invitation.objects.filter(token_hash=_sha256(token)).select_related("partnership").first()
    if invitation is None or not invitation.is_open:
        raise NotFound("This invitation link is not valid. It may have expired or been used already.")
    return invitation


def invitation_accept(*, token: str, password: str, request: HttpRequest | None = None) -> User:
    """Accept an invitation: create the account (or add the role to an existing one) and the membership.

    For an existing account the link alone is not proof of identity, so its password is asked too, and that
    password step is throttled as sign-in is (django-axes, issue "Prove it holds", defect 7): the check goes
    through ``authenticate`` so a failure here counts towards the same lockout as a failure at sign-in, and is
    made before the transaction, so the recorded failure is not rolled back with the refusal.

    Runs in the system scope of PostgreSQL's row-level security: the token is the credential, and the person it
    makes a member holds no membership of that partnership until the transaction commits."""
    with dbscope.system():
        return _invitation_accept(token=token, password=password, request=request)


def _invitation_accept(*, token: str, password: str, request: HttpRequest | None) -> User:
    invitation = invitation_by_token(token)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        _check_existing_password(existing, password, request)
    with transaction.atomic():
        invitation = invitation_by_token(token)
        Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is None:
            candidate = User(email=invitation.email, full_name=invitation.full_name)
            try:
                validate_password(password, user=candidate)
            except ValidationError as exc:
                raise ValidationFailed(
                    "Choose a stronger password.", field_errors={"password1": " ".join(exc.messages)}
                ) from exc
            user = User.objects.create_user(invitation.email, password, full_name=invitation.full_name)
        elif existing is None or user.pk != existing.pk:
            # The account appeared while the password was checked: check it against this one.
            _check_existing_password(user, password, request)
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user,
                    partnership=invitation.partnership,
                    organisation=invitation.organisation,
                    role=invitation.role,
                )
        except IntegrityError:
            raise ValidationFailed("You already hold this role.") from None
        forget_access()  # the new role counts from the next question in this request
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            actor=user,
            action="invitation.accepted",
            partnership=invitation.partnership,
            target=membership,
            after={"role": invitation.role},
            request=request,
        )
    return user


def _check_existing_password(user: User, password: str, request: HttpRequest | None) -> None:
    """The existing account's password, checked through django-axes when there is a request (the page and
    the API), so repeated wrong passwords lock the account for everyone as at sign-in."""
    if request is None:
        if not user.check_password(password):
            raise ValidationFailed(
                "The password is not correct.", field_errors={"password1": "The password is not correct"}
            )
        return
    authenticated = authenticate(request, username=user.email, password=password)
    if getattr(request, "axes_locked_out", False):
        raise TooManyAttempts(
            "There were too many attempts with a wrong password. To protect the information in this service, "
            "you cannot accept this invitation or sign in for 30 minutes."
        )
    if authenticated is None or authenticated.pk != user.pk:
        raise ValidationFailed(
            "The password is not correct.", field_errors={"password1": "The password is not correct"}
        )


def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    _require_people_admin(actor, invitation.partnership)
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="invitation.revoked", partnership=invitation.partnership, target=invitation)


def membership_add(
    *,
    actor: User | None,
    user: User,
    partnership: Partnership | None,
    role: str,
    organisation: Organisation | None = None,
) -> Membership:
    """Give an existing account a role directly (system administrators, the demo and the command line)."""
    if actor is not None:
        if partnership is None or Role(role) in NATIONAL_ROLES:
            if not access_for(actor).is_system_admin:
                raise NotAllowed("Only a system administrator can give a national role.")
        else:
            _require_people_admin(actor, partnership)
    _check_role_for_partnership(role, partnership, organisation)
    with transaction.atomic():
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user, partnership=partnership, organisation=organisation, role=role
                )
        except IntegrityError:
            raise ValidationFailed("That person already has this role.") from None
        forget_access()  # the new role counts from the next question in this request
        audit_record(
            actor=actor,
            action="membership.added",
            partnership=partnership,
            target=membership,
            after={"user": user.pk, "role": role, "organisation": organisation},
        )
    return membership


def membership_remove(*, actor: User, membership: Membership, request: HttpRequest | None = None) -> None:
    """Remove a role. The membership row stays (removed_at) so the audit trail still names the person."""
    _require_people_admin(actor, membership.partnership)
    if membership.user_id == actor.pk and membership.role in {r.value for r in PEOPLE_ADMIN_ROLES}:
        raise NotAllowed(
            "You cannot remove your own business manager role. Ask another business manager or an administrator."
        )
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.removed_at is not None:
            raise ValidationFailed("That role was already removed.")
        locked.removed_at = timezone.now()
        locked.save(update_fields=["removed_at"])
        forget_access()  # the removed role stops counting at once, in this request too
        audit_record(
            actor=actor,
            action="membership.removed",
            partnership=membership.partnership,
            target=locked,
            before={"user": membership.user_id, "role": membership.role},
            request=request,
        )


def user_create(*, actor: User | None, email: str, full_name: str, password: str | None) -> User:
    if actor is not None and not access_for(actor).is_system_admin:
        raise NotAllowed("Only a system administrator can create accounts directly; invite people instead.")
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationFailed("An account with that e-mail address already exists.")
        user = User.objects.create_user(email, password, full_name=full_name)
        audit_record(actor=actor, action="user.created", target=user, after={"email": user.email})
    return user


def user_set_task_emails(*, actor: User, choice: str, request: HttpRequest | None = None) -> User:
    """A person chooses how they hear of what waits for them (issue 12): an e-mail when a task is given to them
    and the daily digest, or the digest only. Their own setting only; audited like every write (rule 2)."""
    if choice not in TaskEmails.values:
        raise ValidationFailed(
            "Choose how you want to be told.",
            field_errors={"task_emails": "Choose how you want to be told of new tasks"},
        )
    with transaction.atomic():
        before = User.objects.select_for_update().values_list("task_emails", flat=True).get(pk=actor.pk)
        User.objects.filter(pk=actor.pk).update(task_emails=choice)
        actor.task_emails = choice
        audit_record(
            actor=actor,
            action="user.task_emails_changed",
            target=actor,
            before={"task_emails": before},
            after={"task_emails": choice},
            request=request,
        )
    return actor


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A personal API token. The raw value is shown once; it acts with exactly the owner's memberships."""
    name = name.strip()
    if not name:
        raise ValidationFailed("Name the token.", field_errors={"name": "Enter a name, like 'Case system link'"})
    raw = settings.API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name[:100], token_hash=_sha256(raw), prefix=raw[:12])
        audit_record(actor=actor, action="api_token.created", target=token, after={"name": token.name})
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise NotFound("No such token.")
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoked", target=token)


def api_token_authenticate(raw: str) -> User | None:
    token = ApiToken.objects.filter(token_hash=_sha256(raw), revoked_at__isnull=True).select_related("user").first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
