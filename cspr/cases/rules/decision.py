"""The partners' decision (DOMAIN.md step 4; Working Together 2023 ch.5): three decision makers vote; when they
disagree the independent scrutineer advises and each may change their vote once; the majority then decides."""

from __future__ import annotations

from cspr.cases.models import Decision, Vote


def final_votes(decision: Decision) -> dict[str, Vote]:
    """Each partner's standing vote: a changed (stage 2) vote replaces the first one."""
    votes: dict[str, Vote] = {}
    for vote in decision.votes.order_by("stage", "pk"):
        votes[vote.partner] = vote
    return votes
