"""Search behaves the same on SQLite FTS5 and PostgreSQL: stemming, phrases, OR, NOT, snippets, facets.

Run on PostgreSQL with DATABASE_URL set; the same tests, the backend chosen by the database vendor.
"""

from __future__ import annotations

import pytest
from django.db import connection

from cspr.library.models import Passage, ReportTheme
from cspr.library.search import get_backend, highlight_html, parse_query
from cspr.library.selectors import SearchFilters, library_search

pytestmark = pytest.mark.django_db


def titles(query: str, **kwargs) -> list[str]:
    return [h.report.title for h in library_search(user=None, query=query, **kwargs).hits]


def test_the_backend_matches_the_database_vendor():
    assert get_backend().vendor == connection.vendor


def test_english_stemming_finds_other_forms_of_a_word(small_library):
    assert titles("neglectful") == ["Children S and T"]
    assert titles("exploiting") == ["Child R: exploitation review"]


def test_a_phrase_must_match_as_a_phrase(small_library):
    assert titles('"safer sleep"') == ["Child Q: safer sleep review"]
    assert titles('"sleep safer"') == []


def test_or_and_not(small_library):
    assert sorted(titles("sofa OR drugs")) == ["Child Q: safer sleep review", "Child R: exploitation review"]
    assert titles("health visitor") == ["Children S and T", "Child Q: safer sleep review"] or sorted(
        titles("health visitor")
    ) == ["Child Q: safer sleep review", "Children S and T"]
    assert titles("health visitor -sofa") == ["Children S and T"]
    assert titles("health visitor NOT sofa") == ["Children S and T"]


def test_all_words_must_match(small_library):
    assert titles("sofa drugs") == []


def test_snippets_highlight_matches_and_escape_report_text(small_library, ingest_text):
    ingest_text("Script test\n\nThe <script>alert(1)</script> neglect tag was in the text.", name="x.txt")
    results = library_search(user=None, query="neglect")
    html = {h.report.title: highlight_html(h.snippet) for h in results.hits}
    assert "<mark>neglect</mark>" in html["Script test"].lower()
    assert "<script>" not in html["Script test"]  # escaped (FTS5) or stripped (ts_headline)
    assert "alert(1)" in html["Script test"]


def test_results_carry_the_page_of_the_best_passage(small_library):
    [hit] = library_search(user=None, query="county lines").hits
    assert hit.page == 1
    assert hit.score > 0


def test_facets_count_the_matching_reports_and_filters_narrow_them(small_library):
    results = library_search(user=None, query="health visitor")
    years = {f.value: f.count for f in results.facets["year"]}
    assert years == {"2022": 1, "2023": 1}
    narrowed = library_search(user=None, query="health visitor", filters=SearchFilters(year=(2023,)))
    assert [h.report.title for h in narrowed.hits] == ["Children S and T"]
    nations = {f.value for f in library_search(user=None, query="").facets["nation"]}
    assert nations == {"england", "wales"}


def test_only_confirmed_themes_are_facets(small_library, make_user):
    from cspr.library.services import library_theme_confirm
    from cspr.partnerships.roles import Role

    report = small_library["sleep"]
    assert ReportTheme.objects.filter(report=report, status="suggested").exists()
    assert library_search(user=None, query="").facets["theme"] == []
    curator = make_user(Role.PANEL_MEMBER)
    library_theme_confirm(actor=curator, report_id=report.pk, theme="sudi-safer-sleep")
    facet = library_search(user=None, query="").facets["theme"]
    assert [(f.value, f.count) for f in facet] == [("sudi-safer-sleep", 1)]
    filtered = library_search(user=None, query="", filters=SearchFilters(theme=("sudi-safer-sleep",)))
    assert [h.report.pk for h in filtered.hits] == [report.pk]


def test_deleted_passages_leave_the_index(small_library):
    Passage.objects.filter(report=small_library["sleep"]).delete()
    assert titles("sofa") == []


def test_an_empty_query_browses_the_catalogue_newest_first(small_library):
    results = library_search(user=None, query="   ")
    assert results.total == 3
    assert results.hits[0].report.year == 2023


def test_the_query_parser():
    q = parse_query('"safer sleep" OR co-sleeping -court NOT judge the')
    assert [c.alternatives for c in q.positive] == [(("safer", "sleep"), ("co", "sleeping"))]
    assert [c.alternatives for c in q.negative] == [(("court",),), (("judge",),)]
    assert not parse_query("-court")
    assert not parse_query("the")


def test_a_query_with_nothing_to_look_for_is_refused_rather_than_matching_everything(small_library):
    from cspr.library.search import QuerySyntaxError

    with pytest.raises(QuerySyntaxError, match="cannot only leave words out"):
        library_search(user=None, query="-court NOT judge")
    with pytest.raises(QuerySyntaxError, match="very common words"):
        library_search(user=None, query="the OR and")
    assert library_search(user=None, query="").total == 3
