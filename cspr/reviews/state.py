"""The local review's state machine (DESIGN.md rule 3), on the generic :class:`cspr.workflow.Machine`:
commissioning -> terms agreed -> in progress (with holds) -> draft report -> signed off -> ready to publish ->
published.

Each move's guard says what must happen first; nothing else assigns ``LocalReview.state``. The guards read the
models only (fresh from the database: a guard never trusts a cached relation).
"""

from __future__ import annotations

from django.http import HttpRequest

from cspr.partnerships.models import User
from cspr.reviews.models import (
    LocalReview,
    ParallelProcess,
    Publication,
    PublicationCopy,
    RedactionFinding,
    ReportVersion,
    ReviewNotice,
    ReviewState,
)
from cspr.reviews.rules import COMPETENCES, NOTICE_RECIPIENTS, competence_errors, conflict_errors
from cspr.workflow import Machine, always
from cspr.workflow import Move as _Move

R = ReviewState


def commissioning_problem(review: LocalReview) -> str | None:
    """Why the review cannot leave commissioning yet (DOMAIN.md step 6), or None."""
    if review.reviewer_id is None:
        return "Commission a reviewer first, with the review group's checks of their competence."
    if competence_errors(review.competences) or conflict_errors(review.conflict, review.conflict_management):
        return (
            f"Answer all {len(COMPETENCES)} competence checks with evidence and the conflict-of-interest declaration."
        )
    told = {r for n in ReviewNotice.objects.filter(review=review) for r in n.recipients}
    # A learning review is the partnership's own (DOMAIN.md step 4): the national bodies are not told of it.
    missing = [label for code, label in NOTICE_RECIPIENTS if code not in told] if review.statutory else []
    if missing:
        return "Record telling " + ", ".join(missing) + " that the review will happen, with the reviewer's name."
    if not review.terms.exists():
        return "Agree the terms of reference first."
    return None


def _briefed(review: LocalReview) -> str | None:
    if not review.briefings.exists():
        return "Record the briefing session for the agencies before the review starts."
    return None


def _draft_shared(review: LocalReview) -> str | None:
    if not ReportVersion.objects.filter(review=review).exists():
        return "The reviewer shares a draft of the report with the review group first."
    return None


def final_report_problem(review: LocalReview) -> str | None:
    """What the final report still needs before the assurance group can sign it off (DOMAIN.md step 8)."""
    latest = ReportVersion.objects.filter(review=review).order_by("-number").first()
    if latest is None or not latest.final:
        return "The reviewer submits the final report, with its findings and recommendations, first."
    if not latest.findings.strip():
        return "The final report needs its findings: the analysis of why actions were or were not taken."
    if not latest.recommendations.exists():
        return "The final report needs at least one recommendation: what must change, by whom and by when."
    return None


def _signed_off(review: LocalReview) -> str | None:
    problem = final_report_problem(review)
    if problem:
        return problem
    if not review.signed_off_on or not review.signed_off_by.strip():
        return "Record who in the assurance group signed off the report, and when."
    return None


def hold_in_force(review: LocalReview) -> ParallelProcess | None:
    return ParallelProcess.objects.filter(review=review, hold_from__isnull=False, hold_until__isnull=True).first()


def _no_hold(review: LocalReview) -> str | None:
    held = hold_in_force(review)
    if held is not None:
        return (
            f"Publication is on hold for the {held.get_kind_display().lower()} since {held.hold_from:%-d %B %Y}. "
            "Lift the hold before the report is ready to publish."
        )
    return None


# --- publication (DOMAIN.md step 10): what must happen before a report is published -----------------------------

# Before publication: who must have the full report (and, for improvements only, the justification). Ofsted has
# its copy "within the same timescale" (england-cspr.toml, final-report-to-panel), so it counts to the 7 days.
BEFORE_PUBLICATION = (
    PublicationCopy.Recipient.PANEL,
    PublicationCopy.Recipient.SECRETARY_OF_STATE,
    PublicationCopy.Recipient.OFSTED,
)
JUSTIFIED_TO = (PublicationCopy.Recipient.PANEL, PublicationCopy.Recipient.SECRETARY_OF_STATE)
# After publication: the national repository (nspcc-copy) and Ofsted's copy of what was published.
AFTER_PUBLICATION = (PublicationCopy.Recipient.NSPCC, PublicationCopy.Recipient.OFSTED)


def plan_of(review: LocalReview) -> Publication | None:
    return Publication.objects.filter(review=review).first()


def required_copies(plan: Publication) -> list[tuple[str, str]]:
    """(recipient, what) that must be recorded before publication."""
    if not plan.review.statutory:
        return []  # a learning review's copies are the partnership's choice (no statutory notice)
    needed = [(r.value, PublicationCopy.What.FULL_REPORT.value) for r in BEFORE_PUBLICATION]
    if plan.mode == Publication.Mode.IMPROVEMENTS:
        needed += [(r.value, PublicationCopy.What.JUSTIFICATION.value) for r in JUSTIFIED_TO]
    return needed


def missing_copies(plan: Publication) -> list[tuple[str, str]]:
    have = set(plan.copies.values_list("recipient", "what"))
    return [pair for pair in required_copies(plan) if pair not in have]


def publication_problem(review: LocalReview) -> str | None:
    """What must happen before the report can be published, or None (the PUBLISH action's readiness check)."""
    plan = plan_of(review)
    if plan is None:
        return "Plan the publication first: the full report or the improvements."
    missing = missing_copies(plan)
    if missing:
        labels = dict(PublicationCopy.Recipient.choices)
        who = sorted({labels[r] for r, _ in missing})
        return "Record the copies sent before publication: " + ", ".join(who) + "."
    if plan.source == Publication.Source.AS_IS:
        return None if plan.declared_at else "Record the declaration for publishing the report as it is."
    if plan.not_redactable:
        return "cspr cannot read the report's text; publish it as it is with a named person's declaration."
    if plan.findings.filter(decision=RedactionFinding.Decision.PENDING).exists() or plan.redaction_checked_at is None:
        return "Check the text for personal data: accept or reject every finding."
    return None


def _learning_shared(review: LocalReview) -> str | None:
    if review.statutory:
        return "A local child safeguarding practice review ends when it is published."
    if review.learning_shared_on is None:
        return "Record how and when the learning was shared across the partnership."
    return None


def _publication_recorded(review: LocalReview) -> str | None:
    # DOMAIN.md step 10: the publication service records the publication in the same transaction as this move.
    if not Publication.objects.filter(review=review, published_on__isnull=False).exists():
        return "Publish the report from its publication plan first."
    return None


Move = _Move[LocalReview, ReviewState]

TRANSITIONS: dict[ReviewState, list[Move]] = {
    R.COMMISSIONING: [Move(R.TERMS_AGREED, "Reviewer commissioned and terms agreed", commissioning_problem)],
    R.TERMS_AGREED: [Move(R.IN_PROGRESS, "Review started after the agencies' briefing", _briefed)],
    R.IN_PROGRESS: [Move(R.DRAFT_REPORT, "Draft report shared with the review group", _draft_shared)],
    R.DRAFT_REPORT: [Move(R.SIGNED_OFF, "Final report signed off by the assurance group", _signed_off)],
    # A signed-off report never changes: a change is a new version, back with the review group.
    R.SIGNED_OFF: [
        Move(R.READY_TO_PUBLISH, "Ready to publish", _no_hold),
        Move(R.COMPLETED, "Learning shared: the learning review is complete", _learning_shared),
        Move(R.DRAFT_REPORT, "New version of the report started", always),
    ],
    R.READY_TO_PUBLISH: [
        Move(R.PUBLISHED, "Report published", _publication_recorded),
        Move(R.SIGNED_OFF, "Publication held", always),
        Move(R.DRAFT_REPORT, "New version of the report started", always),
    ],
    R.PUBLISHED: [],
    R.COMPLETED: [],
}

REVIEW_MACHINE: Machine[LocalReview, ReviewState] = Machine(
    model=LocalReview,
    states=ReviewState,
    moves=TRANSITIONS,
    audit_action="review.state_changed",
    partnership=lambda review: review.partnership_id,
)


def review_transition(
    *, actor: User | None, review: LocalReview, to: ReviewState | str, request: HttpRequest | None = None
) -> LocalReview:
    """Move ``review`` if the table allows it and the guard passes; audited. Called by the review's services."""
    return REVIEW_MACHINE.move(actor=actor, obj=review, to=to, request=request)
