"""Malware scanning of uploaded files, behind one small interface (docs/documents.md, "The upload gate").

Production scans through ClamAV's daemon, ``clamd``, over its socket with the INSTREAM command (standard
library only: a Unix socket path or ``host:port`` in ``CSPR_CLAMD_SOCKET``). Tests and the demo use
:class:`TestScanner`, which finds only the EICAR test string, so a test can prove a flagged file is refused
without a real virus or a running daemon. Which one is used is ``CSPR_UPLOAD_SCAN``: ``clamd``, ``test`` or
``off``; a production process without a real scanner fails Django's system checks (``cspr.E010``-``E013``)
unless ``CSPR_UPLOAD_SCAN=off`` says so on purpose, which is a loud warning (``cspr.W010``).
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core import checks

__all__ = [
    "EICAR",
    "ClamdScanner",
    "ScanResult",
    "Scanner",
    "ScannerUnavailable",
    "TestScanner",
    "check_upload_scanner",
    "configured_scanner",
    "parse_clamd_address",
]

# The anti-virus industry's harmless test file (eicar.org): every scanner reports it as "Eicar-Signature".
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""  # what the scanner found ("Eicar-Signature"); never the file's name or content


class ScannerUnavailable(Exception):
    """The scanner could not give an answer (not running, timed out, refused the stream): fail closed."""


class Scanner(Protocol):
    def scan(self, data: bytes) -> ScanResult: ...


class TestScanner:
    """Flags the EICAR test string anywhere in the bytes; for tests and the demo, never a real defence."""

    __test__ = False  # not a pytest test class

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(clean=False, signature="Eicar-Signature") if EICAR in data else ScanResult(clean=True)


def parse_clamd_address(value: str) -> str | tuple[str, int]:
    """A Unix socket path (``/run/clamav/clamd.ctl``) or a TCP ``host:port`` (``clamav:3310``,
    ``tcp://clamav:3310``). Raises ValueError for anything else."""
    value = value.strip()
    if value.startswith("unix://"):
        value = value.removeprefix("unix://")
    if value.startswith("/"):
        return value
    value = value.removeprefix("tcp://")
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{value!r} is neither a socket path nor host:port")
    return host.strip("[]"), int(port)


class ClamdScanner:
    """ClamAV's clamd over INSTREAM: ``zINSTREAM\\0``, then chunks each led by its length as a 4-byte
    big-endian number, then a zero length; clamd answers ``stream: OK`` or ``stream: <name> FOUND``."""

    def __init__(self, address: str | tuple[str, int], *, timeout: float = 30.0) -> None:
        self.address = address
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        if isinstance(self.address, str):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(self.address)
            return sock
        return socket.create_connection(self.address, timeout=self.timeout)

    def scan(self, data: bytes) -> ScanResult:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                view = memoryview(data)
                for start in range(0, len(data), CHUNK):
                    piece = view[start : start + CHUNK]
                    sock.sendall(struct.pack("!L", len(piece)) + piece)
                sock.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0") and len(reply) < 4096:
                    got = sock.recv(4096)
                    if not got:
                        break
                    reply += got
        except OSError as exc:
            raise ScannerUnavailable(f"clamd did not answer: {exc.__class__.__name__}") from exc
        answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        if answer.endswith("OK") and "FOUND" not in answer:
            return ScanResult(clean=True)
        if answer.endswith("FOUND"):
            found = answer.removeprefix("stream:").removesuffix("FOUND").strip()
            return ScanResult(clean=False, signature=found or "malware")
        # "INSTREAM size limit exceeded. ERROR" and the like: no verdict, so the file is not accepted.
        raise ScannerUnavailable(f"clamd gave no verdict: {answer[:200]!r}")


class NoScanner:
    """``CSPR_UPLOAD_SCAN=off``: every file passes. Only ever on purpose; the system checks warn."""

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(clean=True)


def configured_scanner() -> Scanner:
    """The scanner the settings name. Raises ScannerUnavailable when none is configured, so that an upload
    is refused rather than stored unscanned (fail closed) even if the system checks were skipped."""
    mode = (getattr(settings, "CSPR_UPLOAD_SCAN", "") or "").strip().lower()
    if mode == "clamd":
        address = getattr(settings, "CSPR_CLAMD_SOCKET", "") or ""
        try:
            parsed = parse_clamd_address(address)
        except ValueError as exc:
            raise ScannerUnavailable("CSPR_CLAMD_SOCKET is not a socket path or host:port") from exc
        return ClamdScanner(parsed, timeout=float(getattr(settings, "CSPR_CLAMD_TIMEOUT", 30)))
    if mode == "test":
        return TestScanner()
    if mode == "off":
        return NoScanner()
    raise ScannerUnavailable("No malware scanner is configured (CSPR_UPLOAD_SCAN)")


@checks.register(checks.Tags.security)
def check_upload_scanner(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Production refuses to start without a malware scanner for uploads (DESIGN.md rule 5)."""
    mode = (getattr(settings, "CSPR_UPLOAD_SCAN", "") or "").strip().lower()
    debug = bool(settings.DEBUG)
    testing = bool(getattr(settings, "TESTING", False))
    hint = (
        "Set CSPR_CLAMD_SOCKET to clamd's socket (/run/clamav/clamd.ctl or host:3310), or, only if files are "
        "scanned elsewhere, CSPR_UPLOAD_SCAN=off."
    )
    if mode == "off":
        return [
            checks.Warning(
                "UPLOADED FILES ARE NOT SCANNED FOR MALWARE: CSPR_UPLOAD_SCAN=off. Every attachment and report "
                "is stored without a virus check.",
                hint=hint,
                id="cspr.W010",
            )
        ]
    if mode == "clamd":
        try:
            parse_clamd_address(getattr(settings, "CSPR_CLAMD_SOCKET", "") or "")
        except ValueError:
            return [
                checks.Error(
                    "CSPR_UPLOAD_SCAN=clamd needs CSPR_CLAMD_SOCKET (a path or host:port).", hint=hint, id="cspr.E011"
                )
            ]
        return []
    if mode == "test":
        if debug or testing:
            return []
        return [
            checks.Error(
                "CSPR_UPLOAD_SCAN=test finds only the EICAR test string; it is no defence in production.",
                hint=hint,
                id="cspr.E012",
            )
        ]
    if mode == "":
        if debug:
            return []
        return [checks.Error("Uploaded files have no malware scanner.", hint=hint, id="cspr.E010")]
    return [checks.Error(f"CSPR_UPLOAD_SCAN must be clamd, test or off, not {mode!r}.", hint=hint, id="cspr.E013")]
