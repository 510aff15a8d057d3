"""england-learning-review: locally set timescales, clocks chained from other milestones, rolled dates."""

from datetime import date
from typing import Any

from cspr.timescales import (
    Clock,
    ClockStatus,
    WorkingCalendar,
    clocks_by_id,
    compute_clocks,
    load_process,
    parse_process,
)

D = date
ENGLAND = WorkingCalendar("england")
PROCESS = load_process("england-learning-review")
DECIDED = {"review_decided": D(2026, 1, 2)}


def clocks(events: dict[str, date], today: date, process: Any = PROCESS) -> dict[str, Clock]:
    return clocks_by_id(compute_clocks(process=process, events=events, calendar=ENGLAND, today=today))


def test_terms_of_reference_are_due_20_working_days_after_the_decision() -> None:
    c = clocks(DECIDED, today=D(2026, 1, 5))["terms-of-reference"]
    assert c.statutory_due == D(2026, 1, 30)
    assert c.status is ClockStatus.RUNNING


def test_the_process_due_soon_window_applies_when_the_caller_gives_none() -> None:
    # This process sets due_soon_working_days = 5: on Friday 23 January the 30th is 5 working days away.
    assert clocks(DECIDED, today=D(2026, 1, 23))["terms-of-reference"].status is ClockStatus.DUE_SOON


def test_a_chained_clock_waits_for_the_milestone_it_starts_from() -> None:
    waiting = clocks(DECIDED, today=D(2026, 1, 20))["agency-reports"]
    assert waiting.status is ClockStatus.NOT_STARTED
    assert "no date is recorded for 'Agree the terms of reference' being met" in waiting.explain()
    started = clocks({**DECIDED, "terms_of_reference_agreed": D(2026, 1, 28)}, today=D(2026, 2, 2))
    assert started["agency-reports"].start == D(2026, 1, 28)
    assert started["agency-reports"].statutory_due == D(2026, 3, 11)


def test_a_month_date_on_a_weekend_rolls_past_the_bank_holiday_to_the_next_working_day() -> None:
    c = clocks(DECIDED, today=D(2026, 2, 1))["report-completed"]
    assert c.statutory_due == D(2026, 5, 5)  # 2 May is a Saturday and 4 May the early May bank holiday
    assert (
        "Saturday 2 May 2026 is not a working day (Saturday), so the date moves to the next working day, "
        "Tuesday 5 May 2026." in c.explain()
    )


def test_sign_off_and_learning_follow_the_completed_report() -> None:
    events = {**DECIDED, "report_completed": D(2026, 5, 5), "report_signed_off": D(2026, 6, 3)}
    c = clocks(events, today=D(2026, 6, 10))
    assert c["report-completed"].status is ClockStatus.MET
    assert c["report-signed-off"].statutory_due == D(2026, 6, 3)  # Spring bank holiday 25 May skipped
    assert c["report-signed-off"].status is ClockStatus.MET
    assert c["learning-shared"].start == D(2026, 6, 3)
    assert c["learning-shared"].statutory_due == D(2026, 7, 3)
    assert c["learning-shared"].status is ClockStatus.RUNNING


def test_a_partnership_sets_its_own_learning_review_timescales() -> None:
    process = load_process("england-learning-review", {"report_months": 6, "terms_of_reference_working_days": 10})
    c = clocks(DECIDED, today=D(2026, 1, 5), process=process)
    assert c["terms-of-reference"].statutory_due == D(2026, 1, 16)
    assert c["report-completed"].statutory_due == D(2026, 7, 2)


def test_a_clock_can_start_from_another_milestones_due_date() -> None:
    process = parse_process(
        {
            "id": "sar-example",
            "title": "Safeguarding adults review (example)",
            "nation": "wales",
            "source": "Care Act 2014, section 44 (example only)",
            "events": [
                {"id": "referral_received", "label": "Referral received"},
                {"id": "decision_made", "label": "Decision made"},
                {"id": "board_briefed", "label": "Board briefed"},
            ],
            "milestones": [
                {
                    "id": "decide",
                    "label": "Decide whether to review",
                    "start": {"event": "referral_received"},
                    "offset": {"working_days": 10},
                    "met_by": "decision_made",
                    "responsible": "Board",
                    "statutory": False,
                    "source": "Example",
                },
                {
                    "id": "brief-board",
                    "label": "Brief the board",
                    "start": {"milestone": "decide", "date": "due"},
                    "offset": {"weeks": 2},
                    "met_by": "board_briefed",
                    "responsible": "Board manager",
                    "statutory": False,
                    "source": "Example",
                },
            ],
        }
    )
    wales = WorkingCalendar("wales")
    c = clocks_by_id(
        compute_clocks(
            process=process,
            events={"referral_received": D(2026, 8, 24)},
            calendar=wales,
            today=D(2026, 8, 25),
        )
    )
    assert c["decide"].statutory_due == D(2026, 9, 8)  # Wales has the 31 August bank holiday
    assert c["brief-board"].start == D(2026, 9, 8)
    assert c["brief-board"].statutory_due == D(2026, 9, 22)
    assert "the due date of 'Decide whether to review'" in c["brief-board"].explain()
