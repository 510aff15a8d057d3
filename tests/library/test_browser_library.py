"""In a real browser: the public searches the review library (phrases, OR and minus, facets, paging), reads a
report and follows "Reviews like this one", reads the recurrent themes; a Panel member signs in and confirms
and rejects theme suggestions. Every distinct page and state passes axe (WCAG 2.2 A and AA, best practice)
and keeps to the Content Security Policy."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from cspr.library.metadata import ReportMetadata
from cspr.library.models import Report, ReportTheme
from cspr.library.services import library_report_ingest, library_theme_confirm
from cspr.partnerships.demo import current_code
from cspr.partnerships.models import Partnership
from cspr.partnerships.roles import Role
from tests.browser import assert_accessible
from tests.conftest import PASSWORD
from tests.library.conftest import EXPLOITATION, NEGLECT, SLEEP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PANEL_EMAIL = "curator@panel.example.gov.uk"
# Publication years count back from today, so every report but the archived one stays within its five
# years of full text whatever day the tests run.
YEAR = timezone.localdate().year
# Enough reports mentioning a health visitor for two pages of results (20 a page).
HEALTH_VISITS = [
    (
        "Health visitor contacts with a family in temporary housing were missed after a move between "
        f"councils; review number {n} found the records were not transferred and no one followed them up."
    )
    for n in range(1, 22)
]


def _ingest(text: str, *, name: str, partnership: Partnership | None = None, **meta: Any) -> Report:
    outcome = library_report_ingest(
        actor=None, name=name, data=text.encode(), metadata=ReportMetadata(**meta), partnership=partnership
    )
    return outcome.report


@pytest.fixture
def library(make_partnership: Any) -> dict[str, Any]:
    """A published library ingested through the real service: three reviews, 21 short ones for paging, one
    past its retention date (catalogue record only), and a partnership's unpublished draft."""
    northshire = make_partnership("Northshire")
    reports = {
        "sleep": _ingest(
            f"Child Q: safer sleep review\n\n{SLEEP}",
            name="child-q.txt",
            partnership=northshire,
            publisher="Northshire Safeguarding Children Partnership",
            year=YEAR - 1,
            nation="england",
            review_type="lcspr",
            age_band="under-1",
            harm="death",
            child="Child Q",
        ),
        "exploitation": _ingest(
            f"Child R: exploitation review\n\n{EXPLOITATION}",
            name="child-r.txt",
            year=YEAR,
            nation="wales",
            review_type="child-practice-review",
            age_band="11-15",
            harm="serious-harm",
        ),
        "neglect": _ingest(
            f"Children S and T\n\n{NEGLECT}",
            name="children-st.txt",
            partnership=northshire,
            year=YEAR,
            nation="england",
            review_type="lcspr",
            age_band="1-5",
            harm="serious-harm",
        ),
    }
    families = [
        _ingest(
            f"Family {n}: missed health visits\n\n{text}",
            name=f"family-{n}.txt",
            year=YEAR - 4 + n % 5,
            nation="england",
            review_type="learning-review",
            age_band="1-5",
            harm="serious-harm",
        )
        for n, text in enumerate(HEALTH_VISITS, start=1)
    ]
    _ingest(
        "Family archive: an older review\n\nThe health visitor saw the baby sleeping on the sofa.",
        name="archive.txt",
        year=YEAR - 8,
        nation="england",
    )
    library_report_ingest(
        actor=None,
        name="draft.txt",
        data=b"Unpublished draft: the health visitor and the sofa.",
        partnership=northshire,
        is_public=False,
    )
    return {"partnership": northshire, "families": families, **reports}


@pytest.fixture
def curator(make_user: Any) -> Any:
    return make_user(Role.PANEL_MEMBER, email=PANEL_EMAIL)


def _screenshot(tab: Any, name: str) -> None:
    """A full-page screenshot in $CSPR_SCREENSHOTS when it is set, to look at the pages by eye."""
    folder = os.environ.get("CSPR_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        width = tab.viewport_size["width"] if tab.viewport_size else 0
        tab.screenshot(path=str(Path(folder) / f"library-{name}-{width}.png"), full_page=True)


def _confirm(curator: Any, report: Report, *themes: str) -> None:
    for theme in themes:
        library_theme_confirm(actor=curator, report_id=report.pk, theme=theme)


def _confirm_themes(curator: Any, library: dict[str, Any]) -> None:
    """Themes for the statistics: two common enough to be counted (information sharing in 8 reports,
    recording in 5) and four rare ones that are suppressed."""
    _confirm(curator, library["sleep"], "sudi-safer-sleep", "parental-substance-misuse", "information-sharing")
    _confirm(curator, library["neglect"], "neglect", "information-sharing")
    _confirm(curator, library["exploitation"], "criminal-exploitation")
    for report in library["families"][:6]:
        _confirm(curator, report, "information-sharing")
    for report in library["families"][6:11]:
        _confirm(curator, report, "recording")


def _follow(tab: Any, target: Any) -> None:
    """Click a link or button and wait for the page it leads to (a form post's redirect included)."""
    with tab.expect_navigation():
        target.click()


def _search(tab: Any, query: str) -> None:
    tab.get_by_label("Search reviews").fill(query)
    _follow(tab, tab.get_by_role("button", name="Search", exact=True))


def _results_heading(tab: Any) -> str:
    return tab.locator("#results-heading").inner_text()


def _result_titles(tab: Any) -> list[str]:
    return tab.locator(".cspr-results h3").all_inner_texts()


def test_the_public_searches_filters_and_pages_through_the_library(live_server, page, library):
    page.goto(live_server.url + "/library/")
    assert _results_heading(page) == "25 reports"
    assert "Unpublished draft" not in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**page=2**")
    archive = page.locator(".cspr-results li", has_text="Family archive")
    assert archive.get_by_text("Catalogue record only").is_visible(), "the oldest report is last, text expired"

    _search(page, '"health visitor"')
    assert _results_heading(page) == '23 reports matching “"health visitor"”'
    assert page.locator(".cspr-snippet mark").first.inner_text().lower() in {"health", "visitor", "health visitor"}
    assert page.get_by_text("Page 1 of 2").is_visible()
    assert_accessible(page)
    _screenshot(page, "search")

    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**page=2**")
    assert page.get_by_text("Page 2 of 2").is_visible()
    assert len(_result_titles(page)) == 3
    assert page.locator(".cspr-results").get_attribute("start") == "21"
    assert_accessible(page)
    page.get_by_role("link", name="Previous page").click()
    page.wait_for_url(re.compile(r"page=1"))
    assert len(_result_titles(page)) == 20

    page.get_by_role("group", name="Year").get_by_label(re.compile(rf"^{YEAR - 1} ")).check()
    page.get_by_role("group", name="Nature of harm").get_by_label(re.compile(r"^Death ")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(f"**year={YEAR - 1}**")
    assert _result_titles(page) == ["Child Q: safer sleep review"]
    assert "page=" not in page.url, "applying filters starts again at the first page"
    assert_accessible(page)
    _follow(page, page.get_by_role("link", name="Death (remove filter)"))
    assert "Child Q: safer sleep review" in _result_titles(page)
    assert len(_result_titles(page)) > 1

    page.goto(live_server.url + "/library/")
    _search(page, 'sofa OR "county lines" -court')
    assert sorted(_result_titles(page)) == ["Child Q: safer sleep review", "Child R: exploitation review"]
    assert_accessible(page)

    _search(page, "sofa -drinking")
    assert _results_heading(page).startswith("0 reports")
    assert page.get_by_text("No reports match.").is_visible()
    assert_accessible(page)
    _screenshot(page, "no-results")

    _search(page, "-court")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error:")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "q"
    assert _result_titles(page) == []
    assert_accessible(page)
    _screenshot(page, "invalid-query")


def test_the_facet_form_works_from_the_keyboard_with_visible_focus(live_server, page, library):
    page.goto(live_server.url + "/library/?q=health+visitor")
    page.get_by_role("button", name="Search", exact=True).focus()
    reached: list[dict[str, Any]] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                """() => {
                const el = document.activeElement;
                const label = el.labels && el.labels[0];
                const ring = label ? getComputedStyle(label, '::before') : getComputedStyle(el);
                return {tag: el.tagName, type: el.type || '', name: el.name || '', text: el.innerText || '',
                        label: label ? label.innerText : '', shadow: ring.boxShadow, outline: ring.outlineColor,
                        background: getComputedStyle(el).backgroundColor};
            }"""
            )
        )
        if reached[-1]["text"] == "Apply filters":
            break
    checkboxes = [r for r in reached if r["type"] == "checkbox"]
    assert {r["name"] for r in checkboxes} >= {"year", "nation", "review_type", "age_band", "harm"}
    assert reached[-1]["text"] == "Apply filters", "Tab reaches the Apply filters button after the facets"
    yellow = "rgb(255, 221, 0)"
    assert all(yellow in r["shadow"] for r in checkboxes), "every focused checkbox shows the focus ring"
    assert reached[-1]["background"] == yellow, "the focused button shows the focus colour"

    # Back to the first year checkbox, tick it with the space bar, submit with Enter.
    page.get_by_role("group", name="Year").get_by_role("checkbox").first.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Apply filters").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**year=**")
    assert page.get_by_role("group", name="Year").get_by_role("checkbox").first.is_checked()


def test_a_report_page_leads_to_reviews_like_it_and_to_the_recurrent_themes(
    live_server,
    page,
    library,
    curator,
):
    _confirm_themes(curator, library)
    page.goto(live_server.url + "/library/?q=sofa")
    page.get_by_role("link", name="Child Q: safer sleep review").click()
    page.wait_for_url(f"**/library/reports/{library['sleep'].pk}/?q=sofa")
    assert page.get_by_role("heading", name="Child Q: safer sleep review", level=1).is_visible()
    assert page.get_by_role("heading", name="Where “sofa” appears").is_visible()
    assert page.locator(".cspr-snippet mark").first.inner_text().lower() == "sofa"
    assert page.get_by_role("link", name="Sudden unexpected death in infancy and unsafe sleep").is_visible()
    assert_accessible(page)
    _screenshot(page, "report")

    similar = page.get_by_role("heading", name="Reviews like this one").locator("xpath=following-sibling::ol[1]")
    first = similar.get_by_role("link").first
    title = first.inner_text()
    _follow(page, first)
    assert page.get_by_role("heading", name=title, level=1).is_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/library/")
    page.get_by_role("link", name="Recurrent themes across the library").click()
    page.wait_for_url("**/library/themes/")
    chart = page.get_by_role("img", name="Reports with each confirmed theme")
    assert chart.is_visible()
    chart_rows = [
        (row.locator(".cspr-chart__label").inner_text(), row.locator(".cspr-chart__value").inner_text())
        for row in chart.locator(".cspr-chart__row").all()
    ]
    assert chart_rows[:2] == [("Information sharing", "8"), ("Recording", "5")]
    assert chart.locator(".cspr-chart-bar").count() == 2, "suppressed counts get no bar"
    table = page.get_by_role("table", name="Reports with each theme")
    table_rows = [
        (row.get_by_role("rowheader").inner_text(), row.get_by_role("cell").inner_text())
        for row in table.locator("tbody tr").all()
    ]
    assert table_rows == chart_rows, "the table gives every charted figure as text"
    assert ("Neglect", "fewer than 5") in table_rows
    by_year = page.get_by_role("region", name="By year")
    assert by_year.get_attribute("tabindex") == "0", "a wide table can be scrolled from the keyboard"
    assert by_year.get_by_role("table", name="By year").is_visible()
    assert_accessible(page)

    page.get_by_label("Compare a partnership's own reviews with the national picture").select_option("northshire")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**partnership=northshire**")
    comparison = page.get_by_role("table", name="Northshire (2 reports) and the national picture")
    sharing = comparison.get_by_role("row", name=re.compile(r"^Information sharing"))
    assert sharing.get_by_role("cell").all_inner_texts() == ["fewer than 5", "not shown", "8", "32%"]
    assert_accessible(page)
    _screenshot(page, "themes")


def test_the_recurrent_themes_page_says_when_nothing_is_confirmed(live_server, page, library):
    page.goto(live_server.url + "/library/themes/")
    assert page.get_by_text("No themes have been confirmed yet.").is_visible()
    assert page.locator(".cspr-chart").count() == 0
    assert_accessible(page)


def test_a_panel_member_signs_in_and_confirms_and_rejects_theme_suggestions(
    live_server,
    page,
    library,
    curator,
):
    page.goto(live_server.url + "/sign-in/?next=/library/themes/review/")
    page.get_by_label("Email address").fill(PANEL_EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/two-factor/**")
    page.get_by_label("Enter your security code").fill(current_code(PANEL_EMAIL))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/library/themes/review/")
    assert page.get_by_role("heading", name="Themes to review").is_visible()
    assert_accessible(page)

    sleep = library["sleep"]
    page.get_by_role("link", name="Child Q: safer sleep review").click()
    page.wait_for_url(f"**/library/reports/{sleep.pk}/themes/")
    assert_accessible(page)

    suggested = list(ReportTheme.objects.filter(report=sleep).values_list("theme", flat=True))
    assert "sudi-safer-sleep" in suggested
    _follow(page, page.get_by_role("button", name="Confirm Sudden unexpected death in infancy and unsafe sleep"))
    assert page.get_by_text("Sudden unexpected death in infancy and unsafe sleep: confirmed.").is_visible()
    sudi = "Sudden unexpected death in infancy and unsafe sleep"
    assert page.get_by_role("button", name=f"Confirm {sudi}").count() == 0, "a confirmed theme can only be rejected"
    assert page.get_by_role("button", name=f"Reject {sudi}").is_visible()
    assert_accessible(page)
    _screenshot(page, "theme-review")

    other = next(t for t in suggested if t != "sudi-safer-sleep")
    label = page.locator(f"input[name=theme][value='{other}']").locator("xpath=ancestor::div[2]//h2").inner_text()
    _follow(page, page.get_by_role("button", name=f"Reject {label}"))
    assert page.get_by_text(f"{label}: rejected.").is_visible()
    assert page.get_by_role("button", name=f"Reject {label}").count() == 0
    assert page.get_by_role("button", name=f"Confirm {label}").is_visible()
    assert_accessible(page)

    page.get_by_label("Theme", exact=True).select_option("neglect")
    _follow(page, page.get_by_role("button", name="Add and confirm"))
    assert page.get_by_text("Neglect: confirmed.").is_visible()

    statuses = dict(ReportTheme.objects.filter(report=sleep).values_list("theme", "status"))
    assert statuses["sudi-safer-sleep"] == "confirmed"
    assert statuses[other] == "rejected"
    assert statuses["neglect"] == "confirmed"

    page.get_by_role("link", name="Back to the report").click()
    page.wait_for_url(f"**/library/reports/{sleep.pk}/")
    themes = page.get_by_role("heading", name="Themes").locator("xpath=following-sibling::ul[1]")
    assert sorted(themes.get_by_role("link").all_inner_texts()) == [
        "Neglect",
        "Sudden unexpected death in infancy and unsafe sleep",
    ]
    assert page.get_by_role("link", name="Review suggested themes").is_visible()
    assert_accessible(page)


def test_search_report_and_themes_pages_reflow_on_a_narrow_screen(live_server, page, library, curator):
    """WCAG 1.4.10: at 320 CSS pixels wide nothing needs scrolling sideways except a wide table, which scrolls
    inside its own focusable region."""
    _confirm_themes(curator, library)
    page.set_viewport_size({"width": 320, "height": 800})
    for name, path in (
        ("search", "/library/?q=%22health+visitor%22+OR+sofa"),
        ("report", f"/library/reports/{library['sleep'].pk}/?q=sofa"),
        ("themes", "/library/themes/?partnership=northshire"),
    ):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the {name} page is {overflow}px wider than the screen"
        assert_accessible(page)
        _screenshot(page, name)
