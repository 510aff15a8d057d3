"""A report published through the review chain enters the public library once, whole, or not at all.

These tests call the service the chain's publication step calls (tests/cases/test_publication.py),
``library_report_add_from_publication``, the way it does: with the partnership, the case and the file.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from cspr.audit.models import AuditEvent
from cspr.core.errors import ValidationFailed
from cspr.library.models import Passage, Report, ReportTheme
from cspr.library.samples import pdf_bytes, wrap
from cspr.library.selectors import library_search, recurrent_theme_statistics
from cspr.library.services import library_report_add_from_publication
from cspr.partnerships.roles import Role

pytestmark = pytest.mark.django_db

FINDINGS = (
    "Baby N was found unresponsive after co-sleeping with his mother on a sofa. Safer sleep advice had been "
    "given by the midwife but the health visitor did not ask where the baby slept."
)


def final_report() -> bytes:
    return pdf_bytes([["Findings", "", *wrap(FINDINGS)], ["Recommendations", "", *wrap("Repeat safer sleep.")]])


@pytest.fixture
def publishing(make_partnership: Any, make_user: Any) -> dict[str, Any]:
    partnership = make_partnership("Northshire")
    return {"partnership": partnership, "manager": make_user(Role.BUSINESS_MANAGER, partnership)}


def publish(publishing: dict[str, Any], **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "actor": publishing["manager"],
        "partnership": publishing["partnership"],
        "case_id": 41,
        "file_name": "baby-n-lcspr.pdf",
        "data": final_report(),
        "title": "Baby N: local child safeguarding practice review",
        "child": "Baby N",
        "published_on": datetime.date(2025, 3, 14),
    }
    values.update(overrides)
    return library_report_add_from_publication(**values)


def test_a_published_report_is_searchable_by_anyone_with_its_partnership_as_publisher(publishing):
    outcome = publish(publishing)
    report = outcome.report
    assert outcome.created
    assert (report.origin, report.origin_case_id, report.is_public) == ("publication", 41, True)
    assert report.partnership == publishing["partnership"]
    assert (report.publisher, report.nation, report.year) == ("Northshire", "england", 2025)
    assert report.available_until == datetime.date(2030, 3, 14)

    hits = library_search(user=None, query="unresponsive sofa").hits
    assert [h.report.pk for h in hits] == [report.pk]
    assert hits[0].page == 1

    search_page = Client().get("/library/", {"q": "co-sleeping"}).content.decode()
    assert "Baby N: local child safeguarding practice review" in search_page
    assert "Northshire" in search_page
    report_page = Client().get(f"/library/reports/{report.pk}/")
    assert report_page.status_code == 200
    assert "Northshire" in report_page.content.decode()


def test_publication_is_audited_with_the_person_and_the_partnership(publishing):
    report = publish(publishing).report
    event = AuditEvent.objects.get(action="library.report_ingested", object_id=str(report.pk))
    assert event.actor_id == publishing["manager"].pk
    assert event.partnership_id == publishing["partnership"].pk


def test_the_published_report_counts_as_the_partnerships_own_in_recurrent_themes(publishing):
    report = publish(publishing).report
    stats = recurrent_theme_statistics(partnership=publishing["partnership"])
    assert stats.partnership_reports == 1
    assert ReportTheme.objects.filter(report=report, theme="sudi-safer-sleep").exists()


def test_publishing_the_same_case_twice_adds_nothing_the_second_time(publishing):
    first = publish(publishing)
    # A corrected file for the same case: still the one report, and no second audit event.
    again = publish(publishing, data=pdf_bytes([["Findings", "", *wrap(FINDINGS + " Corrected.")]]))
    assert not again.created
    assert again.report.pk == first.report.pk
    assert Report.objects.count() == 1
    assert AuditEvent.objects.filter(action="library.report_ingested").count() == 1


def test_a_concurrent_second_publication_of_the_case_returns_the_first(publishing, monkeypatch):
    """Two requests that both passed the "already published?" check: the database's unique case id
    decides, and the loser gets the winner's report instead of an error."""
    import cspr.library.services as services

    winner = publish(publishing).report
    real_filter = services.Report.objects.filter
    calls = {"n": 0}

    def first_check_misses(*args: Any, **kwargs: Any) -> Any:
        if "origin_case_id" in kwargs and calls["n"] == 0:
            calls["n"] += 1
            return real_filter(pk=-1)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(services.Report.objects, "filter", first_check_misses)
    other_bytes = pdf_bytes([["Findings", "", *wrap(FINDINGS + " Published twice at once.")]])
    outcome = publish(publishing, data=other_bytes)
    assert not outcome.created
    assert outcome.report.pk == winner.pk
    assert Report.objects.count() == 1


def test_a_corrupt_file_is_refused_and_nothing_is_stored(publishing):
    with pytest.raises(ValidationFailed, match=r"baby-n-lcspr\.pdf cannot be read"):
        publish(publishing, data=b"%PDF-1.7 cut off in the upload")
    assert Report.objects.count() == 0
    assert Passage.objects.count() == 0
    assert not AuditEvent.objects.filter(action="library.report_ingested").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"review_type": "not-a-review-type"}, "review_type"),
        ({"source_url": "not an address"}, "source_url"),
        ({"title": "   "}, "title"),
    ],
)
def test_bad_metadata_is_refused_by_field_and_nothing_is_stored(publishing, overrides, field):
    with pytest.raises(ValidationFailed) as refused:
        publish(publishing, **overrides)
    assert field in refused.value.field_errors
    assert Report.objects.count() == 0
    assert Passage.objects.count() == 0
    assert ReportTheme.objects.count() == 0


def test_a_failure_while_writing_rolls_back_the_whole_report(publishing, monkeypatch):
    import cspr.library.services as services

    def audit_down(**kwargs: Any) -> Any:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit_record", audit_down)
    with pytest.raises(RuntimeError):
        publish(publishing)
    assert Report.objects.count() == 0
    assert Passage.objects.count() == 0
    assert ReportTheme.objects.count() == 0


def test_the_partnership_may_give_its_own_availability_date(publishing):
    report = publish(publishing, available_until=datetime.date(2035, 1, 31)).report
    assert report.available_until == datetime.date(2035, 1, 31)
