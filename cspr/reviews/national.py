"""The Panel's national review of a case and the partnership's cooperation with it (DOMAIN.md step 5;
Working Together 2023 ch.5): opened when the case enters "National review by the Panel"; the business manager
records each request from the Panel and each sending of information, so what was asked and answered is kept
with the case instead of in e-mail. Read by the partnership's own people (the Panel holds its own review)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from cspr.audit.services import audit_record
from cspr.cases.models import Case, CaseState
from cspr.cases.services.common import create_storable, not_in_future, raise_if, require_text
from cspr.core.errors import NotAllowed, NotFound
from cspr.partnerships.models import User
from cspr.partnerships.roles import PARTNERSHIP_WIDE_ROLES, Role
from cspr.partnerships.selectors import access_for
from cspr.partnerships.types import Viewer
from cspr.reviews.models import NationalReview, NationalReviewExchange


def national_review_open(*, case: Case, actor: User | None, request: HttpRequest | None = None) -> None:
    """The hook ``cases.state.register_stage_entered`` calls on every move; idempotent."""
    if case.state != CaseState.NATIONAL_REVIEW or NationalReview.objects.filter(case=case).exists():
        return
    national = NationalReview.objects.create(case=case, partnership_id=case.partnership_id)
    audit_record(
        actor=actor, action="national_review.opened", partnership=case.partnership_id, target=national, request=request
    )


def national_reviews_for_user(*, user: Viewer) -> QuerySet[NationalReview]:
    access = access_for(user)
    wide = [p for p, roles in access.roles_by_partnership.items() if roles & PARTNERSHIP_WIDE_ROLES]
    return NationalReview.objects.select_related("case", "partnership").filter(partnership_id__in=wide)


def national_review_get(*, user: Viewer, national_id: int) -> NationalReview:
    found = national_reviews_for_user(user=user).filter(pk=national_id).first()
    if found is None:
        raise NotFound("No national review with that number is available to you.")
    return found


def can_record_exchange(user: Viewer, national: NationalReview) -> bool:
    return access_for(user).has_role(national.partnership_id, Role.BUSINESS_MANAGER)


def national_review_exchange_record(
    *,
    actor: User,
    national: NationalReview,
    kind: str,
    on: datetime.date | None,
    what: str,
    request: HttpRequest | None = None,
) -> NationalReviewExchange:
    """Record a request from the Panel or information sent to it, for the case's business manager."""
    national = national_review_get(user=actor, national_id=national.pk)
    if not can_record_exchange(actor, national):
        raise NotAllowed("Your role does not let you do this. Ask the partnership's business manager.")
    errors: dict[str, str] = {}
    if kind not in NationalReviewExchange.Kind.values:
        errors["kind"] = "Choose a request from the Panel or information sent to it"
    if on is None:
        errors["on"] = "Enter the date"
    not_in_future(on, "on", "The date", errors)
    require_text(what, "what", "Say what was asked or sent", errors)
    raise_if(errors, "There is a problem with the record.")
    with transaction.atomic():
        item = create_storable(
            NationalReviewExchange, "", national_review=national, kind=kind, on=on, what=what.strip(), recorded_by=actor
        )
        audit_record(
            actor=actor,
            action="national_review.exchange_recorded",
            partnership=national.partnership_id,
            target=national,
            after={"exchange": item.pk, "kind": kind, "on": on},
            request=request,
        )
    return item
