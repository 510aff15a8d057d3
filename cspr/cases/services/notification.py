"""Serious Incident Notifications (DOMAIN.md step 2): recorded, checked, sent; sending starts the rapid review."""

from __future__ import annotations

import datetime
import string
from collections.abc import Sequence
from typing import Any, TypedDict

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.cases.clocks import clocks_recompute
from cspr.cases.models import Case, CaseState, Child, Notification, NotificationVersion, RapidReview
from cspr.cases.rules.eligibility import assess
from cspr.cases.services.common import (
    check_version,
    create_storable,
    not_in_future,
    raise_if,
    record_case_date,
    require_action_stage,
    require_business_manager,
    require_storable,
    require_text,
)
from cspr.cases.state import case_transition
from cspr.cases.visibility import ACTIONS, Action
from cspr.core.errors import IllegalTransition, NotFound, ValidationFailed
from cspr.partnerships.models import Partnership, User
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for

MAX_CHILDREN_PER_NOTIFICATION = 4  # DOMAIN.md step 2: one notification covers one incident and up to 4 children


class ChildInput(TypedDict, total=False):
    name: str
    other_names: str
    date_of_birth: datetime.date | None
    sex: str
    ethnicity: str
    disability: str
    legal_status: str
    la_of_residence: str


def age_band(date_of_birth: datetime.date | None, on: datetime.date) -> str:
    """The Panel's age bands (under 1 is the largest group); stored plain so lists can filter without names."""
    if date_of_birth is None:
        return "unknown"
    years = on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    if years < 1:
        return "under-1"
    if years <= 4:
        return "1-4"
    if years <= 9:
        return "5-9"
    if years <= 15:
        return "10-15"
    return "16-17" if years <= 17 else "18-plus"


AGE_BANDS = [
    ("under-1", "Under 1"),
    ("1-4", "1 to 4"),
    ("5-9", "5 to 9"),
    ("10-15", "10 to 15"),
    ("16-17", "16 or 17"),
    ("18-plus", "18 or over"),
    ("unknown", "Not known"),
]


def next_reference(partnership: Partnership, year: int) -> str:
    prefix = f"CSPR-{year}-"
    count = Case.objects.filter(partnership=partnership, reference__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


def next_pseudonym(partnership: Partnership) -> str:
    """Child A, Child B, ... Child Z, Child AA: the pseudonym lists and reports use (DESIGN.md rule 6)."""
    n = Case.objects.filter(partnership=partnership).count()
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = string.ascii_uppercase[rem] + letters
    return f"Child {letters}"


def _validate_children(children: Sequence[ChildInput], on: datetime.date, errors: dict[str, str]) -> None:
    if len(children) > MAX_CHILDREN_PER_NOTIFICATION:
        errors["children"] = "A notification covers at most 4 children: record another notification for the others"
    for i, child in enumerate(children, start=1):
        if not (child.get("name") or "").strip():
            errors[f"child_{i}_name"] = f"Enter child {i}'s name"
        dob = child.get("date_of_birth")
        if dob is not None and dob > on:
            errors[f"child_{i}_date_of_birth"] = f"Child {i}'s date of birth must be today or in the past"


def _write_children(case: Case, children: Sequence[ChildInput], today: datetime.date) -> None:
    case.children.all().delete()
    for i, child in enumerate(children, start=1):
        dob = child.get("date_of_birth")
        create_storable(
            Child,
            f"child_{i}_",
            case=case,
            position=i,
            pseudonym=case.pseudonym if len(children) == 1 else f"{case.pseudonym} ({i})",
            name=(child.get("name") or "").strip(),
            other_names=child.get("other_names", "") or "",
            date_of_birth=dob,
            age_band=age_band(dob, today),
            sex=child.get("sex") or Child.Sex.NOT_KNOWN,
            ethnicity=child.get("ethnicity", "") or "",
            disability=child.get("disability", "") or "",
            legal_status=child.get("legal_status") or Child.LegalStatus.NONE,
            la_of_residence=child.get("la_of_residence", "") or "",
        )


def case_open(
    *,
    actor: User,
    partnership: Partnership,
    pseudonym: str = "",
    summary: str = "",
    children: Sequence[ChildInput] = (),
    request: HttpRequest | None = None,
) -> Case:
    """Open a case straight at the notification stage (the local authority's own awareness, no referral)."""
    if actor is not None and not access_for(actor).has_role(partnership.pk, Role.BUSINESS_MANAGER):
        raise NotFound("No partnership with that address is available to you.")
    errors: dict[str, str] = {}
    today = timezone.localdate()
    _validate_children(children, today, errors)
    raise_if(errors, "There is a problem with the case details.")
    with transaction.atomic():
        case = create_storable(
            Case,
            "",
            partnership=partnership,
            reference=next_reference(partnership, today.year),
            pseudonym=pseudonym.strip() or next_pseudonym(partnership),
            state=CaseState.NOTIFICATION,
            summary=summary,
            created_by=actor,
        )
        Notification.objects.create(case=case)
        _write_children(case, children, today)
        clocks_recompute(case=case)  # DESIGN.md rule 8: every case has stored clocks from the start
        audit_record(
            actor=actor,
            action="case.opened",
            partnership=partnership,
            target=case,
            after={"reference": case.reference, "pseudonym": case.pseudonym, "children": len(children)},
            request=request,
        )
    return case


NOTIFICATION_FIELDS = (
    "nature",
    "abuse_or_neglect",
    "incident_date",
    "incident_time",
    "place",
    "la_where_happened",
    "in_area",
    "resident_harmed_outside_england",
    "looked_after_child_death",
    "care_leaver_death",
    "care_leaver_age",
    "la_became_aware",
    "agencies_involved",
    "linked_cases",
    "description",
    "notifier_name",
    "notifier_role",
    "notifier_email",
)


def notification_errors(fields: dict[str, Any], children: Sequence[ChildInput]) -> dict[str, str]:
    """Every broken rule of the notification's details and children, keyed by field, each saying how to fix it:
    the same rules for a first save and for a correction after sending."""
    unknown = set(fields) - set(NOTIFICATION_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown notification fields: {', '.join(sorted(unknown))}.")
    today = timezone.localdate()
    errors: dict[str, str] = {}
    aware = fields.get("la_became_aware")
    incident = fields.get("incident_date")
    not_in_future(aware, "la_became_aware", "The date the local authority became aware", errors)
    not_in_future(incident, "incident_date", "The date of the incident", errors)
    if aware and incident and aware < incident:
        errors["la_became_aware"] = "The date the local authority became aware must be on or after the incident date"
    _validate_children(children, today, errors)
    for i, child in enumerate(children, start=1):
        dob = child.get("date_of_birth")
        if dob and incident and dob > incident:
            errors[f"child_{i}_date_of_birth"] = f"Child {i}'s date of birth must be before the incident date"
    age = fields.get("care_leaver_age")
    if fields.get("care_leaver_death") and age is None:
        errors["care_leaver_age"] = "Enter the care leaver's age when they died"
    if age is not None and children and children[0].get("date_of_birth") and incident:
        dob = children[0]["date_of_birth"]
        assert dob is not None
        actual = incident.year - dob.year - ((incident.month, incident.day) < (dob.month, dob.day))
        if actual != age:
            errors["care_leaver_age"] = (
                f"The age ({age}) does not agree with the date of birth and incident date, "
                f"which give {actual}: correct one of them"
            )
    return errors


def notification_update(
    *,
    actor: User,
    case: Case,
    version: int | None,
    fields: dict[str, Any],
    children: Sequence[ChildInput],
    summary: str | None = None,
    request: HttpRequest | None = None,
) -> Notification:
    """Save the notification's details and children. Each broken rule is reported against its field with
    how to fix it; nothing is saved unless everything is valid."""
    require_business_manager(actor, case)
    # Defect 8: once sent, the Panel has read it; a change then is a dated correction (notification_correct),
    # never an edit in place. The stage says so, and so does the notification itself.
    require_action_stage(case, Action.CHANGE_NOTIFICATION)
    if Notification.objects.filter(case=case, sent_on__isnull=False).exists():
        raise IllegalTransition(ACTIONS[Action.CHANGE_NOTIFICATION].closed)
    errors = notification_errors(fields, children)
    raise_if(errors, "There is a problem with the notification.")
    today = timezone.localdate()
    aware = fields.get("la_became_aware")
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(case=case)
        locked = Case.objects.select_for_update().get(pk=case.pk)
        check_version(locked.version, version, "the notification")
        _set_fields(notification, fields)
        require_storable(notification)
        notification.save()
        _write_children(case, children, today)
        locked.version += 1
        locked.updated_at = timezone.now()
        if summary is not None:
            locked.summary = summary
        locked.save(update_fields=["version", "updated_at", "summary"])
        case.version = locked.version
        if aware:
            record_case_date(actor=actor, case=case, event="la_became_aware", date=aware, request=request)
        audit_record(
            actor=actor,
            action="notification.updated",
            partnership=case.partnership_id,
            target=case,
            after={"fields": sorted(fields), "children": len(children)},
            request=request,
        )
    return notification


_NULLABLE = {"incident_date", "incident_time", "in_area", "care_leaver_age", "la_became_aware"}


def _set_fields(notification: Notification, fields: dict[str, Any]) -> None:
    for name in NOTIFICATION_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(notification, name, "" if value is None and name not in _NULLABLE else value)
    notification.updated_at = timezone.now()


def _content(notification: Notification, case: Case) -> dict[str, Any]:
    """The notification as notified: its fields and children, JSON-ready (dates as ISO text)."""
    children = [
        {
            "position": c.position,
            "pseudonym": c.pseudonym,
            "name": c.name,
            "date_of_birth": c.date_of_birth.isoformat() if c.date_of_birth else None,
            "age_band": c.age_band,
            "sex": c.sex,
            "legal_status": c.legal_status,
        }
        for c in Child.objects.filter(case=case)
    ]
    fields = {name: getattr(notification, name) for name in NOTIFICATION_FIELDS}
    plain = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in fields.items()}
    return {"fields": plain, "children": children}


def _record_version(
    notification: Notification, case: Case, *, actor: User | None, reason: str = ""
) -> NotificationVersion:
    number = (notification.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return NotificationVersion.objects.create(
        notification=notification,
        number=number,
        content=_content(notification, case),
        reason=reason,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


def notification_correct(
    *,
    actor: User,
    case: Case,
    version: int | None,
    fields: dict[str, Any],
    children: Sequence[ChildInput],
    reason: str,
    request: HttpRequest | None = None,
) -> NotificationVersion:
    """Correct a notification already sent to the Panel (issue "Prove it holds", defect 8).

    The Panel must read what it was notified, so a sent notification is never edited in place: a correction
    is a new, dated version, kept with who made it, when and why; the notification as first sent stays
    readable beside it and the case page tells the Panel it was "corrected on" that date. The same rules as a
    first save apply; a correction that changes nothing, or gives no reason, is refused."""
    require_business_manager(actor, case)
    require_action_stage(case, Action.CORRECT_NOTIFICATION)
    current = Notification.objects.filter(case=case).first()
    if current is None or current.sent_on is None:
        raise IllegalTransition("The notification has not been sent yet: change it instead of correcting it.")
    unknown = set(fields) - set(NOTIFICATION_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown notification fields: {', '.join(sorted(unknown))}.")
    merged = {name: getattr(current, name) for name in NOTIFICATION_FIELDS} | fields
    errors = notification_errors(merged, children)
    require_text(reason, "reason", "Say why the notification is corrected: the Panel is told", errors)
    raise_if(errors, "There is a problem with the correction.")
    today = timezone.localdate()
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(case=case)
        locked = Case.objects.select_for_update().get(pk=case.pk)
        check_version(locked.version, version, "the notification")
        if not notification.versions.exists():
            # Sent before versions were kept: the notification as it stands is what the Panel was sent.
            _record_version(notification, case, actor=None)
        before = _content(notification, case)
        _set_fields(notification, merged)
        require_storable(notification)
        notification.save()
        _write_children(case, children, today)
        after = _content(notification, case)
        if _comparable(after) == _comparable(before):
            raise ValidationFailed(
                "The correction changes nothing in the notification.",
                field_errors={"reason": "Change what was wrong before recording a correction"},
            )
        corrected = _record_version(notification, case, actor=actor, reason=reason.strip())
        require_storable(corrected)
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save(update_fields=["version", "updated_at"])
        case.version = locked.version
        aware = merged.get("la_became_aware")
        if aware:
            record_case_date(actor=actor, case=case, event="la_became_aware", date=aware, request=request)
        changed = sorted(k for k, v in after["fields"].items() if before["fields"].get(k) != v)
        audit_record(
            actor=actor,
            action="notification.corrected",
            partnership=case.partnership_id,
            target=case,
            # Names of what changed, never the values: they may be personal data (DESIGN.md rule 6).
            after={
                "version": corrected.number,
                "fields": changed,
                "children_changed": after["children"] != before["children"],
            },
            request=request,
        )
    return corrected


def _comparable(content: dict[str, Any]) -> Any:
    """A version's content with what the service derives (pseudonyms, age bands) left out."""
    children = [{k: v for k, v in c.items() if k not in {"pseudonym", "age_band"}} for c in content["children"]]
    return content["fields"], children


def notification_record_sent(
    *,
    actor: User,
    case: Case,
    sent_on: datetime.date,
    panel_reference: str,
    partners_informed_on: datetime.date | None = None,
    late_reason: str = "",
    request: HttpRequest | None = None,
) -> Case:
    """Record that the notification went to the Panel. This starts the 15-working-day rapid review clock
    (Working Together 2023 ch.5). A notification sent after its 5-working-day due date needs a reason."""
    from cspr.cases.clocks import due_date_for

    require_business_manager(actor, case)
    require_action_stage(case, Action.SEND_NOTIFICATION)
    notification = Notification.objects.filter(case=case).first()
    if notification is None:
        raise ValidationFailed("Record the notification's details first.")
    errors: dict[str, str] = {}
    not_in_future(sent_on, "sent_on", "The date sent", errors)
    not_in_future(partners_informed_on, "partners_informed_on", "The date the partners were told", errors)
    require_text(panel_reference, "panel_reference", "Enter the reference the Panel gave the notification", errors)
    verdict = assess(notification, list(case.children.all()))
    if not verdict.complete:
        errors["sent_on"] = "Answer the eligibility questions in the notification before recording it as sent"
    elif not verdict.notifiable:
        errors["sent_on"] = "This incident is not notifiable: check the eligibility answers"
    if not case.children.exists():
        errors["sent_on"] = "Add at least one child to the notification before recording it as sent"
    aware = notification.la_became_aware
    if aware is None:
        errors["sent_on"] = "Record the date the local authority became aware first"
    elif sent_on and sent_on < aware:
        errors["sent_on"] = "The notification cannot be sent before the local authority became aware"
    if aware is not None and sent_on and not errors:
        due = due_date_for(case, "notify-panel", {"la_became_aware": aware})
        if due is not None and sent_on > due and not late_reason.strip():
            errors["late_reason"] = f"The notification was due by {due:%-d %B %Y}: say why it was sent late"
    raise_if(errors, "There is a problem with recording the notification as sent.")
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(case=case)
        notification.sent_on = sent_on
        notification.panel_reference = panel_reference.strip()
        notification.partners_informed_on = partners_informed_on
        notification.late_reason = late_reason.strip()
        require_storable(notification)
        notification.save(update_fields=["sent_on", "panel_reference", "partners_informed_on", "late_reason"])
        # Defect 8: version 1 is what the Panel was sent; later changes are corrections beside it.
        _record_version(notification, case, actor=actor)
        record_case_date(actor=actor, case=case, event="notification_sent", date=sent_on, request=request)
        if partners_informed_on:
            record_case_date(
                actor=actor, case=case, event="partners_informed", date=partners_informed_on, request=request
            )
        Case.objects.filter(pk=case.pk).update(sent_to_panel_at=timezone.now())
        case.sent_to_panel_at = timezone.now()
        audit_record(
            actor=actor,
            action="notification.sent",
            partnership=case.partnership_id,
            target=case,
            after={"sent_on": sent_on, "panel_reference": panel_reference, "late": bool(late_reason)},
            request=request,
        )
        if verdict.rapid_review_needed:
            RapidReview.objects.get_or_create(case=case)
            case_transition(actor=actor, case=case, to=CaseState.RAPID_REVIEW, request=request)
        else:
            case_transition(actor=actor, case=case, to=CaseState.CLOSED, request=request)
    return case
