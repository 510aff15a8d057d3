"""Ingest stores whole reports or nothing, is idempotent, and reads every supported format."""

from __future__ import annotations

import pytest

from cspr.audit.models import AuditEvent
from cspr.library.extract import ExtractionError
from cspr.library.models import Passage, Report, ReportTheme
from cspr.library.samples import docx_bytes, html_document, pdf_bytes, wrap
from cspr.library.services import library_report_ingest

pytestmark = pytest.mark.django_db

TEXT = (
    "The baby was found unresponsive after co-sleeping with his mother on a sofa. Safer sleep advice had "
    "been given. The father had been drinking."
)


def test_a_pdf_is_stored_with_passages_pages_themes_and_an_audit_event():
    pages = [[f"{n}. Key practice episode {n}", "", *wrap(TEXT)] for n in range(1, 4)]
    outcome = library_report_ingest(actor=None, name="child-q.pdf", data=pdf_bytes(pages))
    report = outcome.report
    assert outcome.created
    assert (report.format, report.page_count, report.source_name) == ("pdf", 3, "child-q.pdf")
    assert list(report.passages.values_list("page", flat=True)) == [1, 2, 3]
    assert ReportTheme.objects.filter(report=report, theme="sudi-safer-sleep", status="suggested").exists()
    event = AuditEvent.objects.get(action="library.report_ingested")
    assert event.object_id == str(report.pk)
    assert report.available_until is not None


def test_reingesting_the_same_content_changes_nothing():
    first = library_report_ingest(actor=None, name="a.txt", data=TEXT.encode())
    again = library_report_ingest(actor=None, name="renamed.txt", data=TEXT.encode())
    assert not again.created
    assert again.report.pk == first.report.pk
    assert Report.objects.count() == 1
    assert AuditEvent.objects.filter(action="library.report_ingested").count() == 1


def test_a_word_file_and_an_html_file_are_ingested_with_their_titles():
    word = library_report_ingest(
        actor=None, name="w.docx", data=docx_bytes([("Findings", [TEXT])], title="Child W: practice review")
    ).report
    page = library_report_ingest(
        actor=None,
        name="h.html",
        data=html_document("Child H: learning review", [("Learning", [TEXT + " H."])]).encode(),
    ).report
    assert word.title == "Child W: practice review"
    assert page.title == "Child H: learning review"
    assert word.passages.get().heading == "Findings"


def test_a_corrupt_pdf_raises_and_stores_nothing():
    with pytest.raises(ExtractionError):
        library_report_ingest(actor=None, name="bad.pdf", data=b"%PDF-1.7 truncated")
    assert Report.objects.count() == 0


def test_an_interrupted_ingest_leaves_no_half_stored_report(monkeypatch):
    """The audit event is the last write; failing there must roll back report, passages and themes."""
    import cspr.library.services as services

    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(services, "audit_record", interrupted)
    with pytest.raises(KeyboardInterrupt):
        library_report_ingest(actor=None, name="a.txt", data=TEXT.encode())
    assert Report.objects.count() == 0
    assert Passage.objects.count() == 0
    assert ReportTheme.objects.count() == 0


def test_csv_metadata_wins_over_what_the_document_says():
    from cspr.library.metadata import ReportMetadata

    report = library_report_ingest(
        actor=None,
        name="a.txt",
        data=("Child Z review 2019\n\n" + TEXT).encode(),
        metadata=ReportMetadata(title="Child Z", year=2021, nation="england", published_on="2021-06-01"),
    ).report
    assert (report.title, report.year, report.nation) == ("Child Z", 2021, "england")
    assert report.available_until.isoformat() == "2026-06-01"


def test_a_hundred_page_pdf_is_stored_whole_and_search_finds_each_page_by_number():
    from cspr.library.selectors import library_search, report_matching_passages

    pages = []
    for n in range(1, 101):
        pages.append([f"{n}.1 Finding on page {n}", "", *wrap(f"Marker page{n}marker. {TEXT}"), "", str(n)])
    pages_read: list[int] = []
    outcome = library_report_ingest(
        actor=None,
        name="child-q-review.pdf",
        data=pdf_bytes(pages, title="Child Q: local child safeguarding practice review"),
        on_page=pages_read.append,
    )
    report = outcome.report
    assert (report.page_count, sum(pages_read)) == (100, 100)
    assert report.title == "Child Q: local child safeguarding practice review"
    assert set(report.passages.values_list("page", flat=True)) == set(range(1, 101))
    for n in (1, 57, 100):
        [hit] = library_search(user=None, query=f"page{n}marker").hits
        assert (hit.report.pk, hit.page, hit.heading) == (report.pk, n, f"{n}.1 Finding on page {n}")
        [(passage, _snippet)] = report_matching_passages(report=report, query=f"page{n}marker")
        assert passage.page == n
