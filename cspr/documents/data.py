"""What the rapid-review stage's documents say, as plain frozen dataclasses.

The case workflow fills these from its models and hands them to the renderers in :mod:`cspr.documents`;
nothing here imports Django or a model, so the documents can be built, tested and previewed without a
database. Every string is *plain text* typed by people (agency summaries, family views, rationales): the
renderers escape it, so callers must not pre-escape or pre-format it. Paragraphs are separated by a blank
line; a single newline is a line break.

Fields with a closed set of values (the incident's nature, a criterion's answer, a voting partner, an audit
score) are checked when the object is built, so a mistake in the workflow fails loudly there rather than
printing a wrong word into a document that goes to the Panel or to a family.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

Nature = Literal["death", "serious harm", "other"]
Answer = Literal["yes", "no", "maybe"]
Partner = Literal["Local authority", "Police", "Integrated care board"]
Score = Literal["met", "partly", "not met"]

#: The statutory criteria for a local child safeguarding practice review (DOMAIN.md step 4, regulation 11),
#: as ``(code, label)``. Offered so the workflow labels criteria the same way everywhere; the renderers print
#: whatever label a :class:`CriterionAssessment` carries.
STATUTORY_CRITERIA: tuple[tuple[str, str], ...] = (
    (
        "a",
        "Highlights or may highlight improvements needed to safeguard and promote the welfare of children, "
        "including where those improvements have been identified before",
    ),
    ("b", "Highlights or may highlight recurrent themes in safeguarding and promoting the welfare of children"),
    (
        "c",
        "Highlights or may highlight concerns about two or more organisations or agencies working together "
        "effectively to safeguard and promote the welfare of children",
    ),
    (
        "d",
        "Is one the Child Safeguarding Practice Review Panel considered and concluded a local review may be more "
        "appropriate",
    ),
)

#: Circumstances the decision makers weigh beside the criteria (DOMAIN.md step 4), as ``(code, label)``.
CIRCUMSTANCES: tuple[tuple[str, str], ...] = (
    ("single-agency", "Concern about the actions of a single agency"),
    ("no-agency", "No agency was involved with the child or family"),
    ("cross-boundary", "More than one local authority, police area or integrated care board was involved"),
    ("institutional", "The harm happened in an institutional setting"),
)

#: The rapid-review audit checklist (DOMAIN.md step 12: were decisions sound and rationales clear?), as
#: ``(field name on AuditRow, short label, what the item checks)``.
AUDIT_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("facts_gathered", "Facts gathered", "The facts were gathered as far as they could readily be established."),
    (
        "immediate_safety",
        "Immediate safety",
        "Immediate action needed to keep children safe was considered and, where needed, taken.",
    ),
    ("criteria_reasoned", "Criteria reasoned", "Each statutory criterion was assessed and the reasons given."),
    ("rationale_clear", "Rationale clear", "The decision and its rationale are clear and recorded."),
    (
        "family_told",
        "Family told",
        "The family was told the decision and why, in writing and where possible in person.",
    ),
    ("on_time", "On time", "The rapid review reached the Panel within 15 working days of the notification."),
)

SCORES: tuple[Score, ...] = get_args(Score)


def _check_choice(value: object, allowed: tuple[object, ...], what: str) -> None:
    if value not in allowed:
        choices = ", ".join(repr(choice) for choice in allowed)
        raise ValueError(f"{what} must be one of {choices}, not {value!r}")


@dataclass(frozen=True)
class ChildSummary:
    """One child named in the notification (up to four per incident), by pseudonym only."""

    pseudonym: str
    age_band: str = ""
    sex: str = ""
    ethnicity: str = ""
    disability: str = ""
    legal_status: str = ""
    la_of_residence: str = ""


@dataclass(frozen=True)
class IncidentSummary:
    """The incident as notified to the Panel (DOMAIN.md step 2).

    ``la_became_aware`` is the *date* the local authority became aware: the 5-working-day notification clock
    starts from it.
    """

    nature: Nature
    incident_date: dt.date | None = None
    place: str = ""
    la_where_happened: str = ""
    la_became_aware: dt.date | None = None
    notification_sent_on: dt.date | None = None
    panel_reference: str = ""

    def __post_init__(self) -> None:
        _check_choice(self.nature, get_args(Nature), "nature")


@dataclass(frozen=True)
class ClockLine:
    """One statutory clock as the timescales package computed it; ``status_text`` is its plain explanation.

    ``working_days_late`` is how late it was met, or is (None when not late): the Panel reads "Met late, 3
    working days late", not just "Met late" (issue 4, sending to the Panel: working days late is shown).
    """

    label: str
    due: dt.date | None
    met_on: dt.date | None = None
    status_text: str = ""
    working_days_late: int | None = None

    def __post_init__(self) -> None:
        if self.working_days_late is not None and self.working_days_late < 0:
            raise ValueError(f"working_days_late cannot be negative, not {self.working_days_late}")


@dataclass(frozen=True)
class AgencySummary:
    """One agency's summary of its involvement, returned on days 2-10 of the rapid review."""

    agency: str
    author_role: str = ""
    summary: str = ""


@dataclass(frozen=True)
class Episode:
    """A key practice episode in the chronology, with the review's analysis of it.

    ``date`` may be a date, or text when only an approximate date is known ("Spring 2025"). Episodes are
    printed in the order given: the workflow decides the chronology's order.
    """

    date: dt.date | str | None
    agency: str = ""
    what_happened: str = ""
    analysis: str = ""


@dataclass(frozen=True)
class ImmediateAction:
    """An action taken at once to keep children safe or to share learning."""

    action: str
    by_whom: str = ""
    done_on: dt.date | None = None


@dataclass(frozen=True)
class CriterionAssessment:
    """The answer to one statutory criterion or circumstance, with the reasons for it."""

    code: str
    label: str
    answer: Answer
    reasons: str = ""

    def __post_init__(self) -> None:
        _check_choice(self.answer, get_args(Answer), f"answer to criterion {self.code!r}")


@dataclass(frozen=True)
class Vote:
    """One safeguarding partner's vote in one round (round 2 follows the scrutineer's advice)."""

    partner: Partner
    decision_maker: str
    vote_label: str
    rationale: str = ""
    round: int = 1

    def __post_init__(self) -> None:
        _check_choice(self.partner, get_args(Partner), "partner")
        if self.round < 1:
            raise ValueError(f"round must be 1 or more, not {self.round}")


@dataclass(frozen=True)
class FamilyTold:
    """How the family was told of the decision and its reasons (DOMAIN.md step 4: in writing and, where
    possible, in person through the practitioner working with them). ``told_by`` is the practitioner and
    their role; the family's own words or circumstances never go here."""

    told_on: dt.date
    method: str
    told_by: str = ""


@dataclass(frozen=True)
class DecisionSummary:
    """The three partners' decision on a local review (DOMAIN.md step 4).

    ``majority`` is true when they still disagreed after the scrutineer's advice and the majority decided.
    ``family_told`` lists each time the family was told, when recorded.
    """

    outcome_label: str
    decided_on: dt.date | None = None
    rationale: str = ""
    votes: Sequence[Vote] = ()
    scrutineer_advice: str = ""
    majority: bool = False
    family_told: Sequence[FamilyTold] = ()


@dataclass(frozen=True)
class SignOff:
    """A decision maker's sign-off of the rapid review."""

    partner: str
    name: str
    signed_on: dt.date | None = None


@dataclass(frozen=True)
class RapidReviewReport:
    """Everything the rapid review report says, in the order of DOMAIN.md step 3.

    Only the identifying fields are required: a report can be rendered at any point while it is being
    drafted, and every section left empty prints "Not recorded" so a gap is visible, never silent.
    ``sent_on`` is set on the copy frozen when the report was sent to the Panel.
    """

    partnership_name: str
    case_reference: str
    child_pseudonym: str
    generated_on: dt.date
    children: Sequence[ChildSummary] = ()
    incident: IncidentSummary | None = None
    clocks: Sequence[ClockLine] = ()
    agency_involvement: Sequence[AgencySummary] = ()
    chronology: Sequence[Episode] = ()
    good_practice: str = ""
    immediate_actions: Sequence[ImmediateAction] = ()
    learning_so_far: str = ""
    learning_shared: str = ""
    family_context: str = ""
    family_views: str = ""
    practitioner_views: str = ""
    criteria: Sequence[CriterionAssessment] = ()
    circumstances: Sequence[CriterionAssessment] = ()
    recommendation: str = ""
    recommendation_reasons: str = ""
    decision: DecisionSummary | None = None
    sign_off: Sequence[SignOff] = ()
    sent_on: dt.date | None = None


@dataclass(frozen=True)
class FamilyLetter:
    """The letter telling the family the decision and its reasons (DOMAIN.md step 4).

    The letter uses the child's first name, because it is written to the people who love the child; the
    pseudonym appears only in the reference line, and neither the name nor the addressee goes into the file's
    metadata. ``salutation`` is what follows "Dear", e.g. "Ms Smith" or "Jane". ``partnership_address`` is
    one line per line of the address.
    """

    partnership_name: str
    partnership_address: str
    addressee: str
    salutation: str
    child_pseudonym: str
    child_first_name: str
    case_reference: str
    decision_outcome_label: str
    rationale: str
    what_happens_next: str
    contact_name: str
    contact_role: str
    contact_phone: str
    contact_email: str
    date: dt.date


@dataclass(frozen=True)
class AuditRow:
    """One audited rapid review: a score for each of :data:`AUDIT_ITEMS` and a comment."""

    case_reference: str
    child_pseudonym: str
    facts_gathered: Score
    immediate_safety: Score
    criteria_reasoned: Score
    rationale_clear: Score
    family_told: Score
    on_time: Score
    comment: str = ""

    def __post_init__(self) -> None:
        for name, _label, _help in AUDIT_ITEMS:
            _check_choice(getattr(self, name), SCORES, f"{name} for {self.case_reference}")

    def score(self, item: str) -> Score:
        """The score for one checklist item, by its field name."""
        value: Score = getattr(self, item)
        return value


@dataclass(frozen=True)
class AuditTotal:
    """How many audited rapid reviews scored each way on one checklist item."""

    item: str
    label: str
    met: int
    partly: int
    not_met: int

    @property
    def audited(self) -> int:
        return self.met + self.partly + self.not_met


@dataclass(frozen=True)
class RapidReviewAuditSummary:
    """A periodic audit of recent rapid reviews for the assurance group (DOMAIN.md step 12).

    Totals are computed from the rows rather than passed in, so the summary can never contradict itself.
    """

    partnership_name: str
    period_start: dt.date
    period_end: dt.date
    rows: Sequence[AuditRow] = ()
    generated_on: dt.date | None = None

    def __post_init__(self) -> None:
        if self.period_end < self.period_start:
            raise ValueError("the audit period ends before it starts")

    @property
    def totals(self) -> tuple[AuditTotal, ...]:
        totals = []
        for name, label, _help in AUDIT_ITEMS:
            scores = [row.score(name) for row in self.rows]
            totals.append(
                AuditTotal(
                    item=name,
                    label=label,
                    met=scores.count("met"),
                    partly=scores.count("partly"),
                    not_met=scores.count("not met"),
                )
            )
        return tuple(totals)
