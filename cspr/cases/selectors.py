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
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cspr.audit.selectors import audit_events_for_object
from cspr.audit.services import audit_record
from cspr.cases.models import (
    AgencyRequest,
    Attachment,
    Case,
    CaseState,
    Decision,
    PanelSending,
    RapidReview,
    RapidReviewAudit,
    Referral,
)
from cspr.core.errors import NotFound
from cspr.partnerships.roles import Role
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


def sees_whole_case(user: Any, case: Case) -> bool:
    """True for the partnership's own people; False for the Panel, which sees only what was sent to it."""
    return case.partnership_id in access_for(user).partnership_wide_ids()


def case_get(*, user: Any, case_id: int, log_read: bool = True, request: Any = None) -> Case:
    """One case the user may see, or NotFound. Each read of a case record is audited (DOMAIN.md)."""
    case = cases_for_user(user=user).filter(pk=case_id).first()
    if case is None:
        raise NotFound("No case with that reference is available to you.")
    if log_read:
        audit_record(actor=user, action="case.viewed", partnership=case.partnership, target=case, request=request)
    return case


def case_read_record(*, user: Any, case: Case, page: str, request: Any = None) -> None:
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


def case_audit_trail(*, user: Any, case: Case) -> QuerySet[Any]:
    """Only those who see every case of the partnership see its trail (not the Panel)."""
    if not sees_whole_case(user, case):
        raise NotFound("No case with that reference is available to you.")
    return audit_events_for_object(object_type="cases.case", object_ids=[str(case.pk)])


# The clocks of what the partnership owes the Panel, or the public: the Panel reads these. Local clocks (agency
# summaries by working day 10, the NSPCC copy) and the partners' own duties (informing the partners) are the
# partnership's business, not the Panel's.
PANEL_CLOCKS = frozenset({"notify-panel", "rapid-review", "final-report-to-panel", "lcspr-published", "keep-published"})


def clock_rows_for(*, user: Any, case: Case) -> list[dict[str, Any]]:
    """The case's clocks as the reader may see them: all of them for the partnership's own people, the
    :data:`PANEL_CLOCKS` for the Panel."""
    from cspr.cases.clocks import clock_rows

    rows = clock_rows(case)
    if sees_whole_case(user, case):
        return rows
    return [row for row in rows if row["id"] in PANEL_CLOCKS]


def rapid_review_for(*, user: Any, case: Case) -> RapidReview | None:
    """The rapid review if the reader may read it: the partnership's own people always, the Panel once it was
    sent to it (DOMAIN.md step 5)."""
    rr = RapidReview.objects.filter(case=case).first()
    if rr is None or not (sees_whole_case(user, case) or rr.sent_on is not None):
        return None
    return rr


def decision_sent_to_panel(decision: Decision) -> bool:
    """Whether this round went to the Panel. The first round goes with the rapid review; a later round, after a
    challenge, goes only when the partners send their justification, which ``decision_send_justification``
    writes in the same step (until then its votes and the scrutineer's advice are the partners' meeting)."""
    if decision.status != Decision.Status.DECIDED:
        return False
    return decision.round == 1 or bool(decision.justification.strip())


def decisions_for(*, user: Any, case: Case) -> list[Decision]:
    """The rounds of the decision the reader may see, in order: every round for the partnership's own people;
    for the Panel, once the rapid review was sent, the rounds that were sent to it (decision_sent_to_panel)."""
    decisions = list(
        Decision.objects.filter(case=case).prefetch_related("votes__decision_maker", "family_communications")
    )
    decisions.sort(key=lambda d: d.round)
    if sees_whole_case(user, case):
        return decisions
    if rapid_review_for(user=user, case=case) is None:
        return []
    return [d for d in decisions if decision_sent_to_panel(d)]


def decision_in_full(*, user: Any, case: Case, decision: Decision) -> bool:
    """Whether the reader sees the round's votes, the scrutineer's advice and the composed rationale. The
    Panel was sent those for the first round (they are in the rapid review report); for a later round it was
    sent the outcome, whether it was kept or changed, and the justification."""
    return decision.round == 1 or sees_whole_case(user, case)


def attachments_for(*, user: Any, case: Case) -> QuerySet[Attachment]:
    """The case's attachments the reader may see and download. The partnership's own people: all. The Panel:
    those that were part of the notification when it was sent, and those that existed when the rapid review
    or a justification was sent (PanelSending.attachment_ids); nothing added afterwards."""
    attachments = Attachment.objects.filter(case=case).select_related("uploaded_by")
    if sees_whole_case(user, case):
        return attachments
    if case.sent_to_panel_at is None:
        return attachments.none()
    sent = {pk for ids in PanelSending.objects.filter(case=case).values_list("attachment_ids", flat=True) for pk in ids}
    return attachments.filter(Q(uploaded_at__lte=case.sent_to_panel_at) | Q(pk__in=sent))


def case_home_summary(*, user: Any) -> list[dict[str, Any]]:
    """Cases by stage, in the order of the chain (DOMAIN.md steps 1-5)."""
    counts = {r["state"]: r["n"] for r in cases_for_user(user=user).values("state").annotate(n=Count("pk"))}
    return [{"state": s.value, "label": s.label, "count": counts[s.value]} for s in CaseState if s.value in counts]


def agency_requests_for_contributor(*, user: Any) -> QuerySet[AgencyRequest]:
    """Requests addressed to this person, in partnerships where they are still an agency contributor."""
    access = access_for(user)
    partnerships = [p for p in access.partnership_ids() if access.has_role(p, Role.AGENCY_CONTRIBUTOR)]
    return (
        AgencyRequest.objects.filter(contributor=user, case__partnership_id__in=partnerships)
        .exclude(status=AgencyRequest.Status.WITHDRAWN)
        .select_related("case", "organisation", "case__partnership")
    )


def agency_request_get(*, user: Any, request_id: int, request: Any = None) -> AgencyRequest:
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


def referrals_by_user(*, user: Any) -> QuerySet[Referral]:
    return Referral.objects.filter(referred_by=user).select_related("case", "case__partnership")


@dataclass(frozen=True)
class PanelFilters:
    partnership: str = ""
    age_band: str = ""
    nature: str = ""
    state: str = ""
    overdue: bool = False


def panel_cases(*, user: Any, filters: PanelFilters | None = None, today: datetime.date | None = None) -> list[Case]:
    """Cases sent to the Panel, across all partnerships, filtered as the Panel asks (issue: the Panel's side).

    ``overdue``: the rapid review was not sent to the Panel by its 15-working-day due date.
    """
    from cspr.cases.clocks import case_clocks

    access = access_for(user)
    if not access.is_panel:
        raise NotFound("Only the national Panel sees this list.")
    filters = filters or PanelFilters()
    qs = Case.objects.filter(sent_to_panel_at__isnull=False).select_related("partnership", "notification")
    if filters.partnership:
        qs = qs.filter(partnership__slug=filters.partnership)
    if filters.age_band:
        qs = qs.filter(children__age_band=filters.age_band)
    if filters.nature:
        qs = qs.filter(notification__nature=filters.nature)
    if filters.state:
        qs = qs.filter(state=filters.state)
    cases = list(qs.distinct().order_by("-sent_to_panel_at"))
    if filters.overdue:
        today = today or timezone.localdate()
        cases = [
            c
            for c in cases
            if any(k.id == "rapid-review" and k.status in {"overdue", "met_late"} for k in case_clocks(c, today=today))
        ]
    return cases


def rr_audits_for_user(*, user: Any) -> QuerySet[RapidReviewAudit]:
    access = access_for(user)
    ids = [
        p for p in access.partnership_ids() if access.has_role(p, Role.BUSINESS_MANAGER, Role.AUDITOR, Role.SCRUTINEER)
    ]
    return RapidReviewAudit.objects.filter(partnership_id__in=ids).select_related("partnership")


def rr_audit_get(*, user: Any, audit_id: int) -> RapidReviewAudit:
    audit = rr_audits_for_user(user=user).filter(pk=audit_id).first()
    if audit is None:
        raise NotFound("No audit with that number is available to you.")
    return audit


def deadlines_for_user(*, user: Any, today: datetime.date | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """Each open case's next open statutory clock, soonest first: the business manager's "what is due".

    Only for people who see whole cases (the Panel has its own list)."""
    from cspr.cases.clocks import case_clocks

    access = access_for(user)
    wide = access.partnership_wide_ids()
    if not wide:
        return []
    closed = {CaseState.NO_FURTHER_ACTION, CaseState.CLOSED, CaseState.NO_REVIEW}
    rows: list[dict[str, Any]] = []
    for case in Case.objects.filter(partnership_id__in=wide).exclude(state__in=closed).select_related("partnership"):
        open_clocks = [k for k in case_clocks(case, today=today) if k.status.is_open and k.effective_due]
        if open_clocks:
            clock = min(open_clocks, key=lambda k: k.effective_due)  # type: ignore[arg-type, return-value]
            rows.append({"case": case, "clock": clock})
    rows.sort(key=lambda r: r["clock"].effective_due)
    return rows[:limit]


def published_report_id(*, user: Any, case: Case) -> int | None:
    """The library report a published case's final report became. The report is public (anyone may read
    it in the library); the case it came from is still read through ``case_get`` first."""
    from cspr.library.models import Report

    if case.state != CaseState.PUBLISHED:
        return None
    return Report.objects.filter(origin_case_id=case.pk, is_public=True).values_list("pk", flat=True).first()
