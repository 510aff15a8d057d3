"""Reads of cases, always scoped to the user (DESIGN.md rule 1).

Who sees which case: business managers, decision makers, scrutineers and auditors see every case of their
partnership; the national Panel sees only cases sent to it; system administrators manage accounts and see no
case data at all (need-to-know, DOMAIN.md Data protection).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from cspr.audit.selectors import audit_events_for_object
from cspr.audit.services import audit_record
from cspr.cases.models import Case
from cspr.core.errors import NotFound
from cspr.partnerships.selectors import access_for


def cases_for_user(*, user: Any) -> QuerySet[Case]:
    access = access_for(user)
    condition = Q(pk__in=[])
    wide = access.partnership_wide_ids()
    if wide:
        condition |= Q(partnership_id__in=wide)
    if access.is_panel:
        condition |= Q(sent_to_panel_at__isnull=False)
    return Case.objects.filter(condition).select_related("partnership")


def case_get(*, user: Any, case_id: int, log_read: bool = True, request: Any = None) -> Case:
    """One case the user may see, or NotFound. Each read of a case record is audited (DOMAIN.md)."""
    case = cases_for_user(user=user).filter(pk=case_id).first()
    if case is None:
        raise NotFound("No case with that reference is available to you.")
    if log_read:
        audit_record(actor=user, action="case.viewed", partnership=case.partnership, target=case, request=request)
    return case


def case_audit_trail(*, user: Any, case: Case) -> QuerySet[Any]:
    """Only those who see every case of the partnership see its trail (not the Panel: it sees what was sent)."""
    access = access_for(user)
    if case.partnership_id not in access.partnership_wide_ids():
        raise NotFound("No case with that reference is available to you.")
    ids = [str(case.pk)]
    return audit_events_for_object(object_type="cases.case", object_ids=ids)


def case_home_summary(*, user: Any) -> list[dict[str, Any]]:
    rows = cases_for_user(user=user).values("state").annotate(n=Count("pk")).order_by("state")
    from cspr.cases.models import CaseState

    labels = dict(CaseState.choices)
    return [{"state": r["state"], "label": labels.get(r["state"], r["state"]), "count": r["n"]} for r in rows]
