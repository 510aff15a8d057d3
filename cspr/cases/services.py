"""Every change to a case goes through a function here (DESIGN.md rule 2): permission, validation, write,
audit event, in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, TypedDict

from django.db import transaction
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.cases.models import Case, Child
from cspr.core.errors import NotFound, ValidationFailed
from cspr.partnerships.models import Partnership
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for

MAX_CHILDREN_PER_NOTIFICATION = 4  # DOMAIN.md step 2: one notification covers one incident and up to 4 children


class ChildInput(TypedDict, total=False):
    name: str
    other_names: str
    date_of_birth: datetime.date | None


def age_band(date_of_birth: datetime.date | None, on: datetime.date) -> str:
    """The Panel's age bands (under 1 is the largest group); stored plain so lists can filter without names."""
    if date_of_birth is None:
        return "unknown"
    years = on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    if years < 1:
        return "under-1"
    if years <= 4:
        return "1-4"
    if years <= 9:
        return "5-9"
    if years <= 15:
        return "10-15"
    return "16-17" if years <= 17 else "18-plus"


def _next_reference(partnership: Partnership, year: int) -> str:
    prefix = f"CSPR-{year}-"
    count = Case.objects.filter(partnership=partnership, reference__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


def case_open(
    *,
    actor: Any,
    partnership: Partnership,
    pseudonym: str,
    summary: str = "",
    children: Sequence[ChildInput] = (),
    request: Any = None,
) -> Case:
    """Open a case for an incident (a referral or notification). Only the partnership's business manager can."""
    if actor is not None and not access_for(actor).has_role(partnership.pk, Role.BUSINESS_MANAGER):
        raise NotFound("No partnership with that address is available to you.")
    pseudonym = pseudonym.strip()
    errors: dict[str, str] = {}
    if not pseudonym:
        errors["pseudonym"] = "Enter the name the case will be known by, like Child Q"
    if len(children) > MAX_CHILDREN_PER_NOTIFICATION:
        errors["children"] = "A notification covers at most 4 children: record another notification for the others"
    today = timezone.localdate()
    for i, child in enumerate(children, start=1):
        if not (child.get("name") or "").strip():
            errors[f"child_{i}_name"] = f"Enter child {i}'s name"
        dob = child.get("date_of_birth")
        if dob is not None and dob > today:
            errors[f"child_{i}_date_of_birth"] = f"Child {i}'s date of birth must be today or in the past"
    if errors:
        raise ValidationFailed("There is a problem with the case details.", field_errors=errors)
    with transaction.atomic():
        case = Case.objects.create(
            partnership=partnership,
            reference=_next_reference(partnership, today.year),
            pseudonym=pseudonym,
            summary=summary,
            created_by=actor,
        )
        for i, child in enumerate(children, start=1):
            dob = child.get("date_of_birth")
            Child.objects.create(
                case=case,
                position=i,
                pseudonym=pseudonym if len(children) == 1 else f"{pseudonym} ({i})",
                name=child["name"].strip(),
                other_names=child.get("other_names", ""),
                date_of_birth=dob,
                age_band=age_band(dob, today),
            )
        audit_record(
            actor=actor,
            action="case.opened",
            partnership=partnership,
            target=case,
            after={"reference": case.reference, "pseudonym": pseudonym, "children": len(children)},
            request=request,
        )
    return case
