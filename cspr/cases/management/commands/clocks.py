"""``cspr clocks recompute [--partnership SLUG]``: rebuild the stored clocks of every case (DESIGN.md rule 8).

A case's stored clocks are rewritten whenever one of its own inputs changes (a recorded date, its stage). Inputs
that are not the case's own change outside it: the bank-holiday calendar shipped with a new ``holidays``
release, or a partnership's office closures or timescale overrides. Run this after such a change. It prints
counts only, never a case's reference or pseudonym (DESIGN.md rule 6).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cspr.cases.clocks import clocks_recompute
from cspr.cases.models import Case, CaseClock
from cspr.partnerships.models import Partnership


class Command(BaseCommand):
    help = "Stored clock tools. 'recompute' rebuilds every case's stored clocks from its dates and calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        recompute = sub.add_parser(
            "recompute",
            help="Rebuild the stored clocks after a change of bank holidays, office closures or timescale overrides.",
        )
        recompute.add_argument("--partnership", metavar="SLUG", help="Only this partnership's cases.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "recompute":
            self.recompute(options.get("partnership") or "")

    def recompute(self, slug: str) -> None:
        cases = Case.objects.order_by("pk")
        if slug:
            partnership = Partnership.objects.filter(slug=slug).first()
            if partnership is None:
                # CommandError exits with status 1 and prints the message on stderr.
                raise CommandError(f"No partnership with the slug {slug!r}.")
            cases = cases.filter(partnership=partnership)
        done = 0
        for case_id in cases.values_list("pk", flat=True).iterator():
            # One transaction per case: a case's rows are replaced whole, and a long run holds no lock for long.
            with transaction.atomic():
                clocks_recompute(case=Case(pk=case_id))
            done += 1
        rows = CaseClock.objects.filter(case__in=cases).count()
        where = f" in {slug}" if slug else ""
        self.stdout.write(
            f"Recomputed the clocks of {done} case{'' if done == 1 else 's'}{where}: {rows} stored clocks."
        )
