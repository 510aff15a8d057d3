"""Tenancy-walk rules for the case pages (see tests/test_tenancy_walk.py)."""

from __future__ import annotations

from typing import Any


def _rules() -> dict[str, Any]:
    from tests.test_tenancy_walk import Rule, _p

    scoped = {
        "cases/<int:case_id>/calendar.ics": "/cases/{case_id}/calendar.ics",
        "cases/<int:case_id>/screen/": "/cases/{case_id}/screen/",
        "cases/<int:case_id>/notification/": "/cases/{case_id}/notification/",
        "cases/<int:case_id>/notification/sent/": "/cases/{case_id}/notification/sent/",
        "cases/<int:case_id>/rapid-review/": "/cases/{case_id}/rapid-review/",
        "cases/<int:case_id>/rapid-review/requests/new/": "/cases/{case_id}/rapid-review/requests/new/",
        "cases/<int:case_id>/rapid-review/episodes/new/": "/cases/{case_id}/rapid-review/episodes/new/",
        "cases/<int:case_id>/rapid-review/actions/new/": "/cases/{case_id}/rapid-review/actions/new/",
        "cases/<int:case_id>/rapid-review/sent/": "/cases/{case_id}/rapid-review/sent/",
        "cases/<int:case_id>/decision/vote/": "/cases/{case_id}/decision/vote/",
        "cases/<int:case_id>/decision/advice/": "/cases/{case_id}/decision/advice/",
        "cases/<int:case_id>/decision/majority/": "/cases/{case_id}/decision/majority/",
        "cases/<int:case_id>/decision/family/": "/cases/{case_id}/decision/family/",
        "cases/<int:case_id>/decision/justification/": "/cases/{case_id}/decision/justification/",
        "cases/<int:case_id>/family-letter/": "/cases/{case_id}/family-letter/",
        "cases/<int:case_id>/panel-response/": "/cases/{case_id}/panel-response/",
        "cases/<int:case_id>/documents/<slug:kind>.<str:fmt>": "/cases/{case_id}/documents/rapid-review.pdf",
        "requests/<int:request_id>/": "/requests/{a_request_id}/",
        "cases/<int:case_id>/attachments/new/": "/cases/{case_id}/attachments/new/",
        "cases/<int:case_id>/attachments/<int:attachment_id>/": "/cases/{case_id}/attachments/{a_attachment_id}/",
        "rapid-review-audits/<int:audit_id>/": "/rapid-review-audits/{a_audit_id}/",
        "rapid-review-audits/<int:audit_id>/items/<int:item_id>/": "/rapid-review-audits/{a_audit_id}/items/{a_audit_item_id}/",
        "rapid-review-audits/<int:audit_id>/summary.<str:fmt>": "/rapid-review-audits/{a_audit_id}/summary.pdf",
    }
    rules = {route: Rule("scoped", _p(path)) for route, path in scoped.items()}
    rules["cases/<int:case_id>/rapid-review/submit/"] = Rule(
        "scoped", _p("/cases/{case_id}/rapid-review/submit/"), "post"
    )
    for route in ("cases/referrals/new/", "cases/notifications/new/", "rapid-review-audits/"):
        rules[route] = Rule("own", _p("/" + route))
    rules.update(_api_rules(Rule, _p))
    return rules


def _api_rules(Rule: Any, _p: Any) -> dict[str, Any]:
    """Every case operation of the API, each with a valid body so the check reaches the view: another
    partnership's token gets 404 from the selector, never a validation error that hides the question."""
    base = "api/v1/cases/<case_id>"
    c = "/api/v1/cases/{case_id}"
    today = "2026-01-05"
    writes: dict[str, tuple[str, str, dict[str, Any]]] = {
        "api/v1/cases/referrals": (
            "/api/v1/cases/referrals",
            "post",
            {"partnership": "{a_slug}", "what_happened": "x", "who_was_harmed": "y"},
        ),
        "api/v1/cases/notifications": ("/api/v1/cases/notifications", "post", {"partnership": "{a_slug}"}),
        "api/v1/cases/requests/<request_id>/response": (
            "/api/v1/cases/requests/{a_request_id}/response",
            "post",
            {"response": "x"},
        ),
        "api/v1/cases/rr-audits": (
            "/api/v1/cases/rr-audits",
            "post",
            {"partnership": "{a_slug}", "period_start": today, "period_end": today},
        ),
        "api/v1/cases/rr-audits/<audit_id>/items/<item_id>/scores": (
            "/api/v1/cases/rr-audits/{a_audit_id}/items/{a_audit_item_id}/scores",
            "post",
            {"scores": {}},
        ),
        "api/v1/cases/rr-audits/<audit_id>/complete": ("/api/v1/cases/rr-audits/{a_audit_id}/complete", "post", {}),
        f"{base}/screening": (f"{c}/screening", "post", {"outcome": "notification", "reasons": "x"}),
        f"{base}/notification/sent": (f"{c}/notification/sent", "post", {"sent_on": today, "panel_reference": "x"}),
        f"{base}/rapid-review/requests": (
            f"{c}/rapid-review/requests",
            "post",
            {"organisation_id": 1, "contributor_id": 1, "shared_facts": "x"},
        ),
        f"{base}/rapid-review/episodes": (
            f"{c}/rapid-review/episodes",
            "post",
            {"date": today, "agency": "x", "what_happened": "y"},
        ),
        f"{base}/rapid-review/immediate-actions": (
            f"{c}/rapid-review/immediate-actions",
            "post",
            {"action": "x", "by_whom": "y"},
        ),
        f"{base}/rapid-review/submit": (f"{c}/rapid-review/submit", "post", {}),
        f"{base}/rapid-review/sent": (f"{c}/rapid-review/sent", "post", {"sent_on": today}),
        f"{base}/decision/votes": (f"{c}/decision/votes", "post", {"option": "no_review", "rationale": "x"}),
        f"{base}/decision/advice": (f"{c}/decision/advice", "post", {"advice": "x"}),
        f"{base}/decision/majority": (f"{c}/decision/majority", "post", {"rationale": "x"}),
        f"{base}/decision/family": (
            f"{c}/decision/family",
            "post",
            {"told_on": today, "method": "letter", "told_by": "x"},
        ),
        f"{base}/decision/justification": (f"{c}/decision/justification", "post", {"justification": "x"}),
        f"{base}/panel-response": (
            f"{c}/panel-response",
            "post",
            {"response": "agree", "national_review": "no", "responded_on": today},
        ),
    }
    reads = {
        "api/v1/cases/requests": "/api/v1/cases/requests",
        "api/v1/cases/requests/<request_id>": "/api/v1/cases/requests/{a_request_id}",
        "api/v1/cases/panel": "/api/v1/cases/panel",
        "api/v1/cases/rr-audits/<audit_id>": "/api/v1/cases/rr-audits/{a_audit_id}",
        f"{base}/notification": f"{c}/notification",
        f"{base}/notification/eligibility": f"{c}/notification/eligibility",
        f"{base}/rapid-review": f"{c}/rapid-review",
        f"{base}/decision": f"{c}/decision",
        f"{base}/clocks": f"{c}/clocks",
    }
    rules = {route: Rule("api", _p(path)) for route, path in reads.items()}
    for route, (path, method, body) in writes.items():
        rules[route] = Rule("api", _p(path), method, _Body(body))
    return rules


class _Body(dict):  # type: ignore[type-arg]
    """A body whose "{name}" values are filled from the walk's values when it is sent."""


CASES_RULES = _rules()
