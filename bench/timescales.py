"""Benchmark: statutory clocks at national scale, in one run.

Reports, on this machine and in this run:
- add_working_days through WorkingCalendar (holidays cached per year) against a naive day-by-day loop that asks
  the holidays package about every day, as a ratio;
- compute_clocks for a year of England's notifications (about 400 cases with every event recorded), per case.

Usage: python -m bench.timescales [--cases 400]
"""

from __future__ import annotations

import argparse
import datetime
import random
import time

import holidays

from cspr.timescales import WorkingCalendar, compute_clocks, load_process


def naive_add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The obvious implementation, for comparison: a fresh holiday lookup for every day counted."""
    day, counted = start, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays.country_holidays("GB", subdiv="ENG", years=day.year):
            counted += 1
    return day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--sums", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(2026)
    calendar = WorkingCalendar("england")
    starts = [datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(0, 3000)) for _ in range(args.sums)]

    t0 = time.perf_counter()
    fast = [calendar.add_working_days(d, 15) for d in starts]
    t_fast = time.perf_counter() - t0
    sample = starts[: max(1, args.sums // 10)]
    t0 = time.perf_counter()
    slow = [naive_add_working_days(d, 15) for d in sample]
    t_slow = (time.perf_counter() - t0) * (len(starts) / len(sample))
    assert fast[: len(slow)] == slow, "the calendar and the naive loop disagree"
    print(
        f"add_working_days x{args.sums}: {t_fast * 1000:.1f} ms; naive loop (extrapolated) {t_slow * 1000:.0f} ms; "
        f"ratio {t_slow / t_fast:.0f}x"
    )

    process = load_process("england-cspr")
    today = datetime.date(2026, 11, 23)
    cases = []
    for _ in range(args.cases):
        aware = today - datetime.timedelta(days=rng.randrange(1, 400))
        sent = calendar.add_working_days(aware, rng.randrange(2, 8))
        events = {
            "la_became_aware": aware,
            "notification_sent": sent,
            "partners_informed": sent,
            "rapid_review_sent": calendar.add_working_days(sent, rng.randrange(10, 20)),
        }
        if rng.random() < 0.25:
            events["review_decided"] = calendar.add_working_days(sent, 16)
        cases.append(events)
    t0 = time.perf_counter()
    statuses: dict[str, int] = {}
    for events in cases:
        for clock in compute_clocks(process=process, events=events, calendar=calendar, today=today):
            statuses[clock.status.value] = statuses.get(clock.status.value, 0) + 1
    t_clocks = time.perf_counter() - t0
    print(
        f"compute_clocks for {args.cases} cases: {t_clocks * 1000:.0f} ms, "
        f"{t_clocks / args.cases * 1000:.2f} ms per case; statuses {dict(sorted(statuses.items()))}"
    )


if __name__ == "__main__":
    main()
