"""iCalendar export: RFC 5545 structure, stable UIDs, folding, escaping, and no personal data."""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from cspr.timescales import (
    Extension,
    WorkingCalendar,
    compute_clocks,
    load_process,
    milestones_to_ics,
)
from cspr.timescales.ics import escape_text, fold_line

D = date
STAMP = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)
PROCESS = load_process("england-cspr")
EVENTS = {
    "la_became_aware": D(2026, 12, 18),
    "notification_sent": D(2026, 12, 22),
    "review_decided": D(2026, 12, 1),
}


def export(case_reference: str = "CSPR-2026-014", **kwargs: Any) -> str:
    clocks = compute_clocks(process=PROCESS, events=EVENTS, calendar=WorkingCalendar("england"), today=D(2027, 1, 4))
    return milestones_to_ics(case_reference=case_reference, clocks=clocks, generated_at=STAMP, **kwargs)


def unfold(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")


def events_in(ics: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(ics):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            found.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return found


def test_the_calendar_is_rfc5545_with_crlf_line_endings() -> None:
    ics = export()
    assert ics.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cspr//statutory timescales//EN\r\n")
    assert ics.endswith("END:VCALENDAR\r\n")
    assert "\n" not in ics.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


def test_each_started_milestone_is_an_all_day_event_on_its_due_date() -> None:
    events = events_in(export())
    # notify-panel, inform-partners, agency-summaries, rapid-review, lcspr-published: the rest have not started.
    assert len(events) == 5
    by_summary = {e["SUMMARY"]: e for e in events}
    rapid = by_summary["CSPR-2026-014: Send the rapid review to the Panel"]
    assert rapid["DTSTART;VALUE=DATE"] == "20270115"
    assert rapid["DTEND;VALUE=DATE"] == "20270116"
    assert rapid["DTSTAMP"] == "20270104T093000Z"
    assert rapid["TRANSP"] == "TRANSPARENT"
    assert rapid["CATEGORIES"] == "Statutory timescale"
    assert "[Met] CSPR-2026-014: Notify the Child Safeguarding Practice Review Panel" in by_summary
    assert "[Overdue] CSPR-2026-014: Inform the safeguarding partners" in by_summary
    published = by_summary["CSPR-2026-014: Complete and publish the local child safeguarding practice review"]
    assert published["DTSTART;VALUE=DATE"] == "20270601"


def test_uids_are_stable_across_exports_and_distinct_per_case_and_milestone() -> None:
    first = [e["UID"] for e in events_in(export())]
    again = [e["UID"] for e in events_in(export())]
    other_case = [e["UID"] for e in events_in(export("CSPR-2026-015"))]
    assert first == again
    assert len(set(first)) == len(first)
    assert not set(first) & set(other_case)
    assert all(uid.endswith("@cspr.invalid") for uid in first)


def test_an_extended_milestone_sits_on_the_new_date_and_mentions_the_statutory_one() -> None:
    extension = Extension("rapid-review", D(2027, 1, 29), "police records", "Partners", D(2027, 1, 4), True, True)
    clocks = compute_clocks(
        process=PROCESS,
        events=EVENTS,
        calendar=WorkingCalendar("england"),
        today=D(2027, 1, 4),
        extensions=[extension],
    )
    ics = milestones_to_ics(case_reference="CSPR-2026-014", clocks=clocks, generated_at=STAMP)
    rapid = next(e for e in events_in(ics) if e["SUMMARY"].endswith("Send the rapid review to the Panel"))
    assert rapid["DTSTART;VALUE=DATE"] == "20270129"
    assert "Original statutory date: Friday 15 January 2027." in rapid["DESCRIPTION"].replace("\\n", "\n")
    # Approvers and reasons can name people or proceedings: they stay out of the file.
    assert "police records" not in ics
    assert "Partners" not in ics


def test_met_milestones_can_be_left_out() -> None:
    summaries = [e["SUMMARY"] for e in events_in(export(include_met=False))]
    assert not any(s.startswith("[Met]") for s in summaries)
    assert len(summaries) == 4


def test_text_is_escaped_and_long_lines_are_folded_without_splitting_characters() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "é" * 80
    folded = fold_line(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    ics = export(calendar_name="Review, Child Q; timescales")
    assert "X-WR-CALNAME:Review\\, Child Q\\; timescales\r\n" in ics


def test_a_case_reference_is_required() -> None:
    with pytest.raises(ValueError, match="case reference"):
        milestones_to_ics(case_reference=" ", clocks=[])


def test_an_independent_rfc5545_parser_reads_every_milestone_back() -> None:
    """The export opens in calendar software: icalendar (a separate implementation) parses it strictly."""
    import icalendar

    ics = export()
    calendar = icalendar.Calendar.from_ical(ics)
    assert calendar.errors == []
    parsed = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    ours = {e["UID"]: e for e in events_in(ics)}
    assert parsed.keys() == ours.keys() and parsed
    for uid, event in parsed.items():
        assert event.errors == []
        start = event.decoded("DTSTART")
        assert isinstance(start, date) and not isinstance(start, datetime)  # all-day events
        assert start.strftime("%Y%m%d") == ours[uid]["DTSTART;VALUE=DATE"]
        assert "CSPR-2026-014: " in str(event["SUMMARY"])
