"""Row-level security on PostgreSQL: the database's own wall behind the application's tenancy scoping.

Each app says, in its ``row_policies.py``, how every one of its tables is policed (``POLICIES``) or why a table
holds no partnership or case data (``EXEMPT``); ``install`` runs after every ``migrate`` (post_migrate) and
(re)creates the functions, enables and forces row-level security on each policed table, replaces its policies,
and grants the application role (``settings.DATABASE_APP_ROLE``) the rights it needs and no more: no table is
owned by it, it is neither superuser nor BYPASSRLS, and it is not given TRUNCATE (which ignores policies).

The policies read the connection settings ``cspr.core.dbscope`` writes per request, task or command. A table
whose rows belong to a case is policed through its parent: ``case_id IN (SELECT id FROM cases_case)``, and that
sub-select is itself filtered by the case table's policy, so one rule (the person's partnerships, or the Panel
and a case sent to it) decides every case table. ``tests/core/test_row_security.py`` fails when a table exists
that is neither policed nor exempt with a reason.

SQLite has no row-level security; nothing here runs there.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections

# The functions the policies call. STABLE: each reads the connection's settings, fixed within a statement.
FUNCTIONS = """
CREATE OR REPLACE FUNCTION cspr_system() RETURNS boolean LANGUAGE sql STABLE AS
  $$ SELECT coalesce(current_setting('cspr.system', true), '') = 'on' $$;
CREATE OR REPLACE FUNCTION cspr_panel() RETURNS boolean LANGUAGE sql STABLE AS
  $$ SELECT coalesce(current_setting('cspr.panel', true), '') = 'on' $$;
CREATE OR REPLACE FUNCTION cspr_admin() RETURNS boolean LANGUAGE sql STABLE AS
  $$ SELECT coalesce(current_setting('cspr.admin', true), '') = 'on' $$;
CREATE OR REPLACE FUNCTION cspr_user() RETURNS bigint LANGUAGE sql STABLE AS
  $$ SELECT nullif(coalesce(current_setting('cspr.user_id', true), ''), '')::bigint $$;
CREATE OR REPLACE FUNCTION cspr_partnerships() RETURNS bigint[] LANGUAGE sql STABLE AS
  $$ SELECT coalesce(nullif(coalesce(current_setting('cspr.partnerships', true), ''), ''), '{}')::bigint[] $$;
"""


@dataclass(frozen=True)
class Policy:
    """One table's rule: rows it may read (``using``) and rows it may write (``check``, default the same).
    ``insert_check`` lets a table accept inserts it does not let the writer read back (audit events), and
    ``writable=False`` lets only the system scope (the operator's commands) change or delete its rows."""

    using: str
    check: str | None = None
    insert_check: str | None = None
    writable: bool = True


def partnership(column: str = "partnership_id") -> Policy:
    """Rows of the person's own partnerships."""
    return Policy(f"cspr_system() OR {column} = ANY(cspr_partnerships())")


def through(column: str, parent_table: str) -> Policy:
    """Rows whose parent row the person may see (the parent table's own policy filters the sub-select)."""
    # Names come from the apps' row_policies modules (code), never from input.
    return Policy(f"cspr_system() OR {column} IN (SELECT id FROM {parent_table})")  # noqa: S608  # nosec B608


def own(column: str = "user_id") -> Policy:
    """Rows that belong to the signed-in person themself (their drafts)."""
    return Policy(f"cspr_system() OR {column} = cspr_user()")


@dataclass
class Catalogue:
    """Every app's POLICIES and EXEMPT, by table name."""

    policies: dict[str, Policy] = field(default_factory=dict)
    exempt: dict[str, str] = field(default_factory=dict)


def catalogue() -> Catalogue:
    """Read ``row_policies`` from each installed app that has one (imported by name: core imports no app)."""
    found = Catalogue()
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.row_policies")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.row_policies":
                raise
            continue
        found.policies.update(getattr(module, "POLICIES", {}))
        found.exempt.update(getattr(module, "EXEMPT", {}))
    return found


def _quote(conn: Any, name: str) -> str:
    return str(conn.ops.quote_name(name))


def statements(cat: Catalogue, *, app_role: str, conn: Any) -> list[str]:
    """The SQL that brings the database's policies and grants to what the catalogue says."""
    out = [FUNCTIONS]
    role = _quote(conn, app_role)
    out.append(f"GRANT USAGE ON SCHEMA public TO {role}")
    out.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
    out.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    out.append(f"REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM {role}")
    for table, policy in sorted(cat.policies.items()):
        t = _quote(conn, table)
        out.append(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        out.append(f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY")
        for name in ("cspr_read", "cspr_write", "cspr_insert", "cspr_update", "cspr_delete"):
            out.append(f"DROP POLICY IF EXISTS {name} ON {t}")
        out.append(f"CREATE POLICY cspr_read ON {t} FOR SELECT USING ({policy.using})")
        check = policy.check or policy.using
        if policy.writable:
            insert_check = policy.insert_check or check
            out.append(f"CREATE POLICY cspr_insert ON {t} FOR INSERT WITH CHECK ({insert_check})")
            out.append(f"CREATE POLICY cspr_update ON {t} FOR UPDATE USING ({policy.using}) WITH CHECK ({check})")
            out.append(f"CREATE POLICY cspr_delete ON {t} FOR DELETE USING ({policy.using})")
        else:
            if policy.insert_check:
                out.append(f"CREATE POLICY cspr_insert ON {t} FOR INSERT WITH CHECK ({policy.insert_check})")
            # Changed only by the operator's commands (re-encrypting under a new key), never by a request.
            out.append(f"CREATE POLICY cspr_update ON {t} FOR UPDATE USING (cspr_system()) WITH CHECK (cspr_system())")
            out.append(f"CREATE POLICY cspr_delete ON {t} FOR DELETE USING (cspr_system())")
    return out


def install(*, using: str = "default", tables: Iterable[str] | None = None) -> int:
    """Create or refresh the functions, policies and grants on the ``using`` database (PostgreSQL only).
    Returns how many tables are policed. Raises when the application role does not exist: running without
    the second wall must be a decision (``DATABASE_APP_ROLE = ""``), not an accident."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return 0
    app_role = getattr(settings, "DATABASE_APP_ROLE", "")
    cat = catalogue()
    existing = set(tables if tables is not None else conn.introspection.table_names())
    cat.policies = {t: p for t, p in cat.policies.items() if t in existing}
    if not app_role:
        return 0
    with conn.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == app_role:
            # The application role itself (a flush emits post_migrate too): it owns nothing and can change no
            # policy; the owner's migrate keeps them.
            return 0
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role])
        if cursor.fetchone() is None:
            raise RuntimeError(
                f"The database role {app_role!r} (DATABASE_APP_ROLE) does not exist: create it (docs/operations.md, "
                "'The second wall') or set DATABASE_APP_ROLE to an empty value to run without row-level security."
            )
        for sql in statements(cat, app_role=app_role, conn=conn):
            cursor.execute(sql)
    return len(cat.policies)


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Run once per migrate, for the last app Django sends the signal for, when every table exists."""
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if not with_models or sender.name != with_models[-1].name:
        return
    install(using=using)
