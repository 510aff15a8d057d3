"""Issue 12, item 1: each person's task list. A case walks the whole chain through the services, and at each step
every person's tasks are what DOMAIN.md says waits for them: the step's task goes to whoever takes it, and goes
away once it is done. The home page lists them soonest due first, each linking to the page where it is done,
with a number of queries that does not grow with the number of cases (DESIGN.md rule 8)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cspr.cases import services
from cspr.cases.models import Case
from cspr.core import registry
from cspr.partnerships.models import Invitation
from cspr.partnerships.roles import Role
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import ALL_CRITERIA, health_request, notified_case, ready_case, working_days_ago

chain = case_fixtures.chain

pytestmark = pytest.mark.django_db

PEOPLE = ("manager", "la", "police", "icb", "scrutineer", "auditor", "health", "health2", "panel")


def kinds(chain: dict[str, Any], case: Case | None = None) -> dict[str, list[str]]:
    """Each person's task kinds (of ``case`` only, when given)."""
    out = {}
    for who in PEOPLE:
        tasks = registry.tasks_for(chain[who])
        if case is not None:
            tasks = [t for t in tasks if t.reference == case.reference]
        out[who] = [t.kind for t in tasks]
    return out


def only(**expected: list[str]) -> dict[str, list[str]]:
    return {who: expected.get(who, []) for who in PEOPLE}


def vote(chain: dict[str, Any], case: Case, who: str, option: str) -> None:
    services.decision_record_vote(actor=chain[who], case=case, option=option, rationale=f"{who} reasons")
    case.refresh_from_db()


def test_each_person_gets_the_task_of_their_step_as_a_case_walks_the_chain(chain: dict[str, Any]) -> None:
    manager = chain["manager"]
    # DOMAIN.md step 1: an agency refers; the business manager screens.
    case = services.referral_submit(
        actor=chain["health"],
        partnership=chain["partnership"],
        what_happened="Infant admitted with a head injury",
        who_was_harmed="Baby Example, 4 months",
        incident_date=working_days_ago(3),
        organisation=chain["orgs"]["nhs_trust"],
    )
    assert kinds(chain) == only(manager=["screen"])
    # Step 2: screened as notifiable, the notification waits for the business manager, due 5 working days
    # after the LA became aware.
    services.referral_screen(actor=manager, case=case, outcome="notification", reasons="Serious harm, neglect")
    case.refresh_from_db()
    assert kinds(chain) == only(manager=["notification"])
    aware = working_days_ago(2)
    services.notification_update(
        actor=manager,
        case=case,
        version=case.version,
        children=[{"name": "Baby Example", "date_of_birth": working_days_ago(90), "sex": "male"}],
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
    (notify,) = registry.tasks_for(manager)
    assert notify.due is not None and notify.due > aware  # the notify-panel clock: 5 working days
    services.notification_record_sent(
        actor=manager, case=case, sent_on=aware, panel_reference="SIN-1", partners_informed_on=aware
    )
    case.refresh_from_db()
    # Step 3: the rapid review; an agency request is the contributor's task, and its answer the manager's.
    assert kinds(chain) == only(manager=["rapid-review"])
    request = health_request(chain, case)
    assert kinds(chain) == only(manager=["rapid-review"], health=["request"])
    (asked,) = registry.tasks_for(chain["health"])
    assert asked.due == request.due_date and asked.url == f"/requests/{request.pk}/"
    services.agency_request_respond(actor=chain["health"], agency_request=request, response="Two visits")
    assert kinds(chain) == only(manager=["answers"])
    services.rapid_review_update(
        actor=manager,
        case=case,
        version=case.rapid_review.version,
        criteria=ALL_CRITERIA,
        sections={"recommendation": "local_review", "recommendation_reasons": "Agencies did not share information"},
    )
    services.rapid_review_submit_for_decision(actor=manager, case=case)
    case.refresh_from_db()
    # Step 4: each decision maker votes; a vote cast is a task done.
    assert kinds(chain) == only(la=["vote"], police=["vote"], icb=["vote"])
    vote(chain, case, "la", "local_review")
    assert kinds(chain) == only(police=["vote"], icb=["vote"])
    vote(chain, case, "police", "local_review")
    vote(chain, case, "icb", "no_review")
    # They disagree: the scrutineer advises; then each may change their vote and the majority is recorded.
    assert kinds(chain) == only(scrutineer=["advice"])
    services.decision_record_scrutineer_advice(actor=chain["scrutineer"], case=case, advice="Consider (c)")
    case.refresh_from_db()
    assert kinds(chain) == only(manager=["majority"], la=["vote"], police=["vote"], icb=["vote"])
    vote(chain, case, "icb", "local_review")
    assert kinds(chain) == only(manager=["majority"], la=["vote"], police=["vote"])
    services.decision_close_by_majority(actor=manager, case=case, rationale="The majority decides")
    case.refresh_from_db()
    # Decided: the rapid review and decision go to the Panel, and the family is told.
    assert kinds(chain) == only(manager=["send-rapid-review", "family"])
    services.family_communication_record(
        actor=manager, case=case, told_on=timezone.localdate(), method="letter", told_by="Social worker"
    )
    assert kinds(chain) == only(manager=["send-rapid-review"])
    services.rapid_review_record_sent(actor=manager, case=case, sent_on=timezone.localdate())
    case.refresh_from_db()
    # Step 5: the Panel responds; a challenge sends the partners back to decide with the scrutineer.
    assert kinds(chain) == only(panel=["panel-response"])
    services.panel_response_record(
        actor=chain["panel"],
        case=case,
        response="challenge",
        national_review="no",
        responded_on=timezone.localdate(),
        reasons="Criterion (c) is not shown",
    )
    case.refresh_from_db()
    assert kinds(chain) == only(
        manager=["challenge"], la=["vote"], police=["vote"], icb=["vote"], scrutineer=["advice"]
    )
    labels = {t.label for t in registry.tasks_for(chain["la"])}
    assert labels == {"The Panel challenged the decision: vote again"}
    services.decision_record_scrutineer_advice(actor=chain["scrutineer"], case=case, advice="Keep it")
    for who in ("la", "police", "icb"):
        vote(chain, case, who, "local_review")
    # Decided again: the justification goes to the Panel, and the family hears the reconsidered decision.
    assert kinds(chain) == only(manager=["family", "justification"])
    services.decision_send_justification(actor=manager, case=case, justification="The criteria are met")
    case.refresh_from_db()
    (respond,) = registry.tasks_for(chain["panel"])
    assert respond.label == "Respond to the partners' justification"
    assert respond.key == f"panel-response:case:{case.pk}:round:2:responses:0"
    services.panel_response_record(
        actor=chain["panel"], case=case, response="agree", national_review="no", responded_on=timezone.localdate()
    )
    # The Panel agreed: the chain's own steps are done, and the local review it opened gives the business
    # manager its first steps (the review app's tasks, cspr.reviews.tasks_for_people).
    assert kinds(chain) == only(manager=["review", "review"])
    assert [t.label for t in registry.tasks_for(manager)] == [
        "Commission the reviewer",
        "Agree the terms of reference",
    ]


def test_a_task_names_the_case_by_reference_and_pseudonym_only(chain: dict[str, Any]) -> None:
    case = ready_case(chain)
    (task,) = registry.tasks_for(chain["la"])
    assert (task.reference, task.pseudonym, task.where) == (case.reference, case.pseudonym, "Chain")
    assert "Baby Example" not in repr(task)  # the child's name never reaches a task (DESIGN.md rule 6)
    assert task.url == f"/cases/{case.pk}/decision/vote/"


def test_another_partnerships_people_and_the_auditor_get_none_of_its_tasks(
    chain: dict[str, Any], make_partnership: Any, make_user: Any
) -> None:
    ready_case(chain)
    other = make_partnership("Elsewhere")
    outsiders = [make_user(role, other) for role in (Role.BUSINESS_MANAGER, Role.DECISION_MAKER_LA, Role.SCRUTINEER)]
    assert all(registry.tasks_for(person) == [] for person in [*outsiders, chain["auditor"]])


def test_the_panel_has_no_task_before_the_rapid_review_is_sent(chain: dict[str, Any]) -> None:
    notified_case(chain)  # the notification was sent: the Panel reads the case, but nothing waits for it yet
    assert registry.tasks_for(chain["panel"]) == []


def test_tasks_come_soonest_due_first_with_undated_ones_last(chain: dict[str, Any]) -> None:
    late = notified_case(chain, aware_days_ago=30, sent_days_ago=25)  # rapid review overdue
    recent = notified_case(chain, aware_days_ago=3, sent_days_ago=1)
    referral = services.referral_submit(
        actor=chain["health"],
        partnership=chain["partnership"],
        what_happened="Concern",
        who_was_harmed="A child",
        organisation=chain["orgs"]["nhs_trust"],
    )
    tasks = registry.tasks_for(chain["manager"])
    assert [t.reference for t in tasks] == [late.reference, recent.reference, referral.reference]
    today = timezone.localdate()
    assert [t.status(today) for t in tasks] == ["overdue", "", ""]


# --- the home page ---------------------------------------------------------------------------------------


def test_home_lists_each_task_linking_to_where_it_is_done_and_it_goes_once_done(
    chain: dict[str, Any], client_for: Any
) -> None:
    case = ready_case(chain)
    la: Client = client_for(chain["la"])
    body = la.get("/home/").content.decode()
    assert 'id="tasks"' in body and "Vote on whether to carry out a review" in body
    assert f'href="/cases/{case.pk}/decision/vote/"' in body and case.pseudonym in body
    vote(chain, case, "la", "local_review")
    body = la.get("/home/").content.decode()
    assert 'id="no-tasks"' in body and f'href="/cases/{case.pk}/decision/vote/"' not in body


def test_home_shows_an_overdue_task_with_a_red_tag(chain: dict[str, Any], client_for: Any) -> None:
    notified_case(chain, aware_days_ago=30, sent_days_ago=25)
    body = client_for(chain["manager"]).get("/home/").content.decode()
    assert "govuk-tag--red" in body and "Overdue: due " in body


def test_contributor_home_lists_the_request_waiting_for_them(chain: dict[str, Any], client_for: Any) -> None:
    request = health_request(chain, notified_case(chain))
    body = client_for(chain["health"]).get("/home/").content.decode()
    assert "Answer the request for information to Chain Hospital Trust" in body
    assert f'href="/requests/{request.pk}/"' in body


def test_reviewer_home_says_what_a_reviewer_sees_and_links_the_library(
    chain: dict[str, Any], make_user: Any, client_for: Any
) -> None:
    reviewer = make_user(Role.REVIEWER, chain["partnership"])
    body = client_for(reviewer).get("/home/").content.decode()
    assert 'id="reviewer-home"' in body and "You are a reviewer for Chain." in body
    assert 'href="/library/"' in body
    assert "There are no cases for you to see yet" not in body  # a reviewer never sees cases: not "yet"


def test_system_administrator_home_shows_partnerships_without_a_business_manager_and_open_invitations(
    chain: dict[str, Any], make_partnership: Any, make_user: Any, client_for: Any
) -> None:
    from cspr.partnerships.services import invitation_create

    admin = make_user(Role.SYSTEM_ADMIN, None)
    empty = make_partnership("Unmanaged")
    invitation_create(
        actor=admin, partnership=empty, email="new.bm@example.gov.uk", full_name="New Manager", role="business_manager"
    )
    body = client_for(admin).get("/home/").content.decode()
    assert 'id="without-business-manager"' in body
    assert (
        f'href="/partnerships/{empty.slug}/people/invite/"' in body and "Invite a business manager to Unmanaged" in body
    )
    assert "Chain</a>" not in body.split('id="without-business-manager"')[1].split("</ul>")[0]  # Chain has one
    assert 'id="open-invitations"' in body and f'href="/partnerships/{empty.slug}/people/"' in body
    assert Invitation.objects.filter(partnership=empty).count() == 1


def test_only_the_system_administrator_gets_the_people_overview(chain: dict[str, Any], client_for: Any) -> None:
    body = client_for(chain["manager"]).get("/home/").content.decode()
    assert 'id="system-admin"' not in body


def _home_queries(client: Client) -> int:
    client.get("/home/")  # warm: the first request of a session writes to it
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/home/")
    assert response.status_code == 200
    return len(queries)


def _cases_at_every_step(chain: dict[str, Any], n: int) -> None:
    """``n`` cases each at a step where someone has a task: a referral, a notification, a rapid review with a
    request, the decision makers voting, the scrutineer asked, and one sent to the Panel."""
    for i in range(n):
        services.referral_submit(
            actor=chain["health"],
            partnership=chain["partnership"],
            what_happened="Concern",
            who_was_harmed="A child",
            organisation=chain["orgs"]["nhs_trust"],
        )
        health_request(chain, notified_case(chain))
        deciding = ready_case(chain)
        if i % 2:
            for who, option in (("la", "local_review"), ("police", "no_review"), ("icb", "learning_review")):
                vote(chain, deciding, who, option)
        sent = ready_case(chain)
        for who in ("la", "police", "icb"):
            vote(chain, sent, who, "local_review")
        services.rapid_review_record_sent(actor=chain["manager"], case=sent, sent_on=timezone.localdate())


def test_home_with_tasks_runs_the_same_queries_with_five_times_the_cases(
    chain: dict[str, Any], client_for: Any
) -> None:
    clients = {who: client_for(chain[who]) for who in ("manager", "la", "scrutineer", "health", "panel")}
    counts = {}
    for n in (1, 4):
        _cases_at_every_step(chain, n)
        assert registry.tasks_for(chain["panel"])  # each seat has tasks to list
        counts[n] = {who: _home_queries(client) for who, client in clients.items()}
    assert counts[1] == counts[4], f"home's query count grew with the number of cases: {counts}"
