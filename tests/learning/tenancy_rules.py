"""Tenancy-walk rules for the action plan's pages (tests/test_tenancy_walk.py): every one names partnership A's
review or action, so another partnership's people get a 404."""

from tests.test_tenancy_walk import Rule, _p

_R = "learning/reviews/<int:review_id>/"
_A = "learning/actions/<int:action_id>/"

LEARNING_RULES = {
    _R: Rule("scoped", _p("/learning/reviews/{a_review_id}/")),
    _R + "recommendations/<int:recommendation_id>/actions/new/": Rule(
        "scoped", _p("/learning/reviews/{a_review_id}/recommendations/{a_recommendation_id}/actions/new/")
    ),
    _R + "recommendations/<int:recommendation_id>/close/": Rule(
        "scoped", _p("/learning/reviews/{a_review_id}/recommendations/{a_recommendation_id}/close/")
    ),
    _A: Rule("scoped", _p("/learning/actions/{a_action_id}/")),
    _A + "evidence/new/": Rule("scoped", _p("/learning/actions/{a_action_id}/evidence/new/")),
    _A + "evidence/<int:evidence_id>/decide/": Rule(
        "scoped", _p("/learning/actions/{a_action_id}/evidence/{a_evidence_id}/decide/")
    ),
    _A + "results/new/": Rule("scoped", _p("/learning/actions/{a_action_id}/results/new/")),
}

# /api/v1/learning: partnership B's token reaches none of A's plan (each write carries a body its schema takes).
_DAY = "2026-01-05"
_API_R = "api/v1/learning/reviews/<int:review_id>"
_API_A = "api/v1/learning/actions/<int:action_id>"
LEARNING_RULES.update(
    {
        _API_R: Rule("api", _p("/api/v1/learning/reviews/{a_review_id}")),
        _API_R + "/recommendations/<int:recommendation_id>/actions": Rule(
            "api", _p("/api/v1/learning/reviews/{a_review_id}/recommendations/{a_recommendation_id}/actions"), "post",
            {"what": "x", "organisation_id": 1, "owner_id": 1, "due_on": _DAY, "indicator": "x", "baseline": 1,
             "target": 2, "reaudit_on": _DAY},
        ),
        _API_R + "/recommendations/<int:recommendation_id>/close": Rule(
            "api", _p("/api/v1/learning/reviews/{a_review_id}/recommendations/{a_recommendation_id}/close"), "post",
            {"impact_statement": "x", "closed_on": _DAY},
        ),
        _API_A: Rule("api", _p("/api/v1/learning/actions/{a_action_id}")),
        _API_A + "/evidence": Rule("api", _p("/api/v1/learning/actions/{a_action_id}/evidence"), "post", {"note": "x"}),
        _API_A + "/evidence/<int:evidence_id>/decision": Rule(
            "api", _p("/api/v1/learning/actions/{a_action_id}/evidence/{a_evidence_id}/decision"), "post",
            {"accepted": True},
        ),
        _API_A + "/results": Rule(
            "api", _p("/api/v1/learning/actions/{a_action_id}/results"), "post", {"measured_on": _DAY, "value": 1}
        ),
    }
)  # fmt: skip
