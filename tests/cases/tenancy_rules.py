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
        "cases/<int:case_id>/notification/correct/": "/cases/{case_id}/notification/correct/",
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
    return rules


def _entry_path(kind: str, suffix: str = "") -> Any:
    """A path to a chronology entry or immediate action of partnership A's case, made when the walk asks for
    it, so the walk reaches a real record of A's (the world fixture has none) and still gets a 404."""

    def path(w: dict[str, Any]) -> str:
        import datetime

        from cspr.cases.models import Episode, ImmediateAction

        if kind == "episodes":
            entry: Any = Episode.objects.create(
                case_id=w["case_id"],
                date=datetime.date(2026, 1, 5),
                agency="SECRET-NARRATIVE-ALPHA agency",
                what_happened="SECRET-NARRATIVE-ALPHA episode",
            )
        else:
            entry = ImmediateAction.objects.create(
                case_id=w["case_id"], action="SECRET-NARRATIVE-ALPHA action", by_whom="SECRET-NARRATIVE-ALPHA"
            )
        return f"/cases/{w['case_id']}/rapid-review/{kind}/{entry.pk}/{suffix}"

    return path


def _entry_rules() -> dict[str, Any]:
    from tests.test_tenancy_walk import Rule

    return {
        f"cases/<int:case_id>/rapid-review/{kind}/<int:{key}_id>/{suffix}": Rule("scoped", _entry_path(kind, suffix))
        for kind, key in (("episodes", "episode"), ("actions", "action"))
        for suffix in ("", "remove/")
    }


CASES_RULES = {**_rules(), **_entry_rules()}
