"""Write a :class:`~cspr.documents.blocks.Document` as a Word (.docx) file with python-docx.

Accessibility comes from structure, not looks: headings use Word's built-in Title and Heading styles so a
screen reader's heading list and Word's navigation pane work; tables mark their first row as a header row
that repeats on every page and carry a caption (Word's table "alt text"); the document language is en-GB so
text is read with the right voice and spell-checked in British English.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table as WordTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph

from .blocks import Block, Document, Fields, Heading, Lines, PageBreak, Table, Text
from .text import NOT_RECORDED, clean, paragraphs

FONT = "Arial"
BLACK = RGBColor(0x0B, 0x0C, 0x0C)
HEADER_FILL = "E8E8E8"


def render_docx(document: Document) -> bytes:
    """Return ``document`` as the bytes of a .docx file."""
    word = docx.Document()
    _set_properties(word, document)
    _set_language(word, document.lang)
    _set_styles(word, document)
    _set_page(word, document)
    for block in document.blocks:
        _write_block(word, block)
    buffer = BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _set_properties(word: WordDocument, document: Document) -> None:
    # python-docx's template says the author is "python-docx" and dates from 2013: replace every field, so
    # the file carries the partnership as author and no person's name.
    created = dt.datetime.combine(document.created, dt.time(), tzinfo=dt.UTC)
    props = word.core_properties
    props.title = clean(document.title)
    props.subject = clean(document.subject)
    props.author = clean(document.author)
    props.last_modified_by = clean(document.author)
    props.keywords = clean(document.keywords)
    props.category = clean(document.marking)
    props.comments = ""
    props.language = document.lang
    props.created = created
    props.modified = created
    props.revision = 1


def _set_language(word: WordDocument, lang: str) -> None:
    r_pr = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang_el = r_pr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        r_pr.append(lang_el)
    lang_el.set(qn("w:val"), lang)
    lang_el.set(qn("w:eastAsia"), lang)


def _set_styles(word: WordDocument, document: Document) -> None:
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(document.body_size_pt)
    # Arial for every script, not only Latin (w:rFonts has four slots; python-docx sets one).
    r_fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        r_fonts.set(qn(slot), FONT)
    sizes = {"Title": document.title_size_pt, "Heading 1": 16, "Heading 2": 13, "Heading 3": 12}
    for name, size in sizes.items():
        style = word.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = BLACK
        style.font.bold = True
        rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            if rfonts.get(qn(slot)) is not None:
                del rfonts.attrib[qn(slot)]
    # The template's Title has a coloured bottom border; a plain title prints better in black and white.
    title_p_pr = word.styles["Title"].element.find(qn("w:pPr"))
    if title_p_pr is not None:
        border = title_p_pr.find(qn("w:pBdr"))
        if border is not None:
            title_p_pr.remove(border)


def _set_page(word: WordDocument, document: Document) -> None:
    section = word.sections[0]
    width, height = Mm(210), Mm(297)
    if document.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    section.header_distance = section.footer_distance = Mm(10)

    if document.marking:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        header.add_run(clean(document.marking)).bold = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if document.marking:
        footer.add_run(clean(document.marking)).bold = True
        footer = section.footer.add_paragraph()
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _add_field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES", "1")


def _add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """Append a simple Word field (page number, page count) that Word fills in when it lays out the page."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _write_block(word: WordDocument, block: Block) -> None:
    match block:
        case Heading():
            word.add_heading(clean(block.text), level=min(block.level, 9))
        case Text():
            _write_text(word, block)
        case Lines():
            _write_lines(word, block)
        case Fields():
            _write_fields(word, block)
        case Table():
            _write_table(word, block)
        case PageBreak():
            word.add_page_break()  # type: ignore[no-untyped-call]  # python-docx leaves it unannotated


def _write_text(word: WordDocument, block: Text) -> None:
    paras = paragraphs(block.text)
    if not paras:
        paragraph = word.add_paragraph()
        if block.label:
            paragraph.add_run(f"{clean(block.label)}: ").bold = True
        paragraph.add_run(clean(block.empty)).italic = True
        return
    for index, lines in enumerate(paras):
        paragraph = word.add_paragraph()
        if index == 0 and block.label:
            paragraph.add_run(f"{clean(block.label)}: ").bold = True
        _add_lines(paragraph, lines)


def _add_lines(paragraph: Paragraph, lines: list[str], *, bold: bool = False, italic: bool = False) -> None:
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = bold or None
        run.italic = italic or None
        if index < len(lines) - 1:
            run.add_break()


def _write_lines(word: WordDocument, block: Lines) -> None:
    for line in block.lines:
        if not clean(line).strip():
            continue
        paragraph = word.add_paragraph(clean(line))
        paragraph.paragraph_format.space_after = Pt(0)
        if block.align == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    spacer = word.add_paragraph()
    spacer.paragraph_format.space_after = Pt(0)


def _write_fields(word: WordDocument, block: Fields) -> None:
    table = word.add_table(rows=0, cols=2)
    table.style = word.styles["Table Grid"]
    _caption(table, block.caption)
    for label, value in block.rows:
        cells = table.add_row().cells
        _fill_cell(cells[0], label, bold=True, shade=True)
        _fill_cell(cells[1], value)
    _set_widths(table, (2, 5), _usable_width(word))
    word.add_paragraph()


def _write_table(word: WordDocument, block: Table) -> None:
    if not block.rows:
        word.add_paragraph().add_run(clean(block.empty)).italic = True
        return
    table = word.add_table(rows=1, cols=len(block.headers))
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _caption(table, block.caption)
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, text in zip(header.cells, block.headers, strict=True):
        _fill_cell(cell, text, bold=True, shade=True)
    for row in block.rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            _fill_cell(cell, text)
    if block.footer:
        for cell, text in zip(table.add_row().cells, block.footer, strict=True):
            _fill_cell(cell, text, bold=True, shade=True, empty="")
    if block.widths:
        _set_widths(table, block.widths, _usable_width(word))
    word.add_paragraph()


def _fill_cell(cell: _Cell, text: str, *, bold: bool = False, shade: bool = False, empty: str = NOT_RECORDED) -> None:
    paras = paragraphs(text)
    first = cell.paragraphs[0]
    if not paras and empty:
        _add_lines(first, [empty], bold=bold, italic=True)
    for index, lines in enumerate(paras):
        paragraph = first if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        _add_lines(paragraph, lines, bold=bold)
    if shade:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), HEADER_FILL)
        cell._tc.get_or_add_tcPr().append(shading)


def _caption(table: WordTable, caption: str) -> None:
    """Give the table Word's alt-text caption (w:tblCaption, last in w:tblPr as the schema orders it)."""
    element = OxmlElement("w:tblCaption")
    element.set(qn("w:val"), clean(caption))
    table._tbl.tblPr.append(element)


def _repeat_as_header(row: _Row) -> None:
    """Mark the row as the table's header: Word repeats it on each page and screen readers announce it."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        tr_pr.append(element)


def _usable_width(word: WordDocument) -> int:
    section = word.sections[-1]
    # _set_page set all three, so none is None here.
    return int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)


def _set_widths(table: WordTable, widths: tuple[int, ...], total: int) -> None:
    # Word lays out from each cell's width, LibreOffice from the table grid: set both.
    table.autofit = False
    scale = total / sum(widths)
    for column, share in zip(table.columns, widths, strict=True):
        column.width = int(share * scale)
    for row in table.rows:
        for cell, share in zip(row.cells, widths, strict=True):
            cell.width = int(share * scale)
