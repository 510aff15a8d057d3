"""A recommendation from a signed-off review to closed actions with accepted evidence and an impact statement
(issue 15, items 1 and 2), through the services: each step's record, who may take it, and the refusals that
store nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.core.errors import IllegalTransition, NotAllowed, NotFound, ValidationFailed
from cspr.learning import services
from cspr.learning.models import Action, ActionState, Evidence, ImpactResult, RecommendationClosure
from cspr.learning.selectors import plan_get
from cspr.partnerships.roles import Role
from cspr.reviews.models import Recommendation
from tests.reviews.test_publication import START, signed_off_review

pytestmark = pytest.mark.django_db


def first_recommendation(people: dict[str, Any]) -> Recommendation:
    review = signed_off_review(people)
    _, _, plan = plan_get(user=people["manager"], review_id=review.pk)
    return plan[0].recommendation


def new_action(people: dict[str, Any], rec: Recommendation, **overrides: Any) -> Action:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "actor": people["manager"], "recommendation": rec, "what": "Share injury reports with health within a day",
        "organisation": people["orgs"]["nhs_trust"], "owner": people["health"],
        "due_on": today + datetime.timedelta(days=60), "indicator": "Injury reports shared within a day",
        "unit": "%", "baseline": "40", "target": "90", "reaudit_on": today + datetime.timedelta(days=150),
    }  # fmt: skip
    values.update(overrides)
    return services.action_create(**values)


def test_a_recommendation_is_followed_to_closed_actions_with_accepted_evidence_and_an_impact_statement(people):
    with time_machine.travel(START, tick=False):
        rec = first_recommendation(people)
        action = new_action(people, rec)
        assert action.state == ActionState.OPEN
        # Not closable with an open action; not closable by the agency.
        with pytest.raises(IllegalTransition, match="not closed"):
            services.recommendation_close(
                actor=people["manager"], recommendation=rec, impact_statement="x", closed_on=timezone.localdate()
            )
        services.evidence_submit(actor=people["health"], action=action, note="Daily sharing since March.")
        action.refresh_from_db()
        assert action.state == ActionState.EVIDENCE_SUBMITTED
        returned = services.evidence_decide(
            actor=people["la"], evidence=action.evidence.get(), accepted=False, reason="Send the audit, not the policy."
        )
        action.refresh_from_db()
        assert returned.decision == Evidence.Decision.RETURNED and action.state == ActionState.OPEN
        services.evidence_submit(
            actor=people["health"], action=action, note="Audit of 40 reports attached.", file_name="audit.txt",
            file_data=b"Audit of 40 injury reports: 36 shared within a day.",
        )  # fmt: skip
        action.refresh_from_db()
        latest = action.evidence.order_by("-pk").first()
        assert latest is not None and latest.file is not None and latest.file.for_review  # never in the case's list
        services.evidence_decide(actor=people["manager"], evidence=latest, accepted=True)
        action.refresh_from_db()
        assert action.state == ActionState.CLOSED and action.closed_on == timezone.localdate()
        services.result_record(
            actor=people["health"], action=action, measured_on=timezone.localdate(), value="88", note="Re-audit"
        )
        closure = services.recommendation_close(
            actor=people["manager"], recommendation=rec, impact_statement="Shared within a day in 88% (40% before).",
            closed_on=timezone.localdate(),
        )  # fmt: skip
    assert closure.recommendation == rec and ImpactResult.objects.get(action=action).value == 88
    _, _, plan = plan_get(user=people["manager"], review_id=rec.version.review_id)
    assert plan[0].closure == closure and [a.state for a in plan[0].actions] == ["closed"]
    actions = set(AuditEvent.objects.filter(action__startswith="learning.").values_list("action", flat=True))
    assert {"learning.action_created", "learning.evidence_submitted", "learning.evidence_decided",
            "learning.result_recorded", "learning.recommendation_closed", "learning.action_state_changed"} <= actions  # fmt: skip


def test_an_action_with_bad_answers_is_refused_naming_each_and_nothing_is_stored(people):
    with time_machine.travel(START, tick=False):
        rec = first_recommendation(people)
        with pytest.raises(ValidationFailed) as refused:
            new_action(people, rec, what="", baseline="forty", target="1e400", owner=None, reaudit_on=None)
        assert set(refused.value.field_errors) >= {"what", "baseline", "target", "owner", "reaudit_on"}
        assert not Action.objects.exists()
        with pytest.raises(ValidationFailed) as refused:
            new_action(people, rec, reaudit_on=timezone.localdate())  # before the due date
        assert "reaudit_on" in refused.value.field_errors


def test_only_the_business_manager_makes_actions_and_only_the_owning_agency_updates_them(people, make_user):
    with time_machine.travel(START, tick=False):
        rec = first_recommendation(people)
        with pytest.raises(NotAllowed):
            new_action(people, rec, actor=people["la"])
        with pytest.raises(NotFound):
            new_action(people, rec, actor=people["reviewer"])
        action = new_action(people, rec)
        police_contributor = make_user(Role.AGENCY_CONTRIBUTOR, people["partnership"], people["orgs"]["police"])
        with pytest.raises(NotFound):  # another agency's action is not theirs to see
            services.evidence_submit(actor=police_contributor, action=action, note="x")
        with pytest.raises(NotAllowed):
            services.evidence_submit(actor=people["scrutineer"], action=action, note="x")
        services.evidence_submit(actor=people["health"], action=action, note="Done.")
        with pytest.raises(NotAllowed):
            services.evidence_decide(actor=people["health"], evidence=action.evidence.get(), accepted=True)
        with pytest.raises(ValidationFailed):
            services.evidence_decide(actor=people["la"], evidence=action.evidence.get(), accepted=False, reason="")
    assert not RecommendationClosure.objects.exists()
    _, _, plan = plan_get(user=police_contributor, review_id=rec.version.review_id)
    assert plan[0].actions == []  # the plan shows a contributor their own agency's actions only
