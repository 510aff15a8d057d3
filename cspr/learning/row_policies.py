"""How PostgreSQL polices the action plans (cspr.core.rowsecurity; docs/operations.md, "The second wall"): an
action is its partnership's; its evidence and results follow it; a closure follows its recommendation's review.
Which actions a contributor reads (their agency's) stays the visibility policy's: this wall is coarser."""

from cspr.core.rowsecurity import partnership, through

POLICIES = {
    "learning_action": partnership(),
    "learning_evidence": through("action_id", "learning_action"),
    "learning_impactresult": through("action_id", "learning_action"),
    "learning_recommendationclosure": through("recommendation_id", "reviews_recommendation"),
}
