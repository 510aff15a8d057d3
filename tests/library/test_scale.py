"""The library at national scale: right totals and facets past any cap, a constant number of queries as the
library grows, and similar reviews from the stored vectors agreeing with the reference scoring."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cspr.library.models import Passage, Report, ReportTheme
from cspr.library.search import get_backend
from cspr.library.selectors import library_search, similar_reviews_for_text
from cspr.library.services import library_vectors_rebuild
from cspr.library.similarity import Signature, SimilarityIndex, signature_for
from cspr.library.vectors import VectorIndex, pack_terms

pytestmark = pytest.mark.django_db

_serial = itertools.count()
WORDS = ["neglect", "school", "health", "visitor", "escalation", "curiosity", "housing", "police", "referral", "sleep"]


def bulk_reports(n: int, *, year: int = 2023, confirmed: str | None = None, text: str = "") -> list[Report]:
    """``n`` minimal searchable reports written in bulk: a catalogue record and one passage each (which the
    database indexes itself), their report-level search entries (as ingest writes them), optionally a
    confirmed theme."""
    rng = random.Random(n)
    reports = []
    for _ in range(n):
        i = next(_serial)
        body = text or " ".join(rng.sample(WORDS, 5))
        reports.append(
            Report(
                title=f"Child {i}",
                source_name=f"r{i}.txt",
                format="txt",
                sha256=f"{i:064x}",
                year=year,
                nation="england",
                signature=signature_for([body]).to_json(),
            )
        )
    created = Report.objects.bulk_create(reports, batch_size=2000)
    Passage.objects.bulk_create(
        [Passage(report=r, position=0, page=1, text=text or f"The review found neglect. {r.title}") for r in created],
        batch_size=2000,
    )
    get_backend().index_reports([r.pk for r in created])
    if confirmed:
        ReportTheme.objects.bulk_create(
            [ReportTheme(report=r, theme=confirmed, status=ReportTheme.Status.CONFIRMED) for r in created],
            batch_size=2000,
        )
    return created


def test_totals_and_facet_counts_stay_right_beyond_ten_thousand_matching_reports():
    bulk_reports(10_040, year=2023, confirmed="neglect")
    bulk_reports(10, year=2022)

    results = library_search(user=None, query="neglect", limit=20)

    assert results.total == 10_050
    years = {f.value: f.count for f in results.facets["year"]}
    assert years == {"2023": 10_040, "2022": 10}
    assert {f.value: f.count for f in results.facets["theme"]} == {"neglect": 10_040}
    assert len(results.hits) == 20
    last = library_search(user=None, query="neglect", limit=20, offset=10_040)
    assert len(last.hits) == 10 and last.total == 10_050
    api = Client().get("/api/v1/library/search", {"q": "neglect", "year": 2022}).json()
    assert api["total"] == 10 and len(api["results"]) == 10
    assert library_search(user=None, query="").total == 10_050


def _queries(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def test_the_search_page_runs_the_same_number_of_queries_at_n_and_ten_n_reports():
    client = Client()
    bulk_reports(30, confirmed="neglect")
    at_n = [_queries(lambda q=q: client.get("/library/", {"q": q})) for q in ("neglect", "", "neglect -court")]
    bulk_reports(270, confirmed="neglect")
    at_10n = [_queries(lambda q=q: client.get("/library/", {"q": q})) for q in ("neglect", "", "neglect -court")]
    assert at_n == at_10n
    assert max(at_10n) <= 6


def test_similar_reviews_run_the_same_number_of_queries_at_n_and_ten_n_reports():
    text = "The health visitor saw neglect at home and the school raised no referral.\n\nHousing and police met."
    bulk_reports(20, text=text)
    library_vectors_rebuild()
    similar_reviews_for_text(text=text)  # builds this process's matrix once for this version of the library
    at_n = _queries(lambda: similar_reviews_for_text(text=text))
    bulk_reports(180, text=text)
    library_vectors_rebuild()
    rebuild = _queries(lambda: similar_reviews_for_text(text=text))
    at_10n = _queries(lambda: similar_reviews_for_text(text=text))
    assert at_n == at_10n <= 3  # the version check, the shown reports, their passages
    assert rebuild <= at_10n + 3  # after a change: the same, plus loading the vectors once


def test_the_vector_index_ranks_and_scores_as_the_reference_index_does():
    rng = random.Random(5)
    vocabulary = [f"term{i}" for i in range(300)]
    themes = ["neglect", "domestic-abuse", "sudi-safer-sleep", "online-harm"]
    signatures = {
        key: Signature(
            terms={t: 1.0 + rng.random() * 3 for t in rng.sample(vocabulary, rng.randint(5, 60))},
            themes=frozenset(rng.sample(themes, rng.randint(0, 2))),
        )
        for key in range(1, 400)
    }
    reference = SimilarityIndex(signatures.items())
    vectors = VectorIndex((k, pack_terms(s.terms), " ".join(sorted(s.themes)), None) for k, s in signatures.items())
    for key in (1, 50, 399):
        query = signatures[key]
        expected = reference.query(query, limit=8, exclude=[key])
        got = vectors.query(query, limit=8, exclude=[key])
        assert [m.key for m in got] == [m.key for m in expected]
        assert [m.score for m in got] == pytest.approx([m.score for m in expected], abs=2e-6)
        assert [m.shared_themes for m in got] == [m.shared_themes for m in expected]
        assert [m.shared_terms[:3] for m in got] == [m.shared_terms[:3] for m in expected]
