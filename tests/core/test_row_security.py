"""PostgreSQL's second wall (issue "Prove it holds", item 3): row-level security on every table that holds
partnership or case data, the application connecting as a role that owns no table and cannot bypass it, and
the person's partnerships (and the Panel's "sent" scope) set on the connection per request.

The whole PostgreSQL suite runs as that role (tests/conftest.py), so every page and API test also proves the
product works behind the wall; the tests here prove the wall itself: a query that forgot its tenancy filter, or
a raw query with no scope at all, returns nothing it should not.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.db import ProgrammingError, connection, transaction

from cspr.audit.models import AuditEvent
from cspr.audit.services import audit_record
from cspr.cases import services
from cspr.cases.models import Case, Child, Notification
from cspr.core import dbscope, rowsecurity
from cspr.library.models import Report
from cspr.partnerships.models import Membership
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import database_scope
from tests.conftest import verified_client

on_postgres = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="row-level security is PostgreSQL's; SQLite keeps the application wall alone",
)

# Tables holding partnership or case data are recognised by these columns: an exempt table may not have one,
# apart from the directory of agencies (public bodies' names, each under its partnership).
PARTNERSHIP_COLUMNS = {"partnership_id", "case_id", "decision_id", "report_id", "notification_id", "audit_id"}
DIRECTORY = {"partnerships_organisation"}


def _tables() -> set[str]:
    return {m._meta.db_table for m in apps.get_models(include_auto_created=True)}


def _unaccounted(tables: set[str], cat: rowsecurity.Catalogue) -> set[str]:
    return tables - set(cat.policies) - set(cat.exempt)


def test_every_table_is_policed_or_exempt_with_a_reason() -> None:
    cat = rowsecurity.catalogue()
    assert _unaccounted(_tables(), cat) == set()
    assert all(reason.strip() for reason in cat.exempt.values())
    assert not set(cat.policies) & set(cat.exempt)


def test_a_new_table_with_partnership_data_and_no_policy_is_caught() -> None:
    """The check above is not vacuous: a table it has never heard of is reported."""
    cat = rowsecurity.catalogue()
    assert _unaccounted(_tables() | {"reviews_agencyreturn"}, cat) == {"reviews_agencyreturn"}


def test_no_exempt_table_holds_partnership_or_case_rows() -> None:
    cat = rowsecurity.catalogue()
    holding = {
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if {f.column for f in m._meta.concrete_fields} & PARTNERSHIP_COLUMNS
    }
    assert holding & set(cat.exempt) == DIRECTORY


def _partnership_with_case(chain_maker: Any, name: str, *, sent: bool) -> dict[str, Any]:
    make_partnership, make_user = chain_maker
    p = make_partnership(name)
    manager = make_user(Role.BUSINESS_MANAGER, p)
    case = services.case_open(
        actor=manager,
        partnership=p,
        summary=f"Summary {name}",
        children=[{"name": f"Child of {name}", "sex": "female"}],
    )
    if sent:
        Case.objects.filter(pk=case.pk).update(sent_to_panel_at="2026-11-02T10:00:00Z")
    report = Report.objects.create(
        title=f"Private review {name}", partnership=p, is_public=False, source_name="r.pdf", format="pdf",
        sha256=f"{name:0<64}"[:64],
    )  # fmt: skip
    return {"partnership": p, "manager": manager, "case": case, "report": report}


@pytest.fixture
def world(make_partnership: Any, make_user: Any) -> dict[str, Any]:
    a = _partnership_with_case((make_partnership, make_user), "Alpha", sent=False)
    b = _partnership_with_case((make_partnership, make_user), "Bravo", sent=True)
    public = Report.objects.create(
        title="Published review", is_public=True, source_name="p.pdf", format="pdf", sha256="p" * 64
    )
    return {"a": a, "b": b, "panel": make_user(Role.PANEL_MEMBER, None), "public": public}


def _as(user: Any) -> Any:
    return dbscope.scoped(database_scope(user))


@on_postgres
def test_the_application_role_owns_no_table_and_cannot_bypass_row_security(db: Any) -> None:
    role = settings.DATABASE_APP_ROLE
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == role  # the suite itself runs as the application
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        assert cursor.fetchone() == (False, False)
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", [role])
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND NOT (relrowsecurity AND relforcerowsecurity)",
            [sorted(rowsecurity.catalogue().policies)],
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relname = ANY(%s) AND relrowsecurity",
            [sorted(rowsecurity.catalogue().policies)],
        )
        assert cursor.fetchone()[0] == len(rowsecurity.catalogue().policies)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_raw_query_without_the_scope_setting_returns_nothing(world: dict[str, Any]) -> None:
    """A connection as the application role that never set a scope (a forgotten middleware, a psql session
    with the application's password) reads no case, child, report or membership; the rows are there."""
    db = settings.DATABASES["default"]
    assert Case.objects.count() == 2 and Child.objects.count() == 2
    with psycopg.connect(
        host=db["HOST"] or None, port=db["PORT"] or None, user=settings.DATABASE_APP_ROLE, dbname=db["NAME"]
    ) as raw:
        for table in ("cases_case", "cases_child", "cases_notification", "library_report", "audit_auditevent"):
            count = raw.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert count is not None
            expected = 1 if table == "library_report" else 0  # the published report is everyone's
            assert count[0] == expected, table
        assert raw.execute("SELECT count(*) FROM partnerships_membership").fetchone() == (0,)


@on_postgres
def test_a_query_that_forgot_its_tenancy_filter_sees_only_the_persons_partnership(world: dict[str, Any]) -> None:
    a, b = world["a"], world["b"]
    with _as(a["manager"]):
        assert list(Case.objects.values_list("pk", flat=True)) == [a["case"].pk]
        assert [c.case_id for c in Child.objects.all()] == [a["case"].pk]
        assert set(Notification.objects.values_list("case_id", flat=True)) <= {a["case"].pk}
        assert set(Report.objects.values_list("pk", flat=True)) == {a["report"].pk, world["public"].pk}
        assert set(Membership.objects.values_list("partnership_id", flat=True)) == {a["partnership"].pk}
        assert not AuditEvent.objects.filter(partnership=b["partnership"]).exists()
    # Back outside the block, the suite's own (system) scope sees both again.
    assert Case.objects.count() == 2


@on_postgres
def test_the_panel_sees_only_cases_sent_to_it_and_no_unpublished_report(world: dict[str, Any]) -> None:
    with _as(world["panel"]):
        assert list(Case.objects.values_list("pk", flat=True)) == [world["b"]["case"].pk]
        assert [c.case_id for c in Child.objects.all()] == [world["b"]["case"].pk]
        assert list(Report.objects.values_list("pk", flat=True)) == [world["public"].pk]


@on_postgres
def test_writing_into_another_partnership_is_refused_by_the_database(world: dict[str, Any]) -> None:
    a, b = world["a"], world["b"]
    with _as(a["manager"]):
        # An UPDATE that forgot its filter changes only the person's own rows ...
        assert Case.objects.update(summary="changed") == 1
        # ... and a row written for another partnership is refused outright.
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            Case.objects.create(partnership=b["partnership"], reference="X-1", created_by=a["manager"])
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            Child.objects.create(case_id=b["case"].pk, name="Injected", sex="male")
    b["case"].refresh_from_db()
    assert b["case"].summary == f"Summary {b['partnership'].name}"


@on_postgres
def test_audit_events_are_appended_by_anyone_and_changed_by_no_request(world: dict[str, Any]) -> None:
    a, b = world["a"], world["b"]
    with _as(world["panel"]):
        # The Panel acts on Bravo's case: its event is written and it reads back its own action ...
        event = audit_record(actor=world["panel"], action="case.viewed", partnership=b["partnership"])
        assert AuditEvent.objects.filter(pk=event.pk).exists()
        assert not AuditEvent.objects.filter(partnership=a["partnership"]).exists()
    with _as(b["manager"]):
        # ... and no request can rewrite or delete history, even its own partnership's.
        assert AuditEvent.objects.filter(pk=event.pk).update(action="case.edited") == 0
        assert AuditEvent.objects.filter(pk=event.pk).delete()[0] == 0


@on_postgres
def test_a_page_request_runs_in_its_persons_scope_and_leaves_none_behind(world: dict[str, Any]) -> None:
    a = world["a"]
    client = verified_client(a["manager"])
    seen: list[dict[str, str]] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "cases_case" in sql and not seen:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('cspr.partnerships'), current_setting('cspr.system'), "
                    "current_setting('cspr.user_id')"
                )
                p, system, user = cursor.fetchone()
            seen.append({"partnerships": p, "system": system, "user": user})
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        response = client.get(f"/cases/{a['case'].pk}/")
    assert response.status_code == 200
    assert seen == [{"partnerships": "{" + str(a["partnership"].pk) + "}", "system": "", "user": str(a["manager"].pk)}]
    # After the request the connection is back in the scope it had before it (the suite's system scope).
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('cspr.system'), current_setting('cspr.partnerships')")
        assert cursor.fetchone() == ("on", "{}")
    # And another partnership's case is not found, by the application wall and the database's alike.
    assert client.get(f"/cases/{world['b']['case'].pk}/").status_code == 404


def test_the_scope_is_restored_after_a_block_that_fails(db: Any) -> None:
    # (db: on PostgreSQL the scope is set on the connection as it changes)
    before = dbscope.current()
    with pytest.raises(RuntimeError), dbscope.scoped(dbscope.NOTHING):
        assert dbscope.current() == dbscope.NOTHING
        raise RuntimeError("the view failed")
    assert dbscope.current() == before


def test_refining_a_scope_outside_a_request_is_refused(db: Any) -> None:
    with pytest.raises(RuntimeError, match="scoped"):
        dbscope.refine(dbscope.NOTHING)
