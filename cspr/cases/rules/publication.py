"""When a local review may be published (DOMAIN.md step 10).

The Child Safeguarding Practice Review and Relevant Agency (England) Regulations 2018, Part 3: the final report
reaches the Panel and the Secretary of State at least 7 working days before it is published. The number comes
from the process definition's ``final-report-to-panel`` milestone (counted back from publication), and the
counting from ``cspr.timescales`` on the partnership's calendar. Pure: the caller gives the process and the
calendar."""

from __future__ import annotations

import datetime

from cspr.timescales import OffsetUnit, ProcessDefinition, WorkingCalendar
from cspr.timescales.milestones import FINAL_REPORT_TO_PANEL


def earliest_publication(
    process: ProcessDefinition, calendar: WorkingCalendar, sent_on: datetime.date
) -> datetime.date:
    """The first publication date a sending on ``sent_on`` allows: one call to the working-day calendar."""
    offset = process.milestone(FINAL_REPORT_TO_PANEL).offset
    if offset.unit is not OffsetUnit.WORKING_DAYS or offset.amount >= 0:
        raise ValueError(f"{FINAL_REPORT_TO_PANEL} must count working days back from publication")
    return calendar.earliest_with_working_days_before(sent_on, -offset.amount)


def publication_timing_error(
    process: ProcessDefinition, calendar: WorkingCalendar, sent_on: datetime.date, published_on: datetime.date
) -> str | None:
    """Why publishing on ``published_on`` is too soon after sending the report on ``sent_on``, or None."""
    earliest = earliest_publication(process, calendar, sent_on)
    if published_on >= earliest:
        return None
    offset = process.milestone(FINAL_REPORT_TO_PANEL).offset
    return (
        f"The report must reach the Panel and the Secretary of State at least {offset.describe()} publication: "
        f"sent on {sent_on:%-d %B %Y}, it can be published on {earliest:%-d %B %Y} at the earliest"
    )
