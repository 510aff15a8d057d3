"""A partnership with every role of the chain, for the case workflow tests."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from cspr.cases import services
from cspr.cases.models import AgencyRequest, Case
from cspr.cases.rules.regulation11 import CIRCUMSTANCES
from cspr.partnerships.models import Organisation
from cspr.partnerships.roles import Role


@pytest.fixture
def chain(make_partnership: Any, make_user: Any) -> dict[str, Any]:
    p = make_partnership("Chain")
    orgs = {o.kind: o for o in Organisation.objects.filter(partnership=p)}
    people = {
        "manager": make_user(Role.BUSINESS_MANAGER, p, orgs["local_authority"]),
        "la": make_user(Role.DECISION_MAKER_LA, p, orgs["local_authority"]),
        "police": make_user(Role.DECISION_MAKER_POLICE, p, orgs["police"]),
        "icb": make_user(Role.DECISION_MAKER_ICB, p, orgs["icb"]),
        "scrutineer": make_user(Role.SCRUTINEER, p),
        "auditor": make_user(Role.AUDITOR, p),
        "health": make_user(Role.AGENCY_CONTRIBUTOR, p, orgs["nhs_trust"]),
        "health2": make_user(Role.AGENCY_CONTRIBUTOR, p, orgs["nhs_trust"]),
        "panel": make_user(Role.PANEL_MEMBER, None),
    }
    return {"partnership": p, "orgs": orgs, **people}


def working_days_ago(n: int) -> datetime.date:
    from cspr.timescales import WorkingCalendar

    return WorkingCalendar("england").add_working_days(timezone.localdate(), -n)


def notified_case(chain: dict[str, Any], *, aware_days_ago: int = 6, sent_days_ago: int = 4) -> Case:
    """A case whose notification was sent to the Panel: the rapid review is running."""
    manager = chain["manager"]
    case = services.case_open(
        actor=manager,
        partnership=chain["partnership"],
        summary="Infant with head injury",
        children=[
            {
                "name": "Baby Example",
                "date_of_birth": working_days_ago(200),
                "sex": "male",
                "ethnicity": "White British",
                "legal_status": "none",
            }
        ],
    )
    aware = working_days_ago(aware_days_ago)
    services.notification_update(
        actor=manager,
        case=case,
        version=case.version,
        children=[{"name": "Baby Example", "date_of_birth": working_days_ago(200), "sex": "male"}],
        fields={
            "nature": "serious_harm",
            "abuse_or_neglect": "suspected",
            "in_area": True,
            "incident_date": aware,
            "la_became_aware": aware,
            "description": "Fractured skull",
            "la_where_happened": "Chain Council",
        },
    )
    case.refresh_from_db()
    services.notification_record_sent(
        actor=manager,
        case=case,
        sent_on=working_days_ago(sent_days_ago),
        panel_reference="SIN-1234",
        partners_informed_on=working_days_ago(sent_days_ago),
        late_reason="Awaiting police information" if aware_days_ago - sent_days_ago > 5 else "",
    )
    case.refresh_from_db()
    return case


def health_request(chain: dict[str, Any], case: Case) -> AgencyRequest:
    """The manager asks the NHS trust's contributor for a summary, due on working day 10 of the rapid review."""
    return services.agency_request_create(
        actor=chain["manager"],
        case=case,
        organisation=chain["orgs"]["nhs_trust"],
        contributor=chain["health"],
        shared_facts="facts",
    )


# Criteria (a)-(d) met with reasons; none of the circumstances to weigh applies ("no" needs no reasons).
ALL_CRITERIA = {
    **{code: {"answer": "yes", "reasons": f"Reason for {code}"} for code in "abcd"},
    **{code: {"answer": "no", "reasons": ""} for code, _ in CIRCUMSTANCES},
}


def ready_case(chain: dict[str, Any]) -> Case:
    case = notified_case(chain)
    rr = case.rapid_review
    services.rapid_review_update(
        actor=chain["manager"],
        case=case,
        version=rr.version,
        criteria=ALL_CRITERIA,
        sections={"recommendation": "local_review", "recommendation_reasons": "Agencies did not share information"},
    )
    services.rapid_review_submit_for_decision(actor=chain["manager"], case=case)
    case.refresh_from_db()
    return case


def local_review_case(chain: dict[str, Any]) -> Case:
    """A case the partners decided needs a local review, with the Panel agreeing: it is at the local review."""
    from cspr.cases.models import CaseState

    case = ready_case(chain)
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale="r")
    services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=timezone.localdate())
    services.panel_response_record(
        actor=chain["panel"], case=case, response="agree", national_review="no", responded_on=timezone.localdate()
    )
    case.refresh_from_db()
    assert case.state == CaseState.LOCAL_REVIEW
    return case
