"""Tokenising, stemming and sparse TF-IDF vectors for the review library.

Pure Python with no Django and no optional dependency, because the theme detector, the similarity
measure and their evaluation must run on any machine the product runs on, including one without the
``[nlp]`` extra. The database does its own stemming for search (SQLite FTS5 ``porter``, PostgreSQL
``english``); this module is only for the detector and similarity, so it need not match them exactly.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

__all__ = [
    "STOPWORDS",
    "SparseVector",
    "content_terms",
    "cosine",
    "cue_tokens",
    "l2_normalise",
    "stem",
    "stem_tokens",
    "tokenize",
]

SparseVector = dict[str, float]

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# A short English stop list: enough to keep similarity about content, short enough that no
# safeguarding word ("care", "home", "school") is lost.
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said say says one two three may might must shall within
    upon whether however therefore thus also per s t
    """.split()  # noqa: SIM905 - a word list reads better as prose
)


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens; hyphenated words split so "co-sleeping" matches "co sleeping"."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return [t.removesuffix("'s") for t in _TOKEN_RE.findall(text)]


# --- Porter stemmer (M. F. Porter, 1980) -------------------------------------------------------------
# Written out here rather than imported so the base install needs no NLP package.


def _is_consonant(word: str, i: int) -> bool:
    ch = word[i]
    if ch in "aeiou":
        return False
    if ch == "y":
        return i == 0 or not _is_consonant(word, i - 1)
    return True


def _measure(stem_: str) -> int:
    """Porter's m: the number of vowel-consonant sequences in ``stem_``."""
    m = 0
    prev_vowel = False
    for i in range(len(stem_)):
        cons = _is_consonant(stem_, i)
        if cons and prev_vowel:
            m += 1
        prev_vowel = not cons
    return m


def _has_vowel(stem_: str) -> bool:
    return any(not _is_consonant(stem_, i) for i in range(len(stem_)))


def _double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _is_consonant(word, len(word) - 1)


def _cvc(word: str) -> bool:
    return (
        len(word) >= 3
        and _is_consonant(word, len(word) - 3)
        and not _is_consonant(word, len(word) - 2)
        and _is_consonant(word, len(word) - 1)
        and word[-1] not in "wxy"
    )


_STEP2 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("bli", "ble"),
    ("alli", "al"),
    ("entli", "ent"),
    ("eli", "e"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
    ("logi", "log"),
)
_STEP3 = (
    ("icate", "ic"),
    ("ative", ""),
    ("alize", "al"),
    ("iciti", "ic"),
    ("ical", "ic"),
    ("ful", ""),
    ("ness", ""),
)
_STEP4 = (
    "al",
    "ance",
    "ence",
    "er",
    "ic",
    "able",
    "ible",
    "ant",
    "ement",
    "ment",
    "ent",
    "ion",
    "ou",
    "ism",
    "ate",
    "iti",
    "ous",
    "ive",
    "ize",
)
_STEP2_SORTED = sorted(_STEP2, key=lambda p: -len(p[0]))
_STEP3_SORTED = sorted(_STEP3, key=lambda p: -len(p[0]))
_STEP4_SORTED = sorted(_STEP4, key=len, reverse=True)
_STEM_CACHE: dict[str, str] = {}


def stem(word: str) -> str:
    """Porter stem of one lower-case word ("neglected", "neglectful" -> "neglect")."""
    cached = _STEM_CACHE.get(word)
    if cached is not None:
        return cached
    result = _stem(word)
    if len(_STEM_CACHE) < 200_000:
        _STEM_CACHE[word] = result
    return result


def _stem(w: str) -> str:
    if len(w) <= 2 or not w.isalpha():
        return w
    # Step 1a
    if w.endswith("sses") or w.endswith("ies"):
        w = w[:-2]
    elif w.endswith("ss"):
        pass
    elif w.endswith("s"):
        w = w[:-1]
    # Step 1b
    second_or_third = False
    if w.endswith("eed"):
        if _measure(w[:-3]) > 0:
            w = w[:-1]
    elif w.endswith("ed") and _has_vowel(w[:-2]):
        w = w[:-2]
        second_or_third = True
    elif w.endswith("ing") and _has_vowel(w[:-3]):
        w = w[:-3]
        second_or_third = True
    if second_or_third:
        if w.endswith(("at", "bl", "iz")):
            w += "e"
        elif _double_consonant(w) and w[-1] not in "lsz":
            w = w[:-1]
        elif _measure(w) == 1 and _cvc(w):
            w += "e"
    # Step 1c
    if w.endswith("y") and _has_vowel(w[:-1]):
        w = w[:-1] + "i"
    # Step 2
    for suffix, repl in _STEP2_SORTED:
        if w.endswith(suffix):
            if _measure(w[: -len(suffix)]) > 0:
                w = w[: -len(suffix)] + repl
            break
    # Step 3
    for suffix, repl in _STEP3_SORTED:
        if w.endswith(suffix):
            if _measure(w[: -len(suffix)]) > 0:
                w = w[: -len(suffix)] + repl
            break
    # Step 4
    for suffix in _STEP4_SORTED:
        if w.endswith(suffix):
            base = w[: -len(suffix)]
            if _measure(base) > 1 and (suffix != "ion" or base.endswith(("s", "t"))):
                w = base
            break
    # Step 5a
    if w.endswith("e"):
        base = w[:-1]
        m = _measure(base)
        if m > 1 or (m == 1 and not _cvc(base)):
            w = base
    # Step 5b
    if w.endswith("ll") and _measure(w) > 1:
        w = w[:-1]
    return w


# "can't" and "won't" lose more than "n't"; every other English contraction is the word + "not".
_IRREGULAR_NOT = {"ca": "can", "wo": "will", "sha": "shall"}


def expand_contractions(tokens: list[str]) -> list[str]:
    """ "wasn't" -> "was", "not": so a cue written "was not seen" matches "wasn't seen", and the negation
    check sees the "not" (the tokenizer keeps "wasn't" as one token, which no negation list contains)."""
    out: list[str] = []
    for token in tokens:
        if token.endswith("n't") and len(token) > 3:
            base = token[:-3]
            out.extend((_IRREGULAR_NOT.get(base, base), "not"))
        else:
            out.append(token)
    return out


def cue_tokens(text: str) -> tuple[list[str], list[str]]:
    """(words, stems) for cue matching: contractions expanded, stop words kept, the two lists aligned.

    The taxonomy stems its cue phrases with this too, so a phrase and the text it should match are
    always cut the same way."""
    words = expand_contractions(tokenize(text))
    return words, [stem(t) for t in words]


def stem_tokens(text: str) -> list[str]:
    """All tokens of ``text``, stemmed, stop words kept (cues like "voice of the child" need them)."""
    return [stem(t) for t in tokenize(text)]


def content_terms(text: str) -> list[str]:
    """Stemmed tokens without stop words or bare numbers: the terms TF-IDF is built from."""
    return [stem(t) for t in tokenize(text) if t not in STOPWORDS and not t.isdigit() and len(t) > 1]


def term_frequencies(text: str) -> Counter[str]:
    """Counts of :func:`content_terms`."""
    return Counter(content_terms(text))


def tfidf(counts: Mapping[str, float], idf: Mapping[str, float], default_idf: float) -> SparseVector:
    """Sub-linear TF-IDF (1 + log tf) x idf, L2-normalised."""
    vec = {term: (1.0 + math.log(tf)) * idf.get(term, default_idf) for term, tf in counts.items() if tf > 0}
    return l2_normalise(vec)


def l2_normalise(vec: Mapping[str, float]) -> SparseVector:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    if norm == 0:
        return {}
    return {k: v / norm for k, v in vec.items()}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of two L2-normalised sparse vectors (iterates the shorter one)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def inverse_document_frequency(documents: Iterable[Iterable[str]]) -> tuple[dict[str, float], float]:
    """Smoothed idf, ln((1 + N) / (1 + df)) + 1, and the idf an unseen term gets."""
    df: Counter[str] = Counter()
    n = 0
    for terms in documents:
        n += 1
        df.update(set(terms))
    idf = {term: math.log((1 + n) / (1 + count)) + 1.0 for term, count in df.items()}
    return idf, math.log(1 + n) + 1.0
