"""Statutory timescales for safeguarding reviews: working calendars, process definitions and clocks.

Pure Python, importing nothing from Django, so the case workflow, the API, the command line and the
calendar export all compute deadlines the same way (DESIGN.md rule 4: deadlines come from here, never from
ad-hoc date arithmetic elsewhere).

* :class:`WorkingCalendar`: working days for one of :data:`NATIONS`, with that nation's bank holidays
  (substitute and one-off days included) and the partnership's own closures.
* :func:`load_process`: a review process (``england-cspr``, ``england-learning-review``) loaded from data.
* :func:`compute_clocks`: every milestone's due date and :class:`ClockStatus` for a case, with pauses,
  extensions and a plain-English explanation.
* :func:`milestones_to_ics`: the milestones as an iCalendar file.
"""

from .calendars import (
    NATIONS,
    DayExplanation,
    UnknownNation,
    WorkingCalendar,
    bank_holidays,
    normalise_nation,
)
from .clocks import (
    DEFAULT_DUE_SOON_WORKING_DAYS,
    Clock,
    ClockStatus,
    Extension,
    Pause,
    PauseEffect,
    clocks_by_id,
    compute_clocks,
)
from .definitions import (
    ClockStart,
    Event,
    Milestone,
    MilestoneKind,
    Offset,
    OffsetUnit,
    ProcessDefinition,
    ProcessDefinitionError,
    Roll,
    Setting,
    available_processes,
    load_process,
    load_process_file,
    parse_process,
)
from .ics import milestones_to_ics

__all__ = [
    "DEFAULT_DUE_SOON_WORKING_DAYS",
    "NATIONS",
    "Clock",
    "ClockStart",
    "ClockStatus",
    "DayExplanation",
    "Event",
    "Extension",
    "Milestone",
    "MilestoneKind",
    "Offset",
    "OffsetUnit",
    "Pause",
    "PauseEffect",
    "ProcessDefinition",
    "ProcessDefinitionError",
    "Roll",
    "Setting",
    "UnknownNation",
    "WorkingCalendar",
    "available_processes",
    "bank_holidays",
    "clocks_by_id",
    "compute_clocks",
    "load_process",
    "load_process_file",
    "milestones_to_ics",
    "normalise_nation",
    "parse_process",
]
