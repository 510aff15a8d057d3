"""The ``cspr`` command: Django's management commands and the project's own (``cspr migrate``,
``cspr runserver``, ``cspr demo``, ``cspr audit verify``, ``cspr rotate-keys``, ``cspr library ...``).

``cspr timescales ...`` runs without Django or a database: it is pure date arithmetic.
"""

from __future__ import annotations

import os
import sys

# Commands that serve requests: their scope comes from each request's signed-in person, never the system's.
SERVERS = frozenset({"runserver", "testserver"})


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "timescales":
        from cspr.timescales.cli import main as timescales_main

        return int(timescales_main(args[1:]) or 0)
    # Hyphenated spellings of the project's own commands (Django's command names use underscores).
    aliases = {"rotate-keys": "rotate_keys"}
    if args and args[0] in aliases:
        args[0] = aliases[args[0]]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspr.settings")
    from django.core.management import execute_from_command_line

    if not args or args[0] not in SERVERS:
        # A command acts for the operator, across partnerships (migrate, demo, daily, backup): the system scope
        # of PostgreSQL's row-level security. A server's requests are scoped per person by the middleware,
        # and outside a request they see nothing (cspr/core/dbscope.py).
        from cspr.core import dbscope

        dbscope.set_process_default(dbscope.SYSTEM)

    execute_from_command_line(["cspr", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
