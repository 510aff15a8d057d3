"""A report with nothing filled in still renders every section, each saying "Not recorded"."""

from __future__ import annotations

from io import BytesIO

import docx
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph

from cspr.documents import rapid_review_docx, rapid_review_pdf
from tests.documents.readers import pdf_outline, pdf_text
from tests.documents.test_rapid_review_docx import EXPECTED_SECTIONS


@pytest.fixture(scope="module")
def empty_docx(empty_report) -> bytes:
    return rapid_review_docx(empty_report)


@pytest.fixture(scope="module")
def empty_pdf(empty_report) -> bytes:
    return rapid_review_pdf(empty_report)


def _docx_sections(data: bytes) -> dict[str, str]:
    """The text under each Heading 1, tables included, in document order."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for item in docx.Document(BytesIO(data)).iter_inner_content():
        if isinstance(item, Paragraph) and item.style.name == "Heading 1":
            current = sections.setdefault(item.text, [])
        elif current is not None and isinstance(item, Paragraph):
            current.append(item.text)
        elif current is not None and isinstance(item, Table):
            current.extend(cell.text for row in item.rows for cell in row.cells)
    return {heading: "\n".join(texts) for heading, texts in sections.items()}


def test_every_section_is_still_there_and_says_not_recorded_in_word(empty_docx):
    sections = _docx_sections(empty_docx)
    assert list(sections) == EXPECTED_SECTIONS
    for heading, text in sections.items():
        if heading != "About this rapid review":
            assert "Not recorded" in text, heading


def test_empty_subsections_of_the_case_each_say_not_recorded(empty_docx):
    case = _docx_sections(empty_docx)["The case"]
    # Children, incident and timescales.
    assert case.count("Not recorded") == 3


def test_every_section_is_still_there_and_says_not_recorded_in_pdf(empty_pdf):
    assert [title for level, title in pdf_outline(empty_pdf) if level == 1] == EXPECTED_SECTIONS
    text = pdf_text(empty_pdf)
    # 3 in "The case" (children, incident, timescales), then one for each of the 15 places from agency
    # involvement to sign-off (criteria and circumstances separately, the recommendation and its reasons too).
    assert text.count("Not recorded") == 3 + 15
    assert "Not recorded: the safeguarding partners have not yet decided." in text
    assert "Not recorded: this rapid review has not been signed off." in text


def test_an_unsigned_report_is_marked_as_a_draft(empty_docx, empty_pdf):
    assert "Status Draft: not signed off" in pdf_text(empty_pdf)
    about = docx.Document(BytesIO(empty_docx)).tables[0]
    assert [c.text for c in about.rows[3].cells] == ["Status", "Draft: not signed off"]
