"""Library fixtures: a small published library built through the real ingest service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cspr.library.metadata import ReportMetadata
from cspr.library.services import library_report_ingest

SLEEP = (
    "Baby Q died after his father fell asleep with him on the sofa after drinking. Safer sleep advice about "
    "co-sleeping had been given by the midwife but not repeated by the health visitor."
)
EXPLOITATION = (
    "Child R was exploited through county lines and carried drugs to a coastal town. The school had excluded "
    "him and the youth justice worker did not make a referral to the national referral mechanism."
)
NEGLECT = (
    "The children lived with chronic neglect: little food, no heating and head lice. The neglected home was "
    "visited by the health visitor, who was not curious about why the children were hungry."
)


@pytest.fixture
def ingest_text(db: Any) -> Callable[..., Any]:
    """Ingest a plain-text report through the service and return the Report."""

    def ingest(text: str, *, name: str = "report.txt", **meta: Any) -> Any:
        metadata = ReportMetadata(**meta) if meta else None
        outcome = library_report_ingest(actor=None, name=name, data=text.encode(), metadata=metadata)
        return outcome.report

    return ingest


@pytest.fixture
def small_library(ingest_text: Callable[..., Any]) -> dict[str, Any]:
    return {
        "sleep": ingest_text(
            f"Child Q: safer sleep review\n\n{SLEEP}",
            name="child-q.txt",
            year=2022,
            nation="england",
            review_type="lcspr",
            age_band="under-1",
            harm="death",
        ),
        "exploitation": ingest_text(
            f"Child R: exploitation review\n\n{EXPLOITATION}",
            name="child-r.txt",
            year=2023,
            nation="wales",
            review_type="child-practice-review",
            age_band="11-15",
            harm="serious-harm",
        ),
        "neglect": ingest_text(
            f"Children S and T\n\n{NEGLECT}",
            name="children-st.txt",
            year=2023,
            nation="england",
            review_type="lcspr",
            age_band="1-5",
            harm="serious-harm",
        ),
    }
