"""Who may see and who may curate library reports, decided in one place for pages, API and CLI.

Published reports are public. A partnership's unpublished material is visible only to the people who see
all of that partnership's work (business manager, decision makers, scrutineer, auditor). Theme curation
(confirming or rejecting suggestions) is for the national curators (Panel members, system administrators)
and, for a partnership's own reports, its business manager. Curation never reaches further than reading:
a curator curates only reports they may open, so the Panel and system administrators curate every public
report and none of a partnership's unpublished material (the queue does not list its titles, and a
decision on it is NotFound, as if it were not there).
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


def can_read(access: Access, report: Report) -> bool:
    """The Python twin of :func:`visible_reports_q`, for a report already loaded."""
    return report.is_public or (
        report.partnership_id is not None and report.partnership_id in access.partnership_wide_ids()
    )


def curatable_reports_q(access: Access) -> Q:
    """The reports a person may curate: within what they may read (never another partnership's private
    reports, even for the Panel), and then any of them for national curators, their own partnerships'
    for a business manager."""
    if access.is_panel or access.is_system_admin:
        return visible_reports_q(access)
    ids = [p for p, roles in access.roles_by_partnership.items() if roles & CURATOR_ROLES]
    return visible_reports_q(access) & Q(partnership_id__in=ids)


def can_curate(access: Access, report: Report) -> bool:
    if access.user_id is None or not can_read(access, report):
        return False
    if access.is_panel or access.is_system_admin:
        return True
    return report.partnership_id is not None and access.has_role(report.partnership_id, *CURATOR_ROLES)
