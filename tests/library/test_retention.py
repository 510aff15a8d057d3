"""Retention removes expired full text from the library and the search index; the catalogue stays."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.library.models import Report
from cspr.library.selectors import library_search, report_matching_passages
from cspr.library.services import library_retention_apply

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
