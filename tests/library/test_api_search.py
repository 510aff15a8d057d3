"""The public JSON search (/api/v1/library/search) finds only published material whose full text is within its
retention period; a partnership's unpublished reports and expired text never reach it."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from cspr.library.models import Report
from cspr.library.services import library_report_ingest, library_retention_apply

pytestmark = pytest.mark.django_db


def _search(**params: object) -> dict:
    response = Client().get("/api/v1/library/search", params)
    assert response.status_code == 200, response.content
    return response.json()


def _titles(**params: object) -> list[str]:
    return sorted(r["title"] for r in _search(**params)["results"])


def test_unpublished_reports_are_neither_found_nor_counted(small_library, make_partnership):
    draft = library_report_ingest(
        actor=None,
        name="draft.txt",
        data=b"Unpublished draft\n\nThe sofa and the health visitor, in a review not yet published.",
        partnership=make_partnership("Northshire"),
        is_public=False,
    ).report

    assert _titles(q="sofa") == ["Child Q: safer sleep review"]
    browse = _search(limit=200)
    assert browse["total"] == 3
    assert draft.pk not in [r["id"] for r in browse["results"]]
    assert sum(f["count"] for f in browse["facets"]["nation"]) == 3
    assert Client().get(f"/api/v1/library/reports/{draft.pk}").status_code == 404


def test_text_past_its_retention_date_is_not_searched_but_the_record_is_listed(small_library):
    sleep = small_library["sleep"]
    Report.objects.filter(pk=sleep.pk).update(available_until=timezone.localdate() - datetime.timedelta(days=1))

    assert _titles(q="sofa") == [], "expired text is not searched even before the daily job removes it"
    assert _titles(q="health visitor") == ["Children S and T"]
    assert sleep.pk in [r["id"] for r in _search()["results"]]
    record = Client().get(f"/api/v1/library/reports/{sleep.pk}").json()
    assert record["text_available"] is False

    library_retention_apply()
    assert _titles(q="sofa") == []
    assert sleep.pk in [r["id"] for r in _search()["results"]]


def test_text_within_its_retention_date_is_found_with_a_snippet(small_library):
    Report.objects.filter(pk=small_library["sleep"].pk).update(available_until=timezone.localdate())
    [hit] = _search(q='"safer sleep"')["results"]
    assert hit["title"] == "Child Q: safer sleep review"
    assert "**safer** **sleep**" in hit["snippet"].lower() or "**safer sleep**" in hit["snippet"].lower()


def test_a_query_with_nothing_to_look_for_is_refused_with_a_reason(small_library):
    response = Client().get("/api/v1/library/search", {"q": "-court"})
    assert response.status_code == 422
    assert response.json()["detail"] == "Add a word or phrase to look for: a search cannot only leave words out"
    assert response.json()["field_errors"] == {"q": response.json()["detail"]}


@pytest.mark.parametrize("year", ["99999999999999999999", "0", "\uff12\uff10\uff12\uff10", "20201"])
def test_a_year_that_is_not_four_digits_matches_nothing_instead_of_a_server_error(small_library, year):
    """Issue "Prove it holds", defect 2: a 20-digit year overflowed the database integer and answered 500."""
    page = Client().get("/library/", {"year": year})
    assert page.status_code == 200
    api = Client().get("/api/v1/library/search", {"year": year})
    assert api.status_code in (200, 422), api.content
