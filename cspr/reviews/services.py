"""Every write to a local review (DESIGN.md rule 2): keyword-only, typed, one transaction each, checking who may
do it through the review's policy (``reviews.visibility``), validating every answer at once, writing, auditing,
and recomputing the case's clocks where a hold or a delay changes them (rule 4: through cspr.timescales).

DOMAIN.md steps 6 to 9; Working Together to Safeguard Children 2023, chapter 5.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.cases.clocks import clocks_recompute, due_date_for
from cspr.cases.models import AgencyRequest, Case, CaseDate, CaseState
from cspr.cases.services import agency_request_create_for_review
from cspr.cases.services.attachments import attachment_check, attachment_file_save, attachment_row_create
from cspr.cases.services.common import create_storable, not_in_future, raise_if, require_storable, require_text
from cspr.core.errors import IllegalTransition, NotAllowed, NotFound
from cspr.partnerships.models import Membership, Organisation, User
from cspr.partnerships.roles import Role
from cspr.reviews.models import (
    Briefing,
    Checkpoint,
    Delay,
    DraftComment,
    Involvement,
    LocalReview,
    ParallelProcess,
    Publication,
    Recommendation,
    ReportVersion,
    ReviewKind,
    ReviewNotice,
    ReviewState,
    TermsOfReference,
    WrittenRequest,
)
from cspr.reviews.rules import (
    COMPETENCES,
    METHODS,
    NOTICE_RECIPIENTS,
    PARALLEL_PROCESSES,
    competence_errors,
    conflict_errors,
)
from cspr.reviews.state import REVIEW_MACHINE, review_transition
from cspr.reviews.visibility import ReviewAction, review_policy
from cspr.timescales.milestones import REVIEW_DECIDED

PROBLEM = "There is a problem with what you entered."


# --- who may ---------------------------------------------------------------------------------------------------


def require_review_action(actor: User, review: LocalReview, action: ReviewAction) -> None:
    """The one check of every service: a reader who cannot see the review gets NotFound (rule 1); one whose
    role does not take this step, NotAllowed; a step closed at the review's stage, or not ready, an illegal
    move (409) that says why, in the policy's own words so the page and the service refuse alike."""
    policy = review_policy(user=actor, review=review)
    if not policy.sees_review:
        raise NotFound("No review with that number is available to you.")
    if not policy.role_allows(action):
        raise NotAllowed("Your role does not let you do this. Ask the partnership's business manager.")
    why_not = policy.why_not(action)
    if why_not:
        raise IllegalTransition(why_not)


def _audit(actor: User | None, action: str, review: LocalReview, request: HttpRequest | None, **after: Any) -> None:
    audit_record(
        actor=actor, action=action, partnership=review.partnership_id, target=review, after=after, request=request
    )


def _touch(review: LocalReview) -> None:
    LocalReview.objects.filter(pk=review.pk).update(updated_at=timezone.now())


def _advance(actor: User, review: LocalReview, to: ReviewState, request: HttpRequest | None) -> None:
    """Move on as soon as the guard allows (commissioning ends when its last part is recorded)."""
    move = next((m for m in REVIEW_MACHINE.allowed(review) if m.to == to), None)
    if move is not None and move.guard(review) is None:
        review_transition(actor=actor, review=review, to=to, request=request)


def _not_before(
    value: datetime.date | None, earliest: datetime.date | None, field: str, message: str, errors: dict[str, str]
) -> None:
    if value is not None and earliest is not None and value < earliest and field not in errors:
        errors[field] = message


# --- opening -----------------------------------------------------------------------------------------------------


def review_open(*, case: Case, actor: User | None, request: HttpRequest | None = None) -> LocalReview | None:
    """Open the case's review when the case enters "Local review to be carried out" or "Multi-agency learning
    review" (the hook ``cases.state.register_stage_entered``), with the date the partners decided to review (a
    referral screened straight to a learning review: the day it was screened). Idempotent."""
    kind = {CaseState.LOCAL_REVIEW: ReviewKind.LCSPR, CaseState.LEARNING_REVIEW: ReviewKind.LEARNING}.get(
        CaseState(case.state)
    )
    if kind is None:
        return None
    existing = LocalReview.objects.filter(case=case).first()
    if existing is not None:
        return existing
    decided = CaseDate.objects.filter(case=case, event=REVIEW_DECIDED).values_list("date", flat=True).first()
    if decided is None and kind == ReviewKind.LEARNING:
        decided = timezone.localdate()
    review = LocalReview.objects.create(case=case, partnership_id=case.partnership_id, decided_on=decided, kind=kind)
    _audit(actor, "review.opened", review, request, case=case.pk, decided_on=decided, kind=kind)
    return review


# --- commissioning (DOMAIN.md step 6) -------------------------------------------------------------------------


def review_commission(
    *,
    actor: User,
    review: LocalReview,
    reviewer: User | None,
    competences: Mapping[str, Mapping[str, str]],
    conflict: str,
    conflict_management: str = "",
    commissioned_on: datetime.date | None,
    request: HttpRequest | None = None,
) -> LocalReview:
    """Commission the reviewer: a person with a reviewer membership of the partnership, checked by the review
    group against each competence with evidence, and their conflict-of-interest declaration. The review
    cannot start without them (the state machine's guard)."""
    require_review_action(actor, review, ReviewAction.COMMISSION)
    answers = {
        code: {
            "answer": str((competences.get(code) or {}).get("answer", "")),
            "evidence": str((competences.get(code) or {}).get("evidence", "")).strip(),
        }
        for code, _ in COMPETENCES
    }
    errors = {**competence_errors(answers), **conflict_errors(conflict, conflict_management)}
    if reviewer is None:
        errors["reviewer"] = "Choose the reviewer"
    elif (
        not Membership.objects.active()
        .filter(user=reviewer, partnership_id=review.partnership_id, role=Role.REVIEWER)
        .exists()
    ):
        errors["reviewer"] = "Choose a person with a reviewer membership of this partnership, or invite them first"
    if commissioned_on is None:
        errors["commissioned_on"] = "Enter the date the reviewer was commissioned"
    not_in_future(commissioned_on, "commissioned_on", "The date the reviewer was commissioned", errors)
    _not_before(
        commissioned_on, review.decided_on, "commissioned_on",
        "The reviewer cannot be commissioned before the partners decided to review", errors,
    )  # fmt: skip
    raise_if(errors, "There is a problem with commissioning the reviewer.")
    assert reviewer is not None
    with transaction.atomic():
        locked = LocalReview.objects.select_for_update().get(pk=review.pk)
        locked.reviewer = reviewer
        locked.competences = answers
        locked.conflict = conflict
        locked.conflict_management = (conflict_management or "").strip() if conflict == "declared" else ""
        locked.commissioned_on = commissioned_on
        locked.commissioned_by = actor
        locked.updated_at = timezone.now()
        require_storable(locked)
        locked.save()
        _audit(actor, "review.reviewer_commissioned", locked, request, reviewer=reviewer, conflict=conflict)
        _advance(actor, locked, ReviewState.TERMS_AGREED, request)
    review.refresh_from_db()
    return review


def review_notice_text(review: LocalReview) -> str:
    """The letter telling the Panel, Ofsted and the DfE that the review will happen (DOMAIN.md step 6). It
    names the case by its reference and pseudonym only: the child's name is not in a letter."""
    case = review.case
    reviewer = review.reviewer.full_name if review.reviewer else "(the reviewer, once commissioned)"
    decided = f" on {review.decided_on:%-d %B %Y}" if review.decided_on else ""
    return (
        f"{case.partnership.name}: local child safeguarding practice review\n\n"
        f"The safeguarding partners decided{decided} to carry out a local child safeguarding practice review of "
        f"the case of {case.pseudonym} (our reference {case.reference}).\n\n"
        f"The review has been commissioned from {reviewer}, an independent reviewer. The partners checked the "
        "reviewer's competence and any conflict of interest as Working Together to Safeguard Children 2023 "
        "asks.\n\nWe will send the final report to the Panel and the Secretary of State at least 7 working days "
        "before it is published.\n"
    )


def review_notice_record(
    *,
    actor: User,
    review: LocalReview,
    recipients: Sequence[str],
    sent_on: datetime.date | None,
    text: str = "",
    request: HttpRequest | None = None,
) -> ReviewNotice:
    """Record that the Panel, Ofsted and the DfE (any of them) were told, on which date and in what words."""
    require_review_action(actor, review, ReviewAction.TELL_NATIONAL_BODIES)
    known = {code for code, _ in NOTICE_RECIPIENTS}
    errors: dict[str, str] = {}
    chosen = sorted(set(recipients))
    if not chosen:
        errors["recipients"] = "Choose who was told"
    elif not set(chosen) <= known:
        errors["recipients"] = "Choose the Panel, Ofsted or the Department for Education"
    if sent_on is None:
        errors["sent_on"] = "Enter the date it was sent"
    not_in_future(sent_on, "sent_on", "The date it was sent", errors)
    _not_before(
        sent_on,
        review.commissioned_on,
        "sent_on",
        "The date it was sent cannot be before the reviewer was commissioned",
        errors,
    )
    raise_if(errors, "There is a problem with recording who was told.")
    with transaction.atomic():
        notice = create_storable(
            ReviewNotice,
            "",
            review=review,
            recipients=chosen,
            sent_on=sent_on,
            text=(text or "").strip() or review_notice_text(review),
            recorded_by=actor,
        )
        _audit(actor, "review.national_bodies_told", review, request, recipients=chosen, sent_on=sent_on)
        _advance(actor, review, ReviewState.TERMS_AGREED, request)
    review.refresh_from_db()
    return notice


# --- terms of reference and briefing (DOMAIN.md step 7) -------------------------------------------------------


def review_terms_agree(
    *,
    actor: User,
    review: LocalReview,
    period_from: datetime.date | None,
    period_to: datetime.date | None,
    lines_of_enquiry: str,
    agencies: str,
    method: str,
    child_and_family: str,
    agreed_on: datetime.date | None,
    other_partnerships: str = "",
    request: HttpRequest | None = None,
) -> TermsOfReference:
    """Agree a version of the terms of reference. A change is a new version; every older one stays readable."""
    require_review_action(actor, review, ReviewAction.AGREE_TERMS)
    errors: dict[str, str] = {}
    if period_from is None:
        errors["period_from"] = "Enter the start of the period under review"
    if period_to is None:
        errors["period_to"] = "Enter the end of the period under review"
    if period_from and period_to and period_to < period_from:
        errors["period_to"] = "The end of the period must be the same as or after its start"
    require_text(lines_of_enquiry, "lines_of_enquiry", "Enter the key lines of enquiry", errors)
    require_text(agencies, "agencies", "Enter the agencies involved", errors)
    if method not in {code for code, _ in METHODS}:
        errors["method"] = "Choose the method"
    require_text(
        child_and_family,
        "child_and_family",
        "Say how the child's perspective and the family's context are covered",
        errors,
    )
    if agreed_on is None:
        errors["agreed_on"] = "Enter the date the terms were agreed"
    not_in_future(agreed_on, "agreed_on", "The date the terms were agreed", errors)
    _not_before(
        agreed_on, review.decided_on, "agreed_on", "The terms cannot be agreed before the decision to review", errors
    )
    raise_if(errors, "There is a problem with the terms of reference.")
    with transaction.atomic():
        LocalReview.objects.select_for_update().filter(pk=review.pk).first()  # one version number at a time
        number = (TermsOfReference.objects.filter(review=review).aggregate(n=Max("number"))["n"] or 0) + 1
        terms = create_storable(
            TermsOfReference,
            "",
            review=review,
            number=number,
            period_from=period_from,
            period_to=period_to,
            lines_of_enquiry=lines_of_enquiry.strip(),
            agencies=agencies.strip(),
            other_partnerships=(other_partnerships or "").strip(),
            method=method,
            child_and_family=child_and_family.strip(),
            agreed_on=agreed_on,
            recorded_by=actor,
        )
        _audit(actor, "review.terms_agreed", review, request, version=number, agreed_on=agreed_on)
        _touch(review)
        _advance(actor, review, ReviewState.TERMS_AGREED, request)
    review.refresh_from_db()
    return terms


def review_briefing_record(
    *,
    actor: User,
    review: LocalReview,
    held_on: datetime.date | None,
    attended: str,
    request: HttpRequest | None = None,
) -> Briefing:
    require_review_action(actor, review, ReviewAction.RECORD_BRIEFING)
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "Enter the date of the briefing"
    not_in_future(held_on, "held_on", "The date of the briefing", errors)
    require_text(attended, "attended", "Say who came to the briefing", errors)
    raise_if(errors, "There is a problem with the briefing.")
    with transaction.atomic():
        briefing = create_storable(
            Briefing, "", review=review, held_on=held_on, attended=attended.strip(), recorded_by=actor
        )
        _audit(actor, "review.briefing_recorded", review, request, held_on=held_on)
        _touch(review)
    return briefing


def review_start(*, actor: User, review: LocalReview, request: HttpRequest | None = None) -> LocalReview:
    """The review is under way: agencies briefed, their returns asked for, the reviewer at work."""
    require_review_action(actor, review, ReviewAction.START)
    return review_transition(actor=actor, review=review, to=ReviewState.IN_PROGRESS, request=request)


# --- agencies' returns (step 7), through the case app's one request door ---------------------------------------


def review_contribution_request(
    *,
    actor: User,
    review: LocalReview,
    organisation: Organisation | None,
    contributor: User | None,
    purpose: str,
    shared_facts: str,
    due_date: datetime.date | None,
    questions: str = "",
    request: HttpRequest | None = None,
) -> AgencyRequest:
    """Ask an agency for a chronology or an individual management report. The request is the rapid review's
    kind of request (answered on the contributor's request page, reminded before and after its due date, then
    escalated to the agency's decision maker), written by the case app's service."""
    require_review_action(actor, review, ReviewAction.REQUEST_CONTRIBUTION)
    errors: dict[str, str] = {}
    if organisation is None:
        errors["organisation"] = "Choose the agency"
    if contributor is None:
        errors["contributor"] = "Choose the person who will answer"
    raise_if(errors, "There is a problem with the request.")
    assert organisation is not None and contributor is not None
    with transaction.atomic():
        asked = agency_request_create_for_review(
            actor=actor,
            case=review.case,
            organisation=organisation,
            contributor=contributor,
            purpose=purpose,
            shared_facts=shared_facts,
            questions=questions,
            due_date=due_date,
            request=request,
        )
        _touch(review)
    return asked


# --- parallel processes and publication holds (step 7 and the clock of step 9) ----------------------------------


def review_process_record(
    *,
    actor: User,
    review: LocalReview,
    kind: str,
    lead_contact: str,
    expected_on: datetime.date | None = None,
    notes: str = "",
    hold: bool = False,
    hold_from: datetime.date | None = None,
    hold_reason: str = "",
    hold_approved_by: str = "",
    request: HttpRequest | None = None,
) -> ParallelProcess:
    """Record a process running beside the review; one that places a publication hold pauses the six-month
    clock from ``hold_from`` until the hold is lifted (through the engine's pauses, rule 4)."""
    require_review_action(actor, review, ReviewAction.RECORD_PROCESS)
    errors: dict[str, str] = {}
    if kind not in {code for code, _ in PARALLEL_PROCESSES}:
        errors["kind"] = "Choose the kind of process"
    require_text(lead_contact, "lead_contact", "Enter the lead contact for the process", errors)
    if hold:
        _hold_errors(hold_from, hold_reason, hold_approved_by, errors)
    raise_if(errors, "There is a problem with the parallel process.")
    with transaction.atomic():
        process = create_storable(
            ParallelProcess,
            "",
            review=review,
            kind=kind,
            lead_contact=lead_contact.strip(),
            expected_on=expected_on,
            notes=(notes or "").strip(),
            hold_from=hold_from if hold else None,
            hold_reason=hold_reason.strip() if hold else "",
            hold_approved_by=hold_approved_by.strip() if hold else "",
            recorded_by=actor,
        )
        _audit(actor, "review.process_recorded", review, request, process=process.pk, kind=kind, hold=hold)
        if hold:
            _held(actor, review, request)
    return process


def _hold_errors(hold_from: datetime.date | None, reason: str, approved_by: str, errors: dict[str, str]) -> None:
    if hold_from is None:
        errors["hold_from"] = "Enter the date the hold starts"
    not_in_future(hold_from, "hold_from", "The date the hold starts", errors)
    require_text(reason, "hold_reason", "Say why publication is held", errors)
    require_text(approved_by, "hold_approved_by", "Enter who agreed the hold", errors)


def _held(actor: User, review: LocalReview, request: HttpRequest | None) -> None:
    """A hold changes the six-month clock, and a report ready to publish is no longer ready."""
    clocks_recompute(case=review.case)
    _touch(review)
    review.refresh_from_db()
    if review.state == ReviewState.READY_TO_PUBLISH:
        review_transition(actor=actor, review=review, to=ReviewState.SIGNED_OFF, request=request)


def _process_of(actor: User, process: ParallelProcess | int) -> ParallelProcess:
    pk = process.pk if isinstance(process, ParallelProcess) else process
    found = ParallelProcess.objects.select_related("review").filter(pk=pk).first()
    if found is None:
        raise NotFound("No such process on this review.")
    return found


def review_hold_place(
    *,
    actor: User,
    process: ParallelProcess | int,
    hold_from: datetime.date | None,
    hold_reason: str,
    hold_approved_by: str,
    request: HttpRequest | None = None,
) -> ParallelProcess:
    found = _process_of(actor, process)
    review = found.review
    require_review_action(actor, review, ReviewAction.RECORD_PROCESS)
    if found.hold_in_force:
        raise IllegalTransition("Publication is already held for this process.")
    errors: dict[str, str] = {}
    _hold_errors(hold_from, hold_reason, hold_approved_by, errors)
    raise_if(errors, "There is a problem with the hold.")
    with transaction.atomic():
        ParallelProcess.objects.filter(pk=found.pk).update(
            hold_from=hold_from, hold_until=None, hold_reason=hold_reason.strip(),
            hold_approved_by=hold_approved_by.strip(),
        )  # fmt: skip
        _audit(actor, "review.hold_placed", review, request, process=found.pk, hold_from=hold_from)
        _held(actor, review, request)
    found.refresh_from_db()
    return found


def review_hold_lift(
    *,
    actor: User,
    process: ParallelProcess | int,
    lifted_on: datetime.date | None,
    concluded: bool = False,
    request: HttpRequest | None = None,
) -> ParallelProcess:
    """Lift a publication hold: ``lifted_on`` is the first day the clock runs again (the hold's last day is the
    day before). The process may conclude at the same time."""
    found = _process_of(actor, process)
    review = found.review
    require_review_action(actor, review, ReviewAction.RECORD_PROCESS)
    if not found.hold_in_force:
        raise IllegalTransition("There is no publication hold in force for this process.")
    assert found.hold_from is not None
    errors: dict[str, str] = {}
    if lifted_on is None:
        errors["lifted_on"] = "Enter the date the hold was lifted"
    not_in_future(lifted_on, "lifted_on", "The date the hold was lifted", errors)
    if lifted_on is not None and lifted_on <= found.hold_from and "lifted_on" not in errors:
        errors["lifted_on"] = f"The hold started on {found.hold_from:%-d %B %Y}: enter a later date"
    raise_if(errors, "There is a problem with lifting the hold.")
    assert lifted_on is not None
    with transaction.atomic():
        ParallelProcess.objects.filter(pk=found.pk).update(
            hold_until=lifted_on - datetime.timedelta(days=1),
            status=ParallelProcess.Status.CONCLUDED if concluded else found.status,
        )
        _audit(actor, "review.hold_lifted", review, request, process=found.pk, lifted_on=lifted_on)
        clocks_recompute(case=review.case)
        _touch(review)
    found.refresh_from_db()
    return found


# --- involvement and supervision (step 7) ---------------------------------------------------------------------


def review_involvement_record(
    *,
    actor: User,
    review: LocalReview,
    kind: str,
    on: datetime.date | None,
    agencies: str = "",
    attending: int | None = None,
    family_member: str = "",
    participation: str = "",
    views_included: str = "",
    request: HttpRequest | None = None,
) -> Involvement:
    """A practitioner learning event (agencies and how many came), or a family member's part (invited, took
    part or declined, and how their views were included). The family, surviving children included, are
    invited to contribute (Working Together 2023 ch.5)."""
    require_review_action(actor, review, ReviewAction.RECORD_INVOLVEMENT)
    errors: dict[str, str] = {}
    if on is None:
        errors["on"] = "Enter the date"
    not_in_future(on, "on", "The date", errors)
    if kind == Involvement.Kind.PRACTITIONER_EVENT:
        require_text(agencies, "agencies", "Enter the agencies that took part", errors)
        if attending is None or attending < 1:
            errors["attending"] = "Enter how many practitioners came, 1 or more"
    elif kind == Involvement.Kind.FAMILY:
        require_text(family_member, "family_member", "Say who in the family, as the report names them", errors)
        if participation not in Involvement.Participation.values:
            errors["participation"] = "Say whether they were invited, took part or declined"
        elif participation == Involvement.Participation.TOOK_PART:
            require_text(views_included, "views_included", "Say how their views were included", errors)
    else:
        errors["kind"] = "Choose a practitioner learning event or family involvement"
    raise_if(errors, "There is a problem with the involvement record.")
    family = kind == Involvement.Kind.FAMILY
    with transaction.atomic():
        item = create_storable(
            Involvement,
            "",
            review=review,
            kind=kind,
            on=on,
            agencies="" if family else agencies.strip(),
            attending=None if family else attending,
            family_member=family_member.strip() if family else "",
            participation=participation if family else "",
            views_included=(views_included or "").strip(),
            recorded_by=actor,
        )
        _audit(actor, "review.involvement_recorded", review, request, involvement=item.pk, kind=kind)
        _touch(review)
    return item


def review_checkpoint_record(
    *,
    actor: User,
    review: LocalReview,
    held_on: datetime.date | None,
    progress: str,
    request: HttpRequest | None = None,
) -> Checkpoint:
    require_review_action(actor, review, ReviewAction.RECORD_CHECKPOINT)
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "Enter the date of the checkpoint"
    not_in_future(held_on, "held_on", "The date of the checkpoint", errors)
    require_text(progress, "progress", "Say how the review's progress and quality were found", errors)
    raise_if(errors, "There is a problem with the checkpoint.")
    with transaction.atomic():
        item = create_storable(
            Checkpoint, "", review=review, held_on=held_on, progress=progress.strip(), recorded_by=actor
        )
        _audit(actor, "review.checkpoint_recorded", review, request, held_on=held_on)
        _touch(review)
    return item


def review_ask_reviewer(
    *, actor: User, review: LocalReview, question: str, request: HttpRequest | None = None
) -> WrittenRequest:
    """A request to the reviewer, in writing (Working Together 2023 ch.5), kept with its answer. The reviewer is
    e-mailed a link once it is saved, with nothing of the case in the message."""
    require_review_action(actor, review, ReviewAction.ASK_REVIEWER)
    errors: dict[str, str] = {}
    require_text(question, "question", "Enter the request to the reviewer", errors)
    raise_if(errors, "There is a problem with the request.")
    reviewer = review.reviewer
    assert reviewer is not None
    with transaction.atomic():
        item = create_storable(WrittenRequest, "", review=review, question=question.strip(), asked_by=actor)
        _audit(actor, "review.reviewer_asked", review, request, written_request=item.pk)
        _touch(review)
        link = f"{settings.SITE_URL}/reviews/{review.pk}/"
        transaction.on_commit(
            lambda: send_mail(
                subject=f"A written request about the review {review.case.reference}",
                message=f"The review group has made a written request to you.\n\nRead and answer it: {link}\n",
                from_email=None,
                recipient_list=[reviewer.email],
            )
        )
    return item


def review_request_answer(
    *,
    actor: User,
    written_request: WrittenRequest | int,
    answer: str,
    request: HttpRequest | None = None,
) -> WrittenRequest:
    pk = written_request.pk if isinstance(written_request, WrittenRequest) else written_request
    item = WrittenRequest.objects.select_related("review").filter(pk=pk).first()
    if item is None:
        raise NotFound("No such request on this review.")
    require_review_action(actor, item.review, ReviewAction.ANSWER_REQUEST)
    errors: dict[str, str] = {}
    require_text(answer, "answer", "Enter your answer", errors)
    raise_if(errors, "There is a problem with your answer.")
    with transaction.atomic():
        locked = WrittenRequest.objects.select_for_update().get(pk=item.pk)
        if locked.answered_at is not None:
            raise IllegalTransition("This request has already been answered.")
        locked.answer = answer.strip()
        locked.answered_at = timezone.now()
        require_storable(locked)
        locked.save(update_fields=["answer", "answered_at"])
        _audit(actor, "review.reviewer_answered", item.review, request, written_request=item.pk)
        _touch(item.review)
    return locked


# --- the report (step 8) -------------------------------------------------------------------------------------


def _next_version_number(review: LocalReview) -> int:
    LocalReview.objects.select_for_update().filter(pk=review.pk).first()
    return (ReportVersion.objects.filter(review=review).aggregate(n=Max("number"))["n"] or 0) + 1


def review_draft_share(
    *,
    actor: User,
    review: LocalReview,
    text: str = "",
    file_name: str = "",
    file_data: bytes | None = None,
    request: HttpRequest | None = None,
) -> ReportVersion:
    """The reviewer shares a draft with the review group, written here or uploaded as a file (or both); the
    first one moves the review to "draft report". A file passes the one upload gate (cspr/core/uploads.py)
    before anything is written and is stored encrypted as one of the case's files, read only on the review's
    pages; a refusal stores no file and no version (DESIGN.md rule 5)."""
    require_review_action(actor, review, ReviewAction.SHARE_DRAFT)
    errors: dict[str, str] = {}
    checked = attachment_check(name=file_name, data=file_data, errors=errors) if file_data else None
    if not (text or "").strip() and checked is None and "file" not in errors:
        errors["text"] = "Enter the draft report, or attach it as a file"
    raise_if(errors, "There is a problem with the draft.")
    case = review.case
    saved = attachment_file_save(case, checked) if checked is not None else None
    try:
        with transaction.atomic():
            number = _next_version_number(review)
            attached = None
            if checked is not None and saved is not None:
                attached = attachment_row_create(
                    case=case, checked=checked, saved=saved, actor=actor,
                    description=f"Draft report, version {number}", for_review=True,
                )  # fmt: skip
            version = create_storable(
                ReportVersion, "", review=review, number=number, text=(text or "").strip(), file=attached,
                written_by=actor,
            )  # fmt: skip
            _audit(
                actor, "review.draft_shared", review, request, version=version.number,
                **({"type": checked.content_type, "size": len(checked.data)} if checked is not None else {}),
            )  # fmt: skip
            _touch(review)
            review.refresh_from_db()
            if review.state == ReviewState.IN_PROGRESS:
                review_transition(actor=actor, review=review, to=ReviewState.DRAFT_REPORT, request=request)
    except Exception:
        if saved is not None:  # nothing half-written: no orphan file when the version was not saved
            default_storage.delete(saved)
        raise
    return version


def review_draft_comment(
    *, actor: User, version: ReportVersion | int, text: str, request: HttpRequest | None = None
) -> DraftComment:
    pk = version.pk if isinstance(version, ReportVersion) else version
    found = ReportVersion.objects.select_related("review").filter(pk=pk).first()
    if found is None:
        raise NotFound("No such version of the report.")
    require_review_action(actor, found.review, ReviewAction.COMMENT_ON_DRAFT)
    errors: dict[str, str] = {}
    require_text(text, "text", "Enter your comment", errors)
    raise_if(errors, "There is a problem with your comment.")
    with transaction.atomic():
        comment = create_storable(DraftComment, "", version=found, text=text.strip(), author=actor)
        _audit(actor, "review.draft_commented", found.review, request, version=found.number)
        _touch(found.review)
    return comment


def recommendation_errors(recommendations: Sequence[Mapping[str, Any]], *, after: datetime.date) -> dict[str, str]:
    """Each recommendation says what must change, who owns it and by when (DOMAIN.md step 8), keyed
    ``recommendations-<n>-<field>`` (n from 0) so a page can put each error against its question."""
    errors: dict[str, str] = {}
    if not recommendations:
        errors["recommendations"] = "Add at least one recommendation: what must change, by whom and by when"
    for n, item in enumerate(recommendations):
        key = f"recommendations-{n}-"
        if not str(item.get("what") or "").strip():
            errors[key + "what"] = f"Recommendation {n + 1}: say what must change"
        if not str(item.get("owner") or "").strip():
            errors[key + "owner"] = f"Recommendation {n + 1}: say which agency or partnership owns it"
        due = item.get("due_on")
        if not isinstance(due, datetime.date):
            errors[key + "due_on"] = f"Recommendation {n + 1}: enter the date it is due"
        elif due <= after:
            errors[key + "due_on"] = f"Recommendation {n + 1}: the date it is due must be in the future"
    return errors


def review_final_submit(
    *,
    actor: User,
    review: LocalReview,
    text: str,
    findings: str,
    recommendations: Sequence[Mapping[str, Any]],
    request: HttpRequest | None = None,
) -> ReportVersion:
    """The final report: its text, the findings (the analysis of systemic or underlying reasons why actions
    were or were not taken) and each recommendation as a record (what, by whom, by when)."""
    require_review_action(actor, review, ReviewAction.SUBMIT_FINAL)
    errors: dict[str, str] = {}
    require_text(text, "text", "Enter the final report", errors)
    require_text(findings, "findings", "Enter the findings: why actions were or were not taken", errors)
    errors.update(recommendation_errors(recommendations, after=timezone.localdate()))
    raise_if(errors, "There is a problem with the final report.")
    with transaction.atomic():
        version = create_storable(
            ReportVersion,
            "",
            review=review,
            number=_next_version_number(review),
            final=True,
            text=text.strip(),
            findings=findings.strip(),
            written_by=actor,
        )
        for n, item in enumerate(recommendations, start=1):
            create_storable(
                Recommendation,
                f"recommendations-{n - 1}-",
                version=version,
                number=n,
                what=str(item["what"]).strip(),
                owner=str(item["owner"]).strip(),
                due_on=item["due_on"],
            )
        _audit(
            actor, "review.final_report_submitted", review, request,
            version=version.number, recommendations=len(recommendations),
        )  # fmt: skip
        _touch(review)
    return version


def review_sign_off(
    *,
    actor: User,
    review: LocalReview,
    signed_off_by: str,
    signed_off_on: datetime.date | None,
    request: HttpRequest | None = None,
) -> LocalReview:
    """The partnership's assurance group signs off the final report (DOMAIN.md step 8). From then the report
    cannot change without a new version."""
    require_review_action(actor, review, ReviewAction.SIGN_OFF)
    errors: dict[str, str] = {}
    require_text(signed_off_by, "signed_off_by", "Enter who in the assurance group signed off the report", errors)
    if signed_off_on is None:
        errors["signed_off_on"] = "Enter the date it was signed off"
    not_in_future(signed_off_on, "signed_off_on", "The date it was signed off", errors)
    latest = ReportVersion.objects.filter(review=review).order_by("-number").first()
    if latest is not None:
        _not_before(
            signed_off_on, timezone.localdate(latest.written_at), "signed_off_on",
            "The report cannot be signed off before its final version was submitted", errors,
        )  # fmt: skip
    raise_if(errors, "There is a problem with the sign-off.")
    with transaction.atomic():
        LocalReview.objects.filter(pk=review.pk).update(
            signed_off_by=signed_off_by.strip(), signed_off_on=signed_off_on, signed_off_recorded_by=actor
        )
        review.refresh_from_db()
        _audit(actor, "review.signed_off", review, request, version=latest.number if latest else None, on=signed_off_on)
        review_transition(actor=actor, review=review, to=ReviewState.SIGNED_OFF, request=request)
    return review


def review_new_version(*, actor: User, review: LocalReview, request: HttpRequest | None = None) -> LocalReview:
    """Start a new version of a signed-off report: back with the review group, the sign-off to be given again.
    The signed-off version stays as it was."""
    require_review_action(actor, review, ReviewAction.NEW_VERSION)
    with transaction.atomic():
        LocalReview.objects.filter(pk=review.pk).update(
            signed_off_by="", signed_off_on=None, signed_off_recorded_by=None
        )
        review.refresh_from_db()
        _audit(actor, "review.reopened", review, request)
        # DOMAIN.md step 10: a plan (its copies and checks) was for the old version; it is made again from the next.
        unpublished = Publication.objects.filter(review=review, published_on__isnull=True)
        if unpublished.exists():
            unpublished.delete()
            _audit(actor, "review.publication_plan_discarded", review, request)
        review_transition(actor=actor, review=review, to=ReviewState.DRAFT_REPORT, request=request)
    return review


def review_learning_shared(
    *,
    actor: User,
    review: LocalReview,
    shared_on: datetime.date | None,
    how: str,
    request: HttpRequest | None = None,
) -> LocalReview:
    """A multi-agency learning review ends when its learning is shared across the partnership (briefings, a
    7-minute briefing, events: england-learning-review.toml, ``learning-shared``); publishing it is optional."""
    require_review_action(actor, review, ReviewAction.RECORD_LEARNING_SHARED)
    errors: dict[str, str] = {}
    if shared_on is None:
        errors["shared_on"] = "Enter the date the learning was shared"
    not_in_future(shared_on, "shared_on", "The date the learning was shared", errors)
    _not_before(
        shared_on, review.signed_off_on, "shared_on", "The learning cannot be shared before the report was signed off",
        errors,
    )  # fmt: skip
    require_text(how, "how", "Say how the learning was shared, for example a 7-minute briefing to every agency", errors)
    raise_if(errors, "There is a problem with recording the learning shared.")
    with transaction.atomic():
        LocalReview.objects.filter(pk=review.pk).update(learning_shared_on=shared_on, learning_shared_how=how.strip())
        review.refresh_from_db()
        _audit(actor, "review.learning_shared", review, request, on=shared_on)
        if review.state == ReviewState.SIGNED_OFF:
            review_transition(actor=actor, review=review, to=ReviewState.COMPLETED, request=request)
    return review


def review_mark_ready(*, actor: User, review: LocalReview, request: HttpRequest | None = None) -> LocalReview:
    require_review_action(actor, review, ReviewAction.MARK_READY)
    return review_transition(actor=actor, review=review, to=ReviewState.READY_TO_PUBLISH, request=request)


# --- delays (step 9) -----------------------------------------------------------------------------------------


def review_delay_request(
    *,
    actor: User,
    review: LocalReview,
    reason: str,
    new_due: datetime.date | None,
    request: HttpRequest | None = None,
) -> Delay:
    """Ask the leadership group for a later date, with the reasons (criminal proceedings, an inquest...)."""
    require_review_action(actor, review, ReviewAction.REQUEST_DELAY)
    errors: dict[str, str] = {}
    require_text(reason, "reason", "Say why the review needs more time", errors)
    current = due_date_for(review.case, "lcspr-published")
    if new_due is None:
        errors["new_due"] = "Enter the date the review would be completed and published by"
    elif current is not None and new_due <= current:
        errors["new_due"] = f"The review is due by {current:%-d %B %Y}: enter a later date"
    elif new_due <= timezone.localdate():
        errors["new_due"] = "Enter a date in the future"
    if Delay.objects.filter(review=review, status=Delay.Status.REQUESTED).exists():
        errors["reason"] = "A delay is already waiting for the leadership group's decision"
    raise_if(errors, "There is a problem with the delay.")
    with transaction.atomic():
        delay = create_storable(Delay, "", review=review, reason=reason.strip(), new_due=new_due, requested_by=actor)
        _audit(actor, "review.delay_requested", review, request, delay=delay.pk, new_due=new_due)
        _touch(review)
    return delay


def review_delay_decide(
    *,
    actor: User,
    delay: Delay | int,
    approved: bool | None,
    decided_on: datetime.date | None,
    decided_by: str,
    panel_notified_on: datetime.date | None = None,
    secretary_of_state_notified_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Delay:
    """The leadership group approves or refuses a delay; an approved one is notified, with the reasons, to the
    Panel and the Secretary of State (Working Together 2023 ch.5), and extends the clock from the day it was
    approved. The statutory date stays beside it."""
    pk = delay.pk if isinstance(delay, Delay) else delay
    found = Delay.objects.select_related("review").filter(pk=pk).first()
    if found is None:
        raise NotFound("No such delay on this review.")
    review = found.review
    require_review_action(actor, review, ReviewAction.DECIDE_DELAY)
    if found.status != Delay.Status.REQUESTED:
        raise IllegalTransition("This delay has already been decided.")
    errors: dict[str, str] = {}
    if approved is None:
        errors["approved"] = "Say whether the leadership group approved the delay"
    if decided_on is None:
        errors["decided_on"] = "Enter the date of the decision"
    not_in_future(decided_on, "decided_on", "The date of the decision", errors)
    _not_before(
        decided_on, timezone.localdate(found.requested_at), "decided_on",
        "The decision cannot be before the delay was asked for", errors,
    )  # fmt: skip
    require_text(decided_by, "decided_by", "Enter who in the leadership group decided", errors)
    if approved:
        for field, value, who in (
            ("panel_notified_on", panel_notified_on, "the Panel"),
            ("secretary_of_state_notified_on", secretary_of_state_notified_on, "the Secretary of State"),
        ):
            if value is None:
                errors[field] = f"Enter the date {who} was told of the delay and its reasons"
            not_in_future(value, field, f"The date {who} was told", errors)
            _not_before(
                value, decided_on, field, f"{who[0].upper()}{who[1:]} cannot be told before the decision", errors
            )
    raise_if(errors, "There is a problem with the decision on the delay.")
    with transaction.atomic():
        locked = Delay.objects.select_for_update().get(pk=found.pk)
        if locked.status != Delay.Status.REQUESTED:
            raise IllegalTransition("This delay has already been decided.")
        locked.status = Delay.Status.APPROVED if approved else Delay.Status.REFUSED
        locked.decided_on = decided_on
        locked.decided_by = decided_by.strip()
        locked.decision_recorded_by = actor
        locked.panel_notified_on = panel_notified_on if approved else None
        locked.secretary_of_state_notified_on = secretary_of_state_notified_on if approved else None
        require_storable(locked)
        locked.save()
        _audit(actor, "review.delay_decided", review, request, delay=locked.pk, status=locked.status)
        clocks_recompute(case=review.case)
        _touch(review)
    return locked
