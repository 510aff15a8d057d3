"""The rapid review as Word: real heading styles in DOMAIN.md step 3 order, tables, marking and clean metadata."""

from __future__ import annotations

import zipfile
from io import BytesIO

import docx
from docx.oxml.ns import qn

from tests.documents.readers import docx_all_text, docx_headings, docx_paragraphs, docx_tables

# DOMAIN.md step 3, "Content": agency involvement and key practice episodes with analysis, good practice,
# immediate actions, learning so far and how it was shared, the family's context, family and practitioner
# views, the assessment against the criteria, the recommendation and its reasons, (the decision,) sign-off.
EXPECTED_SECTIONS = [
    "About this rapid review",
    "The case",
    "Agency involvement",
    "Key practice episodes and analysis",
    "Good practice",
    "Immediate actions",
    "Learning so far",
    "How the learning was shared",
    "The family's context",
    "Views of the family",
    "Views of practitioners",
    "Assessment against the criteria",
    "Recommendation",
    "Decision of the safeguarding partners",
    "Sign-off",
]


def _table_with_header(tables: list[list[list[str]]], first_header: str) -> list[list[str]]:
    matches = [table for table in tables if table[0][0] == first_header]
    assert len(matches) == 1, f"expected one table headed {first_header!r}"
    return matches[0]


def test_sections_are_heading_1_in_the_order_of_the_rapid_review_content_list(report_docx):
    assert docx_headings(report_docx, "Heading 1") == EXPECTED_SECTIONS


def test_title_block_names_partnership_rapid_review_reference_and_pseudonym(report_docx):
    paragraphs = docx_paragraphs(report_docx)
    assert paragraphs[0] == ("Normal", "Northshire Safeguarding Children Partnership")
    assert paragraphs[1] == ("Title", "Rapid review")
    about = docx_tables(report_docx)[0]
    assert about == [
        ["Case reference", "NSCP-2026-007"],
        ["Child", "Child Q"],
        ["Date of this report", "20 March 2026"],
        ["Status", "Signed off"],
        ["Security marking", "OFFICIAL-SENSITIVE"],
    ]


def test_every_page_header_and_footer_carries_the_official_sensitive_marking(report_docx):
    document = docx.Document(BytesIO(report_docx))
    for section in document.sections:
        assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
        assert section.footer.paragraphs[0].text == "OFFICIAL-SENSITIVE"


def test_chronology_is_a_table_with_one_row_per_episode_and_its_analysis(report_docx):
    chronology = _table_with_header(docx_tables(report_docx), "Date")
    assert chronology == [
        ["Date", "Agency", "What happened", "Analysis"],
        ["4 November 2025", "Health visiting", "New birth visit; father not seen", "Father's role not explored"],
        ["Winter 2025", "GP", "Bruise noted on forearm", "No referral; bruising in a non-mobile baby"],
    ]


def test_criteria_table_gives_each_criterion_its_answer_and_reasons(report_docx):
    tables = [t for t in docx_tables(report_docx) if t[0] == ["Criterion", "Answer", "Reasons"]]
    criteria, circumstances = tables
    assert [row[1:] for row in criteria[1:]] == [
        ["Yes", "Bruising protocol not followed"],
        ["Yes", "Invisible men theme recurs"],
        ["Maybe", "Information sharing gaps"],
        ["No", "Not referred by the Panel"],
    ]
    assert criteria[1][0].startswith("(a) Highlights or may highlight improvements")
    # Workflow codes such as "cross-boundary" are not printed; the label is.
    assert circumstances[1] == ["Family moved between local authorities", "Yes", "Moved from Westshire in 2025"]


def test_votes_table_records_every_vote_in_round_order(report_docx):
    votes = _table_with_header(docx_tables(report_docx), "Round")
    assert [row[:4] for row in votes[1:]] == [
        ["1", "Local authority", "Director of Children's Services", "Review"],
        ["1", "Police", "Detective Superintendent", "No review"],
        ["1", "Integrated care board", "Chief Nurse", "Review"],
        ["2", "Police", "Detective Superintendent", "Review"],
    ]


def test_case_text_appears_with_its_paragraphs_kept(report_docx):
    paragraphs = [text for _, text in docx_paragraphs(report_docx)]
    assert "Q was seen in the emergency department twice." in paragraphs
    assert "The second visit was not linked to the first." in paragraphs
    text = docx_all_text(report_docx)
    for expected in (
        "The health visitor escalated promptly after the second visit.",
        "Mother said she felt nobody listened to her worries about the father.",
        "Practitioners described high caseloads in the winter months.",
        "The family are of White British heritage. Mother has a learning disability.",
        "Criteria (a) and (b) are met and the learning is significant for the whole partnership.",
        "The scrutineer advised that the multi-agency learning justifies a review.",
        "Recommendation: Local child safeguarding practice review",
        "PNL-55123",
        "All three safeguarding partners agreed",
    ):
        assert expected in text


def test_sign_off_lists_each_partner(report_docx):
    sign_off = _table_with_header(docx_tables(report_docx), "Partner")
    assert [row[0] for row in sign_off[1:]] == ["Local authority", "Police", "Integrated care board"]


def test_tables_have_a_repeating_header_row_and_a_caption_for_screen_readers(report_docx):
    document = docx.Document(BytesIO(report_docx))
    for table in document.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        assert caption is not None and caption.get(qn("w:val"))
    headed = [t for t in document.tables if t.rows[0].cells[0].text in {"Date", "Criterion", "Round", "Partner"}]
    assert headed
    for table in headed:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_core_properties_give_title_and_partnership_and_no_personal_or_tool_names(report_docx):
    properties = docx.Document(BytesIO(report_docx)).core_properties
    assert properties.title == "Rapid review NSCP-2026-007: Child Q"
    assert properties.author == "Northshire Safeguarding Children Partnership"
    assert properties.last_modified_by == "Northshire Safeguarding Children Partnership"
    assert properties.comments == ""
    assert properties.language == "en-GB"
    core = zipfile.ZipFile(BytesIO(report_docx)).read("docProps/core.xml").decode()
    assert "python-docx" not in core


def test_document_language_is_british_english(report_docx):
    styles = zipfile.ZipFile(BytesIO(report_docx)).read("word/styles.xml").decode()
    assert 'w:lang w:val="en-GB"' in styles
