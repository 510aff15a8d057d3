"""Shared fixtures: partnerships, people in each role, and clients signed in with both factors."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.core import dbscope
from cspr.partnerships.models import Membership, Organisation, Partnership, User
from cspr.partnerships.roles import Role

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run inside one
# unless told it is safe (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery staple"

# The suite's own code (fixtures making records, assertions reading them back) acts as a command does: in the
# system scope of PostgreSQL's row-level security. Pages and API calls made through the test client and the
# browser are scoped to their signed-in person by the middleware, exactly as in production (cspr/core/dbscope.py).
dbscope.set_process_default(dbscope.SYSTEM)


def _owner_params() -> dict[str, Any]:
    db = settings.DATABASES["default"]
    return {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }


def _ensure_app_role(role: str) -> None:
    """Create the application role on this PostgreSQL server if it is missing (as .ci/run and
    docs/operations.md do): it logs in, owns nothing, and is neither superuser nor BYPASSRLS."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(dbname="postgres", autocommit=True, **_owner_params()) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
            return
        # Another xdist worker may make it at the same moment: either error then means it exists.
        with contextlib.suppress(psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS").format(sql.Identifier(role)))


_OWNER: list[str | None] = [None]


@contextlib.contextmanager
def table_owner() -> Iterator[None]:
    """Run the block connected as the tables' owner, for what only an owner may do and the application never
    does (a flush that restarts the id sequences). Nothing changes on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql" or _OWNER[0] is None:
        yield
        return
    app_role = connection.settings_dict["USER"]
    connection.close()
    connection.settings_dict["USER"] = _OWNER[0]
    try:
        yield
    finally:
        # A flush's post_migrate refreshed the grants, revoking the suite's TRUNCATE: give it back.
        with connection.cursor() as cursor:
            cursor.execute(f'GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO "{app_role}"')
        connection.close()
        connection.settings_dict["USER"] = app_role


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Before the test database is made: on PostgreSQL, the role the migration grants to must exist."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") and settings.DATABASE_APP_ROLE:
        _ensure_app_role(settings.DATABASE_APP_ROLE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """On PostgreSQL the whole suite then runs as the application role, under row-level security, as
    production does; the tables' owner made and migrated the database and drops it at the end. The role is
    given TRUNCATE here only, for the suite's flush between transactional tests (production never has it:
    TRUNCATE ignores row-level security)."""
    from django.db import connection

    role = settings.DATABASE_APP_ROLE
    if connection.vendor != "postgresql" or not role:
        yield
        return
    owner = connection.settings_dict["USER"]
    _OWNER[0] = owner
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(f'GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO "{role}"')
        connection.close()
        connection.settings_dict["USER"] = role
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            connection.close()
            connection.settings_dict["USER"] = owner


@pytest.fixture
def make_partnership(db: Any) -> Callable[..., Partnership]:
    counter = {"n": 0}

    def make(name: str | None = None, nation: str = "england") -> Partnership:
        counter["n"] += 1
        name = name or f"Test Partnership {counter['n']}"
        partnership = Partnership.objects.create(name=name, slug=name.lower().replace(" ", "-"), nation=nation)
        for org_name, kind in (
            (f"{name} Council", Organisation.Kind.LOCAL_AUTHORITY),
            (f"{name} Police", Organisation.Kind.POLICE),
            (f"{name} ICB", Organisation.Kind.ICB),
            (f"{name} Hospital Trust", Organisation.Kind.NHS_TRUST),
        ):
            Organisation.objects.create(partnership=partnership, name=org_name, kind=kind)
        return partnership

    return make


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = {"n": 0}

    def make(
        role: Role | str | None = None,
        partnership: Partnership | None = None,
        organisation: Organisation | None = None,
        email: str | None = None,
        with_device: bool = True,
    ) -> User:
        counter["n"] += 1
        email = email or f"user{counter['n']}@example.gov.uk"
        user = User.objects.create_user(email, PASSWORD, full_name=f"Test User {counter['n']}")
        if role is not None:
            role = Role(role)
            if role == Role.AGENCY_CONTRIBUTOR and organisation is None and partnership is not None:
                organisation = partnership.organisations.filter(kind="nhs_trust").first()
            Membership.objects.create(user=user, partnership=partnership, organisation=organisation, role=role.value)
        if with_device:
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user

    return make


def verified_client(user: User) -> Client:
    """A client signed in with password and second factor, as after a full sign-in."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None, "the user needs a confirmed device"
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    return verified_client


@pytest.fixture
def two_partnerships(make_partnership: Any, make_user: Any) -> dict[str, Any]:
    """Partnership A with a business manager, and partnership B with its own."""
    a = make_partnership("Alpha")
    b = make_partnership("Bravo")
    return {
        "a": a,
        "b": b,
        "a_manager": make_user(Role.BUSINESS_MANAGER, a),
        "b_manager": make_user(Role.BUSINESS_MANAGER, b),
    }


# Browser fixtures are defined once for the whole session here: a second sync Playwright in the same
# session fails, so test modules use these and import only assert_accessible from tests.browser.
@contextlib.contextmanager
def built_once[T](django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    """Test data built once for a module (the demo takes seconds to load), inside a transaction rolled back when
    the module ends; each test's own transaction is a savepoint inside it, so what a test writes is undone
    before the next. Files go to memory, not var/. A module-scoped fixture yields from this."""
    from django.db import transaction
    from django.test import override_settings

    storages = override_settings(
        STORAGES={**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    )
    storages.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
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


from tests.browser import browser, page  # noqa: E402, F401
