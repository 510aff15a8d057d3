"""The case's publication writer (DOMAIN.md step 10): the final report enters the public library, the case moves
to "Review published", and nothing is half-written when a rule or the file is refused (issue 5).

The writer is called by the local review's publication plan (``cspr.reviews.publication``), which adds its own
gate to the move (``cases.state.register_move_guard``: copies sent, the text checked for personal data; tested in
tests/reviews/test_publication.py). Here the writer is tested on its own, without that gate."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.cases import services
from cspr.cases.models import Case, CaseDate, CaseState
from cspr.cases.services.publication import earliest_publication
from cspr.core.errors import IllegalTransition, NotAllowed, NotFound, ValidationFailed
from cspr.library.models import Report
from cspr.library.samples import pdf_bytes, wrap
from cspr.library.selectors import library_search
from cspr.partnerships.roles import Role
from cspr.timescales import WorkingCalendar
from tests.cases.conftest import local_review_case, ready_case
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

FINDINGS = (
    "Child Example was found with a fractured skull. The stepfather's history of violence was held by "
    "police but never shared with the health visitor, who accepted a parent's explanation for a bruise."
)


def final_report() -> bytes:
    return pdf_bytes([["Findings", "", *wrap(FINDINGS)], ["Recommendations", "", *wrap("Share histories.")]])


def days_ago(n: int) -> datetime.date:
    return WorkingCalendar("england").add_working_days(timezone.localdate(), -n)


def publish(chain: dict[str, Any], case: Case, **overrides: Any) -> Case:
    values: dict[str, Any] = {
        "actor": chain["manager"],
        "case": case,
        "file_name": "child-lcspr.pdf",
        "data": final_report(),
        "sent_to_panel_on": days_ago(10),
        "published_on": days_ago(2),
        "reviewer": "Sam Okafor",
        "anonymised": True,
    }
    values.update(overrides)
    return services.review_publish(**values)


@pytest.fixture(autouse=True)
def without_the_reviews_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cspr.cases.state.MOVE_GUARDS", {})


def nothing_stored(case: Case) -> bool:
    case.refresh_from_db()
    return (
        case.state == CaseState.LOCAL_REVIEW
        and not Report.objects.exists()
        and not CaseDate.objects.filter(case=case, event__in=("final_report_sent", "published")).exists()
        and not AuditEvent.objects.filter(action="review.published").exists()
    )


def test_publishing_puts_the_report_in_public_search_with_the_partnership_as_publisher(chain):
    case = local_review_case(chain)
    publish(chain, case)
    case.refresh_from_db()
    assert case.state == CaseState.PUBLISHED
    hits = library_search(user=None, query="stepfather violence").hits
    assert len(hits) == 1
    report = hits[0].report
    assert (report.publisher, report.origin_case_id, report.is_public) == (chain["partnership"].name, case.pk, True)
    assert report.partnership == chain["partnership"]
    assert (report.reviewer, report.published_on) == ("Sam Okafor", days_ago(2))
    dates = {d.event: d.date for d in CaseDate.objects.filter(case=case)}
    assert dates["final_report_sent"] == days_ago(10)
    assert dates["published"] == dates["publication_planned"] == days_ago(2)
    event = AuditEvent.objects.get(action="review.published")
    assert event.actor_id == chain["manager"].pk


def test_fewer_than_7_working_days_between_sending_and_publication_is_refused_with_the_earliest_date(chain):
    case = local_review_case(chain)
    sent = days_ago(8)
    cal = WorkingCalendar("england")
    earliest = earliest_publication(case, sent)
    # The first day from which 7 working days back reaches the sending (a weekend counts from the Friday).
    assert cal.add_working_days(earliest, -7) >= sent > cal.add_working_days(earliest - datetime.timedelta(1), -7)
    with pytest.raises(ValidationFailed) as refused:
        publish(chain, case, sent_to_panel_on=sent, published_on=days_ago(2))
    message = refused.value.field_errors["published_on"]
    assert "7 working days" in message and f"{earliest:%-d %B %Y}" in message
    assert nothing_stored(case)
    publish(chain, case, sent_to_panel_on=sent, published_on=earliest)  # exactly 7 working days is enough
    case.refresh_from_db()
    assert case.state == CaseState.PUBLISHED


def test_dates_in_the_future_are_refused(chain):
    case = local_review_case(chain)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        publish(chain, case, sent_to_panel_on=tomorrow, published_on=tomorrow + datetime.timedelta(days=20))
    assert set(refused.value.field_errors) >= {"sent_to_panel_on", "published_on"}
    assert nothing_stored(case)


def test_a_missing_anonymisation_declaration_is_refused(chain):
    case = local_review_case(chain)
    with pytest.raises(ValidationFailed) as refused:
        publish(chain, case, anonymised=False, reviewer=" ")
    assert "anonymised" in refused.value.field_errors["anonymised"]
    assert "reviewer" in refused.value.field_errors
    assert nothing_stored(case)


def test_a_corrupt_file_is_refused_with_nothing_stored_and_the_case_unmoved(chain):
    case = local_review_case(chain)
    with pytest.raises(ValidationFailed) as refused:
        publish(chain, case, data=b"%PDF-1.4\n this is not really a PDF at all")
    assert "file" in refused.value.field_errors
    assert nothing_stored(case)
    with pytest.raises(ValidationFailed) as refused:
        publish(chain, case, file_name="report.pdf", data=b"MZ\x90\x00 an executable")
    assert "PDF or a Word document" in refused.value.field_errors["file"]
    assert nothing_stored(case)


def test_only_the_business_manager_of_the_case_may_publish(chain, make_partnership, make_user):
    case = local_review_case(chain)
    with pytest.raises(NotAllowed):
        publish(chain, case, actor=chain["la"])
    with pytest.raises(NotFound):
        publish(chain, case, actor=make_user(Role.BUSINESS_MANAGER, make_partnership("Elsewhere")))
    assert nothing_stored(case)


def test_publishing_from_another_stage_is_a_clear_illegal_move(chain):
    case = ready_case(chain)
    with pytest.raises(IllegalTransition, match="Local review to be carried out"):
        publish(chain, case)
    case = local_review_case(chain)
    publish(chain, case)
    with pytest.raises(IllegalTransition):  # published once: a second publication is not a move
        publish(chain, case)
    assert Report.objects.count() == 1


def test_the_uploaded_file_name_never_reaches_the_public_library(chain):
    # A business manager's own file name may carry the child's real name; the library shows its file name.
    case = local_review_case(chain)
    publish(chain, case, file_name="Kieran Example DOB 14-03-2023 final.pdf")
    report = Report.objects.get(origin_case_id=case.pk)
    assert "Kieran" not in report.source_name and "2023" not in report.source_name
    assert (
        report.source_name == f"{case.pseudonym.lower().replace(' ', '-')}-local-child-safeguarding-practice-review.pdf"
    )
    page = verified_client(chain["manager"]).get(f"/library/reports/{report.pk}/").content.decode()
    assert "Kieran" not in page
    ingested = AuditEvent.objects.filter(action="library.report_ingested").latest("pk")
    assert "Kieran" not in str(ingested.changes)


def test_a_copy_already_in_the_library_becomes_the_published_report(chain):
    """The library's bulk ingest may already hold the partnership's report from its website: publication takes
    that record over instead of being blocked by it for good."""
    from cspr.library.services import library_report_ingest

    case = local_review_case(chain)
    earlier = library_report_ingest(actor=None, name="from-the-website.pdf", data=final_report()).report
    publish(chain, case)
    case.refresh_from_db()
    earlier.refresh_from_db()
    assert case.state == CaseState.PUBLISHED
    assert (earlier.origin_case_id, earlier.is_public, earlier.partnership) == (case.pk, True, chain["partnership"])
    assert Report.objects.count() == 1
    assert AuditEvent.objects.filter(action="library.report_published_from_case", object_id=str(earlier.pk)).exists()


def test_a_file_another_partnership_holds_privately_is_refused_without_naming_it(chain, make_partnership):
    from cspr.library.services import library_report_ingest

    other = make_partnership("Elsewhere")
    private = library_report_ingest(
        actor=None, name="elsewhere-draft.pdf", data=final_report(), partnership=other, is_public=False
    ).report
    case = local_review_case(chain)
    with pytest.raises(ValidationFailed) as refused:
        publish(chain, case)
    assert "already held for another review" in refused.value.field_errors["file"]
    assert private.title not in str(refused.value.field_errors) and str(private.pk) not in refused.value.message
    private.refresh_from_db()
    assert (private.is_public, private.partnership, private.origin_case_id) == (False, other, None)
    case.refresh_from_db()
    assert case.state == CaseState.LOCAL_REVIEW


def test_the_panel_gets_404_from_the_partnerships_own_form_pages(chain):
    """Asking an agency, adding episodes and actions, advice, the family, the justification: not the Panel's."""
    case = local_review_case(chain)
    panel = verified_client(chain["panel"])
    assert panel.get(f"/cases/{case.pk}/").status_code == 200  # the Panel sees the case as sent
    for path in (
        "rapid-review/requests/new/",
        "rapid-review/episodes/new/",
        "rapid-review/actions/new/",
        "decision/advice/",
        "decision/family/",
        "decision/justification/",
    ):
        assert panel.get(f"/cases/{case.pk}/{path}").status_code == 404, path


# --- the upload gate (cspr/core/uploads.py; issue "Prove it holds", defect 1) -------------------------------------


def test_the_zip_bomb_docx_is_refused_before_the_library_reads_it_with_nothing_stored(chain):
    """Defect 1: a 947 KB zip-bomb .docx (330 MB document.xml) posted to POST /api/v1/cases/N/publication grew
    the server to 8.3 GB with no answer. The gate refuses it from the zip's directory, in a fraction of a
    second, before the library opens it."""
    import time
    import tracemalloc

    from tests.fixtures.hostile import zip_bomb

    case = local_review_case(chain)
    bomb = zip_bomb(330)
    started = time.monotonic()
    tracemalloc.start()
    try:
        with pytest.raises(ValidationFailed) as refused:
            publish(chain, case, file_name="final.docx", data=bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "zip bomb" in refused.value.field_errors["file"]
    assert time.monotonic() - started < 10 and peak < 50 * 1024 * 1024, peak
    assert nothing_stored(case)


def test_hostile_reports_are_refused_with_the_reason_and_nothing_stored(chain):
    from tests.fixtures import hostile

    case = local_review_case(chain)
    for name, data, message in [
        ("final.docx", hostile.zip_bomb(50), "zip bomb"),
        ("final.docx", hostile.docx_with_macros(), "contains macros"),
        ("final.pdf", hostile.pdf_with_javascript(), "contains JavaScript"),
        ("report.html", hostile.pdf_html_polyglot(), "web page code (HTML)"),
        ("final.pdf", hostile.MZ, "must be a PDF or a Word document"),
        ("a" * 996 + ".pdf", final_report(), "200 characters or fewer"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            publish(chain, case, file_name=name, data=data)
        assert message in refused.value.field_errors["file"], name
        assert nothing_stored(case)


def test_a_report_over_20mb_is_refused_as_too_large_and_a_word_report_still_publishes(chain):
    from cspr.core.uploads import UploadTooLarge
    from tests.fixtures.hostile import good_docx

    case = local_review_case(chain)
    with pytest.raises(UploadTooLarge) as refused:
        publish(chain, case, file_name="final.pdf", data=b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024))
    assert refused.value.field_errors["file"] == "The selected file must be smaller than 20MB"
    assert nothing_stored(case)
    publish(chain, case, file_name="final", data=good_docx(FINDINGS))
    assert Report.objects.get(origin_case_id=case.pk).source_name.endswith(
        "-local-child-safeguarding-practice-review.docx"
    )
