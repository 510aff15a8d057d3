"""How PostgreSQL polices the partnerships app's tables (cspr.core.rowsecurity; DESIGN.md rule 1).

A person reads their own memberships (to learn what they may reach) and those of the partnerships they belong
to; the system administrator, who manages people everywhere, reads and writes all of them."""

from cspr.core.rowsecurity import Policy

_MEMBERS = "cspr_system() OR cspr_admin() OR partnership_id = ANY(cspr_partnerships())"

POLICIES = {
    "partnerships_membership": Policy(
        using=f"{_MEMBERS} OR user_id = cspr_user()",
        check=_MEMBERS,
    ),
    "partnerships_invitation": Policy(using=_MEMBERS),
}

EXEMPT = {
    "partnerships_partnership": "the directory of partnerships: public bodies' names, shown to the Panel and on "
    "public pages",
    "partnerships_organisation": "the directory of each partnership's agencies: public bodies' names",
    "partnerships_user": "people's names and sign-in details, read to sign in before any scope exists; a person "
    "is reached from partnership data only through memberships, which are policed",
    "partnerships_user_groups": "Django's permission links, unused by cspr",
    "partnerships_user_user_permissions": "Django's permission links, unused by cspr",
    "partnerships_apitoken": "credentials, looked up by their hash before their owner is known; no partnership data",
}
