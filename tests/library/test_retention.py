"""Retention removes expired full text from the library and the search index; the catalogue stays."""

from __future__ import annotations

import datetime

import pytest

from cspr.audit.models import AuditEvent
from cspr.library.models import Report
from cspr.library.selectors import library_search
from cspr.library.services import library_retention_apply

pytestmark = pytest.mark.django_db


def test_expired_text_leaves_search_but_the_record_stays(small_library):
    sleep = small_library["sleep"]
    Report.objects.filter(pk=sleep.pk).update(available_until=datetime.date(2024, 1, 1))
    assert [h.report.pk for h in library_search(user=None, query="sofa").hits] == [sleep.pk]

    done = library_retention_apply(today=datetime.date(2024, 1, 2))

    assert done == [sleep.pk]
    sleep.refresh_from_db()
    assert sleep.text_removed_at is not None and not sleep.passages.exists()
    assert library_search(user=None, query="sofa").hits == []
    assert sleep.pk in [h.report.pk for h in library_search(user=None, query="").hits]
    assert AuditEvent.objects.filter(action="library.text_expired", object_id=str(sleep.pk)).count() == 1


def test_reports_still_available_are_untouched(small_library):
    assert library_retention_apply(today=datetime.date(2025, 1, 1)) == []
    assert all(r.passages.exists() for r in small_library.values())


def test_the_default_availability_is_five_years_after_publication(small_library):
    assert small_library["sleep"].available_until == datetime.date(2027, 12, 31)
