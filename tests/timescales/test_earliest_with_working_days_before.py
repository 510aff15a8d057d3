"""The publication rule's one call: the earliest day at least n working days after a sending (Regulations 2018
Part 3: the report reaches the Panel 7 working days before publication), checked against a day-by-day search."""

from __future__ import annotations

import datetime

import pytest

from cspr.timescales import WorkingCalendar, load_process
from cspr.timescales import milestones as names


def _by_search(calendar: WorkingCalendar, d: datetime.date, n: int) -> datetime.date:
    day = d
    while calendar.add_working_days(day, -n) < d:
        day += datetime.timedelta(days=1)
    return day


@pytest.mark.parametrize("nation", ["england", "scotland"])
@pytest.mark.parametrize("n", [1, 7, 15])
def test_the_earliest_day_matches_a_day_by_day_search_through_a_year_of_holidays(nation: str, n: int) -> None:
    calendar = WorkingCalendar(nation, extra_closed=[datetime.date(2026, 12, 29)])
    start = datetime.date(2026, 1, 1)
    for offset in range(365):
        d = start + datetime.timedelta(days=offset)
        assert calendar.earliest_with_working_days_before(d, n) == _by_search(calendar, d, n), d


def test_a_report_sent_on_a_thursday_may_be_published_from_the_saturday_after_next() -> None:
    # Thursday 5 Nov 2026 + 7 working days back from Saturday 14 Nov lands on that Thursday.
    calendar = WorkingCalendar("england")
    assert calendar.earliest_with_working_days_before(datetime.date(2026, 11, 5), 7) == datetime.date(2026, 11, 14)


def test_every_named_milestone_and_event_is_in_the_england_process() -> None:
    process = load_process("england-cspr")
    declared = {v for k, v in vars(names).items() if k.isupper()}
    assert declared == set(process.milestone_ids) | set(process.event_ids)


def test_the_process_says_which_clocks_the_panel_reads_and_which_a_case_no_longer_owes() -> None:
    process = load_process("england-cspr")
    assert {m.id for m in process.milestones if m.panel} == {
        names.NOTIFY_PANEL,
        names.RAPID_REVIEW,
        names.FINAL_REPORT_TO_PANEL,
        names.LCSPR_PUBLISHED,
        names.KEEP_PUBLISHED,
    }
    assert set(process.not_required_at("no_review")) == {
        names.LCSPR_PUBLISHED,
        names.FINAL_REPORT_TO_PANEL,
        names.KEEP_PUBLISHED,
        names.NSPCC_COPY,
    }
    assert process.not_required_at("rapid_review") == {}
