"""iCalendar (RFC 5545) export of a case's milestones, for the business manager's own calendar.

Each milestone with a due date becomes an all-day event on its *effective* due date (after pauses and
extensions), with the original statutory date in the description when it differs. Nothing personal goes
in: the case reference (a pseudonym), milestone labels, dates, status, rule and citation. Reasons and
approvers of pauses and extensions are left out, because they often name people or proceedings.

UIDs are derived from the case reference, the process and the milestone, so re-importing an updated file
moves the existing entries instead of duplicating them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from .calendars import format_date
from .clocks import Clock, ClockStatus
from .definitions import MilestoneKind

__all__ = ["escape_text", "fold_line", "milestones_to_ics"]

PRODID = "-//cspr//statutory timescales//EN"
_LINE_OCTETS = 75  # RFC 5545 section 3.1: lines SHOULD NOT be longer than 75 octets, excluding CRLF


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 section 3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 section 3.1), never splitting a UTF-8 character."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > _LINE_OCTETS:
            parts.append("".join(current))
            current, size = [" "], 1  # a continuation line starts with one space, which counts
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n".join(parts)


def _uid(case_reference: str, clock: Clock, domain: str) -> str:
    key = f"{case_reference}\x1f{clock.milestone.process_id}\x1f{clock.milestone.id}"
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{domain}"


def _ics_date(d: date) -> str:
    return d.strftime("%Y%m%d")


def _description(clock: Clock) -> str:
    m = clock.milestone
    kind = "statutory" if m.statutory else "local"
    lines = [
        f"Status on {format_date(clock.as_of)}: {clock.status.label}.",
        f"Rule: {m.offset.describe()} {clock.start_label} ({kind} timescale).",
        f"Responsible: {m.responsible}.",
    ]
    if clock.start is not None:
        lines.append(f"Clock started: {format_date(clock.start)}.")
    if clock.statutory_due is not None and clock.is_extended:
        lines.append(f"Original statutory date: {format_date(clock.statutory_due)}.")
    if clock.met_on is not None and m.kind is MilestoneKind.DEADLINE:
        lines.append(f"Met: {format_date(clock.met_on)}.")
    lines.append(f"Source: {m.source}.")
    return "\n".join(lines)


def milestones_to_ics(
    *,
    case_reference: str,
    clocks: Sequence[Clock],
    calendar_name: str | None = None,
    generated_at: datetime | None = None,
    uid_domain: str = "cspr.invalid",
    include_met: bool = True,
) -> str:
    """An RFC 5545 calendar (CRLF line endings, folded, escaped) with one all-day event per dated milestone.

    ``case_reference`` must be the case's pseudonymous reference, never a child's name. Clocks with no
    effective due date (not started, or held by an open-ended pause) are left out. ``generated_at`` sets
    DTSTAMP (UTC; defaults to now) so tests and caches can make the output byte-for-byte stable.
    """
    if not case_reference.strip():
        raise ValueError("a case reference is required")
    stamp = (generated_at or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(calendar_name or f'{case_reference} statutory timescales')}",
    ]
    for clock in clocks:
        due = clock.effective_due
        if due is None:
            continue
        done = clock.status in {ClockStatus.MET, ClockStatus.MET_LATE}
        if done and not include_met:
            continue
        prefix = f"[{clock.status.label}] " if done or clock.status is ClockStatus.OVERDUE else ""
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(case_reference, clock, uid_domain)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_ics_date(due)}",
            f"DTEND;VALUE=DATE:{_ics_date(due + timedelta(days=1))}",
            f"SUMMARY:{escape_text(f'{prefix}{case_reference}: {clock.milestone.label}')}",
            f"DESCRIPTION:{escape_text(_description(clock))}",
            f"CATEGORIES:{'Statutory timescale' if clock.milestone.statutory else 'Local timescale'}",
            "TRANSP:TRANSPARENT",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)
