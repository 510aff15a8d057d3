"""Who may see and who may curate library reports, decided in one place for pages, API and CLI.

Published reports are public. A partnership's unpublished material is visible only to the people who see
all of that partnership's work (business manager, decision makers, scrutineer, auditor). Theme curation
(confirming or rejecting suggestions) is for the national curators (Panel members, system administrators)
and, for a partnership's own reports, its business manager.
"""

from __future__ import annotations

from django.db.models import Q

from cspr.library.models import Report
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import Access

CURATOR_ROLES = frozenset({Role.BUSINESS_MANAGER})


def visible_reports_q(access: Access) -> Q:
    """The reports a person may read: every public report, plus their own partnerships' unpublished ones."""
    own = access.partnership_wide_ids()
    return Q(is_public=True) | Q(partnership_id__in=own) if own else Q(is_public=True)


def can_curate_anything(access: Access) -> bool:
    return (
        access.is_panel
        or access.is_system_admin
        or any(roles & CURATOR_ROLES for roles in access.roles_by_partnership.values())
    )


def curatable_reports_q(access: Access) -> Q:
    if access.is_panel or access.is_system_admin:
        return Q()
    ids = [p for p, roles in access.roles_by_partnership.items() if roles & CURATOR_ROLES]
    return Q(partnership_id__in=ids)


def can_curate(access: Access, report: Report) -> bool:
    if access.user_id is None:
        return False
    if access.is_panel or access.is_system_admin:
        return True
    return report.partnership_id is not None and access.has_role(report.partnership_id, *CURATOR_ROLES)
