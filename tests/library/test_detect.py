"""The theme detector suggests the right themes, shows its evidence and degrades cleanly."""

from __future__ import annotations

import pytest

from cspr.library.detect import MODE_BASIC, MODE_EMBEDDINGS, ThemeDetector
from cspr.library.embeddings import embeddings_status
from cspr.library.passages import Passage
from cspr.library.taxonomy import Theme

SAFER_SLEEP = [
    Passage(0, "Background to the family and the agencies involved with them over two years.", 1, "Introduction"),
    Passage(
        1,
        "Baby Q was found unresponsive on the sofa where he had fallen asleep with his father after the "
        "father had been drinking. Safer sleep advice about co-sleeping had been given by the midwife.",
        7,
        "Key practice episode 3",
    ),
]


@pytest.fixture(scope="module")
def basic() -> ThemeDetector:
    return ThemeDetector(use_embeddings=False)


def test_safer_sleep_is_suggested_with_the_passage_that_shows_it(basic):
    result = basic.detect(SAFER_SLEEP)
    assert result.mode == MODE_BASIC
    top = result.suggestions[0]
    assert top.theme == "sudi-safer-sleep"
    assert top.evidence[0].page == 7
    assert top.evidence[0].heading == "Key practice episode 3"
    # Cues are named as the taxonomy first spells them ("co-sleep" also stands for "co-sleeping").
    assert {"co-sleep", "safer sleep"} <= set(top.evidence[0].cues)


def test_unrelated_themes_are_not_suggested(basic):
    suggested = {s.theme for s in basic.detect(SAFER_SLEEP).suggestions}
    assert not suggested & {"online-harm", "covid-19", "criminal-exploitation", "family-courts"}


def test_a_negated_cue_counts_for_less(basic):
    affirmed = basic.detect(["There was domestic abuse in the household."]).scores["domestic-abuse"]
    negated = basic.detect(["There was no evidence of domestic abuse in the household."]).scores["domestic-abuse"]
    assert negated < affirmed


def test_a_contracted_negation_counts_as_a_negation(basic):
    affirmed = basic.detect(["There was domestic abuse in the household."]).scores["domestic-abuse"]
    contracted = basic.detect(["There wasn't domestic abuse in the household."]).scores["domestic-abuse"]
    assert contracted < affirmed


def _cue_signal(cues: list[str], text: str, weak: tuple[str, ...] = ()) -> float:
    """The cue signal of a one-theme taxonomy for ``text`` (other themes would only add noise)."""
    theme = Theme(id="t", label="T", description="A test theme.", cues=tuple(cues), weak_cues=weak)
    other = Theme(id="u", label="U", description="Another theme.", cues=("unrelated",), weak_cues=())
    detector = ThemeDetector(themes=[theme, other], training=(), use_embeddings=False)
    return {s.theme: s.signals["cue"] for s in detector.score([text])}["t"]


def test_a_word_counts_once_however_many_of_its_spellings_the_taxonomy_lists():
    text = "There was bruising to the baby's face."
    assert _cue_signal(["bruise", "bruising"], text) == _cue_signal(["bruise"], text)


def test_a_cue_inside_a_longer_cue_of_the_theme_counts_once():
    text = "The child was not seen alone by the social worker."
    assert _cue_signal(["not seen alone", "seen alone", "was not seen"], text) == _cue_signal(["not seen alone"], text)


def test_a_cue_written_with_not_matches_its_contraction():
    assert _cue_signal(["was not seen"], "Child R wasn't seen for six months.") > 0


def test_voice_of_child_is_suggested_when_the_child_was_not_spoken_to_on_their_own(basic):
    text = (
        "Child T was not spoken to on her own at any of the four home visits, and nobody asked her what "
        "life was like at home."
    )
    assert "voice-of-child" in {s.theme for s in basic.detect([text]).suggestions}


def test_scores_are_best_first_and_between_zero_and_one(basic):
    scored = basic.score(["Child K was exploited through county lines and went missing from care."])
    values = [s.score for s in scored]
    assert values == sorted(values, reverse=True)
    assert all(0.0 <= v <= 1.0 for v in values)
    assert scored[0].theme == "criminal-exploitation"


def test_empty_input_suggests_nothing(basic):
    assert basic.detect([]).suggestions == ()


def test_switching_embeddings_off_falls_back_and_says_why(monkeypatch):
    monkeypatch.setenv("CSPR_LIBRARY_EMBEDDINGS", "0")
    detector = ThemeDetector()
    assert detector.mode == MODE_BASIC
    assert "CSPR_LIBRARY_EMBEDDINGS" in (detector.fallback or "")


@pytest.mark.skipif(not embeddings_status()[0], reason="the [nlp] extra is not installed")
def test_with_embeddings_the_mode_says_minilm_and_still_finds_the_theme():
    detector = ThemeDetector(use_embeddings=True)
    result = detector.detect(SAFER_SLEEP)
    assert result.mode == MODE_EMBEDDINGS
    assert result.suggestions[0].theme == "sudi-safer-sleep"


def test_the_measured_figures_on_the_test_split_stay_useful():
    """A guard against regressions, not the figures themselves (docs/library.md reports those)."""
    from cspr.library.evaluation import evaluate

    result = evaluate(use_embeddings=False)
    micro = result[MODE_BASIC]["micro"]
    assert micro["precision"] >= 0.5
    assert micro["recall"] >= 0.45
