"""``cspr timescales``: working-day arithmetic from the command line, with the reasoning on request.

    cspr timescales add-working-days 2026-12-18 5 --nation england     -> 2026-12-29
    cspr timescales explain 2026-12-18 5 --nation england              -> the day-by-day reasoning
    cspr timescales between 2026-12-18 2026-12-29 --nation england     -> 5
    cspr timescales add-months 2026-08-31 6                             -> 2027-02-28
    cspr timescales holidays 2026 --nation scotland                     -> the nation's bank holidays
    cspr timescales processes                                           -> the shipped review processes

Every command takes ``--json`` for machines, and ``--closed DATE`` / ``--open DATE`` (repeatable) for a
partnership's own office closures and bank holidays it works through. A bad date, an unknown nation or a
malformed number exits with status 2 and a one-line message on standard error.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any, NoReturn

from .calendars import NATIONS, UnknownNation, WorkingCalendar, format_date, normalise_nation
from .definitions import ProcessDefinitionError, available_processes, load_process

__all__ = ["build_parser", "main"]

PROG = "cspr timescales"
# ASCII only: Unicode-aware \d would read a full-width or Arabic-Indic digit as a number.
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_INTEGER = re.compile(r"^[+-]?\d{1,6}$", re.ASCII)


class UsageError(Exception):
    """Raised instead of argparse's exit, so :func:`main` can return 2 with a single line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _date(text: str) -> date:
    if not _ISO_DATE.match(text):
        raise argparse.ArgumentTypeError(f"bad date {text!r}: use YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad date {text!r}: no such day") from None


def _integer(text: str) -> int:
    if not _INTEGER.match(text.strip()):
        raise argparse.ArgumentTypeError(
            f"malformed number {text!r}: use a whole number such as 5 or -7, at most 6 digits"
        )
    return int(text)


def _nation(text: str) -> str:
    try:
        return normalise_nation(text)
    except UnknownNation as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser for ``cspr timescales`` (exposed so the top-level command can embed it)."""
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON for machines")
    cal = _Parser(add_help=False)
    cal.add_argument(
        "--nation",
        type=_nation,
        default="england",
        help=f"whose bank holidays apply: {', '.join(NATIONS)} (default england)",
    )
    cal.add_argument(
        "--closed", type=_date, action="append", default=[], metavar="DATE", help="a day the office is closed"
    )
    cal.add_argument(
        "--open",
        type=_date,
        action="append",
        default=[],
        metavar="DATE",
        help="a bank holiday worked locally",
    )

    parser = _Parser(prog=PROG, description="Statutory timescales in working days, with explanations.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser(
        "add-working-days", parents=[cal, common], help="the date N working days after (or before) a date"
    )
    p.add_argument("start", type=_date, help="start date, YYYY-MM-DD (day zero)")
    p.add_argument("days", type=_integer, help="working days to add; negative counts back")

    p = commands.add_parser("explain", parents=[cal, common], help="day-by-day reasoning for add-working-days")
    p.add_argument("start", type=_date, help="start date, YYYY-MM-DD (day zero)")
    p.add_argument("days", type=_integer, help="working days to add; negative counts back")

    p = commands.add_parser("between", parents=[cal, common], help="working days from one date to another")
    p.add_argument("start", type=_date, help="from, YYYY-MM-DD (not counted)")
    p.add_argument("end", type=_date, help="to, YYYY-MM-DD (counted)")

    p = commands.add_parser("add-months", parents=[common], help="calendar months after a date, clamped")
    p.add_argument("start", type=_date, help="start date, YYYY-MM-DD")
    p.add_argument("months", type=_integer, help="calendar months to add; negative counts back")

    p = commands.add_parser("holidays", parents=[common], help="a nation's bank holidays in a year")
    p.add_argument("year", type=_integer, help="the year, e.g. 2026")
    p.add_argument("--nation", type=_nation, default="england", help=f"one of {', '.join(NATIONS)}")

    commands.add_parser("processes", parents=[common], help="the review processes and their milestones")
    return parser


def _calendar(args: argparse.Namespace) -> WorkingCalendar:
    try:
        return WorkingCalendar(args.nation, extra_closed=args.closed, extra_open=args.open)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    if args.json:
        print(json.dumps(payload, indent=2))
    else:
        print(text)


def _run(args: argparse.Namespace) -> None:
    if args.command == "add-working-days":
        cal = _calendar(args)
        result = cal.add_working_days(args.start, args.days)
        payload = {"start": args.start.isoformat(), "working_days": args.days, "nation": cal.nation}
        _emit(args, payload | {"result": result.isoformat()}, result.isoformat())
    elif args.command == "explain":
        cal = _calendar(args)
        rows = cal.explain(args.start, args.days)
        result = cal.add_working_days(args.start, args.days)
        direction = "after" if args.days >= 0 else "before"
        text = [f"Start: {format_date(args.start)} (day 0, not counted)"]
        text += [str(row) for row in rows]
        text.append(
            f"Result: {format_date(result)} is {abs(args.days)} working days {direction} "
            f"{format_date(args.start)} ({cal.nation})."
        )
        payload = {
            "start": args.start.isoformat(),
            "working_days": args.days,
            "nation": cal.nation,
            "result": result.isoformat(),
            "days": [
                {"date": r.day.isoformat(), "counted": r.counted, "count": r.count, "reason": r.reason} for r in rows
            ],
        }
        _emit(args, payload, "\n".join(text))
    elif args.command == "between":
        cal = _calendar(args)
        n = cal.working_days_between(args.start, args.end)
        payload = {"from": args.start.isoformat(), "to": args.end.isoformat(), "nation": cal.nation}
        _emit(args, payload | {"working_days": n}, str(n))
    elif args.command == "add-months":
        result = WorkingCalendar.add_months(args.start, args.months)
        payload = {"start": args.start.isoformat(), "months": args.months, "result": result.isoformat()}
        _emit(args, payload, result.isoformat())
    elif args.command == "holidays":
        if not 1900 <= args.year <= 2200:
            raise UsageError(f"year {args.year} is outside 1900..2200")
        cal = WorkingCalendar(args.nation)
        days = cal.bank_holidays(args.year)
        payload = {
            "nation": cal.nation,
            "year": args.year,
            "holidays": [{"date": d.isoformat(), "name": name} for d, name in days.items()],
        }
        _emit(args, payload, "\n".join(f"{d.isoformat()}  {format_date(d):<28} {n}" for d, n in days.items()))
    elif args.command == "processes":
        processes = [load_process(name) for name in available_processes()]
        payload = {
            "processes": [
                {
                    "id": p.id,
                    "title": p.title,
                    "nation": p.nation,
                    "milestones": [
                        {"id": m.id, "label": m.label, "rule": m.offset.describe(), "statutory": m.statutory}
                        for m in p.milestones
                    ],
                }
                for p in processes
            ]
        }
        text = []
        for p in processes:
            text.append(f"{p.id}: {p.title}")
            text += [f"  {m.id:<24} {m.offset.describe()}  ({m.label})" for m in p.milestones]
        _emit(args, payload, "\n".join(text))


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``cspr timescales``; returns the exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
        _run(args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, OverflowError, ProcessDefinitionError) as exc:
        # Out-of-range arithmetic (a date past year 9999) or a broken process file: one line, status 2.
        print(f"{PROG}: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help and --version exit through argparse
        return exc.code if isinstance(exc.code, int) else 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
