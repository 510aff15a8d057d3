"""A small, format-neutral outline of a document: headings, text, tables.

Each document (rapid review, family letter, audit summary) is described once as a :class:`Document` of
blocks, then written out by :mod:`cspr.documents.word` and :mod:`cspr.documents.pdf`. Describing it once
keeps the Word and PDF versions in the same order with the same words, which matters because the Panel may
read one and the family's practitioner the other.

Values in blocks are still plain text; the writers escape and split them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from .text import NOT_RECORDED


@dataclass(frozen=True)
class Heading:
    """A heading. Level 0 is the document's title; 1 a section; 2 a subsection; 3 below that."""

    kind: ClassVar[str] = "heading"
    level: int
    text: str


@dataclass(frozen=True)
class Text:
    """Plain text of one or more paragraphs; ``empty`` is printed instead when there is none.

    ``label`` is printed in bold before the first paragraph ("Summary by: Named nurse").
    """

    kind: ClassVar[str] = "text"
    text: str
    empty: str = NOT_RECORDED
    label: str = ""


@dataclass(frozen=True)
class Lines:
    """Short lines kept together without paragraph spacing: an address, a signature, a reference."""

    kind: ClassVar[str] = "lines"
    lines: tuple[str, ...]
    align: Literal["left", "right"] = "left"


@dataclass(frozen=True)
class Fields:
    """A two-column table of label and value; a blank value prints :data:`NOT_RECORDED`."""

    kind: ClassVar[str] = "fields"
    caption: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row (repeated on each page) and an optional totals row.

    ``caption`` describes the table to screen readers. ``widths`` are relative column widths. With no rows
    the table is replaced by ``empty``, so a missing chronology reads "Not recorded" rather than vanishing.
    """

    kind: ClassVar[str] = "table"
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] = ()
    footer: tuple[str, ...] = ()
    empty: str = NOT_RECORDED

    def __post_init__(self) -> None:
        for row in (*self.rows, *((self.footer,) if self.footer else ())):
            if len(row) != len(self.headers):
                raise ValueError(f"a row of table {self.caption!r} has {len(row)} cells, not {len(self.headers)}")
        if self.widths and len(self.widths) != len(self.headers):
            raise ValueError(f"table {self.caption!r} has {len(self.widths)} widths for {len(self.headers)} columns")


@dataclass(frozen=True)
class PageBreak:
    kind: ClassVar[str] = "page_break"


Block = Heading | Text | Lines | Fields | Table | PageBreak


@dataclass(frozen=True)
class Document:
    """A whole document and the metadata both writers put in the file.

    ``title``, ``subject`` and ``author`` go into the file's properties, which travel with the file and are
    shown by file managers and search tools: they carry the case reference and pseudonym only, never a name,
    and ``author`` is the partnership, never a person. ``marking`` (e.g. "OFFICIAL-SENSITIVE") is printed in
    every page's header and footer.
    """

    title: str
    subject: str
    author: str
    created: dt.date
    blocks: Sequence[Block]
    marking: str = ""
    keywords: str = ""
    lang: str = "en-GB"
    landscape: bool = False
    body_size_pt: float = 11
    title_size_pt: float = 24
