"""The shipped taxonomy has every theme the issue names, each usable by the detector."""

from pathlib import Path

import pytest

from cspr.library.taxonomy import TaxonomyError, load_taxonomy

REQUIRED = [
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
]


def test_every_required_theme_is_in_the_taxonomy_with_label_description_and_cues():
    themes = {t.id: t for t in load_taxonomy()}
    assert set(REQUIRED) <= set(themes)
    for theme_id in REQUIRED:
        theme = themes[theme_id]
        assert theme.label and len(theme.description) > 40
        assert len(theme.cues) >= 5, theme_id
        assert all(tokens for tokens, _ in theme.stemmed_cues())


def test_a_duplicate_id_is_refused(tmp_path: Path):
    path = tmp_path / "themes.toml"
    entry = '[[theme]]\nid = "neglect"\nlabel = "N"\ndescription = "d"\ncues = ["x"]\n'
    path.write_text(entry + entry)
    with pytest.raises(TaxonomyError, match="duplicate"):
        load_taxonomy(path)


def test_a_theme_without_cues_is_refused(tmp_path: Path):
    path = tmp_path / "themes.toml"
    path.write_text('[[theme]]\nid = "x"\nlabel = "X"\ndescription = "d"\ncues = []\n')
    with pytest.raises(TaxonomyError, match="cue"):
        load_taxonomy(path)


def test_a_weak_cue_that_stems_like_a_strong_one_is_refused(tmp_path: Path):
    """ "recorded" (weak) and "recording" (strong) are one word to the matcher: the file must choose."""
    path = tmp_path / "themes.toml"
    path.write_text(
        '[[theme]]\nid = "recording"\nlabel = "R"\ndescription = "d"\ncues = ["recording"]\nweak_cues = ["recorded"]\n'
    )
    with pytest.raises(TaxonomyError, match="same once stemmed"):
        load_taxonomy(path)


def test_spellings_that_stem_alike_are_one_cue_named_by_the_first():
    bruising = {t.id: t for t in load_taxonomy()}["non-accidental-injury"]
    entries = [(tokens, phrase) for tokens, _, phrase in bruising.cue_entries() if tokens == ("bruis",)]
    assert entries == [(("bruis",), "bruise")]
