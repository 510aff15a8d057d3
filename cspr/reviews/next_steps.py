"""What is due next on a review, and by whom: the review page's "What happens next" and home's tasks. Derived
from the policy's table (``visibility.ACTIONS``): each action open now is a step, in the order of the review."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from cspr.reviews.models import LocalReview, Publication, PublicationCopy, ReviewState, WrittenRequest
from cspr.reviews.publication import missing_copies
from cspr.reviews.visibility import ACTIONS, REVIEWER, ReviewAction, ReviewPolicy

# The steps that move a review on, in order, with the page that takes each. Recording processes, involvement,
# checkpoints and comments are kept on the review page's sections, not listed as what happens next.
ORDER: tuple[tuple[ReviewAction, str, str], ...] = (
    (ReviewAction.COMMISSION, "Commission the reviewer", "reviews:commission"),
    (ReviewAction.TELL_NATIONAL_BODIES, "Tell the Panel, Ofsted and the DfE about the review", "reviews:notice"),
    (ReviewAction.AGREE_TERMS, "Agree the terms of reference", "reviews:terms"),
    (ReviewAction.RECORD_BRIEFING, "Record the agencies' briefing session", "reviews:briefing"),
    (ReviewAction.START, "Start the review", "reviews:start"),
    (ReviewAction.SHARE_DRAFT, "Share a draft of the report", "reviews:draft"),
    (ReviewAction.SUBMIT_FINAL, "Submit the final report and its recommendations", "reviews:final"),
    (ReviewAction.SIGN_OFF, "Record the assurance group's sign-off", "reviews:sign_off"),
    (ReviewAction.DECIDE_DELAY, "Decide on the requested delay", "reviews:delay_decide"),
    (ReviewAction.MARK_READY, "Mark the report ready to publish", "reviews:ready"),
    (ReviewAction.RECORD_LEARNING_SHARED, "Record the learning shared", "reviews:learning_shared"),
    (ReviewAction.PLAN_PUBLICATION, "Plan the publication", "reviews:publication_plan"),
    (ReviewAction.RECORD_COPY, "Record the copies sent to the national bodies", "reviews:publication_copy"),
    (ReviewAction.CHECK_REDACTION, "Check the text for personal data", "reviews:publication_redaction"),
    (ReviewAction.DECLARE_AS_IS, "Declare the report fit to publish as it is", "reviews:publication_declaration"),
    (ReviewAction.PUBLISH, "Publish the report", "reviews:publication_publish"),
    (ReviewAction.RECORD_NATIONAL_COPY, "Send a copy to the NSPCC repository", "reviews:publication_national_copy"),
)

WHO = {"business_manager": "Business manager", REVIEWER: "Reviewer"}


@dataclass(frozen=True)
class Step:
    text: str
    who: str
    href: str
    yours: bool
    post: bool = False


def _who(action: ReviewAction) -> str:
    roles = ACTIONS[action].roles
    names = []
    if "business_manager" in roles:
        names.append("Business manager")
    if any(str(r).startswith("decision_maker") for r in roles):
        names.append("decision makers")
    if REVIEWER in roles:
        names.append("reviewer")
    text = " or ".join(names) or "Review group"
    return text[0].upper() + text[1:]


# Steps whose readiness says what has not happened yet (no reviewer, no final report, a hold in force): while
# not ready they are not listed, rather than listed as someone's step that cannot be taken.
HIDDEN_UNTIL_READY = frozenset(
    {
        ReviewAction.COMMISSION,
        ReviewAction.TELL_NATIONAL_BODIES,
        ReviewAction.DECIDE_DELAY,
        ReviewAction.START,
        ReviewAction.SIGN_OFF,
        ReviewAction.MARK_READY,
        ReviewAction.RECORD_LEARNING_SHARED,
        ReviewAction.RECORD_COPY,
        ReviewAction.CHECK_REDACTION,
        ReviewAction.DECLARE_AS_IS,
        ReviewAction.PUBLISH,
    }
)
# Steps about the partnership's own business (visibility.py): not shown to a reader who does not see it (the
# reviewer does not read the delays, so not that one waits for a decision either).
PARTNERSHIP_ONLY = frozenset({ReviewAction.DECIDE_DELAY})


def _done(review: LocalReview, action: ReviewAction) -> bool:
    """A publication step already taken is not listed again (DOMAIN.md step 10)."""
    if action not in PUBLICATION_STEPS:
        return False
    plan = Publication.objects.filter(review=review).first()
    if action == ReviewAction.PLAN_PUBLICATION:
        return plan is not None
    if plan is None:
        return False
    if action == ReviewAction.RECORD_COPY:
        return not missing_copies(plan)
    if action == ReviewAction.CHECK_REDACTION:
        return plan.source == Publication.Source.AS_IS or (
            plan.redaction_checked_at is not None and not plan.findings.filter(decision="pending").exists()
        )
    if action == ReviewAction.DECLARE_AS_IS:
        return plan.declared_at is not None
    if action == ReviewAction.RECORD_NATIONAL_COPY:
        return plan.copies.filter(recipient=PublicationCopy.Recipient.NSPCC).exists()
    return False


PUBLICATION_STEPS = frozenset(
    {
        ReviewAction.PLAN_PUBLICATION,
        ReviewAction.RECORD_COPY,
        ReviewAction.CHECK_REDACTION,
        ReviewAction.DECLARE_AS_IS,
        ReviewAction.RECORD_NATIONAL_COPY,
    }
)


def review_next_steps(review: LocalReview, policy: ReviewPolicy) -> list[Step]:
    steps: list[Step] = []
    for action, text, url in ORDER:
        rule = ACTIONS[action]
        if ReviewState(review.state) not in rule.stages:
            continue
        if action in PARTNERSHIP_ONLY and not policy.sees_partnership_detail:
            continue
        if action in HIDDEN_UNTIL_READY and rule.ready is not None and rule.ready(review) is not None:
            continue
        if action == ReviewAction.TELL_NATIONAL_BODIES and review.notices.exists():
            continue
        if action == ReviewAction.AGREE_TERMS and review.terms.exists():
            continue
        if action == ReviewAction.RECORD_BRIEFING and review.briefings.exists():
            continue
        if action == ReviewAction.SHARE_DRAFT and review.report_versions.filter(final=True).exists():
            continue
        if _done(review, action):
            continue
        post = action in {ReviewAction.START, ReviewAction.MARK_READY}
        steps.append(Step(text, _who(action), reverse(url, args=[review.pk]), policy.can(action), post))
    for item in WrittenRequest.objects.filter(review=review, answered_at__isnull=True):
        steps.append(
            Step(
                "Answer the review group's written request",
                "Reviewer",
                reverse("reviews:request_answer", args=[review.pk, item.pk]),
                policy.can(ReviewAction.ANSWER_REQUEST),
            )
        )
    return steps
