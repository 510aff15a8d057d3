"""Plain-text handling shared by the Word and PDF renderers.

Content typed into the case (often pasted from Word or e-mail) can hold characters XML 1.0 forbids: Word's
manual line break (vertical tab), page breaks (form feed), stray NULs. python-docx refuses them and a PDF
would print boxes, so every string passes through :func:`clean` before either renderer sees it. Both
renderers then split text the same way (:func:`paragraphs`), so the Word and PDF versions of a document
read alike.
"""

from __future__ import annotations

import datetime as dt
import re

NOT_RECORDED = "Not recorded"

# Characters XML 1.0 does not allow (C0 controls other than tab/newline/carriage return, lone surrogates,
# and the two non-characters U+FFFE and U+FFFF).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def clean(text: str | None) -> str:
    """Return ``text`` safe for XML, with Windows and old-Mac line endings made ``\\n``.

    A vertical tab (Word's manual line break) becomes a newline and a form feed (a page break) a blank line,
    so the reader still sees the break the author made; other forbidden characters are dropped.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n\n")
    return _INVALID_XML.sub("", text)


def paragraphs(text: str | None) -> list[list[str]]:
    """Split plain text into paragraphs (at blank lines), each a list of its lines; empty text gives ``[]``."""
    result: list[list[str]] = []
    for block in _BLANK_LINE.split(clean(text)):
        lines = [line.strip() for line in block.strip().split("\n")]
        lines = [line for line in lines if line]
        if lines:
            result.append(lines)
    return result


def is_blank(text: str | None) -> bool:
    return not paragraphs(text)


def one_line(text: str | None, empty: str = NOT_RECORDED) -> str:
    """``text`` on one line (for table cells and labels that must stay short), or ``empty``."""
    joined = " ".join(" ".join(lines) for lines in paragraphs(text))
    return joined or empty


def format_date(value: dt.date | str | None, empty: str = NOT_RECORDED) -> str:
    """A date the GOV.UK way ("3 March 2026"); text dates ("Spring 2025") pass through cleaned."""
    if value is None:
        return empty
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return one_line(value, empty)
