"""Browser tests drive Debian's chromium through Playwright, and check each page with axe (WCAG 2.2 AA)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("CSPR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not chromium_available():
        pytest.fail("Debian chromium is needed for browser tests: apt-get install chromium (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.csp_errors = csp_errors  # type: ignore[attr-defined]
    yield page
    context.close()
    assert not csp_errors, f"the page broke its own Content Security Policy: {csp_errors}"


def assert_accessible(page: Any) -> None:
    """Run axe on the current page; fail with its report when any WCAG 2.2 A/AA rule is violated."""
    from axe_playwright_python.sync_playwright import Axe

    # A click that navigates returns once the new document is committed, not loaded: on a busy machine axe
    # could otherwise read a half-parsed page (no <main>, no <h1>) and report problems the page does not have.
    page.wait_for_load_state("load")
    results = Axe().run(page, options=AXE_OPTIONS)
    if results.violations_count:
        report = results.generate_report()
        raise AssertionError(f"axe found {results.violations_count} accessibility problems on {page.url}:\n{report}")
