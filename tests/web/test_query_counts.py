"""DESIGN.md rule 8: a page's query count does not grow with the number of cases.

Each listed page is measured with N cases and again with 5N: a list that read a row's related records one by
one (or the whole list where one page is shown) would show up as a count that grows. The cases are made
through the services, as the chain makes them, so each has its notification, children, rapid review and
stored clocks; every third one's rapid review is late, for the Panel's overdue filter."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cspr.cases.models import Case
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import notified_case

chain = case_fixtures.chain  # the case tests' fixture: a partnership with every role of the chain, and the Panel

pytestmark = pytest.mark.django_db

N = 3


def add_cases(chain: dict[str, Any], n: int) -> None:
    """``n`` more cases sent to the Panel; of all the cases, every third one's rapid review is late (so each
    list, the overdue one included, has rows at N as well as at 5N)."""
    start = Case.objects.count()
    for i in range(start, start + n):
        if i % 3 == 2:
            notified_case(chain, aware_days_ago=25 + i, sent_days_ago=20 + i)
        else:
            notified_case(chain, aware_days_ago=6 + i % 2, sent_days_ago=4 + i % 2)


def queries_of(client: Client, path: str) -> int:
    client.get(path)  # warm: the first request of a session, or the first after a minute, writes to it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_listed_pages_run_the_same_queries_with_five_times_the_cases(chain: dict[str, Any], client_for: Any) -> None:
    manager: Client = client_for(chain["manager"])
    panel: Client = client_for(chain["panel"])
    slug = chain["partnership"].slug
    first = notified_case(chain)
    pages: dict[str, tuple[Client, str]] = {
        "business manager's home": (manager, "/home/"),
        "business manager's cases": (manager, "/cases/"),
        "Panel's cases": (panel, "/cases/"),
        "case page": (manager, f"/cases/{first.pk}/"),
        "Panel's case page": (panel, f"/cases/{first.pk}/"),
        "audit trail": (manager, f"/cases/{first.pk}/audit/"),
        "Panel inbox": (panel, "/panel/"),
        "Panel inbox by partnership": (panel, f"/panel/?partnership={slug}"),
        "Panel inbox by age band": (panel, "/panel/?age_band=under-1"),
        "Panel inbox by stage": (panel, f"/panel/?state={first.state}"),
        "Panel inbox by nature": (panel, "/panel/?nature=serious_harm"),
        "Panel inbox overdue": (panel, "/panel/?overdue=on"),
        "Panel inbox, every filter, page 2": (
            panel,
            f"/panel/?partnership={slug}&age_band=under-1&nature=serious_harm&overdue=on&page=2",
        ),
        "rapid review audits": (manager, "/rapid-review-audits/"),
        "people": (manager, f"/partnerships/{slug}/people/"),
    }
    counts: dict[int, dict[str, int]] = {}
    for total in (N, 5 * N):
        add_cases(chain, total - Case.objects.count())
        assert Case.objects.count() == total
        counts[total] = {name: queries_of(client, path) for name, (client, path) in pages.items()}
    grew = {name: (counts[N][name], counts[5 * N][name]) for name in pages if counts[N][name] != counts[5 * N][name]}
    assert not grew, f"query counts grew with the number of cases (N, 5N): {grew}"
