"""Run as a script by test_sqlite_named_by_url.py: decision makers voting at once on a SQLite file that
DATABASE_URL names (issue "Prove it holds", defect 3).

It runs in its own process because the database under test is the one the settings build from DATABASE_URL,
not pytest-django's in-memory one. Prints one JSON line: votes counted, errors seen, the journal mode.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspr.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cspr.cases import services
    from cspr.cases.models import Vote
    from cspr.partnerships.models import Membership, Organisation, Partnership, User
    from cspr.partnerships.roles import Role
    from tests.cases.conftest import ready_case

    call_command("migrate", verbosity=0)
    cases_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    p = Partnership.objects.create(name="Voters", slug="voters", nation="england")
    orgs = {}
    for kind in ("local_authority", "police", "icb", "nhs_trust"):
        orgs[kind] = Organisation.objects.create(partnership=p, name=f"Voters {kind}", kind=kind)

    def person(role: Role, org: str | None, n: str) -> User:
        user = User.objects.create_user(f"{n}@example.gov.uk", "correct horse battery staple", full_name=n)
        Membership.objects.create(user=user, partnership=p, organisation=orgs.get(org or ""), role=role.value)
        TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        return user

    chain: dict[str, Any] = {
        "partnership": p,
        "orgs": orgs,
        "manager": person(Role.BUSINESS_MANAGER, "local_authority", "manager"),
        "la": person(Role.DECISION_MAKER_LA, "local_authority", "la"),
        "police": person(Role.DECISION_MAKER_POLICE, "police", "police"),
        "icb": person(Role.DECISION_MAKER_ICB, "icb", "icb"),
    }
    cases = [ready_case(chain) for _ in range(cases_wanted)]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    connections.close_all()

    errors: list[str] = []
    start = threading.Barrier(len(cases) * 3)

    def vote(case_pk: int, who: str) -> None:
        from cspr.cases.models import Case

        try:
            case = Case.objects.get(pk=case_pk)
            start.wait(timeout=30)
            services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale=f"{who} ok")
        except Exception as exc:  # every failure is reported, none hidden: the test asserts there are none
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(c.pk, w)) for c in cases for w in ("la", "police", "icb")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"votes": Vote.objects.count(), "errors": errors, "journal_mode": journal_mode}))


if __name__ == "__main__":
    main()
