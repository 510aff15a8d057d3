"""Extraction keeps every format's text, pages and headings, and names what it cannot read."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest

from cspr.library.extract import ExtractionError, extract, extract_bytes, iter_supported_files
from cspr.library.passages import split_passages
from cspr.library.samples import docx_bytes, html_document, pdf_bytes, wrap

PARAGRAPH = (
    "The health visitor recorded that the home was cold and there was little food in the cupboards. "
    "The family had moved three times in a year and the records did not follow them to the new area."
)


@pytest.fixture(scope="session")
def hundred_page_pdf(tmp_path_factory: pytest.TempPathFactory):
    """A 100-page report: each page has a numbered heading, two wrapped paragraphs and a page number."""
    pages = []
    for n in range(1, 101):
        lines = [f"{n}.1 Finding about page {n}", ""]
        lines += [*wrap(f"Marker page{n}marker. {PARAGRAPH}"), "", *wrap(PARAGRAPH), "", str(n)]
        pages.append(lines)
    path = tmp_path_factory.mktemp("pdf") / "child-q-review.pdf"
    path.write_bytes(pdf_bytes(pages, title="Child Q: local child safeguarding practice review"))
    return path


def test_a_hundred_page_pdf_keeps_every_page_number(hundred_page_pdf):
    pages_seen: list[int] = []
    document = extract(hundred_page_pdf, on_page=lambda n: pages_seen.append(n))
    assert document.page_count == 100
    assert sum(pages_seen) == 100
    passages = split_passages(document.blocks)
    for n in (1, 57, 100):
        [hit] = [p for p in passages if f"page{n}marker" in p.text]
        assert hit.page == n
        assert hit.heading == f"{n}.1 Finding about page {n}"


def test_pdf_lines_are_rejoined_into_paragraphs_and_page_numbers_dropped(hundred_page_pdf):
    document = extract(hundred_page_pdf)
    body = [b for b in document.blocks if not b.heading and b.page == 3]
    assert len(body) == 2
    assert body[1].text == PARAGRAPH
    assert not any(b.text.strip() == "3" for b in document.blocks)


def test_title_comes_from_the_first_heading():
    data = pdf_bytes([["Child W: Rapid Review Findings", "", *wrap(PARAGRAPH)]])
    assert extract_bytes(data, name="w.pdf").guess_title() == "Child W: Rapid Review Findings"


def test_a_pdfs_own_title_wins_over_its_first_heading():
    data = pdf_bytes(
        [["1. Introduction", "", *wrap(PARAGRAPH)]], title="Child W: local child safeguarding practice review"
    )
    assert extract_bytes(data, name="w.pdf").guess_title() == "Child W: local child safeguarding practice review"


@pytest.mark.parametrize(
    "placeholder", ["Microsoft Word - cw_final_v3.docx", "Untitled", "Document1", "cw-final.pdf", "Report", "Neglect"]
)
def test_a_pdf_title_left_as_a_tools_default_gives_way_to_the_first_heading(placeholder):
    data = pdf_bytes([["Child W: Rapid Review Findings", "", *wrap(PARAGRAPH)]], title=placeholder)
    assert extract_bytes(data, name="w.pdf").guess_title() == "Child W: Rapid Review Findings"


def test_a_corrupt_pdf_is_an_extraction_error():
    with pytest.raises(ExtractionError, match="not a readable PDF"):
        extract_bytes(b"%PDF-1.4\n this is not really a pdf \n%%EOF", name="broken.pdf")


def test_a_truncated_pdf_is_an_extraction_error(hundred_page_pdf):
    data = hundred_page_pdf.read_bytes()
    with pytest.raises(ExtractionError):
        extract_bytes(data[: len(data) // 3], name="cut.pdf")


def test_a_pdf_without_a_text_layer_asks_for_ocr():
    with pytest.raises(ExtractionError, match="OCR"):
        extract_bytes(pdf_bytes([[], []]), name="scan.pdf")


def test_an_empty_file_is_an_extraction_error(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(ExtractionError, match="empty"):
        extract(path)


def test_an_unsupported_type_is_refused_by_name():
    with pytest.raises(ExtractionError, match=r"\.xlsx"):
        extract_bytes(b"data", name="figures.xlsx")


def test_word_headings_pages_and_tables_are_kept():
    import docx

    data = docx_bytes(
        [("Background", [PARAGRAPH]), ("Analysis of practice", ["Agencies did not share information."])],
        title="Child R: a review",
    )
    document = docx.Document(BytesIO(data))
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Recommendation 1"
    table.rows[0].cells[1].text = "Partnership to audit escalation"
    buffer = BytesIO()
    document.save(buffer)
    extracted = extract_bytes(buffer.getvalue(), name="child-r.docx")
    assert extracted.guess_title() == "Child R: a review"
    headings = [(b.text, b.page) for b in extracted.blocks if b.heading]
    assert headings == [("Child R: a review", 1), ("Background", 1), ("Analysis of practice", 2)]
    assert any(b.text == "Recommendation 1 | Partnership to audit escalation" for b in extracted.blocks)
    passages = split_passages(extracted.blocks)
    assert [(p.heading, p.page) for p in passages] == [("Background", 1), ("Analysis of practice", 2)]


def test_a_corrupt_word_file_is_an_extraction_error():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not-word/>")
    with pytest.raises(ExtractionError, match="Word"):
        extract_bytes(buffer.getvalue(), name="bad.docx")
    with pytest.raises(ExtractionError, match="Word"):
        extract_bytes(b"PK\x03\x04garbage", name="bad2.docx")


def test_html_keeps_the_report_and_drops_site_chrome_and_scripts():
    page = html_document("Child S: practice review", [("Background", [PARAGRAPH]), ("Learning", ["Fish & chips"])])
    document = extract_bytes(page.encode(), name="child-s.html")
    assert document.guess_title() == "Child S: practice review"
    text = document.text
    assert PARAGRAPH in text
    assert "Fish & chips" in text
    assert "tracking" not in text
    assert "Cookie settings" not in text
    assert "Home" not in text
    assert [p.heading for p in split_passages(document.blocks)] == ["Background", "Learning"]


def test_markdown_headings_and_form_feed_pages():
    text = f"# Child T review\n\n## Background\n\n{PARAGRAPH}\n\f## Findings\n\nThe school was not told."
    document = extract_bytes(text.encode(), name="t.md")
    passages = split_passages(document.blocks)
    assert [(p.heading, p.page) for p in passages] == [("Background", 1), ("Findings", 2)]
    assert document.guess_title() == "Child T review"


def test_plain_text_in_windows_encoding_is_read():
    document = extract_bytes("Child\u2019s voice \u2013 what she said.".encode("cp1252"), name="a.txt")
    assert "Child\u2019s voice \u2013 what she said." in document.text


def test_binary_data_named_txt_is_refused():
    with pytest.raises(ExtractionError, match="binary"):
        extract_bytes(b"\x00\x01\x02abc" * 10, name="a.txt")


def test_same_bytes_give_the_same_content_hash():
    a = extract_bytes(PARAGRAPH.encode(), name="a.txt")
    b = extract_bytes(PARAGRAPH.encode(), name="renamed.txt")
    c = extract_bytes((PARAGRAPH + " More.").encode(), name="a.txt")
    assert a.sha256 == b.sha256 != c.sha256


def test_folders_are_walked_recursively_skipping_hidden_and_unsupported(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for name in ("a/one.pdf", "a/b/two.DOCX", "three.html", "notes.xlsx", ".git/x.txt", "four.txt"):
        (tmp_path / name).write_bytes(b"x")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_supported_files(tmp_path)]
    assert found == ["a/b/two.DOCX", "a/one.pdf", "four.txt", "three.html"]
