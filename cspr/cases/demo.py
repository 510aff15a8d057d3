"""Demo cases, so the pages are not empty. Created through the same services as real cases."""

from __future__ import annotations

import datetime
from typing import Any

from cspr.cases.models import Case
from cspr.cases.services import case_open
from cspr.partnerships.models import Partnership, User

DEMO_CASES: list[dict[str, Any]] = [
    {
        "partnership": "northshire-riverside",
        "pseudonym": "Child A",
        "summary": "Infant admitted with a head injury inconsistent with the account given.",
        "children": [{"name": "Demo Child One", "age_days": 120}],
    },
    {
        "partnership": "northshire-riverside",
        "pseudonym": "Child B",
        "summary": "Teenager seriously harmed in a stabbing; known to youth justice and to school for non-attendance.",
        "children": [{"name": "Demo Child Two", "age_days": 15 * 365}],
    },
    {
        "partnership": "northshire-riverside",
        "pseudonym": "Siblings C and D",
        "summary": "Two siblings found in neglectful home conditions after a parent's overdose.",
        "children": [
            {"name": "Demo Child Three", "age_days": 6 * 365},
            {"name": "Demo Child Four", "age_days": 3 * 365},
        ],
    },
    {
        "partnership": "eastbury",
        "pseudonym": "Child E",
        "summary": "Sudden unexpected death of an infant co-sleeping with a parent who had been drinking.",
        "children": [{"name": "Demo Child Five", "age_days": 80}],
    },
]


def load_demo_cases(*, partnerships: dict[str, Partnership], today: datetime.date) -> None:
    for spec in DEMO_CASES:
        partnership = partnerships[spec["partnership"]]
        if Case.objects.filter(partnership=partnership, pseudonym=spec["pseudonym"]).exists():
            continue
        manager = User.objects.filter(
            memberships__partnership=partnership, memberships__role="business_manager"
        ).first()
        case_open(
            actor=manager,
            partnership=partnership,
            pseudonym=spec["pseudonym"],
            summary=spec["summary"],
            children=[
                {"name": c["name"], "date_of_birth": today - datetime.timedelta(days=c["age_days"])}
                for c in spec["children"]
            ],
        )
