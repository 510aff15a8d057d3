"""`cspr demo` is safe to run twice (issue: `make run` loads demo data on every start): the second run adds
nothing and leaves the audit chain intact."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.audit.models import AuditEvent
from cspr.audit.services import audit_verify
from cspr.cases.models import Case
from cspr.partnerships.models import Membership, Organisation, Partnership, User


def _counts() -> dict[str, int]:
    return {
        "partnerships": Partnership.objects.count(),
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "authenticators": TOTPDevice.objects.count(),
        "cases": Case.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


@pytest.mark.django_db
def test_running_demo_twice_adds_nothing_and_keeps_the_audit_chain_intact():
    call_command("demo", "--quiet")
    first = _counts()
    assert first["partnerships"] == 2 and first["cases"] > 0 and first["memberships"] >= first["users"]
    call_command("demo", "--quiet")
    assert _counts() == first
    verified = audit_verify()
    assert verified.ok and verified.checked == first["audit events"] > 0, verified
