"""Word and PDF documents of the rapid-review stage: the report, the family letter, the audit summary.

A pure rendering package: it takes the plain dataclasses of :mod:`cspr.documents.data` and returns bytes,
importing no models, so the case workflow decides what a document says and this package only how it looks.
All text is treated as untrusted plain text: escaped in both formats, and the PDF renderer can fetch nothing
but ``data:`` URIs. See docs/documents.md.
"""

from .audit_summary import rr_audit_summary_docx, rr_audit_summary_pdf
from .data import (
    AUDIT_ITEMS,
    CIRCUMSTANCES,
    STATUTORY_CRITERIA,
    AgencySummary,
    AuditRow,
    AuditTotal,
    ChildSummary,
    ClockLine,
    CriterionAssessment,
    DecisionSummary,
    Episode,
    FamilyLetter,
    FamilyTold,
    ImmediateAction,
    IncidentSummary,
    RapidReviewAuditSummary,
    RapidReviewReport,
    SignOff,
    Vote,
)
from .family_letter import IncompleteLetter, family_letter_docx, family_letter_pdf
from .rapid_review import rapid_review_docx, rapid_review_pdf

__all__ = [
    "AUDIT_ITEMS",
    "CIRCUMSTANCES",
    "STATUTORY_CRITERIA",
    "AgencySummary",
    "AuditRow",
    "AuditTotal",
    "ChildSummary",
    "ClockLine",
    "CriterionAssessment",
    "DecisionSummary",
    "Episode",
    "FamilyLetter",
    "FamilyTold",
    "ImmediateAction",
    "IncidentSummary",
    "IncompleteLetter",
    "RapidReviewAuditSummary",
    "RapidReviewReport",
    "SignOff",
    "Vote",
    "family_letter_docx",
    "family_letter_pdf",
    "rapid_review_docx",
    "rapid_review_pdf",
    "rr_audit_summary_docx",
    "rr_audit_summary_pdf",
]
