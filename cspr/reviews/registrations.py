"""What the review app adds to the earlier apps (registered from ``ReviewsConfig.ready()``): opening a review,
the pauses and extensions of the six-month clock, the case page's section, home's tasks and the demo reviews."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from cspr.cases.clocks import ClockAdjustments
from cspr.cases.models import Case
from cspr.cases.sections import CaseSection
from cspr.core.registry import Task
from cspr.partnerships.models import User
from cspr.reviews.rules import LOCAL_REVIEW_CLOCK
from cspr.timescales import Extension, Pause


def open_review_on_entering_local_review(*, case: Case, actor: User | None, request: Any = None) -> None:
    """A case entering the local review opens one; one entering the Panel's national review opens the record
    of the partnership's cooperation with it."""
    from cspr.core import dbscope
    from cspr.reviews.national import national_review_open
    from cspr.reviews.services import review_open

    # The move that opens it is often the national Panel's (agreeing with the partners' decision), whose
    # PostgreSQL scope may read the case but not write the partnership's review: the opening is the system's
    # consequence of that move, in its transaction, so it runs in the system scope (cspr/core/dbscope.py).
    with dbscope.system():
        review_open(case=case, actor=actor, request=request)
        national_review_open(case=case, actor=actor, request=request)


def clock_adjustments(case: Case) -> ClockAdjustments:
    """Publication holds pause the six-month clock; approved delays extend it (Working Together 2023 ch.5)."""
    from cspr.reviews.models import Delay, ParallelProcess

    pauses = tuple(
        Pause(
            start=p.hold_from,
            end=p.hold_until,
            reason=f"{p.get_kind_display()}: {p.hold_reason}",
            approved_by=p.hold_approved_by,
            milestones=(LOCAL_REVIEW_CLOCK,),
        )
        for p in ParallelProcess.objects.filter(review__case=case, hold_from__isnull=False)
        if p.hold_from is not None
    )
    extensions = tuple(
        Extension(
            milestone=LOCAL_REVIEW_CLOCK,
            new_due=d.new_due,
            reason=d.reason,
            approved_by=d.decided_by,
            approved_on=d.decided_on,
            panel_notified=d.panel_notified_on is not None,
            secretary_of_state_notified=d.secretary_of_state_notified_on is not None,
        )
        for d in Delay.objects.filter(review__case=case, status=Delay.Status.APPROVED)
        if d.decided_on is not None
    )
    return ClockAdjustments(pauses=pauses, extensions=extensions)


def case_section(case: Case, user: Any) -> CaseSection | None:
    """The review's stage and a link, for those who may read the review."""
    from cspr.reviews.selectors import review_for_case

    review = review_for_case(user=user, case_id=case.pk)
    if review is None:
        from cspr.reviews.national import national_reviews_for_user

        national = national_reviews_for_user(user=user).filter(case_id=case.pk).first()
        if national is None:
            return None
        return CaseSection(
            title="The Panel's national review",
            rows=[("Requests and information exchanged", str(national.exchanges.count()))],
            links=[("Open the record of the national review", reverse("reviews:national", args=[national.pk]))],
            id="national-review",
        )
    rows = [("Stage", review.get_state_display())]
    if review.reviewer_id:
        rows.append(("Reviewer", review.reviewer.full_name if review.reviewer else ""))
    title = "Local review" if review.statutory else "Multi-agency learning review"
    return CaseSection(
        title=title,
        rows=rows,
        links=[(f"Open the {title[0].lower()}{title[1:]}", reverse("reviews:detail", args=[review.pk]))],
        id="local-review",
    )


def review_tasks(user: User) -> list[Task]:
    from cspr.reviews.tasks_for_people import review_tasks as tasks

    return tasks(user)


def demo_reviews(partnerships: Mapping[str, Any], today: datetime.date) -> None:
    from cspr.reviews.demo import load_demo_reviews

    load_demo_reviews(partnerships=dict(partnerships), today=today)


def case_publication_guard(case: Case) -> str | None:
    """A case is published only from its local review's publication plan (DOMAIN.md step 10): the report
    ready to publish, the copies sent and the text checked; ``reviews.publication`` records the publication
    before the case moves, in the same transaction."""
    from cspr.reviews.models import LocalReview, Publication, ReviewState

    review = LocalReview.objects.filter(case=case).first()
    if review is None or review.state != ReviewState.READY_TO_PUBLISH:
        return "The local review's report must be signed off and ready to publish first."
    if not Publication.objects.filter(review=review, published_on__isnull=False).exists():
        return "Publish the report from the local review's publication plan."
    return None
