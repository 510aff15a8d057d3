"""The access matrix (issue "One shape", item 2): every case page and every /api/v1/cases operation, asked by
every seat (each role in the case's own partnership and in another, the Panel, the system administrator,
nobody, a password-only session), on a demo case in every state of the case state machine. The expected
outcome of each cell comes from the few rules of tests/access_matrix_rules.py, written in the domain's words;
an endpoint, role or state missing from that table fails ``test_the_table_is_complete``. A failing cell is
listed as "row | seat | case | got | expected", every disagreeing cell of the case at once.

The demo (two partnerships, Northshire and Eastbury, a case at every step) is loaded once for the module, inside
a transaction rolled back at its end; each test runs in a savepoint of it, and each cell in a savepoint of its
own, rolled back after the request, so a write that succeeds changes nothing the next cell sees. Pages are
asked with a session signed in with both factors (``verified_client``); the API with the seat's bearer token,
except by the password-only seat, which has only its session cookie.

What is asked where (see ``asked``): at every state, everything, of the seats whose outcomes depend on the
stage (the partnership's readers and the Panel); at two representative cases, everything of every seat; at two
more cases of different readiness, the steps. ``CSPR_ACCESS_MATRIX=full`` asks every seat everything everywhere.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.cases import services
from cspr.cases.models import (
    AgencyRequest,
    Attachment,
    Case,
    CaseState,
    Decision,
    Episode,
    ImmediateAction,
    Notification,
    RapidReview,
)
from cspr.partnerships.models import Membership, Organisation, Partnership, User
from cspr.partnerships.roles import Role
from cspr.partnerships.services import api_token_create
from tests.access_matrix_rules import (
    API,
    NATIONAL,
    OPEN_AT,
    PAGES,
    READERS,
    ROLE_OF,
    CaseFacts,
    Outcome,
    Page,
    Row,
    Who,
    Write,
    expected,
)
from tests.conftest import PASSWORD, verified_client
from tests.test_tenancy_walk import RULES as TENANCY_RULES
from tests.test_tenancy_walk import _password_only, walk

NORTH, EAST = "northshire-riverside", "eastbury"

# The cases asked: the first demo case at each state of the state machine, and two more whose readiness differs
# from the first at the same stage (the partners disagree, so advice is wanted and votes are not; the Panel's
# case after the partners' justification).
CASES: list[tuple[str, str]] = [(state.value, "") for state in CaseState]
READINESS_CASES: list[tuple[str, str]] = [("decision", "Child E"), ("sent_to_panel", "Child K")]
# Who is asked what where. Each cell is a full request and CI runs this file twice on a 2-core machine, so the
# seats whose outcomes never depend on the case's stage (the other partnership's column, the partnership's own
# reviewer and contributors, the system administrator, nobody, the password-only session: a 404, or a redirect
# to sign in, whatever the stage; the asked contributor's request is theirs at any stage) are asked everything at
# two representative cases, one of each partnership: the Northshire case sent to the Panel, with everything
# written, and the Eastbury case notified and closed. At every state, everything is asked of the seats whose
# outcomes do depend on it: the partnership's readers and the Panel. At the readiness cases, the readers are
# asked the steps (pages and API), the Panel everything. tests/test_tenancy_walk.py walks every URL as an
# outsider besides. CSPR_ACCESS_MATRIX=full asks every seat everything at every case (about 2.5 times as long).
REPRESENTATIVE_CASES = {("sent_to_panel", ""), ("closed", "")}
STAGE_DEPENDENT = READERS | {Who.PANEL}
FULL = os.environ.get("CSPR_ACCESS_MATRIX", "") == "full"


def asked(which: tuple[str, str], seat: Seat, row: Row) -> bool:
    if FULL or which in REPRESENTATIVE_CASES:
        return True
    if seat.who not in STAGE_DEPENDENT or not seat.own:
        return False
    if which in READINESS_CASES:
        return seat.who == Who.PANEL or isinstance(row, Page | Write)
    return True


def _case_id(param: tuple[str, str]) -> str:
    return f"{param[0]}-{param[1].replace(' ', '-')}" if param[1] else param[0]


# --- the endpoints ------------------------------------------------------------------------------------------


def case_app_routes() -> list[str]:
    """Every URL pattern of the case pages (the URL configuration the ``cases`` app includes)."""
    routes: list[str] = []
    for p in get_resolver().url_patterns:
        if isinstance(p, URLResolver) and p.app_name == "cases":
            routes += walk(p.url_patterns, str(p.pattern))
    return routes


def api_case_operations() -> list[str]:
    """Every operation of the OpenAPI document whose path is about cases, as 'METHOD /path'."""
    spec = Client().get("/api/v1/openapi.json").json()
    return [f"{m.upper()} {path}" for path, ops in spec["paths"].items() if "/cases" in path for m in ops]


def _names_a_case(key: str) -> bool:
    return "case_id" in key or "request_id" in key


def _page_url(route: str, values: dict[str, Any]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).format(**values)


# Bodies each write accepts, so a refusal comes from the scoping and not from the body's shape: those of the
# tenancy walk (tests/cases/api_tenancy_rules.py) and, for the operations it walks by their read, these.
EXTRA_BODIES: dict[str, Any] = {
    "PUT /api/v1/cases/{case_id}/notification": lambda v: {"version": v["case_version"]},
    "PUT /api/v1/cases/{case_id}/rapid-review": lambda v: {"version": v["rapid_review_version"]},
    "POST /api/v1/cases/{case_id}/rapid-review/requests": lambda v: {
        "organisation_id": v["organisation_id"],
        "contributor_id": v["contributor_id"],
        "shared_facts": "x",
    },
    "POST /api/v1/cases/{case_id}/attachments": lambda v: {},  # multipart in use: the scoping answers first
}


def api_body(key: str, values: dict[str, Any]) -> dict[str, Any]:
    if key in EXTRA_BODIES:
        return EXTRA_BODIES[key](values)
    method, path = key.split(" ", 1)
    route = re.sub(r"\{(\w+)\}", lambda m: "<fmt>" if m[1] == "fmt" else f"<int:{m[1]}>", path.lstrip("/"))
    rule = TENANCY_RULES[route]
    assert rule.method == method.lower() and rule.body is not None, f"no body for {key}"
    return {k: v.format(**values) if isinstance(v, str) else v for k, v in rule.body.items()}


# --- the world ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    who: Who
    own: bool  # holds the role in the partnership of the case (or that the row names)
    page: Client
    api: Client

    def __str__(self) -> str:
        if self.who in NATIONAL:
            return str(self.who)
        return f"{self.who} ({'own' if self.own else 'another'} partnership)"


def _person(who: Who, partnership: Partnership | None, n: int) -> User:
    user = User.objects.create_user(
        f"matrix-{n}@{partnership.slug if partnership else 'national'}.test", PASSWORD, full_name=f"Matrix {who}"
    )
    role = ROLE_OF[who]
    kind = {
        Role.DECISION_MAKER_LA: "local_authority",
        Role.DECISION_MAKER_POLICE: "police",
        Role.DECISION_MAKER_ICB: "icb",
        Role.AGENCY_CONTRIBUTOR: "nhs_trust",
    }.get(role)
    organisation = Organisation.objects.filter(partnership=partnership, kind=kind).first() if kind else None
    Membership.objects.create(user=user, partnership=partnership, organisation=organisation, role=role.value)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def _api_client(user: User) -> Client:
    _, raw = api_token_create(actor=user, name="access matrix")
    return Client(headers={"authorization": f"Bearer {raw}"})


def _every_role(partnerships: list[Partnership]) -> User:
    """The password-only seat holds every role everywhere, so only the missing second factor stops it."""
    user = User.objects.create_user("matrix-every-role@national.test", PASSWORD, full_name="Matrix every role")
    for partnership in partnerships:
        trust = Organisation.objects.get(partnership=partnership, kind="nhs_trust")
        for role in Role:
            if role not in {Role.PANEL_MEMBER, Role.SYSTEM_ADMIN}:
                organisation = trust if role == Role.AGENCY_CONTRIBUTOR else None
                Membership.objects.create(user=user, partnership=partnership, organisation=organisation, role=role)
    for role in (Role.PANEL_MEMBER, Role.SYSTEM_ADMIN):
        Membership.objects.create(user=user, partnership=None, role=role.value)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def _furnish(case: Case, people: dict[Who, User]) -> dict[str, Any]:
    """What the case's URLs name: a request addressed to the asked contributor (another request, of the same
    case, to the other contributor), a chronology episode, an immediate action and a file that went to the
    Panel with the notification (made here where the demo has none, so every URL reaches a real record)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from cspr.core.crypto import fernet

    manager = people[Who.BUSINESS_MANAGER]
    trust = Organisation.objects.get(partnership=case.partnership, kind="nhs_trust")
    asked, _ = (
        AgencyRequest.objects.create(
            case=case,
            organisation=trust,
            contributor=people[who],
            shared_facts=f"Facts for {who}",
            due_date=datetime.date(2030, 1, 1),
            created_by=manager,
        )
        for who in (Who.CONTRIBUTOR_ASKED, Who.CONTRIBUTOR_NOT_ASKED)
    )
    episode = case.episodes.first() or Episode.objects.create(
        case=case, date=datetime.date(2026, 1, 5), agency="Health visiting", what_happened="A home visit."
    )
    action = case.immediate_actions.first() or ImmediateAction.objects.create(
        case=case, action="A safety plan.", by_whom="Children's social care"
    )
    data = b"Minutes of the strategy meeting."
    saved = default_storage.save(
        f"attachments/{case.partnership_id}/matrix-{case.pk}", ContentFile(fernet().encrypt(data))
    )
    sent = case.sent_to_panel_at
    attachment = Attachment.objects.create(
        case=case,
        storage_name=saved,
        original_name="minutes.txt",
        content_type="text/plain",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=manager,
        uploaded_at=sent - datetime.timedelta(minutes=1) if sent else timezone.now(),
    )
    return {
        "request_id": asked.pk,
        "episode_id": episode.pk,
        "action_id": action.pk,
        "attachment_id": attachment.pk,
        "organisation_id": trust.pk,
        "contributor_id": people[Who.CONTRIBUTOR_ASKED].pk,
    }


class World:
    def __init__(self) -> None:
        from cspr.partnerships.demo import load_demo

        load_demo()
        partnerships = {p.slug: p for p in Partnership.objects.filter(slug__in=[NORTH, EAST])}
        self.partnerships = partnerships
        local = [w for w in Who if w not in NATIONAL]
        counter = iter(range(1, 1000))
        self.people: dict[str, dict[Who, User]] = {
            slug: {who: _person(who, p, next(counter)) for who in local} for slug, p in partnerships.items()
        }
        national = {who: _person(who, None, next(counter)) for who in (Who.PANEL, Who.SYSTEM_ADMIN)}
        clients = {
            user.pk: (verified_client(user), _api_client(user))
            for user in [*national.values(), *(u for people in self.people.values() for u in people.values())]
        }
        half = _password_only(_every_role(list(partnerships.values())))
        self.national = [Seat(who, True, *clients[user.pk]) for who, user in national.items()]
        self.national += [Seat(Who.ANONYMOUS, True, Client(), Client()), Seat(Who.PASSWORD_ONLY, True, half, half)]
        self.local = {
            slug: {who: (clients[user.pk]) for who, user in people.items()} for slug, people in self.people.items()
        }
        self.values: dict[int, dict[str, Any]] = {}
        for case in Case.objects.select_related("partnership"):
            self.values[case.pk] = _furnish(case, self.people[case.partnership.slug])
        manager = self.people[NORTH][Who.BUSINESS_MANAGER]
        today = timezone.localdate()
        audit = services.rr_audit_create(
            actor=manager,
            partnership=partnerships[NORTH],
            period_start=today - datetime.timedelta(days=400),
            period_end=today,
            sample_size=50,
        )
        self.audit = {"audit_id": audit.pk, "item_id": audit.items.first().pk}

    def seats(self, slug: str) -> Iterator[Seat]:
        """Every seat, as seen from partnership ``slug``: its own people, the other partnership's, the nationals."""
        other = EAST if slug == NORTH else NORTH
        for who in (w for w in Who if w not in NATIONAL):
            yield Seat(who, True, *self.local[slug][who])
            yield Seat(who, False, *self.local[other][who])
        yield from self.national

    def case(self, state: str, pseudonym: str) -> Case:
        cases = Case.objects.filter(state=state).select_related("partnership").order_by("pk")
        if pseudonym:
            cases = cases.filter(pseudonym=pseudonym, partnership__slug=NORTH)
        case = cases.first()
        assert case is not None, f"no demo case at {state} {pseudonym}"
        return case


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """The demo and the seats, built once for the module inside a transaction that is rolled back at its end
    (each test's own transaction is a savepoint inside it). Files go to memory, not var/."""
    storages = override_settings(
        STORAGES={**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    )
    storages.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = World()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            storages.disable()
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        storages.disable()


def case_facts(case: Case) -> CaseFacts:
    """The facts the rules read, from the records themselves (not from cspr.cases.visibility)."""
    rr = RapidReview.objects.filter(case=case).first()
    latest = Decision.objects.filter(case=case).order_by("-round").first()
    return CaseFacts(
        state=CaseState(case.state),
        sent_to_panel=case.sent_to_panel_at is not None,
        has_notification=Notification.objects.filter(case=case).exists(),
        has_rapid_review=rr is not None,
        rapid_review_sent=rr is not None and rr.sent_on is not None,
        round=latest.round if latest else 0,
        status=latest.status if latest else "",
    )


# --- asking -------------------------------------------------------------------------------------------------


def ask(seat: Seat, key: str, row: Row, values: dict[str, Any], *, api: bool) -> tuple[int, str]:
    """One cell: the status and Location (or what went wrong), in a savepoint rolled back afterwards."""
    method = row.method
    try:
        with transaction.atomic():
            if api:
                url = key.split(" ", 1)[1].format(**values)
                if method == "get":
                    response = seat.api.get(url)
                else:
                    body = json.dumps(api_body(key, values))
                    response = getattr(seat.api, method)(url, data=body, content_type="application/json")
            else:
                response = getattr(seat.page, method)(_page_url(key, values))
            transaction.set_rollback(True)
    except Exception as exc:  # a 500: the Client re-raises what the view raised
        seat.page.exc_info = seat.api.exc_info = None  # (and keeps it, when the error page failed too)
        first: BaseException = exc
        while first.__context__ is not None:  # the error page may have failed too: name the first error
            first = first.__context__
        where = next((f for f in reversed(traceback.extract_tb(first.__traceback__)) if "/cspr/" in f.filename), None)
        at = f" at {where.filename.split('/cspr/')[-1]}:{where.lineno}" if where else ""
        return 500, f"{type(first).__name__}: {first}{at}"[:300]
    return response.status_code, response.get("Location", "")


def check(
    failures: list[str],
    seat: Seat,
    key: str,
    row: Row,
    values: dict[str, Any],
    case: CaseFacts | None,
    *,
    api: bool,
    case_label: str = "-",
) -> None:
    want: Outcome = expected(row, seat.who, seat.own, case, api=api)
    status, location = ask(seat, key, row, values, api=api)
    good = status in want.codes and status != 500
    if good and want.to:
        good = location.startswith(want.to.format(**values))
    if not good:
        where = f"{row.method.upper()} {key}" if not api else key
        got = f"{status} {location}".strip()
        failures.append(f"{where} | {seat} | {case_label} | got {got} | expected {want}")


def _report(failures: list[str], cells: int) -> str:
    return f"{len(failures)} of {cells} cells disagree with tests/access_matrix_rules.py:\n" + "\n".join(failures)


# --- the tests ----------------------------------------------------------------------------------------------


def test_the_table_is_complete(db: Any) -> None:
    """Every case page and every cases operation has a row, no row names an endpoint that is gone, every role
    has a column and every stage of the state machine a line (each demo stage is checked by the matrix below)."""
    pages = set(case_app_routes()) | {
        r for r in walk(get_resolver().url_patterns) if "<int:case_id>" in r and not r.startswith("api/")
    }
    assert not pages - set(PAGES), f"case pages without a row in tests/access_matrix_rules.py: {pages - set(PAGES)}"
    assert not set(PAGES) - pages, f"rows for pages that are gone: {set(PAGES) - pages}"
    operations = set(api_case_operations())
    assert not operations - set(API), f"operations without a row in access_matrix_rules.py: {operations - set(API)}"
    assert not set(API) - operations, f"rows for operations that are gone: {set(API) - operations}"
    for key, row in API.items():
        assert key.split(" ", 1)[0].lower() == row.method, f"{key}: the row's method is {row.method}"
    assert {ROLE_OF[w] for w in ROLE_OF} == set(Role), f"roles without a seat: {set(Role) - set(ROLE_OF.values())}"
    assert set(OPEN_AT) == set(CaseState), f"stages without a line: {set(CaseState) - set(OPEN_AT)}"
    assert sorted(state for state, _ in CASES) == sorted(s.value for s in CaseState)


@pytest.mark.django_db
def test_every_stage_has_a_demo_case(world: World) -> None:
    missing = {s.value for s in CaseState} - set(Case.objects.values_list("state", flat=True))
    assert not missing, f"no demo case at: {sorted(missing)}"
    for state, pseudonym in CASES + READINESS_CASES:
        assert world.case(state, pseudonym).state == state


@pytest.mark.django_db
def test_every_review_stage_and_kind_has_a_demo_review(world: World) -> None:
    """Keep the demo showing every state (README): each stage of the local review and the learning review."""
    from cspr.reviews.models import LocalReview, ReviewKind, ReviewState

    present = set(LocalReview.objects.values_list("state", flat=True))
    assert not {s.value for s in ReviewState} - present, sorted({s.value for s in ReviewState} - present)
    assert set(LocalReview.objects.values_list("kind", flat=True)) == {k.value for k in ReviewKind}
    from cspr.reviews.models import Publication

    published = Publication.objects.filter(published_on__isnull=False)
    assert published.filter(mode="full").exists() and published.filter(mode="improvements").exists()
    assert published.filter(requests__isnull=False).exists()  # past its year on the website, and asked for


@pytest.mark.django_db
@pytest.mark.parametrize("which", CASES + READINESS_CASES, ids=_case_id)
def test_every_seat_gets_what_the_table_says_from_every_page_and_operation_on_a_case(
    world: World, which: tuple[str, str]
) -> None:
    case = world.case(*which)
    facts = case_facts(case)
    label = f"{case.state} ({case.pseudonym}, {case.partnership.slug})"
    values = {
        "case_id": case.pk,
        "case_version": case.version,
        "rapid_review_version": getattr(RapidReview.objects.filter(case=case).first(), "version", 1),
        "kind": "rapid-review",
        "fmt": "docx",
        "a_slug": case.partnership.slug,
        **world.values[case.pk],
    }
    failures: list[str] = []
    cells = 0
    for table, api in ((PAGES, False), (API, True)):
        for key, row in table.items():
            if not _names_a_case(key):
                continue
            for seat in world.seats(case.partnership.slug):
                if asked(which, seat, row):
                    check(failures, seat, key, row, values, facts, api=api, case_label=label)
                    cells += 1
    assert not failures, _report(failures, cells)


@pytest.mark.django_db
def test_every_seat_gets_what_the_table_says_from_the_pages_and_operations_that_name_no_case(
    world: World,
) -> None:
    """Lists, opening a case, the Panel's list and the rapid review audits, of Northshire ("own")."""
    values = {"a_slug": NORTH, "fmt": "docx", **world.audit}
    failures: list[str] = []
    cells = 0
    for table, api in ((PAGES, False), (API, True)):
        for key, row in table.items():
            if _names_a_case(key):
                continue
            for seat in world.seats(NORTH):
                check(failures, seat, key, row, values, None, api=api)
                cells += 1
    assert not failures, _report(failures, cells)
