"""Errors raised by services. Views, the API and the command line turn them into messages for people.

A service never returns a half-done result: it raises one of these before anything is written, or inside
the transaction so that everything it wrote is rolled back (DESIGN.md rule 5).
"""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    """A request that cannot be carried out, with a message a non-technical user can act on."""

    def __init__(self, message: str, *, field_errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors: dict[str, str] = dict(field_errors or {})


class ValidationFailed(ServiceError):
    """Input that breaks a rule; ``field_errors`` says which field and how to fix it."""


class NotAllowed(ServiceError):
    """The user may see the record but may not make this change (e.g. a scrutineer editing a vote)."""


class NotFound(ServiceError):
    """The record does not exist or the user may not know it exists (DESIGN.md rule 1: 404, never 403)."""


class StaleEdit(ServiceError):
    """Someone else saved the record first; the user's text is kept and shown back to them."""


class IllegalTransition(ServiceError):
    """A move the case state machine does not allow from the case's current state (DESIGN.md rule 3)."""


class TooManyAttempts(ServiceError):
    """Refused because of too many failed attempts (a password guessed at): 429, with when to try again."""


class TooLarge(ServiceError):
    """A request body over the size the service accepts (DATA_UPLOAD_MAX_MEMORY_SIZE): 413."""
