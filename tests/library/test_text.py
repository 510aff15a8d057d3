"""Stemming and TF-IDF helpers behave as the detector and similarity rely on."""

from cspr.library.text import content_terms, cosine, l2_normalise, stem, tokenize


def test_inflections_of_safeguarding_words_share_a_stem():
    assert stem("neglected") == stem("neglectful") == stem("neglecting") == stem("neglect")
    assert stem("exploitation") == stem("exploited")
    assert stem("sleeping") == stem("sleeps") == "sleep"


def test_porter_reference_cases():
    cases = {
        "caresses": "caress",
        "ponies": "poni",
        "hopping": "hop",
        "relational": "relat",
        "adjustment": "adjust",
    }
    assert {w: stem(w) for w in cases} == cases


def test_hyphenated_words_split_so_cues_match_either_spelling():
    assert tokenize("Co-sleeping, the child's cot") == ["co", "sleeping", "the", "child", "cot"]


def test_content_terms_drop_stop_words_and_numbers():
    assert content_terms("The 3 children were not seen by the school") == ["children", "seen", "school"]


def test_cosine_of_normalised_vectors():
    a = l2_normalise({"x": 1.0, "y": 1.0})
    assert abs(cosine(a, a) - 1.0) < 1e-9
    assert cosine(a, l2_normalise({"z": 2.0})) == 0.0
