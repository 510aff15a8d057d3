"""Field encryption with rotating keys (DESIGN.md rule 6).

``FIELD_ENCRYPTION_KEYS`` lists Fernet keys; the first encrypts and all decrypt (MultiFernet), so a new key
is put first, ``cspr rotate-keys`` re-encrypts every stored value, and the old key is then removed.
Keys live outside the database: in the environment or a file named by ``FIELD_ENCRYPTION_KEYS_FILE``.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


@lru_cache(maxsize=8)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: at least one Fernet key is needed.")
    try:
        return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64-encoded bytes)."
        ) from exc


def fernet() -> MultiFernet:
    return _multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def first_key_fernet() -> Fernet:
    """The key that encrypts: what ``cspr rotate-keys`` moves every stored value and file to."""
    fernet()  # the same checks and messages as every other use of the keys
    key = settings.FIELD_ENCRYPTION_KEYS[0]
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt_text(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise DecryptionError("A stored value could not be decrypted with any configured key.") from exc


def encrypt_bytes(value: bytes) -> str:
    return fernet().encrypt(value).decode("ascii")


def decrypt_bytes(token: str) -> bytes:
    try:
        return fernet().decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError) as exc:
        raise DecryptionError("A stored value could not be decrypted with any configured key.") from exc


def rotate_token(token: str) -> str:
    """Re-encrypt ``token`` with the first key; raises DecryptionError if no key opens it."""
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError) as exc:
        raise DecryptionError("A stored value could not be decrypted with any configured key.") from exc


def blind_index(value: str) -> str:
    """A keyed hash of a normalised value, so an exact match (e.g. a child's name across cases) can be found
    without storing or decrypting the name. Uses the audit HMAC key's sibling derivation."""
    key = hashlib.sha256(("blind-index:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, " ".join(value.lower().split()).encode("utf-8"), hashlib.sha256).hexdigest()
