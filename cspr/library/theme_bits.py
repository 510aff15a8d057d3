"""Each report's confirmed themes as one integer (``Report.confirmed_themes``), so the theme facet is counted
in one pass over the matching reports instead of a join to every confirmed theme row of every match
(about 140,000-250,000 rows for a common word at 20,000 reports).

The database keeps the integer in step with ``ReportTheme`` itself (triggers, migration 0006), so no write
path (services, bulk writes, the benchmark) can forget it; ``ReportTheme`` stays the record of who decided
what, and the theme filter still reads it.

**Slots are permanent.** ``THEME_SLOTS`` lists every theme id that has a place in the integer, in the order the
places were given: append a new theme at the end (with a migration that rewrites the triggers from this list,
as 0006 does), never reorder or remove one (a retired theme keeps its slot). A theme without a slot is not
counted in the facet; ``tests/library/test_facets.py`` fails when the taxonomy has a theme with no slot.

**Layout.** Slot ``k`` is bit ``(k % 2) * 31 + k // 2``: two 31-bit fields, so one ``SUM((m >> j) & FIELDS)``
adds up two themes at once, each in its own field (bit ``j`` and bit ``31 + j``), and 34 themes cost 17 sums
per matching report rather than 34. A field overflows only past 2**31 - 1 matching reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = [
    "FIELD_BITS",
    "THEME_SLOTS",
    "mask_case_sql",
    "mask_for",
    "theme_bit",
    "theme_counts",
    "theme_sum_sql",
]

THEME_SLOTS: tuple[str, ...] = (
    "neglect",
    "domestic-abuse",
    "parental-mental-health",
    "parental-substance-misuse",
    "invisible-men",
    "non-accidental-injury",
    "sudi-safer-sleep",
    "criminal-exploitation",
    "sexual-exploitation",
    "intrafamilial-sexual-abuse",
    "online-harm",
    "child-mental-health",
    "education-not-in-school",
    "disability",
    "race-culture",
    "looked-after",
    "information-sharing",
    "multi-agency-working",
    "professional-curiosity",
    "voice-of-child",
    "disguised-compliance",
    "risk-assessment",
    "child-protection-procedures",
    "management-oversight",
    "workload",
    "escalation",
    "early-help",
    "poverty-housing",
    "cross-boundary",
    "recording",
    "covid-19",
    "family-history",
    "family-courts",
    "wider-family",
)
FIELD_BITS = 31
_FIELDS = 1 | (1 << FIELD_BITS)  # bit j and bit 31 + j
_FIELD_MAX = (1 << FIELD_BITS) - 1
_MAX_SLOTS = 2 * FIELD_BITS  # 62 themes: signed 64-bit integers on both databases


def theme_bit(slot: int) -> int:
    if not 0 <= slot < _MAX_SLOTS:
        raise ValueError(f"theme slot {slot} does not fit the confirmed-themes integer ({_MAX_SLOTS} slots)")
    return (slot % 2) * FIELD_BITS + slot // 2


def _bits() -> dict[str, int]:
    if len(set(THEME_SLOTS)) != len(THEME_SLOTS):
        raise ValueError("THEME_SLOTS lists a theme twice")
    return {theme: theme_bit(slot) for slot, theme in enumerate(THEME_SLOTS)}


BITS: Mapping[str, int] = _bits()


def mask_for(themes: Iterable[str]) -> int:
    """The integer for a set of confirmed themes (themes without a slot are left out)."""
    mask = 0
    for theme in themes:
        if theme in BITS:
            mask |= 1 << BITS[theme]
    return mask


def mask_case_sql(column: str) -> str:
    """SQL giving the bit value of the theme in ``column`` (0 for a theme without a slot), for the triggers.
    Theme ids are constants from this module (lower-case words and hyphens), never input."""
    whens = " ".join(f"WHEN '{theme}' THEN {1 << bit}" for theme, bit in BITS.items())
    return f"CASE {column} {whens} ELSE 0 END"


def theme_sum_sql(column: str) -> list[tuple[int, str]]:
    """One aggregate per pair of slots, ``(j, "COALESCE(SUM((column >> j) & FIELDS), 0)")`` for each low bit
    ``j`` in use: the sum holds the count of bit ``j`` in its low field and of bit ``31 + j`` in its high one."""
    lows = sorted({bit % FIELD_BITS for bit in BITS.values()})
    return [(j, f"COALESCE(SUM(({column} >> {j}) & {_FIELDS}), 0)") for j in lows]


def theme_counts(sums: Mapping[int, int]) -> dict[str, int]:
    """Per-theme counts from the sums of :func:`theme_sum_sql`, keyed by each sum's low bit ``j``."""
    out: dict[str, int] = {}
    for theme, bit in BITS.items():
        total = int(sums.get(bit % FIELD_BITS) or 0)
        count = (total >> FIELD_BITS) if bit >= FIELD_BITS else (total & _FIELD_MAX)
        if count:
            out[theme] = count
    return out
