"""How PostgreSQL polices the case tables (cspr.core.rowsecurity; DESIGN.md rule 1, DOMAIN.md data protection).

One rule decides every case table: a case is the database's to show to the people of its partnership, and to
the national Panel once its notification was sent (``sent_to_panel_at``). Every other case table is policed
through its parent row, whose own policy filters the sub-select. What within a case each person reads (the
Panel only what was sent to it, a contributor only their agency's request) stays the visibility policy's
(cspr/cases/visibility.py): this wall is coarser, and catches a query that forgot its scope."""

from cspr.core.rowsecurity import Policy, partnership, through

_CASE = "cases_case"

POLICIES = {
    _CASE: Policy(
        "cspr_system() OR partnership_id = ANY(cspr_partnerships()) OR (cspr_panel() AND sent_to_panel_at IS NOT NULL)"
    ),
    **{
        f"cases_{name}": through("case_id", _CASE)
        for name in (
            "child",
            "casedate",
            "referral",
            "notification",
            "rapidreview",
            "agencyrequest",
            "episode",
            "immediateaction",
            "decision",
            "panelresponse",
            "attachment",
            "panelsending",
            "caseclock",
        )
    },
    "cases_notificationversion": through("notification_id", "cases_notification"),
    "cases_vote": through("decision_id", "cases_decision"),
    "cases_familycommunication": through("decision_id", "cases_decision"),
    "cases_rapidreviewaudit": partnership(),
    "cases_rapidreviewaudititem": through("audit_id", "cases_rapidreviewaudit"),
}
