"""Every read of a local review, scoped to the reader (DESIGN.md rule 1): a review the reader may not see is
NotFound, never forbidden."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.cases.models import AgencyRequest
from cspr.core import dbscope
from cspr.core.errors import NotFound
from cspr.partnerships.models import Partnership
from cspr.partnerships.roles import PARTNERSHIP_WIDE_ROLES, Role
from cspr.partnerships.selectors import access_for
from cspr.partnerships.types import Viewer
from cspr.reviews.models import LocalReview, Publication
from cspr.reviews.visibility import ReviewPolicy, review_policy

# The requests a local review makes of agencies (cases.AgencyRequest.Purpose): the rapid review's summaries are
# the case's, not the review's.
REVIEW_PURPOSES = (AgencyRequest.Purpose.CHRONOLOGY, AgencyRequest.Purpose.MANAGEMENT_REPORT)


def reviews_for_user(*, user: Viewer) -> QuerySet[LocalReview]:
    """The reviews of every partnership where the reader sees every case, and those they are commissioned for
    while they hold a reviewer membership there."""
    access = access_for(user)
    wide = [p for p, roles in access.roles_by_partnership.items() if roles & PARTNERSHIP_WIDE_ROLES]
    reviewing = [p for p, roles in access.roles_by_partnership.items() if Role.REVIEWER in roles]
    reviews = LocalReview.objects.select_related("case", "partnership")
    if access.user_id is None:
        return reviews.none()
    return reviews.filter(Q(partnership_id__in=wide) | Q(partnership_id__in=reviewing, reviewer_id=access.user_id))


def review_get(
    *, user: Viewer, review_id: int, log_read: bool = False, request: HttpRequest | None = None
) -> tuple[LocalReview, ReviewPolicy]:
    """One review the reader may see, with their policy, or NotFound. A read of the review page is audited."""
    review = reviews_for_user(user=user).filter(pk=review_id).first()
    if review is None:
        raise NotFound("No review with that number is available to you.")
    policy = review_policy(user=user, review=review)
    if not policy.sees_review:
        raise NotFound("No review with that number is available to you.")
    if log_read:
        audit_record(
            actor=user, action="review.viewed", partnership=review.partnership_id, target=review, request=request
        )
    return review, policy


def review_for_case(*, user: Viewer, case_id: int) -> LocalReview | None:
    """The case's review, if the reader may see it (the case page's link)."""
    return reviews_for_user(user=user).filter(case_id=case_id).first()


def review_contributions(review: LocalReview) -> QuerySet[AgencyRequest]:
    """The chronologies and management reports asked of agencies for this review."""
    return (
        AgencyRequest.objects.filter(case_id=review.case_id, purpose__in=REVIEW_PURPOSES)
        .select_related("organisation", "contributor")
        .order_by("due_date", "pk")
    )


# --- the public page (no sign-in): published reviews only ------------------------------------------------------


@dataclass(frozen=True)
class PublicItem:
    """What the public reads of one published review: nothing that is not already on the published report."""

    pk: int
    title: str
    improvements_only: bool
    reviewer: str
    published_on: datetime.date
    public_until: datetime.date | None
    file_name: str
    content_type: str
    library_report_id: int | None

    @property
    def on_website(self) -> bool:
        """At least 12 months on the website (the ``keep-published`` milestone), then available on request."""
        return self.public_until is None or timezone.localdate() < self.public_until


_PUBLIC_FIELDS = ("pk", "title", "mode", "reviewer_name", "published_on", "public_until", "published_file_name",
                  "published_content_type", "library_report_id")  # fmt: skip


def _item(row: dict[str, Any]) -> PublicItem:
    return PublicItem(
        pk=row["pk"], title=row["title"], improvements_only=row["mode"] == Publication.Mode.IMPROVEMENTS,
        reviewer=row["reviewer_name"], published_on=row["published_on"], public_until=row["public_until"],
        file_name=row["published_file_name"], content_type=row["published_content_type"],
        library_report_id=row["library_report_id"],
    )  # fmt: skip


def _published(slug: str) -> Any:
    return Publication.objects.filter(review__case__partnership__slug=slug, published_on__isnull=False)


def public_publications(*, slug: str) -> tuple[Partnership | None, list[PublicItem]]:
    """The partnership's published reviews, newest first. The public is anonymous, so the read runs in the
    system scope (the second wall has no public rule for review tables) and names exactly the published columns:
    nothing of an unpublished plan, the register or the findings can reach the page."""
    with dbscope.system():
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            return None, []
        rows = _published(slug).order_by("-published_on", "-pk").values(*_PUBLIC_FIELDS)
        return partnership, [_item(r) for r in rows]


def public_publication(*, slug: str, publication_id: int) -> PublicItem | None:
    with dbscope.system():
        row = _published(slug).filter(pk=publication_id).values(*_PUBLIC_FIELDS).first()
    return _item(row) if row else None


def public_publication_file(*, publication_id: int) -> bytes:
    with dbscope.system():
        data = (
            Publication.objects.filter(pk=publication_id, published_on__isnull=False)
            .values_list("published_file", flat=True)
            .first()
        )
    return bytes(data or b"")
