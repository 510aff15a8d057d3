"""Every read of an action plan, scoped to the reader (DESIGN.md rule 1): a plan or action the reader may not see
is NotFound, never forbidden."""

from __future__ import annotations

from dataclasses import dataclass

from cspr.core.errors import NotFound
from cspr.learning.models import Action, RecommendationClosure
from cspr.learning.visibility import PlanPolicy, plan_policy
from cspr.partnerships.types import Viewer
from cspr.reviews.models import LocalReview, Recommendation, ReviewState
from cspr.reviews.publication import signed_off_version

# The reviews whose recommendations have actions: the report signed off, and on to publication or completion.
WITH_A_PLAN = (ReviewState.SIGNED_OFF, ReviewState.READY_TO_PUBLISH, ReviewState.PUBLISHED, ReviewState.COMPLETED)


@dataclass
class RecommendationPlan:
    recommendation: Recommendation
    actions: list[Action]
    closure: RecommendationClosure | None


def plan_get(*, user: Viewer, review_id: int) -> tuple[LocalReview, PlanPolicy, list[RecommendationPlan]]:
    """The review's recommendations with the actions the reader may see (all of them for the partnership's own
    people; their agency's for a contributor), in three queries whatever the size of the plan."""
    review = LocalReview.objects.select_related("case", "partnership").filter(pk=review_id).first()
    if review is None or review.state not in WITH_A_PLAN:
        raise NotFound("No action plan with that number is available to you.")
    policy = plan_policy(user=user, partnership_id=review.partnership_id)
    if not policy.sees_plan:
        raise NotFound("No action plan with that number is available to you.")
    version = signed_off_version(review)
    recommendations = list(version.recommendations.all()) if version else []
    actions = Action.objects.filter(recommendation__in=recommendations).select_related("organisation", "owner")
    if not policy.whole:
        actions = actions.filter(organisation_id__in=policy.contributor_organisations)
    by_recommendation: dict[int, list[Action]] = {}
    for action in actions:
        by_recommendation.setdefault(action.recommendation_id, []).append(action)
    closures = {
        c.recommendation_id: c for c in RecommendationClosure.objects.filter(recommendation__in=recommendations)
    }
    return (
        review,
        policy,
        [RecommendationPlan(r, by_recommendation.get(r.pk, []), closures.get(r.pk)) for r in recommendations],
    )


def action_get(*, user: Viewer, action_id: int) -> tuple[Action, PlanPolicy]:
    action = (
        Action.objects.select_related("recommendation__version__review__case", "organisation", "owner")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise NotFound("No action with that number is available to you.")
    policy = plan_policy(user=user, partnership_id=action.partnership_id)
    if not policy.sees_action(action):
        raise NotFound("No action with that number is available to you.")
    return action, policy


def plan_recommendation(
    items: list[RecommendationPlan], recommendation_id: int, *, open_only: bool = False
) -> Recommendation:
    """One recommendation of a plan the reader has (``plan_get``); ``open_only``: not yet closed, for the steps a
    closed recommendation no longer takes (more actions, closing it again)."""
    found = next((i for i in items if i.recommendation.pk == recommendation_id), None)
    if found is None or (open_only and found.closure is not None):
        raise NotFound("No recommendation with that number is available to you.")
    return found.recommendation
