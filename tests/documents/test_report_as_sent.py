"""The report as it is sent to the Panel: the status says when it was sent, each clock says how many working
days late it was, and the decision says when, how and by whom the family was told (issue 4, step 5)."""

from __future__ import annotations

import dataclasses

import pytest

from cspr.documents import ClockLine, FamilyTold, rapid_review_docx, rapid_review_pdf
from tests.documents.readers import docx_all_text, docx_tables, pdf_text
from tests.documents.samples import D, make_report


def _sent_report():
    report = make_report(
        sent_on=D(2026, 3, 24),
        clocks=[
            ClockLine("Notify the Panel", D(2026, 3, 2), D(2026, 2, 26), "Met"),
            ClockLine("Rapid review to the Panel", D(2026, 3, 19), D(2026, 3, 24), "Met late", working_days_late=3),
            ClockLine("Agency summaries", D(2026, 3, 12), D(2026, 3, 13), "Met late", working_days_late=1),
        ],
    )
    decision = dataclasses.replace(
        report.decision,
        family_told=[FamilyTold(D(2026, 3, 20), "In person, with a letter", "Sam Jones, social worker")],
    )
    return dataclasses.replace(report, decision=decision)


@pytest.fixture(scope="module")
def sent_docx() -> bytes:
    return rapid_review_docx(_sent_report())


@pytest.fixture(scope="module")
def sent_pdf() -> bytes:
    return rapid_review_pdf(_sent_report())


def test_the_timescales_say_how_many_working_days_late(sent_docx, sent_pdf):
    timescales = next(t for t in docx_tables(sent_docx) if t[0] == ["Milestone", "Due", "Met on", "Status"])
    assert timescales[1][3] == "Met"
    assert timescales[2] == [
        "Rapid review to the Panel",
        "19 March 2026",
        "24 March 2026",
        "Met late: 3 working days late",
    ]
    assert timescales[3][3] == "Met late: 1 working day late"
    assert "Met late: 3 working days late" in pdf_text(sent_pdf)


def test_the_decision_says_when_how_and_by_whom_the_family_was_told(sent_docx, sent_pdf):
    told = next(t for t in docx_tables(sent_docx) if t[0] == ["Date", "How", "By whom"])
    assert told[1:] == [["20 March 2026", "In person, with a letter", "Sam Jones, social worker"]]
    assert "Sam Jones, social worker" in pdf_text(sent_pdf)


def test_the_status_says_when_it_was_sent(sent_docx):
    about = docx_tables(sent_docx)[0]
    assert ["Status", "Signed off and sent to the Panel on 24 March 2026"] in about


def test_a_family_not_yet_told_is_a_visible_gap(report_docx):
    assert "Not recorded: the family has not yet been told of the decision." in docx_all_text(report_docx)


def test_a_clock_cannot_be_a_negative_number_of_days_late():
    with pytest.raises(ValueError, match="cannot be negative"):
        ClockLine("Rapid review to the Panel", D(2026, 3, 19), working_days_late=-1)
