"""How tests/test_tenancy_walk.py reaches each library URL (merged through tests/tenancy_rules.py).

The library's search, report and statistics pages are public; theme review needs sign-in and, for a
report, curator rights (others get 404). Report 999999 does not exist: the walk checks no leak and no 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple


class Rule(NamedTuple):
    """Read like the walk's own Rule: kind, a function from the walk's values to a path, and the method."""

    kind: str
    path: Callable[[dict[str, Any]], str]
    method: str = "get"


def p(path: str) -> Callable[[dict[str, Any]], str]:
    return lambda values: path.format(**values)


def _rules(rule: Any, p: Any) -> dict[str, Any]:
    return {
        "library/": rule("public", p("/library/?q=secret")),
        "library/reports/<int:report_id>/": rule("public", p("/library/reports/999999/")),
        "library/reports/<int:report_id>/themes/": rule("own", p("/library/reports/999999/themes/")),
        "library/reports/<int:report_id>/themes/decide/": rule(
            "own", p("/library/reports/999999/themes/decide/"), "post"
        ),
        "library/themes/review/": rule("own", p("/library/themes/review/")),
        "library/themes/": rule("public", p("/library/themes/")),
        "api/v1/library/search": rule("public", p("/api/v1/library/search?q=secret")),
        "api/v1/library/reports/<report_id>": rule("public", p("/api/v1/library/reports/999999")),
    }


LIBRARY_RULES: dict[str, Rule] = _rules(Rule, p)
