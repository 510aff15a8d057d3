"""Splitting an extracted report into passages that keep their page and heading.

A passage is the unit of search hits, theme evidence and "shared passages" between similar reviews, so it
must be long enough to read on its own (a paragraph or two) and short enough to point at one finding.
A passage never spans two pages or two sections: the citation "page 14, under *Escalation*" must be true
for every word in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from cspr.library.extract import Block

__all__ = ["Passage", "split_passages"]

TARGET_WORDS = 140
MAX_WORDS = 260

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'\u201c(])")


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of report text with where it came from."""

    index: int
    text: str
    page: int | None
    heading: str

    @property
    def word_count(self) -> int:
        return len(self.text.split())


def _split_long(text: str) -> list[str]:
    """Cut a paragraph longer than MAX_WORDS at sentence ends (or, failing that, at MAX_WORDS words)."""
    sentences = _SENTENCE_END.split(text)
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in sentences:
        words = sentence.split()
        while len(words) > MAX_WORDS:  # a "sentence" with no full stop for pages (a table dump)
            if current:
                pieces.append(" ".join(current))
                current, count = [], 0
            pieces.append(" ".join(words[:MAX_WORDS]))
            words = words[MAX_WORDS:]
        if count + len(words) > TARGET_WORDS and current:
            pieces.append(" ".join(current))
            current, count = [], 0
        current.append(" ".join(words))
        count += len(words)
    if current:
        pieces.append(" ".join(current))
    return [p for p in pieces if p.strip()]


def split_passages(blocks: Iterable[Block]) -> list[Passage]:
    """Group paragraphs into passages of about TARGET_WORDS words within one page and one section."""
    passages: list[Passage] = []
    heading = ""
    buffer: list[str] = []
    words = 0
    page: int | None = None

    def flush() -> None:
        nonlocal buffer, words
        if buffer:
            text = "\n\n".join(buffer)
            passages.append(Passage(index=len(passages), text=text, page=page, heading=heading))
        buffer = []
        words = 0

    for block in blocks:
        text = " ".join(block.text.split())
        if not text:
            continue
        if block.heading:
            flush()
            heading = text[:300]
            page = block.page
            continue
        if block.page != page:
            flush()
            page = block.page
        n = len(text.split())
        if n > MAX_WORDS:
            flush()
            for piece in _split_long(text):
                buffer, words = [piece], len(piece.split())
                flush()
            continue
        if words and words + n > MAX_WORDS:
            flush()
        buffer.append(text)
        words += n
        if words >= TARGET_WORDS:
            flush()
    flush()
    return passages
