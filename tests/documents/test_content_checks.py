"""Closed choices are checked when content is built, so a workflow mistake never prints a wrong word."""

from __future__ import annotations

import datetime as dt

import pytest

from cspr.documents import STATUTORY_CRITERIA, CriterionAssessment, IncidentSummary, Vote
from cspr.documents.pdf import _css_string
from cspr.documents.text import clean, format_date, paragraphs


def test_incident_nature_must_be_death_serious_harm_or_other():
    IncidentSummary(nature="death")
    with pytest.raises(ValueError, match="nature"):
        IncidentSummary(nature="Death")  # type: ignore[arg-type]


def test_criterion_answer_must_be_yes_no_or_maybe():
    with pytest.raises(ValueError, match="criterion 'a'"):
        CriterionAssessment("a", "label", "perhaps")  # type: ignore[arg-type]


def test_only_the_three_safeguarding_partners_vote_and_rounds_start_at_one():
    with pytest.raises(ValueError, match="partner"):
        Vote("Education", "Head", "Review")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="round"):
        Vote("Police", "DI", "Review", round=0)


def test_statutory_criteria_are_a_to_d():
    assert [code for code, _ in STATUTORY_CRITERIA] == ["a", "b", "c", "d"]


def test_text_splits_into_paragraphs_at_blank_lines_and_keeps_line_breaks():
    assert paragraphs("one\ntwo\n \n\nthree\r\n") == [["one", "two"], ["three"]]
    assert paragraphs("   \n\t") == []
    assert clean("a\x0cb") == "a\n\nb"


def test_dates_are_written_the_gov_uk_way():
    assert format_date(dt.date(2026, 3, 3)) == "3 March 2026"
    assert format_date(None) == "Not recorded"
    assert format_date(" Spring\n2025 ") == "Spring 2025"


def test_page_marking_cannot_break_out_of_its_css_string():
    escaped = str(_css_string('X"; } body { display: none } </style><script>'))
    assert escaped.startswith('"') and escaped.endswith('"')
    inner = escaped[1:-1]
    assert not set('"<>;{}') & set(inner)
