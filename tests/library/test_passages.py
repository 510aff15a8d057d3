"""Passages never cross a page or a section, and lose or reorder no words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cspr.library.extract import Block
from cspr.library.passages import MAX_WORDS, split_passages

words = st.text(alphabet="abcdefghij", min_size=1, max_size=8)
sentences = st.lists(words, min_size=1, max_size=40).map(lambda ws: " ".join(ws) + ".")
paragraphs = st.lists(sentences, min_size=1, max_size=30).map(" ".join)
blocks = st.lists(
    st.one_of(
        st.builds(lambda t, p: Block(text=t, page=p), paragraphs, st.integers(1, 5)),
        st.builds(lambda t, p: Block(text=t, page=p, heading=True), words, st.integers(1, 5)),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(blocks)
def test_passages_keep_all_words_in_order_within_one_page_and_heading(items):
    items = sorted(items, key=lambda b: b.page)  # pages come in order in a real document
    passages = split_passages(items)
    body_words = [w for b in items if not b.heading for w in b.text.split()]
    assert [w for p in passages for w in p.text.split()] == body_words
    for passage in passages:
        assert passage.word_count <= MAX_WORDS
    # Each passage's page is the page of the blocks it came from.
    cursor = 0
    flat = [(w, b.page) for b in items if not b.heading for w in b.text.split()]
    for passage in passages:
        pages = {page for _, page in flat[cursor : cursor + passage.word_count]}
        assert pages == {passage.page}
        cursor += passage.word_count


def test_a_heading_starts_a_new_passage_and_is_remembered():
    passages = split_passages(
        [
            Block("Background", 1, heading=True),
            Block("First finding.", 1),
            Block("Escalation", 1, heading=True),
            Block("Second finding.", 1),
            Block("Continues overleaf.", 2),
        ]
    )
    assert [(p.heading, p.page, p.text) for p in passages] == [
        ("Background", 1, "First finding."),
        ("Escalation", 1, "Second finding."),
        ("Escalation", 2, "Continues overleaf."),
    ]
