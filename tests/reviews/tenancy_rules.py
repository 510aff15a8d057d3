"""Tenancy-walk rules for the review's pages (tests/test_tenancy_walk.py): every one names partnership A's
review, so another partnership's people get a 404."""

from tests.test_tenancy_walk import Rule, _p

_R = "reviews/<int:review_id>/"
_PAGES = {
    "": "",
    "commission/": "commission/",
    "notice/": "notice/",
    "terms/": "terms/",
    "briefing/": "briefing/",
    "contributions/new/": "contributions/new/",
    "processes/new/": "processes/new/",
    "processes/<int:process_id>/hold/": "processes/{a_process_id}/hold/",
    "processes/<int:process_id>/lift/": "processes/{a_process_id}/lift/",
    "involvement/new/": "involvement/new/",
    "checkpoints/new/": "checkpoints/new/",
    "requests/new/": "requests/new/",
    "requests/<int:request_id>/": "requests/{a_written_request_id}/",
    "draft/": "draft/",
    "versions/<int:version_id>/comment/": "versions/{a_version_id}/comment/",
    "versions/<int:version_id>/file/": "versions/{a_version_id}/file/",
    "final/": "final/",
    "sign-off/": "sign-off/",
    "delays/new/": "delays/new/",
    "delays/decide/": "delays/decide/",
    "learning-shared/": "learning-shared/",
    "publication/": "publication/",
    "publication/plan/": "publication/plan/",
    "publication/copies/new/": "publication/copies/new/",
    "publication/pseudonyms/new/": "publication/pseudonyms/new/",
    "publication/redaction/": "publication/redaction/",
    "publication/preview/": "publication/preview/",
    "publication/declaration/": "publication/declaration/",
    "publication/publish/": "publication/publish/",
    "publication/national-copies/new/": "publication/national-copies/new/",
}
_POSTS = {"start/", "new-version/", "ready/"}

REVIEWS_RULES = {
    "reviews/": Rule("own", _p("/reviews/")),
    "reviews/national/<int:national_id>/": Rule("scoped", _p("/reviews/national/{a_national_id}/")),
    **{_R + route: Rule("scoped", _p("/reviews/{a_review_id}/" + path)) for route, path in _PAGES.items()},
    **{_R + route: Rule("scoped", _p("/reviews/{a_review_id}/" + route), "post") for route in _POSTS},
    _R + "publication/requests/<int:request_id>/answered/": Rule(
        "scoped", _p("/reviews/{a_review_id}/publication/requests/{a_report_request_id}/answered/"), "post"
    ),
    # A partnership's public page (no sign-in) shows only what it has published: walked for partnership B's own
    # page (its name is not A's secret), and for A's unpublished plan, which answers 404 with nothing of it.
    "public/<slug:slug>/": Rule("public", _p("/public/{b_slug}/")),
    "public/<slug:slug>/reports/<int:publication_id>/file/": Rule(
        "public", _p("/public/{a_slug}/reports/{a_publication_id}/file/")
    ),
    "public/<slug:slug>/reports/<int:publication_id>/request/": Rule(
        "public", _p("/public/{a_slug}/reports/{a_publication_id}/request/")
    ),
}

# /api/v1/reviews: partnership B's token reaches none of A's review (each write carries a body its schema takes,
# so the refusal comes from the selectors, not validation).
_DAY = "2026-01-05"
_A = "api/v1/reviews/<int:review_id>"
_U = "/api/v1/reviews/{a_review_id}"
_COMPETENT = {
    code: {"answer": "yes", "evidence": "x"}
    for code in ("knowledge", "research", "conditions", "hindsight", "communication")
}
_WRITES: dict[str, tuple[str, dict[str, object]]] = {
    "/commission": ("/commission", {"reviewer_id": 1, "competences": _COMPETENT, "conflict": "none", "commissioned_on": _DAY}),
    "/notices": ("/notices", {"recipients": ["panel"], "sent_on": _DAY}),
    "/terms": ("/terms", {"period_from": _DAY, "period_to": _DAY, "lines_of_enquiry": "x", "agencies": "x", "method": "systems", "child_and_family": "x", "agreed_on": _DAY}),
    "/briefings": ("/briefings", {"held_on": _DAY, "attended": "x"}),
    "/start": ("/start", {}),
    "/contributions": ("/contributions", {"purpose": "chronology", "organisation_id": 1, "contributor_id": 1, "shared_facts": "x", "due_date": _DAY}),
    "/processes": ("/processes", {"kind": "inquest", "lead_contact": "x"}),
    "/processes/<int:process_id>/hold": ("/processes/{a_process_id}/hold", {"hold_from": _DAY, "hold_reason": "x", "hold_approved_by": "x"}),
    "/processes/<int:process_id>/lift": ("/processes/{a_process_id}/lift", {"lifted_on": _DAY}),
    "/involvement": ("/involvement", {"kind": "family", "on": _DAY}),
    "/checkpoints": ("/checkpoints", {"held_on": _DAY, "progress": "x"}),
    "/written-requests": ("/written-requests", {"question": "x"}),
    "/written-requests/<int:request_id>/answer": ("/written-requests/{a_written_request_id}/answer", {"answer": "x"}),
    "/drafts": ("/drafts", {"text": "x"}),
    "/versions/<int:version_id>/comments": ("/versions/{a_version_id}/comments", {"text": "x"}),
    "/final-report": ("/final-report", {"text": "x", "findings": "x", "recommendations": []}),
    "/sign-off": ("/sign-off", {"signed_off_by": "x", "signed_off_on": _DAY}),
    "/new-version": ("/new-version", {}),
    "/delays": ("/delays", {"reason": "x", "new_due": _DAY}),
    "/delays/<int:delay_id>/decision": ("/delays/{a_delay_id}/decision", {"approved": True, "decided_on": _DAY, "decided_by": "x"}),
    "/ready": ("/ready", {}),
    "/learning-shared": ("/learning-shared", {"shared_on": _DAY, "how": "x"}),
    "/publication/plan": ("/publication/plan", {"mode": "full"}),
    "/publication/copies": ("/publication/copies", {"recipient": "panel", "what": "full_report", "sent_on": _DAY, "how": "post"}),
    "/publication/pseudonyms": ("/publication/pseudonyms", {"category": "family_member", "value": "x", "replacement": "y"}),
    "/publication/redaction": ("/publication/redaction", {"decisions": []}),
    "/publication/declaration": ("/publication/declaration", {"name": "x", "role": "x", "confirmed": True}),
    "/publication/publish": ("/publication/publish", {"published_on": _DAY}),
    "/publication/requests/<int:request_id>/answered": ("/publication/requests/{a_report_request_id}/answered", {}),
}  # fmt: skip

REVIEWS_RULES.update(
    {
        "api/v1/reviews/": Rule("api", _p("/api/v1/reviews/")),
        "api/v1/reviews/national/<int:national_id>": Rule("api", _p("/api/v1/reviews/national/{a_national_id}")),
        "api/v1/reviews/national/<int:national_id>/exchanges": Rule(
            "api",
            _p("/api/v1/reviews/national/{a_national_id}/exchanges"),
            "post",
            {"kind": "panel_request", "on": _DAY, "what": "x"},
        ),
        _A: Rule("api", _p(_U)),
        _A + "/publication": Rule("api", _p(_U + "/publication")),
        **{_A + route: Rule("api", _p(_U + path), "post", body) for route, (path, body) in _WRITES.items()},
    }
)
