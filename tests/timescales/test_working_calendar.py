"""Working-day arithmetic: day zero, negative offsets, months, overrides and explanations."""

from datetime import date

import pytest

from cspr.timescales import NATIONS, DayExplanation, UnknownNation, WorkingCalendar

D = date
ENGLAND = WorkingCalendar("england")


def test_five_working_days_after_friday_18_december_2026_skips_christmas_and_boxing_day_observed() -> None:
    assert ENGLAND.add_working_days(D(2026, 12, 18), 5) == D(2026, 12, 29)


def test_day_zero_is_the_start_itself_even_on_a_weekend() -> None:
    assert ENGLAND.add_working_days(D(2026, 12, 19), 0) == D(2026, 12, 19)
    assert ENGLAND.add_working_days(D(2026, 12, 19), 1) == D(2026, 12, 21)  # Saturday + 1 = Monday


def test_negative_offset_counts_back_seven_working_days_before_publication() -> None:
    # Publication Tuesday 5 January 2027: back over New Year's Day, the weekend and Christmas.
    assert ENGLAND.add_working_days(D(2027, 1, 5), -7) == D(2026, 12, 22)


def test_counting_back_from_a_saturday_treats_friday_as_the_first_day_back() -> None:
    assert ENGLAND.add_working_days(D(2026, 6, 13), -1) == D(2026, 6, 12)


def test_working_days_between_counts_the_end_but_not_the_start() -> None:
    assert ENGLAND.working_days_between(D(2026, 12, 18), D(2026, 12, 29)) == 5
    assert ENGLAND.working_days_between(D(2026, 12, 29), D(2026, 12, 18)) == -5
    assert ENGLAND.working_days_between(D(2026, 12, 18), D(2026, 12, 18)) == 0
    assert ENGLAND.working_days_between(D(2026, 12, 24), D(2026, 12, 28)) == 0


def test_working_days_between_is_exact_over_many_years() -> None:
    # 2019-2027 inclusive: 2,349 weekdays less the 75 weekday bank holidays in the published tables.
    start, end = D(2018, 12, 31), D(2027, 12, 31)
    assert ENGLAND.working_days_between(start, end) == 2349 - 75


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 8, 31), 6, D(2027, 2, 28)),  # clamped to the end of February
        (D(2027, 8, 31), 6, D(2028, 2, 29)),  # leap year
        (D(2026, 1, 15), 6, D(2026, 7, 15)),
        (D(2026, 12, 31), 2, D(2027, 2, 28)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 6, 1), 12, D(2027, 6, 1)),
        (D(2026, 6, 1), 0, D(2026, 6, 1)),
    ],
)
def test_add_months_uses_calendar_months_clamped_to_month_end(start: date, months: int, expected: date) -> None:
    assert ENGLAND.add_months(start, months) == expected


def test_office_closures_do_not_count() -> None:
    cal = WorkingCalendar("england", extra_closed=[D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31)])
    assert cal.add_working_days(D(2026, 12, 18), 5) == D(2027, 1, 4)
    assert cal.closure_reason(D(2026, 12, 30)) == "office closed"
    assert cal.working_days_between(D(2026, 12, 18), D(2027, 1, 4)) == 5


def test_a_listed_holiday_worked_locally_counts_as_a_working_day() -> None:
    cal = WorkingCalendar("england", extra_open=[D(2026, 12, 28)])
    assert cal.is_working_day(D(2026, 12, 28))
    assert cal.add_working_days(D(2026, 12, 18), 5) == D(2026, 12, 28)
    assert cal.describe_day(D(2026, 12, 28)) == "working day (Boxing Day (observed) worked by local arrangement)"


def test_weekends_cannot_be_opened_and_a_day_cannot_be_both_open_and_closed() -> None:
    with pytest.raises(ValueError, match="Saturday"):
        WorkingCalendar("england", extra_open=[D(2026, 12, 26)])
    with pytest.raises(ValueError, match="both"):
        WorkingCalendar("england", extra_closed=[D(2026, 12, 28)], extra_open=[D(2026, 12, 28)])


def test_a_closed_bank_holiday_is_subtracted_once() -> None:
    cal = WorkingCalendar("england", extra_closed=[D(2026, 12, 25)])
    assert cal.closure_reason(D(2026, 12, 25)) == "Christmas Day; office closed"
    assert cal.working_days_between(D(2026, 12, 18), D(2026, 12, 29)) == 5


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("england", "england"),
        ("England", "england"),
        ("Northern Ireland", "northern-ireland"),
        ("northern_ireland", "northern-ireland"),
        ("NIR", "northern-ireland"),
        ("SCT", "scotland"),
        ("wls", "wales"),
    ],
)
def test_nation_names_are_normalised(given: str, canonical: str) -> None:
    assert WorkingCalendar(given).nation == canonical


def test_unknown_nation_is_a_value_error_naming_the_choices() -> None:
    with pytest.raises(UnknownNation, match="england, wales, scotland, northern-ireland"):
        WorkingCalendar("france")
    assert issubclass(UnknownNation, ValueError)
    assert NATIONS == ("england", "wales", "scotland", "northern-ireland")


def test_bool_is_not_accepted_as_a_number_of_days() -> None:
    with pytest.raises(TypeError):
        ENGLAND.add_working_days(D(2026, 1, 5), True)


def test_explain_lists_each_day_counted_or_skipped_with_the_reason() -> None:
    rows = ENGLAND.explain(D(2026, 12, 18), 5)
    assert [(r.day, r.counted, r.reason, r.count) for r in rows] == [
        (D(2026, 12, 19), False, "Saturday", 0),
        (D(2026, 12, 20), False, "Sunday", 0),
        (D(2026, 12, 21), True, "working day", 1),
        (D(2026, 12, 22), True, "working day", 2),
        (D(2026, 12, 23), True, "working day", 3),
        (D(2026, 12, 24), True, "working day", 4),
        (D(2026, 12, 25), False, "Christmas Day", 4),
        (D(2026, 12, 26), False, "Saturday; Boxing Day", 4),
        (D(2026, 12, 27), False, "Sunday", 4),
        (D(2026, 12, 28), False, "Boxing Day (observed)", 4),
        (D(2026, 12, 29), True, "working day", 5),
    ]
    assert str(rows[-1]) == "Tue 29 Dec 2026  day   5  working day"
    assert str(rows[-2]) == "Mon 28 Dec 2026  skipped  Boxing Day (observed)"


def test_explain_backwards_counts_negative_days() -> None:
    rows = ENGLAND.explain(D(2026, 12, 29), -2)
    assert rows[-1] == DayExplanation(D(2026, 12, 23), True, "working day", -2)
    assert [r.day for r in rows if not r.counted] == [
        D(2026, 12, 28),
        D(2026, 12, 27),
        D(2026, 12, 26),
        D(2026, 12, 25),
    ]


def test_explain_between_walks_the_same_days_as_the_count() -> None:
    rows = ENGLAND.explain_between(D(2026, 12, 18), D(2026, 12, 29))
    assert rows == ENGLAND.explain(D(2026, 12, 18), 5)
    assert ENGLAND.explain_between(D(2026, 12, 18), D(2026, 12, 18)) == []


def test_calendars_compare_by_nation_and_overrides() -> None:
    assert WorkingCalendar("England") == WorkingCalendar("england")
    assert WorkingCalendar("england") != WorkingCalendar("wales")
    assert WorkingCalendar("england", extra_closed=[D(2026, 1, 2)]) != WorkingCalendar("england")
    assert len({WorkingCalendar("england"), WorkingCalendar("ENG")}) == 1


def test_counting_off_the_end_of_the_calendar_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="outside"):
        ENGLAND.add_working_days(date.max, 1)
    with pytest.raises(ValueError, match="outside"):
        ENGLAND.add_months(D(9999, 12, 1), 1)
