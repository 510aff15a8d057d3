"""Similar reviews: the closest report wins, the query itself is excluded, shared passages are found."""

from cspr.library.similarity import SimilarityIndex, shared_passages, signature_for

SLEEP = "The baby died while co-sleeping on a sofa with his father, who had been drinking. Safer sleep advice."
EXPLOIT = "The boy was exploited through county lines, carried drugs to another town and was stabbed."
NEGLECT = "The children were hungry, unwashed and often late for school; the home was cold and dirty."


def _index():
    return SimilarityIndex(
        [
            ("sleep", signature_for([SLEEP], themes=["sudi-safer-sleep"])),
            ("exploit", signature_for([EXPLOIT], themes=["criminal-exploitation"])),
            ("neglect", signature_for([NEGLECT], themes=["neglect"])),
        ]
    )


def test_the_most_similar_report_shares_words_and_themes():
    query = signature_for(
        ["A baby died after bed sharing on a sofa; safer sleep advice was given."],
        themes=["sudi-safer-sleep"],
    )
    matches = _index().query(query, limit=2)
    assert matches[0].key == "sleep"
    assert matches[0].shared_themes == ("sudi-safer-sleep",)
    assert "sofa" in matches[0].shared_terms
    assert matches[0].score > (matches[1].score if len(matches) > 1 else 0)


def test_a_report_is_not_similar_to_itself_when_excluded():
    index = _index()
    sig = signature_for([SLEEP], themes=["sudi-safer-sleep"])
    assert index.query(sig, limit=1)[0].key == "sleep"
    assert all(m.key != "sleep" for m in index.query(sig, exclude=["sleep"]))


def test_signatures_round_trip_through_json():
    sig = signature_for([NEGLECT], themes=["neglect"], embedding=[0.6, 0.8])
    again = type(sig).from_json(sig.to_json(), themes=["neglect"])
    assert again.themes == sig.themes
    assert again.embedding == (0.6, 0.8)
    assert again.terms.keys() == sig.terms.keys()


def test_shared_passages_pair_the_passages_about_the_same_thing():
    pairs = shared_passages(
        [NEGLECT, SLEEP], [EXPLOIT, "A baby was co-sleeping on the sofa with a father who had been drinking."]
    )
    assert (pairs[0].query_index, pairs[0].other_index) == (1, 1)
