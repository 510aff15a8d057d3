"""The rapid review report (DOMAIN.md step 3), as Word and as PDF.

The sections follow the content list of Working Together's rapid review in DOMAIN.md step 3, after a short
account of the case (children, incident, clocks) that a Panel reader needs first: agency involvement, key
practice episodes with analysis, good practice, immediate actions, learning so far and how it was shared,
the family's context, family and practitioner views, the assessment against the criteria, the
recommendation and its reasons, the partners' decision, sign-off. Every section is always present and says
"Not recorded" when empty, so a reader can tell a gap from a page that was never printed.
"""

from __future__ import annotations

from collections.abc import Sequence

from .blocks import Block, Document, Fields, Heading, PageBreak, Table, Text
from .data import Answer, ClockLine, CriterionAssessment, DecisionSummary, RapidReviewReport
from .pdf import render_pdf
from .text import NOT_RECORDED, format_date, is_blank, one_line
from .word import render_docx

MARKING = "OFFICIAL-SENSITIVE"

#: Section headings in the order they appear; tests pin this order to DOMAIN.md step 3.
SECTIONS: tuple[str, ...] = (
    "About this rapid review",
    "The case",
    "Agency involvement",
    "Key practice episodes and analysis",
    "Good practice",
    "Immediate actions",
    "Learning so far",
    "How the learning was shared",
    "The family's context",
    "Views of the family",
    "Views of practitioners",
    "Assessment against the criteria",
    "Recommendation",
    "Decision of the safeguarding partners",
    "Sign-off",
)

ANSWER_LABELS: dict[Answer, str] = {"yes": "Yes", "no": "No", "maybe": "Maybe"}

NATURE_LABELS = {"death": "Death", "serious harm": "Serious harm", "other": "Other"}

_PURPOSE = (
    "A rapid review gathers the facts of a serious child safeguarding case as far as they can readily be "
    "established, decides whether any immediate action is needed to keep children safe and to share learning, "
    "considers what could be improved, and decides next steps, including whether to carry out a local child "
    "safeguarding practice review. It is completed and sent to the Child Safeguarding Practice Review Panel "
    "within 15 working days of the notification.\n\n"
    "Children are named by pseudonym only."
)


def rapid_review_docx(report: RapidReviewReport) -> bytes:
    """The rapid review report as a Word document."""
    return render_docx(rapid_review_document(report))


def rapid_review_pdf(report: RapidReviewReport) -> bytes:
    """The rapid review report as a tagged PDF."""
    return render_pdf(rapid_review_document(report))


def rapid_review_document(report: RapidReviewReport) -> Document:
    """The report as a format-neutral outline (shared by the Word and PDF writers)."""
    reference = one_line(report.case_reference)
    pseudonym = one_line(report.child_pseudonym)
    blocks: list[Block] = [
        Text(report.partnership_name),
        Heading(0, "Rapid review"),
        Fields(
            "About this document",
            (
                ("Case reference", reference),
                ("Child", pseudonym),
                ("Date of this report", format_date(report.generated_on)),
                ("Status", _status(report)),
                ("Security marking", MARKING),
            ),
        ),
        PageBreak(),
        Heading(1, SECTIONS[0]),
        Text(_PURPOSE),
        *_the_case(report),
        *_agency_involvement(report),
        Heading(1, "Key practice episodes and analysis"),
        Table(
            "Chronology of key practice episodes, with analysis",
            ("Date", "Agency", "What happened", "Analysis"),
            tuple((format_date(e.date), e.agency, e.what_happened, e.analysis) for e in report.chronology),
            widths=(2, 3, 6, 6),
        ),
        Heading(1, "Good practice"),
        Text(report.good_practice),
        Heading(1, "Immediate actions"),
        Table(
            "Immediate actions to keep children safe and share learning",
            ("Action", "By whom", "Done on"),
            tuple((a.action, a.by_whom, format_date(a.done_on, "Not yet")) for a in report.immediate_actions),
            widths=(6, 3, 2),
        ),
        Heading(1, "Learning so far"),
        Text(report.learning_so_far),
        Heading(1, "How the learning was shared"),
        Text(report.learning_shared),
        Heading(1, "The family's context"),
        Text("Race, culture, disability and the family's wider context.", empty=""),
        Text(report.family_context),
        Heading(1, "Views of the family"),
        Text(report.family_views),
        Heading(1, "Views of practitioners"),
        Text(report.practitioner_views),
        Heading(1, "Assessment against the criteria"),
        Heading(2, "Statutory criteria for a local review"),
        _assessment_table("Assessment against the statutory criteria", report.criteria),
        Heading(2, "Circumstances considered"),
        _assessment_table("Circumstances the decision makers weighed", report.circumstances),
        Heading(1, "Recommendation"),
        Text(report.recommendation, label="Recommendation"),
        Heading(2, "Reasons for the recommendation"),
        Text(report.recommendation_reasons),
        *_decision(report.decision),
        Heading(1, "Sign-off"),
        Table(
            "Sign-off by the safeguarding partners",
            ("Partner", "Name", "Signed on"),
            tuple((s.partner, s.name, format_date(s.signed_on)) for s in report.sign_off),
            widths=(3, 4, 2),
            empty="Not recorded: this rapid review has not been signed off.",
        ),
    ]
    return Document(
        title=f"Rapid review {reference}: {pseudonym}",
        subject="Rapid review",
        author=one_line(report.partnership_name, ""),
        created=report.generated_on,
        blocks=tuple(blocks),
        marking=MARKING,
        keywords=f"rapid review; {reference}; {MARKING}",
    )


def _status(report: RapidReviewReport) -> str:
    if report.sent_on is not None:
        return f"{'Signed off and sent' if report.sign_off else 'Sent'} to the Panel on {format_date(report.sent_on)}"
    if report.sign_off:
        return "Signed off"
    return "Draft: not signed off"


def _clock_status(clock: ClockLine) -> str:
    """The clock's status with how late it is in working days, which the Panel reads (issue 4)."""
    if not clock.working_days_late:
        return clock.status_text
    days = f"{clock.working_days_late} working day{'s' if clock.working_days_late != 1 else ''} late"
    return f"{clock.status_text}: {days}" if clock.status_text else days


def _the_case(report: RapidReviewReport) -> list[Block]:
    incident = report.incident
    blocks: list[Block] = [
        Heading(1, "The case"),
        Heading(2, "Children"),
        Table(
            "Children named in the notification",
            ("Child", "Age", "Sex", "Ethnicity", "Disability", "Legal status", "Local authority of residence"),
            tuple(
                (c.pseudonym, c.age_band, c.sex, c.ethnicity, c.disability, c.legal_status, c.la_of_residence)
                for c in report.children
            ),
        ),
        Heading(2, "The incident"),
    ]
    if incident is None:
        blocks.append(Text(""))
    else:
        blocks.append(
            Fields(
                "The incident as notified",
                (
                    ("Nature", NATURE_LABELS[incident.nature]),
                    ("Date of incident", format_date(incident.incident_date)),
                    ("Place", incident.place),
                    ("Local authority where it happened", incident.la_where_happened),
                    ("Date the local authority became aware", format_date(incident.la_became_aware)),
                    ("Notification sent to the Panel", format_date(incident.notification_sent_on)),
                    ("Panel reference", incident.panel_reference),
                ),
            )
        )
    blocks += [
        Heading(2, "Timescales"),
        Table(
            "Statutory timescales",
            ("Milestone", "Due", "Met on", "Status"),
            tuple(
                (c.label, format_date(c.due), format_date(c.met_on, "Not yet"), _clock_status(c)) for c in report.clocks
            ),
            widths=(5, 2, 2, 5),
        ),
    ]
    return blocks


def _agency_involvement(report: RapidReviewReport) -> list[Block]:
    blocks: list[Block] = [Heading(1, "Agency involvement")]
    if not report.agency_involvement:
        blocks.append(Text(""))
    for summary in report.agency_involvement:
        blocks += [
            Heading(2, one_line(summary.agency)),
            Text(summary.author_role, label="Summary by"),
            Text(summary.summary),
        ]
    return blocks


def _assessment_table(caption: str, assessments: Sequence[CriterionAssessment]) -> Table:
    return Table(
        caption,
        ("Criterion", "Answer", "Reasons"),
        tuple((_criterion_label(a), ANSWER_LABELS[a.answer], a.reasons) for a in assessments),
        widths=(5, 1, 6),
    )


def _criterion_label(assessment: CriterionAssessment) -> str:
    code = one_line(assessment.code, "")
    label = one_line(assessment.label, "")
    # Statutory criteria have one-letter codes, printed as the regulation prints them; longer codes
    # ("cross-boundary") are identifiers for the workflow, not for readers.
    return f"({code}) {label}" if 0 < len(code) <= 2 else label


def _decision(decision: DecisionSummary | None) -> list[Block]:
    blocks: list[Block] = [Heading(1, "Decision of the safeguarding partners")]
    if decision is None:
        blocks.append(Text("", empty=f"{NOT_RECORDED}: the safeguarding partners have not yet decided."))
        return blocks
    how = (
        "By majority, after the independent scrutineer's advice"
        if decision.majority
        else "All three safeguarding partners agreed"
    )
    blocks += [
        Fields(
            "The decision",
            (
                ("Decision", decision.outcome_label),
                ("Decided on", format_date(decision.decided_on)),
                ("How it was reached", how),
            ),
        ),
        Heading(2, "Rationale"),
        Text(decision.rationale),
        Heading(2, "Votes"),
        Table(
            "Votes of the safeguarding partners' decision makers",
            ("Round", "Partner", "Decision maker", "Vote", "Rationale"),
            tuple(
                (str(v.round), v.partner, v.decision_maker, v.vote_label, v.rationale)
                for v in sorted(decision.votes, key=lambda vote: vote.round)
            ),
            widths=(1, 3, 3, 3, 6),
        ),
        Heading(2, "Independent scrutineer's advice"),
        Text(decision.scrutineer_advice),
    ]
    if is_blank(decision.scrutineer_advice) and not decision.majority:
        blocks[-1] = Text("", empty=f"{NOT_RECORDED} (advice is needed only when the decision makers disagree).")
    # DOMAIN.md step 4: the rationale is told to the family, in writing and where possible in person.
    blocks += [
        Heading(2, "How the family was told"),
        Table(
            "When, how and by whom the family was told of the decision",
            ("Date", "How", "By whom"),
            tuple((format_date(f.told_on), f.method, f.told_by) for f in decision.family_told),
            widths=(2, 4, 5),
            empty=f"{NOT_RECORDED}: the family has not yet been told of the decision.",
        ),
    ]
    return blocks
