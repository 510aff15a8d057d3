"""What the library adds to ``cspr daily`` (cspr.core.registry), registered from ``LibraryConfig.ready()``."""

from __future__ import annotations

from cspr.core.registry import JobResult


def daily_retention() -> JobResult:
    """Remove the full text of reports whose retention date has passed, keeping the catalogue record."""
    from cspr.library.services import library_retention_apply

    removed = library_retention_apply(actor=None)
    return JobResult(f"Library reports whose full text was removed: {len(removed)}")
