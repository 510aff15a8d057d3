"""A draft report uploaded as a file (issue 13, item 6: drafts "uploaded or written"): it passes the one upload
gate, is stored encrypted, and is read only on the review's pages by those who read the review."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cspr.cases.models import Attachment
from cspr.reviews.models import LocalReview, ReportVersion, ReviewState
from tests.cases.conftest import local_review_case
from tests.conftest import verified_client
from tests.fixtures.hostile import docx_with_macros, good_docx
from tests.reviews.conftest import commissioned, in_progress, terms_agreed

pytestmark = pytest.mark.django_db


def review_in_progress(people: dict[str, Any]) -> LocalReview:
    review = LocalReview.objects.get(case=local_review_case(people))
    return in_progress(people, terms_agreed(people, commissioned(people, review)))


def test_the_reviewer_uploads_a_draft_that_the_review_group_downloads_and_nobody_else_reaches(people):
    review = review_in_progress(people)
    reviewer = verified_client(people["reviewer"])
    body = good_docx("Draft two: the practice episodes")
    response = reviewer.post(
        f"/reviews/{review.pk}/draft/",
        {"text": "", "file": SimpleUploadedFile("Child H draft 2 Baby Example.docx", body)},
    )
    assert response.status_code == 302
    version = ReportVersion.objects.get(review=review)
    assert version.file is not None and version.file.for_review
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT_REPORT
    url = f"/reviews/{review.pk}/versions/{version.pk}/file/"
    assert f'href="{url}"' in reviewer.get(f"/reviews/{review.pk}/").content.decode()
    for who in ("reviewer", "manager", "scrutineer"):
        download = verified_client(people[who]).get(url)
        assert download.status_code == 200 and download.content == body, who
        assert download["Content-Disposition"].startswith("attachment")
    for who in ("other_reviewer", "panel", "health"):
        assert verified_client(people[who]).get(url).status_code == 404, who
    # Not one of the case's files: the case page does not list it, nor does the case's file address serve it.
    manager = verified_client(people["manager"])
    assert "Child H draft 2" not in manager.get(f"/cases/{review.case_id}/").content.decode()
    assert manager.get(f"/cases/{review.case_id}/attachments/{version.file_id}/").status_code == 404


def test_a_draft_file_with_macros_is_refused_with_no_version_and_no_file_kept(people):
    review = review_in_progress(people)
    response = verified_client(people["reviewer"]).post(
        f"/reviews/{review.pk}/draft/", {"text": "", "file": SimpleUploadedFile("draft.docx", docx_with_macros())}
    )
    assert response.status_code == 200
    assert "macros" in response.content.decode().lower()
    assert not ReportVersion.objects.filter(review=review).exists()
    assert not Attachment.objects.filter(case=review.case, for_review=True).exists()


def test_a_draft_needs_its_text_or_a_file(people):
    review = review_in_progress(people)
    response = verified_client(people["reviewer"]).post(f"/reviews/{review.pk}/draft/", {"text": " "})
    assert response.status_code == 200
    assert "Enter the draft report, or attach it as a file" in response.content.decode()
    assert not ReportVersion.objects.filter(review=review).exists()
