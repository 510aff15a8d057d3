"""Library operations in /api/v1/ (mounted by cspr/api/api.py)."""

from ninja import Router

router = Router(tags=["library"])
