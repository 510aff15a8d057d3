"""A case's statutory clocks, from cspr.timescales with the partnership's calendar (DESIGN.md rule 4).

Nothing here does date arithmetic itself: it gathers the case's recorded event dates and the partnership's
nation, office closures and settings, and asks cspr.timescales.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from cspr.cases.models import Case, CaseDate, CaseState
from cspr.timescales import Clock, ClockStatus, WorkingCalendar, clocks_by_id, compute_clocks, load_process


def case_calendar(case: Case) -> WorkingCalendar:
    partnership = case.partnership
    closed = [datetime.date.fromisoformat(d) for d in (partnership.office_closed_days or [])]
    return WorkingCalendar(partnership.nation, extra_closed=closed)


def case_events(case: Case) -> dict[str, datetime.date]:
    return {d.event: d.date for d in CaseDate.objects.filter(case=case)}


# england-cspr's milestones by the step of the chain they belong to (cspr/timescales/processes).
_RAPID_REVIEW = ("agency-summaries", "rapid-review")
_LOCAL_REVIEW = ("lcspr-published", "final-report-to-panel", "keep-published", "nspcc-copy")


def not_required_for(case: Case) -> dict[str, str]:
    """The milestones this case no longer owes, with the reason shown beside each: a case that ended without
    a step must not show that step's clock running, or chase the partnership for it (DOMAIN.md steps 2-5)."""
    if case.process != "england-cspr":
        return {}
    match case.state:
        case CaseState.NO_FURTHER_ACTION:
            reason = "the referral was closed with no further action."
            return dict.fromkeys(("notify-panel", "inform-partners", *_RAPID_REVIEW, *_LOCAL_REVIEW), reason)
        case CaseState.CLOSED:
            # Working Together 2023: a care leaver's death (24 or under) is notified, but needs no rapid review
            # unless the serious case criteria are met or the young person was under 18.
            closed = dict.fromkeys(_RAPID_REVIEW, "the notification needs no rapid review.")
            return closed | dict.fromkeys(_LOCAL_REVIEW, "there was no rapid review, so no local review.")
        case CaseState.NO_REVIEW:
            return dict.fromkeys(_LOCAL_REVIEW, "the partners decided that no local review is needed.")
        case CaseState.NATIONAL_REVIEW:
            return dict.fromkeys(_LOCAL_REVIEW, "the Panel is carrying out a national review.")
        case CaseState.LEARNING_REVIEW:
            return dict.fromkeys(_LOCAL_REVIEW, "the partners chose a multi-agency learning review.")
    return {}


def case_clocks(
    case: Case, *, today: datetime.date | None = None, events: Mapping[str, datetime.date] | None = None
) -> list[Clock]:
    process = load_process(case.process, overrides=case.partnership.timescale_overrides or None)
    return compute_clocks(
        process=process,
        events=dict(events) if events is not None else case_events(case),
        calendar=case_calendar(case),
        today=today or timezone.localdate(),
        not_required=not_required_for(case),
    )


def due_date_for(case: Case, milestone: str, events: Mapping[str, datetime.date] | None = None) -> datetime.date | None:
    clock = clocks_by_id(case_clocks(case, events=events)).get(milestone)
    return clock.effective_due if clock else None


STATUS_TAG = {
    ClockStatus.NOT_STARTED: "grey",
    ClockStatus.RUNNING: "blue",
    ClockStatus.DUE_SOON: "yellow",
    ClockStatus.OVERDUE: "red",
    ClockStatus.PAUSED: "purple",
    ClockStatus.MET: "green",
    ClockStatus.MET_LATE: "orange",
    ClockStatus.BREACHED: "red",
    ClockStatus.NOT_REQUIRED: "grey",
}


def clock_rows(case: Case, *, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Clocks ready for a page: label, dates, status tag colour, lateness text and the explanation."""
    rows = []
    for clock in case_clocks(case, today=today):
        lateness = ""
        if clock.status in {ClockStatus.OVERDUE, ClockStatus.MET_LATE} and clock.working_days_late:
            lateness = f"{clock.working_days_late} working day{'s' if clock.working_days_late != 1 else ''} late"
        elif clock.working_days_to_go is not None and clock.status.is_open:
            lateness = f"{clock.working_days_to_go} working day{'s' if clock.working_days_to_go != 1 else ''} to go"
        rows.append(
            {
                "id": clock.id,
                "label": clock.milestone.label,
                "responsible": clock.milestone.responsible,
                "statutory": clock.milestone.statutory,
                "start": clock.start,
                "statutory_due": clock.statutory_due,
                "effective_due": clock.effective_due,
                "met_on": clock.met_on,
                "status": clock.status.value,
                "status_label": clock.status.label,
                "tag": STATUS_TAG.get(clock.status, "grey"),
                "lateness": lateness,
                "explanation": list(clock.explanation),
                "extended": clock.is_extended,
                "clock": clock,
            }
        )
    return rows
