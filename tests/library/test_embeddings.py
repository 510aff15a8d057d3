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
