"""Shared checks for case services: who may change a case, stale edits, recorded clock dates."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.cases.clocks import clocks_recompute
from cspr.cases.models import Case, CaseDate, CaseState, Decision
from cspr.cases.visibility import ACTIONS, Action
from cspr.core.errors import IllegalTransition, NotAllowed, NotFound, StaleEdit, ValidationFailed
from cspr.core.fields import is_encrypted, json_strings, text_problem
from cspr.partnerships.models import User
from cspr.partnerships.roles import DECISION_MAKER_ROLES, Role
from cspr.partnerships.selectors import access_for


def require_case_role(actor: User, case: Case, *roles: Role) -> None:
    """The actor must hold one of ``roles`` in the case's partnership. Someone who cannot see the case at all
    gets NotFound (rule 1); someone who can see it but not change it this way gets NotAllowed."""
    from cspr.cases.selectors import cases_for_user

    access = access_for(actor)
    if access.has_role(case.partnership_id, *roles):
        return
    if not cases_for_user(user=actor).filter(pk=case.pk).exists():
        raise NotFound("No case with that reference is available to you.")
    raise NotAllowed("Your role does not let you make this change. Ask the partnership's business manager.")


def current_decision(case: Case) -> Decision:
    """The latest round of the partners' decision; none yet is an illegal move (the case is not deciding)."""
    decision = Decision.objects.filter(case=case).order_by("-round").first()
    if decision is None:
        raise IllegalTransition("The partners decide once the rapid review is ready for their decision.")
    return decision


def require_stage(case: Case, allowed: frozenset[CaseState], message: str) -> None:
    """The case must be at one of the ``allowed`` stages (a named set in ``cases.rules.stages``), else the
    change is an illegal move (409) with ``message`` saying why (DESIGN.md rule 3)."""
    if CaseState(case.state) not in allowed:
        raise IllegalTransition(message)


def require_action_stage(case: Case, action: Action) -> None:
    """The case must be at a stage where ``action`` is open: the stages and the reason are the visibility
    policy's own (``visibility.ACTIONS``), so the page and the service refuse alike."""
    rule = ACTIONS[action]
    require_stage(case, rule.stages, rule.closed)


def require_business_manager(actor: User, case: Case) -> None:
    require_case_role(actor, case, Role.BUSINESS_MANAGER)


def decision_maker_partner(actor: User, case: Case) -> str:
    """Which safeguarding partner the actor decides for in this case's partnership (la, police or icb)."""
    require_case_role(actor, case, *DECISION_MAKER_ROLES)
    roles = access_for(actor).roles_in(case.partnership_id)
    for role, partner in (
        (Role.DECISION_MAKER_LA, "la"),
        (Role.DECISION_MAKER_POLICE, "police"),
        (Role.DECISION_MAKER_ICB, "icb"),
    ):
        if role in roles:
            return partner
    raise NotAllowed("Only the safeguarding partners' decision makers can vote.")


def check_version(current: int, submitted: int | None, what: str = "this page") -> None:
    """Refuse a stale edit (DESIGN.md rule 5): someone else saved since the form was opened."""
    if submitted is not None and int(submitted) != int(current):
        raise StaleEdit(
            f"Someone else saved {what} after you opened it. Your text is shown below: copy what you need, "
            "reload the page to see their changes, and save again."
        )


def not_in_future(value: datetime.date | None, field: str, label: str, errors: dict[str, str]) -> None:
    if value is not None and value > timezone.localdate():
        errors[field] = f"{label} must be today or in the past"


def record_case_date(
    *, actor: User, case: Case, event: str, date: datetime.date, request: HttpRequest | None = None
) -> None:
    """Record (or correct) the date of a clock event for cspr.timescales; audited with the old value."""
    existing = CaseDate.objects.filter(case=case, event=event).first()
    if existing is not None and existing.date == date:
        return
    before = {"date": existing.date} if existing else None
    CaseDate.objects.update_or_create(
        case=case, event=event, defaults={"date": date, "recorded_by": actor, "recorded_at": timezone.now()}
    )
    audit_record(
        actor=actor,
        action="case.date_recorded",
        partnership=case.partnership_id,
        target=case,
        before=before,
        after={"event": event, "date": date},
        request=request,
    )
    # DESIGN.md rule 8: the stored clocks change with the date, in the caller's transaction.
    clocks_recompute(case=case)


def touch(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())


def require_text(value: str, field: str, message: str, errors: dict[str, str]) -> None:
    if not (value or "").strip():
        errors[field] = message


def raise_if(errors: dict[str, str], message: str = "There is a problem with what you entered.") -> None:
    if errors:
        raise ValidationFailed(message, field_errors=errors)


# --- what the database can store, the same on SQLite and PostgreSQL ---------------------------------------------


# PostgreSQL's integer column ranges (Django's own table). SQLite stores any 64-bit integer, PostgreSQL refuses
# what does not fit with a 500: checking against these keeps both databases alike (issue "Prove it holds", 2).
_INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def storable_errors(instance: models.Model, prefix: str = "") -> dict[str, str]:
    """Every value of ``instance`` its column cannot hold, keyed ``prefix + field name``: text longer than the
    field's max_length (the plain text, for encrypted fields), NUL or lone surrogates in any text, integers out
    of range. The limits are the model's, so SQLite, which would store them silently, refuses as PostgreSQL
    does, and the refusal is a clear message rather than a database error after half the writes."""
    errors: dict[str, str] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        label = field.verbose_name.capitalize() if isinstance(field.verbose_name, str) else field.name
        if isinstance(value, dict | list) and not is_encrypted(field):
            # JSON columns: PostgreSQL's jsonb refuses NUL in a string as its text does.
            problem = next(filter(None, map(text_problem, json_strings(value))), None)
            if problem:
                errors[prefix + field.name] = f"{label} {problem}"
        elif isinstance(value, str):
            problem = text_problem(value)
            if problem:
                errors[prefix + field.name] = f"{label} {problem}"
            elif field.max_length is not None and len(value) > field.max_length:
                errors[prefix + field.name] = (
                    f"{label} must be {field.max_length} characters or fewer (it has {len(value)})"
                )
        elif isinstance(value, int) and not isinstance(value, bool):
            low, high = _INTEGER_RANGES.get(field.get_internal_type(), (None, None))
            if (low is not None and value < low) or (high is not None and value > high):
                errors[prefix + field.name] = f"{label} must be a number between {max(low or 0, 0)} and {high}"
            elif field.get_internal_type().startswith("Positive") and value < 0:
                errors[prefix + field.name] = f"{label} must be 0 or more"
    return errors


def require_storable(instance: models.Model, prefix: str = "") -> None:
    """Refuse (ValidationFailed, 422) what ``instance``'s columns cannot hold; call it before saving, inside
    the service's transaction, so nothing already written survives the refusal (DESIGN.md rule 5)."""
    raise_if(storable_errors(instance, prefix), "There is a problem with what you entered.")


def create_storable[M: models.Model](model: type[M], prefix: str = "", **values: Any) -> M:
    """``model.objects.create(**values)``, refusing first what its columns cannot hold (``require_storable``)."""
    instance = model(**values)
    require_storable(instance, prefix)
    instance.save(force_insert=True)
    return instance
