"""Every read of a local review, scoped to the reader (DESIGN.md rule 1): a review the reader may not see is
NotFound, never forbidden."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from cspr.audit.services import audit_record
from cspr.cases.models import AgencyRequest
from cspr.core.errors import NotFound
from cspr.partnerships.roles import PARTNERSHIP_WIDE_ROLES, Role
from cspr.partnerships.selectors import access_for
from cspr.partnerships.types import Viewer
from cspr.reviews.models import LocalReview
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
