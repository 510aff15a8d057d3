"""Demo data: two partnerships (one covering two councils), a person in every role, and a few cases.

Idempotent: running it again finds what exists and adds only what is missing. Demo accounts share one
password and have their authenticator secrets printed; never run this against a real database (the command
refuses in production).
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from typing import TypedDict

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.core import registry
from cspr.partnerships import services
from cspr.partnerships.models import Membership, Organisation, Partnership, User
from cspr.partnerships.roles import Role

DEMO_PASSWORD = "demo-password-2026"  # nosec B105 # the printed demo sign-in; `cspr demo` is refused in production
DEMO_DOMAIN = "demo.cspr.test"


@dataclass
class DemoPerson:
    email: str
    name: str
    role: Role
    partnership: str | None
    organisation: str | None = None


PARTNERSHIPS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Northshire and Riverside Safeguarding Children Partnership",
        "northshire-riverside",
        [
            ("Northshire County Council", Organisation.Kind.LOCAL_AUTHORITY),
            ("Riverside City Council", Organisation.Kind.LOCAL_AUTHORITY),
            ("Northshire Police", Organisation.Kind.POLICE),
            ("Northshire and Riverside Integrated Care Board", Organisation.Kind.ICB),
            ("Northshire Hospitals NHS Foundation Trust", Organisation.Kind.NHS_TRUST),
            ("Riverside Primary School", Organisation.Kind.SCHOOL),
            ("Northshire Probation Delivery Unit", Organisation.Kind.PROBATION),
        ],
    ),
    (
        "Eastbury Safeguarding Children Partnership",
        "eastbury",
        [
            ("Eastbury Borough Council", Organisation.Kind.LOCAL_AUTHORITY),
            ("Eastbury Constabulary", Organisation.Kind.POLICE),
            ("Eastbury Integrated Care Board", Organisation.Kind.ICB),
            ("Eastbury Community Health NHS Trust", Organisation.Kind.NHS_TRUST),
        ],
    ),
]

NR = "northshire-riverside"
PEOPLE: list[DemoPerson] = [
    DemoPerson(f"manager@{DEMO_DOMAIN}", "Priya Shah", Role.BUSINESS_MANAGER, NR, "Northshire County Council"),
    DemoPerson(f"la.decider@{DEMO_DOMAIN}", "Tom Okafor", Role.DECISION_MAKER_LA, NR, "Northshire County Council"),
    DemoPerson(f"police.decider@{DEMO_DOMAIN}", "Helen Marsh", Role.DECISION_MAKER_POLICE, NR, "Northshire Police"),
    DemoPerson(
        f"icb.decider@{DEMO_DOMAIN}",
        "Sam Whitfield",
        Role.DECISION_MAKER_ICB,
        NR,
        "Northshire and Riverside Integrated Care Board",
    ),
    DemoPerson(f"scrutineer@{DEMO_DOMAIN}", "Grace Adeyemi", Role.SCRUTINEER, NR),
    DemoPerson(f"reviewer@{DEMO_DOMAIN}", "Martin Hale", Role.REVIEWER, NR),
    DemoPerson(
        f"health.contributor@{DEMO_DOMAIN}",
        "Dr Aisha Karim",
        Role.AGENCY_CONTRIBUTOR,
        NR,
        "Northshire Hospitals NHS Foundation Trust",
    ),
    DemoPerson(
        f"school.contributor@{DEMO_DOMAIN}",
        "Joanne Price",
        Role.AGENCY_CONTRIBUTOR,
        NR,
        "Riverside Primary School",
    ),
    DemoPerson(f"auditor@{DEMO_DOMAIN}", "Colin Byrne", Role.AUDITOR, NR),
    DemoPerson(
        f"eastbury.manager@{DEMO_DOMAIN}",
        "Rachel Dunn",
        Role.BUSINESS_MANAGER,
        "eastbury",
        "Eastbury Borough Council",
    ),
    DemoPerson(
        f"eastbury.la.decider@{DEMO_DOMAIN}",
        "Imran Ali",
        Role.DECISION_MAKER_LA,
        "eastbury",
        "Eastbury Borough Council",
    ),
    DemoPerson(f"panel@{DEMO_DOMAIN}", "Dame Ruth Ellis", Role.PANEL_MEMBER, None),
    DemoPerson(f"admin@{DEMO_DOMAIN}", "System Administrator", Role.SYSTEM_ADMIN, None),
]


# A fixed demo secret per account, so the printed secrets stay valid across runs (demo only).
def _demo_totp_key(email: str) -> str:
    import hashlib

    return hashlib.sha256(("cspr-demo-totp:" + email).encode()).hexdigest()[:40]


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


class DemoSignIn(TypedDict):
    """One demo account as ``cspr demo`` prints it."""

    email: str
    name: str
    role: str
    partnership: str
    totp_secret: str


@transaction.atomic
def load_demo() -> list[DemoSignIn]:
    partnerships: dict[str, Partnership] = {}
    organisations: dict[tuple[str, str], Organisation] = {}
    for name, slug, orgs in PARTNERSHIPS:
        partnership = Partnership.objects.filter(slug=slug).first() or services.partnership_create(
            actor=None, name=name, slug=slug, nation="england"
        )
        partnerships[slug] = partnership
        for org_name, kind in orgs:
            org = Organisation.objects.filter(partnership=partnership, name=org_name).first()
            if org is None:
                org = services.organisation_create(actor=None, partnership=partnership, name=org_name, kind=kind)
            organisations[(slug, org_name)] = org

    printed: list[DemoSignIn] = []
    for person in PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = services.user_create(actor=None, email=person.email, full_name=person.name, password=DEMO_PASSWORD)
        person_partnership = partnerships[person.partnership] if person.partnership else None
        organisation = (
            organisations[(person.partnership, person.organisation)]
            if person.organisation and person.partnership
            else None
        )
        if (
            not Membership.objects.active()
            .filter(user=user, partnership=person_partnership, role=person.role.value)
            .exists()
        ):
            services.membership_add(
                actor=None,
                user=user,
                partnership=person_partnership,
                role=person.role.value,
                organisation=organisation,
            )
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name="demo authenticator", confirmed=True, key=_demo_totp_key(person.email)
            )
        printed.append(
            {
                "email": person.email,
                "name": person.name,
                "role": person.role.label,
                "partnership": person_partnership.name if person_partnership else "national",
                "totp_secret": totp_secret_base32(device),
            }
        )

    # Later apps add their demo records (the cases in every state) through cspr.core.registry.
    for load in registry.DEMO_LOADERS.values():
        load(partnerships, datetime.date.today())
    return printed


def current_code(email: str) -> str:
    """The current 6-digit code for a demo account (so the demo works without an authenticator app)."""
    from django_otp.oath import TOTP

    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"
