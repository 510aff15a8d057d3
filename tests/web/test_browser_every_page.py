"""axe (WCAG 2.2 A and AA) on every page the demo reaches, in every state it reaches it in (issue "Prove it
holds", item 6): each demo person follows every link from their home page through the service, and each page
they can open is checked once per (person, URL pattern, case stage). Anonymous visitors walk the public pages.

A crawl rather than a list: a page added later is checked as soon as something links to it.
"""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from cspr.cases.models import Case
from cspr.partnerships.demo import load_demo
from cspr.partnerships.models import User
from tests.browser import assert_accessible
from tests.web.test_browser_pagination import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    "manager@demo.cspr.test",
    "la.decider@demo.cspr.test",
    "scrutineer@demo.cspr.test",
    "health.contributor@demo.cspr.test",
    "auditor@demo.cspr.test",
    "panel@demo.cspr.test",
    "admin@demo.cspr.test",
    "eastbury.manager@demo.cspr.test",
]
# Not pages: files, the calendar, the API, and the links that end the walk or change something when followed.
SKIP_PREFIXES = ("/sign-out", "/static/", "/api/", "/admin/")
SKIP_SUFFIXES = (".pdf", ".docx", ".ics", ".csv", ".xlsx", ".json", "/download/", "/file/", "/preview/")
PUBLIC = ["/", "/sign-in/", "/password-reset/", "/accessibility/", "/privacy/", "/library/"]
MAX_PAGES_PER_PERSON = 160


def _key(path: str) -> tuple[str, str] | None:
    """The page's URL pattern and, for a case's page, the case's stage: the unit checked once."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    state = ""
    if "case_id" in match.kwargs:
        state = Case.objects.filter(pk=match.kwargs["case_id"]).values_list("state", flat=True).first() or ""
    return (match.route, state)


def _links(page: Any, base: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme and not href.startswith(base):
            continue  # another site
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith("/") or path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
            continue
        out.append(path)
    return out


def _walk(page: Any, base: str, start: list[str], checked: set[tuple[str, str, str]], who: str) -> int:
    seen_paths: set[str] = set()
    queue = deque(start)
    count = 0
    while queue and count < MAX_PAGES_PER_PERSON:
        path = queue.popleft()
        if path in seen_paths:
            continue
        seen_paths.add(path)
        key = _key(urlsplit(path).path)
        if key is None or (who, *key) in checked:
            continue
        response = page.goto(base + path)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        checked.add((who, *key))
        assert_accessible(page)
        count += 1
        queue.extend(_links(page, base))
    return count


def test_every_page_the_demo_reaches_passes_axe_for_each_person_and_stage(
    live_server: Any, page: Any, settings: Any
) -> None:
    load_demo()
    checked: set[tuple[str, str, str]] = set()
    anonymous = _walk(page, live_server.url, PUBLIC, checked, "anonymous")
    assert anonymous >= 5
    for email in PEOPLE:
        signed_in(page, live_server, settings, User.objects.get(email=email))
        reached = _walk(page, live_server.url, ["/home/", "/account/"], checked, email)
        assert reached >= 3, f"{email} reached only {reached} pages"
    assert len(checked) >= 150, f"the walk checked only {len(checked)} pages (it checked 239 when written)"
    stages = {state for (_who, _route, state) in checked if state}
    # The walk reached the case pages at (nearly) every stage the demo holds.
    assert len(stages) >= len(set(Case.objects.values_list("state", flat=True))) - 1, stages
