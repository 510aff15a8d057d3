"""Every list is bounded (DESIGN.md rule 8): a page of 50 with GOV.UK pagination, every row reachable, the
filters kept from page to page, and nothing decrypted that the list does not show (rule 6: lists show
pseudonyms). The rows are inserted directly, many at once: what is tested is the reading of them."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.cases.models import Case, CaseState, Child, Notification, RapidReviewAudit
from cspr.core import fields
from cspr.core.pagination import PAGE_SIZE, page_number, page_numbers
from cspr.partnerships.models import Membership, Partnership, User
from cspr.partnerships.roles import Role

pytestmark = pytest.mark.django_db

MORE_THAN_A_PAGE = PAGE_SIZE + 5


def add_cases(partnership: Partnership, n: int, *, start: int = 0, nature: str = "serious_harm") -> list[Case]:
    """``n`` cases sent to the Panel, newest last, each with a notification and a child under 1, and
    personal data (the summary, the child's name, the notification's narrative) that lists must not read."""
    now = timezone.now()
    cases = Case.objects.bulk_create(
        Case(
            partnership=partnership,
            reference=f"T-{start + i:04d}",
            pseudonym=f"Child T{start + i}",
            state=CaseState.RAPID_REVIEW,
            summary=f"Secret summary {start + i}",
            created_at=now - datetime.timedelta(hours=10_000 - start - i),
            sent_to_panel_at=now - datetime.timedelta(hours=10_000 - start - i),
        )
        for i in range(n)
    )
    Notification.objects.bulk_create(
        Notification(case=c, nature=nature, description="Secret narrative", sent_on=timezone.localdate()) for c in cases
    )
    Child.objects.bulk_create(
        Child(case=c, pseudonym=c.pseudonym, name="Secret Name", age_band="under-1") for c in cases
    )
    return cases


@contextmanager
def decryptions() -> Iterator[list[int]]:
    """Count the encrypted values read while the block runs."""
    seen = [0]
    real = fields.decrypt_text

    def counting(token: str) -> str:
        seen[0] += 1
        return real(token)

    fields.decrypt_text = counting  # type: ignore[assignment]
    try:
        yield seen
    finally:
        fields.decrypt_text = real  # type: ignore[assignment]


def rows(body: str) -> list[str]:
    """The references linked from the page's table of cases, in order."""
    return re.findall(r'href="/cases/\d+/">(T-\d+)</a>', body)


def nav(body: str, label: str) -> str:
    found = re.search(rf'<nav class="govuk-pagination"[^>]*aria-label="{label}"[^>]*>(.*?)</nav>', body, re.S)
    assert found, f"no pagination labelled {label!r}"
    return found.group(1)


@pytest.fixture
def manager(make_user: Any, make_partnership: Any) -> User:
    return make_user(Role.BUSINESS_MANAGER, make_partnership("Listed"))


@pytest.fixture
def panel(make_user: Any) -> User:
    return make_user(Role.PANEL_MEMBER, None)


# -- the shared helper -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 1), ("", 1), ("2", 2), (" 3 ", 3), ("abc", 1), ("1.5", 1), ("0", 1), ("-4", 1), ("99", 5), ("9" * 40, 5)],
)
def test_a_bad_page_number_answers_the_first_or_last_page(raw: str | None, expected: int) -> None:
    assert page_number(raw, 5) == expected


def test_page_numbers_show_the_ends_the_current_page_and_its_neighbours_with_ellipses() -> None:
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(1, 80) == [1, 2, None, 80]
    assert page_numbers(5, 80) == [1, None, 4, 5, 6, None, 80]
    assert page_numbers(3, 80) == [1, 2, 3, 4, None, 80]  # one page between: shown, not an ellipsis
    assert page_numbers(80, 80) == [1, None, 79, 80]


# -- the lists ---------------------------------------------------------------------------------------------------


def test_case_list_shows_50_cases_a_page_newest_first_and_reaches_every_one(manager: User, client_for: Any) -> None:
    add_cases(manager.memberships.get().partnership, MORE_THAN_A_PAGE)
    client: Client = client_for(manager)
    first = client.get("/cases/").content.decode()
    assert rows(first) == [f"T-{i:04d}" for i in range(MORE_THAN_A_PAGE - 1, 4, -1)]
    assert f"Showing 1 to 50 of {MORE_THAN_A_PAGE} cases" in first
    links = nav(first, "Pages of cases")
    assert 'href="?page=2"' in links and 'aria-current="page"' in links and 'rel="next"' in links
    second = client.get("/cases/?page=2").content.decode()
    assert rows(second) == ["T-0004", "T-0003", "T-0002", "T-0001", "T-0000"]
    assert f"Showing 51 to {MORE_THAN_A_PAGE} of {MORE_THAN_A_PAGE} cases" in second
    assert 'rel="prev"' in nav(second, "Pages of cases") and 'href="/cases/"' in second


@pytest.mark.parametrize(("page", "expected"), [("nonsense", "T-0054"), ("0", "T-0054"), ("1000", "T-0004")])
def test_case_list_answers_a_bad_page_with_the_first_or_last(
    manager: User, client_for: Any, page: str, expected: str
) -> None:
    add_cases(manager.memberships.get().partnership, MORE_THAN_A_PAGE)
    response = client_for(manager).get(f"/cases/?page={page}")
    assert response.status_code == 200
    assert rows(response.content.decode())[0] == expected


def test_a_short_list_has_no_pagination(manager: User, client_for: Any) -> None:
    add_cases(manager.memberships.get().partnership, 3)
    body = client_for(manager).get("/cases/").content.decode()
    assert "govuk-pagination" not in body and "Showing 1 to 3 of 3 cases" in body


def test_case_lists_decrypt_nothing(manager: User, panel: User, client_for: Any) -> None:
    add_cases(manager.memberships.get().partnership, MORE_THAN_A_PAGE)
    manager_client, panel_client = client_for(manager), client_for(panel)
    for client, path in (
        (manager_client, "/cases/"),
        (panel_client, "/cases/"),
        (panel_client, "/panel/"),
        (panel_client, "/panel/?age_band=under-1&nature=serious_harm&page=2"),
    ):
        client.get(path)  # warm
        with decryptions() as seen:
            body = client.get(path).content.decode()
        assert "Child T" in body
        assert seen[0] == 0, f"{path} decrypted {seen[0]} values it does not show"


def test_panel_inbox_keeps_its_filters_in_each_page_link(manager: User, panel: User, client_for: Any) -> None:
    partnership = manager.memberships.get().partnership
    add_cases(partnership, MORE_THAN_A_PAGE)
    add_cases(partnership, 7, start=1000, nature="death")
    client: Client = client_for(panel)
    query = f"partnership={partnership.slug}&age_band=under-1&nature=serious_harm"
    body = client.get(f"/panel/?{query}").content.decode()
    assert f"Showing 1 to 50 of {MORE_THAN_A_PAGE} cases" in body
    links = nav(body, "Pages of cases")
    assert f'href="?{query}&page=2"'.replace("&", "&amp;") in links
    second = client.get(f"/panel/?{query}&page=2").content.decode()
    assert rows(second) == ["T-0004", "T-0003", "T-0002", "T-0001", "T-0000"]
    assert f'href="?{query}"'.replace("&", "&amp;") in nav(second, "Pages of cases")  # page 1, still filtered
    deaths = client.get("/panel/?nature=death").content.decode()
    assert "Showing 1 to 7 of 7 cases" in deaths and "govuk-pagination" not in deaths


def test_a_case_with_two_children_in_the_band_is_one_row_of_the_panel_inbox(
    manager: User, panel: User, client_for: Any
) -> None:
    (case,) = add_cases(manager.memberships.get().partnership, 1)
    Child.objects.create(case=case, position=2, pseudonym="Sibling", name="Secret", age_band="under-1")
    body = client_for(panel).get("/panel/?age_band=under-1").content.decode()
    assert rows(body) == ["T-0000"] and "Showing 1 to 1 of 1 case" in body


def test_audit_trail_reaches_every_event_newest_first(manager: User, client_for: Any) -> None:
    """The trail used to stop at 500 events; now every one is on a page, newest first. Each look adds its own
    "case.viewed" at the top, which moves the rest down a row: an event may show again at the top of the next
    page, but none is skipped."""
    (case,) = add_cases(manager.memberships.get().partnership, 1)
    for i in range(2 * PAGE_SIZE + 10):
        audit_record(actor=manager, action=f"test.step{i:03d}", partnership=case.partnership, target=case)
    client: Client = client_for(manager)
    seen: list[str] = []
    first = client.get(f"/cases/{case.pk}/audit/").content.decode()
    # This view itself is the newest event (reading the trail is a read of case data).
    total = 2 * PAGE_SIZE + 10 + 1
    assert f"Showing 1 to 50 of {total} events" in first
    for page in (1, 2, 3):
        body = client.get(f"/cases/{case.pk}/audit/?page={page}").content.decode()
        nav(body, "Pages of the audit trail")
        seen += [n for n in re.findall(r"test\.step(\d{3})", body) if n not in seen]
    assert seen == [f"{i:03d}" for i in range(2 * PAGE_SIZE + 9, -1, -1)]


def test_audit_trail_decrypts_only_the_events_it_shows(manager: User, client_for: Any) -> None:
    (case,) = add_cases(manager.memberships.get().partnership, 1)
    for i in range(2 * PAGE_SIZE):
        audit_record(actor=manager, action="test.change", target=case, before={"n": i}, after={"n": i + 1})
    client = client_for(manager)
    client.get(f"/cases/{case.pk}/audit/")
    with decryptions() as seen:
        client.get(f"/cases/{case.pk}/audit/")
    # The case itself (its summary, as ``case_get`` reads it) and at most one details value per shown event.
    assert seen[0] <= PAGE_SIZE + 1


def test_rapid_review_audit_list_is_paginated(manager: User, client_for: Any) -> None:
    partnership = manager.memberships.get().partnership
    RapidReviewAudit.objects.bulk_create(
        RapidReviewAudit(
            partnership=partnership,
            period_start=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
            period_end=datetime.date(2020, 1, 1) + datetime.timedelta(days=i + 30),
            created_by=manager,
            created_at=timezone.now() - datetime.timedelta(days=1000 - i),
            overall_comment="Secret comment",
        )
        for i in range(MORE_THAN_A_PAGE)
    )
    client: Client = client_for(manager)
    with decryptions() as seen:
        body = client.get("/rapid-review-audits/").content.decode()
    assert seen[0] == 0
    listed = r'href="/rapid-review-audits/\d+/"'
    assert len(re.findall(listed, body)) == PAGE_SIZE
    assert f"Showing 1 to 50 of {MORE_THAN_A_PAGE} audits" in body
    nav(body, "Pages of audits")
    assert len(re.findall(listed, client.get("/rapid-review-audits/?page=2").content.decode())) == 5


def test_people_list_is_paginated(manager: User, client_for: Any) -> None:
    partnership = manager.memberships.get().partnership
    people = User.objects.bulk_create(
        User(email=f"member{i:03d}@example.gov.uk", full_name=f"Member {i:03d}") for i in range(MORE_THAN_A_PAGE)
    )
    Membership.objects.bulk_create(Membership(user=u, partnership=partnership, role=Role.AUDITOR) for u in people)
    client: Client = client_for(manager)
    path = f"/partnerships/{partnership.slug}/people/"
    first = client.get(path).content.decode()
    total = MORE_THAN_A_PAGE + 1  # and the manager
    assert f"Showing 1 to 50 of {total} members" in first
    assert 'href="?members_page=2"' in nav(first, "Pages of members")
    second = client.get(f"{path}?members_page=2").content.decode()
    member = r'<td class="govuk-table__cell">Member (\d{3})<br>'
    names = re.findall(member, first) + re.findall(member, second)
    assert names == [f"{i:03d}" for i in range(MORE_THAN_A_PAGE)]
