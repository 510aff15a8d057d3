"""The labelled set is well formed and its test split is never used to build the detector."""

from cspr.library.detect import ThemeDetector
from cspr.library.labelled import load_labelled, split_of
from cspr.library.taxonomy import theme_ids


def test_every_label_is_a_taxonomy_theme_and_ids_are_unique():
    examples = load_labelled()
    assert len({e.id for e in examples}) == len(examples) >= 100
    known = set(theme_ids())
    for example in examples:
        assert example.themes <= known, example.id


def test_the_split_depends_on_the_id_alone():
    assert split_of("lab-001") == split_of("lab-001")
    splits = [split_of(f"x-{i}") for i in range(1000)]
    assert 0.5 < splits.count("train") / 1000 < 0.7


def test_the_default_detector_is_built_from_the_train_split_only():
    detector = ThemeDetector(use_embeddings=False)
    test_ids = {e.id for e in load_labelled("test")}
    assert detector.training
    assert not {e.id for e in detector.training} & test_ids
