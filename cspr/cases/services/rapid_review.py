"""The rapid review workspace (DOMAIN.md step 3): agency requests, chronology, actions, sections, criteria."""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.cases.models import (
    AgencyRequest,
    Case,
    CaseDate,
    CaseState,
    Decision,
    Episode,
    ImmediateAction,
    RapidReview,
)
from cspr.cases.rules.regulation11 import ANSWERS, CIRCUMSTANCES, CRITERIA, criterion_reasons_error
from cspr.cases.services.attachments import attachment_check, attachment_file_save, attachment_row_create
from cspr.cases.services.common import (
    check_version,
    create_storable,
    not_in_future,
    raise_if,
    record_case_date,
    require_business_manager,
    require_storable,
    require_text,
)
from cspr.cases.state import case_transition
from cspr.core.errors import IllegalTransition, NotFound, StaleEdit, ValidationFailed
from cspr.partnerships.models import Membership, Organisation, User
from cspr.partnerships.roles import Role

logger = logging.getLogger(__name__)

SECTION_FIELDS = (
    "meeting_date",
    "good_practice",
    "learning_so_far",
    "learning_shared",
    "family_context",
    "family_views",
    "practitioner_views",
    "recommendation",
    "recommendation_reasons",
)


def _rapid_review(case: Case) -> RapidReview:
    rr = RapidReview.objects.filter(case=case).first()
    if rr is None:
        raise IllegalTransition("The rapid review starts when the notification is recorded as sent to the Panel.")
    return rr


def _open_for_editing(case: Case) -> None:
    if case.state not in {CaseState.RAPID_REVIEW, CaseState.DECISION}:
        raise IllegalTransition("The rapid review can be edited only while it is in progress or being decided.")


def rapid_review_update(
    *,
    actor: User,
    case: Case,
    version: int | None,
    sections: dict[str, Any],
    criteria: dict[str, dict[str, str]] | None = None,
    request: HttpRequest | None = None,
) -> RapidReview:
    """Save the rapid review's sections. A stale save (someone else saved first) is refused: rule 5."""
    require_business_manager(actor, case)
    _open_for_editing(case)
    unknown = set(sections) - set(SECTION_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown rapid review sections: {', '.join(sorted(unknown))}.")
    errors: dict[str, str] = {}
    not_in_future(sections.get("meeting_date"), "meeting_date", "The review meeting date", errors)
    if sections.get("recommendation") not in (
        None,
        "",
        "local_review",
        "national_review",
        "learning_review",
        "no_review",
    ):
        errors["recommendation"] = "Choose a recommendation from the list"
    clean_criteria: dict[str, dict[str, str]] = {}
    for code, item in (criteria or {}).items():
        if code not in {c for c, _ in CRITERIA + CIRCUMSTANCES}:
            errors[f"criterion_{code}"] = "Unknown criterion"
            continue
        answer = (item.get("answer") or "").strip()
        reasons = (item.get("reasons") or "").strip()
        if answer and answer not in ANSWERS:
            errors[f"criterion_{code}_answer"] = "Answer yes, no or maybe"
        missing_reasons = criterion_reasons_error(code, answer, reasons)
        if missing_reasons:
            errors[f"criterion_{code}_reasons"] = missing_reasons
        clean_criteria[code] = {"answer": answer, "reasons": reasons}
    raise_if(errors, "There is a problem with the rapid review.")
    with transaction.atomic():
        rr = RapidReview.objects.select_for_update().get(pk=_rapid_review(case).pk)
        check_version(rr.version, version, "the rapid review")
        before = {name: getattr(rr, name) for name in sections}
        for name, value in sections.items():
            setattr(rr, name, value if value is not None or name == "meeting_date" else "")
        if criteria is not None:
            rr.criteria = {**(rr.criteria or {}), **clean_criteria}
        rr.version += 1
        rr.updated_at = timezone.now()
        require_storable(rr)
        rr.save()
        changed = sorted(n for n in sections if before[n] != getattr(rr, n))
        audit_record(
            actor=actor,
            action="rapid_review.updated",
            partnership=case.partnership_id,
            target=case,
            after={"sections": changed, "criteria": sorted(clean_criteria)},
            request=request,
        )
    return rr


def _contributor_for(organisation: Organisation, contributor: User) -> None:
    if (
        not Membership.objects.active()
        .filter(
            user=contributor,
            partnership=organisation.partnership,
            organisation=organisation,
            role=Role.AGENCY_CONTRIBUTOR,
        )
        .exists()
    ):
        raise ValidationFailed(
            "That person is not an agency contributor for this agency.",
            field_errors={"contributor": "Choose a contributor who works for this agency, or invite them first"},
        )


# A request made after working day 10 still needs a realistic turnaround: the date proposed instead. A local
# choice, not a statutory one (Working Together 2023 ch.5 sets only the 15 working days of the rapid review).
LATE_REQUEST_WORKING_DAYS = 3


def agency_request_proposed_due_date(case: Case, *, today: datetime.date | None = None) -> datetime.date:
    """The due date to suggest when working day 10 has passed: ``LATE_REQUEST_WORKING_DAYS`` working days
    from today on the partnership's calendar (bank holidays and office closures skipped, rule 4)."""
    from cspr.cases.clocks import case_calendar

    return case_calendar(case).add_working_days(today or timezone.localdate(), LATE_REQUEST_WORKING_DAYS)


def agency_request_create(
    *,
    actor: User,
    case: Case,
    organisation: Organisation,
    contributor: User,
    shared_facts: str,
    questions: str = "",
    due_date: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> AgencyRequest:
    """Ask an agency for a summary of its involvement, due by working day 10 of the rapid review by default
    (a local plan, Working Together 2023 ch.5; the setting agency_summaries_working_days).

    A request is never sent already overdue: the contributor would get an "overdue" reminder on the first
    day. So when no date is given and working day 10 has passed (a late notification, or an agency found
    late), or the date typed has passed, the request is refused with a message that says so and proposes
    a date ``LATE_REQUEST_WORKING_DAYS`` working days from today. The business manager decides: the form
    offers that date ready filled in, but nothing is sent with a date they did not see."""
    from cspr.cases.clocks import due_date_for

    require_business_manager(actor, case)
    _open_for_editing(case)
    if organisation.partnership_id != case.partnership_id:
        raise NotFound("No such agency in this partnership.")
    _contributor_for(organisation, contributor)
    errors: dict[str, str] = {}
    require_text(shared_facts, "shared_facts", "Say what the contributor needs to know about the case", errors)
    today = timezone.localdate()
    if due_date is None:
        due_date = due_date_for(case, "agency-summaries")
        if due_date is None:
            errors["due_date"] = "Enter the date the summary is due"
        elif due_date < today:
            proposed = agency_request_proposed_due_date(case, today=today)
            errors["due_date"] = (
                f"Working day 10 of the rapid review was {due_date:%-d %B %Y}, which has passed. Enter the date "
                f"the summary is due: for example {proposed:%-d %B %Y}, {LATE_REQUEST_WORKING_DAYS} working days "
                "from today"
            )
    elif due_date < today:
        proposed = agency_request_proposed_due_date(case, today=today)
        errors["due_date"] = (
            f"The due date {due_date:%-d %B %Y} has passed. Enter today or a later date: for example "
            f"{proposed:%-d %B %Y}, {LATE_REQUEST_WORKING_DAYS} working days from today"
        )
    raise_if(errors, "There is a problem with the request.")
    assert due_date is not None
    return _agency_request_write(
        actor=actor,
        case=case,
        organisation=organisation,
        contributor=contributor,
        purpose=AgencyRequest.Purpose.SUMMARY,
        shared_facts=shared_facts,
        questions=questions,
        due_date=due_date,
        request=request,
    )


# What each kind of request asks, in the e-mails the contributor gets (DOMAIN.md steps 3 and 7).
ASKED_FOR: dict[str, str] = {
    AgencyRequest.Purpose.SUMMARY: "a summary of its involvement with {child} for a rapid review",
    AgencyRequest.Purpose.CHRONOLOGY: "a chronology of its involvement with {child} for a local review",
    AgencyRequest.Purpose.MANAGEMENT_REPORT: "an individual management report on its involvement with {child} for "
    "a local review",
}


def _agency_request_write(
    *,
    actor: User,
    case: Case,
    organisation: Organisation,
    contributor: User,
    purpose: str,
    shared_facts: str,
    questions: str,
    due_date: datetime.date,
    request: HttpRequest | None,
) -> AgencyRequest:
    """Write the request, audit it and e-mail the contributor once it commits: the one writer of every
    agency request, whichever stage asks (the rapid review's summaries, the local review's returns)."""
    with transaction.atomic():
        agency_request = create_storable(
            AgencyRequest,
            "",
            case=case,
            purpose=purpose,
            organisation=organisation,
            contributor=contributor,
            shared_facts=shared_facts.strip(),
            questions=(questions or "").strip(),
            due_date=due_date,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="agency_request.sent",
            partnership=case.partnership_id,
            target=case,
            after={
                "request": agency_request.pk,
                "purpose": purpose,
                "organisation": organisation,
                "contributor": contributor,
                "due_date": due_date,
            },
            request=request,
        )
        link = f"{settings.SITE_URL}/requests/{agency_request.pk}/"
        asked = ASKED_FOR[purpose].format(child=case.pseudonym)
        transaction.on_commit(
            lambda: send_mail(
                subject=f"Request for information: {case.reference}",
                message=(
                    f"{case.partnership.name} asks {organisation.name} for {asked}.\n\n"
                    f"It is due by {due_date:%-d %B %Y}.\n\n"
                    f"Sign in to read the request and answer it: {link}\n"
                ),
                from_email=None,
                recipient_list=[contributor.email],
            )
        )
    return agency_request


REVIEW_PURPOSES = frozenset({AgencyRequest.Purpose.CHRONOLOGY, AgencyRequest.Purpose.MANAGEMENT_REPORT})


def agency_request_create_for_review(
    *,
    actor: User,
    case: Case,
    organisation: Organisation,
    contributor: User,
    purpose: str,
    shared_facts: str,
    questions: str = "",
    due_date: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> AgencyRequest:
    """Ask an agency for a chronology or an individual management report for the case's local review
    (DOMAIN.md step 7), answered on the same request page as a rapid review summary, and reminded and
    escalated by the same daily run. The review app calls this once its own stage allows it; here the case
    must be at the local review and the date must not have passed."""
    require_business_manager(actor, case)
    if case.state != CaseState.LOCAL_REVIEW:
        raise IllegalTransition("Agencies are asked for chronologies and reports while the local review is under way.")
    if organisation.partnership_id != case.partnership_id:
        raise NotFound("No such agency in this partnership.")
    _contributor_for(organisation, contributor)
    errors: dict[str, str] = {}
    if purpose not in REVIEW_PURPOSES:
        errors["purpose"] = "Choose a chronology or an individual management report"
    require_text(shared_facts, "shared_facts", "Say what the contributor needs to know about the case", errors)
    if due_date is None:
        errors["due_date"] = "Enter the date it is due"
    elif due_date < timezone.localdate():
        errors["due_date"] = f"The due date {due_date:%-d %B %Y} has passed. Enter today or a later date"
    raise_if(errors, "There is a problem with the request.")
    assert due_date is not None
    return _agency_request_write(
        actor=actor,
        case=case,
        organisation=organisation,
        contributor=contributor,
        purpose=purpose,
        shared_facts=shared_facts,
        questions=questions,
        due_date=due_date,
        request=request,
    )


ANSWER_MISSING: dict[str, str] = {
    AgencyRequest.Purpose.SUMMARY: "Enter your agency's summary of its involvement",
    AgencyRequest.Purpose.CHRONOLOGY: "Enter your agency's chronology, or a summary of the chronology you attach",
    AgencyRequest.Purpose.MANAGEMENT_REPORT: "Enter your agency's report, or a summary of the report you attach",
}


def agency_request_respond(
    *,
    actor: User,
    agency_request: AgencyRequest,
    response: str,
    file_name: str = "",
    file_data: bytes | None = None,
    request: HttpRequest | None = None,
) -> AgencyRequest:
    """The named contributor answers, with a file if they have one (a chronology, a report): the file passes
    the upload gate (cspr/core/uploads.py) before anything is written and is stored encrypted like the
    notification's attachments; a refusal stores no file, no row and no answer (DESIGN.md rule 5). The
    partnership's own people read it with the answer; it is not sent to the Panel. When every open request is
    answered, the summaries clock is met."""
    if agency_request.contributor_id != getattr(actor, "pk", None):
        raise NotFound("No request with that number is addressed to you.")
    if agency_request.status != AgencyRequest.Status.OPEN:
        raise IllegalTransition("This request has already been answered or withdrawn.")
    errors: dict[str, str] = {}
    require_text(response, "response", ANSWER_MISSING[agency_request.purpose], errors)
    checked = attachment_check(name=file_name, data=file_data, errors=errors) if file_data is not None else None
    raise_if(errors, "There is a problem with your answer.")
    case = agency_request.case
    saved = attachment_file_save(case, checked) if checked is not None else None
    try:
        with transaction.atomic():
            locked = AgencyRequest.objects.select_for_update().get(pk=agency_request.pk)
            if locked.status != AgencyRequest.Status.OPEN:
                raise IllegalTransition("This request has already been answered or withdrawn.")
            locked.response = response.strip()
            locked.status = AgencyRequest.Status.ANSWERED
            locked.responded_at = timezone.now()
            require_storable(locked)
            locked.save(update_fields=["response", "status", "responded_at"])
            audit_record(
                actor=actor,
                action="agency_request.answered",
                partnership=case.partnership_id,
                target=case,
                after={"request": locked.pk},
                request=request,
            )
            if checked is not None and saved is not None:
                attachment = attachment_row_create(
                    case=case, checked=checked, saved=saved, actor=actor, agency_request=locked
                )
                audit_record(
                    actor=actor,
                    action="agency_request.file_attached",
                    partnership=case.partnership_id,
                    target=case,
                    # The type and size, never the file's name or content (DESIGN.md rule 6).
                    after={
                        "request": locked.pk,
                        "attachment": attachment.pk,
                        "type": checked.content_type,
                        "size": len(checked.data),
                    },
                    request=request,
                )
            summaries = AgencyRequest.objects.filter(case=case, purpose=AgencyRequest.Purpose.SUMMARY)
            if (
                locked.purpose == AgencyRequest.Purpose.SUMMARY
                and not summaries.filter(status=AgencyRequest.Status.OPEN).exists()
            ):
                record_case_date(
                    actor=actor,
                    case=case,
                    event="agency_summaries_returned",
                    date=timezone.localdate(),
                    request=request,
                )
    except Exception:
        if saved is not None:  # nothing half-written: no orphan file when the answer was not saved
            default_storage.delete(saved)
        raise
    return locked


def agency_request_withdraw(*, actor: User, agency_request: AgencyRequest, request: HttpRequest | None = None) -> None:
    require_business_manager(actor, agency_request.case)
    with transaction.atomic():
        withdrawn = AgencyRequest.objects.filter(pk=agency_request.pk, status=AgencyRequest.Status.OPEN).update(
            status=AgencyRequest.Status.WITHDRAWN
        )
        if not withdrawn:
            raise IllegalTransition("Only a request still waiting for an answer can be withdrawn.")
        audit_record(
            actor=actor,
            action="agency_request.withdrawn",
            partnership=agency_request.case.partnership_id,
            target=agency_request.case,
            after={"request": agency_request.pk},
            request=request,
        )


@dataclass(frozen=True)
class ReminderRun:
    """What a day's reminder run did: reminders sent, and reminders that could not be sent (they are tried
    again on the next run, since only a sent reminder is recorded)."""

    sent: int
    failed: int


def agency_requests_remind(*, today: datetime.date | None = None) -> ReminderRun:
    """E-mail contributors 2 working days before a request is due and on each working day after it is
    overdue. Runs daily from the task worker; sends at most one reminder per request per day.

    One reminder that cannot be sent (a mail server refusing an address, a timeout) must not stop the
    others that day: it is logged by request number and error type only, never the address or the case
    (DESIGN.md rule 6), left unrecorded so the next run tries again, and counted in ``failed``."""
    from cspr.cases.clocks import case_calendar

    today = today or timezone.localdate()
    sent = failed = 0
    for agency_request in AgencyRequest.objects.filter(status=AgencyRequest.Status.OPEN).select_related(
        "case__partnership", "contributor", "organisation"
    ):
        if today.isoformat() in agency_request.reminders_sent:
            continue
        calendar = case_calendar(agency_request.case)
        if not calendar.is_working_day(today):
            continue
        to_go = calendar.working_days_between(today, agency_request.due_date)
        if to_go == 2 or to_go == 0:
            subject = (
                f"Reminder: information for {agency_request.case.reference} is due {agency_request.due_date:%-d %B}"
            )
        elif agency_request.due_date < today:
            subject = (
                f"Overdue: information for {agency_request.case.reference} was due {agency_request.due_date:%-d %B}"
            )
        else:
            continue
        try:
            _send_reminder(agency_request, subject, today)
            if _escalation_due(agency_request, calendar, today):
                _escalate(agency_request, today)
        except Exception as exc:  # any failure of one reminder; the run goes on (see docstring)
            failed += 1
            logger.warning("Reminder for agency request %s not sent: %s", agency_request.pk, type(exc).__name__)
            continue
        sent += 1
    if failed:
        logger.error("Agency request reminders on %s: %s sent, %s not sent", today.isoformat(), sent, failed)
    return ReminderRun(sent=sent, failed=failed)


# A local review's request still not answered this many working days after its due date goes to the agency's
# decision maker (issue: the local review, item 3). A local choice, not a statutory rule.
ESCALATE_AFTER_WORKING_DAYS = 3

# Whose decision maker answers for an agency: the police for the police, the ICB for health, the local
# authority for the council and for every other agency (schools, housing, the voluntary sector), which the
# local authority's partnership arrangements cover (Working Together 2023 ch.2).
ESCALATE_TO: dict[str, Role] = {
    Organisation.Kind.POLICE: Role.DECISION_MAKER_POLICE,
    Organisation.Kind.ICB: Role.DECISION_MAKER_ICB,
    Organisation.Kind.NHS_TRUST: Role.DECISION_MAKER_ICB,
    Organisation.Kind.GP: Role.DECISION_MAKER_ICB,
}


def _escalation_due(agency_request: AgencyRequest, calendar: Any, today: datetime.date) -> bool:
    return (
        agency_request.purpose in REVIEW_PURPOSES
        and agency_request.escalated_on is None
        and agency_request.due_date < today
        and calendar.working_days_between(agency_request.due_date, today) >= ESCALATE_AFTER_WORKING_DAYS
    )


def _escalate(agency_request: AgencyRequest, today: datetime.date) -> None:
    """Tell the decision maker who answers for the late agency, once, and record it."""
    role = ESCALATE_TO.get(agency_request.organisation.kind, Role.DECISION_MAKER_LA)
    people = [
        m.user.email
        for m in Membership.objects.active()
        .filter(partnership_id=agency_request.case.partnership_id, role=role)
        .select_related("user")
    ]
    with transaction.atomic():
        if people:
            send_mail(
                subject=f"Late for a local review: {agency_request.case.reference}",
                message=(
                    f"{agency_request.organisation.name} has not returned its "
                    f"{agency_request.get_purpose_display().lower()} for the local review of "
                    f"{agency_request.case.pseudonym}, due {agency_request.due_date:%-d %B %Y}.\n\n"
                    f"The case: {settings.SITE_URL}/cases/{agency_request.case_id}/\n"
                ),
                from_email=None,
                recipient_list=people,
            )
        AgencyRequest.objects.filter(pk=agency_request.pk).update(escalated_on=today)
        audit_record(
            actor=None,
            action="agency_request.escalated",
            partnership=agency_request.case.partnership_id,
            target=agency_request.case,
            after={"request": agency_request.pk, "on": today, "to": role.value, "people": len(people)},
        )


def _send_reminder(agency_request: AgencyRequest, subject: str, today: datetime.date) -> None:
    """Send one reminder and record it, together: a reminder that fails to send is not recorded as sent."""
    with transaction.atomic():
        send_mail(
            subject=subject,
            message=(
                f"Your agency's {agency_request.get_purpose_display().lower()} for the "
                f"{'rapid' if agency_request.purpose == AgencyRequest.Purpose.SUMMARY else 'local'} review of "
                f"{agency_request.case.pseudonym} "
                f"({agency_request.organisation.name}) is due by {agency_request.due_date:%-d %B %Y}.\n\n"
                f"Answer it here: {settings.SITE_URL}/requests/{agency_request.pk}/\n"
            ),
            from_email=None,
            recipient_list=[agency_request.contributor.email],
        )
        AgencyRequest.objects.filter(pk=agency_request.pk).update(
            reminders_sent=[*agency_request.reminders_sent, today.isoformat()]
        )
        audit_record(
            actor=None,
            action="agency_request.reminded",
            partnership=agency_request.case.partnership_id,
            target=agency_request.case,
            after={"request": agency_request.pk, "on": today},
        )


def _validate_episode(*, date: datetime.date, agency: str, what_happened: str) -> None:
    """The checks on a key practice episode, the same whether it is added or corrected."""
    errors: dict[str, str] = {}
    not_in_future(date, "date", "The date of the episode", errors)
    require_text(agency, "agency", "Enter the agency involved", errors)
    require_text(what_happened, "what_happened", "Describe what happened", errors)
    raise_if(errors, "There is a problem with the episode.")


def _validate_immediate_action(*, action: str, by_whom: str, done_on: datetime.date | None) -> None:
    """The checks on an immediate action, the same whether it is recorded or corrected."""
    errors: dict[str, str] = {}
    require_text(action, "action", "Describe the action taken to keep children safe", errors)
    require_text(by_whom, "by_whom", "Say who took the action", errors)
    not_in_future(done_on, "done_on", "The date of the action", errors)
    raise_if(errors, "There is a problem with the action.")


def episode_add(
    *,
    actor: User,
    case: Case,
    date: datetime.date,
    agency: str,
    what_happened: str,
    analysis: str = "",
    request: HttpRequest | None = None,
) -> Episode:
    require_business_manager(actor, case)
    _open_for_editing(case)
    _validate_episode(date=date, agency=agency, what_happened=what_happened)
    with transaction.atomic():
        episode = create_storable(
            Episode,
            "",
            case=case,
            date=date,
            agency=agency.strip(),
            what_happened=what_happened.strip(),
            analysis=analysis.strip(),
        )
        audit_record(
            actor=actor,
            action="rapid_review.episode_added",
            partnership=case.partnership_id,
            target=case,
            after={"episode": episode.pk, "date": date},
            request=request,
        )
    return episode


def immediate_action_add(
    *,
    actor: User,
    case: Case,
    action: str,
    by_whom: str,
    done_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> ImmediateAction:
    require_business_manager(actor, case)
    _open_for_editing(case)
    _validate_immediate_action(action=action, by_whom=by_whom, done_on=done_on)
    with transaction.atomic():
        item = create_storable(
            ImmediateAction, "", case=case, action=action.strip(), by_whom=by_whom.strip(), done_on=done_on
        )
        audit_record(
            actor=actor,
            action="rapid_review.action_added",
            partnership=case.partnership_id,
            target=case,
            after={"action": item.pk},
            request=request,
        )
    return item


def record_version(item: Episode | ImmediateAction) -> str:
    """A short fingerprint of an entry's editable content, carried by its edit form as ``version``.

    Saving compares it with the entry as it is now, so an edit made on a page opened before someone else
    saved is refused and the typed text kept (DESIGN.md rule 5), without a version column to migrate."""
    if isinstance(item, Episode):
        parts = [item.date.isoformat(), item.agency, item.what_happened, item.analysis]
    else:
        parts = [item.action, item.by_whom, item.done_on.isoformat() if item.done_on else ""]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


NO_SUCH_EPISODE = "No such episode in this case's chronology."
NO_SUCH_ACTION = "No such immediate action in this case."


def _chronology_open(case: Case) -> None:
    """Chronology entries and immediate actions may change only until the rapid review goes to the Panel:
    after that the Panel holds the report as sent, and the record must keep matching it (DOMAIN.md step 5)."""
    rr = RapidReview.objects.filter(case=case).first()
    if rr is not None and rr.sent_on is not None:
        raise IllegalTransition(
            f"The rapid review was sent to the Panel on {rr.sent_on:%-d %B %Y}, so its chronology and immediate "
            "actions can no longer be changed or removed: the record must match what the Panel received."
        )
    _open_for_editing(case)


def _locked_entry[Entry: (Episode, ImmediateAction)](
    model: type[Entry], case: Case, entry: Entry | int, missing: str
) -> Entry:
    """The case's episode or action, locked for the rest of the transaction; another case's is ``missing``."""
    pk = entry if isinstance(entry, int) else entry.pk
    found = model.objects.select_for_update().filter(case=case, pk=pk).first()
    if found is None:
        raise NotFound(missing)
    return found


def _correct(item: Episode | ImmediateAction, version: str | None, what: str, new: Mapping[str, object]) -> list[str]:
    """Write ``new`` over the entry unless someone else saved since ``version`` was read (rule 5); return the
    names of the fields that changed, for the audit event."""
    if version and version != record_version(item):
        raise StaleEdit(
            f"Someone else changed {what} after you opened it. Your text is shown below: copy what you need, "
            "reload the page to see their changes, and save again."
        )
    changed = sorted(name for name, value in new.items() if getattr(item, name) != value)
    for name, value in new.items():
        setattr(item, name, value)
    require_storable(item)
    item.save(update_fields=list(new))
    return changed


def episode_update(
    *,
    actor: User,
    case: Case,
    episode: Episode | int,
    version: str | None,
    date: datetime.date,
    agency: str,
    what_happened: str,
    analysis: str = "",
    request: HttpRequest | None = None,
) -> Episode:
    """Correct a key practice episode, with the same checks as adding one; audited with the fields changed
    (names only: the narrative stays out of the trail, rule 6)."""
    require_business_manager(actor, case)
    _chronology_open(case)
    _validate_episode(date=date, agency=agency, what_happened=what_happened)
    with transaction.atomic():
        item = _locked_entry(Episode, case, episode, NO_SUCH_EPISODE)
        new = {
            "date": date,
            "agency": agency.strip(),
            "what_happened": what_happened.strip(),
            "analysis": analysis.strip(),
        }
        changed = _correct(item, version, "this episode", new)
        audit_record(
            actor=actor,
            action="rapid_review.episode_changed",
            partnership=case.partnership_id,
            target=case,
            after={"episode": item.pk, "date": date, "changed": changed},
            request=request,
        )
    return item


def episode_remove(*, actor: User, case: Case, episode: Episode | int, request: HttpRequest | None = None) -> None:
    """Take an episode out of the chronology (entered twice, or about another child); the audit trail
    keeps that it existed, when, and who removed it."""
    require_business_manager(actor, case)
    _chronology_open(case)
    with transaction.atomic():
        item = _locked_entry(Episode, case, episode, NO_SUCH_EPISODE)
        audit_record(
            actor=actor,
            action="rapid_review.episode_removed",
            partnership=case.partnership_id,
            target=case,
            before={"episode": item.pk, "date": item.date, "agency": item.agency},
            request=request,
        )
        item.delete()


def immediate_action_update(
    *,
    actor: User,
    case: Case,
    immediate_action: ImmediateAction | int,
    version: str | None,
    action: str,
    by_whom: str,
    done_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> ImmediateAction:
    """Correct an immediate action, with the same checks as recording one; audited with the fields changed."""
    require_business_manager(actor, case)
    _chronology_open(case)
    _validate_immediate_action(action=action, by_whom=by_whom, done_on=done_on)
    with transaction.atomic():
        item = _locked_entry(ImmediateAction, case, immediate_action, NO_SUCH_ACTION)
        new = {"action": action.strip(), "by_whom": by_whom.strip(), "done_on": done_on}
        changed = _correct(item, version, "this action", new)
        audit_record(
            actor=actor,
            action="rapid_review.action_changed",
            partnership=case.partnership_id,
            target=case,
            after={"action": item.pk, "changed": changed},
            request=request,
        )
    return item


def immediate_action_remove(
    *, actor: User, case: Case, immediate_action: ImmediateAction | int, request: HttpRequest | None = None
) -> None:
    """Take an immediate action off the rapid review; the audit trail keeps that it was recorded."""
    require_business_manager(actor, case)
    _chronology_open(case)
    with transaction.atomic():
        item = _locked_entry(ImmediateAction, case, immediate_action, NO_SUCH_ACTION)
        audit_record(
            actor=actor,
            action="rapid_review.action_removed",
            partnership=case.partnership_id,
            target=case,
            before={"action": item.pk, "by_whom": item.by_whom, "done_on": item.done_on},
            request=request,
        )
        item.delete()


def rapid_review_submit_for_decision(*, actor: User, case: Case, request: HttpRequest | None = None) -> Decision:
    """The review meeting has drafted the report: hand it to the three decision makers (days 12-15)."""
    require_business_manager(actor, case)
    with transaction.atomic():
        case_transition(actor=actor, case=case, to=CaseState.DECISION, request=request)
        RapidReview.objects.filter(case=case).update(ready_for_decision_at=timezone.now())
        # The summaries stage ends when the review moves on with nothing outstanding: the clock is then met
        # (late, if past working day 10). Requests still open keep it running, and overdue, as they are.
        open_requests = AgencyRequest.objects.filter(case=case, status=AgencyRequest.Status.OPEN).exists()
        if not open_requests and not CaseDate.objects.filter(case=case, event="agency_summaries_returned").exists():
            record_case_date(
                actor=actor, case=case, event="agency_summaries_returned", date=timezone.localdate(), request=request
            )
        decision, _ = Decision.objects.get_or_create(case=case, round=1)
    return decision
