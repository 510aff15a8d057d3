"""Reads of cases, always scoped to the user (DESIGN.md rule 1).

Who sees what (docs/cases.md, "Who sees what"):
- business managers, decision makers, scrutineers and auditors: every case of their partnership;
- the national Panel: only cases whose notification was sent to it, and of those only what was sent
  (the notification and the attachments that went with it; the rapid review and the first decision once
  sent; a later round only once its justification was sent, and then its outcome and justification, not the
  votes or advice of the partners' meeting; the clocks of what is owed to it; never agency requests, local
  clocks or the audit trail);
- agency contributors: only the requests addressed to them and the facts shared in them, and their own
  referrals; never the case itself;
- system administrators: no case data at all (need-to-know, DOMAIN.md Data protection).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TypedDict

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.audit.selectors import audit_events_for_object
from cspr.audit.services import audit_record
from cspr.cases.clocks import ClockRow, StoredClock
from cspr.cases.models import (
    AgencyRequest,
    Attachment,
    Case,
    CaseState,
    Decision,
    RapidReview,
    RapidReviewAudit,
    Referral,
)
from cspr.cases.visibility import case_policy
from cspr.core.errors import NotFound
from cspr.partnerships.models import User
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for
from cspr.partnerships.types import Viewer


def cases_for_user(*, user: Viewer) -> QuerySet[Case]:
    access = access_for(user)
    condition = Q(pk__in=[])
    wide = access.partnership_wide_ids()
    if wide:
        condition |= Q(partnership_id__in=wide)
    if access.is_panel:
        condition |= Q(sent_to_panel_at__isnull=False)
    return Case.objects.filter(condition).select_related("partnership")


def sees_whole_case(user: Viewer, case: Case) -> bool:
    """True for the partnership's own people; False for the Panel, which sees only what was sent to it."""
    return case_policy(user=user, case=case).whole


def case_get(*, user: Viewer, case_id: int, log_read: bool = True, request: HttpRequest | None = None) -> Case:
    """One case the user may see, or NotFound. Each read of a case record is audited (DOMAIN.md)."""
    case = cases_for_user(user=user).filter(pk=case_id).first()
    if case is None:
        raise NotFound("No case with that reference is available to you.")
    if log_read:
        audit_record(actor=user, action="case.viewed", partnership=case.partnership, target=case, request=request)
    return case


def case_read_record(*, user: Viewer, case: Case, page: str, request: HttpRequest | None = None) -> None:
    """Audit one view of a page that shows a case's personal data (DOMAIN.md Data protection: every read of
    case data is logged). Called once the page is known to be the reader's to see, so a refused request
    leaves no read behind; the event names the page, never what it showed (DESIGN.md rule 6)."""
    audit_record(
        actor=user,
        action="case.viewed",
        partnership=case.partnership,
        target=case,
        detail={"page": page},
        request=request,
    )


def case_audit_trail(*, user: Viewer, case: Case) -> QuerySet[AuditEvent]:
    """Only those who see every case of the partnership see its trail (not the Panel)."""
    if not case_policy(user=user, case=case).sees_local_detail:
        raise NotFound("No case with that reference is available to you.")
    return audit_events_for_object(object_type="cases.case", object_ids=[str(case.pk)])


def clock_rows_for(*, user: Viewer, case: Case) -> list[ClockRow]:
    """The case's clocks as the reader may see them (visibility.CasePolicy.sees_clock)."""
    from cspr.cases.clocks import clock_rows

    policy = case_policy(user=user, case=case)
    return [row for row in clock_rows(case) if policy.sees_clock(row["id"])]


def rapid_review_for(*, user: Viewer, case: Case) -> RapidReview | None:
    """The rapid review if the reader may read it (visibility.CasePolicy.sees_rapid_review)."""
    return case_policy(user=user, case=case).rapid_review()


def decisions_for(*, user: Viewer, case: Case) -> list[Decision]:
    """The rounds of the decision the reader may see, in order (visibility.CasePolicy.decisions)."""
    return case_policy(user=user, case=case).decisions()


def decision_in_full(*, user: Viewer, case: Case, decision: Decision) -> bool:
    """Whether the reader sees the round's votes, advice and rationale (visibility.CasePolicy)."""
    return case_policy(user=user, case=case).decision_in_full(decision)


def attachments_for(*, user: Viewer, case: Case) -> QuerySet[Attachment]:
    """The case's attachments the reader may see and download (visibility.CasePolicy.attachments)."""
    return case_policy(user=user, case=case).attachments()


class StageCount(TypedDict):
    """One line of the home page's cases by stage."""

    state: str
    label: str
    count: int


def case_home_summary(*, user: Viewer) -> list[StageCount]:
    """Cases by stage, in the order of the chain (DOMAIN.md steps 1-5)."""
    counts = {r["state"]: r["n"] for r in cases_for_user(user=user).values("state").annotate(n=Count("pk"))}
    return [{"state": s.value, "label": s.label, "count": counts[s.value]} for s in CaseState if s.value in counts]


def agency_requests_for_contributor(*, user: User) -> QuerySet[AgencyRequest]:
    """Requests addressed to this person, in partnerships where they are still an agency contributor."""
    access = access_for(user)
    partnerships = [p for p in access.partnership_ids() if access.has_role(p, Role.AGENCY_CONTRIBUTOR)]
    return (
        AgencyRequest.objects.filter(contributor=user, case__partnership_id__in=partnerships)
        .exclude(status=AgencyRequest.Status.WITHDRAWN)
        .select_related("case", "organisation", "case__partnership")
    )


def agency_request_get(*, user: User, request_id: int, request: HttpRequest | None = None) -> AgencyRequest:
    item = agency_requests_for_contributor(user=user).filter(pk=request_id).first()
    if item is None:
        raise NotFound("No request with that number is addressed to you.")
    audit_record(
        actor=user,
        action="agency_request.viewed",
        partnership=item.case.partnership_id,
        target=item.case,
        detail={"request": item.pk},
        request=request,
    )
    return item


def referrals_by_user(*, user: User) -> QuerySet[Referral]:
    return Referral.objects.filter(referred_by=user).select_related("case", "case__partnership")


@dataclass(frozen=True)
class PanelFilters:
    partnership: str = ""
    age_band: str = ""
    nature: str = ""
    state: str = ""
    overdue: bool = False


def panel_cases(
    *, user: Viewer, filters: PanelFilters | None = None, today: datetime.date | None = None
) -> QuerySet[Case]:
    """Cases sent to the Panel, across all partnerships, filtered as the Panel asks (issue: the Panel's side),
    newest first. A query, not a list: the inbox reads one page of it and only the columns it shows
    (``panel_inbox_rows``); the API reads the rows it returns.

    ``overdue``: the rapid review was not sent to the Panel by its 15-working-day due date, read from the stored
    clocks in the same query as the list (DESIGN.md rule 8: due dates are read from the stored clocks). Each
    filter on another table is a subquery, so a case with two children in the band is still one row and the
    list needs no DISTINCT to count or page.
    """
    from cspr.cases.clocks import met_late_q, overdue_q
    from cspr.cases.models import CaseClock, Child

    access = access_for(user)
    if not access.is_panel:
        raise NotFound("Only the national Panel sees this list.")
    filters = filters or PanelFilters()
    qs = Case.objects.filter(sent_to_panel_at__isnull=False).select_related("partnership", "notification")
    if filters.partnership:
        qs = qs.filter(partnership__slug=filters.partnership)
    if filters.age_band:
        qs = qs.filter(pk__in=Child.objects.filter(age_band=filters.age_band).values("case_id"))
    if filters.nature:
        qs = qs.filter(notification__nature=filters.nature)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.overdue:
        late = CaseClock.objects.filter(
            overdue_q(today or timezone.localdate()) | met_late_q(), milestone="rapid-review"
        )
        qs = qs.filter(pk__in=late.values("case_id"))
    return qs.order_by("-sent_to_panel_at", "-pk")


def panel_inbox_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The inbox's columns of ``panel_cases``: reference, pseudonym, partnership, nature, date sent and stage.
    Nothing encrypted is read (the case's summary, the notification's narrative), so a page of the inbox
    decrypts nothing (DESIGN.md rules 6 and 8: lists show pseudonyms and decrypt only what they show)."""
    return cases.only(
        "pk",
        "reference",
        "pseudonym",
        "state",
        "sent_to_panel_at",
        "partnership__name",
        "notification__nature",
        "notification__sent_on",
    )


def rr_audits_for_user(*, user: Viewer) -> QuerySet[RapidReviewAudit]:
    access = access_for(user)
    ids = [
        p for p in access.partnership_ids() if access.has_role(p, Role.BUSINESS_MANAGER, Role.AUDITOR, Role.SCRUTINEER)
    ]
    return RapidReviewAudit.objects.filter(partnership_id__in=ids).select_related("partnership")


def rr_audit_get(*, user: Viewer, audit_id: int) -> RapidReviewAudit:
    audit = rr_audits_for_user(user=user).filter(pk=audit_id).first()
    if audit is None:
        raise NotFound("No audit with that number is available to you.")
    return audit


class Deadline(TypedDict):
    """One open case and its soonest open clock, read from the stored clocks."""

    case: Case
    clock: StoredClock


def deadlines_for_user(*, user: Viewer, today: datetime.date | None = None, limit: int = 20) -> list[Deadline]:
    """Each open case's next open statutory clock, soonest first: the business manager's "what is due".

    Only for people who see whole cases (the Panel has its own list). One query whatever the number of cases:
    the stored clocks, each case's soonest open one picked by a window over the case (DESIGN.md rule 8: due
    dates are read from the stored clocks)."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    from cspr.cases.clocks import case_calendar, open_clocks_q
    from cspr.cases.models import CaseClock
    from cspr.timescales import WorkingCalendar

    access = access_for(user)
    wide = access.partnership_wide_ids()
    if not wide:
        return []
    today = today or timezone.localdate()
    closed = {CaseState.NO_FURTHER_ACTION, CaseState.CLOSED, CaseState.NO_REVIEW}
    soonest = (
        CaseClock.objects.filter(open_clocks_q(today), effective_due__isnull=False, case__partnership_id__in=wide)
        .exclude(case__state__in=closed)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("case_id")], order_by=[F("effective_due").asc(), F("position").asc()]
            )
        )
        .filter(rank=1)
        .select_related("case__partnership")
        .defer("case__summary")  # the list shows the reference and pseudonym; the summary stays encrypted
        .order_by("effective_due", "-case__created_at", "-case_id")[:limit]
    )
    calendars: dict[int, WorkingCalendar] = {}
    rows: list[Deadline] = []
    for row in soonest:
        calendar = calendars.get(row.case.partnership_id) or case_calendar(row.case)
        calendars[row.case.partnership_id] = calendar
        rows.append({"case": row.case, "clock": StoredClock.from_row(row, today=today, calendar=calendar)})
    return rows


def published_report_id(*, user: Viewer, case: Case) -> int | None:
    """The library report a published case's final report became. The report is public (anyone may read
    it in the library); the case it came from is still read through ``case_get`` first."""
    from cspr.library.models import Report

    if case.state != CaseState.PUBLISHED:
        return None
    return Report.objects.filter(origin_case_id=case.pk, is_public=True).values_list("pk", flat=True).first()
