"""The local review in /api/v1/reviews (mounted by cspr/api/api.py): every step of the review's pages, calling
the same selectors and services with the token owner as the actor (DESIGN.md: web and API call the same door).

Who reads what follows the review's policy (cspr/reviews/visibility.py): the partnership's own people the whole
review; the commissioned reviewer their review's working record (terms, returns, involvement, requests to
them, the report) with the partnership's own business null; everybody else nothing (404). Service errors come
back as JSON: 404 not found, 403 not allowed, 409 out of turn, 422 with ``field_errors``.
"""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Router, Schema

from cspr.cases.api.schemas import ErrorOut
from cspr.core.errors import NotFound
from cspr.partnerships.models import Organisation, User
from cspr.partnerships.types import AuthedRequest
from cspr.reviews import national, selectors, services
from cspr.reviews.models import (
    Delay,
    LocalReview,
    NationalReview,
    NationalReviewExchange,
    ParallelProcess,
    ReportVersion,
    WrittenRequest,
)
from cspr.reviews.visibility import ReviewPolicy

router = Router(tags=["reviews"])

ReviewStateValue = Literal[
    "commissioning",
    "terms_agreed",
    "in_progress",
    "draft_report",
    "signed_off",
    "ready_to_publish",
    "published",
    "completed",
]
RecipientValue = Literal["panel", "ofsted", "dfe"]
MethodValue = Literal["systems", "appreciative_inquiry", "hybrid", "other"]
ProcessKindValue = Literal[
    "criminal_investigation",
    "prosecution",
    "inquest",
    "disciplinary",
    "child_death_review",
    "safeguarding_adults_review",
    "domestic_abuse_related_death_review",
]
PurposeValue = Literal["chronology", "management_report"]


def answers(body: object, status: int = 200) -> dict[int, object]:
    return {status: body, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- bodies ------------------------------------------------------------------------------------------------------


class CompetenceIn(Schema):
    answer: Literal["yes", "no"]
    evidence: str = ""


class CommissionIn(Schema):
    reviewer_id: int
    competences: dict[str, CompetenceIn] = Field(
        description="knowledge, research, conditions, hindsight, communication: each answered yes with evidence."
    )
    conflict: Literal["none", "declared"]
    conflict_management: str = ""
    commissioned_on: datetime.date


class NoticeIn(Schema):
    recipients: list[RecipientValue]
    sent_on: datetime.date
    text: str = Field("", description="What was sent; empty: the letter cspr writes.")


class TermsIn(Schema):
    period_from: datetime.date
    period_to: datetime.date
    lines_of_enquiry: str
    agencies: str
    other_partnerships: str = ""
    method: MethodValue
    child_and_family: str
    agreed_on: datetime.date


class BriefingIn(Schema):
    held_on: datetime.date
    attended: str


class ContributionIn(Schema):
    purpose: PurposeValue
    organisation_id: int
    contributor_id: int
    shared_facts: str
    questions: str = ""
    due_date: datetime.date


class ProcessIn(Schema):
    kind: ProcessKindValue
    lead_contact: str
    expected_on: datetime.date | None = None
    notes: str = ""
    hold: bool = False
    hold_from: datetime.date | None = None
    hold_reason: str = ""
    hold_approved_by: str = ""


class HoldIn(Schema):
    hold_from: datetime.date
    hold_reason: str
    hold_approved_by: str


class LiftIn(Schema):
    lifted_on: datetime.date
    concluded: bool = False


class InvolvementIn(Schema):
    kind: Literal["practitioner_event", "family"]
    on: datetime.date
    agencies: str = ""
    attending: int | None = Field(None, ge=0, le=10000)
    family_member: str = ""
    participation: Literal["", "invited", "took_part", "declined"] = ""
    views_included: str = ""


class CheckpointIn(Schema):
    held_on: datetime.date
    progress: str


class QuestionIn(Schema):
    question: str


class AnswerIn(Schema):
    answer: str


class TextIn(Schema):
    text: str


class RecommendationIn(Schema):
    what: str
    owner: str
    due_on: datetime.date | None = None


class FinalIn(Schema):
    text: str
    findings: str
    recommendations: list[RecommendationIn]


class SignOffIn(Schema):
    signed_off_by: str
    signed_off_on: datetime.date


class DelayIn(Schema):
    reason: str
    new_due: datetime.date


class DelayDecisionIn(Schema):
    approved: bool
    decided_on: datetime.date
    decided_by: str
    panel_notified_on: datetime.date | None = None
    secretary_of_state_notified_on: datetime.date | None = None


# --- answers -------------------------------------------------------------------------------------------------------


class TermsOut(Schema):
    number: int
    period_from: datetime.date
    period_to: datetime.date
    lines_of_enquiry: str
    agencies: str
    other_partnerships: str
    method: MethodValue
    child_and_family: str
    agreed_on: datetime.date


class ContributionOut(Schema):
    id: int
    purpose: str
    organisation: str
    due_date: datetime.date
    status: str
    returned_on: datetime.date | None
    escalated_on: datetime.date | None


class ProcessOut(Schema):
    id: int
    kind: ProcessKindValue
    status: str
    lead_contact: str
    expected_on: datetime.date | None
    hold_from: datetime.date | None
    hold_until: datetime.date | None
    hold_reason: str


class WrittenRequestOut(Schema):
    id: int
    question: str
    asked_on: datetime.date
    answer: str
    answered_on: datetime.date | None


class RecommendationOut(Schema):
    number: int
    what: str
    owner: str
    due_on: datetime.date


class VersionOut(Schema):
    id: int
    number: int
    final: bool
    text: str
    findings: str
    recommendations: list[RecommendationOut]
    comments: list[str]


class DelayOut(Schema):
    id: int
    reason: str
    new_due: datetime.date
    status: str
    decided_on: datetime.date | None
    panel_notified_on: datetime.date | None
    secretary_of_state_notified_on: datetime.date | None


class ReviewOut(Schema):
    id: int
    kind: Literal["lcspr", "learning"] = Field(description="A local review, or a multi-agency learning review.")
    case_id: int
    case_reference: str
    pseudonym: str
    state: ReviewStateValue
    decided_on: datetime.date | None
    reviewer: str | None = Field(description="The commissioned reviewer's name.")
    commissioned_on: datetime.date | None = Field(description="Null for the reviewer themself.")
    conflict: str | None = Field(description="Null for the reviewer themself.")
    signed_off_on: datetime.date | None
    signed_off_by: str
    terms: list[TermsOut]
    contributions: list[ContributionOut]
    processes: list[ProcessOut] | None = Field(description="The partnership's own business: null for the reviewer.")
    delays: list[DelayOut] | None = Field(description="The partnership's own business: null for the reviewer.")
    written_requests: list[WrittenRequestOut]
    versions: list[VersionOut]
    lcspr_due: datetime.date | None = Field(description="The six-month clock after holds and delays.")
    lcspr_statutory_due: datetime.date | None
    learning_shared_on: datetime.date | None = Field(description="A learning review's end: its learning shared.")


def review_for(request: AuthedRequest, review_id: int, *, log_read: bool = False) -> tuple[LocalReview, ReviewPolicy]:
    return selectors.review_get(user=request.user, review_id=review_id, log_read=log_read, request=request)


def review_out(request: AuthedRequest, review: LocalReview, policy: ReviewPolicy | None = None) -> ReviewOut:
    from cspr.cases.models import CaseClock

    review, policy = review_for(request, review.pk) if policy is None else (review, policy)
    review.refresh_from_db()
    whole = policy.sees_partnership_detail
    clock = CaseClock.objects.filter(case_id=review.case_id, milestone="lcspr-published").first() if whole else None
    versions = ReportVersion.objects.filter(review=review).prefetch_related("recommendations", "comments")
    return ReviewOut(
        id=review.pk,
        kind=review.kind,  # type: ignore[arg-type]
        learning_shared_on=review.learning_shared_on,
        case_id=review.case_id,
        case_reference=review.case.reference,
        pseudonym=review.case.pseudonym,
        state=review.state,  # type: ignore[arg-type]
        decided_on=review.decided_on,
        reviewer=review.reviewer.full_name if review.reviewer else None,
        commissioned_on=review.commissioned_on if whole else None,
        conflict=review.conflict if whole else None,
        signed_off_on=review.signed_off_on,
        signed_off_by=review.signed_off_by,
        terms=[TermsOut.from_orm(t) for t in review.terms.all()],
        contributions=[
            ContributionOut(
                id=r.pk,
                purpose=r.purpose,
                organisation=r.organisation.name,
                due_date=r.due_date,
                status=r.status,
                returned_on=r.responded_at.date() if r.responded_at else None,
                escalated_on=r.escalated_on,
            )
            for r in selectors.review_contributions(review)
        ],
        processes=[ProcessOut.from_orm(p) for p in review.processes.all()] if whole else None,
        delays=[DelayOut.from_orm(d) for d in review.delays.all()] if whole else None,
        written_requests=[
            WrittenRequestOut(
                id=w.pk,
                question=w.question,
                asked_on=w.asked_at.date(),
                answer=w.answer,
                answered_on=w.answered_at.date() if w.answered_at else None,
            )
            for w in review.written_requests.all()
        ],
        versions=[
            VersionOut(
                id=v.pk,
                number=v.number,
                final=v.final,
                text=v.text,
                findings=v.findings,
                recommendations=[RecommendationOut.from_orm(r) for r in v.recommendations.all()],
                comments=[c.text for c in v.comments.all()],
            )
            for v in versions
        ],
        lcspr_due=clock.effective_due if clock else None,
        lcspr_statutory_due=clock.statutory_due if clock else None,
    )


class ReviewSummaryOut(Schema):
    id: int
    case_id: int
    case_reference: str
    pseudonym: str
    state: ReviewStateValue


@router.get(
    "/", response=answers(list[ReviewSummaryOut]), operation_id="reviews_list", summary="The reviews you may open"
)
def reviews_list(request: AuthedRequest) -> list[ReviewSummaryOut]:
    """The partnership's reviews for its own people; the reviews a reviewer is commissioned for."""
    return [
        ReviewSummaryOut(
            id=r.pk,
            case_id=r.case_id,
            case_reference=r.case.reference,
            pseudonym=r.case.pseudonym,
            state=r.state,  # type: ignore[arg-type]
        )
        for r in selectors.reviews_for_user(user=request.user).order_by("-opened_at")[:200]
    ]


@router.get("/{int:review_id}", response=answers(ReviewOut), operation_id="review_get", summary="One review")
def review_get(request: AuthedRequest, review_id: int) -> ReviewOut:
    review, policy = review_for(request, review_id, log_read=True)
    return review_out(request, review, policy)


def _person(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


@router.post("/{int:review_id}/commission", response=answers(ReviewOut), operation_id="review_commission")
def review_commission(request: AuthedRequest, review_id: int, payload: CommissionIn) -> ReviewOut:
    """Commission the reviewer: a person with a reviewer membership of the partnership, each competence
    confirmed with evidence, and the conflict-of-interest declaration."""
    review, _ = review_for(request, review_id)
    services.review_commission(
        actor=request.user, review=review, reviewer=_person(payload.reviewer_id),
        competences={k: v.dict() for k, v in payload.competences.items()}, conflict=payload.conflict,
        conflict_management=payload.conflict_management, commissioned_on=payload.commissioned_on, request=request,
    )  # fmt: skip
    return review_out(request, review)


@router.post("/{int:review_id}/notices", response=answers(ReviewOut), operation_id="review_notice_record")
def review_notice_record(request: AuthedRequest, review_id: int, payload: NoticeIn) -> ReviewOut:
    """Record telling the Panel, Ofsted and the DfE that the review will happen, with the reviewer's name."""
    review, _ = review_for(request, review_id)
    services.review_notice_record(actor=request.user, review=review, **payload.dict(), request=request)
    return review_out(request, review)


@router.post("/{int:review_id}/terms", response=answers(ReviewOut), operation_id="review_terms_agree")
def review_terms_agree(request: AuthedRequest, review_id: int, payload: TermsIn) -> ReviewOut:
    """Agree a version of the terms of reference (a change is a new version)."""
    review, _ = review_for(request, review_id)
    services.review_terms_agree(actor=request.user, review=review, **payload.dict(), request=request)
    return review_out(request, review)


@router.post("/{int:review_id}/briefings", response=answers(ReviewOut), operation_id="review_briefing_record")
def review_briefing_record(request: AuthedRequest, review_id: int, payload: BriefingIn) -> ReviewOut:
    review, _ = review_for(request, review_id)
    services.review_briefing_record(actor=request.user, review=review, **payload.dict(), request=request)
    return review_out(request, review)


@router.post("/{int:review_id}/start", response=answers(ReviewOut), operation_id="review_start")
def review_start(request: AuthedRequest, review_id: int) -> ReviewOut:
    review, _ = review_for(request, review_id)
    services.review_start(actor=request.user, review=review, request=request)
    return review_out(request, review)


@router.post("/{int:review_id}/contributions", response=answers(ReviewOut), operation_id="review_contribution_request")
def review_contribution_request(request: AuthedRequest, review_id: int, payload: ContributionIn) -> ReviewOut:
    """Ask an agency for a chronology or an individual management report."""
    review, _ = review_for(request, review_id)
    data = payload.dict()
    organisation = Organisation.objects.filter(pk=data.pop("organisation_id"), partnership_id=review.partnership_id)
    services.review_contribution_request(
        actor=request.user, review=review, organisation=organisation.first(),
        contributor=_person(data.pop("contributor_id")), **data, request=request,
    )  # fmt: skip
    return review_out(request, review)


@router.post("/{int:review_id}/processes", response=answers(ReviewOut), operation_id="review_process_record")
def review_process_record(request: AuthedRequest, review_id: int, payload: ProcessIn) -> ReviewOut:
    """A parallel process; one that holds publication pauses the six-month clock."""
    review, _ = review_for(request, review_id)
    services.review_process_record(actor=request.user, review=review, **payload.dict(), request=request)
    return review_out(request, review)


def _process(review: LocalReview, process_id: int) -> ParallelProcess:
    found = ParallelProcess.objects.filter(review=review, pk=process_id).first()
    if found is None:
        raise NotFound("No such process on this review.")
    return found


@router.post(
    "/{int:review_id}/processes/{int:process_id}/hold", response=answers(ReviewOut), operation_id="review_hold_place"
)
def review_hold_place(request: AuthedRequest, review_id: int, process_id: int, payload: HoldIn) -> ReviewOut:
    review, _ = review_for(request, review_id)
    services.review_hold_place(
        actor=request.user, process=_process(review, process_id), **payload.dict(), request=request
    )
    return review_out(request, review)


@router.post(
    "/{int:review_id}/processes/{int:process_id}/lift", response=answers(ReviewOut), operation_id="review_hold_lift"
)
def review_hold_lift(request: AuthedRequest, review_id: int, process_id: int, payload: LiftIn) -> ReviewOut:
    review, _ = review_for(request, review_id)
    services.review_hold_lift(
        actor=request.user, process=_process(review, process_id), **payload.dict(), request=request
    )
    return review_out(request, review)


@router.post("/{int:review_id}/involvement", response=answers(ReviewOut), operation_id="review_involvement_record")
def review_involvement_record(request: AuthedRequest, review_id: int, payload: InvolvementIn) -> ReviewOut:
    review, _ = review_for(request, review_id)
    services.review_involvement_record(actor=request.user, review=review, **payload.dict(), request=request)
    return review_out(request, review)


@router.post("/{int:review_id}/checkpoints", response=answers(ReviewOut), operation_id="review_checkpoint_record")
def review_checkpoint_record(request: AuthedRequest, review_id: int, payload: CheckpointIn) -> ReviewOut:
    review, _ = review_for(request, review_id)
    services.review_checkpoint_record(actor=request.user, review=review, **payload.dict(), request=request)
    return review_out(request, review)


@router.post("/{int:review_id}/written-requests", response=answers(ReviewOut), operation_id="review_ask_reviewer")
def review_ask_reviewer(request: AuthedRequest, review_id: int, payload: QuestionIn) -> ReviewOut:
    """A request to the reviewer, in writing."""
    review, _ = review_for(request, review_id)
    services.review_ask_reviewer(actor=request.user, review=review, question=payload.question, request=request)
    return review_out(request, review)


@router.post(
    "/{int:review_id}/written-requests/{int:request_id}/answer",
    response=answers(ReviewOut),
    operation_id="review_request_answer",
)
def review_request_answer(request: AuthedRequest, review_id: int, request_id: int, payload: AnswerIn) -> ReviewOut:
    """The reviewer answers a written request."""
    review, _ = review_for(request, review_id)
    item = WrittenRequest.objects.filter(review=review, pk=request_id).first()
    if item is None:
        raise NotFound("No such request on this review.")
    services.review_request_answer(actor=request.user, written_request=item, answer=payload.answer, request=request)
    return review_out(request, review)


@router.post("/{int:review_id}/drafts", response=answers(ReviewOut), operation_id="review_draft_share")
def review_draft_share(request: AuthedRequest, review_id: int, payload: TextIn) -> ReviewOut:
    review, _ = review_for(request, review_id)
    services.review_draft_share(actor=request.user, review=review, text=payload.text, request=request)
    return review_out(request, review)


@router.post(
    "/{int:review_id}/versions/{int:version_id}/comments",
    response=answers(ReviewOut),
    operation_id="review_draft_comment",
)
def review_draft_comment(request: AuthedRequest, review_id: int, version_id: int, payload: TextIn) -> ReviewOut:
    review, _ = review_for(request, review_id)
    version = ReportVersion.objects.filter(review=review, pk=version_id).first()
    if version is None:
        raise NotFound("No such version of the report.")
    services.review_draft_comment(actor=request.user, version=version, text=payload.text, request=request)
    return review_out(request, review)


@router.post("/{int:review_id}/final-report", response=answers(ReviewOut), operation_id="review_final_submit")
def review_final_submit(request: AuthedRequest, review_id: int, payload: FinalIn) -> ReviewOut:
    """The final report with its findings and each recommendation (what, owner, by when)."""
    review, _ = review_for(request, review_id)
    services.review_final_submit(
        actor=request.user, review=review, text=payload.text, findings=payload.findings,
        recommendations=[r.dict() for r in payload.recommendations], request=request,
    )  # fmt: skip
    return review_out(request, review)


@router.post("/{int:review_id}/sign-off", response=answers(ReviewOut), operation_id="review_sign_off")
def review_sign_off(request: AuthedRequest, review_id: int, payload: SignOffIn) -> ReviewOut:
    review, _ = review_for(request, review_id)
    services.review_sign_off(actor=request.user, review=review, **payload.dict(), request=request)
    return review_out(request, review)


@router.post("/{int:review_id}/new-version", response=answers(ReviewOut), operation_id="review_new_version")
def review_new_version(request: AuthedRequest, review_id: int) -> ReviewOut:
    review, _ = review_for(request, review_id)
    services.review_new_version(actor=request.user, review=review, request=request)
    return review_out(request, review)


@router.post("/{int:review_id}/delays", response=answers(ReviewOut), operation_id="review_delay_request")
def review_delay_request(request: AuthedRequest, review_id: int, payload: DelayIn) -> ReviewOut:
    review, _ = review_for(request, review_id)
    services.review_delay_request(actor=request.user, review=review, **payload.dict(), request=request)
    return review_out(request, review)


@router.post(
    "/{int:review_id}/delays/{int:delay_id}/decision", response=answers(ReviewOut), operation_id="review_delay_decide"
)
def review_delay_decide(request: AuthedRequest, review_id: int, delay_id: int, payload: DelayDecisionIn) -> ReviewOut:
    """The leadership group's decision; an approved delay records when the Panel and the Secretary of State
    were told."""
    review, _ = review_for(request, review_id)
    delay = Delay.objects.filter(review=review, pk=delay_id).first()
    if delay is None:
        raise NotFound("No such delay on this review.")
    services.review_delay_decide(actor=request.user, delay=delay, **payload.dict(), request=request)
    return review_out(request, review)


@router.post("/{int:review_id}/ready", response=answers(ReviewOut), operation_id="review_mark_ready")
def review_mark_ready(request: AuthedRequest, review_id: int) -> ReviewOut:
    review, _ = review_for(request, review_id)
    services.review_mark_ready(actor=request.user, review=review, request=request)
    return review_out(request, review)


# --- the Panel's national review ------------------------------------------------------------------------------


class ExchangeIn(Schema):
    kind: Literal["panel_request", "information_sent"]
    on: datetime.date
    what: str


class ExchangeOut(Schema):
    id: int
    kind: str
    on: datetime.date
    what: str


class NationalReviewOut(Schema):
    id: int
    case_id: int
    case_reference: str
    pseudonym: str
    exchanges: list[ExchangeOut]


def national_out(national: NationalReview) -> NationalReviewOut:
    return NationalReviewOut(
        id=national.pk,
        case_id=national.case_id,
        case_reference=national.case.reference,
        pseudonym=national.case.pseudonym,
        exchanges=[
            ExchangeOut(id=e.pk, kind=e.kind, on=e.on, what=e.what)
            for e in NationalReviewExchange.objects.filter(national_review=national)
        ],
    )


@router.get(
    "/national/{int:national_id}",
    response=answers(NationalReviewOut),
    operation_id="national_review_get",
    summary="The partnership's cooperation with the Panel's national review",
)
def national_review_get(request: AuthedRequest, national_id: int) -> NationalReviewOut:
    return national_out(national.national_review_get(user=request.user, national_id=national_id))


@router.post(
    "/national/{int:national_id}/exchanges",
    response=answers(NationalReviewOut),
    operation_id="national_review_exchange_record",
    summary="Record a request from the Panel or information sent to it",
)
def national_review_exchange_record(request: AuthedRequest, national_id: int, payload: ExchangeIn) -> NationalReviewOut:
    found = national.national_review_get(user=request.user, national_id=national_id)
    national.national_review_exchange_record(actor=request.user, national=found, **payload.dict(), request=request)
    return national_out(found)


class LearningSharedIn(Schema):
    shared_on: datetime.date
    how: str


@router.post("/{int:review_id}/learning-shared", response=answers(ReviewOut), operation_id="review_learning_shared")
def review_learning_shared(request: AuthedRequest, review_id: int, payload: LearningSharedIn) -> ReviewOut:
    """A multi-agency learning review is complete once its learning is shared (publishing it is optional)."""
    review, _ = review_for(request, review_id)
    services.review_learning_shared(actor=request.user, review=review, **payload.dict(), request=request)
    return review_out(request, review)
