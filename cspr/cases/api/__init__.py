"""The case workflow in /api/v1/cases (mounted by cspr/api/api.py): every action of the case pages, calling
the same selectors and services with the token owner as the actor.

What each role reads follows the selectors: the partnership's own people the whole case; the national Panel
what was sent to it (the notification without who the children are, then the rapid review and decision once
sent; never agency requests); agency contributors only the requests addressed to them; another partnership
nothing (404). Service errors come back as JSON: 404 not found, 403 not allowed, 409 stale or out of turn,
422 with ``field_errors`` keyed by the body's field names.

One module per step of the chain; ids in paths are int-typed, so /requests or /panel is never read as a case
id whatever order the modules register in.
"""

from __future__ import annotations

from cspr.cases.api import audits, case, decision, files, notification, overview, rapid_review
from cspr.cases.api.common import router

__all__ = ["audits", "case", "decision", "files", "notification", "overview", "rapid_review", "router"]
