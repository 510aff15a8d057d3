"""How PostgreSQL polices the audit trail (cspr.core.rowsecurity).

Anyone may append an event (every service does, for whoever acts); nobody may change or delete one (no UPDATE
or DELETE policy exists, on top of the append-only triggers). An event is read by the partnership it concerns,
by the person who acted, by the system administrator for events that concern no partnership (sign-ins,
accounts), and by a request with nobody signed in for the events it writes itself (a failed sign-in:
PostgreSQL checks an inserted row against the read rule, as Django reads the new id back)."""

from cspr.core.rowsecurity import Policy

POLICIES = {
    "audit_auditevent": Policy(
        using=(
            "cspr_system() OR partnership_id = ANY(cspr_partnerships()) OR actor_id = cspr_user() "
            "OR (partnership_id IS NULL AND (cspr_admin() OR (actor_id IS NULL AND cspr_user() IS NULL)))"
        ),
        insert_check="true",
        writable=False,
    ),
}

EXEMPT = {
    "audit_auditchainhead": "the chain's last sequence number and hash: no partnership data, and every writer "
    "must read it to append",
}
