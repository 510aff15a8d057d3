"""An action plan in a real browser (Debian chromium through Playwright), by its pages as its users would use them
(DOMAIN.md step 11; issue 15, items 1 and 2): the business manager turns a signed-off review's recommendation
into an action for the NHS trust, the trust's contributor attaches evidence, the evidence is sent back and
attached again, a decision maker accepts it and the action closes, the contributor records the re-audit's result
against the indicator, and the business manager closes the recommendation with its impact statement. Every page
visited is checked with axe (WCAG 2.2 AA); each step checks what the page shows and what the database holds.

Only the starting point (a review whose final report the assurance group signed off) is made in Python."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cspr.learning.models import Action, ActionState, Evidence, ImpactResult, RecommendationClosure
from tests.browser import assert_accessible
from tests.reviews.test_browser_review import banner, choose, fill_date, follow, govuk, visit
from tests.reviews.test_publication import signed_off_review
from tests.web.test_browser_pagination import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n%%EOF\n"


def press(page: Any, button: str) -> None:
    """Press the button called ``button``, wait for the page it leads to (a page, not a server error), check it."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button, exact=True).click()
    assert navigation.value.status == 200, f"{button} led to {page.url}: {navigation.value.status}"
    assert_accessible(page)


def action_state(page: Any) -> str:
    return str(page.locator("#action-state").inner_text())


def test_an_action_goes_from_a_recommendation_to_a_closed_recommendation_with_its_impact_by_its_pages(
    live_server: Any,
    page: Any,
    settings: Any,
    people: dict[str, Any],
) -> None:
    base = live_server.url
    review = signed_off_review(people)
    recommendation = review.report_versions.get(final=True).recommendations.get()
    manager, health, la = people["manager"], people["health"], people["la"]
    trust = people["orgs"]["nhs_trust"]
    plan_url = f"{base}/learning/reviews/{review.pk}/"
    today = timezone.localdate()
    due, reaudit = today + datetime.timedelta(days=60), today + datetime.timedelta(days=150)
    what = "Health visitors receive police domestic abuse call-outs within a day."
    indicator = "Call-outs shared with health visiting within a day"

    # 1. The business manager opens the plan: one recommendation, no action yet.
    signed_in(page, live_server, settings, manager)
    visit(page, plan_url)
    recommendation_1 = page.locator("main").inner_text()
    assert "Recommendation 1" in recommendation_1 and "Share injury reports within a day" in recommendation_1
    assert "No action yet." in recommendation_1
    assert page.get_by_role("link", name="Close recommendation 1").count() == 0  # nothing to close yet

    # ... adds an action for it, with a baseline that is not a number first.
    follow(page, "Add an action for recommendation 1")
    page.get_by_label("What will be done").fill(what)
    page.get_by_label("Agency that owns it").select_option(label=trust.name)
    page.get_by_label("Named owner").select_option(label=health.full_name)
    fill_date(page, "due_on", due)
    page.get_by_label("How success will be measured").fill(indicator)
    page.get_by_label("Unit (optional)").fill("%")
    page.get_by_label("Baseline", exact=True).fill("about a third")
    page.get_by_label("Target", exact=True).fill("90")
    fill_date(page, "reaudit_on", reaudit)
    press(page, "Add the action")  # (axe checks the page with its errors)
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "There is a problem" in summary.inner_text()
    links = summary.get_by_role("link")
    assert links.all_inner_texts() == ["Enter the baseline as a number, like 45 or 12.5"]
    assert links.first.get_attribute("href") == "#id_baseline"
    # Every other answer is kept.
    assert page.get_by_label("What will be done").input_value() == what
    assert page.get_by_label("Agency that owns it").input_value() == str(trust.pk)
    assert page.get_by_label("Named owner").input_value() == str(health.pk)
    assert page.get_by_label("How success will be measured").input_value() == indicator
    assert page.locator("input[name='reaudit_on-year']").input_value() == str(reaudit.year)
    assert not Action.objects.exists()
    page.get_by_label("Baseline", exact=True).fill("35")
    press(page, "Add the action")
    assert page.url == plan_url and "The action has been added." in banner(page)
    action = Action.objects.get()
    assert (action.recommendation_id, action.organisation_id, action.owner_id) == (
        recommendation.pk,
        trust.pk,
        health.pk,
    )
    assert (action.due_on, action.reaudit_on, action.baseline, action.target) == (
        due,
        reaudit,
        Decimal("35"),
        Decimal("90"),
    )
    assert action.state == ActionState.OPEN and action.unit == "%" and action.what == what
    row = page.locator("main tbody tr").first
    assert trust.name in row.inner_text() and health.full_name in row.inner_text()
    assert govuk(due) in row.inner_text() and row.locator(".govuk-tag").inner_text() == "Open"
    action_url = f"{base}/learning/actions/{action.pk}/"

    # 2. The trust's contributor opens the action from the plan and attaches the evidence, with a file.
    signed_in(page, live_server, settings, health)
    visit(page, plan_url)
    assert page.get_by_role("link", name="Add an action for recommendation 1").count() == 0
    follow(page, what)
    assert page.url == action_url and action_state(page) == "Open"
    assert "No evidence yet." in page.locator("main").inner_text()
    follow(page, "Attach the evidence")
    page.get_by_label("What was done, and what the evidence shows").fill("A daily notification list since May.")
    page.get_by_label("Evidence file (optional)").set_input_files(
        {"name": "notification-policy.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    press(page, "Send the evidence")
    assert page.url == action_url and "The evidence has been sent to be accepted." in banner(page)
    assert action_state(page) == "Evidence waiting to be accepted"
    assert page.get_by_role("link", name="Attach the evidence").count() == 0
    assert page.get_by_role("link", name="Accept or send back this evidence").count() == 0  # not theirs to decide
    first = Evidence.objects.get()
    assert first.decision == Evidence.Decision.PENDING and first.submitted_by_id == health.pk
    assert first.file is not None and first.file.size == len(PDF) and first.file.for_review

    # 3. The business manager sends it back: a policy is not evidence that it happens.
    reason = "The list is not evidence that call-outs arrive: send the audit of the last 40."
    signed_in(page, live_server, settings, manager)
    visit(page, action_url)
    follow(page, "Accept or send back this evidence")
    assert "A daily notification list since May." in page.locator("main").inner_text()
    choose(page, "Your decision", "Send it back to the agency")
    page.get_by_label("If sent back: what is needed").fill(reason)
    press(page, "Record the decision")
    assert page.url == action_url and "The decision is recorded." in banner(page)
    assert action_state(page) == "Open"
    evidence = page.locator("#evidence + ul").inner_text()
    assert "Sent back" in evidence and reason in evidence
    first.refresh_from_db()
    assert first.decision == Evidence.Decision.RETURNED and first.reason == reason
    assert first.decided_by_id == manager.pk

    # 4. The contributor reads why and attaches the audit.
    signed_in(page, live_server, settings, health)
    visit(page, action_url)
    assert reason in page.locator("main").inner_text()
    follow(page, "Attach the evidence")
    page.get_by_label("What was done, and what the evidence shows").fill("Audit of 40 call-outs: 36 arrived in a day.")
    press(page, "Send the evidence")
    assert "The evidence has been sent to be accepted." in banner(page)
    assert action_state(page) == "Evidence waiting to be accepted"

    # 5. A decision maker accepts it: the action closes.
    signed_in(page, live_server, settings, la)
    visit(page, action_url)
    decide = page.get_by_role("link", name="Accept or send back this evidence")
    assert decide.count() == 1  # the returned evidence is not decided again
    follow(page, "Accept or send back this evidence")
    assert "Audit of 40 call-outs" in page.locator("main").inner_text()
    choose(page, "Your decision", "Accept the evidence and close the action")
    press(page, "Record the decision")
    assert page.url == action_url and "The decision is recorded." in banner(page)
    assert action_state(page) == "Closed"
    action.refresh_from_db()
    assert action.state == ActionState.CLOSED and action.closed_on == today
    second = Evidence.objects.exclude(pk=first.pk).get()
    assert second.decision == Evidence.Decision.ACCEPTED and second.decided_by_id == la.pk and second.file is None
    assert page.get_by_role("link", name="Record a re-audit result").count() == 0  # the agency's and the manager's

    # 6. The contributor records the re-audit's result: the chart and its table show baseline, result and target.
    signed_in(page, live_server, settings, health)
    visit(page, action_url)
    assert page.get_by_role("link", name="Attach the evidence").count() == 0  # closed
    follow(page, "Record a re-audit result")
    assert "Baseline 35.00%, target 90.00%." in page.locator("main").inner_text()
    page.get_by_label("Result", exact=True).fill("88")
    press(page, "Record the result")  # (axe checks the action page with its chart and table)
    assert page.url == action_url and "The result is recorded." in banner(page)
    result = ImpactResult.objects.get()
    assert (result.action_id, result.value, result.measured_on) == (action.pk, Decimal("88"), today)
    assert result.recorded_by_id == health.pk
    chart = page.locator("#impact-chart")
    assert chart.get_attribute("role") == "img"
    assert chart.locator(".cspr-chart__value").all_inner_texts() == ["35", "88", "90"]
    table = page.locator("#impact-table")
    assert indicator in table.locator("caption").inner_text() and "(%)" in table.locator("caption").inner_text()
    rows = table.locator("tbody tr")
    assert [rows.nth(n).inner_text().split("\t") for n in range(rows.count())] == [
        ["Baseline", "35.00"],
        [f"{today:%-d %b %Y}", "88.00"],
        ["Target", "90.00"],
    ]

    # 7. The business manager closes the recommendation with its impact statement.
    statement = "Call-outs reach health visiting within a day in 88% of cases (35% before)."
    signed_in(page, live_server, settings, manager)
    visit(page, plan_url)
    assert page.locator("main tbody tr .govuk-tag").inner_text() == "Closed"
    follow(page, "Close recommendation 1")
    assert "Share injury reports within a day" in page.locator("main").inner_text()
    page.get_by_label("Impact statement").fill(statement)
    press(page, "Close the recommendation")
    assert page.url == plan_url and "The recommendation is closed." in banner(page)
    closed = page.locator("main")
    assert closed.locator(".govuk-tag--green").first.inner_text() == f"Closed {govuk(today)}"
    assert statement in closed.locator(".govuk-inset-text").inner_text()
    assert page.get_by_role("link", name="Close recommendation 1").count() == 0
    assert page.get_by_role("link", name="Add an action for recommendation 1").count() == 0
    closure = RecommendationClosure.objects.get()
    assert closure.recommendation_id == recommendation.pk and closure.impact_statement == statement
    assert closure.closed_on == today and closure.closed_by_id == manager.pk
