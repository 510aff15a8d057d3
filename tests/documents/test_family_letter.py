"""The family letter: plain English, the child's first name in the text, the pseudonym only in the reference."""

from __future__ import annotations

import re
from io import BytesIO

import docx
import pytest

from cspr.documents import IncompleteLetter, family_letter_docx, family_letter_pdf
from tests.documents.readers import docx_all_text, docx_paragraphs, pdf_catalog, pdf_text
from tests.documents.samples import make_letter

JARGON = ("statutory", "regulation", "LCSPR", "CSPR", "safeguarding partners", "multi-agency", "criteria", "rationale")


def _body(letter_docx: bytes) -> list[str]:
    """The letter's own words: from the salutation to "Yours sincerely", without address or signature."""
    texts = [text for _, text in docx_paragraphs(letter_docx) if text]
    start = next(i for i, text in enumerate(texts) if text.startswith("Dear "))
    end = texts.index("Yours sincerely,")
    return texts[start:end]


def _syllables(word: str) -> int:
    groups = re.findall(r"[aeiouy]+", word.lower())
    count = len(groups) - (1 if word.lower().endswith("e") and not word.lower().endswith(("le", "ee")) else 0)
    return max(count, 1)


def _flesch_kincaid_grade(text: str) -> float:
    sentences = [s for s in re.split(r"[.!?:]+(?:\s|$)", text) if re.search(r"[A-Za-z]", s)]
    words = re.findall(r"[A-Za-z']+", text)
    syllables = sum(_syllables(word) for word in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syllables / len(words) - 15.59


def test_letter_reads_at_about_age_nine_to_eleven_without_jargon(letter_docx):
    body = " ".join(_body(letter_docx))
    # Flesch-Kincaid grade 6 is a reading age of about 11.
    assert _flesch_kincaid_grade(body) <= 6.0
    for word in JARGON:
        assert word.lower() not in body.lower(), word


def test_letter_greets_the_addressee_and_speaks_of_the_child_by_first_name(letter_docx):
    paragraphs = [text for _, text in docx_paragraphs(letter_docx)]
    assert "Dear Ms Smith," in paragraphs
    assert "Ms Jane Smith" in paragraphs
    assert "Private and confidential" in paragraphs
    assert sum("Amy" in text for text in paragraphs) >= 3


def test_pseudonym_appears_only_in_the_reference_line(letter_docx, letter_pdf):
    text = docx_all_text(letter_docx)
    assert text.count("Child Q") == 1
    assert "Our reference: NSCP-2026-007 (Child Q)" in text
    assert pdf_text(letter_pdf).count("Child Q") == 1


@pytest.mark.parametrize("reader", [docx_all_text, pdf_text], ids=["docx", "pdf"])
def test_letter_gives_decision_reasons_next_steps_and_how_to_get_in_touch(reader, letter_docx, letter_pdf):
    text = reader(letter_docx if reader is docx_all_text else letter_pdf)
    text = " ".join(text.split())
    for expected in (
        "They decided: to do a full review of what happened",
        "We think there are things that services could have done better.",
        "We want to learn from them.",
        "Someone will be chosen to lead the review.",
        "Sam Patel, Business manager",
        "Phone: 01234 567890",
        "Email: reviews@northshire.example",
        "in another language, in large print or read out to you",
        "It is not about blaming anyone.",
        "County Hall",
        "25 March 2026",
    ):
        assert expected in text, expected


def test_letter_headings_use_real_styles(letter_docx):
    styles = [(style, text) for style, text in docx_paragraphs(letter_docx) if style in {"Title", "Heading 1"}]
    assert styles[0] == ("Title", "What we decided after looking at what happened to Amy")
    assert [text for style, text in styles[1:]] == [
        "What we did",
        "What we decided",
        "Why we decided this",
        "What happens next",
        "We would like to hear from you",
        "How to get in touch",
    ]


def test_file_metadata_names_neither_the_child_nor_the_family(letter_docx, letter_pdf):
    properties = docx.Document(BytesIO(letter_docx)).core_properties
    metadata = pdf_catalog(letter_pdf)["metadata"]
    for value in (properties.title, properties.subject, properties.author, properties.keywords, *metadata.values()):
        assert "Amy" not in value and "Smith" not in value and "Sam Patel" not in value
    assert properties.author == metadata["Author"] == "Northshire Safeguarding Children Partnership"
    assert metadata["Title"] == properties.title == "Letter to the family: NSCP-2026-007 (Child Q)"


def test_pdf_letter_is_tagged_and_carries_no_security_marking(letter_pdf):
    catalog = pdf_catalog(letter_pdf)
    assert catalog["tagged"] is True and catalog["lang"] == "en-GB"
    assert "OFFICIAL-SENSITIVE" not in pdf_text(letter_pdf)


def test_salutation_already_starting_with_dear_is_not_doubled():
    text = docx_all_text(family_letter_docx(make_letter(salutation="Dear Jane,")))
    assert "Dear Jane," in text and "Dear Dear" not in text


def test_missing_next_steps_fall_back_to_a_promise_to_write_again():
    text = docx_all_text(family_letter_docx(make_letter(what_happens_next="")))
    assert "We will write to you again to tell you what happens next." in text
    assert "Not recorded" not in text


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"rationale": "  \n "}, "the reasons for the decision"),
        ({"decision_outcome_label": ""}, "the decision"),
        ({"contact_phone": "", "contact_email": ""}, "a phone number or email address"),
        ({"child_first_name": ""}, "the child's first name"),
    ],
)
def test_a_letter_that_cannot_tell_the_family_what_they_need_is_refused(changes, missing):
    for render in (family_letter_docx, family_letter_pdf):
        with pytest.raises(IncompleteLetter, match=missing):
            render(make_letter(**changes))


def test_a_letter_with_only_an_email_address_is_accepted():
    text = docx_all_text(family_letter_docx(make_letter(contact_phone="")))
    assert "Email: reviews@northshire.example" in text and "Phone:" not in text
