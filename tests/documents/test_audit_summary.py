"""The rapid-review audit summary for the assurance group: checklist, totals that add up, every row."""

from __future__ import annotations

from io import BytesIO

import docx
import pytest
from docx.enum.section import WD_ORIENT

from cspr.documents import AuditRow, rr_audit_summary_docx, rr_audit_summary_pdf
from tests.documents.readers import docx_tables, pdf_catalog, pdf_text
from tests.documents.samples import D, make_audit


def test_totals_are_counted_from_the_rows():
    totals = {total.item: (total.met, total.partly, total.not_met) for total in make_audit().totals}
    assert totals == {
        "facts_gathered": (3, 0, 0),
        "immediate_safety": (2, 1, 0),
        "criteria_reasoned": (2, 1, 0),
        "rationale_clear": (2, 1, 0),
        "family_told": (2, 0, 1),
        "on_time": (2, 0, 1),
    }


def test_word_summary_has_totals_table_and_a_row_per_audited_rapid_review(audit_docx):
    tables = docx_tables(audit_docx)
    totals = next(t for t in tables if t[0][0] == "Item" and t[0][1] == "Met")
    assert totals[1] == ["Facts gathered", "3", "0", "0", "100%"]
    assert totals[5] == ["Family told", "2", "0", "1", "67%"]
    rows = next(t for t in tables if t[0][0] == "Case reference")
    assert rows[1] == [
        "NSCP-2026-001",
        "Child K",
        "Met",
        "Met",
        "Partly met",
        "Met",
        "Not met",
        "Met",
        "Family not yet written to",
    ]
    assert rows[-1] == ["Met in total", "", "3 of 3", "2 of 3", "2 of 3", "2 of 3", "2 of 3", "2 of 3", ""]


def test_summary_is_landscape_for_the_width_of_the_table(audit_docx, audit_pdf):
    assert docx.Document(BytesIO(audit_docx)).sections[0].orientation == WD_ORIENT.LANDSCAPE
    width, height = pdf_catalog(audit_pdf)["page_size"]
    assert width > height


def test_pdf_summary_shows_period_scores_comments_and_marking(audit_pdf):
    text = pdf_text(audit_pdf)
    for expected in (
        "Rapid review audit summary",
        "Period 1 January 2026 to 31 March 2026",
        "Rapid reviews audited 3",
        "NSCP-2026-004 Child M Met Partly met Met Met Met Not met Sent 2 days late",
        "Met in total 3 of 3 2 of 3",
        "OFFICIAL-SENSITIVE",
    ):
        assert expected in text, expected
    assert pdf_catalog(audit_pdf)["tagged"] is True


def test_an_audit_with_no_rows_still_renders_and_says_so():
    summary = make_audit(rows=[])
    assert "Not recorded: no rapid reviews were audited in this period." in pdf_text(rr_audit_summary_pdf(summary))
    tables = docx_tables(rr_audit_summary_docx(summary))
    assert not any(t[0][0] == "Case reference" for t in tables)


def test_an_unknown_score_is_refused_when_the_row_is_built():
    with pytest.raises(ValueError, match="on_time"):
        AuditRow("R", "Child K", "met", "met", "met", "met", "met", "late")  # type: ignore[arg-type]


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends before it starts"):
        make_audit(period_start=D(2026, 4, 1), period_end=D(2026, 3, 31))
