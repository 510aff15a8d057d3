"""Tenancy-walk rules for /api/v1/cases (see tests/test_tenancy_walk.py): partnership A's records reached
with partnership B's token must answer 404, and no route may show A's data.

Each write carries a body its schema accepts, so the refusal comes from the selectors, not from validation.
Where one path has a read and a write (GET and PUT .../notification), the walk can try one method: the read
is walked here; tests/api/test_cases_api_visibility.py tries every method of every operation.
"""

from __future__ import annotations

from typing import Any


def _rules() -> dict[str, Any]:
    from cspr.cases.services.rr_audit import CHECKLIST
    from tests.test_tenancy_walk import Rule, _p

    day = "2026-01-05"
    base, url = "api/v1/cases", "/api/v1/cases"
    case, case_url = f"{base}/<int:case_id>", f"{url}/{{case_id}}"
    checklist = {key: "met" for key, _ in CHECKLIST}
    reads = {
        f"{base}/": f"{url}/",
        f"{base}/requests": f"{url}/requests",
        f"{base}/panel": f"{url}/panel",
        f"{base}/requests/<int:request_id>": f"{url}/requests/{{a_request_id}}",
        f"{base}/rr-audits/<int:audit_id>": f"{url}/rr-audits/{{a_audit_id}}",
        case: case_url,
        f"{case}/clocks": f"{case_url}/clocks",
        f"{case}/notification": f"{case_url}/notification",
        f"{case}/notification/eligibility": f"{case_url}/notification/eligibility",
        f"{case}/rapid-review": f"{case_url}/rapid-review",
        f"{case}/rapid-review/contributors": f"{case_url}/rapid-review/contributors",
        f"{case}/rapid-review/requests": f"{case_url}/rapid-review/requests",
        f"{case}/decision": f"{case_url}/decision",
        f"{case}/rapid-review/report/<fmt>": f"{case_url}/rapid-review/report/pdf",
        f"{base}/rr-audits/<int:audit_id>/summary/<fmt>": f"{url}/rr-audits/{{a_audit_id}}/summary/pdf",
        # GET and POST share this path: the list is walked here, the upload in test_cases_api_visibility.py.
        f"{case}/attachments": f"{case_url}/attachments",
        f"{case}/attachments/<int:attachment_id>": f"{case_url}/attachments/{{a_attachment_id}}",
        f"{case}/history": f"{case_url}/history",
    }
    writes: dict[str, tuple[str, dict[str, Any]]] = {
        f"{base}/referrals": (
            f"{url}/referrals",
            {"partnership": "{a_slug}", "what_happened": "x", "who_was_harmed": "y"},
        ),
        f"{base}/notifications": (f"{url}/notifications", {"partnership": "{a_slug}"}),
        f"{base}/rr-audits": (f"{url}/rr-audits", {"partnership": "{a_slug}", "period_start": day, "period_end": day}),
        f"{base}/requests/<int:request_id>/response": (f"{url}/requests/{{a_request_id}}/response", {"response": "x"}),
        f"{base}/rr-audits/<int:audit_id>/items/<int:item_id>/scores": (
            f"{url}/rr-audits/{{a_audit_id}}/items/{{a_audit_item_id}}/scores",
            {"scores": checklist},
        ),
        f"{base}/rr-audits/<int:audit_id>/complete": (f"{url}/rr-audits/{{a_audit_id}}/complete", {}),
        f"{case}/screening": (f"{case_url}/screening", {"outcome": "notification", "reasons": "x"}),
        f"{case}/notification/sent": (f"{case_url}/notification/sent", {"sent_on": day, "panel_reference": "x"}),
        f"{case}/notification/corrections": (
            f"{case_url}/notification/corrections",
            {"version": 1, "reason": "x"},
        ),
        f"{case}/rapid-review/requests/<int:request_id>/withdraw": (
            f"{case_url}/rapid-review/requests/{{a_request_id}}/withdraw",
            {},
        ),
        f"{case}/rapid-review/episodes": (
            f"{case_url}/rapid-review/episodes",
            {"date": day, "agency": "x", "what_happened": "y"},
        ),
        f"{case}/rapid-review/immediate-actions": (
            f"{case_url}/rapid-review/immediate-actions",
            {"action": "x", "by_whom": "y"},
        ),
        f"{case}/rapid-review/submit": (f"{case_url}/rapid-review/submit", {}),
        f"{case}/rapid-review/sent": (f"{case_url}/rapid-review/sent", {"sent_on": day}),
        f"{case}/decision/votes": (f"{case_url}/decision/votes", {"option": "no_review", "rationale": "x"}),
        f"{case}/decision/advice": (f"{case_url}/decision/advice", {"advice": "x"}),
        f"{case}/decision/majority": (f"{case_url}/decision/majority", {"rationale": "x"}),
        f"{case}/decision/family": (
            f"{case_url}/decision/family",
            {"told_on": day, "method": "letter", "told_by": "x"},
        ),
        f"{case}/decision/justification": (f"{case_url}/decision/justification", {"justification": "x"}),
        f"{case}/panel-response": (
            f"{case_url}/panel-response",
            {"response": "agree", "national_review": "no", "responded_on": day},
        ),
        # Multipart in use; a JSON body still reaches the view, so the scoping answers first.
        f"{case}/publication": (f"{case_url}/publication", {}),
        f"{case}/family-letter/<fmt>": (f"{case_url}/family-letter/pdf", {"addressee": "x", "salutation": "y"}),
    }
    rules = {route: Rule("api", _p(path)) for route, path in reads.items()}
    rules.update({route: Rule("api", _p(path), "post", body) for route, (path, body) in writes.items()})
    return rules


CASES_API_RULES = _rules()
