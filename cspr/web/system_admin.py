"""What waits for the system administrator on their home page (issue 12: "the system administrator's home is
not empty").

The system administrator manages people everywhere and reads no case data (DOMAIN.md, Data protection:
need-to-know), so what waits for them is about people: partnerships that have nobody to run their process (no
business manager: nobody can screen a referral or invite anyone), and invitations sent but not yet accepted.
A read scoped to the user like every selector (DESIGN.md rule 1): anyone else gets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from cspr.partnerships.models import Membership, Partnership
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for
from cspr.partnerships.types import Viewer


@dataclass(frozen=True)
class PartnershipPeople:
    """One partnership as the system administrator's home lists it."""

    name: str
    slug: str
    open_invitations: int


@dataclass(frozen=True)
class SystemAdminOverview:
    without_business_manager: list[PartnershipPeople]
    with_open_invitations: list[PartnershipPeople]
    partnerships: int


def system_admin_overview(*, user: Viewer) -> SystemAdminOverview | None:
    """Two queries whatever the number of partnerships; None for anyone but a system administrator."""
    if not access_for(user).is_system_admin:
        return None
    now = timezone.now()
    has_manager = Membership.objects.active().filter(partnership=OuterRef("pk"), role=Role.BUSINESS_MANAGER)
    rows = list(
        Partnership.objects.annotate(
            managed=Exists(has_manager),
            open_invitations=Count(
                "invitations",
                filter=Q(
                    invitations__accepted_at__isnull=True,
                    invitations__revoked_at__isnull=True,
                    invitations__expires_at__gt=now,
                ),
            ),
        )
        .values("name", "slug", "managed", "open_invitations")
        .order_by("name")
    )
    listed = [(PartnershipPeople(r["name"], r["slug"], r["open_invitations"]), r["managed"]) for r in rows]
    return SystemAdminOverview(
        without_business_manager=[p for p, managed in listed if not managed],
        with_open_invitations=[p for p, _ in listed if p.open_invitations],
        partnerships=len(rows),
    )
