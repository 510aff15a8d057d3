"""The theme detector: suggests taxonomy themes for a report, each with a score and its evidence.

Three signals, combined with weights chosen by cross-validation on the labelled training split
(``detector_params.json``, written by ``python -m cspr.library.evaluation calibrate``):

* **cue phrases** from the taxonomy, matched on stemmed words (each stemmed cue once, contractions
  expanded), discounted after a nearby negation;
* **a statistical text model**: TF-IDF centroids (Rocchio) built from each theme's description and cues
  and from the training excerpts labelled with it, scored relative to the other themes;
* **sentence embeddings** (optional ``[nlp]`` extra): each passage's MiniLM embedding against a
  prototype per theme, relative to the other themes.

Without the extra the detector runs on the first two and says so (``mode``/``fallback``). A suggestion is
only a suggestion: a person confirms or rejects it, and only confirmed themes feed facets and statistics.
No Django import: the ``themes`` command runs it on any file without storing anything.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cspr.library.embeddings import EmbeddingsUnavailable, embeddings_status, get_embedder
from cspr.library.labelled import LabelledExample, load_labelled
from cspr.library.passages import Passage
from cspr.library.taxonomy import Theme, load_taxonomy
from cspr.library.text import (
    SparseVector,
    content_terms,
    cosine,
    cue_tokens,
    inverse_document_frequency,
    l2_normalise,
    tfidf,
)

if TYPE_CHECKING:
    from cspr.library.embeddings import FloatArray

__all__ = [
    "MODE_BASIC",
    "MODE_EMBEDDINGS",
    "DetectionResult",
    "DetectorParams",
    "Evidence",
    "ThemeDetector",
    "ThemeScore",
    "default_detector",
]

MODE_BASIC = "cues+tfidf"
MODE_EMBEDDINGS = "cues+tfidf+minilm"
PARAMS_FILE = Path(__file__).parent / "data" / "detector_params.json"

WEAK_CUE_WEIGHT = 0.3
NEGATION_FACTOR = 0.2
# Contractions ("wasn't") reach the matcher already split into word + "not" (text.cue_tokens).
_NEGATIONS = frozenset({"no", "not", "never", "without", "nor", "denied", "neither", "nobody", "none", "nothing"})
EVIDENCE_PER_THEME = 3


@dataclass(frozen=True, slots=True)
class DetectorParams:
    """Weights of the three signals and the score a theme needs to be suggested (one set per mode)."""

    cue_weight: float
    stat_weight: float
    embedding_weight: float
    threshold: float
    cue_scale: float = 1.5
    stat_scale: float = 3.0  # standard deviations above the other themes that count as a full signal
    embedding_scale: float = 0.2

    @classmethod
    def default(cls, mode: str) -> DetectorParams:
        """The calibrated parameters for ``mode`` if calibration has been run, else sensible priors."""
        stored = _load_params_file().get(mode)
        if stored:
            return cls(**stored)
        if mode == MODE_EMBEDDINGS:
            return cls(cue_weight=0.5, stat_weight=0.2, embedding_weight=0.3, threshold=0.35)
        return cls(cue_weight=0.6, stat_weight=0.4, embedding_weight=0.0, threshold=0.35)


@functools.cache
def _load_params_file() -> dict[str, dict[str, float]]:
    try:
        modes: dict[str, dict[str, float]] = json.loads(PARAMS_FILE.read_text())["modes"]
        return modes
    except (OSError, ValueError, KeyError):
        return {}


@dataclass(frozen=True, slots=True)
class Evidence:
    """A passage that supports a theme, with where it is in the report."""

    passage_index: int
    text: str
    page: int | None
    heading: str
    score: float
    cues: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "passage": self.passage_index,
            "page": self.page,
            "heading": self.heading,
            "text": self.text,
            "score": round(self.score, 4),
            "cues": list(self.cues),
        }


@dataclass(frozen=True, slots=True)
class ThemeScore:
    theme: str
    label: str
    score: float
    evidence: tuple[Evidence, ...]
    signals: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "theme": self.theme,
            "label": self.label,
            "score": round(self.score, 4),
            "evidence": [e.as_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class DetectionResult:
    """Suggestions (scores at or above the threshold, best first) plus every theme's score."""

    mode: str
    fallback: str | None
    threshold: float
    suggestions: tuple[ThemeScore, ...]
    scores: dict[str, float]


def _as_passages(items: Sequence[Passage] | Sequence[str]) -> list[Passage]:
    out: list[Passage] = []
    for i, item in enumerate(items):
        if isinstance(item, Passage):
            out.append(item)
        else:
            out.append(Passage(index=i, text=str(item), page=None, heading=""))
    return out


class _CueMatcher:
    """Finds every cue phrase of every theme in one pass over a passage's stemmed tokens."""

    def __init__(self, themes: Sequence[Theme]) -> None:
        self.by_first: dict[str, list[tuple[tuple[str, ...], str, float, str]]] = defaultdict(list)
        for theme in themes:
            # cue_entries keeps each stemmed phrase once and names it by the phrase as written (zipping
            # stemmed cues with the phrase list instead mislabelled them whenever one stemmed to nothing).
            for tokens, strong, phrase in theme.cue_entries():
                weight = 1.0 if strong else WEAK_CUE_WEIGHT
                self.by_first[tokens[0]].append((tokens, theme.id, weight, phrase))
        for entries in self.by_first.values():
            entries.sort(key=lambda e: -len(e[0]))

    def match(self, text: str) -> dict[str, tuple[float, tuple[str, ...]]]:
        """theme id -> (weighted hit score, cue phrases found) for one passage."""
        raw, stems = cue_tokens(text)
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        weights: dict[tuple[str, str], float] = {}
        negated: dict[tuple[str, str], int] = defaultdict(int)
        # Words already inside a matched cue of a theme: a cue inside a longer one of the same theme
        # ("seen alone" inside "not seen alone", "was not seen" inside "the child was not seen") is the
        # same evidence, so it must not count again, and in "not seen alone" the inner "seen alone" is
        # not a negated "seen alone". Longer cues are tried first at each word (sorted in __init__).
        covered: dict[str, set[int]] = defaultdict(set)
        for i, token in enumerate(stems):
            for tokens, theme_id, weight, phrase in self.by_first.get(token, ()):
                if i in covered[theme_id]:
                    continue
                if tuple(stems[i : i + len(tokens)]) == tokens:
                    covered[theme_id].update(range(i, i + len(tokens)))
                    counts[theme_id][phrase] += 1
                    weights[(theme_id, phrase)] = weight
                    if any(t in _NEGATIONS for t in raw[max(0, i - 3) : i]):
                        negated[(theme_id, phrase)] += 1
        out: dict[str, tuple[float, tuple[str, ...]]] = {}
        for theme_id, phrases in counts.items():
            total = 0.0
            for phrase, n in phrases.items():
                affirmed = n - negated[(theme_id, phrase)]
                factor = 1.0 if affirmed > 0 else NEGATION_FACTOR
                total += weights[(theme_id, phrase)] * (1.0 + math.log(n)) * factor
            found = tuple(p for p, _ in phrases.most_common())
            out[theme_id] = (total, found)
        return out


class ThemeDetector:
    """Scores every taxonomy theme for a report given as passages (or plain strings)."""

    def __init__(
        self,
        *,
        training: Iterable[LabelledExample] | None = None,
        use_embeddings: bool | None = None,
        params: DetectorParams | None = None,
        themes: Sequence[Theme] | None = None,
    ) -> None:
        self.themes = tuple(themes or load_taxonomy())
        self.labels = {t.id: t.label for t in self.themes}
        self.training = tuple(training if training is not None else load_labelled("train"))
        available, reason = embeddings_status()
        if use_embeddings is None:
            use_embeddings = available
        self.fallback: str | None = None
        if use_embeddings and not available:
            raise EmbeddingsUnavailable(reason)
        if not use_embeddings:
            self.fallback = None if not available else "embeddings not requested"
            if not available:
                self.fallback = f"sentence embeddings unavailable: {reason}"
        self.use_embeddings = bool(use_embeddings)
        self.mode = MODE_EMBEDDINGS if self.use_embeddings else MODE_BASIC
        self.params = params or DetectorParams.default(self.mode)
        self._matcher = _CueMatcher(self.themes)
        self._build_statistical_model()
        self._prototypes = self._build_prototypes() if self.use_embeddings else None

    # --- model building ---------------------------------------------------------------------------------

    def _theme_pseudo_document(self, theme: Theme) -> str:
        return " ".join([theme.label, theme.description, *theme.cues, *theme.cues[:8]])

    def _build_statistical_model(self) -> None:
        """Rocchio centroids: description + cues + the labelled training excerpts of each theme."""
        documents = [content_terms(e.text) for e in self.training]
        pseudo = {t.id: content_terms(self._theme_pseudo_document(t)) for t in self.themes}
        self.idf, self.default_idf = inverse_document_frequency([*documents, *pseudo.values()])
        sums: dict[str, dict[str, float]] = {t.id: defaultdict(float) for t in self.themes}
        for theme in self.themes:
            vec = tfidf(Counter(pseudo[theme.id]), self.idf, self.default_idf)
            for term, value in vec.items():
                sums[theme.id][term] += value
        for example, terms in zip(self.training, documents, strict=True):
            vec = tfidf(Counter(terms), self.idf, self.default_idf)
            for theme_id in example.themes:
                if theme_id in sums:
                    for term, value in vec.items():
                        sums[theme_id][term] += value
        self.centroids: dict[str, SparseVector] = {k: l2_normalise(v) for k, v in sums.items()}

    def _build_prototypes(self) -> FloatArray:
        """One unit-length row per theme (themes x 384)."""
        import numpy as np

        embedder = get_embedder()
        descriptions = [f"{t.label}. {t.description}" for t in self.themes]
        desc = _embed_cached(descriptions)
        examples = _embed_cached([e.text for e in self.training]) if self.training else None
        rows = []
        for i, theme in enumerate(self.themes):
            parts = [desc[i]]
            if examples is not None:
                members = [examples[j] for j, e in enumerate(self.training) if theme.id in e.themes]
                if members:
                    parts.append(np.mean(members, axis=0))
            proto = np.mean(parts, axis=0)
            rows.append(proto / max(float(np.linalg.norm(proto)), 1e-12))
        del embedder
        return np.vstack(rows).astype(np.float32)

    # --- scoring ----------------------------------------------------------------------------------------

    def score(self, items: Sequence[Passage] | Sequence[str]) -> list[ThemeScore]:
        """Every theme's score for the report, best first, with evidence passages."""
        passages = _as_passages(items)
        p = self.params
        if not passages:
            return [ThemeScore(t.id, t.label, 0.0, ()) for t in self.themes]
        cue_hits = [self._matcher.match(ps.text) for ps in passages]
        vectors = [tfidf(Counter(content_terms(ps.text)), self.idf, self.default_idf) for ps in passages]
        doc_counts: Counter[str] = Counter()
        for ps in passages:
            doc_counts.update(content_terms(ps.text))
        doc_vector = tfidf(doc_counts, self.idf, self.default_idf)
        emb_rel = None
        if self._prototypes is not None:
            emb = _embed_passages([ps.text for ps in passages])
            sims = emb @ self._prototypes.T  # passages x themes
            emb_rel = sims - sims.mean(axis=1, keepdims=True)

        # The statistical signal is how far a theme's similarity stands above the other themes', in
        # standard deviations, not the raw cosine: a broad theme (many varied training excerpts) has a
        # diffuse centroid whose raw cosine with anything is low, a narrow one the reverse, so one
        # threshold on raw cosines favoured narrow themes and could never fire on the broad ones.
        stat_passage = [[cosine(vec, self.centroids[t.id]) for t in self.themes] for vec in vectors]
        stat_doc = [cosine(doc_vector, self.centroids[t.id]) for t in self.themes]
        stat_raw = [0.5 * max(row[t] for row in stat_passage) + 0.5 * stat_doc[t] for t in range(len(self.themes))]
        stat_z = _standardised(stat_raw)
        passage_z = [_standardised(row) for row in stat_passage]

        results: list[ThemeScore] = []
        for t_index, theme in enumerate(self.themes):
            passage_cue = [hits.get(theme.id, (0.0, ()))[0] for hits in cue_hits]
            passage_stat = [row[t_index] for row in passage_z]
            top_cues = sorted(passage_cue, reverse=True)[:3]
            cue_signal = 1.0 - math.exp(-sum(top_cues) / p.cue_scale)
            stat_signal = min(1.0, max(0.0, stat_z[t_index] / p.stat_scale))
            passage_emb = [0.0] * len(passages)
            emb_signal = 0.0
            if emb_rel is not None:
                passage_emb = [float(x) for x in emb_rel[:, t_index]]
                ranked = sorted(passage_emb, reverse=True)[:2]
                emb_signal = min(1.0, max(0.0, sum(ranked) / len(ranked) / p.embedding_scale))
            score = p.cue_weight * cue_signal + p.stat_weight * stat_signal + p.embedding_weight * emb_signal
            evidence = self._evidence(theme.id, passages, cue_hits, passage_cue, passage_stat, passage_emb)
            results.append(
                ThemeScore(
                    theme=theme.id,
                    label=theme.label,
                    score=round(score, 6),
                    evidence=evidence,
                    signals={"cue": cue_signal, "stat": stat_signal, "embedding": emb_signal},
                )
            )
        results.sort(key=lambda r: (-r.score, r.theme))
        return results

    def _evidence(
        self,
        theme_id: str,
        passages: list[Passage],
        cue_hits: list[dict[str, tuple[float, tuple[str, ...]]]],
        passage_cue: list[float],
        passage_stat: list[float],
        passage_emb: list[float],
    ) -> tuple[Evidence, ...]:
        p = self.params
        ranked: list[tuple[float, int]] = []
        for i in range(len(passages)):
            local = (
                p.cue_weight * (1.0 - math.exp(-passage_cue[i] / p.cue_scale))
                + p.stat_weight * min(1.0, max(0.0, passage_stat[i] / p.stat_scale))
                + p.embedding_weight * min(1.0, max(0.0, passage_emb[i] / p.embedding_scale))
            )
            if passage_cue[i] > 0 or passage_emb[i] > p.embedding_scale * 0.5:
                ranked.append((local, i))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        out = []
        for local, i in ranked[:EVIDENCE_PER_THEME]:
            ps = passages[i]
            cues = cue_hits[i].get(theme_id, (0.0, ()))[1]
            out.append(Evidence(ps.index, ps.text, ps.page, ps.heading, local, cues))
        return tuple(out)

    def detect(self, items: Sequence[Passage] | Sequence[str], *, threshold: float | None = None) -> DetectionResult:
        """Suggestions for a report: themes scoring at least the threshold, best first."""
        cut = self.params.threshold if threshold is None else threshold
        scored = self.score(items)
        return DetectionResult(
            mode=self.mode,
            fallback=self.fallback,
            threshold=cut,
            suggestions=tuple(s for s in scored if s.score >= cut),
            scores={s.theme: s.score for s in scored},
        )


def _standardised(values: Sequence[float]) -> list[float]:
    """Each value as standard deviations above the mean of ``values`` (all 0 when they are all equal)."""
    mean = sum(values) / len(values)
    spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    if spread == 0:
        return [0.0] * len(values)
    return [(v - mean) / spread for v in values]


_EMBED_CACHE: dict[str, FloatArray] = {}


def _embed_cached(texts: list[str]) -> FloatArray:
    """Embeddings of fixed texts (theme descriptions, training excerpts), memoised for the process."""
    import numpy as np

    missing = [t for t in dict.fromkeys(texts) if t not in _EMBED_CACHE]
    if missing:
        for text, row in zip(missing, get_embedder().embed(missing), strict=True):
            _EMBED_CACHE[text] = row
    return np.vstack([_EMBED_CACHE[t] for t in texts])


def _embed_passages(texts: list[str]) -> FloatArray:
    """Embeddings of a report's passages; reuses memoised rows (the labelled set) but stores nothing new,
    so scoring thousands of reports does not grow the process."""
    import numpy as np

    if all(t in _EMBED_CACHE for t in texts):
        return np.vstack([_EMBED_CACHE[t] for t in texts])
    return get_embedder().embed(texts)


@functools.cache
def default_detector(use_embeddings: bool | None = None) -> ThemeDetector:
    """The process-wide detector built from the shipped taxonomy and training split."""
    return ThemeDetector(use_embeddings=use_embeddings)
