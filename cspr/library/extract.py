"""Text extraction from published review reports: PDF, Word, HTML and plain text.

Each format becomes the same thing: an ordered list of :class:`Block` (a paragraph or a heading) with
the page it was printed on, so passages can later cite "page 14, Learning about escalation". Pure
Python with no Django import, so the CLI's ``themes`` command and the tests run it on any file.

Anything that cannot be read raises :class:`ExtractionError` with a message a business manager can
act on; ingest reports it against the file name and carries on with the other files.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Block",
    "ExtractedDocument",
    "ExtractionError",
    "extract",
    "extract_bytes",
    "iter_supported_files",
]

SUPPORTED_SUFFIXES: dict[str, str] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".md": "markdown",
}

PageCallback = Callable[[int], None]


class ExtractionError(Exception):
    """A file could not be read as a report; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph or heading as it appears in the report."""

    text: str
    page: int | None
    heading: bool = False
    level: int = 0


@dataclass(slots=True)
class ExtractedDocument:
    """What extraction returns: the blocks in reading order plus what the file itself says about itself."""

    name: str
    format: str
    sha256: str
    blocks: list[Block]
    page_count: int
    embedded_title: str = ""
    properties: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)

    def guess_title(self) -> str:
        """The PDF's own Title when it is a real title, else the first heading, else the first line.

        A PDF's Title is what the publisher typed, so it beats a guess from the layout, but it is often
        left as the tool's default ("Microsoft Word - cq_final_v3.docx", "Untitled", "Document1"): those
        are refused by :func:`meaningful_title` and the first heading used instead. Word and HTML keep
        the heading first, because their embedded titles are usually a template's or a website's.
        """
        if self.format == "pdf" and meaningful_title(self.embedded_title):
            return _clip(self.embedded_title.strip(), 250)
        for block in self.blocks[:40]:
            if block.heading and len(block.text) >= 4:
                return _clip(block.text, 250)
        if self.embedded_title.strip():
            return _clip(self.embedded_title.strip(), 250)
        for block in self.blocks:
            line = block.text.strip().splitlines()[0] if block.text.strip() else ""
            if line:
                return _clip(line, 250)
        return Path(self.name).stem


_FILE_NAME_RE = re.compile(r"\.(?:docx?|pdf|odt|rtf|txt|html?|indd|pub|pages)\s*$", re.IGNORECASE)
_PLACEHOLDER_RE = re.compile(
    r"^(?:microsoft (?:word|powerpoint)\b.*|untitled.*|document\s*\d*|doc\d+|title|report|final(?: report)?|"
    r"draft|pdf|slide \d+|powerpoint presentation|new document|template.*)$",
    re.IGNORECASE,
)


def meaningful_title(title: str) -> bool:
    """Whether a title stored in a file names the report, not the tool or file that made it: at least two
    words with letters, not a file name, not a default such as "Untitled" or "Microsoft Word - ..."."""
    text = " ".join(title.split())
    if not text or _FILE_NAME_RE.search(text) or _PLACEHOLDER_RE.match(text):
        return False
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    return len(words) >= 2


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def iter_supported_files(path: Path) -> Iterator[Path]:
    """A file, or every supported file under a folder (recursively, sorted, hidden files skipped)."""
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
            if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES and not hidden:
                yield child
    else:
        yield path


def extract(path: Path | str, *, on_page: PageCallback | None = None) -> ExtractedDocument:
    """Read ``path`` and return its blocks; ``on_page`` is called once per page read (for progress bars)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"cannot read the file: {exc.strerror or exc}") from exc
    return extract_bytes(data, name=path.name, on_page=on_page)


def extract_bytes(data: bytes, *, name: str, on_page: PageCallback | None = None) -> ExtractedDocument:
    """Extract from bytes already in memory (an upload, or a report published through the review chain)."""
    suffix = Path(name).suffix.lower()
    fmt = SUPPORTED_SUFFIXES.get(suffix)
    if fmt is None:
        raise ExtractionError(f"unsupported file type {suffix or '(none)'}; use PDF, Word (.docx), HTML or plain text")
    if not data:
        raise ExtractionError("the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    extractor = _EXTRACTORS[fmt]
    blocks, page_count, title, props = extractor(data, on_page)
    blocks = [b for b in blocks if b.text.strip()]
    if not blocks:
        if fmt == "pdf":
            raise ExtractionError(
                "the PDF has no text layer (probably a scanned image); it needs OCR before it can be ingested"
            )
        raise ExtractionError("the file contains no readable text")
    return ExtractedDocument(
        name=name,
        format=fmt,
        sha256=digest,
        blocks=blocks,
        page_count=page_count,
        embedded_title=title,
        properties=props,
    )


_Extracted = tuple[list[Block], int, str, dict[str, str]]


# --- PDF -------------------------------------------------------------------------------------------------

_NUMBERED_HEADING = re.compile(r"^(?:\d{1,3}(?:\.\d{1,2}){0,3}\.?|[A-Z]\.|Appendix [A-Z0-9]+:?)\s+\S")
_PAGE_NUMBER_LINE = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+(?:of|/)\s+\d{1,4})?$", re.IGNORECASE)


def looks_like_heading(line: str) -> bool:
    """Heuristic for PDF/plain-text headings, which carry no markup: short, no closing full stop, and
    numbered ("4.2 Information sharing"), all capitals, or Title Case."""
    stripped = line.strip()
    if not (3 <= len(stripped) <= 90) or stripped.endswith((".", ",", ";", ":", "?", "!")):
        return False
    words = stripped.split()
    if len(words) > 12:
        return False
    if _NUMBERED_HEADING.match(stripped):
        return True
    letters = [c for c in stripped if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters):
        return True
    significant = [w for w in words if len(w) > 3 and w[0].isalpha()]
    return bool(significant) and all(w[0].isupper() for w in significant) and len(words) <= 8


def _lines_to_blocks(lines: list[str], page: int | None) -> list[Block]:
    """Rebuild paragraphs from hard-wrapped lines: a blank line, a heading or a line that ends a sentence
    and is visibly shorter than the column closes the paragraph."""
    blocks: list[Block] = []
    current: list[str] = []
    width = max((len(line.strip()) for line in lines), default=0)

    def flush() -> None:
        if current:
            text = " ".join(current)
            text = re.sub(r"(\w)- (\w)", r"\1\2", text) if "- " in text else text
            blocks.append(Block(text=text, page=page))
            current.clear()

    for raw in lines:
        line = raw.strip()
        if not line:
            flush()
            continue
        if _PAGE_NUMBER_LINE.match(line):
            continue
        if not current and looks_like_heading(line):
            blocks.append(Block(text=line, page=page, heading=True, level=2))
            continue
        current.append(line)
        if line.endswith((".", "?", "!", ":")) and len(line) < 0.7 * width:
            flush()
    flush()
    return blocks


def _extract_pdf(data: bytes, on_page: PageCallback | None) -> _Extracted:
    import pypdfium2 as pdfium  # imported here: the text formats should not pay for it

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise ExtractionError("the PDF is password-protected") from exc
        raise ExtractionError(f"not a readable PDF ({message})") from exc
    blocks: list[Block] = []
    try:
        page_count = len(pdf)
        title = ""
        try:
            title = (pdf.get_metadata_dict().get("Title") or "").strip()
        except Exception:
            title = ""
        for index in range(page_count):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
                text = textpage.get_text_bounded()
                textpage.close()
                page.close()
            except pdfium.PdfiumError as exc:
                raise ExtractionError(f"page {index + 1} cannot be read ({exc})") from exc
            lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            blocks.extend(_lines_to_blocks(lines, index + 1))
            if on_page:
                on_page(1)
    finally:
        pdf.close()
    return blocks, page_count, title, {}


# --- Word ------------------------------------------------------------------------------------------------

_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _extract_docx(data: bytes, on_page: PageCallback | None) -> _Extracted:
    import io

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.xmlchemy import BaseOxmlElement

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ExtractionError(f"not a readable Word (.docx) document ({exc})") from exc
    except Exception as exc:
        raise ExtractionError(f"not a readable Word (.docx) document ({type(exc).__name__})") from exc

    blocks: list[Block] = []
    page = 1
    styles = {}
    for style in document.styles:
        try:
            styles[style.style_id] = style.name or ""
        except (AttributeError, KeyError):
            continue

    def paragraph_text(element: BaseOxmlElement) -> tuple[str, int]:
        """Text of one <w:p> and the number of page breaks inside it (Word records the ones it rendered)."""
        parts: list[str] = []
        breaks = 0
        for node in element.iter():
            tag = node.tag
            if tag == f"{_W_NS}t" and node.text:
                parts.append(node.text)
            elif tag == f"{_W_NS}tab":
                parts.append("\t")
            elif tag == f"{_W_NS}br":
                if node.get(f"{_W_NS}type") == "page":
                    breaks += 1
                else:
                    parts.append("\n")
            elif tag == f"{_W_NS}lastRenderedPageBreak":
                breaks += 1
        return "".join(parts), breaks

    for element in document.element.body.iterchildren():
        if element.tag == f"{_W_NS}p":
            text, breaks = paragraph_text(element)
            style_id = element.find(f"{_W_NS}pPr/{_W_NS}pStyle")
            style_name = styles.get(style_id.get(f"{_W_NS}val"), "") if style_id is not None else ""
            page_before = page
            page += breaks
            text = text.strip()
            if not text:
                continue
            lowered = style_name.lower()
            if lowered == "title" or lowered.startswith("heading"):
                level = 1 if lowered == "title" else int(re.sub(r"\D", "", lowered) or 2)
                blocks.append(Block(text=text, page=page_before, heading=True, level=level))
            else:
                blocks.append(Block(text=text, page=page_before))
        elif element.tag == f"{_W_NS}tbl":
            for row in element.iter(f"{_W_NS}tr"):
                cells = []
                for cell in row.iter(f"{_W_NS}tc"):
                    cell_text = " ".join(paragraph_text(p)[0] for p in cell.iter(f"{_W_NS}p")).strip()
                    if cell_text:
                        cells.append(cell_text)
                if cells:
                    blocks.append(Block(text=" | ".join(cells), page=page))
    if on_page:
        on_page(page)
    props: dict[str, str] = {}
    core = document.core_properties
    if core.author:
        props["author"] = core.author
    return blocks, page, (core.title or ""), props


# --- HTML ------------------------------------------------------------------------------------------------

_HTML_BLOCK_TAGS = frozenset(
    "p div li td th dd dt blockquote pre section article main figcaption caption tr br".split()  # noqa: SIM905
)
_HTML_SKIP_TAGS = frozenset(
    "script style noscript template svg nav header footer form button select".split()  # noqa: SIM905
)
_HTML_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


class _ReportHTMLParser(HTMLParser):
    """Collects paragraphs and headings, dropping scripts and site chrome (navigation, header, footer)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.title = ""
        self._buffer: list[str] = []
        self._skip_depth = 0
        self._heading_level = 0
        self._in_title = False

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        self._buffer.clear()
        if text:
            self.blocks.append(
                Block(text=text, page=None, heading=bool(self._heading_level), level=self._heading_level)
            )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_SKIP_TAGS:
            self._skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _HTML_HEADINGS:
            self._flush()
            self._heading_level = _HTML_HEADINGS[tag]
        elif tag in _HTML_BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HTML_SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in _HTML_HEADINGS:
            self._flush()
            self._heading_level = 0
        elif tag in _HTML_BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip_depth:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ExtractionError("the file is binary, not text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _extract_html(data: bytes, on_page: PageCallback | None) -> _Extracted:
    parser = _ReportHTMLParser()
    parser.feed(_decode(data))
    parser.close()
    if on_page:
        on_page(1)
    return parser.blocks, 1, " ".join(parser.title.split()), {}


# --- Plain text and Markdown -----------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")


def _extract_text(data: bytes, on_page: PageCallback | None, *, markdown: bool = False) -> _Extracted:
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    pages = text.split("\f")  # a form feed is the one page marker plain text has
    blocks: list[Block] = []
    for number, page_text in enumerate(pages, start=1):
        if markdown:
            lines: list[str] = []
            for line in page_text.split("\n"):
                match = _MD_HEADING.match(line.strip())
                if match:
                    blocks.extend(_lines_to_blocks(lines, number))
                    lines = []
                    level = len(match.group(1))
                    blocks.append(Block(text=match.group(2), page=number, heading=True, level=level))
                else:
                    lines.append(line)
            blocks.extend(_lines_to_blocks(lines, number))
        else:
            blocks.extend(_lines_to_blocks(page_text.split("\n"), number))
        if on_page:
            on_page(1)
    return blocks, len(pages), "", {}


_EXTRACTORS: dict[str, Callable[[bytes, PageCallback | None], _Extracted]] = {
    "pdf": _extract_pdf,
    "docx": _extract_docx,
    "html": _extract_html,
    "text": _extract_text,
    "markdown": lambda data, cb: _extract_text(data, cb, markdown=True),
}
