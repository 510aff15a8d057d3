"""Bank holidays 2019-2027 for all four nations, against the published gov.uk lists.

The tables below are the days *off work* as published on gov.uk/bank-holidays (substitute days included,
weekend dates excluded, because a Saturday Boxing Day gives no day off beyond its Monday substitute).
They were typed from the published lists, not generated from the ``holidays`` package, so a change in that
package that moves a clock by a day fails here first.
"""

from datetime import date

import pytest

from cspr.timescales import NATIONS, WorkingCalendar, bank_holidays

D = date

# England and Wales share one list.
ENGLAND_AND_WALES = {
    2019: [D(2019, 1, 1), D(2019, 4, 19), D(2019, 4, 22), D(2019, 5, 6), D(2019, 5, 27), D(2019, 8, 26),
           D(2019, 12, 25), D(2019, 12, 26)],
    # Early May bank holiday moved to Friday 8 May for the 75th anniversary of VE Day; Boxing Day on a
    # Saturday, substitute Monday 28 December.
    2020: [D(2020, 1, 1), D(2020, 4, 10), D(2020, 4, 13), D(2020, 5, 8), D(2020, 5, 25), D(2020, 8, 31),
           D(2020, 12, 25), D(2020, 12, 28)],
    # Christmas Day and Boxing Day on the weekend: substitutes Monday 27 and Tuesday 28 December.
    2021: [D(2021, 1, 1), D(2021, 4, 2), D(2021, 4, 5), D(2021, 5, 3), D(2021, 5, 31), D(2021, 8, 30),
           D(2021, 12, 27), D(2021, 12, 28)],
    # New Year's Day substitute 3 January; Spring bank holiday moved to Thursday 2 June and the Platinum
    # Jubilee on Friday 3 June; the State Funeral of Queen Elizabeth II on 19 September; Christmas Day on a
    # Sunday, substitute Tuesday 27 December.
    2022: [D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2), D(2022, 6, 2), D(2022, 6, 3),
           D(2022, 8, 29), D(2022, 9, 19), D(2022, 12, 26), D(2022, 12, 27)],
    # New Year's Day substitute 2 January; the Coronation of King Charles III on 8 May.
    2023: [D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1), D(2023, 5, 8), D(2023, 5, 29),
           D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26)],
    2024: [D(2024, 1, 1), D(2024, 3, 29), D(2024, 4, 1), D(2024, 5, 6), D(2024, 5, 27), D(2024, 8, 26),
           D(2024, 12, 25), D(2024, 12, 26)],
    2025: [D(2025, 1, 1), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5), D(2025, 5, 26), D(2025, 8, 25),
           D(2025, 12, 25), D(2025, 12, 26)],
    2026: [D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25), D(2026, 8, 31),
           D(2026, 12, 25), D(2026, 12, 28)],
    2027: [D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31), D(2027, 8, 30),
           D(2027, 12, 27), D(2027, 12, 28)],
}  # fmt: skip

SCOTLAND = {
    # St Andrew's Day on a Saturday: substitute Monday 2 December.
    2019: [D(2019, 1, 1), D(2019, 1, 2), D(2019, 4, 19), D(2019, 5, 6), D(2019, 5, 27), D(2019, 8, 5),
           D(2019, 12, 2), D(2019, 12, 25), D(2019, 12, 26)],
    2020: [D(2020, 1, 1), D(2020, 1, 2), D(2020, 4, 10), D(2020, 5, 8), D(2020, 5, 25), D(2020, 8, 3),
           D(2020, 11, 30), D(2020, 12, 25), D(2020, 12, 28)],
    # 2 January on a Saturday: substitute Monday 4 January.
    2021: [D(2021, 1, 1), D(2021, 1, 4), D(2021, 4, 2), D(2021, 5, 3), D(2021, 5, 31), D(2021, 8, 2),
           D(2021, 11, 30), D(2021, 12, 27), D(2021, 12, 28)],
    # 1 and 2 January on the weekend: substitutes Monday 3 and Tuesday 4 January.
    2022: [D(2022, 1, 3), D(2022, 1, 4), D(2022, 4, 15), D(2022, 5, 2), D(2022, 6, 2), D(2022, 6, 3),
           D(2022, 8, 1), D(2022, 9, 19), D(2022, 11, 30), D(2022, 12, 26), D(2022, 12, 27)],
    # New Year's Day on a Sunday: 2 and 3 January off.
    2023: [D(2023, 1, 2), D(2023, 1, 3), D(2023, 4, 7), D(2023, 5, 1), D(2023, 5, 8), D(2023, 5, 29),
           D(2023, 8, 7), D(2023, 11, 30), D(2023, 12, 25), D(2023, 12, 26)],
    2024: [D(2024, 1, 1), D(2024, 1, 2), D(2024, 3, 29), D(2024, 5, 6), D(2024, 5, 27), D(2024, 8, 5),
           D(2024, 12, 2), D(2024, 12, 25), D(2024, 12, 26)],
    # St Andrew's Day on a Sunday: substitute Monday 1 December.
    2025: [D(2025, 1, 1), D(2025, 1, 2), D(2025, 4, 18), D(2025, 5, 5), D(2025, 5, 26), D(2025, 8, 4),
           D(2025, 12, 1), D(2025, 12, 25), D(2025, 12, 26)],
    # Monday 15 June 2026 proclaimed for Scotland's FIFA World Cup match.
    2026: [D(2026, 1, 1), D(2026, 1, 2), D(2026, 4, 3), D(2026, 5, 4), D(2026, 5, 25), D(2026, 6, 15),
           D(2026, 8, 3), D(2026, 11, 30), D(2026, 12, 25), D(2026, 12, 28)],
    2027: [D(2027, 1, 1), D(2027, 1, 4), D(2027, 3, 26), D(2027, 5, 3), D(2027, 5, 31), D(2027, 8, 2),
           D(2027, 11, 30), D(2027, 12, 27), D(2027, 12, 28)],
}  # fmt: skip

# Northern Ireland: England's list plus St Patrick's Day and the Battle of the Boyne, with substitutes.
NORTHERN_IRELAND_EXTRA = {
    2019: [D(2019, 3, 18), D(2019, 7, 12)],  # St Patrick's on a Sunday
    2020: [D(2020, 3, 17), D(2020, 7, 13)],  # Boyne on a Sunday
    2021: [D(2021, 3, 17), D(2021, 7, 12)],
    2022: [D(2022, 3, 17), D(2022, 7, 12)],
    2023: [D(2023, 3, 17), D(2023, 7, 12)],
    2024: [D(2024, 3, 18), D(2024, 7, 12)],  # St Patrick's on a Sunday
    2025: [D(2025, 3, 17), D(2025, 7, 14)],  # Boyne on a Saturday
    2026: [D(2026, 3, 17), D(2026, 7, 13)],  # Boyne on a Sunday
    2027: [D(2027, 3, 17), D(2027, 7, 12)],
}

PUBLISHED = {
    "england": ENGLAND_AND_WALES,
    "wales": ENGLAND_AND_WALES,
    "scotland": SCOTLAND,
    "northern-ireland": {y: sorted(ENGLAND_AND_WALES[y] + NORTHERN_IRELAND_EXTRA[y]) for y in ENGLAND_AND_WALES},
}


def days_off(nation: str, year: int) -> list[date]:
    return sorted(d for d in bank_holidays(nation, year) if d.weekday() < 5)


@pytest.mark.parametrize("nation", NATIONS)
@pytest.mark.parametrize("year", range(2019, 2028))
def test_weekday_bank_holidays_match_the_published_list(nation: str, year: int) -> None:
    assert days_off(nation, year) == PUBLISHED[nation][year]


@pytest.mark.parametrize("nation", NATIONS)
@pytest.mark.parametrize("year", range(2019, 2028))
def test_published_bank_holidays_are_not_working_days_and_their_neighbours_are(nation: str, year: int) -> None:
    cal = WorkingCalendar(nation)
    for day in PUBLISHED[nation][year]:
        assert not cal.is_working_day(day), day
    # Every other weekday of the year is a working day: nothing extra is closed.
    closed = set(PUBLISHED[nation][year])
    start = date(year, 1, 1)
    for offset in range(366 if year % 4 == 0 else 365):
        day = start.fromordinal(start.toordinal() + offset)
        if day.weekday() < 5 and day not in closed:
            assert cal.is_working_day(day), day


@pytest.mark.parametrize("nation", NATIONS)
@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2022, 6, 2), "Spring Bank Holiday"),
        (D(2022, 6, 3), "Platinum Jubilee of Elizabeth II"),
        (D(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (D(2023, 5, 8), "Coronation of Charles III"),
        (D(2020, 5, 8), "May Day"),
    ],
)
def test_one_off_days_apply_in_every_nation(nation: str, day: date, name: str) -> None:
    cal = WorkingCalendar(nation)
    assert cal.holiday_name(day) == name
    assert cal.closure_reason(day) == name


@pytest.mark.parametrize("nation", ["england", "wales", "northern-ireland"])
@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (D(2021, 12, 25), "Saturday; Christmas Day"),
        (D(2021, 12, 26), "Sunday; Boxing Day"),
        (D(2021, 12, 27), "Christmas Day (observed)"),
        (D(2021, 12, 28), "Boxing Day (observed)"),
        (D(2022, 1, 3), "New Year's Day (observed)"),
        (D(2022, 12, 25), "Sunday; Christmas Day"),
        (D(2022, 12, 26), "Boxing Day"),
        (D(2022, 12, 27), "Christmas Day (observed)"),
        (D(2026, 12, 28), "Boxing Day (observed)"),
        (D(2027, 12, 27), "Christmas Day (observed)"),
        (D(2027, 12, 28), "Boxing Day (observed)"),
    ],
)
def test_christmas_and_new_year_substitutes_are_named_as_observed(nation: str, day: date, reason: str) -> None:
    assert WorkingCalendar(nation).closure_reason(day) == reason


def test_scotland_keeps_2_january_and_has_no_easter_monday_or_late_august_holiday() -> None:
    scotland, england = WorkingCalendar("scotland"), WorkingCalendar("england")
    assert scotland.holiday_name(D(2026, 1, 2)) == "New Year Holiday"
    assert england.is_working_day(D(2026, 1, 2))
    assert scotland.is_working_day(D(2026, 4, 6))  # Easter Monday is a working day in Scotland
    assert scotland.is_working_day(D(2026, 8, 31))  # so is England's late summer bank holiday
    assert not scotland.is_working_day(D(2026, 8, 3))  # Scotland's summer bank holiday is the first Monday
    assert england.is_working_day(D(2026, 8, 3))


def test_st_andrews_day_substitute_is_the_following_monday() -> None:
    scotland = WorkingCalendar("scotland")
    assert scotland.closure_reason(D(2024, 11, 30)) == "Saturday; Saint Andrew's Day"
    assert scotland.closure_reason(D(2024, 12, 2)) == "Saint Andrew's Day (observed)"
    assert scotland.closure_reason(D(2025, 12, 1)) == "Saint Andrew's Day (observed)"
    assert WorkingCalendar("england").is_working_day(D(2025, 12, 1))


def test_northern_ireland_substitutes_st_patricks_day_and_the_boyne() -> None:
    ni = WorkingCalendar("northern-ireland")
    assert ni.closure_reason(D(2024, 3, 18)) == "Saint Patrick's Day (observed)"
    assert ni.closure_reason(D(2025, 7, 14)) == "Battle of the Boyne (observed)"
    assert ni.closure_reason(D(2026, 7, 13)) == "Battle of the Boyne (observed)"
    for other in ("england", "wales", "scotland"):
        assert WorkingCalendar(other).is_working_day(D(2026, 3, 17))
        assert WorkingCalendar(other).is_working_day(D(2026, 7, 13))


@pytest.mark.parametrize(
    ("nation", "before", "after"),
    [
        # Christmas and New Year runs, substitutes included, and across the year end.
        ("england", D(2021, 12, 24), D(2021, 12, 29)),
        ("england", D(2021, 12, 31), D(2022, 1, 4)),
        ("scotland", D(2021, 12, 31), D(2022, 1, 5)),
        ("england", D(2022, 12, 23), D(2022, 12, 28)),
        ("england", D(2022, 12, 30), D(2023, 1, 3)),
        ("scotland", D(2022, 12, 30), D(2023, 1, 4)),
        ("england", D(2026, 12, 24), D(2026, 12, 29)),
        ("england", D(2026, 12, 31), D(2027, 1, 4)),
        ("scotland", D(2026, 12, 31), D(2027, 1, 5)),
        ("wales", D(2027, 12, 24), D(2027, 12, 29)),
        ("northern-ireland", D(2027, 12, 31), D(2028, 1, 4)),
    ],
)
def test_christmas_and_new_year_runs_are_skipped_across_the_year_end(nation: str, before: date, after: date) -> None:
    cal = WorkingCalendar(nation)
    assert cal.add_working_days(before, 1) == after
    assert cal.add_working_days(after, -1) == before
    assert cal.working_days_between(before, after) == 1


def test_bank_holidays_are_cached_per_nation_and_year() -> None:
    bank_holidays.cache_clear()
    cal = WorkingCalendar("wales")
    for _ in range(1000):
        cal.add_working_days(D(2026, 12, 18), 15)
    info = bank_holidays.cache_info()
    assert info.misses <= 2  # 2026 and 2027, built once each
    assert info.hits > 1000
