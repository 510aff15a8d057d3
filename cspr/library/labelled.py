"""The team's labelled set: fictional review excerpts with the themes a reviewer would confirm.

The split between training and test records is fixed by a hash of each record's id, so nobody chooses
which examples are easy to test on, and adding records never moves an old one between splits. Only the
training split may be used to build the detector's statistical model or to choose its weights and
threshold; the test split is read only by :mod:`cspr.library.evaluation` to report figures.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["LABELLED_FILE", "LabelledExample", "load_labelled", "split_of"]

LABELLED_FILE = Path(__file__).parent / "data" / "labelled.txt"
TRAIN_SHARE = 0.6

Split = Literal["train", "test"]


@dataclass(frozen=True, slots=True)
class LabelledExample:
    id: str
    themes: frozenset[str]
    text: str

    @property
    def split(self) -> Split:
        return split_of(self.id)


def split_of(example_id: str) -> Split:
    """'train' for about 60% of ids, 'test' for the rest, decided by SHA-256 of the id alone."""
    bucket = int.from_bytes(hashlib.sha256(example_id.encode()).digest()[:4], "big") / 2**32
    return "train" if bucket < TRAIN_SHARE else "test"


def parse_labelled(text: str) -> list[LabelledExample]:
    examples: list[LabelledExample] = []
    current_id = ""
    themes: frozenset[str] = frozenset()
    lines: list[str] = []

    def flush() -> None:
        if current_id:
            body = "\n".join(lines).strip()
            if not body or not themes:
                raise ValueError(f"labelled record {current_id} has no text or no themes")
            examples.append(LabelledExample(id=current_id, themes=themes, text=body))

    for line in text.splitlines():
        if line.startswith("## id:"):
            flush()
            current_id = line.removeprefix("## id:").strip()
            themes = frozenset()
            lines = []
        elif line.startswith("## themes:"):
            themes = frozenset(t.strip() for t in line.removeprefix("## themes:").split(",") if t.strip())
        elif line.startswith("#") and not current_id:
            continue
        elif current_id:
            lines.append(line)
    flush()
    return examples


@functools.cache
def load_labelled(split: Split | None = None, path: Path = LABELLED_FILE) -> tuple[LabelledExample, ...]:
    """The labelled records, all of them or one split."""
    examples = parse_labelled(path.read_text(encoding="utf-8"))
    if split is None:
        return tuple(examples)
    return tuple(e for e in examples if e.split == split)
