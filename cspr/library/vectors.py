"""Similar reviews at national scale: the stored vectors and the numpy matrix built from them.

:class:`cspr.library.similarity.SimilarityIndex` scores a signature against every report in pure Python
over dicts of words. It is the reference, and it is what runs without numpy, but at 20,000 reports it
took 630 MB and 5.3 s to build in every worker. Here the same score is computed on arrays:

- each report's signature terms are stored packed (``ReportVector.terms``: CRC-32 of the term, float32
  weight), so loading the library is a few ``numpy.frombuffer`` calls, not 2.4 million dict entries;
- the term matrix is kept column-wise (CSC) in float32, so scoring a query touches only the postings of
  its own terms (about 20 MB at 20,000 reports); themes are a small 0/1 matrix and embeddings, when
  reports have them, a dense float32 matrix;
- the score is the reference's formula exactly (TF-IDF cosine with IDF from the indexed library, theme
  Jaccard, embedding cosine, weights renormalised over the signals present), so results agree with
  ``SimilarityIndex`` up to float32 rounding (``tests/library/test_similarity_vectors.py``).
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cspr.library.similarity import WEIGHT_EMBEDDING, WEIGHT_TERMS, WEIGHT_THEMES, Signature, SimilarMatch

if TYPE_CHECKING:  # numpy is the optional [nlp] extra; callers check numpy_available() first
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "VectorIndex",
    "VectorRow",
    "numpy_available",
    "pack_embedding",
    "pack_terms",
    "similarity_themes",
    "term_hash",
]

type VectorRow = tuple[int, bytes, str, bytes | None]  # report id, packed terms, themes, packed embedding


def numpy_available() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def term_hash(term: str) -> int:
    """A stable 32-bit id for a stemmed term. Two terms of one library colliding is about a one-in-ten-
    thousand event at 100,000 distinct terms, and would only merge two words' weights."""
    return zlib.crc32(term.encode("utf-8"))


def pack_terms(terms: Mapping[str, float]) -> bytes:
    """Signature terms as little-endian (uint32 hash, float32 weight) pairs, the layout the matrix reads."""
    out = bytearray()
    for term, weight in terms.items():
        out += struct.pack("<If", term_hash(term), float(weight))
    return bytes(out)


def pack_embedding(embedding: Sequence[float] | None) -> bytes | None:
    if not embedding:
        return None
    return struct.pack(f"<{len(embedding)}f", *(float(x) for x in embedding))


def similarity_themes(rows: Iterable[tuple[str, str]]) -> list[str]:
    """The themes similarity compares, from (theme, status) rows: the confirmed ones once a person has
    confirmed any, else the detector's suggestions; rejected ones never."""
    pairs = list(rows)
    confirmed = sorted({t for t, status in pairs if status == "confirmed"})
    return confirmed or sorted({t for t, status in pairs if status == "suggested"})


class VectorIndex:
    """The public library as arrays, built once per process per library version (see selectors)."""

    def __init__(self, rows: Iterable[VectorRow]) -> None:
        import numpy as np

        keys: list[int] = []
        blobs: list[bytes] = []
        lengths: list[int] = []
        theme_lists: list[list[str]] = []
        emb_rows: list[int] = []
        emb_blobs: list[bytes] = []
        for key, terms, themes, embedding in rows:
            row = len(keys)
            keys.append(key)
            blob = bytes(terms or b"")
            blobs.append(blob)
            lengths.append(len(blob) // 8)
            theme_lists.append(themes.split() if themes else [])
            if embedding:
                emb_rows.append(row)
                emb_blobs.append(bytes(embedding))
        n = len(keys)
        self.keys: NDArray[np.int64] = np.asarray(keys, dtype=np.int64)
        self._row_of: dict[int, int] = {k: i for i, k in enumerate(keys)}

        pairs = np.frombuffer(b"".join(blobs), dtype=np.dtype([("h", "<u4"), ("w", "<f4")]))
        rows_of_nnz = np.repeat(np.arange(n, dtype=np.int32), np.asarray(lengths, dtype=np.int64))
        vocab, cols = np.unique(pairs["h"], return_inverse=True)
        df = np.bincount(cols, minlength=len(vocab))
        # text.inverse_document_frequency over the indexed library: ln((1 + N) / (1 + df)) + 1.
        self.idf: NDArray[np.float64] = np.log((1.0 + n) / (1.0 + df)) + 1.0
        self.default_idf = math.log(1 + n) + 1.0
        values = pairs["w"].astype(np.float64) * self.idf[cols]
        norms = np.sqrt(np.bincount(rows_of_nnz, weights=values * values, minlength=n))
        values = values / np.where(norms > 0, norms, 1.0)[rows_of_nnz]
        order = np.argsort(cols, kind="stable")  # column-major, rows ascending within a column
        self.vocab: NDArray[np.uint32] = vocab.astype(np.uint32)
        self.indptr: NDArray[np.int64] = np.concatenate(([0], np.cumsum(df))).astype(np.int64)
        self.col_rows: NDArray[np.int32] = rows_of_nnz[order]
        self.col_values: NDArray[np.float32] = values[order].astype(np.float32)

        self.theme_ids: list[str] = sorted({t for ts in theme_lists for t in ts})
        theme_col = {t: i for i, t in enumerate(self.theme_ids)}
        self.themes: NDArray[np.float32] = np.zeros((n, len(self.theme_ids)), dtype=np.float32)
        for i, ts in enumerate(theme_lists):
            for t in ts:
                self.themes[i, theme_col[t]] = 1.0
        self.theme_counts: NDArray[np.float32] = self.themes.sum(axis=1)
        self.theme_sets: list[frozenset[str]] = [frozenset(ts) for ts in theme_lists]

        self.has_embedding: NDArray[np.bool_] = np.zeros(n, dtype=bool)
        self.embeddings: NDArray[np.float32] | None = None
        if emb_blobs and len({len(b) for b in emb_blobs}) == 1:
            self.embeddings = np.zeros((n, len(emb_blobs[0]) // 4), dtype=np.float32)
            self.embeddings[emb_rows] = np.frombuffer(b"".join(emb_blobs), dtype="<f4").reshape(len(emb_rows), -1)
            self.has_embedding[emb_rows] = True

    def __len__(self) -> int:
        return int(self.keys.shape[0])

    @property
    def any_embeddings(self) -> bool:
        return bool(self.has_embedding.any())

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays: what a worker pays for the library, to compare with the budget."""
        arrays: list[Any] = [self.keys, self.idf, self.vocab, self.indptr, self.col_rows, self.col_values]
        arrays += [self.themes, self.theme_counts, self.has_embedding]
        if self.embeddings is not None:
            arrays.append(self.embeddings)
        return int(sum(a.nbytes for a in arrays))

    def _postings(self, signature: Signature) -> tuple[list[str], list[float], list[tuple[int, int]]]:
        """The query's terms, their L2-normalised TF-IDF weights, and each one's slice of the columns."""
        import numpy as np

        terms = list(signature.terms)
        hashes = np.asarray([term_hash(t) for t in terms], dtype=np.uint32)
        where = np.searchsorted(self.vocab, hashes)
        found = (where < len(self.vocab)) & (self.vocab[np.minimum(where, max(len(self.vocab) - 1, 0))] == hashes)
        weights = []
        slices = []
        for i, term in enumerate(terms):
            # Signature weights are 1 + log tf already, which is what tfidf() applies to the count.
            idf = float(self.idf[where[i]]) if found[i] else self.default_idf
            weights.append(signature.terms[term] * idf)
            slices.append((int(self.indptr[where[i]]), int(self.indptr[where[i] + 1])) if found[i] else (0, 0))
        norm = math.sqrt(sum(w * w for w in weights)) or 1.0
        return terms, [w / norm for w in weights], slices

    def query(self, signature: Signature, *, limit: int = 5, exclude: Iterable[Hashable] = ()) -> list[SimilarMatch]:
        """The ``limit`` most similar indexed reports, best first: one pass of array arithmetic over the
        postings of the query's terms, then the reference's ordering for the few best."""
        import numpy as np

        n = len(self)
        if n == 0 or limit <= 0:
            return []
        terms, weights, slices = self._postings(signature)
        term_sim = np.zeros(n, dtype=np.float64)
        for weight, (start, stop) in zip(weights, slices, strict=True):
            if stop > start:
                term_sim[self.col_rows[start:stop]] += weight * self.col_values[start:stop]

        query_themes = signature.themes
        q_theme = np.zeros(len(self.theme_ids), dtype=np.float32)
        for j, theme in enumerate(self.theme_ids):
            if theme in query_themes:
                q_theme[j] = 1.0
        shared = (self.themes @ q_theme).astype(np.float64) if len(self.theme_ids) else np.zeros(n)
        union = len(query_themes) + self.theme_counts.astype(np.float64) - shared
        theme_sim = np.divide(shared, union, out=np.zeros(n), where=union > 0)

        numerator = WEIGHT_TERMS * term_sim + WEIGHT_THEMES * theme_sim
        denominator = WEIGHT_TERMS + WEIGHT_THEMES * (union > 0)
        emb_sim: NDArray[np.float64] | None = None
        query_embedding = signature.embedding
        if query_embedding and self.embeddings is not None and len(query_embedding) == self.embeddings.shape[1]:
            q = np.asarray(query_embedding, dtype=np.float32)
            emb_sim = np.maximum(0.0, (self.embeddings @ q).astype(np.float64))
            numerator = numerator + WEIGHT_EMBEDDING * emb_sim * self.has_embedding
            denominator = denominator + WEIGHT_EMBEDDING * self.has_embedding
        score = np.round(numerator / denominator, 6)

        candidate = (term_sim > 0) | (shared > 0)
        for key in exclude:
            row = self._row_of.get(key)  # type: ignore[call-overload]
            if row is not None:
                candidate[row] = False
        rows = np.flatnonzero(candidate)
        if len(rows) > limit:
            # Every row tied with the limit-th best comes through, so ties break as the reference does.
            kth = np.partition(score[rows], len(rows) - limit)[len(rows) - limit]
            rows = rows[score[rows] >= kth]
        best = sorted(rows.tolist(), key=lambda r: (-float(score[r]), str(int(self.keys[r]))))[:limit]

        matches = []
        for r in best:
            other_weight = {}
            for term, weight, (start, stop) in zip(terms, weights, slices, strict=True):
                if stop > start:
                    pos = start + int(np.searchsorted(self.col_rows[start:stop], r))
                    if pos < stop and self.col_rows[pos] == r:
                        other_weight[term] = weight * float(self.col_values[pos])
            overlap = sorted(other_weight, key=lambda t: -other_weight[t])[:8]
            signals = {"terms": float(term_sim[r]), "themes": float(theme_sim[r])}
            if emb_sim is not None and self.has_embedding[r]:
                signals["embedding"] = float(emb_sim[r])
            matches.append(
                SimilarMatch(
                    key=int(self.keys[r]),
                    score=float(score[r]),
                    shared_themes=tuple(sorted(query_themes & self.theme_sets[r])),
                    shared_terms=tuple(overlap),
                    signals=signals,
                )
            )
        return matches
