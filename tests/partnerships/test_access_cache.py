"""Each person's memberships are read once per request, and a membership written in that request counts at once
(cspr/partnerships/selectors.py access_cache; DESIGN.md rule 8)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cspr.partnerships.models import Membership
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_cache, access_for
from cspr.partnerships.services import membership_add, membership_remove

pytestmark = pytest.mark.django_db


def test_within_a_request_the_memberships_are_read_once(make_user: Any, make_partnership: Any) -> None:
    user = make_user(Role.BUSINESS_MANAGER, make_partnership())
    with access_cache(), CaptureQueriesContext(connection) as queries:
        first, second = access_for(user), access_for(user)
    assert first == second and len(queries) == 1


def test_outside_a_request_nothing_is_kept(make_user: Any, make_partnership: Any) -> None:
    user = make_user(Role.BUSINESS_MANAGER, make_partnership())
    with CaptureQueriesContext(connection) as queries:
        access_for(user), access_for(user)
    assert len(queries) == 2


def test_a_role_removed_in_the_request_stops_counting_in_that_request(make_user: Any, make_partnership: Any) -> None:
    p = make_partnership()
    admin = make_user(Role.BUSINESS_MANAGER, p)
    person = make_user(Role.AUDITOR, p)
    with access_cache():
        assert access_for(person).has_role(p.pk, Role.AUDITOR)
        membership = Membership.objects.active().get(user=person, role=Role.AUDITOR.value)
        membership_remove(actor=admin, membership=membership)
        assert not access_for(person).has_role(p.pk, Role.AUDITOR)
        membership_add(actor=admin, user=person, partnership=p, role=Role.SCRUTINEER.value)
        assert access_for(person).has_role(p.pk, Role.SCRUTINEER)
