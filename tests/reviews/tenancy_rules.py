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
    "final/": "final/",
    "sign-off/": "sign-off/",
    "delays/new/": "delays/new/",
    "delays/decide/": "delays/decide/",
}
_POSTS = {"start/", "new-version/", "ready/"}

REVIEWS_RULES = {
    "reviews/": Rule("own", _p("/reviews/")),
    **{_R + route: Rule("scoped", _p("/reviews/{a_review_id}/" + path)) for route, path in _PAGES.items()},
    **{_R + route: Rule("scoped", _p("/reviews/{a_review_id}/" + route), "post") for route in _POSTS},
}
