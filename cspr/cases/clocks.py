"""A case's statutory clocks, from cspr.timescales with the partnership's calendar (DESIGN.md rule 4).

Nothing here does date arithmetic itself: it gathers the case's recorded event dates and the partnership's
nation, office closures and settings, and asks cspr.timescales.

What it computed is kept in ``CaseClock`` rows (DESIGN.md rule 8: due dates are read from the stored clocks):
``clocks_recompute`` rewrites a case's rows whenever an input changes, and lists of cases read the rows through
the filters and ``StoredClock`` at the end of this module instead of recomputing every case. It imports only
models and cspr.timescales, so the services that write and the selectors that read can both use it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cspr.cases.models import Case, CaseClock, CaseDate
from cspr.timescales import (
    DEFAULT_DUE_SOON_WORKING_DAYS,
    Clock,
    ClockStatus,
    Extension,
    MilestoneKind,
    Pause,
    ProcessDefinition,
    WorkingCalendar,
    clocks_by_id,
    compute_clocks,
    load_process,
)


def case_calendar(case: Case) -> WorkingCalendar:
    partnership = case.partnership
    closed = [datetime.date.fromisoformat(d) for d in (partnership.office_closed_days or [])]
    return WorkingCalendar(partnership.nation, extra_closed=closed)


def case_events(case: Case) -> dict[str, datetime.date]:
    return {d.event: d.date for d in CaseDate.objects.filter(case=case)}


def case_process(case: Case) -> ProcessDefinition:
    """The case's process definition with its partnership's setting overrides."""
    return load_process(case.process, overrides=case.partnership.timescale_overrides or None)


def not_required_for(case: Case) -> dict[str, str]:
    """The milestones this case no longer owes, with the reason shown beside each. Which ones, and why, is
    process knowledge: the process definition's ``[[not_required]]`` tables, matched on the case's stage."""
    return case_process(case).not_required_at(str(case.state))


@dataclass(frozen=True)
class ClockAdjustments:
    """Pauses and extensions a later stage holds for a case: the local review's publication holds for parallel
    proceedings, and its agreed delays (Working Together 2023 ch.5: delays approved and told to the Panel)."""

    pauses: tuple[Pause, ...] = ()
    extensions: tuple[Extension, ...] = ()


# A later app (the local review) registers, from its AppConfig.ready(), what it holds for a case: the cases
# app never imports it. Whoever changes a pause or an extension recomputes the case's clocks in the same
# transaction (clocks_recompute), as record_case_date does for dates.
CLOCK_ADJUSTERS: dict[str, Callable[[Case], ClockAdjustments]] = {}


def register_clock_adjuster(name: str, adjuster: Callable[[Case], ClockAdjustments]) -> None:
    CLOCK_ADJUSTERS[name] = adjuster


def case_clocks(
    case: Case, *, today: datetime.date | None = None, events: Mapping[str, datetime.date] | None = None
) -> list[Clock]:
    """The case's clocks now: its recorded dates, its partnership's calendar and overrides, the milestones its
    stage no longer owes, and the pauses and extensions later stages hold for it, all through cspr.timescales."""
    adjustments = [adjust(case) for adjust in CLOCK_ADJUSTERS.values()]
    return compute_clocks(
        process=case_process(case),
        events=dict(events) if events is not None else case_events(case),
        calendar=case_calendar(case),
        today=today or timezone.localdate(),
        pauses=[p for a in adjustments for p in a.pauses],
        extensions=[e for a in adjustments for e in a.extensions],
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


class ClockRow(TypedDict):
    """One clock as a page shows it (``clock_rows``); ``clock`` is the engine's answer it was made from."""

    id: str
    label: str
    responsible: str
    statutory: bool
    start: datetime.date | None
    statutory_due: datetime.date | None
    effective_due: datetime.date | None
    met_on: datetime.date | None
    status: str
    status_label: str
    tag: str
    lateness: str
    explanation: list[str]
    extended: bool
    clock: Clock


def clock_rows(case: Case, *, today: datetime.date | None = None) -> list[ClockRow]:
    """Clocks ready for a page: label, dates, status tag colour, lateness text and the explanation."""
    return rows_for_clocks(case_clocks(case, today=today))


def rows_for_clocks(clocks: Sequence[Clock]) -> list[ClockRow]:
    """Any process's clocks (the case's, or a later stage's own process) as the rows the clocks table shows."""
    rows: list[ClockRow] = []
    for clock in clocks:
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


# -- stored clocks (DESIGN.md rule 8: due dates are read from the stored clocks) ------------------------------


def due_soon_working_days(process: ProcessDefinition) -> int:
    """The process's due-soon window in working days: the rule ``cspr.timescales.compute_clocks`` applies, its
    ``due_soon_working_days`` setting (with the partnership's override) or the engine's default."""
    setting = process.settings.get("due_soon_working_days")
    return int(setting.value) if setting is not None else DEFAULT_DUE_SOON_WORKING_DAYS


def due_soon_from(due: datetime.date, calendar: WorkingCalendar, window: int) -> datetime.date:
    """The first day a clock due on ``due`` counts as due soon.

    The engine calls a clock due soon when ``calendar.working_days_between(today, due) <= window``. That count
    only grows as ``today`` moves back, so the days it holds for are exactly those from one date up to the due
    date: storing that date lets "due soon" be a date comparison when read, with no calendar at hand.
    """
    day = due
    while calendar.working_days_between(day - datetime.timedelta(days=1), due) <= window:
        day -= datetime.timedelta(days=1)
    return day


def _stored_row(
    case: Case, position: int, clock: Clock, calendar: WorkingCalendar, window: int, now: datetime.datetime
) -> CaseClock:
    milestone = clock.milestone
    deadline = milestone.kind is MilestoneKind.DEADLINE
    return CaseClock(
        case=case,
        milestone=milestone.id,
        label=milestone.label,
        kind=milestone.kind.value,
        position=position,
        start=clock.start,
        statutory_due=clock.statutory_due,
        effective_due=clock.effective_due,
        due_soon_from=(
            due_soon_from(clock.effective_due, calendar, window)
            if deadline and clock.effective_due is not None
            else None
        ),
        met_on=clock.met_on,
        not_required=clock.status is ClockStatus.NOT_REQUIRED,
        paused=clock.status is ClockStatus.PAUSED,
        breached=clock.status is ClockStatus.BREACHED,
        computed_at=now,
    )


def clocks_recompute(*, case: Case) -> None:
    """Replace the case's stored clocks with what cspr.timescales computes from its inputs now.

    Called in the same transaction as every change of an input (a recorded event date, the case's stage, the
    partnership's calendar or overrides), so no reader sees dates that disagree with the case (DESIGN.md rules
    5 and 8). The case is read afresh: a caller's copy may predate the stage change that decides which
    milestones are not required. Joins the caller's transaction, or opens one when there is none.
    """
    with transaction.atomic(savepoint=False):
        current = Case.objects.select_related("partnership").get(pk=case.pk)
        process = load_process(current.process, overrides=current.partnership.timescale_overrides or None)
        calendar = case_calendar(current)
        window = due_soon_working_days(process)
        now = timezone.now()
        rows = [
            _stored_row(current, position, clock, calendar, window, now)
            for position, clock in enumerate(case_clocks(current))
        ]
        CaseClock.objects.filter(case=current).delete()
        CaseClock.objects.bulk_create(rows)


def open_clocks_q(today: datetime.date) -> Q:
    """Stored clocks something is still owed against on ``today`` (``ClockStatus.is_open``): started, not met
    and required; a minimum period only until it has run its course."""
    deadline = Q(kind=CaseClock.Kind.DEADLINE)
    period = Q(kind=CaseClock.Kind.MINIMUM_PERIOD) & (Q(effective_due__isnull=True) | Q(effective_due__gt=today))
    return Q(start__isnull=False, met_on__isnull=True, not_required=False, breached=False) & (deadline | period)


def overdue_q(today: datetime.date) -> Q:
    """Deadlines past their effective due date on ``today`` and not met (``ClockStatus.OVERDUE``)."""
    return Q(
        kind=CaseClock.Kind.DEADLINE,
        met_on__isnull=True,
        not_required=False,
        paused=False,
        effective_due__lt=today,
    )


def met_late_q() -> Q:
    """Deadlines met after their effective due date (``ClockStatus.MET_LATE``); this never changes with today."""
    return Q(kind=CaseClock.Kind.DEADLINE, start__isnull=False, met_on__gt=F("effective_due"))


def due_soon_q(today: datetime.date) -> Q:
    """Deadlines within the process's due-soon window on ``today`` (``ClockStatus.DUE_SOON``)."""
    return Q(
        kind=CaseClock.Kind.DEADLINE,
        met_on__isnull=True,
        not_required=False,
        paused=False,
        due_soon_from__lte=today,
        effective_due__gte=today,
    )


def stored_status(row: CaseClock, today: datetime.date) -> ClockStatus:
    """A stored clock's status on ``today``, decided as ``cspr.timescales`` decides it, from the stored dates.

    ``paused`` is as it was when the row was computed (cases record no pauses yet, so it is always false); a
    pause that ends must be a recompute, like any other change of input.
    """
    due = row.effective_due
    if row.not_required:
        return ClockStatus.NOT_REQUIRED
    if row.kind == CaseClock.Kind.MINIMUM_PERIOD:
        if row.start is None:
            return ClockStatus.NOT_STARTED
        if row.breached:
            return ClockStatus.BREACHED
        if due is None:
            return ClockStatus.PAUSED if row.paused else ClockStatus.RUNNING
        if row.met_on is not None or today >= due:
            return ClockStatus.MET
        return ClockStatus.PAUSED if row.paused else ClockStatus.RUNNING
    if row.met_on is not None:
        if row.start is None or due is None or row.met_on <= due:
            return ClockStatus.MET
        return ClockStatus.MET_LATE
    if row.start is None:
        return ClockStatus.NOT_STARTED
    if row.paused:
        return ClockStatus.PAUSED
    if due is None:
        return ClockStatus.RUNNING
    if today > due:
        return ClockStatus.OVERDUE
    if row.due_soon_from is not None and today >= row.due_soon_from:
        return ClockStatus.DUE_SOON
    return ClockStatus.RUNNING


@dataclass(frozen=True, slots=True)
class StoredMilestone:
    """The little of a milestone a list shows: its id and label (pages read ``clock.milestone.label``)."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class StoredClock:
    """A stored clock as a list reads it: the dates of a ``cspr.timescales.Clock`` and its status on the day,
    with the attributes pages use of one (``milestone.label``, ``effective_due``, ``status``,
    ``working_days_late``), so a list can show stored clocks where it showed computed ones."""

    milestone: StoredMilestone
    status: ClockStatus
    start: datetime.date | None
    statutory_due: datetime.date | None
    effective_due: datetime.date | None
    met_on: datetime.date | None
    working_days_late: int | None

    @property
    def id(self) -> str:
        return self.milestone.id

    @classmethod
    def from_row(cls, row: CaseClock, *, today: datetime.date, calendar: WorkingCalendar) -> StoredClock:
        """``calendar`` is the case's partnership calendar (``case_calendar``): lateness counts working days."""
        status = stored_status(row, today)
        met_on = row.met_on
        if status is ClockStatus.MET and row.kind == CaseClock.Kind.MINIMUM_PERIOD:
            met_on = row.effective_due  # a minimum period is met on the day it has run its course
        late: int | None = None
        if row.effective_due is not None:
            if status is ClockStatus.OVERDUE:
                late = calendar.working_days_between(row.effective_due, today)
            elif status is ClockStatus.MET_LATE and row.met_on is not None:
                late = calendar.working_days_between(row.effective_due, row.met_on)
            elif status is ClockStatus.MET and row.start is not None:
                late = 0
        return cls(
            milestone=StoredMilestone(id=row.milestone, label=row.label),
            status=status,
            start=row.start,
            statutory_due=row.statutory_due,
            effective_due=row.effective_due,
            met_on=met_on,
            working_days_late=late,
        )
