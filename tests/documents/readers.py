"""Open rendered documents again, the way a reader's software would: python-docx for Word, pdfium for PDF."""

from __future__ import annotations

import ctypes
from io import BytesIO

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


def docx_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph, in order."""
    document = docx.Document(BytesIO(data))
    return [(p.style.name, p.text) for p in document.paragraphs]


def docx_headings(data: bytes, style: str) -> list[str]:
    return [text for name, text in docx_paragraphs(data) if name == style]


def docx_tables(data: bytes) -> list[list[list[str]]]:
    """Every table as rows of cell texts."""
    document = docx.Document(BytesIO(data))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def docx_all_text(data: bytes) -> str:
    document = docx.Document(BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    """All the PDF's text with whitespace runs collapsed, so table wrapping does not split phrases."""
    pdf = pdfium.PdfDocument(data)
    try:
        text = " ".join(pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf)))
    finally:
        pdf.close()
    return " ".join(text.split())


def pdf_outline(data: bytes) -> list[tuple[int, str]]:
    """The PDF's bookmarks (generated from its headings) as (level, title)."""
    pdf = pdfium.PdfDocument(data)
    try:
        return [(item.level, item.get_title()) for item in pdf.get_toc()]
    finally:
        pdf.close()


def pdf_catalog(data: bytes) -> dict[str, object]:
    """Whether the PDF is tagged, its /Lang, metadata and page size in points."""
    pdf = pdfium.PdfDocument(data)
    try:
        size = ctypes.c_ulong(pdfium_c.FPDFCatalog_GetLanguage(pdf.raw, None, 0))
        buffer = (ctypes.c_ushort * (size.value // 2))()
        pdfium_c.FPDFCatalog_GetLanguage(pdf.raw, buffer, size)
        lang = bytes(buffer).decode("utf-16-le").rstrip("\x00")
        return {
            "tagged": bool(pdfium_c.FPDFCatalog_IsTagged(pdf.raw)),
            "lang": lang,
            "metadata": pdf.get_metadata_dict(),
            "page_size": pdf[0].get_size(),
            "pages": len(pdf),
        }
    finally:
        pdf.close()
