"""``cspr generate``: benchmark data made through the services, deterministic from its seed, whose audit chain
verifies (issue: fast at national scale, item 1)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cspr.audit.services import audit_verify
from cspr.cases.generate import GENERATED_DOMAIN, Scale, generate
from cspr.cases.models import AgencyRequest, Case, CaseClock, CaseState, Vote
from cspr.partnerships.models import User
from tests.conftest import table_owner

TODAY = datetime.date(2026, 11, 30)  # a Monday
SMALL = Scale(partnerships=2, cases=12, years=2)
TINY = Scale(partnerships=1, cases=4, years=1)


def _snapshot() -> list[tuple[str, str, str]]:
    return sorted(Case.objects.values_list("partnership__slug", "reference", "state"))


@pytest.mark.django_db
def test_generate_makes_cases_at_many_stages_through_the_services_with_a_verifying_audit_chain() -> None:
    report = generate(scale=SMALL, seed=7, today=TODAY)
    assert report.cases == 12 and report.partnerships == 2
    states = set(Case.objects.values_list("state", flat=True))
    # A spread over two years reaches both finished outcomes and the steps still open today.
    assert len(states) >= 4, states
    assert {CaseState.PUBLISHED, CaseState.NO_REVIEW} & states
    assert AgencyRequest.objects.exists() and Vote.objects.exists()
    # Every case has its stored clocks, recomputed for today (DESIGN.md rule 8).
    assert set(CaseClock.objects.values_list("case_id", flat=True)) == set(Case.objects.values_list("pk", flat=True))
    result = audit_verify()
    assert result.ok, result.problem
    assert result.checked > 12 * 5  # each case's steps were audited as the services do
    # Each step is dated on the day it happened, not today.
    oldest = Case.objects.order_by("created_at").first()
    assert oldest is not None
    assert oldest.created_at.date() < TODAY - datetime.timedelta(days=365)
    assert not Case.objects.filter(created_at__date__gt=TODAY).exists()


@pytest.mark.django_db(transaction=True)
def test_generate_is_deterministic_from_its_seed() -> None:
    generate(scale=TINY, seed=11, today=TODAY)
    first = _snapshot()
    from django.core.management import call_command as run

    with table_owner():  # restarting the id sequences is the owner's to do, never the application's
        run("flush", "--no-input", verbosity=0)
    generate(scale=TINY, seed=11, today=TODAY)
    assert _snapshot() == first


@pytest.mark.django_db
def test_generate_command_refuses_a_database_that_already_holds_generated_records() -> None:
    out = io.StringIO()
    call_command("generate", "--scale", "partnership", "--cases", "2", "--today", TODAY.isoformat(), stdout=out)
    assert "Generated 2 cases" in out.getvalue() and "Audit chain verified" in out.getvalue()
    assert User.objects.filter(email__endswith=f"@{GENERATED_DOMAIN}").exists()
    with pytest.raises(CommandError, match="already holds generated records"):
        call_command("generate", "--scale", "partnership", "--cases", "2", stdout=io.StringIO())


@pytest.mark.django_db
def test_generate_command_refuses_a_case_count_below_one() -> None:
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate", "--cases", "0", stdout=io.StringIO())
