"""Property tests: working-day arithmetic holds for any date, offset, nation and local override."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from cspr.timescales import NATIONS, WorkingCalendar

DATES = st.dates(min_value=date(1995, 1, 1), max_value=date(2045, 12, 31))
OFFSETS = st.integers(min_value=-400, max_value=400)
POSITIVE = st.integers(min_value=1, max_value=400)


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    """A nation's calendar, sometimes with office closures and bank holidays worked locally."""
    nation = draw(st.sampled_from(NATIONS))
    base = WorkingCalendar(nation)
    closed = draw(st.sets(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), max_size=12))
    holidays = [d for y in range(2020, 2031) for d in base.bank_holidays(y) if d.weekday() < 5]
    opened = draw(st.sets(st.sampled_from(holidays), max_size=4)) - closed
    return WorkingCalendar(nation, extra_closed=closed, extra_open=opened)


def naive_count(cal: WorkingCalendar, a: date, b: date) -> int:
    """Walk day by day: the definition the fast count must agree with."""
    step = 1 if b >= a else -1
    count, d = 0, a
    while d != b:
        d += timedelta(days=step)
        if cal.is_working_day(d):
            count += step
    return count


# No example database: the suite must not leave files in the working tree.
SETTINGS = settings(max_examples=150, deadline=None, database=None)


@SETTINGS
@given(cal=calendars(), d=DATES, n=OFFSETS)
def test_adding_then_counting_working_days_round_trips(cal: WorkingCalendar, d: date, n: int) -> None:
    assert cal.working_days_between(d, cal.add_working_days(d, n)) == n


@SETTINGS
@given(cal=calendars(), d=DATES, n=OFFSETS.filter(lambda n: n != 0))
def test_a_working_day_result_is_never_a_weekend_holiday_or_closed_day(cal: WorkingCalendar, d: date, n: int) -> None:
    result = cal.add_working_days(d, n)
    assert result.weekday() < 5
    assert cal.closure_reason(result) is None
    assert result not in cal.extra_closed
    name = cal.holiday_name(result)
    assert name is None or result in cal.extra_open


@SETTINGS
@given(cal=calendars(), d=DATES, n=OFFSETS)
def test_adding_n_plus_one_is_never_earlier_than_adding_n(cal: WorkingCalendar, d: date, n: int) -> None:
    assert cal.add_working_days(d, n + 1) >= cal.add_working_days(d, n)
    assert cal.add_working_days(d, n + 1) > cal.add_working_days(d, n)  # and in fact strictly later


@SETTINGS
@given(cal=calendars(), d=DATES, n=POSITIVE)
def test_negative_offsets_invert_positive_ones(cal: WorkingCalendar, d: date, n: int) -> None:
    there = cal.add_working_days(d, n)
    # Back from where we got to lands on the start, or, if the start was not a working day, on the
    # working day before it (the day from which the same n days would have been counted).
    assert cal.add_working_days(there, -n) == cal.roll_back(d)
    back = cal.add_working_days(d, -n)
    assert cal.add_working_days(back, n) == cal.roll_forward(d)


@SETTINGS
@given(cal=calendars(), a=DATES, span=st.integers(min_value=-800, max_value=800))
def test_fast_count_agrees_with_walking_day_by_day(cal: WorkingCalendar, a: date, span: int) -> None:
    b = a + timedelta(days=span)
    assert cal.working_days_between(a, b) == naive_count(cal, a, b)


@SETTINGS
@given(cal=calendars(), a=DATES, span=st.integers(min_value=-60, max_value=60))
def test_between_is_antisymmetric_when_both_ends_are_working_days(cal: WorkingCalendar, a: date, span: int) -> None:
    a = cal.roll_forward(a)
    b = cal.roll_forward(a + timedelta(days=span))
    assert cal.working_days_between(a, b) == -cal.working_days_between(b, a)


@SETTINGS
@given(cal=calendars(), d=DATES, n=st.integers(min_value=-40, max_value=40))
def test_explain_agrees_with_add_working_days(cal: WorkingCalendar, d: date, n: int) -> None:
    rows = cal.explain(d, n)
    assert (rows[-1].day if rows else d) == cal.add_working_days(d, n)
    assert sum(1 for r in rows if r.counted) == abs(n)
    assert all(r.counted == cal.is_working_day(r.day) for r in rows)


@SETTINGS
@given(d=DATES, n=st.integers(min_value=-120, max_value=120))
def test_add_months_keeps_the_day_or_clamps_to_month_end(d: date, n: int) -> None:
    result = WorkingCalendar.add_months(d, n)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == n
    assert result.day == d.day or (result.day < d.day and (result + timedelta(days=1)).day == 1)
