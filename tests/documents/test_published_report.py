"""The published report is written by cspr from the redacted text (issue 14), and read back independently of
the writer: none of the accepted findings survive, every rejected finding's text does."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO

import docx
import pytest

from cspr.documents.published_report import (
    IMPROVEMENTS_ONLY_NOTE,
    render_published_report,
    render_published_report_docx,
)
from cspr.library.extract import extract_bytes
from cspr.reviews.redaction import Block, Finding, Identifier, blocks_from_text, find_personal_data, redact
from tests.documents.readers import docx_paragraphs, pdf_catalog, pdf_outline

IDENTIFIERS = (
    Identifier("name", "Jane Amelia Smith", "Child Q"),
    Identifier("date_of_birth", "2019-03-03", "[date of birth]"),
    Identifier("family_member", "Mary Smith", "Mother"),
    Identifier("family_member", "Thomas Smith", "Sibling 1"),
    Identifier("address", "14 Elm Road, Leeds LS6 2AB", "[address]"),
)

REPORT = """Child Q: local child safeguarding practice review

# Background

Jane Amelia Smith was born on 3rd March 2019 and lived with her mother, Mary Smith, and her brother
Thomas at 14 Elm Road, Leeds LS6 2AB. Jane's NHS number was 943 476 5919.

The family also stayed with a friend in LS11 5QT. Mary could be reached on 07700 900123 or at
mary.smith@example.com.

## What the agencies knew

The partnership's helpline, 0113 222 4403, received a call on 12 May 2021. Dr Patel, the GP, saw Jane
twice. The Smiths' home was described as cold.
"""

PUBLISHED_ON = dt.date(2026, 3, 3)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _contains(haystack: str, needle: str) -> bool:
    """Whole-word, case-insensitive search with whitespace normalised on both sides."""
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(word) for word in needle.split()) + r"(?!\w)"
    return re.search(pattern, haystack, re.IGNORECASE) is not None


@pytest.fixture(scope="module")
def checked() -> tuple[list[Block], list[Finding], list[Finding]]:
    blocks = blocks_from_text(REPORT)
    found = find_personal_data(blocks, IDENTIFIERS)
    # The partnership's own helpline and postcode of a hostel, the date of a call and a professional's name
    # are judged fine to publish; everything about the family is taken out.
    rejected_texts = {"0113 222 4403", "12 May 2021", "Dr Patel", "LS11 5QT"}
    rejected = [f for f in found if f.text in rejected_texts]
    accepted = [f for f in found if f.text not in rejected_texts]
    assert {f.text for f in rejected} == rejected_texts
    return blocks, accepted, rejected


@pytest.fixture(scope="module")
def published_pdf(checked: tuple[list[Block], list[Finding], list[Finding]]) -> bytes:
    blocks, accepted, _ = checked
    return render_published_report(
        title="Child Q: local child safeguarding practice review",
        partnership="Leeds Safeguarding Children Partnership",
        reviewer="Dr Anne Reviewer",
        published_on=PUBLISHED_ON,
        blocks=redact(blocks, accepted),
    )


def test_the_check_finds_each_kind_of_personal_data_in_the_report(checked):
    _, accepted, rejected = checked
    categories = {f.category for f in accepted + rejected}
    assert {"name", "date_of_birth", "family_member", "address", "postcode", "phone", "nhs_number", "email"} <= (
        categories
    )


def test_published_pdf_read_back_has_no_accepted_finding_and_every_rejected_one(checked, published_pdf):
    _, accepted, rejected = checked
    text = _squash(extract_bytes(published_pdf, name="published.pdf").text)
    for finding in accepted:
        assert not _contains(text, finding.text), finding.text
    for finding in rejected:
        assert _contains(text, finding.text), finding.text
    for replacement in ("Child Q", "Mother", "Sibling 1", "[date of birth]", "[address]", "[NHS number]"):
        assert replacement in text
    # The name, the surname and the postcode are gone in every form the report used.
    for personal in ("Jane", "Smith", "Amelia", "Thomas", "Elm Road", "LS6 2AB", "943 476 5919", "07700 900123"):
        assert personal.lower() not in text.lower(), personal


def test_published_pdf_has_a_cover_line_then_the_report_in_order(published_pdf):
    document = extract_bytes(published_pdf, name="published.pdf")
    text = _squash(document.text)
    cover = [
        "Leeds Safeguarding Children Partnership",
        "Child Q: local child safeguarding practice review",
        "Reviewer: Dr Anne Reviewer",
        "Published 3 March 2026",
        "Background",
        "Child Q was born on [date of birth]",
        "What the agencies knew",
        "The partnership's helpline",
    ]
    positions = [text.find(part) for part in cover]
    assert -1 not in positions, dict(zip(cover, positions, strict=True))
    assert positions == sorted(positions)
    # The report's own title line is not printed again under the cover's.
    assert [title for _, title in pdf_outline(published_pdf)] == [
        "Child Q: local child safeguarding practice review",
        "Background",
        "What the agencies knew",
    ]


def test_published_pdf_properties_name_the_partnership_and_no_person(published_pdf):
    catalog = pdf_catalog(published_pdf)
    assert catalog["lang"] == "en-GB"
    metadata = catalog["metadata"]
    assert isinstance(metadata, dict)
    assert metadata["Author"] == "Leeds Safeguarding Children Partnership"
    assert metadata["Title"] == "Child Q: local child safeguarding practice review"
    assert "Jane" not in str(metadata) and "Smith" not in str(metadata)


def test_improvements_only_publication_says_so_on_its_cover():
    blocks = [
        Block("heading", "Improvements to be made", 1),
        Block("paragraph", "Agencies will share referrals within one working day."),
        Block("paragraph", "   "),
    ]
    pdf = render_published_report(
        title="Child R: improvements to be made",
        partnership="Northshire Safeguarding Children Partnership",
        reviewer="Sam Reviewer",
        published_on=PUBLISHED_ON,
        blocks=blocks,
        improvements_only=True,
    )
    text = _squash(extract_bytes(pdf, name="improvements.pdf").text)
    assert _squash(IMPROVEMENTS_ONLY_NOTE) in text
    assert "Agencies will share referrals within one working day." in text
    assert "Not recorded" not in text


def test_published_report_as_word_keeps_headings_and_paragraphs(checked):
    blocks, accepted, _ = checked
    data = render_published_report_docx(
        title="Child Q: local child safeguarding practice review",
        partnership="Leeds Safeguarding Children Partnership",
        reviewer="Dr Anne Reviewer",
        published_on=PUBLISHED_ON,
        blocks=redact(blocks, accepted),
    )
    paragraphs = [(style, text) for style, text in docx_paragraphs(data) if text]
    assert ("Title", "Child Q: local child safeguarding practice review") in paragraphs
    assert ("Heading 1", "Background") in paragraphs
    assert ("Heading 2", "What the agencies knew") in paragraphs
    body = " ".join(text for _, text in paragraphs)
    assert "Jane" not in body and "Smith" not in body and "Reviewer: Dr Anne Reviewer" in body
    assert docx.Document(BytesIO(data)).core_properties.author == "Leeds Safeguarding Children Partnership"
