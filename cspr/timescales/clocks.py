"""Statutory clocks: each milestone's due date and status for one case, with an explanation of every date.

Inputs are plain data: a :class:`~cspr.timescales.definitions.ProcessDefinition`, the dates the case has
recorded per event id, the partnership's :class:`~cspr.timescales.calendars.WorkingCalendar`, today's date,
and any pauses and extensions the partnership has approved.

Pauses and extensions follow Working Together to Safeguard Children 2023, chapter 5: a local review is
completed and published within 6 months *unless there are extenuating circumstances* (a criminal
investigation, an inquest, a prosecution), and any delay is approved by the partnership and notified, with
reasons, to the Panel and the Secretary of State.

* A :class:`Pause` stops a clock: the due date moves later by the paused time that fell inside the running
  clock (working days for a working-day clock, calendar days otherwise). Overlapping pauses count once.
  An open-ended pause (no end yet) leaves the clock without a due date until it ends. A pause that starts
  after the due date has passed cannot rescue an overdue clock: that needs an extension.
* An :class:`Extension` replaces the due date with an agreed new date. The original statutory date stays on
  the clock beside the effective one.
* Pauses and extensions are applied in the order they happened (a pause on its start date, an extension on
  the date it was approved), so a pause after an extension moves the extended date, and an extension agreed
  after a pause sets the date outright. On the same day, the pause is applied first and the extension, as
  the deliberate decision, stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from .calendars import DayExplanation, WorkingCalendar, format_date
from .definitions import Milestone, MilestoneKind, OffsetUnit, ProcessDefinition, Roll

__all__ = [
    "DEFAULT_DUE_SOON_WORKING_DAYS",
    "Clock",
    "ClockStatus",
    "Extension",
    "Pause",
    "PauseEffect",
    "clocks_by_id",
    "compute_clocks",
]

#: Used when neither the caller nor the process's ``due_soon_working_days`` setting says otherwise.
DEFAULT_DUE_SOON_WORKING_DAYS = 2


class ClockStatus(StrEnum):
    """Where a milestone's clock stands on a given day.

    ``not_started``: its start event has not been recorded.
    ``running``: started, not met, due date more than the due-soon window away.
    ``due_soon``: due within the due-soon window (working days), including due today.
    ``overdue``: due date passed and not met.
    ``paused``: stopped by a pause in force today.
    ``met``: met on or before the (effective) due date; for a minimum period, the period has run out.
    ``met_late``: met after the (effective) due date.
    ``breached``: a minimum period ended early (a report taken down before its 12 months were up).
    ``not_required``: the case does not need this milestone (no rapid review for a care leaver's death that
    meets no criteria; no local review after the partners decided against one), with the reason recorded.
    """

    NOT_STARTED = "not_started"
    RUNNING = "running"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"
    MET = "met"
    MET_LATE = "met_late"
    BREACHED = "breached"
    NOT_REQUIRED = "not_required"

    @property
    def label(self) -> str:
        """Human label for pages and calendar entries: "Due soon", "Met late"."""
        return self.value.replace("_", " ").capitalize()

    @property
    def is_open(self) -> bool:
        """True while something is still to be done against this clock."""
        return self in {ClockStatus.RUNNING, ClockStatus.DUE_SOON, ClockStatus.OVERDUE, ClockStatus.PAUSED}


@dataclass(frozen=True, slots=True)
class Pause:
    """A period in which clocks stop, e.g. a publication hold for criminal proceedings or an inquest.

    ``end`` is the last paused day (inclusive), or None while the pause is still in force.
    ``milestones`` names the clocks it stops; empty means every milestone the process marks ``pausable``
    (in ``england-cspr``: completing and publishing the local review).
    """

    start: date
    end: date | None
    reason: str
    approved_by: str
    milestones: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require_date(self.start, "Pause.start")
        if self.end is not None:
            _require_date(self.end, "Pause.end")
            if self.end < self.start:
                raise ValueError(f"pause ends ({self.end}) before it starts ({self.start})")
        if not self.reason.strip():
            raise ValueError("a pause needs a reason")
        if not self.approved_by.strip():
            raise ValueError("a pause needs the name or role of whoever approved it")
        object.__setattr__(self, "milestones", tuple(self.milestones))

    def in_force_on(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)


@dataclass(frozen=True, slots=True)
class Extension:
    """An approved new due date for one milestone, with who approved it and whom they told."""

    milestone: str
    new_due: date
    reason: str
    approved_by: str
    approved_on: date
    panel_notified: bool = False
    secretary_of_state_notified: bool = False

    def __post_init__(self) -> None:
        _require_date(self.new_due, "Extension.new_due")
        _require_date(self.approved_on, "Extension.approved_on")
        if not self.reason.strip():
            raise ValueError("an extension needs a reason")
        if not self.approved_by.strip():
            raise ValueError("an extension needs the name or role of whoever approved it")


@dataclass(frozen=True, slots=True)
class PauseEffect:
    """What one pause did to one clock: the days it stopped the clock and how far the date moved."""

    pause: Pause
    shift: int
    unit: str
    stopped_from: date | None
    stopped_to: date | None
    due_before: date | None
    due_after: date | None
    note: str


@dataclass(frozen=True, slots=True)
class Clock:
    """One milestone's clock on ``as_of``: dates, status, lateness and a plain-English explanation.

    ``statutory_due`` is the date the rule gives; ``effective_due`` is the date after pauses and extensions
    (None while an open-ended pause is in force, or before the clock starts). ``working_days_late`` is set
    for overdue and met clocks (0 when met on time); ``working_days_to_go`` for open clocks not yet due.
    ``statutory_working_days_late`` measures lateness against the original date, so an extended clock met on
    its extended date still shows how far past the statutory date it ran. ``start_label`` names what
    starts the clock, e.g. "'Local authority became aware of the incident'".
    """

    milestone: Milestone
    status: ClockStatus
    as_of: date
    start: date | None
    statutory_due: date | None
    effective_due: date | None
    met_on: date | None
    working_days_late: int | None
    working_days_to_go: int | None
    statutory_working_days_late: int | None
    start_label: str = ""
    pauses: tuple[PauseEffect, ...] = ()
    extensions: tuple[Extension, ...] = ()
    skipped_days: tuple[DayExplanation, ...] = ()
    warnings: tuple[str, ...] = ()
    explanation: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        return self.milestone.id

    @property
    def is_extended(self) -> bool:
        """True when the effective due date differs from the statutory one."""
        return (
            self.effective_due is not None
            and self.statutory_due is not None
            and self.effective_due != self.statutory_due
        )

    def explain(self) -> str:
        """The explanation as one text: start event and date, rule and citation, days skipped and why."""
        return "\n".join(self.explanation)


def compute_clocks(
    *,
    process: ProcessDefinition,
    events: Mapping[str, date],
    calendar: WorkingCalendar,
    today: date,
    pauses: Iterable[Pause] = (),
    extensions: Iterable[Extension] = (),
    due_soon_days: int | None = None,
    not_required: Mapping[str, str] | None = None,
) -> list[Clock]:
    """Every milestone's clock for one case, in dependency order.

    ``events`` maps event ids to the dates recorded on the case; ids the process does not use are ignored,
    so one store of case events can serve several processes. ``due_soon_days`` defaults to the process's
    ``due_soon_working_days`` setting, or 2 working days. ``not_required`` maps milestone ids the case does not
    need to the reason: their clocks neither run nor fall due, and say why (a clock that ran on a closed case
    would chase a deadline nobody owes).
    """
    _require_date(today, "today")
    for key, value in events.items():
        _require_date(value, f"events[{key!r}]")
    pauses = tuple(pauses)
    extensions = tuple(extensions)
    known = set(process.milestone_ids)
    for pause in pauses:
        if unknown := sorted(set(pause.milestones) - known):
            raise ValueError(f"pause names unknown milestone(s) {', '.join(unknown)} in {process.id}")
    for extension in extensions:
        if extension.milestone not in known:
            raise ValueError(f"extension names unknown milestone {extension.milestone!r} in {process.id}")
    not_required = dict(not_required or {})
    if unknown := sorted(set(not_required) - known):
        raise ValueError(f"not_required names unknown milestone(s) {', '.join(unknown)} in {process.id}")
    for milestone_id, reason in not_required.items():
        if not reason.strip():
            raise ValueError(f"not_required[{milestone_id!r}] needs a reason")
    if due_soon_days is None:
        setting = process.settings.get("due_soon_working_days")
        due_soon_days = int(setting.value) if setting is not None else DEFAULT_DUE_SOON_WORKING_DAYS
    if due_soon_days < 0:
        raise ValueError("due_soon_days cannot be negative")

    clocks: dict[str, Clock] = {}
    for milestone in process.milestones:
        if milestone.id in not_required:
            clocks[milestone.id] = _not_required_clock(process, milestone, not_required[milestone.id], today)
            continue
        clocks[milestone.id] = _ClockBuilder(
            process=process,
            milestone=milestone,
            events=events,
            calendar=calendar,
            today=today,
            pauses=tuple(
                p for p in pauses if milestone.id in p.milestones or (not p.milestones and milestone.pausable)
            ),
            extensions=tuple(x for x in extensions if x.milestone == milestone.id),
            due_soon_days=due_soon_days,
            earlier=clocks,
        ).build()
    return list(clocks.values())


def _not_required_clock(process: ProcessDefinition, milestone: Milestone, reason: str, today: date) -> Clock:
    kind_word = "statutory" if milestone.statutory else "local"
    s = milestone.start
    if s.event is not None:
        started_by = f"'{process.event(s.event).label}'"
    else:
        assert s.milestone is not None
        started_by = f"'{process.milestone(s.milestone).label}'"
    return Clock(
        milestone=milestone,
        status=ClockStatus.NOT_REQUIRED,
        as_of=today,
        start=None,
        statutory_due=None,
        effective_due=None,
        met_on=None,
        working_days_late=None,
        working_days_to_go=None,
        statutory_working_days_late=None,
        explanation=(
            f"{milestone.label}: not required for this case: {reason}",
            f"Rule where it applies: {milestone.offset.describe()} {started_by}, a {kind_word} timescale; "
            f"responsible: {milestone.responsible}.",
            f"Source: {milestone.source}.",
        ),
    )


def _require_date(value: object, what: str) -> None:
    # A datetime would compare unpredictably with dates (and carries a time zone question); refuse it.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what} must be a datetime.date, not {type(value).__name__}")


class _ClockBuilder:
    """Works out one clock. A class only to share the inputs between the small steps below."""

    def __init__(
        self,
        *,
        process: ProcessDefinition,
        milestone: Milestone,
        events: Mapping[str, date],
        calendar: WorkingCalendar,
        today: date,
        pauses: tuple[Pause, ...],
        extensions: tuple[Extension, ...],
        due_soon_days: int,
        earlier: Mapping[str, Clock],
    ) -> None:
        self.process = process
        self.m = milestone
        self.events = events
        self.calendar = calendar
        self.today = today
        self.pauses = pauses
        self.extensions = extensions
        self.due_soon_days = due_soon_days
        self.earlier = earlier
        self.lines: list[str] = []
        self.warnings: list[str] = []
        self.working = milestone.offset.unit is OffsetUnit.WORKING_DAYS

    # -- steps ------------------------------------------------------------------------------------------

    def start(self) -> tuple[date | None, str]:
        """The start date, and a phrase naming what started it."""
        s = self.m.start
        if s.event is not None:
            label = self.process.event(s.event).label
            return self.events.get(s.event), f"'{label}'"
        assert s.milestone is not None
        other = self.earlier[s.milestone]
        if s.milestone_date == "met":
            return other.met_on, f"'{other.milestone.label}' being met"
        return other.effective_due, f"the due date of '{other.milestone.label}'"

    def roll(self, d: date) -> date:
        match self.m.roll:
            case Roll.NEXT_WORKING_DAY:
                return self.calendar.roll_forward(d)
            case Roll.PREVIOUS_WORKING_DAY:
                return self.calendar.roll_back(d)
            case Roll.NONE:
                return d

    def statutory_due(self, start: date) -> tuple[date, tuple[DayExplanation, ...]]:
        offset = self.m.offset
        raw = offset.apply(start, self.calendar)
        skipped: tuple[DayExplanation, ...] = ()
        if self.working:
            rows = self.calendar.explain(start, offset.amount)
            skipped = tuple(sorted((row for row in rows if not row.counted), key=lambda row: row.day))
            if skipped:
                listed = ", ".join(f"{format_date(r.day)} ({_skip_reason(r)})" for r in skipped)
                self.lines.append(f"Days not counted: {listed}.")
            elif offset.amount:
                self.lines.append("Every day counted was a working day; none were skipped.")
        elif offset.unit is OffsetUnit.CALENDAR_MONTHS and raw.day != start.day:
            self.lines.append(
                f"{format_date(start)} plus {offset.amount} months has no day {start.day} in that month, "
                f"so the date is the last day of the month, {format_date(raw)}."
            )
        rolled = self.roll(raw)
        if rolled != raw:
            direction = "next" if rolled > raw else "previous"
            self.lines.append(
                f"{format_date(raw)} is not a working day ({self.calendar.closure_reason(raw)}), "
                f"so the date moves to the {direction} working day, {format_date(rolled)}."
            )
        return rolled, skipped

    def shift_by_pause(self, due: date, first: date, last: date) -> tuple[date, int, str]:
        if self.working:
            shift = self.calendar.working_days_between(first - timedelta(days=1), last)
            return self.calendar.add_working_days(due, shift), shift, "working days"
        shift = (last - first).days + 1
        return self.roll(due + timedelta(days=shift)), shift, "calendar days"

    def adjust(self, start: date, due: date, met_on: date | None) -> tuple[date | None, list[PauseEffect], list[Pause]]:
        """Apply pauses and extensions in the order they happened; return the effective due date."""
        timeline: list[tuple[date, int, Pause | Extension]] = [(p.start, 0, p) for p in self.pauses]
        timeline += [(x.approved_on, 1, x) for x in self.extensions]
        timeline.sort(key=lambda item: (item[0], item[1]))
        current: date | None = due
        paused_through = start  # days up to here are already accounted for
        open_ended = False
        effects: list[PauseEffect] = []
        stopping: list[Pause] = []
        for _when, _order, change in timeline:
            if isinstance(change, Extension):
                current = self.extend(change, current)
                open_ended = False
                continue
            pause = change
            what = f"Paused from {format_date(pause.start)}" + (
                f" to {format_date(pause.end)}" if pause.end else " (still in force)"
            )
            what += f" ({pause.reason}; approved by {pause.approved_by})"
            note: str | None = None
            if met_on is not None and pause.start > met_on:
                note = "no effect, the milestone was already met."
            elif open_ended:
                stopping.append(pause)
                note = "overlaps a pause that is still in force."
            elif current is not None and pause.start > current:
                note = "no effect, it began after the due date had passed; only an extension can move it."
                self.warnings.append(
                    f"A pause from {format_date(pause.start)} began after the due date and cannot stop an "
                    "overdue clock; record an approved extension instead."
                )
            else:
                first = max(pause.start, paused_through + timedelta(days=1))
                stopping.append(pause)
                if pause.end is None:
                    open_ended = True
                    effects.append(PauseEffect(pause, 0, "", first, None, current, None, "open-ended"))
                    self.lines.append(
                        f"{what}: the clock is stopped from {format_date(first)} until the pause ends, "
                        "so there is no due date for now."
                    )
                    current = None
                elif pause.end < first:
                    note = "no further effect, those days were already paused or before the clock began."
                else:
                    assert current is not None
                    moved, shift, unit = self.shift_by_pause(current, first, pause.end)
                    effects.append(PauseEffect(pause, shift, unit, first, pause.end, current, moved, "moved"))
                    self.lines.append(
                        f"{what}: the clock stopped for {shift} {unit} "
                        f"({format_date(first)} to {format_date(pause.end)}), so the due date moves from "
                        f"{format_date(current)} to {format_date(moved)}."
                    )
                    current = moved
                    paused_through = pause.end
            if note is not None:
                effects.append(PauseEffect(pause, 0, "", None, None, current, current, note))
                self.lines.append(f"{what}: {note}")
        return current, effects, stopping

    def extend(self, extension: Extension, current: date | None) -> date:
        told = []
        if extension.panel_notified:
            told.append("the Panel")
        if extension.secretary_of_state_notified:
            told.append("the Secretary of State")
        before = f" from {format_date(current)}" if current is not None else ""
        self.lines.append(
            f"Extended{before} to {format_date(extension.new_due)}, approved by {extension.approved_by} on "
            f"{format_date(extension.approved_on)} ({extension.reason}). Notified: "
            f"{' and '.join(told) if told else 'nobody yet'}."
        )
        if self.m.statutory and not (extension.panel_notified and extension.secretary_of_state_notified):
            missing = [
                who
                for who, done in (
                    ("the Panel", extension.panel_notified),
                    ("the Secretary of State", extension.secretary_of_state_notified),
                )
                if not done
            ]
            self.warnings.append(
                f"The extension approved on {format_date(extension.approved_on)} has not been notified to "
                f"{' or '.join(missing)}; a delay to a statutory timescale is notified, with reasons "
                "(Working Together to Safeguard Children 2023, chapter 5)."
            )
        return extension.new_due

    # -- the whole clock --------------------------------------------------------------------------------

    def build(self) -> Clock:
        m = self.m
        start, started_by = self.start()
        headline_at = len(self.lines)
        kind_word = "statutory" if m.statutory else "local"
        rule = f"Rule: {m.offset.describe()} {started_by}, a {kind_word} timescale; responsible: {m.responsible}."
        end_event = m.met_by if m.kind is MilestoneKind.DEADLINE else m.ended_by
        end_date = self.events.get(end_event) if end_event else None

        if start is None:
            self.lines.append(f"The clock has not started: no date is recorded for {started_by}.")
        elif m.offset.amount < 0:
            self.lines.append(f"Counted back from {format_date(start)}: {started_by}.")
        else:
            self.lines.append(f"The clock started on {format_date(start)}: {started_by}.")
        self.lines.append(rule)
        self.lines.append(f"Source: {m.source}.")
        for name in m.settings_used:
            setting = self.process.settings[name]
            note = "the default" if not setting.overridden else f"changed from the default {setting.default!r}"
            check = " [check: not confirmed from the statutory text]" if setting.check else ""
            self.lines.append(f"Uses the partnership setting {name} = {setting.value!r} ({note}){check}.")

        statutory_due: date | None = None
        effective: date | None = None
        skipped: tuple[DayExplanation, ...] = ()
        effects: list[PauseEffect] = []
        stopping: list[Pause] = []
        if start is not None:
            statutory_due, skipped = self.statutory_due(start)
            what = "Earliest date it may end" if m.kind is MilestoneKind.MINIMUM_PERIOD else "Due date"
            self.lines.append(f"{what}{' (statutory)' if m.statutory else ''}: {format_date(statutory_due)}.")
            met_for_pauses = end_date if m.kind is MilestoneKind.DEADLINE else None
            effective, effects, stopping = self.adjust(start, statutory_due, met_for_pauses)
            if effective is not None and effective != statutory_due:
                self.lines.append(
                    f"Effective date: {format_date(effective)} (the original date, "
                    f"{format_date(statutory_due)}, stays on record)."
                )
        paused_now = any(p.in_force_on(self.today) for p in stopping)

        if m.kind is MilestoneKind.DEADLINE:
            result = self.deadline_status(start, statutory_due, effective, end_date, paused_now)
        else:
            result = self.minimum_period_status(start, effective, end_date, paused_now)
        status, met_on, late, to_go, summary = result
        statutory_late = None
        if statutory_due is not None:
            if met_on is not None and m.kind is MilestoneKind.DEADLINE:
                statutory_late = max(0, self.calendar.working_days_between(statutory_due, met_on))
            elif status.is_open and self.today > statutory_due:
                statutory_late = max(0, self.calendar.working_days_between(statutory_due, self.today))
        self.lines.insert(headline_at, f"{m.label}: {summary}")
        self.lines.extend(f"Warning: {w}" for w in self.warnings)
        return Clock(
            milestone=m,
            status=status,
            as_of=self.today,
            start=start,
            statutory_due=statutory_due,
            effective_due=effective,
            met_on=met_on,
            working_days_late=late,
            working_days_to_go=to_go,
            statutory_working_days_late=statutory_late,
            start_label=started_by,
            pauses=tuple(effects),
            extensions=self.extensions,
            skipped_days=skipped,
            warnings=tuple(self.warnings),
            explanation=tuple(self.lines),
        )

    def deadline_status(
        self,
        start: date | None,
        statutory_due: date | None,
        due: date | None,
        met_on: date | None,
        paused_now: bool,
    ) -> tuple[ClockStatus, date | None, int | None, int | None, str]:
        between = self.calendar.working_days_between
        today = self.today
        if met_on is not None:
            if start is None:
                self.warnings.append(
                    "Met, but the clock's start is not recorded, so whether it was on time cannot be judged."
                )
                return ClockStatus.MET, met_on, None, None, f"met on {format_date(met_on)}."
            if due is None:
                return ClockStatus.MET, met_on, None, None, f"met on {format_date(met_on)}, while paused."
            if met_on <= due:
                extra = ""
                if statutory_due is not None and met_on > statutory_due:
                    extra = (
                        f", within the extended date but {between(statutory_due, met_on)} working days "
                        "after the statutory date"
                    )
                return ClockStatus.MET, met_on, 0, None, f"met on {format_date(met_on)}, on time{extra}."
            late = between(due, met_on)
            return (
                ClockStatus.MET_LATE,
                met_on,
                late,
                None,
                f"met on {format_date(met_on)}, {_days(late)} late (due {format_date(due)}).",
            )
        if start is None:
            return ClockStatus.NOT_STARTED, None, None, None, "not started."
        if paused_now:
            to_go = between(today, due) if due is not None and due >= today else None
            until = f"; due {format_date(due)} once the pause ends" if due is not None else ""
            return ClockStatus.PAUSED, None, None, to_go, f"paused{until}."
        if due is None:
            return ClockStatus.RUNNING, None, None, None, "running; the due date waits on a pause."
        if today > due:
            late = between(due, today)
            if late == 0:
                # Passed over a weekend or holiday: no working day is lost yet, so "0 working days late"
                # would read as on time. Say when the first working day of lateness falls instead.
                first_late = self.calendar.add_working_days(due, 1)
                summary = (
                    f"overdue: due {format_date(due)}; it will be 1 working day late on {format_date(first_late)}."
                )
            else:
                summary = f"overdue: due {format_date(due)}, {_days(late)} late on {format_date(today)}."
            return ClockStatus.OVERDUE, None, late, None, summary
        to_go = between(today, due)
        status = ClockStatus.DUE_SOON if to_go <= self.due_soon_days else ClockStatus.RUNNING
        when = "due today" if due == today else f"due {format_date(due)}, {_days(to_go)} to go"
        return status, None, None, to_go, f"{status.label.lower()}: {when}."

    def minimum_period_status(
        self, start: date | None, due: date | None, ended: date | None, paused_now: bool
    ) -> tuple[ClockStatus, date | None, int | None, int | None, str]:
        if start is None:
            if ended is not None:
                self.warnings.append("An end is recorded but the period's start is not.")
            return ClockStatus.NOT_STARTED, None, None, None, "not started."
        if due is None:
            status = ClockStatus.PAUSED if paused_now else ClockStatus.RUNNING
            return status, None, None, None, f"{status.label.lower()}; the end date waits on a pause."
        if ended is not None and ended < due:
            short = (due - ended).days
            self.warnings.append(
                f"Ended on {format_date(ended)}, {short} calendar days before the earliest permitted date."
            )
            return ClockStatus.BREACHED, None, None, None, f"ended early on {format_date(ended)}."
        if self.today >= due or (ended is not None and ended >= due):
            return ClockStatus.MET, due, 0, None, f"period complete on {format_date(due)}."
        if paused_now:
            return ClockStatus.PAUSED, None, None, None, "paused."
        to_go = self.calendar.working_days_between(self.today, due)
        return (
            ClockStatus.RUNNING,
            None,
            None,
            to_go,
            f"in force until {format_date(due)}; it must not end before then.",
        )


def _skip_reason(row: DayExplanation) -> str:
    # "Saturday 19 December 2026 (Saturday)" says nothing; "(weekend; Boxing Day)" does.
    weekday = format_date(row.day).split(" ", 1)[0]
    if row.reason.startswith(weekday):
        return "weekend" + row.reason[len(weekday) :]
    return row.reason


def _days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def clocks_by_id(clocks: Sequence[Clock]) -> dict[str, Clock]:
    """Index clocks by milestone id (a convenience for pages and tests)."""
    return {c.milestone.id: c for c in clocks}
