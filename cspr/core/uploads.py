"""The upload gate: every file the product accepts passes :func:`upload_check` before it is stored (DESIGN.md
rule 5; docs/documents.md, "The upload gate").

What it decides, in order, and why:

1. **Size, while the body streams in.** :class:`LimitedUploadHandler` (first in ``FILE_UPLOAD_HANDLERS``)
   counts a file's bytes as they arrive and stops reading the request at ``CSPR_UPLOAD_MAX_BYTES``: a 100 MB
   body is refused having read at most the limit and one chunk. The page or API then says the file is too
   large (413 on the API) via :func:`upload_cut_off`. Each form's own limit (10 MB for an attachment) is
   checked again here.
2. **The name.** Only the last part of a path, no control or formatting characters (right-to-left override),
   no characters Windows forbids, at most :data:`MAX_NAME_CHARS`; a name with folders in it (``../``) is
   refused.
3. **The type, from the content, never the name.** PDF, Word (.docx), PNG, JPEG, UTF-8 text. A name whose
   extension names another type (``report.html`` holding a PDF, ``minutes.docx`` holding a zip of programs)
   is refused; the stored name gets the extension of the detected type.
4. **Office files are opened as zips with limits**: entries, sizes read from the central directory, the
   compression ratio, and the bytes actually inflated, counted as they come out, so a zip bomb or a lying
   header stops at the budget. Macros (``vbaProject.bin``, macro-enabled content types), ActiveX, OLE
   objects, embedded programs, external templates and DTDs are refused.
5. **PDFs** with JavaScript, launch actions, embedded files, XFA forms, encryption or HTML inside (a
   polyglot a browser could render) are refused; compressed object streams are opened (within a budget) so
   a ``/JavaScript`` cannot hide inside one.
6. **Malware scan** through :mod:`cspr.core.scanner` (clamd in production).

A refusal is :class:`UploadRefused` (a ValidationFailed on the field ``file``, 422) or :class:`UploadTooLarge`
(413), raised before anything is written, with a message for the person and a ``reason`` code for logs and
tests; logs carry the reason and the detected type, never the file's name (DESIGN.md rule 6).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

from cspr.core.errors import ValidationFailed
from cspr.core.scanner import ScannerUnavailable, configured_scanner

__all__ = [
    "DOCX",
    "JPEG",
    "MAX_NAME_CHARS",
    "PDF",
    "PNG",
    "TEXT",
    "CheckedUpload",
    "FileKind",
    "LimitedUploadHandler",
    "UploadRefused",
    "UploadTooLarge",
    "ZipLimits",
    "check_office_zip",
    "check_pdf",
    "detect",
    "download_name",
    "megabytes",
    "safe_name",
    "upload_check",
    "upload_cut_off",
]

logger = logging.getLogger(__name__)

MAX_NAME_CHARS = 200
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    """A type the product accepts: its MIME type, a label for people, the extension it is stored with and
    the other extensions a name may carry for it."""

    mime: str
    label: str
    extension: str
    also: tuple[str, ...] = ()

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.also)


PDF = FileKind("application/pdf", "PDF", ".pdf")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document", ".docx")
PNG = FileKind("image/png", "PNG image", ".png")
JPEG = FileKind("image/jpeg", "JPEG image", ".jpg", (".jpeg", ".jpe", ".jfif"))
TEXT = FileKind("text/plain", "plain text file", ".txt", (".text",))
KINDS = (PDF, DOCX, PNG, JPEG, TEXT)
BY_MIME = {k.mime: k for k in KINDS}

# Extensions a name may end in that say "this is some other type": a name ending in one of these that does
# not match the content is refused. Anything else after the last dot ("Minutes 12.03.2026") is just part of
# the name, and the detected type's extension is added.
_KNOWN = """
    pdf docx doc docm dotx dotm xlsx xls xlsm xlsb xltx xltm pptx ppt pptm potx potm odt ods odp rtf txt text csv
    png jpg jpeg jpe jfif gif bmp tif tiff webp heic svg svgz ico eml msg
    htm html xhtml mht mhtml xml xsl hta js mjs vbs vbe wsf wsh ps1 psm1 bat cmd com exe dll scr sys cpl msi msp
    jar apk app dmg iso img lnk reg sh bash zsh py pl rb php asp aspx jsp cgi zip rar 7z gz tgz bz2 xz tar cab
"""
KNOWN_EXTENSIONS = frozenset(_KNOWN.split())


class UploadRefused(ValidationFailed):
    """A file the gate will not store. ``reason`` is a short code (``zip_bomb``, ``pdf_javascript``...) for
    logs and tests; ``inflated`` how many bytes the zip check decompressed before it stopped."""

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        field: str = "file",
        inflated: int = 0,
        field_errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, field_errors=field_errors or {field: message})
        self.reason = reason
        self.inflated = inflated


class UploadTooLarge(UploadRefused):
    """Over the size limit: 413 on the API."""


@dataclass(frozen=True)
class CheckedUpload:
    """What passed the gate: the bytes, their detected kind, the name to store and show, and the hash."""

    data: bytes
    kind: FileKind
    name: str
    sha256: str

    @property
    def content_type(self) -> str:
        return self.kind.mime


def megabytes(limit: int) -> str:
    return f"{limit // (1024 * 1024)}MB" if limit >= 1024 * 1024 else f"{max(1, limit // 1024)}KB"


# --- the body, while it streams in ---------------------------------------------------------------------------

_CUT_OFF = "_cspr_upload_cut_off"


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading the request once any uploaded file passes ``CSPR_UPLOAD_MAX_BYTES`` (or the request
    says in advance that its body is far larger), without reading the rest of the body.

    It passes every chunk on to the memory and temporary-file handlers after it, so it holds nothing itself.
    Fields sent before the file are kept, so the page can show what was typed."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = int(getattr(settings, "CSPR_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
        self.received = 0

    def _cut_off(self) -> None:
        if self.request is not None:
            setattr(self.request, _CUT_OFF, self.limit)
        raise StopUpload(connection_reset=True)

    def handle_raw_input(
        self, input_data: Any, META: dict[str, Any], content_length: int, boundary: str, encoding: str | None = None
    ) -> None:
        # Form fields are small (DATA_UPLOAD_MAX_MEMORY_SIZE); a body declared larger than a file at the limit
        # plus that allowance cannot be an acceptable upload, so nothing of it is read.
        allowance = int(getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None) or 2_621_440)
        if content_length > self.limit + allowance:
            if self.request is not None:
                setattr(self.request, _CUT_OFF, self.limit)
            return None
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.request is not None and getattr(self.request, _CUT_OFF, None):
            raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._cut_off()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_cut_off(request: HttpRequest) -> bool:
    """Whether this request's upload was stopped for size (the file is then missing from ``request.FILES``)."""
    request.FILES  # noqa: B018 - parsing the body is what sets the mark
    return bool(getattr(request, _CUT_OFF, None))


# --- names ----------------------------------------------------------------------------------------------------

_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def safe_name(name: str) -> str:
    """The name as shown and offered on download: the last part of any path, NFC, without control or
    formatting characters (a right-to-left override turns ``cod.exe`` into a name that reads as ``exe.doc``),
    without characters Windows forbids, spaces collapsed, no leading dots."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if _WINDOWS_RESERVED.match(name):
        name = f"file-{name}"
    return name


def _extension(name: str) -> str:
    """The name's extension if it is a known file type's, else ''."""
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem and ext.lower() in KNOWN_EXTENSIONS else ""


def _stored_name(name: str, kind: FileKind) -> str:
    ext = _extension(name)
    stem = name[: -len(ext)] if ext else name
    return f"{stem or 'file'}{kind.extension}"


def download_name(name: str, content_type: str) -> str:
    """A stored name fit to offer on download: safe, and ending in the extension of the stored type (an
    attachment stored before the gate as ``report.html`` holding a PDF is offered as ``report.pdf``)."""
    name = safe_name(name)[:MAX_NAME_CHARS] or "file"
    kind = BY_MIME.get(content_type.split(";")[0].strip())
    if kind is None:
        return name
    return name if _extension(name) in kind.extensions else _stored_name(name, kind)


# --- what the content is ---------------------------------------------------------------------------------------


def _describe(data: bytes) -> str:
    """Words for content the gate does not accept, for the message."""
    if data[:2] == b"MZ" or data[:4] == b"\x7fELF" or data[:4] in (b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf"):
        return "a program"
    if data[:2] == b"#!":
        return "a script"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "an older Office file (.doc, .xls or .ppt), a format that can carry macros"
    guessed = filetype.guess(data[:8192])
    if guessed is not None:
        return f"a .{guessed.extension} file"
    return "a file of a type that cannot be checked"


_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _is_text(data: bytes) -> bool:
    """UTF-8 without control characters (other than tab, line breaks and form feed)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _CONTROL.search(data) is None


def detect(data: bytes, *, limits: ZipLimits | None = None) -> FileKind:
    """The kind of ``data`` from its content, after the checks its format needs (zip limits, macros, PDF
    actions). Raises UploadRefused for content of no accepted kind or hostile content."""
    if data.startswith(b"%PDF-"):
        check_pdf(data)
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return check_office_zip(data, limits=limits)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if _is_text(data):
        return TEXT
    raise UploadRefused(f"The selected file is {_describe(data)}.", reason="unknown_type")


# --- Office files as zips -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZipLimits:
    """Sizes in bytes. Typical Word XML compresses 5-20 times; a deflated run of zeros about 1,000 times."""

    max_entries: int = 2000
    max_total: int = 100 * 1024 * 1024  # all entries, uncompressed
    max_entry: int = 32 * 1024 * 1024  # one entry, uncompressed (the library parses document.xml whole)
    max_ratio: int = 100  # uncompressed / compressed, for entries over ratio_from
    ratio_from: int = 1024 * 1024
    max_depth: int = 2  # an embedded workbook inside a document inside ...


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_PACKAGE_MAINS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
_MACRO_TYPES = ("macroenabled", "vbaproject", "vbadata", "ms-office.activex", "oleobject", "ms-excel.sheet.binary")
_EXECUTABLES = "exe dll scr com cpl sys msi msp bat cmd ps1 psm1 vbs vbe js jse wsf wsh hta lnk jar sh app apk reg"
_EXECUTABLE_EXTENSIONS = frozenset(_EXECUTABLES.split())
_MACRO_PARTS = {"vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin"}
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xca\xfe\xba\xbe", b"#!")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb'(\w+)\s*=\s*["\']([^"\']*)["\']')
_CONTENT_TYPE = re.compile(rb'ContentType\s*=\s*["\']([^"\']+)["\']', re.IGNORECASE)
_OVERRIDE = re.compile(rb"<Override\b[^>]*>", re.IGNORECASE)


def _macros() -> UploadRefused:
    return UploadRefused(
        "The Word document contains macros or active content, which can run code on the reader's computer. "
        "Save it as a Word Document (.docx) without macros and try again.",
        reason="office_macros",
    )


class _Inflater:
    """Counts every byte decompressed from the zip against one budget, and stops at the budget even when a
    header understates an entry's size."""

    def __init__(self, limits: ZipLimits) -> None:
        self.limits = limits
        self.total = 0

    def entry(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
        seen = 0
        with archive.open(info) as handle:
            while True:
                piece = handle.read(CHUNK)
                if not piece:
                    return
                seen += len(piece)
                self.total += len(piece)
                if seen > self.limits.max_entry or self.total > self.limits.max_total or seen > info.file_size:
                    raise _bomb(self.total)
                yield piece


def _bomb(inflated: int) -> UploadRefused:
    return UploadRefused(
        "The selected file expands to far more than its size (a 'zip bomb') or is damaged, so it cannot be "
        "accepted. Save the document again from Word and try again.",
        reason="zip_bomb",
        inflated=inflated,
    )


def _directory_checks(archive: zipfile.ZipFile, limits: ZipLimits, inflater: _Inflater) -> list[zipfile.ZipInfo]:
    """What the central directory says, before anything is decompressed."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise _bomb(inflater.total)
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise UploadRefused("The selected file is damaged (it names one part twice).", reason="zip_duplicate")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UploadRefused(
                "The selected file is password-protected. Remove the password and try again.", reason="zip_encrypted"
            )
        if info.filename.startswith("/") or ".." in info.filename.replace("\\", "/").split("/"):
            raise UploadRefused("The selected file is damaged (a part names a folder outside it).", reason="zip_path")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (
            info.file_size > limits.max_entry
            or total > limits.max_total
            or (info.file_size > limits.ratio_from and ratio > limits.max_ratio)
        ):
            raise _bomb(inflater.total)
        base = info.filename.rsplit("/", 1)[-1].lower()
        if (
            base in {"vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin"}
            or "/activex/" in f"/{info.filename.lower()}"
        ):
            raise _macros()
        if base.rpartition(".")[2] in _EXECUTABLE_EXTENSIONS:
            raise UploadRefused(
                "The selected file has a program inside it, so it cannot be accepted.", reason="zip_executable"
            )
    return infos


def _read_small(
    inflater: _Inflater, archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int = 4 * 1024 * 1024
) -> bytes:
    out = bytearray()
    for piece in inflater.entry(archive, info):
        out += piece
        if len(out) > cap:
            raise _bomb(inflater.total)
    return bytes(out)


def _check_package(data: bytes, limits: ZipLimits, inflater: _Inflater, depth: int) -> str:
    """Check one OOXML package (and the packages embedded in it); returns its kind ("docx", "xlsx", ...)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UploadRefused("The selected file is damaged and cannot be opened.", reason="zip_damaged") from exc
    with archive:
        infos = _directory_checks(archive, limits, inflater)
        by_name = {i.filename: i for i in infos}
        if "[Content_Types].xml" not in by_name:
            raise UploadRefused("The selected file is a zip archive, not a Word document.", reason="zip_not_office")
        main = ""
        try:
            for info in infos:
                lower = info.filename.lower()
                if info.filename == "[Content_Types].xml" or lower.endswith(".rels"):
                    body = _read_small(inflater, archive, info)
                    _no_dtd(body)
                    if lower.endswith(".rels"):
                        _relationships(body)
                    else:
                        main = _content_types(body)
                    continue
                if lower.endswith((".xml", ".vml")):
                    tail = b""
                    for piece in inflater.entry(archive, info):
                        _no_dtd(tail + piece)
                        tail = piece[-16:]
                    continue
                head = b""
                embedded = bytearray() if "/embeddings/" in f"/{lower}" else None
                for piece in inflater.entry(archive, info):
                    if not head:
                        head = piece[:8]
                        if head.startswith(_EXECUTABLE_MAGIC):
                            raise UploadRefused(
                                "The selected file has a program inside it, so it cannot be accepted.",
                                reason="zip_executable",
                            )
                        if head.startswith(_OLE_MAGIC):
                            raise UploadRefused(
                                "The Word document has an embedded object (OLE) inside it, which can carry a "
                                "program. Remove the embedded object and try again.",
                                reason="office_ole",
                            )
                    if embedded is not None:
                        embedded += piece
                if embedded is not None:
                    # Charts keep their data as an embedded workbook: allowed if it is itself a clean package.
                    if depth >= limits.max_depth or not bytes(embedded[:4]) == b"PK\x03\x04":
                        raise UploadRefused(
                            "The Word document has an embedded object inside it that cannot be checked. Remove "
                            "it and try again.",
                            reason="office_embedded",
                        )
                    _check_package(bytes(embedded), limits, inflater, depth + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
            raise UploadRefused(
                "The selected file is damaged and cannot be opened.", reason="zip_damaged", inflated=inflater.total
            ) from exc
        if main not in _PACKAGE_MAINS.values():
            raise UploadRefused("The selected file is a zip archive, not a Word document.", reason="zip_not_office")
        return main


def _no_dtd(body: bytes) -> None:
    # OOXML never declares a DTD; one is how entity-expansion ("billion laughs") and XXE attacks start.
    if _DTD.search(body):
        raise UploadRefused("The selected file is damaged (its XML declares a document type).", reason="office_dtd")


def _content_types(body: bytes) -> str:
    types = [t.decode("ascii", "replace").lower() for t in _CONTENT_TYPE.findall(body)]
    if any(marker in t for t in types for marker in _MACRO_TYPES):
        raise _macros()
    for override in _OVERRIDE.findall(body):
        attrs = {k.decode().lower(): v.decode("utf-8", "replace") for k, v in _ATTRIBUTE.findall(override)}
        kind = _PACKAGE_MAINS.get(attrs.get("contenttype", "").lower())
        if kind:
            return kind
    return ""


def _relationships(body: bytes) -> None:
    for tag in _RELATIONSHIP.findall(body):
        attrs = {k.decode().lower(): v.decode("utf-8", "replace") for k, v in _ATTRIBUTE.findall(tag)}
        kind = attrs.get("type", "").rsplit("/", 1)[-1].lower()
        external = attrs.get("targetmode", "").lower() == "external"
        if kind in {"vbaproject", "oleobject", "control", "activexcontrol", "afchunk"} or (
            external and kind not in {"hyperlink"}
        ):
            raise UploadRefused(
                "The Word document links to or embeds content from outside it (a template, object or page), "
                "which can run code. Save it without the link and try again.",
                reason="office_external",
            )


def check_office_zip(data: bytes, *, limits: ZipLimits | None = None) -> FileKind:
    """A zip that is a Word document with nothing hostile inside, or UploadRefused. Only .docx is accepted
    today (a workbook or presentation is refused as not a Word document)."""
    limits = limits or ZipLimits()
    inflater = _Inflater(limits)
    kind = _check_package(data, limits, inflater, depth=0)
    if kind != "docx":
        raise UploadRefused(f"The selected file is a .{kind} file, not a Word document.", reason="office_other")
    return DOCX


# --- PDF ---------------------------------------------------------------------------------------------------------

_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_HTML = re.compile(rb"<\s*(?:html|script|body|iframe|svg|object|embed|!doctype\s+html|meta\s+http-equiv)\b", re.I)
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
PDF_REFUSED_NAMES = {
    b"JS": ("The PDF contains JavaScript", "pdf_javascript"),
    b"JavaScript": ("The PDF contains JavaScript", "pdf_javascript"),
    b"Launch": ("The PDF contains an action that starts a program", "pdf_launch"),
    b"EmbeddedFile": ("The PDF has files embedded in it", "pdf_embedded"),
    b"EmbeddedFiles": ("The PDF has files embedded in it", "pdf_embedded"),
    b"FileAttachment": ("The PDF has files embedded in it", "pdf_embedded"),
    b"RichMedia": ("The PDF has embedded media that can run code", "pdf_embedded"),
    b"XFA": ("The PDF is an interactive (XFA) form, which can run scripts", "pdf_xfa"),
    b"ImportData": ("The PDF contains an action that reads other files", "pdf_action"),
    b"SubmitForm": ("The PDF contains an action that sends data elsewhere", "pdf_action"),
    b"Encrypt": ("The PDF is password-protected or encrypted, so it cannot be checked", "pdf_encrypted"),
}
PDF_STREAM_BUDGET = 64 * 1024 * 1024
_PDF_FILTERS = frozenset(
    b"ASCIIHexDecode ASCII85Decode LZWDecode FlateDecode RunLengthDecode CCITTFaxDecode JBIG2Decode DCTDecode "
    b"JPXDecode Crypt AHx A85 LZW Fl RL CCF DCT".split()
)


def _pdf_names(data: bytes) -> None:
    for match in _PDF_NAME.finditer(data):
        name = match.group(1)
        if b"#" in name:  # /J#61vaScript is /JavaScript
            name = _HEX.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        refused = PDF_REFUSED_NAMES.get(name)
        if refused is not None:
            message, reason = refused
            raise UploadRefused(
                f"{message}, which a report never needs. Print or export it to a new PDF and try again.",
                reason=reason,
            )


def _unreadable() -> UploadRefused:
    return UploadRefused(
        "The PDF uses a compression that cannot be checked, or is damaged. Print or export it to a new PDF and "
        "try again.",
        reason="pdf_unreadable",
    )


def _object_streams(data: bytes) -> Iterator[bytes]:
    """The decompressed contents of the PDF's compressed object streams (where dictionaries, and so actions,
    can hide), within one budget of inflated bytes."""
    budget = PDF_STREAM_BUDGET
    for match in _STREAM.finditer(data):
        dictionary = data[max(0, match.start() - 1024) : match.start()]
        dictionary = dictionary[dictionary.rfind(b"obj") + 3 :] if b"obj" in dictionary else dictionary
        dictionary = _HEX.sub(lambda m: bytes([int(m.group(1), 16)]), dictionary)
        names = set(_PDF_NAME.findall(dictionary))
        if b"ObjStm" not in names:
            continue
        end = data.find(b"endstream", match.end())
        raw = data[match.end() : end if end >= 0 else len(data)]
        filters = names & _PDF_FILTERS
        if not filters:
            yield raw
            continue
        if filters - {b"FlateDecode", b"Fl"}:
            raise _unreadable()
        inflater = zlib.decompressobj()
        remaining = raw
        while remaining and not inflater.eof:
            try:
                out = inflater.decompress(remaining, CHUNK)
            except zlib.error as exc:
                raise _unreadable() from exc
            budget -= len(out)
            if budget < 0:
                raise UploadRefused(
                    "The PDF expands to far more than its size, so it cannot be checked.", reason="pdf_bomb"
                )
            yield out
            remaining = inflater.unconsumed_tail


def check_pdf(data: bytes) -> None:
    """Refuse a PDF with scripts, actions that start programs, embedded files, XFA, encryption, or HTML a
    browser could render if the file were ever served as a page."""
    if _HTML.search(data):
        raise UploadRefused(
            "The selected file is a PDF with web page code (HTML) inside it, so it cannot be accepted. Print or "
            "export it to a new PDF and try again.",
            reason="pdf_polyglot",
        )
    _pdf_names(data)
    tail = b""
    for piece in _object_streams(data):
        _pdf_names(tail + piece)
        tail = piece[-64:]


# --- the gate ----------------------------------------------------------------------------------------------------


def upload_check(
    *,
    name: str,
    data: bytes,
    accept: Sequence[FileKind],
    max_bytes: int,
    requirement: str,
    missing: str = "Select a file",
    limits: ZipLimits | None = None,
) -> CheckedUpload:
    """Every upload's one gate: size, name, type from content, the format's own checks, the malware scan.

    ``requirement`` is the sentence that says what is accepted ("The selected file must be a PDF or a Word
    document (.docx)"). Returns what may be stored; raises UploadRefused / UploadTooLarge, writing nothing."""
    if not data:
        raise UploadRefused(missing if not name else "The selected file is empty", reason="empty")
    if len(data) > max_bytes:
        raise UploadTooLarge(f"The selected file must be smaller than {megabytes(max_bytes)}", reason="too_large")
    raw_name = unicodedata.normalize("NFC", name or "")
    if "/" in raw_name or "\\" in raw_name:
        raise UploadRefused(
            "The file's name must not include folders ('/' or '\\'). Rename the file and try again.",
            reason="name_path",
        )
    if len(raw_name) > MAX_NAME_CHARS:
        raise UploadRefused(
            f"The file's name is {len(raw_name)} characters long. Rename it to {MAX_NAME_CHARS} characters or "
            "fewer and try again.",
            reason="name_too_long",
        )
    clean_name = safe_name(raw_name)
    try:
        kind = detect(data, limits=limits)
    except UploadRefused as exc:
        logger.info("upload refused: %s", exc.reason)
        if exc.reason == "unknown_type":
            raise UploadRefused(f"{exc.message} {requirement}.", reason=exc.reason) from exc
        raise
    if kind not in accept:
        logger.info("upload refused: type %s not accepted here", kind.mime)
        raise UploadRefused(f"The selected file is a {kind.label}. {requirement}.", reason="type_not_accepted")
    ext = _extension(clean_name)
    if ext and ext not in kind.extensions:
        logger.info("upload refused: name extension disagrees with %s content", kind.mime)
        raise UploadRefused(
            f"The file's name ends in {ext} but the file is a {kind.label}. Give the file a name ending in "
            f"{kind.extension}, or choose the right file.",
            reason="extension_mismatch",
        )
    try:
        result = configured_scanner().scan(data)
    except ScannerUnavailable as exc:
        logger.error("upload refused: the malware scanner gave no answer (%s)", exc)
        raise UploadRefused(
            "The file could not be checked for viruses just now, so it has not been saved. Try again in a few "
            "minutes; if it keeps happening, tell the service desk.",
            reason="scanner_unavailable",
        ) from exc
    if not result.clean:
        logger.warning("upload refused: malware scanner found %s", result.signature)
        raise UploadRefused(
            f"The selected file contains a virus or malware ({result.signature}), so it has not been saved. "
            "Tell your IT or security team.",
            reason="malware",
        )
    return CheckedUpload(
        data=data, kind=kind, name=_stored_name(clean_name, kind), sha256=hashlib.sha256(data).hexdigest()
    )
