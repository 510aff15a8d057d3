"""The review's tasks for each person (issue 12's task list): each open step of each review they may act on."""

from __future__ import annotations

from django.urls import reverse

from cspr.core.registry import Task
from cspr.partnerships.models import User
from cspr.partnerships.selectors import access_for
from cspr.reviews.models import PublicationCopy, ReviewState
from cspr.reviews.next_steps import review_next_steps
from cspr.reviews.selectors import reviews_for_user
from cspr.reviews.visibility import review_policy


def review_tasks(user: User) -> list[Task]:
    access = access_for(user)
    tasks: list[Task] = []
    # A partnership has a handful of reviews open at once: the review's own steps are read per review.
    # A published review leaves the list once its copy has gone to the NSPCC repository (its last step).
    # A completed learning review has nothing left to do.
    open_reviews = (
        reviews_for_user(user=user)
        .exclude(state=ReviewState.PUBLISHED, publication__copies__recipient=PublicationCopy.Recipient.NSPCC)
        .exclude(state=ReviewState.COMPLETED)
    )
    for review in open_reviews.select_related("reviewer"):
        policy = review_policy(user=user, review=review, access=access)
        for n, step in enumerate(s for s in review_next_steps(review, policy) if s.yours):
            tasks.append(
                Task(
                    key=f"review:{review.pk}:{review.state}:{step.href}:{n}",
                    kind="review",
                    label=step.text,
                    # A button's step (start the review) is taken on the review page, where the button is.
                    url=reverse("reviews:detail", args=[review.pk]) if step.post else step.href,
                    reference=review.case.reference,
                    pseudonym=review.case.pseudonym,
                    where=review.partnership.name,
                )
            )
    return tasks
