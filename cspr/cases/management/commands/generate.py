"""``cspr generate --scale partnership|national|stress [--seed N] [--cases N]``: benchmark data through the
services (cspr/cases/generate.py says how). Prints counts only (DESIGN.md rule 6) and verifies the audit chain
at the end, since every record it made went through a service that appended an event."""

from __future__ import annotations

import dataclasses
import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cspr.audit.services import audit_verify
from cspr.cases.generate import SCALES, generate
from cspr.core.errors import ServiceError


class Command(BaseCommand):
    help = "Fill an empty database with a partnership's, England's or ten times England's decade of cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="partnership")
        parser.add_argument("--seed", type=int, default=2026, help="The same seed makes the same records.")
        parser.add_argument("--cases", type=int, help="How many cases (default: the scale's).")
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="The date to generate up to.")

    def handle(self, *args: Any, **options: Any) -> None:
        scale = SCALES[options["scale"]]
        if options.get("cases") is not None:
            if options["cases"] < 1:
                raise CommandError("--cases must be at least 1.")
            scale = dataclasses.replace(scale, cases=options["cases"])
        from rich.progress import Progress

        started = time.monotonic()
        try:
            with Progress(transient=True) as bar:
                task = bar.add_task(f"{scale.cases:,} cases", total=scale.cases)
                report = generate(
                    scale=scale,
                    seed=options["seed"],
                    today=options.get("today"),
                    progress=lambda n: bar.advance(task, n),
                )
        except ServiceError as exc:
            detail = "; ".join(exc.field_errors.values())
            raise CommandError(f"{exc.message} {detail}".strip()) from exc
        took = time.monotonic() - started
        self.stdout.write(
            f"Generated {report.cases:,} cases in {report.partnerships:,} partnerships with {report.people:,} "
            f"people in {took:,.0f} s."
        )
        for stage, count in report.stages.items():
            self.stdout.write(f"  {count:>7,}  {stage}")
        result = audit_verify()
        if not result.ok:
            raise CommandError(f"The audit chain does not verify: {result.problem}")
        self.stdout.write(f"Audit chain verified: {result.checked:,} events.")
