"""The published review report: the redacted text of a signed-off report, written out by cspr (DOMAIN.md step 10).

Issue 14: the report the public reads is produced from the redacted text, never the uploaded file, so what a
person took out during redaction cannot survive in a hidden layer, a comment or the file's properties. The
cover says whose review it is, who wrote it and when it was published, which the public page repeats.

Working Together 2023 ch.5 lets a partnership publish only the improvements to be made when publishing the
full report would not be appropriate; such a publication says so on its cover.

Render-only, like the rest of :mod:`cspr.documents`: the blocks are any objects with ``kind``, ``text`` and
``level`` (the redaction engine's blocks fit), so this package needs nothing from the review app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from .blocks import Block, Document, Heading, Lines, Text
from .pdf import render_pdf
from .text import clean, format_date, one_line
from .word import render_docx

__all__ = [
    "IMPROVEMENTS_ONLY_NOTE",
    "ReportBlock",
    "published_report_document",
    "render_published_report",
    "render_published_report_docx",
]

#: Printed on the cover of an improvements-only publication (Working Together 2023 ch.5).
IMPROVEMENTS_ONLY_NOTE = (
    "This publication sets out the improvements to be made following the review. The full report has not "
    "been published."
)


class ReportBlock(Protocol):
    """A heading (``kind`` "heading", ``level`` 1 a section, 2 a subsection) or a paragraph of the report."""

    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def level(self) -> int: ...


def published_report_document(
    *,
    title: str,
    partnership: str,
    reviewer: str,
    published_on: dt.date,
    blocks: Sequence[ReportBlock],
    improvements_only: bool = False,
) -> Document:
    """The published report as a format-neutral outline (shared by the PDF and Word writers).

    The file's properties carry the title and the partnership only: the author property is the partnership,
    never a person (see :class:`~cspr.documents.blocks.Document`).
    """
    cover: list[str] = [f"Reviewer: {one_line(reviewer)}", f"Published {format_date(published_on)}"]
    outline: list[Block] = [
        Text(one_line(partnership, ""), empty=""),
        Heading(0, one_line(title)),
        Lines(tuple(cover)),
    ]
    if improvements_only:
        outline.append(Text(IMPROVEMENTS_ONLY_NOTE))
    for index, block in enumerate(blocks):
        text = clean(block.text).strip()
        if not text:
            continue  # an empty block would print "Not recorded" in a public report
        if index == 0 and block.kind == "heading" and one_line(text).casefold() == one_line(title).casefold():
            continue  # the report's own title line, already on the cover
        if block.kind == "heading":
            # Sections and subsections only: level 0 is the report's own title on the cover.
            outline.append(Heading(max(1, min(block.level, 3)), one_line(text)))
        else:
            outline.append(Text(text))
    kind = "Improvements to be made" if improvements_only else "Child safeguarding practice review"
    return Document(
        title=one_line(title),
        subject=f"{kind}, published {format_date(published_on)}",
        author=one_line(partnership, ""),
        created=published_on,
        blocks=outline,
        keywords="child safeguarding practice review",
    )


def render_published_report(
    *,
    title: str,
    partnership: str,
    reviewer: str,
    published_on: dt.date,
    blocks: Sequence[ReportBlock],
    improvements_only: bool = False,
) -> bytes:
    """The published report as a tagged PDF."""
    return render_pdf(
        published_report_document(
            title=title,
            partnership=partnership,
            reviewer=reviewer,
            published_on=published_on,
            blocks=blocks,
            improvements_only=improvements_only,
        )
    )


def render_published_report_docx(
    *,
    title: str,
    partnership: str,
    reviewer: str,
    published_on: dt.date,
    blocks: Sequence[ReportBlock],
    improvements_only: bool = False,
) -> bytes:
    """The published report as a Word document, with Word's own heading styles."""
    return render_docx(
        published_report_document(
            title=title,
            partnership=partnership,
            reviewer=reviewer,
            published_on=published_on,
            blocks=blocks,
            improvements_only=improvements_only,
        )
    )
