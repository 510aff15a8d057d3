"""Who gets what from every action plan page (DOMAIN.md step 11; issue 15, items 1 and 2), at each point of an
action's life: "the partnership tracks the plans", "agencies attach evidence for their own actions", "the business
manager or the assurance group accepts it or sends it back".

The expected outcomes are written here in the domain's words and deliberately not read from
``cspr.learning.visibility``: a mistake in the product's policy shows up as a cell that disagrees with this table.
Reading the plan is the partnership's (business manager, decision makers, scrutineer, auditor); an agency's
contributors read and update their own agency's actions and nobody else's; the business manager makes actions and
closes recommendations; the business manager and the decision makers decide on evidence; the reviewer (whose work
ended with the report), the Panel, the system's administrator and other partnerships' people get nothing (a 404).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import URLPattern, get_resolver
from django.utils import timezone
from markupsafe import escape

from cspr.learning import services
from cspr.learning.models import Action, Evidence, ImpactResult, RecommendationClosure
from cspr.partnerships.roles import Role
from tests.conftest import verified_client
from tests.reviews.test_publication import signed_off_review

pytestmark = pytest.mark.django_db

WIDE = {"manager", "la", "police", "icb", "scrutineer", "auditor"}  # the partnership's own people read it all
OWNING = {"health", "health2"}  # the NHS trust's contributors: the action under test is the trust's
OTHER_AGENCY = {"police_contributor"}  # a contributor of the same partnership for the police: their own action only
NOBODY = {"reviewer", "panel", "admin", "outsider"}
BM = {"manager"}
DMS = {"la", "police", "icb"}
SEATS = WIDE | OWNING | OTHER_AGENCY | NOBODY

# Where the trust's action stands: its evidence waiting; sent back (open again); accepted (closed); and the
# recommendation closed, every action of it closed, with its impact statement.
STATES = ("evidence_waiting", "sent_back", "closed", "recommendation_closed")
ALWAYS = set(STATES)

# page: (who may open it, the states at which it is open to them). Anybody else, or at another state: a 404.
PAGES: dict[str, tuple[set[str], set[str]]] = {
    "reviews/{review}/": (WIDE | OWNING | OTHER_AGENCY, ALWAYS),
    "reviews/{review}/recommendations/{recommendation}/actions/new/": (BM, ALWAYS - {"recommendation_closed"}),
    "reviews/{review}/recommendations/{recommendation}/close/": (BM, ALWAYS - {"recommendation_closed"}),
    "actions/{action}/": (WIDE | OWNING, ALWAYS),
    "actions/{action}/evidence/new/": (BM | OWNING, {"sent_back"}),  # evidence is attached to an open action
    "actions/{action}/evidence/{evidence}/decide/": (BM | DMS, {"evidence_waiting"}),
    "actions/{action}/results/new/": (BM | OWNING, ALWAYS),  # results go on being recorded after it closes
}
FORMS = [page for page in PAGES if page.endswith(("/new/", "/close/", "/decide/"))]

# Cells where the pages answer otherwise than the table says, with what they answer: none.
REPORTED: dict[tuple[str, str], int] = {}

TRUST_ACTION = "The trust's health visitors receive police call-outs within a day."
POLICE_ACTION = "Police send every domestic abuse call-out to health visiting."


@pytest.fixture
def seats(people: dict[str, Any], make_user: Any, make_partnership: Any) -> dict[str, Any]:
    p = people["partnership"]
    return {
        **people,
        "police_contributor": make_user(Role.AGENCY_CONTRIBUTOR, p, people["orgs"]["police"]),
        "admin": make_user(Role.SYSTEM_ADMIN, None),
        "outsider": make_user(Role.BUSINESS_MANAGER, make_partnership("Elsewhere")),
    }


def plan_at(seats: dict[str, Any], state: str) -> dict[str, Any]:
    """A signed-off review whose one recommendation has an action for the trust and one for the police."""
    review = signed_off_review(seats)
    recommendation = review.report_versions.get(final=True).recommendations.get()
    today = timezone.localdate()

    def action(organisation: str, owner: str, what: str) -> Action:
        return services.action_create(
            actor=seats["manager"], recommendation=recommendation, what=what, organisation=seats["orgs"][organisation],
            owner=seats[owner], due_on=today + datetime.timedelta(days=30), indicator="Call-outs shared in a day",
            unit="%", baseline="35", target="90", reaudit_on=today + datetime.timedelta(days=120),
        )  # fmt: skip

    trust = action("nhs_trust", "health", TRUST_ACTION)
    police = action("police", "police_contributor", POLICE_ACTION)
    evidence = services.evidence_submit(actor=seats["health"], action=trust, note="A daily list since May.")
    if state == "sent_back":
        services.evidence_decide(actor=seats["manager"], evidence=evidence, accepted=False, reason="Send the audit.")
    elif state in ("closed", "recommendation_closed"):
        services.evidence_decide(actor=seats["la"], evidence=evidence, accepted=True)
    if state == "recommendation_closed":
        theirs = services.evidence_submit(actor=seats["police_contributor"], action=police, note="Sent since June.")
        services.evidence_decide(actor=seats["police"], evidence=theirs, accepted=True)
        services.recommendation_close(
            actor=seats["manager"], recommendation=recommendation, impact_statement="Call-outs arrive in a day.",
            closed_on=today,
        )  # fmt: skip
    trust.refresh_from_db()
    assert trust.state == {"evidence_waiting": "evidence_submitted", "sent_back": "open"}.get(state, "closed")
    return {
        "review": review.pk,
        "recommendation": recommendation.pk,
        "action": trust.pk,
        "evidence": evidence.pk,
    }


def test_every_learning_url_has_a_row_here() -> None:
    routes = {
        str(p.pattern)
        for r in get_resolver().url_patterns
        if str(getattr(r, "pattern", "")) == "learning/"
        for p in r.url_patterns  # type: ignore[union-attr]
        if isinstance(p, URLPattern)
    }
    named = {
        page.replace("{review}", "<int:review_id>")
        .replace("{recommendation}", "<int:recommendation_id>")
        .replace("{action}", "<int:action_id>")
        .replace("{evidence}", "<int:evidence_id>")
        for page in PAGES
    }
    assert routes == named


def expected(page: str, state: str, who: str) -> int:
    takers, open_at = PAGES[page]
    if who not in takers:
        return 404
    return 200 if state in open_at else REPORTED.get((page, state), 404)


@pytest.mark.parametrize("state", STATES)
def test_every_seat_gets_what_the_table_says_from_every_learning_page(seats: dict[str, Any], state: str) -> None:
    ids = plan_at(seats, state)
    wrong = []
    for who in sorted(SEATS):
        client = verified_client(seats[who])
        for page in PAGES:
            got = client.get("/learning/" + page.format(**ids)).status_code
            if got != expected(page, state, who):
                wrong.append(f"{who} {page}: {got}, expected {expected(page, state, who)}")
    assert not wrong, "\n".join(wrong)


def test_each_reader_of_the_plan_sees_the_actions_the_table_says(seats: dict[str, Any]) -> None:
    """The partnership's people see both agencies' actions; a contributor only their own agency's."""
    ids = plan_at(seats, "evidence_waiting")
    sees = {who: {TRUST_ACTION, POLICE_ACTION} for who in WIDE}
    sees |= {who: {TRUST_ACTION} for who in OWNING} | {"police_contributor": {POLICE_ACTION}}
    wrong = []
    for who, actions in sorted(sees.items()):
        page = verified_client(seats[who]).get(f"/learning/reviews/{ids['review']}/").content.decode()
        shown = {what for what in (TRUST_ACTION, POLICE_ACTION) if str(escape(what)) in page}
        if shown != actions:
            wrong.append(f"{who} sees {sorted(shown)}, expected {sorted(actions)}")
    assert not wrong, "\n".join(wrong)


def test_a_post_from_a_seat_the_table_refuses_is_a_404_and_writes_nothing(seats: dict[str, Any]) -> None:
    ids = plan_at(seats, "evidence_waiting")
    today = timezone.localdate()
    answers = {
        "measured_on-day": today.day, "measured_on-month": today.month, "measured_on-year": today.year,
        "closed_on-day": today.day, "closed_on-month": today.month, "closed_on-year": today.year,
        "value": "50", "note": "A note.", "impact_statement": "It changed.", "accepted": "yes",
    }  # fmt: skip
    before = [m.objects.count() for m in (Action, Evidence, ImpactResult, RecommendationClosure)]
    wrong = []
    for who in sorted(SEATS):
        client = verified_client(seats[who])
        for page in FORMS:
            if who in PAGES[page][0]:
                continue
            got = client.post("/learning/" + page.format(**ids), answers).status_code
            if got != 404:
                wrong.append(f"{who} POST {page}: {got}, expected 404")
    assert not wrong, "\n".join(wrong)
    assert [m.objects.count() for m in (Action, Evidence, ImpactResult, RecommendationClosure)] == before
    assert Evidence.objects.get(pk=ids["evidence"]).decision == Evidence.Decision.PENDING


def test_more_evidence_while_evidence_waits_is_refused_and_stores_nothing(seats: dict[str, Any]) -> None:
    """While the evidence waits, no more evidence is taken: the form is not there, and a post changes nothing."""
    ids = plan_at(seats, "evidence_waiting")
    client = verified_client(seats["health"])
    response = client.post(f"/learning/actions/{ids['action']}/evidence/new/", {"note": "More evidence."})
    assert response.status_code == 404
    assert list(Evidence.objects.values_list("pk", flat=True)) == [ids["evidence"]]
