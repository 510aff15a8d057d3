"""Walk every URL of the service as someone from another partnership, and as nobody, and expect a 404 or a
redirect to sign-in: never another partnership's data (DESIGN.md rule 1; issue: Tenancy).

The URLs come from the URL configuration itself. Each must have a rule below saying how to reach it with
partnership A's objects; a URL added without a rule fails ``test_every_url_has_a_rule``.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from cspr.cases.services import case_open
from cspr.partnerships.models import Invitation
from cspr.partnerships.roles import NATIONAL_ROLES, Role
from cspr.partnerships.services import api_token_create, invitation_create


def walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


@dataclass(frozen=True)
class Rule:
    """kind: 'public' (no sign-in, no partnership data), 'own' (about the signed-in user only), 'scoped'
    (names partnership A's object: another partnership gets 404), 'api' (same, through a bearer token)."""

    kind: str
    path: Callable[[dict[str, Any]], str] | None = None
    method: str = "get"
    body: dict[str, Any] | None = None  # a valid JSON body for API writes, so the check reaches the view


def _p(template: str) -> Callable[[dict[str, Any]], str]:
    return lambda w: template.format(**w)


RULES: dict[str, Rule] = {
    "": Rule("public", _p("/")),
    "home/": Rule("own", _p("/home/")),
    "sign-in/": Rule("public", _p("/sign-in/")),
    "sign-in/two-factor/": Rule("own", _p("/sign-in/two-factor/")),
    "sign-in/backup-codes/": Rule("own", _p("/sign-in/backup-codes/")),
    "sign-out/": Rule("own", _p("/sign-out/")),
    "session/keep-alive/": Rule("own", _p("/session/keep-alive/"), "post"),
    "drafts/autosave/": Rule("own", _p("/drafts/autosave/?key=/cases/{case_id}/"), "post"),
    "password-reset/": Rule("public", _p("/password-reset/")),
    "password-reset/sent/": Rule("public", _p("/password-reset/sent/")),
    "password-reset/<uidb64>/<token>/": Rule("public", _p("/password-reset/{a_uid}/set-password/")),
    "password-reset/complete/": Rule("public", _p("/password-reset/complete/")),
    "account/": Rule("own", _p("/account/")),
    "account/backup-codes/": Rule("own", _p("/account/backup-codes/"), "post"),
    "account/tokens/": Rule("own", _p("/account/tokens/"), "post"),
    "account/tokens/<int:token_id>/revoke/": Rule("scoped", _p("/account/tokens/{a_token_id}/revoke/"), "post"),
    "invitations/<str:token>/": Rule("public", _p("/invitations/not-a-real-token/")),
    "partnerships/<slug:slug>/people/": Rule("scoped", _p("/partnerships/{a_slug}/people/")),
    "partnerships/<slug:slug>/people/invite/": Rule("scoped", _p("/partnerships/{a_slug}/people/invite/")),
    "partnerships/<slug:slug>/agencies/add/": Rule("scoped", _p("/partnerships/{a_slug}/agencies/add/")),
    "partnerships/<slug:slug>/people/<int:membership_id>/remove/": Rule(
        "scoped", _p("/partnerships/{a_slug}/people/{a_membership_id}/remove/")
    ),
    "partnerships/<slug:slug>/invitations/<int:invitation_id>/revoke/": Rule(
        "scoped", _p("/partnerships/{a_slug}/invitations/{a_invitation_id}/revoke/"), "post"
    ),
    "accessibility/": Rule("public", _p("/accessibility/")),
    "privacy/": Rule("public", _p("/privacy/")),
    "healthz": Rule("public", _p("/healthz")),
    "cases/": Rule("own", _p("/cases/")),
    "cases/<int:case_id>/": Rule("scoped", _p("/cases/{case_id}/")),
    "cases/<int:case_id>/audit/": Rule("scoped", _p("/cases/{case_id}/audit/")),
    "panel/": Rule("scoped", _p("/panel/")),
    "api/v1/": Rule("public", _p("/api/v1/")),
    "api/v1/openapi.json": Rule("public", _p("/api/v1/openapi.json")),
    "api/v1/docs": Rule("public", _p("/api/v1/docs")),
    "api/v1/me": Rule("api", _p("/api/v1/me")),
    "api/v1/cases/": Rule("api", _p("/api/v1/cases/")),
    # Any other path under the API answers a JSON 404 (cspr/api/api.py), never another partnership's data.
    "api/v1/^(?P<rest>.*)$": Rule("public", _p("/api/v1/nothing-here")),
}

# Rules contributed by apps that register their own URLs (kept beside their tests). Imported unconditionally: a
# swallowed ImportError (a partly initialised module in an import cycle) once emptied them silently.
from tests.tenancy_rules import EXTRA_RULES  # noqa: E402

RULES.update(EXTRA_RULES)


@pytest.fixture
def world(two_partnerships: dict[str, Any], make_user: Any) -> dict[str, Any]:
    a, b = two_partnerships["a"], two_partnerships["b"]
    manager = two_partnerships["a_manager"]
    case = case_open(
        actor=manager,
        partnership=a,
        pseudonym="Child Zed",
        summary="SECRET-NARRATIVE-ALPHA",
        children=[{"name": "Zebedee Secretname", "date_of_birth": datetime.date(2024, 1, 5)}],
    )
    # Sent to the Panel, so the walk also proves a Panel-visible case stays hidden from other partnerships.
    case.sent_to_panel_at = timezone.now()
    case.save(update_fields=["sent_to_panel_at"])
    invitation, _ = invitation_create(
        actor=manager,
        partnership=a,
        email="newcomer-alpha@example.gov.uk",
        full_name="Newcomer Alpha",
        role=Role.AUDITOR.value,
    )
    token, _ = api_token_create(actor=manager, name="alpha-token")
    # A request to one of A's agencies and a rapid review audit, so their pages are walked too.
    from cspr.cases.models import AgencyRequest, RapidReviewAudit, RapidReviewAuditItem

    contributor = make_user(Role.AGENCY_CONTRIBUTOR, a)
    agency_request = AgencyRequest.objects.create(
        case=case,
        organisation=contributor.memberships.get().organisation,
        contributor=contributor,
        shared_facts="SECRET-NARRATIVE-ALPHA facts",
        due_date=datetime.date(2030, 1, 1),
        created_by=manager,
    )
    audit = RapidReviewAudit.objects.create(
        partnership=a, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 6, 30), created_by=manager
    )
    audit_item = RapidReviewAuditItem.objects.create(audit=audit, case=case)
    from cspr.cases.models import Attachment

    attachment = Attachment.objects.create(
        case=case,
        storage_name="walk/none",
        original_name="SECRET-NARRATIVE-ALPHA.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=manager,
    )
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    # A local review of the case with a process, a written request and a version, so its pages are walked too.
    from cspr.reviews.models import LocalReview, ParallelProcess, ReportVersion, WrittenRequest

    review = LocalReview.objects.create(case=case, partnership=a)
    process = ParallelProcess.objects.create(
        review=review, kind="inquest", lead_contact="SECRET-NARRATIVE-ALPHA coroner", recorded_by=manager
    )
    written_request = WrittenRequest.objects.create(review=review, question="SECRET-NARRATIVE-ALPHA?", asked_by=manager)
    version = ReportVersion.objects.create(review=review, number=1, text="SECRET-NARRATIVE-ALPHA", written_by=manager)
    from cspr.reviews.models import Delay, NationalReview, NationalReviewExchange

    national = NationalReview.objects.create(case=case, partnership=a)
    NationalReviewExchange.objects.create(
        national_review=national,
        kind="panel_request",
        on=datetime.date(2026, 1, 5),
        what="SECRET-NARRATIVE-ALPHA",
        recorded_by=manager,
    )

    delay = Delay.objects.create(
        review=review, reason="SECRET-NARRATIVE-ALPHA", new_due=datetime.date(2030, 1, 1), requested_by=manager
    )
    from cspr.reviews.models import Publication, ReportRequest

    plan = Publication.objects.create(
        review=review, version=version, mode="full", title="SECRET-NARRATIVE-ALPHA title", reviewer_name="R",
        created_by=manager,
    )  # fmt: skip
    report_request = ReportRequest.objects.create(publication=plan, name="SECRET-NARRATIVE-ALPHA", email="a@b.c")
    # An action plan: the review signed off with a recommendation, an action and its evidence.
    from cspr.learning.models import Action, Evidence
    from cspr.reviews.models import Recommendation

    ReportVersion.objects.filter(pk=version.pk).update(final=True)
    LocalReview.objects.filter(pk=review.pk).update(state="signed_off")
    recommendation = Recommendation.objects.create(
        version=version,
        number=1,
        what="SECRET-NARRATIVE-ALPHA change",
        owner="Police",
        due_on=datetime.date(2030, 1, 1),
    )
    action = Action.objects.create(
        recommendation=recommendation, partnership=a, what="SECRET-NARRATIVE-ALPHA action",
        organisation=contributor.memberships.get().organisation, owner=contributor, due_on=datetime.date(2030, 1, 1),
        indicator="x", baseline=1, target=2, reaudit_on=datetime.date(2030, 6, 1), created_by=manager,
    )  # fmt: skip
    evidence = Evidence.objects.create(action=action, note="SECRET-NARRATIVE-ALPHA evidence", submitted_by=contributor)
    outsider = two_partnerships["b_manager"]
    _, outsider_token = api_token_create(actor=outsider, name="bravo-token")
    return {
        "values": {
            "case_id": case.pk,
            "a_slug": a.slug,
            "a_membership_id": manager.memberships.get().pk,
            "a_invitation_id": Invitation.objects.get(pk=invitation.pk).pk,
            "a_token_id": token.pk,
            "a_uid": urlsafe_base64_encode(force_bytes(manager.pk)),
            "a_request_id": agency_request.pk,
            "a_audit_id": audit.pk,
            "a_audit_item_id": audit_item.pk,
            "a_attachment_id": attachment.pk,
            "a_review_id": review.pk,
            "a_process_id": process.pk,
            "a_written_request_id": written_request.pk,
            "a_version_id": version.pk,
            "a_delay_id": delay.pk,
            "a_national_id": national.pk,
            "a_publication_id": plan.pk,
            "a_report_request_id": report_request.pk,
            "b_slug": b.slug,
            "a_recommendation_id": recommendation.pk,
            "a_action_id": action.pk,
            "a_evidence_id": evidence.pk,
        },
        "secrets": [
            case.reference,
            "Child Zed",
            "SECRET-NARRATIVE-ALPHA",
            "Zebedee",
            a.name,
            manager.email,
            "newcomer-alpha@example.gov.uk",
            "alpha-token",
        ],
        "outsider": outsider,
        "outsider_token": outsider_token,
        "b": b,
    }


def test_every_url_has_a_rule() -> None:
    missing = sorted(set(walk(get_resolver().url_patterns)) - set(RULES))
    assert not missing, f"URLs without a tenancy rule in tests/test_tenancy_walk.py: {missing}"


def _assert_no_secrets(body: str, secrets: list[str], where: str) -> None:
    leaked = [s for s in secrets if s in body]
    assert not leaked, f"{where} showed another partnership's data: {leaked}"


@pytest.mark.django_db
def test_another_partnership_sees_nothing_at_any_url(world: dict[str, Any], client_for: Any) -> None:
    checked = 0
    for route in walk(get_resolver().url_patterns):
        client = client_for(world["outsider"])  # fresh each time: one URL is sign-out
        rule = RULES[route]
        assert rule.path is not None
        url = rule.path(world["values"])
        if rule.kind == "api":
            extra: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {world['outsider_token']}"}
            if rule.body is not None:
                body = {k: v.format(**world["values"]) if isinstance(v, str) else v for k, v in rule.body.items()}
                extra.update(data=json.dumps(body), content_type="application/json")
            response = getattr(Client(), rule.method)(url, **extra)
        else:
            response = getattr(client, rule.method)(url)
        body = response.content.decode("utf-8", errors="replace")
        _assert_no_secrets(body, world["secrets"], f"{rule.method.upper()} {url}")
        if rule.kind == "scoped" or (rule.kind == "api" and "<" in route):
            assert response.status_code == 404, f"{url} answered {response.status_code}, expected 404"
        else:
            assert response.status_code in {200, 204, 302, 404}, f"{url} answered {response.status_code}"
        checked += 1
    assert checked == len(list(walk(get_resolver().url_patterns)))


@pytest.mark.django_db
def test_nobody_signed_in_is_sent_to_sign_in_or_refused(world: dict[str, Any]) -> None:
    client = Client()
    for route in walk(get_resolver().url_patterns):
        rule = RULES[route]
        assert rule.path is not None
        url = rule.path(world["values"])
        response = getattr(client, rule.method)(url)
        body = response.content.decode("utf-8", errors="replace")
        _assert_no_secrets(body, world["secrets"], f"anonymous {rule.method.upper()} {url}")
        if rule.kind in {"own", "scoped"} and route not in {"sign-out/"}:
            assert response.status_code in {302, 401, 404}, f"{url} answered {response.status_code}"
            if response.status_code == 302:
                assert response["Location"].startswith("/sign-in/"), f"{url} redirected to {response['Location']}"
        elif rule.kind == "api":
            assert response.status_code == 401, f"{url} answered {response.status_code}"


@pytest.mark.django_db
def test_partnership_a_sees_its_own_case(
    world: dict[str, Any], two_partnerships: dict[str, Any], client_for: Any
) -> None:
    """The walk would pass vacuously if nobody could see anything: the owner does see the case."""
    client = client_for(two_partnerships["a_manager"])
    response = client.get(f"/cases/{world['values']['case_id']}/")
    assert response.status_code == 200
    assert "Zebedee Secretname" in response.content.decode()


# --- Password only: signed in with the first factor but not the second ----------------------------------------

PRIVATE_REPORT_TEXT = "Secret unpublished draft: PRIVATE-LIBRARY-ALPHA learning about neglect."
# Routes a half signed-in user reaches as themselves, because they finish or abandon signing in.
SIGN_IN_JOURNEY_PAGES = {"sign-in/two-factor/": 200, "sign-out/": 200}


@pytest.fixture
def every_role(world: dict[str, Any], two_partnerships: dict[str, Any]) -> Any:
    """One person holding every role there is in partnership A and nationally, so nothing they could see
    once fully signed in is out of reach because of their roles: only the missing second factor stops them."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cspr.library.services import library_report_ingest
    from cspr.partnerships.models import Membership, Organisation, User

    a = two_partnerships["a"]
    user = User.objects.create_user("every-role@example.gov.uk", "correct horse battery staple", full_name="All Roles")
    trust = Organisation.objects.get(partnership=a, kind="nhs_trust")
    for role in Role:
        national = role in NATIONAL_ROLES
        Membership.objects.create(
            user=user,
            partnership=None if national else a,
            organisation=trust if role == Role.AGENCY_CONTRIBUTOR else None,
            role=role.value,
        )
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    report = library_report_ingest(
        actor=None, name="alpha-draft.txt", data=PRIVATE_REPORT_TEXT.encode(), partnership=a, is_public=False
    ).report
    world["values"]["private_report_id"] = report.pk
    world["secrets"].append("PRIVATE-LIBRARY-ALPHA")
    return user


def _password_only(user: Any) -> Client:
    """A client signed in as after the password step: the session has a user but no verified device."""
    client = Client()
    client.force_login(user)
    return client


def _request(client: Client, rule: Rule, url: str) -> Any:
    return getattr(client, rule.method)(url)


@pytest.mark.django_db
def test_a_password_only_session_reaches_nothing_beyond_sign_in_and_public_pages(every_role: Any, world: dict) -> None:
    """Every URL of the service, walked as someone holding every role who has given only their password: each
    sends them to the second-factor step, or answers exactly as it answers an anonymous visitor (API routes
    included, through the session cookie), and none shows partnership data."""
    checked = 0
    for route in walk(get_resolver().url_patterns):
        rule = RULES[route]
        assert rule.path is not None
        url = rule.path(world["values"])
        response = _request(_password_only(every_role), rule, url)  # fresh each time: one URL is sign-out
        where = f"password-only {rule.method.upper()} {url}"
        _assert_no_secrets(response.content.decode("utf-8", errors="replace"), world["secrets"], where)
        if response.status_code == 302 and response["Location"].startswith("/sign-in/two-factor/"):
            checked += 1
            continue
        if route in SIGN_IN_JOURNEY_PAGES:
            assert response.status_code == SIGN_IN_JOURNEY_PAGES[route], f"{where} answered {response.status_code}"
        else:
            assert rule.kind in {"public", "api"}, f"{where} answered {response.status_code}, not the 2FA step"
            anonymous = _request(Client(), rule, url)
            assert response.status_code == anonymous.status_code, (
                f"{where} answered {response.status_code}; an anonymous visitor gets {anonymous.status_code}"
            )
            if response.status_code == 302:
                assert response["Location"] == anonymous["Location"], where
        checked += 1
    assert checked == len(list(walk(get_resolver().url_patterns)))


@pytest.mark.django_db
def test_a_password_only_session_cannot_see_or_curate_a_partnerships_private_report(
    every_role: Any, world: dict[str, Any], client_for: Any
) -> None:
    report_id = world["values"]["private_report_id"]
    half = _password_only(every_role)
    for url in ("/library/?q=neglect", f"/library/reports/{report_id}/", "/library/themes/review/"):
        response = half.get(url)
        assert response.status_code == 302 and response["Location"] == "/sign-in/two-factor/", url
    assert half.post(f"/library/reports/{report_id}/themes/decide/", {"theme": "neglect"}).status_code == 302
    # The API answers the session as an anonymous visitor: the private report is neither found nor listed.
    assert half.get(f"/api/v1/library/reports/{report_id}").status_code == 404
    assert "PRIVATE-LIBRARY-ALPHA" not in half.get("/api/v1/library/search?q=neglect").content.decode()
    # The same person with both factors does see it, so the checks above could fail.
    full = client_for(every_role)
    assert "PRIVATE-LIBRARY-ALPHA" in full.get(f"/library/reports/{report_id}/").content.decode()
    assert "PRIVATE-LIBRARY-ALPHA" in full.get("/api/v1/library/search?q=neglect").content.decode()


@pytest.mark.django_db
def test_a_bearer_token_keeps_its_owners_access_beside_a_password_only_session(
    every_role: Any, world: dict[str, Any]
) -> None:
    """Tokens are created on the account page, which needs both factors; once made, a token acts with its
    owner's memberships whatever session cookie rides along with it."""
    half = _password_only(every_role)
    assert half.post("/account/tokens/", {"name": "made half signed in"})["Location"] == "/sign-in/two-factor/"
    assert not every_role.api_tokens.filter(name="made half signed in").exists()
    _, raw = api_token_create(actor=every_role, name="made after full sign-in")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    me = half.get("/api/v1/me", **bearer)
    assert me.status_code == 200 and me.json()["panel_member"] is True
    cases = half.get("/api/v1/cases/", **bearer)
    assert cases.status_code == 200 and "Child Zed" in cases.content.decode()
    assert half.get("/api/v1/me").status_code == 401
