"""Retention removes expired full text from the library and the search index; the catalogue stays."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.library.models import Report
from cspr.library.selectors import library_search, report_matching_passages
from cspr.library.services import library_report_set_available_until, library_retention_apply

pytestmark = pytest.mark.django_db


def test_expired_text_leaves_search_but_the_record_stays(small_library):
    sleep = small_library["sleep"]
    assert [h.report.pk for h in library_search(user=None, query="sofa").hits] == [sleep.pk]
    Report.objects.filter(pk=sleep.pk).update(available_until=datetime.date(2024, 1, 1))

    done = library_retention_apply(today=datetime.date(2024, 1, 2))

    assert done == [sleep.pk]
    sleep.refresh_from_db()
    assert sleep.text_removed_at is not None and not sleep.passages.exists()
    assert library_search(user=None, query="sofa").hits == []
    assert sleep.pk in [h.report.pk for h in library_search(user=None, query="").hits]
    assert AuditEvent.objects.filter(action="library.text_expired", object_id=str(sleep.pk)).count() == 1


def test_text_past_its_date_is_not_searched_or_shown_before_retention_runs(small_library):
    sleep = small_library["sleep"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Report.objects.filter(pk=sleep.pk).update(available_until=yesterday)
    sleep.refresh_from_db()

    assert sleep.passages.exists(), "the daily job has not removed the text yet"
    assert not sleep.text_available
    assert library_search(user=None, query="sofa").hits == []
    assert report_matching_passages(report=sleep, query="sofa") == []
    assert sleep.pk in [h.report.pk for h in library_search(user=None, query="").hits]


def test_text_is_searched_on_its_last_day(small_library):
    sleep = small_library["sleep"]
    Report.objects.filter(pk=sleep.pk).update(available_until=timezone.localdate())
    assert [h.report.pk for h in library_search(user=None, query="sofa").hits] == [sleep.pk]


def test_reports_still_available_are_untouched(small_library):
    assert library_retention_apply(today=datetime.date(2025, 1, 1)) == []
    assert all(r.passages.exists() for r in small_library.values())


def test_the_default_availability_is_five_years_after_publication(small_library):
    assert small_library["sleep"].available_until == datetime.date(2027, 12, 31)


def test_a_reports_own_date_from_the_catalogue_wins_over_the_installation_rule(ingest_text):
    report = ingest_text(
        "Child V review\n\nThe family moved often.", published_on="2020-02-01", available_until="2031-05-01"
    )
    assert report.available_until == datetime.date(2031, 5, 1)


def test_a_catalogue_date_that_is_not_a_date_is_refused_before_anything_is_stored(ingest_text):
    from cspr.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        ingest_text("Child V review\n\nThe family moved often.", available_until="31/05/2031")
    assert "available_until" in refused.value.field_errors
    assert Report.objects.count() == 0


def test_a_curator_changes_one_reports_date_and_the_change_is_audited(small_library, make_user):
    from cspr.partnerships.roles import Role

    panel = make_user(Role.PANEL_MEMBER, None)
    sleep = small_library["sleep"]
    before = sleep.available_until
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    library_report_set_available_until(actor=panel, report_id=sleep.pk, available_until=yesterday)

    sleep.refresh_from_db()
    assert sleep.available_until == yesterday
    assert library_search(user=None, query="sofa").hits == []  # out of search at once, before the job runs
    event = AuditEvent.objects.get(action="library.availability_changed", object_id=str(sleep.pk))
    assert event.actor_id == panel.pk
    assert event.changes == {
        "before": {"available_until": before.isoformat()},
        "after": {"available_until": yesterday.isoformat()},
    }
    assert library_retention_apply() == [sleep.pk]
    # The other reports keep the installation-wide date.
    assert Report.objects.get(pk=small_library["neglect"].pk).available_until == datetime.date(2028, 12, 31)


def test_setting_the_same_date_again_records_nothing(small_library):
    sleep = small_library["sleep"]
    library_report_set_available_until(actor=None, report_id=sleep.pk, available_until=sleep.available_until)
    assert not AuditEvent.objects.filter(action="library.availability_changed").exists()


def test_someone_who_may_not_curate_the_report_cannot_change_its_date(small_library, make_partnership, make_user):
    from cspr.core.errors import NotFound
    from cspr.partnerships.roles import Role

    manager = make_user(Role.BUSINESS_MANAGER, make_partnership("Southshire"))
    sleep = small_library["sleep"]
    with pytest.raises(NotFound):
        library_report_set_available_until(actor=manager, report_id=sleep.pk, available_until=datetime.date(2040, 1, 1))
    sleep.refresh_from_db()
    assert sleep.available_until == datetime.date(2027, 12, 31)
    assert not AuditEvent.objects.filter(action="library.availability_changed").exists()


def test_text_already_removed_is_not_brought_back_by_a_later_date(small_library):
    from cspr.core.errors import ValidationFailed

    sleep = small_library["sleep"]
    Report.objects.filter(pk=sleep.pk).update(available_until=datetime.date(2024, 1, 1))
    library_retention_apply(today=datetime.date(2024, 1, 2))
    with pytest.raises(ValidationFailed, match="ingest the file again"):
        library_report_set_available_until(
            actor=None, report_id=sleep.pk, available_until=timezone.localdate() + datetime.timedelta(days=30)
        )
    sleep.refresh_from_db()
    assert sleep.available_until == datetime.date(2024, 1, 1)


def test_the_command_line_sets_one_reports_date(small_library):
    from io import StringIO

    from django.core.management import call_command

    sleep = small_library["sleep"]
    out = StringIO()
    call_command("library", "retention", "--report", str(sleep.pk), "--until", "2032-06-30", stdout=out)
    sleep.refresh_from_db()
    assert sleep.available_until == datetime.date(2032, 6, 30)
    assert "available until 2032-06-30" in out.getvalue()
