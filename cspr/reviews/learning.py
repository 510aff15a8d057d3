"""The multi-agency learning review's clocks (DOMAIN.md step 4; Working Together 2023 ch.5 leaves their timescales
to the partnership): the shipped ``england-learning-review`` process with the partnership's own settings, its
events read from the review's records, counted by ``cspr.timescales`` on the partnership's calendar. They are the
review's, so the review page shows them; the case's own clocks (the notification, the rapid review) are unchanged.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from cspr.cases.clocks import case_calendar
from cspr.reviews.models import LocalReview, ReportVersion
from cspr.reviews.selectors import review_contributions
from cspr.timescales import Clock, ProcessDefinition, compute_clocks, load_process

LEARNING_PROCESS = "england-learning-review"


def learning_process(review: LocalReview) -> ProcessDefinition:
    """The process with those of the partnership's timescale settings that it has (the same overrides table
    holds the statutory process's settings, which this process does not know)."""
    base = load_process(LEARNING_PROCESS)
    own = {k: v for k, v in (review.case.partnership.timescale_overrides or {}).items() if k in base.settings}
    return load_process(LEARNING_PROCESS, overrides=own or None)


def learning_events(review: LocalReview) -> dict[str, datetime.date]:
    """Each of the process's events, from the record that shows it happened."""
    events: dict[str, datetime.date] = {}
    if review.decided_on:
        events["review_decided"] = review.decided_on
    first_terms = review.terms.order_by("number").first()
    if first_terms is not None:
        events["terms_of_reference_agreed"] = first_terms.agreed_on
    returns = list(review_contributions(review).values_list("responded_at", flat=True))
    if returns and all(returns):
        events["agency_reports_returned"] = max(timezone.localdate(r) for r in returns if r)
    final = ReportVersion.objects.filter(review=review, final=True).order_by("number").first()
    if final is not None:
        events["report_completed"] = timezone.localdate(final.written_at)
    if review.signed_off_on:
        events["report_signed_off"] = review.signed_off_on
    if review.learning_shared_on:
        events["learning_shared"] = review.learning_shared_on
    return events


def learning_clocks(review: LocalReview, *, today: datetime.date | None = None) -> list[Clock]:
    return compute_clocks(
        process=learning_process(review),
        events=learning_events(review),
        calendar=case_calendar(review.case),
        today=today or timezone.localdate(),
    )
