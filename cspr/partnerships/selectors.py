"""Every read of partnership data starts here: what a user may see follows only from their memberships
(DESIGN.md rule 1). A record outside them is reported as not found, never as forbidden."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from cspr.core import dbscope
from cspr.core.errors import NotFound
from cspr.partnerships.models import ApiToken, Invitation, Membership, Organisation, Partnership, User
from cspr.partnerships.roles import PARTNERSHIP_WIDE_ROLES, PEOPLE_ADMIN_ROLES, Role
from cspr.partnerships.types import Viewer


@dataclass(frozen=True)
class Access:
    """What one user may reach, computed once per request from their active memberships."""

    user_id: int | None
    roles_by_partnership: dict[int, frozenset[Role]] = field(default_factory=dict)
    national_roles: frozenset[Role] = frozenset()
    organisation_ids: frozenset[int] = frozenset()

    @property
    def is_panel(self) -> bool:
        return Role.PANEL_MEMBER in self.national_roles

    @property
    def is_system_admin(self) -> bool:
        return Role.SYSTEM_ADMIN in self.national_roles

    def roles_in(self, partnership_id: int | None) -> frozenset[Role]:
        if partnership_id is None:
            return frozenset()
        return self.roles_by_partnership.get(partnership_id, frozenset())

    def has_role(self, partnership_id: int | None, *roles: Role) -> bool:
        return bool(self.roles_in(partnership_id) & set(roles))

    def partnership_ids(self) -> list[int]:
        return sorted(self.roles_by_partnership)

    def partnership_wide_ids(self) -> list[int]:
        """Partnerships whose every case this user may read (business manager, decision maker, scrutineer,
        auditor)."""
        return sorted(p for p, roles in self.roles_by_partnership.items() if roles & PARTNERSHIP_WIDE_ROLES)


def _second_factor_missing(user: User | AnonymousUser) -> bool:
    """True for a request's user who signed in with a password but not (yet) the second factor.

    django-otp's middleware gives the request's user ``is_verified()``; users reached any other way (a bearer
    token, which is issued only after a full sign-in, the command line, a background task) carry no such
    method and are trusted through their own channel."""
    is_verified = getattr(user, "is_verified", None)
    return callable(is_verified) and not is_verified()


# One request asks "what may this person reach" from the page, its policy, its next steps and its home
# panels: the home page read the memberships five times. Within a request (AccessCacheMiddleware opens the
# scope) the answer is read once per person; any membership write in the request clears it (forget_access), and
# outside a request (commands, tests, tasks) nothing is kept, so no answer outlives the request it was read in.
_request_access: ContextVar[dict[int, Access] | None] = ContextVar("cspr_request_access", default=None)


@contextmanager
def access_cache() -> Iterator[None]:
    """Keep each person's access for the length of the block (one request)."""
    token = _request_access.set({})
    try:
        yield
    finally:
        _request_access.reset(token)


def forget_access() -> None:
    """A membership changed: the next question in this request reads the memberships again."""
    cache = _request_access.get()
    if cache is not None:
        cache.clear()


def access_for(user: Viewer) -> Access:
    """What ``user`` may reach. A half signed-in user (password only) reaches what an anonymous visitor does:
    a second wall behind TwoFactorRequiredMiddleware, so a page left open to them leaks nothing."""
    if user is None or not user.is_authenticated or not user.is_active or _second_factor_missing(user):
        return Access(user_id=None)
    cache = _request_access.get()
    if cache is not None:
        if user.pk not in cache:
            cache[user.pk] = _read_access(user)
        return cache[user.pk]
    return _read_access(user)


def database_scope(user: Viewer) -> dbscope.Scope:
    """What PostgreSQL's row-level security lets ``user``'s queries reach: their partnerships, the Panel's
    sent cases, the system administrator's people (cspr/core/rowsecurity.py). Their own memberships are read
    under a scope naming only them, which is all the membership policy needs to show them."""
    if user is None or not user.is_authenticated:
        return dbscope.NOTHING
    with dbscope.scoped(dbscope.Scope(user_id=user.pk)):
        access = access_for(user)
    if access.user_id is None:
        # Signed in with a password only (or inactive): no partnership, but still themself, so the events of
        # their own sign-in steps can be written (PostgreSQL checks a new row against the read rule).
        return dbscope.Scope(user_id=user.pk)
    return dbscope.for_person(
        user_id=access.user_id,
        partnership_ids=access.partnership_ids(),
        panel=access.is_panel,
        admin=access.is_system_admin,
    )


def _read_access(user: User) -> Access:
    by_partnership: dict[int, set[Role]] = {}
    national: set[Role] = set()
    organisations: set[int] = set()
    for m in Membership.objects.active().filter(user=user).only("partnership_id", "role", "organisation_id"):
        if m.partnership_id is None:
            national.add(Role(m.role))
        else:
            by_partnership.setdefault(m.partnership_id, set()).add(Role(m.role))
        if m.organisation_id:
            organisations.add(m.organisation_id)
    return Access(
        user_id=user.pk,
        roles_by_partnership={k: frozenset(v) for k, v in by_partnership.items()},
        national_roles=frozenset(national),
        organisation_ids=frozenset(organisations),
    )


def partnerships_for_user(*, user: Viewer) -> QuerySet[Partnership]:
    access = access_for(user)
    if access.is_system_admin:
        return Partnership.objects.all()
    return Partnership.objects.filter(pk__in=access.partnership_ids())


def partnership_get(*, user: Viewer, slug: str) -> Partnership:
    partnership = partnerships_for_user(user=user).filter(slug=slug).first()
    if partnership is None:
        raise NotFound("No partnership with that address is available to you.")
    return partnership


def partnership_for_people_admin(*, user: Viewer, slug: str) -> Partnership:
    """The partnership whose people this user may manage: business managers of it, or system administrators."""
    partnership = partnership_get(user=user, slug=slug)
    access = access_for(user)
    if not (access.is_system_admin or access.has_role(partnership.pk, *PEOPLE_ADMIN_ROLES)):
        raise NotFound("No partnership with that address is available to you.")
    return partnership


def memberships_in_partnership(*, user: Viewer, partnership: Partnership) -> QuerySet[Membership]:
    partnership_for_people_admin(user=user, slug=partnership.slug)
    return (
        Membership.objects.active()
        .filter(partnership=partnership)
        .select_related("user", "organisation")
        .order_by("user__full_name", "role", "pk")
    )


def membership_get_for_admin(*, user: Viewer, partnership: Partnership, membership_id: int) -> Membership:
    membership = memberships_in_partnership(user=user, partnership=partnership).filter(pk=membership_id).first()
    if membership is None:
        raise NotFound("That person is not a member of this partnership.")
    return membership


def open_invitations(*, user: Viewer, partnership: Partnership) -> QuerySet[Invitation]:
    """Invitations still open (``Invitation.is_open``, asked in the database so the list can be counted and
    paged there: DESIGN.md rule 8), newest first."""
    partnership_for_people_admin(user=user, slug=partnership.slug)
    return Invitation.objects.filter(
        partnership=partnership, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at", "-pk")


def organisations_in_partnership(*, user: Viewer, partnership: Partnership) -> QuerySet[Organisation]:
    partnership_get(user=user, slug=partnership.slug)
    return Organisation.objects.filter(partnership=partnership)


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.active().filter(user=user).select_related("partnership", "organisation")


def api_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()
