"""Every milestone of england-cspr, computed for a case over Christmas 2026 in England."""

from datetime import date, datetime
from typing import Any

import pytest

from cspr.timescales import (
    Clock,
    ClockStatus,
    WorkingCalendar,
    clocks_by_id,
    compute_clocks,
    load_process,
)

D = date
ENGLAND = WorkingCalendar("england")
PROCESS = load_process("england-cspr")


def clock(milestone: str, events: dict[str, date], today: date, **kwargs: Any) -> Clock:
    clocks = compute_clocks(process=PROCESS, events=events, calendar=ENGLAND, today=today, **kwargs)
    return clocks_by_id(clocks)[milestone]


AWARE = {"la_became_aware": D(2026, 12, 18)}  # Friday before Christmas
NOTIFIED = {**AWARE, "notification_sent": D(2026, 12, 22)}


# -- notify-panel: 5 working days after the LA became aware ------------------------------------------


def test_notify_panel_is_due_5_working_days_after_the_la_became_aware_skipping_christmas() -> None:
    c = clock("notify-panel", AWARE, today=D(2026, 12, 21))
    assert c.start == D(2026, 12, 18)
    assert c.statutory_due == c.effective_due == D(2026, 12, 29)
    assert c.status is ClockStatus.RUNNING
    assert c.working_days_to_go == 4
    assert [d.day for d in c.skipped_days] == [
        D(2026, 12, 19),
        D(2026, 12, 20),
        D(2026, 12, 25),
        D(2026, 12, 26),
        D(2026, 12, 27),
        D(2026, 12, 28),
    ]


def test_notify_panel_is_met_when_the_notification_is_sent_in_time() -> None:
    c = clock("notify-panel", NOTIFIED, today=D(2027, 1, 4))
    assert c.status is ClockStatus.MET
    assert c.met_on == D(2026, 12, 22)
    assert c.working_days_late == 0


def test_notify_panel_sent_the_day_after_the_deadline_is_met_one_working_day_late() -> None:
    c = clock("notify-panel", {**AWARE, "notification_sent": D(2026, 12, 30)}, today=D(2027, 1, 4))
    assert c.status is ClockStatus.MET_LATE
    assert c.working_days_late == 1
    assert "1 working day late" in c.explanation[0]


def test_notify_panel_explanation_names_the_start_rule_citation_and_skipped_days() -> None:
    text = clock("notify-panel", AWARE, today=D(2026, 12, 21)).explain()
    assert "The clock started on Friday 18 December 2026: 'Local authority became aware of the incident'." in text
    assert "Rule: 5 working days after 'Local authority became aware of the incident', a statutory timescale" in text
    assert "Children Act 2004, section 16C(1); Working Together to Safeguard Children 2023, chapter 5" in text
    assert "Friday 25 December 2026 (Christmas Day)" in text
    assert "Saturday 26 December 2026 (weekend; Boxing Day)" in text
    assert "Monday 28 December 2026 (Boxing Day (observed))" in text
    assert "Due date (statutory): Tuesday 29 December 2026." in text


def test_notify_panel_has_not_started_until_the_la_becomes_aware() -> None:
    c = clock("notify-panel", {}, today=D(2026, 12, 21))
    assert c.status is ClockStatus.NOT_STARTED
    assert c.start is c.statutory_due is c.effective_due is None
    assert "no date is recorded for 'Local authority became aware of the incident'" in c.explain()


# -- inform-partners: within the same 5 working days ---------------------------------------------------


@pytest.mark.parametrize(
    ("today", "status", "to_go", "late"),
    [
        (D(2026, 12, 21), ClockStatus.RUNNING, 4, None),
        (D(2026, 12, 23), ClockStatus.DUE_SOON, 2, None),
        (D(2026, 12, 24), ClockStatus.DUE_SOON, 1, None),
        (D(2026, 12, 28), ClockStatus.DUE_SOON, 1, None),  # a bank holiday: Tuesday is still one day away
        (D(2026, 12, 29), ClockStatus.DUE_SOON, 0, None),  # due today
        (D(2026, 12, 30), ClockStatus.OVERDUE, None, 1),
        (D(2027, 1, 5), ClockStatus.OVERDUE, None, 4),  # 30, 31 December, 4 and 5 January (1 January skipped)
    ],
)
def test_inform_partners_runs_then_is_due_soon_then_overdue_in_working_days(
    today: date, status: ClockStatus, to_go: int | None, late: int | None
) -> None:
    c = clock("inform-partners", AWARE, today=today)
    assert c.statutory_due == D(2026, 12, 29)
    assert (c.status, c.working_days_to_go, c.working_days_late) == (status, to_go, late)


def test_a_deadline_passed_over_a_weekend_is_overdue_and_says_when_it_becomes_a_working_day_late() -> None:
    # Notified Tuesday 15 December 2026: 15 working days (Christmas and New Year skipped) is Friday 8 January
    # 2027. On Saturday 9th it is overdue, but no working day is lost until Monday 11th.
    sent = {**AWARE, "notification_sent": D(2026, 12, 15)}
    weekend = clock("rapid-review", sent, today=D(2027, 1, 9))
    assert weekend.effective_due == D(2027, 1, 8)
    assert (weekend.status, weekend.working_days_late) == (ClockStatus.OVERDUE, 0)
    assert "will be 1 working day late on Monday 11 January 2027" in weekend.explanation[0]
    monday = clock("rapid-review", sent, today=D(2027, 1, 11))
    assert (monday.status, monday.working_days_late) == (ClockStatus.OVERDUE, 1)


def test_inform_partners_is_met_by_the_partners_informed_event() -> None:
    c = clock("inform-partners", {**AWARE, "partners_informed": D(2026, 12, 18)}, today=D(2027, 1, 5))
    assert c.status is ClockStatus.MET
    assert c.met_on == D(2026, 12, 18)


def test_the_due_soon_window_can_be_widened_per_call_or_per_partnership() -> None:
    assert clock("inform-partners", AWARE, today=D(2026, 12, 21)).status is ClockStatus.RUNNING
    wide = clock("inform-partners", AWARE, today=D(2026, 12, 21), due_soon_days=4)
    assert wide.status is ClockStatus.DUE_SOON
    partnership = load_process("england-cspr", {"due_soon_working_days": 4})
    c = clocks_by_id(compute_clocks(process=partnership, events=AWARE, calendar=ENGLAND, today=D(2026, 12, 21)))
    assert c["inform-partners"].status is ClockStatus.DUE_SOON


# -- agency-summaries: by working day 10 of the rapid review --------------------------------------------


def test_agency_summaries_are_due_on_working_day_10_of_the_rapid_review() -> None:
    c = clock("agency-summaries", NOTIFIED, today=D(2027, 1, 4))
    assert c.start == D(2026, 12, 22)
    assert c.statutory_due == D(2027, 1, 8)
    assert c.status is ClockStatus.RUNNING
    assert not c.milestone.statutory
    assert "Uses the partnership setting agency_summaries_working_days = 10 (the default)." in c.explain()


def test_agency_summaries_returned_late_are_met_late() -> None:
    events = {**NOTIFIED, "agency_summaries_returned": D(2027, 1, 12)}
    c = clock("agency-summaries", events, today=D(2027, 1, 12))
    assert (c.status, c.working_days_late) == (ClockStatus.MET_LATE, 2)


def test_a_partnership_can_move_the_agency_summary_day() -> None:
    process = load_process("england-cspr", {"agency_summaries_working_days": 8})
    clocks = compute_clocks(process=process, events=NOTIFIED, calendar=ENGLAND, today=D(2027, 1, 4))
    assert clocks_by_id(clocks)["agency-summaries"].statutory_due == D(2027, 1, 6)


# -- rapid-review: 15 working days after the notification --------------------------------------------


def test_rapid_review_is_due_15_working_days_after_the_notification() -> None:
    c = clock("rapid-review", NOTIFIED, today=D(2027, 1, 13))
    assert c.statutory_due == D(2027, 1, 15)
    assert (c.status, c.working_days_to_go) == (ClockStatus.DUE_SOON, 2)
    assert "Friday 1 January 2027 (New Year's Day)" in c.explain()


def test_rapid_review_overdue_and_then_sent_late() -> None:
    overdue = clock("rapid-review", NOTIFIED, today=D(2027, 1, 20))
    assert (overdue.status, overdue.working_days_late) == (ClockStatus.OVERDUE, 3)
    sent = clock("rapid-review", {**NOTIFIED, "rapid_review_sent": D(2027, 1, 21)}, today=D(2027, 1, 25))
    assert (sent.status, sent.working_days_late) == (ClockStatus.MET_LATE, 4)


def test_rapid_review_has_not_started_before_the_notification_is_sent() -> None:
    assert clock("rapid-review", AWARE, today=D(2026, 12, 21)).status is ClockStatus.NOT_STARTED


# -- lcspr-published: 6 calendar months after the decision to review -----------------------------------


def test_local_review_is_due_6_calendar_months_after_the_decision_clamped_to_month_end() -> None:
    c = clock("lcspr-published", {"review_decided": D(2026, 8, 31)}, today=D(2026, 9, 1))
    assert c.statutory_due == D(2027, 2, 28)
    assert c.status is ClockStatus.RUNNING
    text = c.explain()
    assert "no day 31 in that month, so the date is the last day of the month, Sunday 28 February 2027" in text
    assert "local_review_clock_start = 'review_decided' (the default) [check:" in text


def test_local_review_published_a_day_late_is_met_late() -> None:
    events = {"review_decided": D(2026, 8, 31), "published": D(2027, 3, 1)}
    c = clock("lcspr-published", events, today=D(2027, 3, 2))
    assert (c.status, c.working_days_late) == (ClockStatus.MET_LATE, 1)


def test_local_review_clock_can_start_from_the_rapid_review_instead() -> None:
    process = load_process("england-cspr", {"local_review_clock_start": "rapid_review_sent"})
    events = {"rapid_review_sent": D(2027, 1, 15), "review_decided": D(2027, 2, 10)}
    c = clocks_by_id(compute_clocks(process=process, events=events, calendar=ENGLAND, today=D(2027, 2, 11)))
    assert c["lcspr-published"].start == D(2027, 1, 15)
    assert c["lcspr-published"].statutory_due == D(2027, 7, 15)
    assert "changed from the default 'review_decided'" in c["lcspr-published"].explain()


# -- final-report-to-panel: 7 working days before the planned publication --------------------------


def test_final_report_is_due_7_working_days_before_the_planned_publication() -> None:
    c = clock("final-report-to-panel", {"publication_planned": D(2027, 1, 5)}, today=D(2026, 12, 1))
    assert c.statutory_due == D(2026, 12, 22)
    assert c.status is ClockStatus.RUNNING
    text = c.explain()
    assert "Counted back from Tuesday 5 January 2027: 'Planned publication date'." in text
    assert "Rule: 7 working days before 'Planned publication date'" in text
    assert "Regulations 2018, Part 3" in text
    # Skipped days are listed in date order even though the count ran backwards.
    assert [d.day for d in c.skipped_days] == [
        D(2026, 12, 25),
        D(2026, 12, 26),
        D(2026, 12, 27),
        D(2026, 12, 28),
        D(2027, 1, 1),
        D(2027, 1, 2),
        D(2027, 1, 3),
    ]


def test_final_report_sent_after_the_7_day_point_is_met_late() -> None:
    events = {"publication_planned": D(2027, 1, 5), "final_report_sent": D(2026, 12, 23)}
    c = clock("final-report-to-panel", events, today=D(2026, 12, 23))
    assert (c.status, c.working_days_late) == (ClockStatus.MET_LATE, 1)


def test_final_report_moves_with_a_replanned_publication_date() -> None:
    events = {"publication_planned": D(2027, 2, 1), "final_report_sent": D(2026, 12, 23)}
    c = clock("final-report-to-panel", events, today=D(2026, 12, 23))
    assert c.statutory_due == D(2027, 1, 21)
    assert c.status is ClockStatus.MET


# -- keep-published: at least 12 months online (a minimum period, not a deadline) ----------------------


def test_keep_published_runs_for_12_months_from_publication() -> None:
    c = clock("keep-published", {"published": D(2027, 3, 1)}, today=D(2027, 6, 1))
    assert c.statutory_due == D(2028, 3, 1)
    assert c.status is ClockStatus.RUNNING
    assert "Earliest date it may end (statutory): Wednesday 1 March 2028." in c.explain()
    assert "it must not end before then" in c.explanation[0]


def test_keep_published_is_complete_once_the_year_is_up() -> None:
    c = clock("keep-published", {"published": D(2027, 3, 1)}, today=D(2028, 3, 1))
    assert (c.status, c.met_on) == (ClockStatus.MET, D(2028, 3, 1))


def test_taking_a_report_down_before_12_months_breaches_the_minimum_period() -> None:
    events = {"published": D(2027, 3, 1), "publication_removed": D(2027, 12, 1)}
    c = clock("keep-published", events, today=D(2027, 12, 2))
    assert c.status is ClockStatus.BREACHED
    assert any("91 calendar days before the earliest permitted date" in w for w in c.warnings)


def test_taking_a_report_down_after_12_months_is_fine() -> None:
    events = {"published": D(2027, 3, 1), "publication_removed": D(2028, 3, 2)}
    assert clock("keep-published", events, today=D(2028, 4, 1)).status is ClockStatus.MET


# -- nspcc-copy: at publication --------------------------------------------------------------------------


def test_nspcc_copy_is_due_on_the_day_of_publication() -> None:
    c = clock("nspcc-copy", {"published": D(2027, 3, 1)}, today=D(2027, 3, 1))
    assert c.statutory_due == D(2027, 3, 1)
    assert (c.status, c.working_days_to_go) == (ClockStatus.DUE_SOON, 0)
    sent = clock("nspcc-copy", {"published": D(2027, 3, 1), "nspcc_copy_sent": D(2027, 3, 1)}, today=D(2027, 3, 1))
    assert sent.status is ClockStatus.MET


def test_nspcc_copy_not_sent_after_publication_is_overdue() -> None:
    c = clock("nspcc-copy", {"published": D(2027, 3, 1)}, today=D(2027, 3, 3))
    assert (c.status, c.working_days_late) == (ClockStatus.OVERDUE, 2)


# -- the whole process ------------------------------------------------------------------------------------


def test_every_milestone_gets_a_clock_in_process_order() -> None:
    clocks = compute_clocks(process=PROCESS, events=NOTIFIED, calendar=ENGLAND, today=D(2026, 12, 23))
    assert [c.id for c in clocks] == list(PROCESS.milestone_ids)
    assert len(clocks) == 8


def test_events_for_other_processes_are_ignored_but_datetimes_are_refused() -> None:
    events = {**AWARE, "cdop_notified": D(2026, 12, 19)}
    assert clock("notify-panel", events, today=D(2026, 12, 21)).status is ClockStatus.RUNNING
    with pytest.raises(TypeError, match=r"events\['la_became_aware'\] must be a datetime\.date"):
        clock("notify-panel", {"la_became_aware": datetime(2026, 12, 18, 9, 0)}, today=D(2026, 12, 21))
    with pytest.raises(TypeError, match="today"):
        clock("notify-panel", AWARE, today=datetime(2026, 12, 21, 9, 0))


def test_met_without_a_recorded_start_is_met_with_a_warning() -> None:
    c = clock("notify-panel", {"notification_sent": D(2026, 12, 22)}, today=D(2026, 12, 23))
    assert c.status is ClockStatus.MET
    assert c.working_days_late is None
    assert c.warnings and "cannot be judged" in c.warnings[0]


def test_clock_status_values_are_stable_strings() -> None:
    assert [s.value for s in ClockStatus] == [
        "not_started",
        "running",
        "due_soon",
        "overdue",
        "paused",
        "met",
        "met_late",
        "breached",
        "not_required",
    ]
    assert ClockStatus.DUE_SOON.label == "Due soon"
    assert ClockStatus.OVERDUE.is_open and not ClockStatus.MET.is_open


# -- milestones a case does not need ------------------------------------------------------------------


def test_a_milestone_the_case_does_not_need_neither_runs_nor_falls_due_and_says_why() -> None:
    reason = "a care leaver aged 20 died and no serious case criteria are met"
    clocks = clocks_by_id(
        compute_clocks(
            process=PROCESS,
            events=NOTIFIED,
            calendar=ENGLAND,
            today=D(2027, 2, 1),  # long after the rapid review would have been overdue
            not_required={"rapid-review": reason, "agency-summaries": reason},
        )
    )
    rr = clocks["rapid-review"]
    assert rr.status is ClockStatus.NOT_REQUIRED and not rr.status.is_open
    assert (rr.effective_due, rr.working_days_late, rr.working_days_to_go) == (None, None, None)
    assert rr.explanation[0] == f"Send the rapid review to the Panel: not required for this case: {reason}"
    assert "15 working days after 'Serious incident notification sent to the Panel'" in rr.explanation[1]
    assert clocks["notify-panel"].status is ClockStatus.MET  # the others are computed as before


def test_not_required_milestones_must_exist_and_carry_a_reason() -> None:
    with pytest.raises(ValueError, match="unknown milestone"):
        compute_clocks(process=PROCESS, events=AWARE, calendar=ENGLAND, today=D(2027, 1, 4), not_required={"x": "y"})
    with pytest.raises(ValueError, match="needs a reason"):
        compute_clocks(
            process=PROCESS, events=AWARE, calendar=ENGLAND, today=D(2027, 1, 4), not_required={"rapid-review": " "}
        )
