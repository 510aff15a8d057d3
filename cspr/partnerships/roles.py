"""Roles from DOMAIN.md ("Who uses the system") and what each may do.

Permissions are decided here, in one table, so pages, API and command line agree. A role is held through a
Membership: of one partnership (most roles), or national (Panel member, system administrator).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    BUSINESS_MANAGER = "business_manager"
    DECISION_MAKER_LA = "decision_maker_la"
    DECISION_MAKER_POLICE = "decision_maker_police"
    DECISION_MAKER_ICB = "decision_maker_icb"
    SCRUTINEER = "scrutineer"
    REVIEWER = "reviewer"
    AGENCY_CONTRIBUTOR = "agency_contributor"
    PANEL_MEMBER = "panel_member"
    AUDITOR = "auditor"
    SYSTEM_ADMIN = "system_admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.BUSINESS_MANAGER: "Business manager",
    Role.DECISION_MAKER_LA: "Decision maker (local authority)",
    Role.DECISION_MAKER_POLICE: "Decision maker (police)",
    Role.DECISION_MAKER_ICB: "Decision maker (integrated care board)",
    Role.SCRUTINEER: "Independent scrutineer",
    Role.REVIEWER: "Reviewer",
    Role.AGENCY_CONTRIBUTOR: "Agency contributor",
    Role.PANEL_MEMBER: "National Panel member",
    Role.AUDITOR: "Auditor",
    Role.SYSTEM_ADMIN: "System administrator",
}

ROLE_CHOICES = [(r.value, ROLE_LABELS[r]) for r in Role]

# Roles held nationally, not within one partnership.
NATIONAL_ROLES = frozenset({Role.PANEL_MEMBER, Role.SYSTEM_ADMIN})

# The three safeguarding partners' decision makers (Children Act 2004 s16E; Working Together 2023 ch.2).
DECISION_MAKER_ROLES = frozenset({Role.DECISION_MAKER_LA, Role.DECISION_MAKER_POLICE, Role.DECISION_MAKER_ICB})

# Roles that see every case of their partnership. Reviewers see only the reviews they are commissioned for;
# agency contributors only the requests addressed to them (DOMAIN.md: need-to-know access).
PARTNERSHIP_WIDE_ROLES = frozenset({Role.BUSINESS_MANAGER, Role.SCRUTINEER, Role.AUDITOR, *DECISION_MAKER_ROLES})

# Roles whose holders may invite and remove people in their own partnership.
PEOPLE_ADMIN_ROLES = frozenset({Role.BUSINESS_MANAGER})

# Roles that only read (DOMAIN.md: scrutineer "reads everything of their partnership, changes little";
# auditor is read-only with access logged).
READ_ONLY_ROLES = frozenset({Role.AUDITOR})
