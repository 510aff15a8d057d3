"""The rapid review as PDF: tagged, in British English, headings as bookmarks, and the case's content."""

from __future__ import annotations

from tests.documents.readers import pdf_catalog, pdf_outline, pdf_text
from tests.documents.test_rapid_review_docx import EXPECTED_SECTIONS


def test_pdf_is_tagged_in_british_english_with_title_and_partnership_as_author(report_pdf):
    catalog = pdf_catalog(report_pdf)
    assert catalog["tagged"] is True
    assert catalog["lang"] == "en-GB"
    assert catalog["metadata"]["Title"] == "Rapid review NSCP-2026-007: Child Q"
    assert catalog["metadata"]["Author"] == "Northshire Safeguarding Children Partnership"


def test_pages_are_a4_portrait(report_pdf):
    width, height = pdf_catalog(report_pdf)["page_size"]
    assert (round(width), round(height)) == (595, 842)


def test_headings_become_bookmarks_in_the_order_of_the_rapid_review_content_list(report_pdf):
    outline = pdf_outline(report_pdf)
    assert outline[0] == (0, "Rapid review")
    assert [title for level, title in outline if level == 1] == EXPECTED_SECTIONS


def test_every_page_is_marked_official_sensitive_at_top_and_bottom(report_pdf):
    pages = pdf_catalog(report_pdf)["pages"]
    assert pages > 1
    # Header and footer on every page, plus the marking row of the title block.
    assert pdf_text(report_pdf).count("OFFICIAL-SENSITIVE") == 2 * pages + 1


def test_pdf_carries_pseudonym_criteria_answers_rationale_and_votes(report_pdf):
    text = pdf_text(report_pdf)
    for expected in (
        "Case reference NSCP-2026-007",
        "Child Child Q",
        "Maybe Information sharing gaps",
        "Yes Bruising protocol not followed",
        "No Not referred by the Panel",
        "Criteria (a) and (b) are met and the learning is significant for the whole partnership.",
        "Persuaded by the scrutineer",
        "Winter 2025",
        "Not yet Due in 1 working day",
        "Local child safeguarding practice review",
    ):
        assert expected in text, expected
