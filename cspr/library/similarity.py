"""Similarity between reports: "which past reviews looked like this one, and what did they find?"

A report is summarised once, at ingest, as a :class:`Signature`: its most frequent content terms, its
themes, and (with the ``[nlp]`` extra) the mean MiniLM embedding of its passages. Comparing signatures
is cheap, so the most similar of a few thousand reports is found in memory in milliseconds, and the
text of a live case (the rapid review) never has to leave the process: it is summarised the same way
and compared, then discarded.

Score = weighted sum of TF-IDF cosine over the signature terms, overlap of themes (Jaccard) and, when
both sides have one, embedding cosine; weights are renormalised over the signals present.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from cspr.library.text import content_terms, cosine, inverse_document_frequency, tfidf

__all__ = [
    "SharedPassage",
    "Signature",
    "SimilarMatch",
    "SimilarityIndex",
    "shared_passages",
    "signature_for",
]

SIGNATURE_TERMS = 120
WEIGHT_TERMS = 0.6
WEIGHT_THEMES = 0.25
WEIGHT_EMBEDDING = 0.4


class SignatureJSON(TypedDict, total=False):
    """A signature as stored in ``Report.signature`` (older rows may lack a key)."""

    terms: dict[str, float]
    embedding: list[float] | None


@dataclass(frozen=True, slots=True)
class Signature:
    """What similarity needs to know about a report, small enough to store beside it (JSON)."""

    terms: dict[str, float]
    themes: frozenset[str] = frozenset()
    embedding: tuple[float, ...] | None = None

    def to_json(self) -> SignatureJSON:
        return {
            "terms": {k: round(v, 4) for k, v in self.terms.items()},
            "embedding": [round(x, 5) for x in self.embedding] if self.embedding else None,
        }

    @classmethod
    def from_json(cls, data: SignatureJSON | None, themes: Iterable[str] = ()) -> Signature:
        """From the stored JSON; None or {} (a report stored without one) is a signature with no terms."""
        stored: SignatureJSON = data or {}
        embedding = stored.get("embedding")
        return cls(
            terms={str(k): float(v) for k, v in (stored.get("terms") or {}).items()},
            themes=frozenset(themes),
            embedding=tuple(float(x) for x in embedding) if embedding else None,
        )


def signature_for(
    texts: Sequence[str], *, themes: Iterable[str] = (), embedding: Sequence[float] | None = None
) -> Signature:
    """Summarise a report from its passages' text: the SIGNATURE_TERMS most frequent content terms."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(content_terms(text))
    top = counts.most_common(SIGNATURE_TERMS)
    return Signature(
        terms={term: 1.0 + math.log(n) for term, n in top},
        themes=frozenset(themes),
        embedding=tuple(float(x) for x in embedding) if embedding is not None else None,
    )


@dataclass(frozen=True, slots=True)
class SimilarMatch:
    key: Hashable
    score: float
    shared_themes: tuple[str, ...]
    shared_terms: tuple[str, ...]
    signals: dict[str, float] = field(default_factory=dict)


class SimilarityIndex:
    """In-memory index over many signatures; IDF comes from the indexed library itself."""

    def __init__(self, items: Iterable[tuple[Hashable, Signature]]) -> None:
        self.keys: list[Hashable] = []
        self.signatures: list[Signature] = []
        for key, signature in items:
            self.keys.append(key)
            self.signatures.append(signature)
        self.idf, self.default_idf = inverse_document_frequency(s.terms.keys() for s in self.signatures)
        self.vectors = [self._weigh(s) for s in self.signatures]
        self._postings: dict[str, list[int]] = {}
        for i, vec in enumerate(self.vectors):
            for term in vec:
                self._postings.setdefault(term, []).append(i)

    def __len__(self) -> int:
        return len(self.keys)

    def _weigh(self, signature: Signature) -> dict[str, float]:
        # Signature terms already carry 1 + log(tf); tfidf() applies 1 + log again, so pass exp-1 form.
        counts = {t: math.exp(w - 1.0) for t, w in signature.terms.items()}
        return tfidf(counts, self.idf, self.default_idf)

    def query(self, signature: Signature, *, limit: int = 5, exclude: Iterable[Hashable] = ()) -> list[SimilarMatch]:
        """The ``limit`` most similar indexed reports, best first."""
        excluded = set(exclude)
        vector = self._weigh(signature)
        candidates: set[int] = set()
        for term in vector:
            candidates.update(self._postings.get(term, ()))
        if signature.themes:
            candidates.update(i for i, s in enumerate(self.signatures) if s.themes & signature.themes)
        matches: list[SimilarMatch] = []
        for i in candidates:
            key = self.keys[i]
            if key in excluded:
                continue
            other = self.signatures[i]
            term_sim = cosine(vector, self.vectors[i])
            shared = signature.themes & other.themes
            union = signature.themes | other.themes
            theme_sim = len(shared) / len(union) if union else 0.0
            weights = {"terms": WEIGHT_TERMS, "themes": WEIGHT_THEMES}
            signals = {"terms": term_sim, "themes": theme_sim}
            if not union:
                weights.pop("themes")
            if signature.embedding and other.embedding and len(signature.embedding) == len(other.embedding):
                pairs = zip(signature.embedding, other.embedding, strict=True)
                signals["embedding"] = max(0.0, sum(a * b for a, b in pairs))
                weights["embedding"] = WEIGHT_EMBEDDING
            total = sum(weights.values())
            score = sum(weights[k] * signals[k] for k in weights) / total
            overlap = sorted(
                (t for t in vector if t in self.vectors[i]),
                key=lambda t: -(vector[t] * self.vectors[i][t]),
            )[:8]
            matches.append(
                SimilarMatch(
                    key=key,
                    score=round(score, 6),
                    shared_themes=tuple(sorted(shared)),
                    shared_terms=tuple(overlap),
                    signals=signals,
                )
            )
        matches.sort(key=lambda m: (-m.score, str(m.key)))
        return matches[:limit]


@dataclass(frozen=True, slots=True)
class SharedPassage:
    query_index: int
    other_index: int
    score: float


def shared_passages(
    query_texts: Sequence[str], other_texts: Sequence[str], *, limit: int = 3, minimum: float = 0.12
) -> list[SharedPassage]:
    """The passage pairs that two reports have most in common (TF-IDF cosine, each passage used once)."""
    idf, default = inverse_document_frequency(content_terms(t) for t in [*query_texts, *other_texts])
    q_vecs = [tfidf(Counter(content_terms(t)), idf, default) for t in query_texts]
    o_vecs = [tfidf(Counter(content_terms(t)), idf, default) for t in other_texts]
    pairs = []
    for i, qv in enumerate(q_vecs):
        if not qv:
            continue
        for j, ov in enumerate(o_vecs):
            if ov:
                s = cosine(qv, ov)
                if s >= minimum:
                    pairs.append((s, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_q: set[int] = set()
    used_o: set[int] = set()
    out: list[SharedPassage] = []
    for s, i, j in pairs:
        if i in used_q or j in used_o:
            continue
        used_q.add(i)
        used_o.add(j)
        out.append(SharedPassage(i, j, round(s, 6)))
        if len(out) >= limit:
            break
    return out
