"""The database's own scope: which partnerships' rows this connection may read and write (the second wall).

On PostgreSQL every table that holds partnership or case data has row-level security (``cspr.core.rowsecurity``)
whose policies read the settings this module writes on the connection: the signed-in person, the partnerships
they belong to, whether they are on the national Panel (which sees only cases sent to it) or the system
administrator, or the *system* scope of commands and background jobs. The application connects as a role that
owns no table and cannot bypass row-level security (docs/operations.md), so a selector that forgot its tenancy
filter still returns only what the person's memberships allow (DESIGN.md rule 1, issue "Prove it holds" item 3).

How the scope is held:

- The scope lives in a context variable, so each request, thread or task has its own; ``scoped()`` enters one
  for a block and restores the one before it, even on an exception.
- It is written on the connection with ``set_config(..., false)`` when entered and again whenever a new
  connection opens (``connection_created``), so a persistent connection never carries a scope past the block
  that set it.
- Outside any block the process default applies: *nothing* for the web server (a request outside the
  middleware sees no partnership data), *system* for ``cspr`` commands other than the servers and for the test
  suite's own setup code.

SQLite has no row-level security: there the application wall is the only one and this module does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver


@dataclass(frozen=True)
class Scope:
    """What the policies let a connection see. ``system`` sees everything (commands, jobs, migrations)."""

    user_id: int | None = None
    partnership_ids: tuple[int, ...] = ()
    panel: bool = False
    admin: bool = False
    system: bool = False

    def settings(self) -> dict[str, str]:
        """The connection settings the policies read (``cspr_user()``, ``cspr_partnerships()`` ...)."""
        return {
            "cspr.user_id": "" if self.user_id is None else str(int(self.user_id)),
            "cspr.partnerships": "{" + ",".join(str(int(p)) for p in sorted(self.partnership_ids)) + "}",
            "cspr.panel": "on" if self.panel else "",
            "cspr.admin": "on" if self.admin else "",
            "cspr.system": "on" if self.system else "",
        }


NOTHING = Scope()
SYSTEM = Scope(system=True)

_process_default: list[Scope] = [NOTHING]
_current: ContextVar[Scope | None] = ContextVar("cspr_db_scope", default=None)


def set_process_default(scope: Scope) -> None:
    """The scope outside any block: SYSTEM for commands and the test suite, NOTHING (the default) for servers."""
    _process_default[0] = scope
    if _current.get() is None:
        _write(scope)


def current() -> Scope:
    return _current.get() or _process_default[0]


def for_person(
    *, user_id: int | None, partnership_ids: Iterable[int], panel: bool = False, admin: bool = False
) -> Scope:
    return Scope(user_id=user_id, partnership_ids=tuple(sorted(set(partnership_ids))), panel=panel, admin=admin)


def _write(scope: Scope, *, conn: Any = None) -> None:
    """Write ``scope`` on the connection, if it is open and is PostgreSQL (an unopened one gets it when it
    opens, through ``connection_created``)."""
    conn = conn or connection
    if conn.vendor != "postgresql" or conn.connection is None:
        return
    values = scope.settings()
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, false)" for _ in values),
            [item for pair in values.items() for item in pair],
        )


@contextmanager
def scoped(scope: Scope) -> Iterator[Scope]:
    """Run the block with ``scope`` on the connection, then put back the scope that was there before."""
    token = _current.set(scope)
    _write(scope)
    try:
        yield scope
    finally:
        _current.reset(token)
        try:
            _write(current())
        except DatabaseError:
            # The block's transaction failed and is aborted: PostgreSQL refuses any statement until it is
            # rolled back, and the rollback itself undoes a setting written inside it. A setting written before
            # the transaction began is the restored one already, so nothing is left behind either way.
            if not connection.in_atomic_block:
                raise


def refine(scope: Scope) -> None:
    """Replace the scope of the block in force: a request learns who is asking part-way (a bearer token is
    read by the API's view, after the middleware opened the request's block). The block's end still restores
    what was there before it; outside a block this is refused, so no scope outlives its request."""
    if _current.get() is None:
        raise RuntimeError("dbscope.refine() needs a scoped() block around it (the request's middleware).")
    _current.set(scope)
    _write(scope)


@contextmanager
def system() -> Iterator[Scope]:
    """The system scope, for the few steps a request takes before anyone is known whose rows are at stake
    (accepting an invitation: the token is the credential). Each use says why at the call site."""
    with scoped(SYSTEM) as scope:
        yield scope


@receiver(connection_created)
def _scope_new_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A connection opened (first use, or reopened after CONN_MAX_AGE) carries the scope in force now."""
    if connection.vendor == "postgresql":
        _write(current(), conn=connection)
