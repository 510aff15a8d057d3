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
