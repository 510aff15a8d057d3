"""Sections a later app adds to the case page (DESIGN.md, imports run one way): the local review's stage and a
link to it. A later app registers a function from its AppConfig.ready(); the case page asks each for the
section it shows this reader (None: nothing), in a fixed number of queries whatever the number of cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cspr.cases.models import Case


@dataclass(frozen=True)
class CaseSection:
    """A heading, summary rows (label, value) and links (text, address), rendered as GOV.UK components."""

    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    id: str = ""


CASE_SECTIONS: dict[str, Callable[[Case, Any], CaseSection | None]] = {}


def register_case_section(name: str, section: Callable[[Case, Any], CaseSection | None]) -> None:
    CASE_SECTIONS[name] = section


def case_sections(case: Case, user: Any) -> list[CaseSection]:
    return [s for s in (section(case, user) for section in CASE_SECTIONS.values()) if s is not None]
