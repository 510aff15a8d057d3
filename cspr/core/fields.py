"""Model fields that encrypt personal data at rest (DESIGN.md rule 6).

The database holds only Fernet tokens; the plain value exists in memory while a request uses it. Encrypted
fields cannot be searched or ordered in SQL: lists show pseudonyms, never these values.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import models

from cspr.core.crypto import decrypt_bytes, decrypt_text, encrypt_bytes, encrypt_text

if TYPE_CHECKING:
    # django-stubs makes a model field generic over the type it is set with and the type it is read as.
    # Django's fields cannot be subscripted at runtime, so the parameters exist for the type checker only.
    # An encrypted value is never an SQL expression (F(), Lower()): the plain value is encrypted in Python.
    _TextField = models.TextField[str, str]
    _CharField = models.CharField[str, str]
    # Dates of birth are often unknown: the one encrypted date is nullable.
    _DateField = models.DateField[datetime.date | str | None, datetime.date | None]
    # JSON text holds any JSON value, as Django's own JSONField does (see EncryptedJSONField).
    _JSONInTextField = models.TextField[Any, Any]
    _BytesInTextField = models.TextField[bytes, bytes]
else:
    _TextField = _JSONInTextField = _BytesInTextField = models.TextField
    _CharField, _DateField = models.CharField, models.DateField


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None: a NUL character (PostgreSQL refuses it in text, SQLite
    stores it) or a lone surrogate (not Unicode text at all: it cannot be encoded, encrypted or stored)."""
    if "\x00" in value:
        return "must not contain a NUL character (\\x00)"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid text: it holds a lone surrogate character"
    return None


def json_strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from json_strings(key)
            yield from json_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from json_strings(item)


def reject_unstorable_text(value: Any) -> None:
    """A field validator (run by forms and full_clean): text that no column can hold is a validation error,
    never an UnicodeEncodeError in the encryption or a database error."""
    from django.core.exceptions import ValidationError

    for text in json_strings(value):
        problem = text_problem(text)
        if problem:
            raise ValidationError(f"This {problem}", code="unstorable")


class _EncryptedMixin:
    """Shared conversion: Python value <-> text <-> Fernet token stored in a TEXT column."""

    def to_text(self, value: Any) -> str:
        return str(value)

    def from_text(self, text: str) -> Any:
        return text

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return self.empty_value()
        return self.from_text(decrypt_text(value))

    def empty_value(self) -> Any:
        return ""

    def get_prep_value(self, value: Any) -> str | None:
        # The mixin is not a Field itself: the super() it reaches is the Field it is mixed into.
        value = super().get_prep_value(value)  # type: ignore[misc]
        if value is None or value == "":
            return None if getattr(self, "null", False) else ""
        return encrypt_text(self._storable(self.to_text(value)))

    def _storable(self, text: str) -> str:
        """The last guard before encryption: text with a lone surrogate cannot be encoded to encrypt it. The
        services and the API refuse it first with a field's message; a path that missed it still gets a clear
        refusal (422), inside its transaction, never an UnicodeEncodeError (issue "Prove it holds", defect 2)."""
        problem = text_problem(text)
        if problem:
            from cspr.core.errors import ValidationFailed

            name = str(getattr(self, "name", "value"))
            raise ValidationFailed(
                f"There is a problem with {name.replace('_', ' ')}.", field_errors={name: f"This {problem}"}
            )
        return text

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        # Skip the backend's date/char adaptation: what goes to the database is always the token text.
        return value if prepared else self.get_prep_value(value)


class EncryptedTextField(_EncryptedMixin, _TextField):
    """Free text about a child or family: names, narratives, chronologies."""

    def to_python(self, value: Any) -> Any:
        return "" if value is None else str(value)


class EncryptedCharField(_EncryptedMixin, _CharField):
    """Short personal values (a name); ``max_length`` limits the plain text, the column is TEXT."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def db_type(self, connection: Any) -> str:
        # db_type is None only for a field with no column; a TEXT column always has a type.
        return models.TextField().db_type(connection)  # type: ignore[return-value]


class EncryptedDateField(_EncryptedMixin, _DateField):
    """A date of birth: stored encrypted, so it cannot be filtered in SQL (age bands are stored apart)."""

    def empty_value(self) -> Any:
        return None

    def to_text(self, value: datetime.date | str) -> str:
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return value.isoformat()

    def from_text(self, text: str) -> datetime.date:
        return datetime.date.fromisoformat(text)

    def db_type(self, connection: Any) -> str:
        # db_type is None only for a field with no column; a TEXT column always has a type.
        return models.TextField().db_type(connection)  # type: ignore[return-value]

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        return getattr(model_instance, self.attname)


class EncryptedJSONField(_EncryptedMixin, _JSONInTextField):
    """Structured personal data (a draft's form fields) kept encrypted as JSON text."""

    # Where a field's parameters are Any, django-stubs reads its value types from these two names.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def to_text(self, value: Any) -> str:
        import json

        return json.dumps(value, sort_keys=True, default=str)

    def from_text(self, text: str) -> Any:
        import json

        return json.loads(text)

    def empty_value(self) -> Any:
        return None

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return encrypt_text(self._storable(self.to_text(value)))


class EncryptedBinaryField(_EncryptedMixin, _BytesInTextField):
    """A document about a child (a report as it was sent): the bytes are encrypted straight into a Fernet
    token kept as TEXT, so ``cspr rotate-keys`` re-encrypts it like every other encrypted column."""

    def empty_value(self) -> Any:
        return b""

    def to_python(self, value: Any) -> Any:
        return bytes(value) if value else b""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return b""
        return decrypt_bytes(value)

    def get_prep_value(self, value: Any) -> str | None:
        if not value:  # None, b"" or the column default ""
            return None if self.null else ""
        return encrypt_bytes(bytes(value))


def is_encrypted(field: object) -> bool:
    return isinstance(field, _EncryptedMixin)


def encrypted_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, _EncryptedMixin)]
