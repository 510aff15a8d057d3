"""How PostgreSQL polices the library (cspr.core.rowsecurity).

A public report is everyone's to read; an unpublished one only its partnership's. A partnership writes its own
reports; the Panel and the system administrator curate public ones. Passages, themes and vectors follow their
report."""

from cspr.core.rowsecurity import Policy, through

POLICIES = {
    "library_report": Policy(
        using="cspr_system() OR is_public OR partnership_id = ANY(cspr_partnerships())",
        check=(
            "cspr_system() OR partnership_id = ANY(cspr_partnerships()) "
            "OR (is_public AND (cspr_panel() OR cspr_admin()))"
        ),
    ),
    "library_passage": through("report_id", "library_report"),
    "library_reporttheme": through("report_id", "library_report"),
    "library_reportvector": through("report_id", "library_report"),
}

EXEMPT = {
    "library_libraryversion": "a counter that tells each process its cached library vectors are stale",
}
