"""Finding personal data in a review report before it is published, and taking it out (DOMAIN.md step 10).

A published review speaks of "Child Q", never of the child. Before a report is published its text is checked
in three passes, in the order issue 14 sets, and every finding is shown in its sentence for a person to accept
or reject; nothing is removed without that decision:

1. the identifiers the case itself holds (names and other names, dates of birth in any written form, family
   members, addresses, school, references), each with its replacement from the case's pseudonym register;
2. UK patterns: postcodes, phone numbers, NHS numbers (valid check digit only), national insurance numbers,
   e-mail addresses and full dates that could be a birth date;
3. names the case does not hold: a small built-in name finder, and a spaCy named-entity recogniser where the
   ``[nlp]`` extra is installed (:func:`spacy_name_finder`).

Where findings overlap, one span wins: case identifiers over patterns over names, then the longer span. The
module is pure (no Django, no database) so the same engine runs in the service, the API and the tests, and
the published PDF is written from :func:`redact`'s output by :mod:`cspr.documents.published_report`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cspr.library.extract import ExtractionError, extract_bytes, looks_like_heading

__all__ = [
    "NAME_CATEGORIES",
    "Block",
    "Finding",
    "Identifier",
    "NameFinder",
    "NotRedactable",
    "blocks_from_file",
    "blocks_from_text",
    "find_names",
    "find_personal_data",
    "nhs_number_is_valid",
    "redact",
    "spacy_name_finder",
]

BlockKind = Literal["heading", "paragraph"]
Source = Literal["case", "pattern", "names"]

#: Identifier categories that hold a person's name: matched in full and part by part.
NAME_CATEGORIES = frozenset({"name", "other_name", "family_member"})


@dataclass(frozen=True)
class Identifier:
    """Something the case itself holds about a person, with its replacement from the pseudonym register.

    ``category`` is one of "name", "other_name", "date_of_birth", "family_member", "address", "school",
    "reference" or "other"; a date of birth is given in ISO form ("2019-03-03").
    """

    category: str
    value: str
    replacement: str


@dataclass(frozen=True)
class Block:
    """One heading or paragraph of the report, in reading order. Headings: level 1 a section, 2 a subsection."""

    kind: BlockKind
    text: str
    level: int = 1


@dataclass(frozen=True)
class Finding:
    """A span of one block that may be personal data, for a person to accept or reject.

    ``key`` is stable for the same text and the same check, so a decision recorded against it can be matched
    to the finding again. ``sentence`` is the sentence it was found in, whitespace collapsed.
    """

    key: str
    block: int
    start: int
    end: int
    text: str
    category: str
    source: Source
    replacement: str
    sentence: str


class NotRedactable(Exception):
    """The report cannot be checked this way; ``reason`` says why in plain English.

    Issue 14: such a PDF can only be published as it is, with a named person's declaration.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


#: A name finder takes a block's text and returns the (start, end) spans of people's names in it.
NameFinder = Callable[[str], Iterable[tuple[int, int]]]


# --- Turning a report into blocks ------------------------------------------------------------------------

_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_HEADING_MAX_CHARS = 80
_HEADING_MAX_WORDS = 10


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_like_heading(line: str, *, alone: bool) -> bool:
    """Whether a typed line is a heading: short and without closing punctuation.

    A line standing alone between blank lines needs nothing more. The first line of a longer paragraph must
    also look like a heading on its face, by the library's rule for text without markup (numbered, all capitals
    or Title Case), so that a hard-wrapped sentence's first line is not taken for one.
    """
    stripped = line.strip()
    words = stripped.split()
    if not (2 <= len(stripped) <= _HEADING_MAX_CHARS) or len(words) > _HEADING_MAX_WORDS:
        return False
    if stripped.endswith((".", ",", ";", ":", "?", "!")) or not any(c.isalpha() for c in stripped):
        return False
    return alone or looks_like_heading(stripped)


_LIST_ITEM = re.compile(r"^(?:[-*\u2022]|\d{1,2}[.)]|[a-z][.)])\s")


def _close_paragraph(blocks: list[Block], body: list[str]) -> None:
    """A paragraph from its lines: hard-wrapped lines (text pasted from an e-mail or a PDF) join into one
    line of prose, while each item of a list keeps its own line."""
    if body:
        text = body[0]
        for line in body[1:]:
            text += ("\n" if _LIST_ITEM.match(line) else " ") + line
        blocks.append(Block("paragraph", text))
        body.clear()


def blocks_from_text(text: str) -> list[Block]:
    """Blocks from report text typed or pasted into the service.

    Paragraphs are separated by blank lines; within one, wrapped lines are joined and list items keep their
    lines. A Markdown ``#`` line, a short line on its own with no closing full stop, or a
    heading-like first line of a paragraph becomes a heading.
    """
    blocks: list[Block] = []
    for chunk in _BLANK_LINE.split(_normalise_newlines(text)):
        lines = [line.strip() for line in chunk.split("\n")]
        lines = [line for line in lines if line]
        body: list[str] = []
        for index, line in enumerate(lines):
            match = _MARKDOWN_HEADING.match(line)
            if match:
                _close_paragraph(blocks, body)
                blocks.append(Block("heading", match.group(2), level=min(len(match.group(1)), 3)))
            elif not body and _looks_like_heading(line, alone=index == len(lines) - 1):
                blocks.append(Block("heading", line, level=1))
            else:
                body.append(line)
        _close_paragraph(blocks, body)
    return blocks


def _decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def blocks_from_file(name: str, data: bytes) -> list[Block]:
    """Blocks from a signed-off report file: Word keeps its headings and paragraphs, a PDF gives its text.

    Reading is :func:`cspr.library.extract.extract_bytes`, the same reader the library uses for published
    reports. Anything that gives no usable text (an empty file, a scanned PDF with no text layer, a password)
    raises :class:`NotRedactable` with a reason a business manager can act on.
    """
    suffix = Path(name).suffix.lower()
    if not data:
        raise NotRedactable("the file is empty")
    if suffix in (".txt", ".md"):
        if b"\x00" in data[:4096]:
            raise NotRedactable("the file is binary, not text")
        blocks = blocks_from_text(_decode_text(data))
        if not blocks:
            raise NotRedactable("the file contains no readable text")
        return blocks
    try:
        document = extract_bytes(data, name=name)
    except ExtractionError as exc:
        reason = str(exc)
        if "no text layer" in reason:
            reason = (
                "the PDF has no text layer (probably a scanned image), so its text cannot be checked for personal data"
            )
        raise NotRedactable(reason) from exc
    result: list[Block] = []
    for block in document.blocks:
        text = block.text.strip()
        if not text:
            continue
        if block.heading:
            result.append(Block("heading", " ".join(text.split()), level=max(1, min(block.level or 1, 3))))
        else:
            result.append(Block("paragraph", text))
    if not result:
        raise NotRedactable("the file contains no readable text")
    return result


def _words(text: str) -> frozenset[str]:
    """A word list written as text, one space between words, for the built-in lists below."""
    return frozenset(text.split())


def _words_in_order(text: str) -> list[str]:
    return text.split()


# --- Dates -----------------------------------------------------------------------------------------------

_MONTH_LIST = _words_in_order("january february march april may june july august september october november december")
_MONTHS: dict[str, int] = {name: number for number, name in enumerate(_MONTH_LIST, start=1)}
_MONTHS |= {name[:3]: number for name, number in list(_MONTHS.items())}
_MONTHS["sept"] = 9
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th)?"

# Full dates only (day, month and year): "Mar 2019" says too little to identify anyone. Day first for
# numeric dates, as written in England.
_DATE_RE = re.compile(
    r"(?<![\w/.\-])(?:"
    rf"(?P<d1>\d{{1,2}}){_ORDINAL}(?:\s+of)?\s+(?P<m1>{_MONTH_NAMES})\.?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTH_NAMES})\.?\s+(?P<d2>\d{{1,2}}){_ORDINAL},?\s+(?P<y2>\d{{4}})"
    r"|(?P<d3>\d{1,2})(?P<sep>[/.\-])(?P<m3>\d{1,2})(?P=sep)(?P<y3>\d{4}|\d{2})"
    r"|(?P<y4>\d{4})-(?P<m4>\d{1,2})-(?P<d4>\d{1,2})"
    r")(?![\w/\-]|\.\d)",
    re.IGNORECASE,
)


def _date_parts(match: re.Match[str]) -> tuple[int, int, int, bool] | None:
    """(year, month, day, two_digit_year) of a matched date, or None when it is no real date."""
    groups = match.groupdict()
    for index in "1234":
        if groups[f"d{index}"] is None:
            continue
        month_text = groups[f"m{index}"]
        month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
        year_text = groups[f"y{index}"]
        day = int(groups[f"d{index}"])
        short = len(year_text) == 2
        year = 2000 + int(year_text) if short else int(year_text)
        try:
            dt.date(year, month, day)
        except ValueError:
            return None
        return year, month, day, short
    return None


def _same_date(parts: tuple[int, int, int, bool], value: dt.date) -> bool:
    year, month, day, short = parts
    if (month, day) != (value.month, value.day):
        return False
    return year % 100 == value.year % 100 if short else year == value.year


# --- UK patterns -----------------------------------------------------------------------------------------

# The full UK format (BS 7666): outward code, optional space, inward code; letters that are never used in a
# given position are left out, which keeps ordinary words and numbers from matching.
_POSTCODE_RE = re.compile(
    r"(?<![\w])(?:GIR ?0AA|[A-PR-UWYZ](?:\d[\dA-HJKPSTUW]?|[A-HK-Y]\d[\dABEHMNPRV-Y]?) ?\d[ABD-HJLNP-UW-Z]{2})(?!\w)",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"(?<![\w.+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}(?!\w)")
# Plain, or grouped 3-3-4 with the same separator throughout, as the NHS prints it.
_NHS_RE = re.compile(r"(?<![\w\-])\d{3}(?P<sep>[ \-]?)\d{3}(?P=sep)\d{4}(?![\w]|-\d)")
# HMRC: first letter not D, F, I, Q, U or V; second not D, F, I, O, Q, U or V; prefixes BG, GB, KN, NK, NT,
# TN and ZZ never issued; suffix A to D.
_NI_RE = re.compile(
    r"(?<![\w])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?!\w)",
    re.IGNORECASE,
)
# A UK number in national (0...) or international (+44 / 0044, with an optional "(0)") form, in groups
# separated by single spaces, hyphens or a closing bracket. The digit count is checked afterwards.
_PHONE_RE = re.compile(
    r"(?<![\w+(])(?:(?P<intl>(?:\+|00)44[ \-]?(?:\(0\)[ \-]?)?)|(?P<nat>\(?0))"
    r"(?P<body>\d+(?:(?:\)[ \-]?|[ \-])\d+)*)"
)


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check: weights 10 to 2 over the first nine digits; 11 - remainder is the
    tenth digit (11 means 0; 10 means the number was never issued)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _phone_span(match: re.Match[str]) -> tuple[int, int] | None:
    """The span of a real UK phone number in a candidate, or None.

    UK numbers have 10 or 11 digits with the leading 0, and the digit after it is 1, 2, 3, 5, 7, 8 or 9. A
    candidate that runs on into another number ("0113 496 0000 2019") is cut at the last group that gives
    a valid length. Years, counts and dates never start with 0 followed by enough digits, so they do not match.
    """
    body = match.group("body")
    digits_before = 1  # the national 0, written or implied by +44
    if body[0] not in "1235789":
        return None
    best_end: int | None = None
    count = digits_before
    for run in re.finditer(r"\d+", body):
        count += len(run.group())
        if count > 11:
            break
        if count in (10, 11):
            best_end = match.start("body") + run.end()
    if best_end is None:
        return None
    return match.start(), best_end


# --- Names the case does not hold ------------------------------------------------------------------------

# Common given names in England and Wales across backgrounds (ONS baby-name lists, older generations and
# the languages most spoken in English schools). Names that are also everyday words (Will, May, Hope) are
# left out: a capitalised "May" starts too many sentences.
GIVEN_NAMES = _words(
    """
    Aaliyah Aaron Abdul Abena Adam Adaeze Ade Ahmed Aidan Aisha Alan Alexander Alfie Ali Alice Alicja Amanda
    Amara Amelia Amina Amir Amy Andre Andrea Andrei Andrew Angela Angus Anjali Anna Anthony Archie Arjun Arlo
    Arthur Ava Ayaan Barbara Benjamin Bethan Bilal Bradley Brian Callum Caitlin Carl Carol Catherine Cerys
    Charlie Charlotte Chelsea Chidi Chioma Chloe Christine Christopher Ciara Ciaran Claire Colin Connor Courtney
    Craig Dafydd Daniel Danielle Darren David Dean Deborah Declan Deepa Dennis Donna Dylan Edward Eilidh Elena
    Elijah Elizabeth Ella Ellie Elsie Emeka Emilia Emily Emma Ethan Eva Evelyn Evie Fatima Finley Florence
    Freddie Freya Gareth Gary Gemma George Graham Gurpreet Hafsa Hamish Hamza Hannah Harpreet Harrison Harry
    Harvey Hassan Helen Henry Hussain Ian Ibrahim Inaya Ioana Isaac Isabella Isabelle Isla Ivy Jacob Jada
    Jakub James Jamal Jamie Jane Janet Jasmine Jaspreet Jason Jennifer Jenny Jessica Joanne John Jordan
    Joseph Joshua Julia Julie Kacper Karen Katie Kayleigh Keisha Kelly Kevin Khadija Kieran Kirsty Kofi Kwame
    Kyle Laura Lauren Layla Leah Leo Lewis Liam Lily Linda Lisa Logan Louie Louise Lucas Lucy Luke Maja
    Margaret Maria Marcus Martin Mary Maryam Mason Mateusz Matilda Matthew Megan Mia Michael Michelle
    Millie Mohammad Mohammed Muhammad Natalia Natalie Nathan Neha Neil Ngozi Niamh Nicola Noah Noor Olivia
    Oliwia Oliver Olu Omar Oscar Owen Patricia Patrick Paul Peter Phoebe Piotr Priya Rachel Raj Ravi Rayan
    Rebecca Reuben Rhys Richard Riley Robert Rohan Rory Ryan Samantha Samuel Sanjay Sarah Scarlett Sean
    Sebastian Seren Shane Shannon Shanice Sharon Sienna Simon Simran Siobhan Sofia Sophia Sophie Stacey
    Stephen Steven Susan Szymon Teddy Theo Theodore Thomas Tia Tomasz Tracey Tunde Tyler Tyrone Victoria
    Wayne William Yusuf Zain Zainab Zara Zoe Zuzanna
    """
)

_TITLES = "Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Rev|Revd|Reverend|Cllr|PC|DC|DS|DI|Sgt|Sergeant|Insp|Inspector"
_TITLE_WORDS = frozenset(_TITLES.split("|"))
_CAPITALISED = r"(?:Mc|Mac|O['\u2019])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_TITLE_NAME_RE = re.compile(
    rf"(?<![\w])(?:{_TITLES})\.?\s+(?:[A-Z]\.?\s+){{0,2}}(?P<first>{_CAPITALISED})"
    rf"(?:\s+(?!(?:{_TITLES})\b)(?P<second>{_CAPITALISED}))?(?!\w)"
)
_GIVEN_NAME_RE = re.compile(
    rf"(?<![\w])(?P<first>{'|'.join(sorted(GIVEN_NAMES, key=len, reverse=True))})\s+(?P<second>{_CAPITALISED})(?!\w)"
)

# Words that follow a name-like word in a report without being a surname: agencies, places, calendar words.
_NOT_SURNAMES = _words(
    """
    academy act agency ambulance authority board care centre children church clinic college committee
    council court department family foundation group health hospital house impact nhs nursery office panel
    partnership plan police practice primary report review road safeguarding school service services social
    street surgery team trust unit university ward
    avenue bridge close crescent drive gardens lane library line park place square station terrace way
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    """
)


# Given names that are also words a sentence may start with ("Will the agencies...", "Grace periods...").
_WORDS_FIRST = _words(
    "amber april august bill dawn faith frank grace holly hope iris jack jade joy june mark may penny rose ruby sky "
    "summer will"
)


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?:;\n\"'\u201c\u2018(" or before.endswith("\u2022")


def find_names(text: str) -> list[tuple[int, int]]:
    """The built-in name finder: a title and a name ("Mr Smith", "Dr Patel", "Mrs A Jones"), or a common
    given name followed by a capitalised word ("Sarah Jones"), never an agency, a month or a day."""
    spans: list[tuple[int, int]] = []
    for match in _TITLE_NAME_RE.finditer(text):
        first, second = match.group("first"), match.group("second")
        if first.lower() in _NOT_SURNAMES or first in _TITLE_WORDS:
            continue
        takes_second = second is not None and second.lower() not in _NOT_SURNAMES and second not in _TITLE_WORDS
        spans.append((match.start(), match.end("second") if takes_second else match.end("first")))
    # Overlapping pairs are all looked at ("Emma Sarah Jones" gives "Emma Sarah" and "Sarah Jones") and
    # joined below into one name.
    position = 0
    while pair := _GIVEN_NAME_RE.search(text, position):
        second = pair.group("second")
        if second.lower() not in _NOT_SURNAMES and second not in _TITLE_WORDS:
            spans.append((pair.start(), pair.end()))
        position = pair.start("second")
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def spacy_name_finder(model: str = "en_core_web_sm") -> NameFinder | None:
    """A name finder on a spaCy English pipeline's PERSON entities, or None when spaCy or the model is not
    installed (the optional ``[nlp]`` extra). Loaded by name, so nothing is fetched at run time."""
    try:
        spacy = importlib.import_module("spacy")
        nlp = spacy.load(model, exclude=["lemmatizer"])
    except (ImportError, OSError):
        return None

    def finder(text: str) -> list[tuple[int, int]]:
        return [(ent.start_char, ent.end_char) for ent in nlp(text).ents if ent.label_ == "PERSON"]

    return finder


# --- The case's own identifiers --------------------------------------------------------------------------

# Where an identifier may start and end: not inside a word, and not inside an e-mail address, which the
# e-mail pattern takes whole. An apostrophe may follow, so "Jane's" gives "Child Q's".
_START = r"(?<![\w@])(?<!\w\.)"
_END = r"(?![\w@]|\.\w)"

# Name parts that are also everyday words: an all-lowercase "will" or "brown" in the text is that word.
_EVERYDAY_WORDS = _words(
    """
    amber april august baker bell bill black brook brown bush butcher carpenter cook dawn day faith fisher
    frank gold grace green hall hill holly hope hunter iris jack jade joy june king lane long mark marsh mason
    may miller moon page park pearl penny poppy price rich rose ruby shepherd short sky smith star stone
    summer taylor turner walker ward white will wood young
    """
)


def _flexible(value: str) -> str:
    """A pattern for ``value`` that tolerates any run of whitespace (a line break, a double space) and an
    optional comma between its words."""
    tokens = re.findall(r"[^\s,]+", value)
    return r"(?:\s*,\s*|\s+)".join(re.escape(token) for token in tokens)


def _name_variants(value: str) -> list[str]:
    """The full name, its runs of two or more words and first-plus-last ("Jane Smith" for "Jane Amelia
    Smith"), so a name is one finding, then each part of three or more letters on its own (issue 14)."""
    words = value.split()
    variants = [" ".join(words)]
    for length in range(len(words) - 1, 1, -1):
        variants += [" ".join(words[i : i + length]) for i in range(len(words) - length + 1)]
    if len(words) > 2:
        variants.append(f"{words[0]} {words[-1]}")
    for word in words:
        pieces = [word, *word.split("-")] if "-" in word else [word]
        variants += [piece.strip(".,") for piece in pieces if sum(c.isalpha() for c in piece) >= 3]
    unique: list[str] = []
    for variant in variants:
        if variant and variant.lower() not in (u.lower() for u in unique):
            unique.append(variant)
    return unique


def _address_parts(value: str) -> list[str]:
    """The full address, its street line, the street without the house number, and its postcode."""
    text = " ".join(_normalise_newlines(value).replace("\n", ", ").split())
    parts = [text]
    lines = [line.strip() for line in text.split(",") if line.strip()]
    street = lines[0] if lines else text
    if len(lines) > 1 and re.match(r"^(?:flat|apartment|unit|room)\b", street, re.IGNORECASE):
        street = f"{street}, {lines[1]}"  # "Flat 3, 14 Elm Road": the street line is both
    postcode = _POSTCODE_RE.search(text)
    if postcode and street.upper().endswith(postcode.group().upper()):
        street = street[: -len(postcode.group())].strip()
    if street and street != text:
        parts.append(street)
    without_number = re.sub(r"^(?:flat\s+\w+\s+)?\d+[a-z]?\s+", "", street, flags=re.IGNORECASE)
    if without_number != street and len(without_number.split()) >= 2:
        parts.append(without_number)
    if postcode:
        # Written with or without its space ("LS6 2AB", "ls62ab"), like the postcode pattern.
        compact = postcode.group().replace(" ", "")
        parts += [f"{compact[:-3]} {compact[-3:]}", compact]
    return parts


@dataclass(frozen=True)
class _Candidate:
    block: int
    start: int
    end: int
    category: str
    source: Source
    replacement: str
    rank: int  # the order the candidate was proposed in, so equal spans resolve the same way every time


_LEVEL: dict[Source, int] = {"case": 0, "pattern": 1, "names": 2}


def _case_candidates(text: str, block: int, identifiers: Sequence[Identifier], add: Callable[..., None]) -> None:
    dates_of_birth: list[tuple[dt.date, Identifier]] = []
    for identifier in identifiers:
        value = identifier.value.strip()
        if not value:
            continue
        if identifier.category == "date_of_birth":
            try:
                dates_of_birth.append((dt.date.fromisoformat(value), identifier))
                continue
            except ValueError:
                pass  # not ISO: matched as written, below
        values = [value]
        everyday: set[str] = set()
        if identifier.category in NAME_CATEGORIES:
            values = _name_variants(value)
            everyday = {part.lower() for part in values if part.lower() in _EVERYDAY_WORDS}
        elif identifier.category == "address":
            values = _address_parts(value)
        for candidate in values:
            # A single name part may be a family's plural ("the Smiths' home"): the part is found, the "s" kept.
            plural = "s?" if identifier.category in NAME_CATEGORIES and " " not in candidate else ""
            pattern = re.compile(_START + _flexible(candidate) + f"(?={plural}{_END})", re.IGNORECASE)
            for match in pattern.finditer(text):
                if candidate.lower() in everyday and match.group().islower():
                    continue  # the everyday word, not the name
                add(block, match.start(), match.end(), identifier.category, "case", identifier.replacement)
    if dates_of_birth:
        for match in _DATE_RE.finditer(text):
            parts = _date_parts(match)
            for born, identifier in dates_of_birth:
                if parts and _same_date(parts, born):
                    add(block, match.start(), match.end(), "date_of_birth", "case", identifier.replacement)


def _pattern_candidates(text: str, block: int, add: Callable[..., None]) -> None:
    for match in _NHS_RE.finditer(text):
        if nhs_number_is_valid(re.sub(r"\D", "", match.group())):
            add(block, match.start(), match.end(), "nhs_number", "pattern", "[NHS number]")
    for match in _NI_RE.finditer(text):
        add(block, match.start(), match.end(), "ni_number", "pattern", "[national insurance number]")
    for match in _EMAIL_RE.finditer(text):
        add(block, match.start(), match.end(), "email", "pattern", "[email address]")
    for match in _POSTCODE_RE.finditer(text):
        add(block, match.start(), match.end(), "postcode", "pattern", "[postcode]")
    position = 0
    while phone := _PHONE_RE.search(text, position):
        span = _phone_span(phone)
        if span:
            add(block, span[0], span[1], "phone", "pattern", "[phone number]")
        # A candidate cut short may run on into the next number ("0113 496 0000 0113 496 0001"): look again
        # from where the number found ended, not from the end of the candidate.
        position = span[1] if span else phone.start() + 1
    for match in _DATE_RE.finditer(text):
        if _date_parts(match):
            add(block, match.start(), match.end(), "date", "pattern", "[date]")


def _name_candidates(
    text: str,
    block: int,
    finders: Sequence[NameFinder],
    replacement_words: frozenset[str],
    add: Callable[..., None],
) -> None:
    for finder in finders:
        for start, end in finder(text):
            found = text[start:end]
            words = [w.lower() for w in re.findall(r"[\w'\u2019\-]+", found)]
            if not words or all(w in replacement_words for w in words):
                continue  # a pseudonym already in the text ("Child Q"), not a name
            first_word = re.match(r"[\w'\u2019\-]+", found)
            if first_word and first_word.group().lower() in _WORDS_FIRST and _sentence_initial(text, start):
                continue  # "Grace Street said" at a sentence's start is too often not a name
            add(block, start, end, "name", "names", "[name]")


# A full stop after these does not end a sentence.
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Mx|Dr|Prof|Rev|Revd|St|No|Sgt|Insp|Cllr|approx|e\.g|i\.e|etc)|\b[A-Z])$"
)
_SENTENCE_END = re.compile(r"[.!?]+[\"'\u201d\u2019)]*(?=\s+|$)|\n\s*\n")


def _sentence_ends(text: str) -> list[tuple[int, int]]:
    """Where the sentences of ``text`` end: a full stop, question or exclamation mark before a space, or a
    blank line; not the full stop of "Mr." or an initial."""
    ends: list[tuple[int, int]] = []
    for boundary in _SENTENCE_END.finditer(text):
        before = text[max(0, boundary.start() - 8) : boundary.start()]
        if boundary.group().startswith(".") and _ABBREVIATIONS.search(before):
            continue
        ends.append((boundary.start(), boundary.end()))
    return ends


def _sentence(text: str, ends: list[tuple[int, int]], start: int, end: int) -> str:
    """The sentence (or sentences, if the span crosses a boundary) holding ``text[start:end]``."""
    begin, finish = 0, len(text)
    for boundary_start, boundary_end in ends:
        if boundary_end <= start:
            begin = boundary_end
        elif boundary_start >= end:
            finish = boundary_end
            break
    return " ".join(text[begin:finish].split())


_NAME_WORD = re.compile(r"[A-Z][A-Za-z'\u2019\-]+")


def _name_pieces(text: str, start: int, end: int, taken: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """What is left of the name at ``text[start:end]`` outside the spans already ``taken``: each piece
    trimmed to its words, and kept only if it still holds a capitalised word that is not a title."""
    pieces = [(start, end)]
    for taken_start, taken_end in sorted(taken):
        next_pieces: list[tuple[int, int]] = []
        for a, b in pieces:
            if taken_end <= a or b <= taken_start:
                next_pieces.append((a, b))
                continue
            next_pieces += [(a, taken_start), (taken_end, b)]
        pieces = next_pieces
    kept: list[tuple[int, int]] = []
    for a, b in pieces:
        while a < b and not text[a].isalnum():
            a += 1
        while b > a and not (text[b - 1].isalnum() or text[b - 1] == "."):
            b -= 1
        words = _NAME_WORD.findall(text[a:b])
        if any(word.rstrip(".") not in _TITLE_WORDS for word in words):
            kept.append((a, b))
    return kept


def find_personal_data(
    blocks: Sequence[Block],
    identifiers: Sequence[Identifier],
    *,
    name_finders: Sequence[NameFinder] = (find_names,),
) -> list[Finding]:
    """Every span of ``blocks`` that may be personal data, one finding per span, ordered by block and start.

    Overlaps are settled by the order issue 14 sets (the case's identifiers, then UK patterns, then names),
    then the longer span, then the earlier identifier in ``identifiers`` (pass the child's first). Pass
    :func:`spacy_name_finder`'s finder in ``name_finders`` where the ``[nlp]`` extra is installed.
    """
    candidates: list[_Candidate] = []

    def add(block: int, start: int, end: int, category: str, source: Source, replacement: str) -> None:
        if end > start:
            candidates.append(_Candidate(block, start, end, category, source, replacement, len(candidates)))

    replacement_words = frozenset(
        word.lower() for identifier in identifiers for word in re.findall(r"[\w'\u2019\-]+", identifier.replacement)
    )
    for index, block in enumerate(blocks):
        _case_candidates(block.text, index, identifiers, add)
        _pattern_candidates(block.text, index, add)
        _name_candidates(block.text, index, name_finders, replacement_words, add)

    candidates.sort(key=lambda c: (_LEVEL[c.source], -(c.end - c.start), c.rank))
    taken: dict[int, list[tuple[int, int]]] = {}
    chosen: list[_Candidate] = []
    for candidate in candidates:
        spans = taken.setdefault(candidate.block, [])
        if candidate.source == "names":
            # A name found around a case identifier ("Dr Patel Jane", where "Jane" is the child) keeps what
            # is left of it, so the case's finding does not hide the doctor's name.
            pieces = _name_pieces(blocks[candidate.block].text, candidate.start, candidate.end, spans)
            for start, end in pieces:
                spans.append((start, end))
                chosen.append(dataclasses.replace(candidate, start=start, end=end))
            continue
        if any(candidate.start < end and start < candidate.end for start, end in spans):
            continue
        spans.append((candidate.start, candidate.end))
        chosen.append(candidate)
    chosen.sort(key=lambda c: (c.block, c.start))
    ends = {index: _sentence_ends(blocks[index].text) for index in {c.block for c in chosen}}
    return [
        Finding(
            key=f"{c.block}:{c.start}:{c.end}",
            block=c.block,
            start=c.start,
            end=c.end,
            text=blocks[c.block].text[c.start : c.end],
            category=c.category,
            source=c.source,
            replacement=c.replacement,
            sentence=_sentence(blocks[c.block].text, ends[c.block], c.start, c.end),
        )
        for c in chosen
    ]


def redact(blocks: Sequence[Block], accepted: Iterable[Finding]) -> list[Block]:
    """``blocks`` with each accepted finding's span replaced by its replacement; everything else untouched.

    Findings may come in any order. A finding whose text no longer matches its block (the report changed
    since it was checked) is refused with ValueError rather than skipped: skipping would publish the very
    text a person decided to take out. Of two overlapping findings the first-starting (then longer) is used.
    """
    by_block: dict[int, list[Finding]] = {}
    for finding in accepted:
        if not 0 <= finding.block < len(blocks):
            raise ValueError(f"finding {finding.key} refers to block {finding.block}, which the report lacks")
        if blocks[finding.block].text[finding.start : finding.end] != finding.text:
            raise ValueError(f"finding {finding.key} no longer matches the report's text; check the report again")
        by_block.setdefault(finding.block, []).append(finding)
    result: list[Block] = []
    for index, block in enumerate(blocks):
        findings = sorted(by_block.get(index, []), key=lambda f: (f.start, -f.end))
        pieces: list[str] = []
        position = 0
        for finding in findings:
            if finding.start < position:
                continue  # overlaps a span already replaced
            pieces.append(block.text[position : finding.start])
            pieces.append(finding.replacement)
            position = finding.end
        pieces.append(block.text[position:])
        result.append(Block(block.kind, "".join(pieces), block.level))
    return result
