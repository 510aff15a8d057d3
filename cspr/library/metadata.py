"""Report metadata: from a catalogue CSV when one is given, else read from the document itself.

The vocabularies (nations, review types, age bands, nature of harm) are fixed lists so that facets and
statistics count like with like; free text from a CSV is mapped onto them and anything unrecognised is
kept as "other"/blank rather than guessed.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections import Counter
from dataclasses import dataclass, fields, replace
from pathlib import Path

__all__ = [
    "AGE_BANDS",
    "HARMS",
    "NATIONS",
    "REVIEW_TYPES",
    "MetadataError",
    "ReportMetadata",
    "guess_metadata",
    "load_metadata_csv",
    "normalise_age_band",
    "normalise_harm",
    "normalise_nation",
    "normalise_review_type",
]

NATIONS: dict[str, str] = {
    "england": "England",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
}
REVIEW_TYPES: dict[str, str] = {
    "lcspr": "Local child safeguarding practice review",
    "national": "National child safeguarding practice review",
    "scr": "Serious case review",
    "rapid-review": "Rapid review",
    "learning-review": "Multi-agency learning review",
    "child-practice-review": "Child practice review (Wales)",
    "single-unified": "Single unified safeguarding review (Wales)",
    "scotland-learning-review": "Learning review (Scotland)",
    "case-management-review": "Case management review (Northern Ireland)",
    "sar": "Safeguarding adults review",
    "dhr": "Domestic homicide review",
    "other": "Other",
}
AGE_BANDS: dict[str, str] = {
    "under-1": "Under 1",
    "1-5": "1 to 5",
    "6-10": "6 to 10",
    "11-15": "11 to 15",
    "16-17": "16 to 17",
    "18-plus": "18 and over",
}
HARMS: dict[str, str] = {
    "death": "Death",
    "serious-harm": "Serious harm",
    "other": "Other (including near misses and good practice)",
}


class MetadataError(ValueError):
    """The metadata CSV cannot be used; the message names the row and column."""


@dataclass(frozen=True, slots=True)
class ReportMetadata:
    title: str = ""
    publisher: str = ""
    nation: str = ""
    year: int | None = None
    review_type: str = ""
    child: str = ""
    age_band: str = ""
    harm: str = ""
    reviewer: str = ""
    source_url: str = ""
    published_on: str = ""  # ISO date when known; retention counts from it
    available_until: str = ""  # ISO date: this report's own end of availability, instead of the global rule

    def merged_over(self, fallback: ReportMetadata) -> ReportMetadata:
        """These values, with blanks filled from ``fallback`` (CSV values win over guesses)."""
        values = {}
        for f in fields(self):
            mine = getattr(self, f.name)
            values[f.name] = mine if mine not in ("", None) else getattr(fallback, f.name)
        return replace(self, **values)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def normalise_nation(value: str) -> str:
    k = _key(value)
    if not k:
        return ""
    for code, label in NATIONS.items():
        if k in {code.replace("-", " "), _key(label)}:
            return code
    if k in {"ni", "n ireland"}:
        return "northern-ireland"
    if k in {"uk", "united kingdom"}:
        return ""
    return ""


_REVIEW_TYPE_WORDS: list[tuple[str, str]] = [
    ("local child safeguarding practice review", "lcspr"),
    ("lcspr", "lcspr"),
    ("cspr", "lcspr"),
    ("national review", "national"),
    ("national child safeguarding practice review", "national"),
    ("serious case review", "scr"),
    ("scr", "scr"),
    ("rapid review", "rapid-review"),
    ("learning review scotland", "scotland-learning-review"),
    ("learning review", "learning-review"),
    ("child practice review", "child-practice-review"),
    ("single unified", "single-unified"),
    ("case management review", "case-management-review"),
    ("safeguarding adults review", "sar"),
    ("sar", "sar"),
    ("domestic homicide review", "dhr"),
    ("domestic abuse related death review", "dhr"),
    ("dhr", "dhr"),
]


def normalise_review_type(value: str) -> str:
    k = _key(value)
    if not k:
        return ""
    if k.replace(" ", "-") in REVIEW_TYPES:
        return k.replace(" ", "-")
    for words, code in _REVIEW_TYPE_WORDS:
        if words in k:
            return code
    return "other"


def normalise_age_band(value: str) -> str:
    """ "2 months", "under 1", "aged 14", "1-5" -> a band code."""
    k = _key(value)
    if not k:
        return ""
    if k.replace(" ", "-") in AGE_BANDS:
        return k.replace(" ", "-")
    if any(w in k for w in ("under 1", "infant", "baby", "month", "week", "newborn", "day old")):
        return "under-1"
    match = re.search(r"\d+", k)
    if not match:
        return ""
    return age_to_band(int(match.group()))


def age_to_band(age: int) -> str:
    if age < 1:
        return "under-1"
    if age <= 5:
        return "1-5"
    if age <= 10:
        return "6-10"
    if age <= 15:
        return "11-15"
    if age <= 17:
        return "16-17"
    return "18-plus"


def normalise_harm(value: str) -> str:
    k = _key(value)
    if not k:
        return ""
    if k.replace(" ", "-") in HARMS:
        return k.replace(" ", "-")
    if any(w in k for w in ("death", "died", "dead", "fatal", "killed", "murder", "suicide")):
        return "death"
    if any(w in k for w in ("serious", "harm", "injur", "abuse")):
        return "serious-harm"
    return "other"


_CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "file": ("file", "filename", "file name", "path", "source", "document"),
    "title": ("title",),
    "publisher": ("publisher", "partnership", "organisation", "author organisation"),
    "nation": ("nation", "country"),
    "year": ("year", "publication year", "year published"),
    "review_type": ("review type", "type", "review_type", "method"),
    "child": ("child", "child pseudonym", "pseudonym", "child_pseudonym"),
    "age_band": ("age band", "age", "age_band"),
    "harm": ("harm", "nature of harm", "nature_of_harm", "outcome"),
    "reviewer": ("reviewer", "author", "lead reviewer"),
    "source_url": ("url", "source url", "source address", "link", "source_url"),
    "published_on": ("published", "published on", "publication date", "date", "published_on"),
    "available_until": ("available until", "available_until", "retain until", "keep until"),
}


def _is_iso_date(value: str) -> bool:
    """YYYY-MM-DD and a real day (2026-02-30 is refused here, with its row, not later at ingest)."""
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def load_metadata_csv(path: Path) -> dict[str, ReportMetadata]:
    """Rows keyed by file name (and by relative path as written); the ``file`` column is required."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise MetadataError(f"{path}: cannot read the metadata file ({exc})") from exc
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames:
        raise MetadataError(f"{path}: the metadata file is empty")
    mapping: dict[str, str] = {}
    for name in reader.fieldnames:
        k = _key(name).replace("_", " ")
        for field_name, aliases in _CSV_COLUMNS.items():
            if k in {_key(a) for a in aliases} and field_name not in mapping.values():
                mapping[name] = field_name
                break
    if "file" not in mapping.values():
        raise MetadataError(f"{path}: a 'file' column naming each report's file is required")
    rows: dict[str, ReportMetadata] = {}
    for line, row in enumerate(reader, start=2):
        values = {mapping[k]: (v or "").strip() for k, v in row.items() if k in mapping}
        file_name = values.pop("file", "")
        if not file_name:
            raise MetadataError(f"{path}, row {line}: the file column is blank")
        year: int | None = None
        if values.get("year"):
            try:
                year = int(values["year"][:4])
            except ValueError as exc:
                raise MetadataError(f"{path}, row {line}: year {values['year']!r} is not a year") from exc
        published = values.get("published_on", "")
        if published and not re.match(r"^\d{4}-\d{2}-\d{2}$", published):
            raise MetadataError(f"{path}, row {line}: published date {published!r} must be YYYY-MM-DD")
        if year is None and published:
            year = int(published[:4])
        available_until = values.get("available_until", "")
        if available_until and not _is_iso_date(available_until):
            raise MetadataError(
                f"{path}, row {line}: available-until date {available_until!r} must be a date as YYYY-MM-DD"
            )
        meta = ReportMetadata(
            title=values.get("title", ""),
            publisher=values.get("publisher", ""),
            nation=normalise_nation(values.get("nation", "")),
            year=year,
            review_type=normalise_review_type(values.get("review_type", "")),
            child=values.get("child", ""),
            age_band=normalise_age_band(values.get("age_band", "")),
            harm=normalise_harm(values.get("harm", "")),
            reviewer=values.get("reviewer", ""),
            source_url=values.get("source_url", ""),
            published_on=published,
            available_until=available_until,
        )
        rows[file_name] = meta
        rows.setdefault(Path(file_name).name, meta)
    return rows


_PARTNERSHIP_RE = re.compile(
    r"\b((?:[A-Z][A-Za-z&'\-]+\s){1,6}(?:Safeguarding Children(?:'s)? (?:Partnership|Board)|"
    r"Safeguarding Partnership|Children Safeguarding Partnership|Safeguarding Children Partnership))"
)
_CHILD_RE = re.compile(r"\b((?:Child|Baby|Children|Sibling Group|Family)\s+[A-Z][A-Za-z0-9]{0,2})\b")
_YEAR_RE = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_AGE_RE = re.compile(r"\b(?:aged|age of|was)\s+(\d{1,2})\s*(years?|months?|weeks?|days?)(?:[- ]old)?", re.IGNORECASE)
_REVIEWER_RE = re.compile(
    r"(?i:independent (?:lead )?reviewer|lead reviewer|author|written by)\s*(?:was|is|:)?\s*"
    r"((?:Dr\.? +|Professor +)?[A-Z][a-z]+(?: +[A-Z][a-z'\-]+){1,2})"
)


def guess_metadata(text: str, *, title: str = "") -> ReportMetadata:
    """Best guesses from the report's own words (the first pages say most of it); blanks when unsure."""
    head = text[:15000]
    publisher = ""
    match = _PARTNERSHIP_RE.search(head)
    if match:
        publisher = " ".join(match.group(1).split())
    child = ""
    match = _CHILD_RE.search(title) or _CHILD_RE.search(head)
    if match:
        child = match.group(1)
    years = Counter(int(y) for y in _YEAR_RE.findall(head[:4000]))
    year = max(years) if years else None
    lowered = head.lower()
    review_type = ""
    for words, code in _REVIEW_TYPE_WORDS:
        if len(words) > 4 and words in lowered:
            review_type = code
            break
    nation = ""
    if "wales" in lowered or "child practice review" in lowered:
        nation = "wales"
    elif "scotland" in lowered or "care inspectorate" in lowered:
        nation = "scotland"
    elif "northern ireland" in lowered:
        nation = "northern-ireland"
    elif review_type in {"lcspr", "national", "scr"} or "england" in lowered:
        nation = "england"
    age_band = ""
    match = _AGE_RE.search(head)
    if match:
        unit = match.group(2).lower()
        age_band = "under-1" if not unit.startswith("year") else age_to_band(int(match.group(1)))
    harm = ""
    if re.search(r"\b(died|death of|was killed|murdered|took (?:her|his|their) own life)\b", lowered):
        harm = "death"
    elif re.search(r"\b(serious(?:ly)? (?:harm|injur)|life[- ]changing)", lowered):
        harm = "serious-harm"
    reviewer = ""
    match = _REVIEWER_RE.search(head)
    if match:
        reviewer = match.group(1)
    return ReportMetadata(
        title=title,
        publisher=publisher,
        nation=nation,
        year=year,
        review_type=review_type,
        child=child,
        age_band=age_band,
        harm=harm,
        reviewer=reviewer,
    )
