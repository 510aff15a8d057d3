"""The local review's rules as data (DOMAIN.md steps 6 to 9): the reviewer's competences the review group
checks, the parallel processes that can hold publication, and what starts and stops the six-month clock.

Pure Python: the services and the state machine ask these; nothing here reads the database.
"""

from __future__ import annotations

from typing import Final

# DOMAIN.md step 6 (Working Together 2023 ch.5, "commissioning a reviewer"): what the review group checks of a
# reviewer before the review starts, each answered with evidence. The last is the conflict-of-interest check,
# asked separately because its answer is a declaration (none, or declared with how it is managed).
COMPETENCES: Final[tuple[tuple[str, str], ...]] = (
    (
        "knowledge",
        "Professional knowledge of child safeguarding practice reviews, including engaging children and families",
    ),
    ("research", "Knowledge of research on child safeguarding"),
    ("conditions", "Understanding of the complex conditions practitioners work in"),
    ("hindsight", "Ability to see practice as it looked at the time, without hindsight bias"),
    ("communication", "Ability to communicate findings clearly and constructively"),
)
CONFLICT_QUESTION: Final = "Any real or perceived conflict of interest"

# The recipients told that a local review will happen and who the reviewer is (DOMAIN.md step 6).
NOTICE_RECIPIENTS: Final[tuple[tuple[str, str], ...]] = (
    ("panel", "The Child Safeguarding Practice Review Panel"),
    ("ofsted", "Ofsted"),
    ("dfe", "The Department for Education"),
)

# DOMAIN.md step 7: the processes that run beside a review and may affect its timing.
PARALLEL_PROCESSES: Final[tuple[tuple[str, str], ...]] = (
    ("criminal_investigation", "Criminal investigation"),
    ("prosecution", "Prosecution and trial"),
    ("inquest", "Inquest"),
    ("disciplinary", "Disciplinary process"),
    ("child_death_review", "Child death review"),
    ("safeguarding_adults_review", "Safeguarding adults review"),
    ("domestic_abuse_related_death_review", "Domestic abuse related death review"),
)

# Usual methods (Working Together 2023 ch.5: "systems methodology is usual"), as the terms of reference name them.
METHODS: Final[tuple[tuple[str, str], ...]] = (
    ("systems", "Systems methodology"),
    ("appreciative_inquiry", "Appreciative inquiry"),
    ("hybrid", "A hybrid of methods"),
    ("other", "Another method"),
)

# The clock a publication hold pauses and a delay extends: england-cspr's "Complete and publish the local child
# safeguarding practice review" (6 months from the decision to review, or as the process's setting says).
LOCAL_REVIEW_CLOCK: Final = "lcspr-published"


def competence_errors(answers: dict[str, dict[str, str]]) -> dict[str, str]:
    """Each competence must be confirmed ("yes") with the evidence for it (DOMAIN.md step 6): the review cannot
    start with a reviewer the group has not checked. Errors are keyed ``competence_<code>``."""
    errors: dict[str, str] = {}
    for code, label in COMPETENCES:
        item = answers.get(code) or {}
        if item.get("answer") != "yes":
            errors[f"competence_{code}"] = f"Confirm the reviewer has this: {label[0].lower()}{label[1:]}"
        elif not (item.get("evidence") or "").strip():
            errors[f"competence_{code}_evidence"] = (
                f"Say what shows the reviewer has this: {label[0].lower()}{label[1:]}"
            )
    return errors


def conflict_errors(conflict: str, management: str) -> dict[str, str]:
    if conflict not in {"none", "declared"}:
        return {"conflict": "Say whether the reviewer has declared any real or perceived conflict of interest"}
    if conflict == "declared" and not (management or "").strip():
        return {"conflict_management": "Say how the declared conflict of interest is managed"}
    return {}
