"""Small writers for sample reports (PDF, Word, HTML) used by tests, benchmarks and demonstrations.

The PDF writer emits a minimal, valid PDF 1.4 with one Helvetica text stream per page: enough for
pypdfium2 to extract page by page, and fast enough to make a 100-page report in milliseconds, so the
test suite generates its fixtures instead of committing binaries.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

__all__ = ["docx_bytes", "html_document", "pdf_bytes"]

PageLines = Sequence[str]


def _pdf_escape(text: str) -> str:
    text = text.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(pages: Sequence[PageLines], *, title: str = "") -> bytes:
    """A PDF whose page i shows ``pages[i]``, one line per string (blank strings leave a gap)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    page_ids: list[int] = []
    for lines in pages:
        stream_lines = ["BT", "/F1 10 Tf", "13 TL", "56 790 Td"]
        for line in lines:
            stream_lines.append(f"({_pdf_escape(line)}) Tj T*")
        stream_lines.append("ET")
        stream = "\n".join(stream_lines).encode("latin-1")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_obj, content, font)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    info = add(b"<< /Title (%s) >>" % _pdf_escape(title).encode("latin-1")) if title else None

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n" % (len(objects) + 1))
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info:
        trailer += b" /Info %d 0 R" % info
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def wrap(text: str, width: int = 95) -> list[str]:
    """Hard-wrap a paragraph the way a PDF lays it out, so extraction must re-join the lines."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def docx_bytes(sections: Sequence[tuple[str, Sequence[str]]], *, title: str = "", page_breaks: bool = True) -> bytes:
    """A Word document: optional Title, then per section a Heading 1 and its paragraphs, each section
    after the first starting on a new page."""
    import docx

    document = docx.Document()
    if title:
        document.add_heading(title, level=0)
    for index, (heading, paragraphs) in enumerate(sections):
        if index and page_breaks:
            document.add_page_break()  # type: ignore[no-untyped-call]  # python-docx leaves it unannotated
        document.add_heading(heading, level=1)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def html_document(title: str, sections: Sequence[tuple[str, Sequence[str]]]) -> str:
    """A report page as a partnership website might publish it, navigation and scripts included."""
    from html import escape

    body = [f"<h1>{escape(title)}</h1>"]
    for heading, paragraphs in sections:
        body.append(f"<h2>{escape(heading)}</h2>")
        body.extend(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)} | Safeguarding Partnership</title>"
        "<script>var tracking = 'do not index me';</script><style>p{margin:0}</style></head><body>"
        "<nav><a href='/'>Home</a> <a href='/reviews'>Reviews</a></nav><main>"
        + "".join(body)
        + "</main><footer>Cookie settings &amp; accessibility statement</footer></body></html>"
    )
