"""The rapid-review audit summary for the partnership's assurance group (DOMAIN.md step 12).

The assurance group asks of recent rapid reviews: were decisions sound and rationales clear? Each audited
rapid review is scored met / partly met / not met against the six items of :data:`AUDIT_ITEMS`, with a
comment. The summary shows the checklist, the totals per item (computed from the rows, so they always add
up) and every row. It is an internal document: cases appear by reference and pseudonym, and counts are not
suppressed, because the group must see every case it audits. Landscape, for the width of the table.
"""

from __future__ import annotations

from .blocks import Block, Document, Fields, Heading, Table, Text
from .data import AUDIT_ITEMS, RapidReviewAuditSummary, Score
from .pdf import render_pdf
from .text import format_date, one_line
from .word import render_docx

MARKING = "OFFICIAL-SENSITIVE"

SCORE_LABELS: dict[Score, str] = {"met": "Met", "partly": "Partly met", "not met": "Not met"}


def rr_audit_summary_docx(summary: RapidReviewAuditSummary) -> bytes:
    """The audit summary as a Word document."""
    return render_docx(rr_audit_summary_document(summary))


def rr_audit_summary_pdf(summary: RapidReviewAuditSummary) -> bytes:
    """The audit summary as a tagged PDF."""
    return render_pdf(rr_audit_summary_document(summary))


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "n/a"


def rr_audit_summary_document(summary: RapidReviewAuditSummary) -> Document:
    """The audit summary as a format-neutral outline (shared by the Word and PDF writers)."""
    period = f"{format_date(summary.period_start)} to {format_date(summary.period_end)}"
    audited = len(summary.rows)
    totals = summary.totals
    about: list[tuple[str, str]] = [
        ("Period", period),
        ("Rapid reviews audited", str(audited)),
        ("Security marking", MARKING),
    ]
    if summary.generated_on is not None:
        about.append(("Date of this summary", format_date(summary.generated_on)))
    blocks: list[Block] = [
        Text(summary.partnership_name),
        Heading(0, "Rapid review audit summary"),
        Fields("About this summary", tuple(about)),
        Text(
            "For the assurance group: were the decisions of recent rapid reviews sound, and were their "
            "rationales clear? Each rapid review is scored against the checklist below as met, partly met or "
            "not met."
        ),
        Heading(1, "Checklist"),
        Table("The audit checklist", ("Item", "What it checks"), tuple((label, why) for _, label, why in AUDIT_ITEMS)),
        Heading(1, "Totals"),
        Table(
            "Number of rapid reviews scoring met, partly met and not met on each item",
            ("Item", "Met", "Partly met", "Not met", "Met (share)"),
            tuple((t.label, str(t.met), str(t.partly), str(t.not_met), _percent(t.met, t.audited)) for t in totals),
            widths=(4, 2, 2, 2, 2),
        )
        if audited
        else Text("", empty="Not recorded: no rapid reviews were audited in this period."),
        Heading(1, "Rapid reviews audited"),
        Table(
            "Scores for each audited rapid review",
            ("Case reference", "Child", *(label for _, label, _ in AUDIT_ITEMS), "Comment"),
            tuple(
                (
                    row.case_reference,
                    row.child_pseudonym,
                    *(SCORE_LABELS[row.score(name)] for name, _, _ in AUDIT_ITEMS),
                    row.comment,
                )
                for row in summary.rows
            ),
            widths=(3, 2, 2, 2, 2, 2, 2, 2, 6),
            footer=(
                "Met in total",
                "",
                *(f"{t.met} of {t.audited}" for t in totals),
                "",
            )
            if audited
            else (),
        ),
    ]
    partnership = one_line(summary.partnership_name, "")
    return Document(
        title=f"Rapid review audit summary: {partnership}, {period}",
        subject="Rapid review audit summary",
        author=partnership,
        created=summary.generated_on or summary.period_end,
        blocks=tuple(blocks),
        marking=MARKING,
        keywords=f"rapid review audit; assurance; {MARKING}",
        landscape=True,
    )
