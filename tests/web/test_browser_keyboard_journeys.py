"""In a real browser, from the keyboard alone (issue 11, item 6): the main journeys of the chain, each walked with
Tab and Shift+Tab to reach a field, typing, the arrow keys and Space to choose, and Enter to follow a link or
send a form. No click, fill or check: a person who cannot use a mouse must be able to do all of it.

At every stop of the focus the GOV.UK focus indicator is shown (the yellow focus colour as an outline, a box
shadow or a background, on the element or, for a radio or a checkbox, on its drawn box), and after every send
the page shows the new state and the database holds it. One journey (the Panel's) also sends a form with an
error: the GOV.UK error summary takes focus and its link moves focus to the field. The state before each journey
is made through the services, so each test walks only its own journey."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from cspr.cases import services
from cspr.cases.models import AgencyRequest, Case, CaseState, Decision, Notification, PanelResponse, Referral, Vote
from cspr.partnerships.demo import current_code
from tests.browser import assert_accessible
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import health_request, notified_case, ready_case
from tests.conftest import PASSWORD, verified_client

chain = case_fixtures.chain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_COLOUR = "rgb(255, 221, 0)"  # GOV.UK's $govuk-focus-colour, #ffdd00

# What has focus now, and whether the focus is shown. GOV.UK draws focus as a yellow outline (fields), a yellow
# background (links, buttons) or a yellow box shadow; a radio's or checkbox's input is invisible and its focus
# is drawn on the label's ::before box.
FOCUSED = """(yellow) => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) { return null; }
  const shows = (s) => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && s.outlineColor === yellow)
    || s.boxShadow.includes(yellow) || s.backgroundColor === yellow;
  let visible = shows(getComputedStyle(el));
  const label = el.labels && el.labels.length ? el.labels[0] : null;
  if (!visible && label && (el.type === 'radio' || el.type === 'checkbox')) {
    visible = shows(getComputedStyle(label, '::before'));
  }
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), type: el.getAttribute('type') || '', name: el.name || '', id: el.id || '',
    value: typeof el.value === 'string' ? el.value : '', checked: !!el.checked,
    label: label ? label.innerText.trim() : '', text: (el.innerText || '').trim().slice(0, 120),
    href: el.getAttribute('href') || '', classes: el.className || '', visible: visible,
    on_screen: box.width > 0 && box.height > 0,
  };
}"""


def describe(stop: dict[str, Any] | None) -> str:
    if stop is None:
        return "nothing (the page itself)"
    bits = [stop["tag"]]
    for key in ("type", "name", "id", "href"):
        if stop[key]:
            bits.append(f"{key}={stop[key]!r}")
    if stop["label"] or stop["text"]:
        bits.append(repr(stop["label"] or stop["text"]))
    return " ".join(bits)


def focused(page: Any) -> dict[str, Any] | None:
    return page.evaluate(FOCUSED, FOCUS_COLOUR)


def assert_focus_shown(page: Any, stop: dict[str, Any] | None) -> dict[str, Any]:
    assert stop is not None, f"on {page.url}, focus fell back to the page itself"
    assert stop["on_screen"], f"on {page.url}, focus went to something that is not drawn: {describe(stop)}"
    assert stop["visible"], f"on {page.url}, focus on {describe(stop)} has no visible GOV.UK focus indicator"
    return stop


def focus_on(page: Any, selector: str, *, limit: int = 60, backwards: bool = False) -> dict[str, Any]:
    """Press Tab (Shift+Tab when ``backwards``) until the element matching ``selector`` has focus, at most
    ``limit`` times; every element passed on the way must show its focus. Already there: no key is pressed."""
    matches = "(sel) => !!document.activeElement && document.activeElement.matches(sel)"
    if page.evaluate(matches, selector):
        return assert_focus_shown(page, focused(page))
    passed: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        stop = assert_focus_shown(page, focused(page))
        if page.evaluate(matches, selector):
            return stop
        passed.append(describe(stop))
    raise AssertionError(
        f"on {page.url}, {limit} presses of {'Shift+Tab' if backwards else 'Tab'} never reached {selector}; "
        f"focus went through: {passed}"
    )


def next_stop(page: Any, name: str) -> dict[str, Any]:
    """One Tab leads straight to the field called ``name`` (the focus order follows the form)."""
    page.keyboard.press("Tab")
    stop = assert_focus_shown(page, focused(page))
    assert stop["name"] == name, f"on {page.url}, Tab after the previous field went to {describe(stop)}, not {name}"
    return stop


def type_text(page: Any, text: str) -> None:
    """Type into the focused field, replacing whatever it held (Ctrl+A selects it first)."""
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def enter_field(page: Any, name: str, text: str, *, label: str = "", limit: int = 60) -> None:
    """Tab to the field by its name, check its label says what it is, and type."""
    stop = focus_on(page, f"[name='{name}']", limit=limit)
    if label:
        assert label.lower() in stop["label"].lower(), f"the field {name} is labelled {stop['label']!r}"
    type_text(page, text)
    assert page.evaluate("document.activeElement.value") == text


def enter_date(page: Any, name: str, day: datetime.date, *, limit: int = 60) -> None:
    """A GOV.UK date: Tab to its Day box, then Tab through Month and Year, typing each."""
    stop = focus_on(page, f"input[name='{name}-day']", limit=limit)
    assert stop["label"] == "Day", describe(stop)
    type_text(page, str(day.day))
    next_stop(page, f"{name}-month")
    type_text(page, str(day.month))
    next_stop(page, f"{name}-year")
    type_text(page, str(day.year))


def choose(page: Any, name: str, value: str, *, limit: int = 60) -> None:
    """A GOV.UK radio group is one Tab stop: Tab into it, the arrow keys move to the answer, Space chooses it."""
    stop = focus_on(page, f"input[type=radio][name='{name}']", limit=limit)
    for _ in range(page.locator(f"input[type=radio][name='{name}']").count()):
        if stop["value"] == value:
            break
        page.keyboard.press("ArrowDown")
        stop = assert_focus_shown(page, focused(page))
        assert stop["name"] == name, f"the arrow key left the radios {name}: {describe(stop)}"
    assert stop["value"] == value, f"the radios {name} have no answer {value!r}"
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked"), f"Space did not choose {value!r} for {name}"
    chosen = page.evaluate(f"[...document.querySelectorAll(\"input[name='{name}']:checked\")].map(e => e.value)")
    assert chosen == [value], chosen


def tick(page: Any, name: str, *, limit: int = 60) -> str:
    """Tab to a checkbox and tick it with Space. Returns its label."""
    stop = focus_on(page, f"input[type=checkbox][name='{name}']", limit=limit)
    assert not stop["checked"], f"{name} was ticked already"
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked"), f"Space did not tick {name}"
    return stop["label"]


def follow(page: Any, selector: str, *, limit: int = 120) -> None:
    """Tab to a link and follow it with Enter."""
    stop = focus_on(page, selector, limit=limit)
    assert stop["tag"] == "a", describe(stop)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")


def send(page: Any, *, limit: int = 60) -> str:
    """Tab on to the form's button and press Enter; wait for the page the server answers with. Returns the
    button's text."""
    stop = focus_on(page, "main form button:not([type=button]), main form input[type=submit]", limit=limit)
    assert stop["text"], describe(stop)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    return stop["text"]


def no_errors(page: Any) -> None:
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 0, f"{page.url}: {summary.inner_text()}"


def success_banner(page: Any) -> str:
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.count() == 1, f"no success banner on {page.url}"
    return banner.inner_text()


def on_case_page(page: Any, case: Case) -> None:
    assert re.search(rf"/cases/{case.pk}/$", page.url), page.url
    case.refresh_from_db()
    shown = " ".join(page.locator("#case-state").inner_text().split())
    assert case.get_state_display() in shown, f"the case page says {shown!r}, the case is {case.state}"


def signed_in(page: Any, base: str, settings: Any, user: Any) -> None:
    """Setup, not the journey: the session of a person who signed in with both factors (journey 1 signs in by
    keyboard)."""
    client = verified_client(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    page.set_default_timeout(10_000)


def open_case(page: Any, base: str, case: Case) -> None:
    page.goto(f"{base}/cases/{case.pk}/")
    page.wait_for_load_state("load")


def next_step_by_keyboard(page: Any, base: str, settings: Any, user: Any, case: Case, step: str) -> None:
    """As ``user``, open the case and follow its next-steps link ending in ``step`` by keyboard, checking the
    step's page with axe."""
    signed_in(page, base, settings, user)
    open_case(page, base, case)
    follow(page, f"#next-steps a[href$='{step}']")
    assert_accessible(page)


# --- 1. signing in --------------------------------------------------------------------------------------------


def sign_in_by_keyboard(page: Any, base: str, user: Any) -> None:
    page.set_default_timeout(10_000)
    page.goto(base + "/sign-in/")
    assert_accessible(page)
    enter_field(page, "username", user.email, label="Email")
    next_stop(page, "password")
    page.keyboard.type(PASSWORD)
    send(page, limit=5)
    assert "/sign-in/two-factor/" in page.url, f"the password step led to {page.url}"
    no_errors(page)
    enter_field(page, "otp_token", current_code(user.email), label="security code")
    send(page, limit=5)
    no_errors(page)


def test_a_person_signs_in_with_password_and_second_factor_by_keyboard(
    page: Any, live_server: Any, chain: dict[str, Any]
) -> None:
    manager = chain["manager"]
    assert manager.last_login is None
    sign_in_by_keyboard(page, live_server.url, manager)
    assert page.url.endswith("/home/"), page.url
    assert manager.full_name in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)
    manager.refresh_from_db()
    assert manager.last_login is not None
    # Signed in for real: the home page's menu leads on, by keyboard, to the partnership's cases.
    follow(page, "a[href='/cases/']", limit=30)
    assert page.url.endswith("/cases/"), page.url
    assert page.get_by_role("heading", level=1).count() == 1


# --- 2. referral, screening and notification -------------------------------------------------------------------


def test_the_manager_refers_screens_in_completes_and_sends_the_notification_by_keyboard(
    page: Any, live_server: Any, settings: Any, chain: dict[str, Any]
) -> None:
    base, today = live_server.url, timezone.localdate()
    signed_in(page, base, settings, chain["manager"])
    page.goto(base + "/home/")

    # The referral, reached through the menu and the cases page.
    follow(page, "a[href='/cases/']", limit=30)
    follow(page, "a[href$='/cases/referrals/new/']")
    assert_accessible(page)
    enter_date(page, "incident_date", today - datetime.timedelta(days=1))
    enter_field(page, "who_was_harmed", "Baby Keyboard, 5 months, Riverside", label="harmed")
    enter_field(page, "what_happened", "Brought to A&E with a fractured femur; no explanation given.", limit=3)
    # Shift+Tab goes back the way it came: one press, to the answer just typed, kept as typed.
    back = focus_on(page, "[name='who_was_harmed']", limit=1, backwards=True)
    assert back["value"] == "Baby Keyboard, 5 months, Riverside"
    send(page)
    no_errors(page)
    referral = Referral.objects.get(case__partnership=chain["partnership"])
    case = referral.case
    assert referral.what_happened == "Brought to A&E with a fractured femur; no explanation given."
    assert referral.incident_date == today - datetime.timedelta(days=1)
    on_case_page(page, case)
    success_banner(page)

    # Screened in: it becomes a serious incident notification.
    follow(page, "#next-steps a[href$='/screen/']")
    assert_accessible(page)
    choose(page, "outcome", Referral.Outcome.NOTIFICATION)
    enter_field(page, "reasons", "A non-mobile infant with a fracture: abuse suspected.", limit=3)
    send(page)
    no_errors(page)
    referral.refresh_from_db()
    assert referral.outcome == Referral.Outcome.NOTIFICATION
    assert referral.outcome_reasons == "A non-mobile infant with a fracture: abuse suspected."
    on_case_page(page, case)
    assert case.state == CaseState.NOTIFICATION

    # The notification: radios by arrow keys and Space, a checkbox by Space, dates box by box, a child.
    follow(page, "#next-steps a[href$='/notification/']")
    assert_accessible(page)
    choose(page, "abuse_or_neglect", Notification.AbuseOrNeglect.SUSPECTED)
    choose(page, "nature", Notification.Nature.SERIOUS_HARM)
    choose(page, "in_area", "no")
    label = tick(page, "resident_harmed_outside_england")
    assert "harmed outside England" in label
    enter_date(page, "incident_date", today - datetime.timedelta(days=1))
    enter_date(page, "la_became_aware", today)
    enter_field(page, "description", "Fractured femur in a 5-month-old baby, on holiday in Wales.", label="form")
    enter_field(page, "child-1-name", "Baby Keyboard", label="name")  # replaces the referral's words
    enter_date(page, "child-1-date_of_birth", today - datetime.timedelta(days=150))
    choose(page, "child-1-sex", "female")
    send(page)
    no_errors(page)
    notification = Notification.objects.get(case=case)
    assert notification.abuse_or_neglect == "suspected" and notification.nature == "serious_harm"
    assert notification.in_area is False and notification.resident_harmed_outside_england is True
    assert notification.la_became_aware == today
    child = case.children.get()
    assert child.name == "Baby Keyboard" and child.sex == "female"
    assert child.date_of_birth == today - datetime.timedelta(days=150)
    on_case_page(page, case)

    # Sent to the Panel: the rapid review starts.
    follow(page, "#next-steps a[href$='/notification/sent/']")
    assert_accessible(page)
    enter_date(page, "sent_on", today)
    enter_field(page, "panel_reference", "SIN-KEYBOARD-1", label="reference")
    send(page)
    no_errors(page)
    notification.refresh_from_db()
    assert notification.sent_on == today and notification.panel_reference == "SIN-KEYBOARD-1"
    on_case_page(page, case)
    assert case.state == CaseState.RAPID_REVIEW
    assert_accessible(page)


# --- 3. the decision ------------------------------------------------------------------------------------------


def test_a_decision_maker_votes_and_the_scrutineer_advises_on_the_disagreement_by_keyboard(
    page: Any, live_server: Any, settings: Any, chain: dict[str, Any]
) -> None:
    base = live_server.url
    case = ready_case(chain)
    services.decision_record_vote(actor=chain["la"], case=case, option="local_review", rationale="The LA view.")
    services.decision_record_vote(actor=chain["police"], case=case, option="no_review", rationale="The police view.")

    # The third decision maker votes differently: the partners disagree.
    next_step_by_keyboard(page, base, settings, chain["icb"], case, "/decision/vote/")
    choose(page, "option", "learning_review")
    enter_field(page, "rationale", "Learning across agencies matters more here.", label="reasons", limit=3)
    send(page)
    no_errors(page)
    on_case_page(page, case)
    vote = Vote.objects.get(decision__case=case, decision_maker=chain["icb"])
    assert vote.option == "learning_review" and vote.rationale == "Learning across agencies matters more here."
    assert Decision.objects.get(case=case).status == Decision.Status.SCRUTINEER

    # The scrutineer advises.
    next_step_by_keyboard(page, base, settings, chain["scrutineer"], case, "/decision/advice/")
    enter_field(page, "advice", "Criteria a and c are clearly met: a local review.", label="advice")
    send(page)
    no_errors(page)
    on_case_page(page, case)
    success_banner(page)
    decision = Decision.objects.get(case=case)
    assert decision.scrutineer_advice == "Criteria a and c are clearly met: a local review."
    assert decision.scrutineer_id == chain["scrutineer"].pk
    assert decision.status == Decision.Status.REVOTING
    assert_accessible(page)


# --- 4. an agency's summary -----------------------------------------------------------------------------------


def test_an_agency_contributor_answers_the_request_from_their_home_page_by_keyboard(
    page: Any, live_server: Any, settings: Any, chain: dict[str, Any]
) -> None:
    base = live_server.url
    request = health_request(chain, notified_case(chain))
    signed_in(page, base, settings, chain["health"])
    page.goto(base + "/home/")
    follow(page, f"a[href$='/requests/{request.pk}/']")
    assert_accessible(page)
    summary = "The health visitor saw a bruise once and accepted the parent's explanation."
    enter_field(page, "response", summary, label="summary")
    sent = send(page)  # past the optional file, to the button
    no_errors(page)
    assert success_banner(page), sent
    request.refresh_from_db()
    assert request.status != AgencyRequest.Status.OPEN
    assert request.response == summary
    # The request now shows the answer instead of the form.
    page.goto(f"{base}/requests/{request.pk}/")
    assert summary in page.locator("main").inner_text()
    assert page.locator("main form textarea[name=response]").count() == 0
    assert_accessible(page)


# --- 5. the Panel's response, with an error on the way --------------------------------------------------------


def test_a_panel_member_records_a_challenge_and_the_error_summary_leads_to_the_missing_reasons_by_keyboard(
    page: Any, live_server: Any, settings: Any, chain: dict[str, Any]
) -> None:
    base = live_server.url
    case = ready_case(chain)
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale="Agreed.")
    services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=timezone.localdate())
    next_step_by_keyboard(page, base, settings, chain["panel"], case, "/panel-response/")

    # A challenge without its reasons (the date of the response is today already).
    choose(page, "response", PanelResponse.Response.CHALLENGE)
    choose(page, "national_review", PanelResponse.NationalReview.NO)
    send(page)
    assert not PanelResponse.objects.filter(case=case).exists()

    # The error summary has focus, shown; Tab reaches its link; Enter moves focus to the reasons.
    summary = assert_focus_shown(page, focused(page))
    assert "govuk-error-summary" in summary["classes"], f"after the refused send focus is on {describe(summary)}"
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    link = focus_on(page, ".govuk-error-summary a", limit=3)
    target = link["href"].split("#", 1)[1]
    page.keyboard.press("Enter")
    page.wait_for_function("(id) => document.activeElement && document.activeElement.id === id", arg=target)
    reasons = assert_focus_shown(page, focused(page))
    assert reasons["name"] == "reasons", f"the error's link moved focus to {describe(reasons)}"
    # What was chosen before the error is still chosen.
    assert page.evaluate("document.querySelector(\"input[name='response']:checked\").value") == "challenge"
    type_text(page, "Consider whether a national review is needed instead.")
    send(page)
    no_errors(page)
    on_case_page(page, case)
    assert case.state == CaseState.PANEL_CHALLENGED
    response = PanelResponse.objects.get(case=case)
    assert response.response == PanelResponse.Response.CHALLENGE
    assert response.national_review == PanelResponse.NationalReview.NO
    assert response.reasons == "Consider whether a national review is needed instead."
    assert_accessible(page)
