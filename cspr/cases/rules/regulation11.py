"""Regulation 11 of the Child Safeguarding Practice Review and Relevant Agency (England) Regulations 2018: the
criteria the partners weigh when deciding on a local review, the circumstances Working Together 2023 ch.5 asks
them to weigh beside, and when an answer needs its reasons. Pure: used by the rapid review's service, the
state machine's guard before the decision, the pages and the documents."""

from __future__ import annotations

# Regulation 11 criteria (Child Safeguarding Practice Review and Relevant Agency (England) Regulations 2018)
CRITERIA: list[tuple[str, str]] = [
    (
        "a",
        "The case highlights or may highlight improvements needed to safeguard and promote the welfare of "
        "children, including where those improvements have been identified before",
    ),
    (
        "b",
        "The case highlights or may highlight recurrent themes in the safeguarding and promotion of the "
        "welfare of children",
    ),
    (
        "c",
        "The case highlights or may highlight concerns about two or more organisations or agencies working "
        "together effectively to safeguard and promote the welfare of children",
    ),
    ("d", "The Panel has considered the case and concluded a local review may be more appropriate"),
]
# Circumstances to weigh (Working Together 2023 ch.5)
CIRCUMSTANCES: list[tuple[str, str]] = [
    ("one_agency", "There is concern about the actions of a single agency"),
    ("no_involvement", "No agency was involved with the child and family"),
    (
        "several_areas",
        "More than one local authority, police area or integrated care board was involved "
        "(for example, the family moved)",
    ),
    ("institutional", "The case involves an institutional setting"),
]
ANSWERS = {"yes", "no", "maybe"}


def criterion_reasons_error(code: str, answer: str, reasons: str) -> str | None:
    """Why an answer needs reasons it lacks, or None. Each regulation 11 criterion needs its reasons whatever
    the answer; a circumstance to weigh needs them when it applies or may apply (yes / maybe), because the
    rapid review must say how it was weighed (Working Together 2023 ch.5). "No" alone is a full answer."""
    if not answer or reasons.strip():
        return None
    if code in dict(CRITERIA):
        return f"Give the reasons for your answer to criterion ({code})"
    label = dict(CIRCUMSTANCES).get(code)
    if label and answer in {"yes", "maybe"}:
        return f"Give the reasons for answering {answer} to \u201c{label}\u201d"
    return None


def criteria_unanswered(criteria: dict[str, dict[str, str]] | None) -> list[str]:
    """The criteria and circumstances still without an answer, named as the rapid review page shows them:
    a criterion by its letter, a circumstance by its wording (it has no letter)."""
    given = criteria or {}
    return [
        f"({code})" if code in dict(CRITERIA) else f"\u201c{label}\u201d"
        for code, label in CRITERIA + CIRCUMSTANCES
        if (given.get(code) or {}).get("answer") not in ANSWERS
    ]
