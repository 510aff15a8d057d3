"""The theme taxonomy, loaded from ``themes.toml`` beside this module.

The taxonomy is data, not code, so that the partnership's analysts can add a cue phrase or a theme in a
reviewed change without touching the detector. Ids are permanent: confirmations, facets and statistics
refer to them.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cspr.library.text import cue_tokens

__all__ = ["THEMES_FILE", "TaxonomyError", "Theme", "load_taxonomy", "theme_ids", "theme_labels"]

THEMES_FILE = Path(__file__).with_name("themes.toml")
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class TaxonomyError(ValueError):
    """The themes file is malformed; the message names the theme and the problem."""


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    label: str
    description: str
    cues: tuple[str, ...]
    weak_cues: tuple[str, ...]

    def stemmed_cues(self) -> list[tuple[tuple[str, ...], bool]]:
        """Each distinct cue as a stemmed token sequence, with True for a strong cue."""
        return [(tokens, strong) for tokens, strong, _ in self.cue_entries()]

    def cue_entries(self) -> list[tuple[tuple[str, ...], bool, str]]:
        """(stemmed tokens, strong, the phrase as written) for each distinct cue.

        Spellings that stem alike ("bruise", "bruising") are one cue: otherwise one word in a report would
        count once per spelling listed, and a theme would score higher for having more inflections in
        the file rather than more evidence in the text. The first spelling listed names it.
        """
        out: list[tuple[tuple[str, ...], bool, str]] = []
        seen: set[tuple[str, ...]] = set()
        for phrases, strong in ((self.cues, True), (self.weak_cues, False)):
            for phrase in phrases:
                tokens = tuple(cue_tokens(phrase)[1])
                if tokens and tokens not in seen:
                    seen.add(tokens)
                    out.append((tokens, strong, phrase))
        return out


def _parse(data: dict[str, Any]) -> tuple[Theme, ...]:  # tomllib's parse of themes.toml
    themes: list[Theme] = []
    seen: set[str] = set()
    for index, raw in enumerate(data.get("theme", [])):
        theme_id = str(raw.get("id", ""))
        where = f"theme {index + 1} ({theme_id or 'no id'})"
        if not _ID_RE.match(theme_id):
            raise TaxonomyError(f"{where}: id must be lower-case words joined by hyphens")
        if theme_id in seen:
            raise TaxonomyError(f"{where}: duplicate id")
        seen.add(theme_id)
        label = str(raw.get("label", "")).strip()
        description = str(raw.get("description", "")).strip()
        cues = tuple(str(c).strip() for c in raw.get("cues", []) if str(c).strip())
        weak = tuple(str(c).strip() for c in raw.get("weak_cues", []) if str(c).strip())
        if not label or not description:
            raise TaxonomyError(f"{where}: label and description are required")
        if not cues:
            raise TaxonomyError(f"{where}: at least one cue phrase is required")
        # A strong and a weak cue that stem alike ("recording" and "recorded" are both "record") cannot be
        # told apart in a text, so the file would be saying two things about the same word.
        strong_stems = {tuple(cue_tokens(c)[1]): c for c in cues}
        for phrase in weak:
            clash = strong_stems.get(tuple(cue_tokens(phrase)[1]))
            if clash is not None:
                raise TaxonomyError(
                    f"{where}: weak cue {phrase!r} and strong cue {clash!r} are the same once stemmed; keep one"
                )
        themes.append(Theme(id=theme_id, label=label, description=description, cues=cues, weak_cues=weak))
    if not themes:
        raise TaxonomyError("the taxonomy has no themes")
    return tuple(themes)


@functools.cache
def load_taxonomy(path: Path = THEMES_FILE) -> tuple[Theme, ...]:
    """All themes in file order (the order pages list them in)."""
    with path.open("rb") as handle:
        return _parse(tomllib.load(handle))


def theme_ids() -> list[str]:
    return [t.id for t in load_taxonomy()]


def theme_labels() -> dict[str, str]:
    return {t.id: t.label for t in load_taxonomy()}
