"""The theme facet from each report's confirmed-theme bits (kept by the database from ReportTheme), and the shown
page's best passages found by rowid ranges: both right whatever path wrote the rows."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cspr.library import theme_bits
from cspr.library.models import Passage, Report, ReportTheme
from cspr.library.search import get_backend, parse_query
from cspr.library.selectors import library_search
from cspr.library.taxonomy import theme_ids
from tests.library.test_scale import bulk_reports

pytestmark = pytest.mark.django_db


def _bits(report: Report) -> int:
    return Report.objects.values_list("confirmed_themes", flat=True).get(pk=report.pk)


def test_every_theme_in_the_taxonomy_has_a_permanent_slot():
    assert set(theme_ids()) <= set(theme_bits.THEME_SLOTS)
    assert len(set(theme_bits.BITS.values())) == len(theme_bits.THEME_SLOTS)
    assert max(theme_bits.BITS.values()) < 63


def test_the_database_keeps_the_bits_in_step_with_the_theme_rows_whatever_writes_them(small_library, make_user):
    from cspr.library.services import library_theme_confirm, library_theme_reject
    from cspr.partnerships.roles import Role

    report = small_library["sleep"]
    assert _bits(report) == 0  # suggestions are not counted
    curator = make_user(Role.PANEL_MEMBER)
    library_theme_confirm(actor=curator, report_id=report.pk, theme="sudi-safer-sleep")
    library_theme_confirm(actor=curator, report_id=report.pk, theme="neglect")
    assert _bits(report) == theme_bits.mask_for({"sudi-safer-sleep", "neglect"})
    library_theme_reject(actor=curator, report_id=report.pk, theme="neglect")
    assert _bits(report) == theme_bits.mask_for({"sudi-safer-sleep"})
    # Bulk and queryset writes, which no service sees, are counted too.
    ReportTheme.objects.bulk_create(
        [ReportTheme(report=report, theme="wider-family", status=ReportTheme.Status.CONFIRMED)]
    )
    ReportTheme.objects.filter(report=report, theme="sudi-safer-sleep").update(status=ReportTheme.Status.SUGGESTED)
    assert _bits(report) == theme_bits.mask_for({"wider-family"})
    ReportTheme.objects.filter(report=report, theme="wider-family").delete()
    assert _bits(report) == 0


def test_each_theme_counts_in_its_own_place_in_the_facet():
    """Every slot, including both halves of each paired sum, counts the reports that have it confirmed."""
    rng = random.Random(3)
    reports = bulk_reports(40)
    expected: dict[str, int] = {}
    rows = []
    for report in reports:
        for theme in rng.sample(theme_ids(), rng.randint(0, 12)):
            status = rng.choice([ReportTheme.Status.CONFIRMED, ReportTheme.Status.SUGGESTED])
            rows.append(ReportTheme(report=report, theme=theme, status=status))
            if status == ReportTheme.Status.CONFIRMED:
                expected[theme] = expected.get(theme, 0) + 1
    ReportTheme.objects.bulk_create(rows)

    for query in ("neglect", ""):
        facet = library_search(user=None, query=query).facets["theme"]
        assert {f.value: f.count for f in facet} == expected
    assert library_search(user=None, query="neglect", with_facets=False).facets == {}


def test_the_best_passage_is_the_one_with_most_of_what_was_asked_for_and_only_from_its_own_report(ingest_text):
    report = ingest_text(
        "Child V\n\nThe school nurse noted nothing.\n\n"
        "The health visitor saw the family. The health visitor raised neglect with the school.\n\n"
        "Later the police were called.",
        name="child-v.txt",
    )
    other = ingest_text("Child W\n\nThe health visitor and the school met about neglect.", name="child-w.txt")
    # A passage of another report inside this report's range of ids must not be taken for one of its own.
    Passage.objects.filter(report=other).update(id=Passage.objects.filter(report=report).order_by("id")[0].id + 100)
    lo = Passage.objects.filter(report=report).order_by("id")[0]
    Passage.objects.filter(report=report, position=lo.position).update(id=lo.id + 200)
    get_backend().index_reports([report.pk, other.pk])

    best = get_backend().best_passages(parse_query("health visitor school"), [report.pk, other.pk])
    assert "The health visitor raised neglect" in best[report.pk].snippet.replace("\ue000", "").replace("\ue001", "")
    assert best[report.pk].matching_passages == len(
        [p for p in Passage.objects.filter(report=report) if "school" in p.text or "health" in p.text]
    )
    assert best[other.pk].matching_passages == 1


def test_the_search_page_costs_the_same_queries_when_every_report_matches():
    bulk_reports(25, confirmed="neglect")
    with CaptureQueriesContext(connection) as few:
        library_search(user=None, query="neglect")
    bulk_reports(250, confirmed="neglect")
    with CaptureQueriesContext(connection) as many:
        results = library_search(user=None, query="neglect")
    assert len(few.captured_queries) == len(many.captured_queries) == 3
    assert results.total == 275 and {f.value: f.count for f in results.facets["theme"]} == {"neglect": 275}
    assert all(h.snippet for h in results.hits)
