"""Publishing safely in /api/v1/reviews/{id}/publication (DOMAIN.md step 10): every step of the publication pages,
through the same services (``cspr.reviews.publication``) with the token owner as the actor. The publication is the
partnership's own business: the reviewer and everybody else get 404, as on the page."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Router, Schema

from cspr.core.errors import NotFound
from cspr.partnerships.types import AuthedRequest
from cspr.reviews import publication, selectors
from cspr.reviews.api import answers
from cspr.reviews.models import LocalReview, PseudonymEntry, Publication
from cspr.reviews.visibility import ReviewAction

router = Router(tags=["reviews: publication"])

ModeValue = Literal["full", "improvements"]
RecipientValue = Literal["panel", "secretary_of_state", "ofsted", "nspcc"]
WhatValue = Literal["full_report", "justification", "published"]
HowValue = Literal["secure_email", "portal", "post", "other"]
CategoryValue = Literal[
    "name", "other_name", "date_of_birth", "family_member", "address", "school", "reference", "other"
]


class PlanIn(Schema):
    mode: ModeValue
    justification: str = Field(default="", description="Required for improvements only; sent to the Panel and the SoS.")
    title: str = Field(default="", description="Empty: the pseudonym and the kind of review.")
    reviewer_name: str = Field(default="", description="Empty: the commissioned reviewer's name.")


class CopyIn(Schema):
    recipient: RecipientValue = Field(
        description="Before publication the Panel, the Secretary of State or Ofsted; after it the NSPCC or Ofsted."
    )
    what: WhatValue = Field(default="full_report", description="After publication it is always the published report.")
    sent_on: datetime.date
    how: HowValue


class PseudonymIn(Schema):
    category: CategoryValue
    value: str = Field(description="The name or detail as the report might write it. Stored encrypted.")
    replacement: str = Field(description="What the published report says instead, e.g. Mother.")


class DecisionIn(Schema):
    id: int = Field(description="The finding's id: a new check of the text gives its findings new ids.")
    decision: Literal["accepted", "rejected"]
    replacement: str = Field(default="", description="Empty: the suggested replacement.")


class RedactionIn(Schema):
    decisions: list[DecisionIn] = Field(description="One decision for every finding.")


class DeclarationIn(Schema):
    name: str
    role: str
    confirmed: bool


class PublishIn(Schema):
    published_on: datetime.date


class CopyOut(Schema):
    recipient: str
    what: str
    sent_on: datetime.date
    how: str


class PseudonymOut(Schema):
    category: str
    value: str
    replacement: str
    from_case: bool


class FindingOut(Schema):
    id: int
    number: int
    text: str
    sentence: str
    category: str
    source: str
    replacement: str
    decision: str


class ReportRequestOut(Schema):
    id: int
    name: str
    email: str
    reason: str
    received_on: datetime.date
    answered_on: datetime.date | None


class PublicationOut(Schema):
    review_id: int
    state: str
    planned: bool
    mode: ModeValue | None = None
    justification: str = ""
    title: str = ""
    reviewer_name: str = ""
    version: int | None = None
    source: str = ""
    not_redactable: str = Field(default="", description="Why cspr cannot read the report's text, if it cannot.")
    declared_by: str = ""
    copies: list[CopyOut] = []
    missing_copies: list[str] = Field(default=[], description="recipient:what still to send before publication.")
    earliest_on: datetime.date | None = Field(default=None, description="7 working days after the last copy.")
    pseudonyms: list[PseudonymOut] = []
    findings: list[FindingOut] = []
    redaction_checked_on: datetime.date | None = None
    problem: str | None = Field(default=None, description="What must happen before it can be published.")
    published_on: datetime.date | None = None
    public_until: datetime.date | None = None
    library_report_id: int | None = None
    requests: list[ReportRequestOut] = []


def _review(request: AuthedRequest, review_id: int) -> LocalReview:
    review, policy = selectors.review_get(user=request.user, review_id=review_id)
    if not policy.sees_partnership_detail:
        raise NotFound("No review with that number is available to you.")
    return review


def _out(request: AuthedRequest, review: LocalReview) -> PublicationOut:
    """The publication as this reader may read it: the public's requests for the business manager only."""
    _, policy = selectors.review_get(user=request.user, review_id=review.pk)
    return publication_out(review, answers_requests=policy.role_allows(ReviewAction.ANSWER_PUBLIC_REQUEST))


def publication_out(review: LocalReview, *, answers_requests: bool = False) -> PublicationOut:
    review.refresh_from_db()
    plan: Publication | None = publication.plan_of(review)
    problem = publication.publication_problem(review) if review.state != "published" else None
    if plan is None:
        return PublicationOut(review_id=review.pk, state=review.state, planned=False, problem=problem)
    return PublicationOut(
        review_id=review.pk,
        state=review.state,
        planned=True,
        mode=plan.mode,  # type: ignore[arg-type]
        justification=plan.justification,
        title=plan.title,
        reviewer_name=plan.reviewer_name,
        version=plan.version.number,
        source=plan.source,
        not_redactable=plan.not_redactable,
        declared_by=plan.declared_by,
        copies=[CopyOut(recipient=c.recipient, what=c.what, sent_on=c.sent_on, how=c.how) for c in plan.copies.all()],
        missing_copies=[f"{r}:{w}" for r, w in publication.missing_copies(plan)],
        earliest_on=publication.earliest_date(plan),
        pseudonyms=[
            PseudonymOut(category=e.category, value=e.value, replacement=e.replacement, from_case=e.from_case)
            for e in PseudonymEntry.objects.filter(review=review)
        ],
        findings=[
            FindingOut(
                id=f.pk,
                number=f.number,
                text=f.text,
                sentence=f.sentence,
                category=f.category,
                source=f.source,
                replacement=f.replacement,
                decision=f.decision,
            )
            for f in plan.findings.all()
        ],
        redaction_checked_on=plan.redaction_checked_at.date() if plan.redaction_checked_at else None,
        problem=problem,
        published_on=plan.published_on,
        public_until=plan.public_until,
        library_report_id=plan.library_report_id,
        requests=[
            ReportRequestOut(
                id=r.pk,
                name=r.name,
                email=r.email,
                reason=r.reason,
                received_on=r.received_at.date(),
                answered_on=r.answered_on,
            )
            for r in (plan.requests.all() if answers_requests else [])
        ],
    )


@router.get("/{int:review_id}/publication", response=answers(PublicationOut), operation_id="publication_get")
def publication_get(request: AuthedRequest, review_id: int) -> PublicationOut:
    """Where the publication stands: the plan, the copies and the earliest date, the register and the findings."""
    return _out(request, _review(request, review_id))


@router.post("/{int:review_id}/publication/plan", response=answers(PublicationOut), operation_id="publication_plan")
def publication_plan(request: AuthedRequest, review_id: int, payload: PlanIn) -> PublicationOut:
    """Publish the full report, or only the improvements with the justification (from the signed-off report)."""
    review = _review(request, review_id)
    publication.publication_plan(actor=request.user, review=review, **payload.dict(), request=request)
    return _out(request, review)


@router.post("/{int:review_id}/publication/copies", response=answers(PublicationOut), operation_id="publication_copy")
def publication_copy(request: AuthedRequest, review_id: int, payload: CopyIn) -> PublicationOut:
    """A copy sent to a national body: before publication (the 7 working days count from the last), or after it to
    the NSPCC repository (meets ``nspcc-copy``) or Ofsted."""
    review = _review(request, review_id)
    publication.publication_copy_record(actor=request.user, review=review, **payload.dict(), request=request)
    return _out(request, review)


@router.post(
    "/{int:review_id}/publication/pseudonyms", response=answers(PublicationOut), operation_id="publication_pseudonym"
)
def publication_pseudonym(request: AuthedRequest, review_id: int, payload: PseudonymIn) -> PublicationOut:
    """Add to the pseudonym register; the text is checked again."""
    review = _review(request, review_id)
    publication.pseudonym_add(actor=request.user, review=review, **payload.dict(), request=request)
    return _out(request, review)


@router.post(
    "/{int:review_id}/publication/redaction", response=answers(PublicationOut), operation_id="publication_redaction"
)
def publication_redaction(request: AuthedRequest, review_id: int, payload: RedactionIn) -> PublicationOut:
    """Accept (replace) or reject (keep) every finding."""
    review = _review(request, review_id)
    decisions = {d.id: (d.decision, d.replacement) for d in payload.decisions}
    publication.redaction_decide(actor=request.user, review=review, decisions=decisions, request=request)
    return _out(request, review)


@router.post(
    "/{int:review_id}/publication/declaration",
    response=answers(PublicationOut),
    operation_id="publication_declaration",
)
def publication_declaration(request: AuthedRequest, review_id: int, payload: DeclarationIn) -> PublicationOut:
    """Publish a file cspr cannot read as it is, on a named person's declaration."""
    review = _review(request, review_id)
    publication.publication_declare_as_is(actor=request.user, review=review, **payload.dict(), request=request)
    return _out(request, review)


@router.post(
    "/{int:review_id}/publication/publish", response=answers(PublicationOut), operation_id="publication_publish"
)
def publication_publish(request: AuthedRequest, review_id: int, payload: PublishIn) -> PublicationOut:
    """Publish on or after the earliest date: the PDF written from the checked text, the case and the review
    published, the report in the library."""
    review = _review(request, review_id)
    publication.publication_publish(
        actor=request.user, review=review, published_on=payload.published_on, request=request
    )
    return _out(request, review)


@router.post(
    "/{int:review_id}/publication/requests/{int:request_id}/answered",
    response=answers(PublicationOut),
    operation_id="publication_request_answered",
)
def publication_request_answered(request: AuthedRequest, review_id: int, request_id: int) -> PublicationOut:
    """Mark a public request for the report as answered."""
    review = _review(request, review_id)
    publication.report_request_answered(actor=request.user, review=review, request_id=request_id, request=request)
    return _out(request, review)
