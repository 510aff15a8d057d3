"""Working calendars: which days count towards a statutory clock, and why.

The timescales in Working Together to Safeguard Children 2023 (chapter 5) are counted in *working days*:
"notify the Panel within 5 working days of becoming aware", "rapid review within 15 working days",
"the full report at least 7 working days before publication". A working day here is Monday to Friday,
excluding the bank holidays of the nation the partnership sits in (Banking and Financial Dealings Act 1971,
Schedule 1, plus days proclaimed for one year only, such as the 2022 State Funeral and the 2023 Coronation),
and excluding any day the partnership's own office is closed.

Bank holiday dates come from the ``holidays`` package, which carries the substitute ("observed") days and the
proclaimed one-off days for each of the four UK nations. They are cached per nation and year, because the
product asks for thousands of dates when it builds a dashboard.

Counting convention (used everywhere in :mod:`cspr.timescales`): **day zero is the start date itself**.
"5 working days after Friday 18 December 2026" counts Monday 21 December as day 1, so the answer is
Tuesday 29 December 2026 in England (Christmas Day and Boxing Day (observed) are skipped).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Final

import holidays

__all__ = [
    "NATIONS",
    "DayExplanation",
    "UnknownNation",
    "WorkingCalendar",
    "bank_holidays",
    "format_date",
    "format_short_date",
    "normalise_nation",
]

#: The four UK nations, each with its own bank holidays (gov.uk/bank-holidays lists them separately).
NATIONS: Final[tuple[str, ...]] = ("england", "wales", "scotland", "northern-ireland")

# ISO 3166-2:GB subdivision codes used by the ``holidays`` package for each nation.
_SUBDIVISION: Final[Mapping[str, str]] = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}

_ALIASES: Final[Mapping[str, str]] = {
    "eng": "england",
    "wls": "wales",
    "sct": "scotland",
    "nir": "northern-ireland",
    "ni": "northern-ireland",
}

_DAY_NAMES: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

#: Reason shown for a day closed by the partnership's own calendar (``extra_closed``).
OFFICE_CLOSED: Final = "office closed"
#: Reason shown for a counted day.
WORKING_DAY: Final = "working day"


class UnknownNation(ValueError):
    """A nation name that is not one of :data:`NATIONS` (or an accepted alias)."""

    def __init__(self, value: object) -> None:
        self.value = value
        super().__init__(f"unknown nation {value!r}: choose one of {', '.join(NATIONS)}")


def normalise_nation(value: str) -> str:
    """Return the canonical nation name for ``value``.

    Accepts the canonical names in any case, with spaces or underscores for the hyphen
    ("Northern Ireland", "northern_ireland"), and the subdivision codes ENG, WLS, SCT, NIR.
    """
    if not isinstance(value, str):
        raise UnknownNation(value)
    key = value.strip().lower().replace("_", "-").replace(" ", "-")
    key = _ALIASES.get(key, key)
    if key not in _SUBDIVISION:
        raise UnknownNation(value)
    return key


@lru_cache(maxsize=1024)
def bank_holidays(nation: str, year: int) -> Mapping[date, str]:
    """Bank holidays of ``nation`` in ``year``, name by date, including substitute and one-off days.

    Weekend dates appear too (Christmas Day on a Saturday, with "Christmas Day (observed)" on the Monday),
    because an explanation should say that the Saturday was also Christmas Day. Cached per nation and year:
    building one year costs about half a millisecond, and clocks ask for the same few years again and again.
    """
    canonical = normalise_nation(nation)
    table = holidays.country_holidays("GB", subdiv=_SUBDIVISION[canonical], years=year, language="en_GB", observed=True)
    return MappingProxyType({day: str(name) for day, name in sorted(table.items())})


def format_date(d: date) -> str:
    """GOV.UK style long date, independent of the process locale: "Tuesday 29 December 2026"."""
    return f"{_DAY_NAMES[d.weekday()]} {d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


def format_short_date(d: date) -> str:
    """Short date for tables: "Tue 29 Dec 2026"."""
    return f"{_DAY_NAMES[d.weekday()][:3]} {d.day:2d} {_MONTH_NAMES[d.month - 1][:3]} {d.year}"


@dataclass(frozen=True, slots=True)
class DayExplanation:
    """One day visited while counting working days, and whether it counted.

    ``count`` is the running signed count after this day: 1, 2, 3 ... when counting forwards, -1, -2 ...
    when counting backwards. A skipped day carries the count reached so far.
    """

    day: date
    counted: bool
    reason: str
    count: int

    def __str__(self) -> str:
        if self.counted:
            return f"{format_short_date(self.day)}  day {self.count:>3}  {self.reason}"
        return f"{format_short_date(self.day)}  skipped  {self.reason}"


def _weekdays_inclusive(lo: date, hi: date) -> int:
    """Number of Mondays to Fridays in ``[lo, hi]`` without walking the range."""
    if hi < lo:
        return 0
    days = (hi - lo).days + 1
    weeks, rest = divmod(days, 7)
    first = lo.weekday()
    return weeks * 5 + sum(1 for i in range(rest) if (first + i) % 7 < 5)


class WorkingCalendar:
    """The working days of one partnership: its nation's bank holidays, weekends, and local overrides.

    ``extra_closed``: days the partnership's office is closed (a local closure between Christmas and New
    Year, say); they do not count. ``extra_open``: listed bank holidays this partnership works through and
    so *does* count. A weekend can never be opened: working days are Monday to Friday by definition.
    """

    __slots__ = ("_closed", "_nation", "_open")

    def __init__(
        self,
        nation: str = "england",
        extra_closed: Iterable[date] = (),
        extra_open: Iterable[date] = (),
    ) -> None:
        self._nation = normalise_nation(nation)
        closed = frozenset(extra_closed)
        opened = frozenset(extra_open)
        for d in (*closed, *opened):
            if not isinstance(d, date):
                raise TypeError(f"calendar overrides must be dates, not {type(d).__name__}")
        if both := sorted(closed & opened):
            raise ValueError(f"{both[0].isoformat()} is listed both as closed and as open")
        for d in sorted(opened):
            if d.weekday() >= 5:
                raise ValueError(
                    f"{d.isoformat()} is a {_DAY_NAMES[d.weekday()]}: only bank holidays can be opened, "
                    "weekends never count as working days"
                )
        self._closed = closed
        self._open = opened

    # -- identity -------------------------------------------------------------------------------------

    @property
    def nation(self) -> str:
        return self._nation

    @property
    def extra_closed(self) -> frozenset[date]:
        return self._closed

    @property
    def extra_open(self) -> frozenset[date]:
        return self._open

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar({self._nation!r}, extra_closed={sorted(self._closed)!r}, "
            f"extra_open={sorted(self._open)!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return (self._nation, self._closed, self._open) == (other._nation, other._closed, other._open)

    def __hash__(self) -> int:
        return hash((self._nation, self._closed, self._open))

    # -- single days ----------------------------------------------------------------------------------

    def bank_holidays(self, year: int) -> Mapping[date, str]:
        """The nation's bank holidays in ``year`` (before local overrides)."""
        return bank_holidays(self._nation, year)

    def holiday_name(self, d: date) -> str | None:
        """The bank holiday name for ``d`` in this nation, e.g. "Boxing Day (observed)", or None."""
        return bank_holidays(self._nation, d.year).get(d)

    def is_working_day(self, d: date) -> bool:
        """True when ``d`` counts towards a working-day clock."""
        if d.weekday() >= 5 or d in self._closed:
            return False
        if d in self._open:
            return True
        return d not in bank_holidays(self._nation, d.year)

    def closure_reason(self, d: date) -> str | None:
        """Why ``d`` is not a working day ("Saturday", "Christmas Day", "office closed"), or None if it is.

        Every applicable reason is given, so a Saturday that is also Boxing Day reads "Saturday; Boxing Day".
        """
        reasons: list[str] = []
        if d.weekday() >= 5:
            reasons.append(_DAY_NAMES[d.weekday()])
        name = self.holiday_name(d)
        if name is not None and d not in self._open:
            reasons.append(name)
        if d in self._closed:
            reasons.append(OFFICE_CLOSED)
        return "; ".join(reasons) or None

    def describe_day(self, d: date) -> str:
        """Reason text for ``d``: its closure reason, or "working day" (noting a bank holiday worked)."""
        reason = self.closure_reason(d)
        if reason is not None:
            return reason
        name = self.holiday_name(d)
        if name is not None:
            return f"{WORKING_DAY} ({name} worked by local arrangement)"
        return WORKING_DAY

    def roll_forward(self, d: date) -> date:
        """``d`` if it is a working day, otherwise the next working day."""
        while not self.is_working_day(d):
            d = _step(d, 1)
        return d

    def roll_back(self, d: date) -> date:
        """``d`` if it is a working day, otherwise the previous working day."""
        while not self.is_working_day(d):
            d = _step(d, -1)
        return d

    # -- arithmetic -----------------------------------------------------------------------------------

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (day zero is ``d`` itself); negative ``n`` counts back.

        ``add_working_days(d, 0)`` is ``d`` unchanged, even on a weekend. For any other ``n`` the result is
        always a working day: "7 working days before publication" is ``add_working_days(publication, -7)``.
        """
        _check_int(n)
        step = 1 if n > 0 else -1
        remaining = abs(n)
        while remaining:
            d = _step(d, step)
            if self.is_working_day(d):
                remaining -= 1
        return d

    def earliest_with_working_days_before(self, d: date, n: int) -> date:
        """The first day whose ``n``-th working day back is on or after ``d``: the earliest date something may
        happen when ``d`` must come at least ``n`` working days before it ("the report reaches the Panel 7
        working days before publication": published on or after this date). It is the day after the
        ``n``-th working day counted from ``d`` itself, so the days after a weekend's Friday count as well as
        the Monday. One walk of the calendar, exactly inverse to ``add_working_days(result, -n) >= d``."""
        _check_int(n)
        if n < 1:
            raise ValueError("n must be at least 1 working day")
        return _step(self.add_working_days(_step(d, -1), n), 1)

    def working_days_between(self, a: date, b: date) -> int:
        """Signed number of working days walked from ``a`` to ``b``, not counting ``a``, counting ``b``.

        Forwards this is the working days in ``(a, b]``; backwards it is minus the working days in
        ``[b, a)``. So it is the exact inverse of :meth:`add_working_days`:
        ``working_days_between(d, add_working_days(d, n)) == n`` for every ``d`` and ``n``.
        It is antisymmetric whenever both ends are working days. Counted arithmetically (weeks, then the
        year's holidays), so long spans cost no more than short ones.
        """
        if a == b:
            return 0
        if a < b:
            return self._count_inclusive(a + timedelta(days=1), b)
        return -self._count_inclusive(b, a - timedelta(days=1))

    def _count_inclusive(self, lo: date, hi: date) -> int:
        count = _weekdays_inclusive(lo, hi)
        for year in range(lo.year, hi.year + 1):
            for day in bank_holidays(self._nation, year):
                if lo <= day <= hi and day.weekday() < 5 and day not in self._open and day not in self._closed:
                    count -= 1
        count -= sum(1 for day in self._closed if lo <= day <= hi and day.weekday() < 5)
        return count

    @staticmethod
    def add_months(d: date, n: int) -> date:
        """``n`` calendar months after ``d`` (negative: before), clamped to the end of a shorter month.

        "6 months of the decision" from 31 August 2026 is 28 February 2027: there is no 31 February,
        and running into March would give the partnership days the rule does not allow.
        """
        _check_int(n)
        index = d.year * 12 + (d.month - 1) + n
        year, month0 = divmod(index, 12)
        if not 1 <= year <= 9999:
            raise ValueError(f"{n} months from {d.isoformat()} is outside the supported years")
        last = _stdlib_calendar.monthrange(year, month0 + 1)[1]
        return date(year, month0 + 1, min(d.day, last))

    # -- explanations ---------------------------------------------------------------------------------

    def explain(self, start: date, n: int) -> list[DayExplanation]:
        """Each day visited by :meth:`add_working_days` (``start``, ``n``): counted, or skipped and why.

        ``start`` itself is day zero and is not listed; the last row is the result.
        """
        _check_int(n)
        rows: list[DayExplanation] = []
        step = 1 if n > 0 else -1
        count = 0
        d = start
        while count != n:
            d = _step(d, step)
            reason = self.closure_reason(d)
            if reason is None:
                count += step
                rows.append(DayExplanation(d, True, self.describe_day(d), count))
            else:
                rows.append(DayExplanation(d, False, reason, count))
        return rows

    def explain_between(self, a: date, b: date) -> list[DayExplanation]:
        """Each day walked from ``a`` to ``b`` (``a`` excluded, ``b`` included), as :meth:`explain` does."""
        rows: list[DayExplanation] = []
        step = 1 if b > a else -1
        count = 0
        d = a
        while d != b:
            d = _step(d, step)
            reason = self.closure_reason(d)
            if reason is None:
                count += step
                rows.append(DayExplanation(d, True, self.describe_day(d), count))
            else:
                rows.append(DayExplanation(d, False, reason, count))
        return rows


def _check_int(n: object) -> None:
    # bool is an int subclass; True working days is a bug at the call site, not a count.
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a number of days or months must be an int, not {type(n).__name__}")


def _step(d: date, days: int) -> date:
    try:
        return d + timedelta(days=days)
    except OverflowError:
        raise ValueError(f"counting from {d.isoformat()} runs outside the supported dates") from None
