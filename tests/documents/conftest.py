"""Rendered sample documents, each rendered once per session because rendering is the slow part."""

from __future__ import annotations

import pytest

from cspr.documents import (
    RapidReviewReport,
    family_letter_docx,
    family_letter_pdf,
    rapid_review_docx,
    rapid_review_pdf,
    rr_audit_summary_docx,
    rr_audit_summary_pdf,
)
from tests.documents.samples import D, make_audit, make_letter, make_report


@pytest.fixture(scope="session")
def report_docx() -> bytes:
    return rapid_review_docx(make_report())


@pytest.fixture(scope="session")
def report_pdf() -> bytes:
    return rapid_review_pdf(make_report())


@pytest.fixture(scope="session")
def empty_report() -> RapidReviewReport:
    return RapidReviewReport(
        partnership_name="Northshire Safeguarding Children Partnership",
        case_reference="NSCP-2026-009",
        child_pseudonym="Child Z",
        generated_on=D(2026, 4, 1),
    )


@pytest.fixture(scope="session")
def letter_docx() -> bytes:
    return family_letter_docx(make_letter())


@pytest.fixture(scope="session")
def letter_pdf() -> bytes:
    return family_letter_pdf(make_letter())


@pytest.fixture(scope="session")
def audit_docx() -> bytes:
    return rr_audit_summary_docx(make_audit())


@pytest.fixture(scope="session")
def audit_pdf() -> bytes:
    return rr_audit_summary_pdf(make_audit())
