"""The upload gate (cspr/core/uploads.py) on its own: every hostile file of tests/fixtures/hostile refused with
its reason, good files accepted under the detected type's extension, names made safe, zip bombs stopped
before they are inflated, and the scanner interface, clamd's INSTREAM protocol and the start-up checks."""

from __future__ import annotations

import io
import socket
import struct
import threading
import tracemalloc
import zipfile

import pytest

from cspr.core import scanner, uploads
from cspr.core.uploads import DOCX, JPEG, PDF, PNG, TEXT, UploadRefused, UploadTooLarge, ZipLimits, upload_check
from tests.fixtures import hostile

KINDS = (PDF, DOCX, PNG, JPEG, TEXT)
REQUIREMENT = "The selected file must be a PDF, Word document, PNG, JPEG or plain text file"


def check(name: str, data: bytes, **kwargs):
    return upload_check(
        name=name, data=data, accept=kwargs.pop("accept", KINDS), max_bytes=10 << 20, requirement=REQUIREMENT, **kwargs
    )


@pytest.mark.parametrize("item", hostile.CORPUS, ids=lambda h: f"{h.reason}-{h.name}-{h.make.__name__}")
def test_every_hostile_file_is_refused_with_its_reason_and_a_message(item):
    with pytest.raises(UploadRefused) as refused:
        check(item.name, item.make())
    assert refused.value.reason == item.reason
    assert refused.value.field_errors["file"] == refused.value.message and len(refused.value.message) > 30


@pytest.mark.parametrize(
    ("name", "make", "stored", "mime"),
    [
        ("minutes.docx", hostile.good_docx, "minutes.docx", DOCX.mime),
        ("report.pdf", hostile.good_pdf, "report.pdf", PDF.mime),
        ("report.pdf", hostile.weasyprint_pdf, "report.pdf", PDF.mime),  # compressed object streams
        ("photo.png", lambda: hostile.PNG, "photo.png", PNG.mime),
        ("photo.jpeg", lambda: hostile.JPEG, "photo.jpg", JPEG.mime),
        ("notes.txt", lambda: "Notes: café, 12 €".encode(), "notes.txt", TEXT.mime),
        ("Minutes 12.03.2026", hostile.good_pdf, "Minutes 12.03.2026.pdf", PDF.mime),  # not an extension
        ("scan", hostile.good_pdf, "scan.pdf", PDF.mime),
    ],
)
def test_good_files_are_accepted_and_stored_under_the_detected_types_extension(name, make, stored, mime):
    checked = check(name, make())
    assert (checked.name, checked.content_type) == (stored, mime)


def test_a_type_the_form_does_not_take_is_refused_with_what_it_takes():
    with pytest.raises(UploadRefused) as refused:
        upload_check(
            name="photo.png", data=hostile.PNG, accept=(PDF, DOCX), max_bytes=1 << 20,
            requirement="The final report must be a PDF or a Word document (.docx)",
        )  # fmt: skip
    assert refused.value.reason == "type_not_accepted"
    assert "PNG image" in refused.value.message and "must be a PDF or a Word document" in refused.value.message


def test_a_name_whose_extension_names_another_type_is_refused():
    """Defect 3: a PDF named report.html was stored and served as report.html."""
    for name in ("report.html", "report.exe", "minutes.docm", "report.pdf.exe"):
        with pytest.raises(UploadRefused) as refused:
            check(name, hostile.good_pdf())
        assert refused.value.reason == "extension_mismatch", name
    with pytest.raises(UploadRefused, match=r"ends in \.pdf but the file is a Word document"):
        check("report.pdf", hostile.good_docx())


def test_size_empty_and_over_the_limit():
    with pytest.raises(UploadTooLarge, match="smaller than 10MB"):
        check("big.txt", b"a" * ((10 << 20) + 1))
    with pytest.raises(UploadRefused, match="empty"):
        check("empty.pdf", b"")


# --- names ---------------------------------------------------------------------------------------------------


def test_names_with_folders_are_refused_and_long_names_answer_a_message_not_an_error():
    for name in ("../../etc/passwd.pdf", "..\\..\\boot.pdf", "/etc/passwd.pdf"):
        with pytest.raises(UploadRefused) as refused:
            check(name, hostile.good_pdf())
        assert refused.value.reason == "name_path"
    with pytest.raises(UploadRefused) as refused:
        check("a" * 996 + ".pdf", hostile.good_pdf())
    assert refused.value.reason == "name_too_long" and "1000 characters" in refused.value.message


def test_names_are_made_safe():
    assert uploads.safe_name("report\x00\x07\r\n.pdf") == "report.pdf"
    assert uploads.safe_name("cod\u202efdp.exe") == "codfdp.exe"  # right-to-left override removed
    assert uploads.safe_name('a<b>:"c|?*.pdf') == "a_b___c___.pdf"
    assert uploads.safe_name("  ..hidden.pdf  ") == "hidden.pdf"
    assert uploads.safe_name("CON.pdf") == "file-CON.pdf"
    with pytest.raises(UploadRefused) as refused:
        check("cod\u202efdp.exe", hostile.good_pdf())
    assert refused.value.reason == "extension_mismatch"  # what it really ends in is what counts


def test_download_names_end_in_the_stored_types_extension():
    assert uploads.download_name("report.html", PDF.mime) == "report.pdf"
    assert uploads.download_name("photo.jpeg", JPEG.mime) == "photo.jpeg"
    assert uploads.download_name("../x/notes", TEXT.mime) == "notes.txt"


# --- zip bombs: refused before, or while, they inflate -----------------------------------------------------------


def test_the_zip_bomb_docx_is_refused_from_its_directory_without_inflating_it():
    """Defect 1: a 947 KB .docx whose document.xml is 330 MB grew the server to 8.3 GB. Now its central
    directory is read, nothing is decompressed, and the check uses a few megabytes at most."""
    bomb = hostile.zip_bomb(330)
    assert len(bomb) < 1_500_000
    tracemalloc.start()
    try:
        with pytest.raises(UploadRefused) as refused:
            uploads.check_office_zip(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.reason == "zip_bomb" and refused.value.inflated < 1_000_000
    assert peak < 20 * 1024 * 1024, peak


def test_a_bomb_whose_directory_lies_stops_at_what_it_claimed():
    """Headers can lie: the directory says 40 KB, the stream holds 64 MB. Decompression stops at the claim
    (and one chunk) and the file is refused."""
    bomb = hostile.lying_zip_bomb(64, claimed=40_000)
    tracemalloc.start()
    try:
        with pytest.raises(UploadRefused) as refused:
            uploads.check_office_zip(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.reason in {"zip_bomb", "zip_damaged"}
    assert refused.value.inflated <= 40_000 + uploads.CHUNK + 200_000  # the other parts of the document
    assert peak < 20 * 1024 * 1024, peak


def test_decompression_itself_stops_at_the_budget():
    """The counter on the decompressed bytes, on its own: an entry allowed through the directory check (as a
    lying one would be) yields at most the limit and one chunk before it is stopped."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (8 << 20))
    limits = ZipLimits(max_entry=1 << 20, max_total=1 << 20)
    inflater = uploads._Inflater(limits)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive, pytest.raises(UploadRefused) as refused:
        for _ in inflater.entry(archive, archive.getinfo("word/document.xml")):
            pass
    assert refused.value.reason == "zip_bomb"
    assert (1 << 20) < refused.value.inflated <= (1 << 20) + uploads.CHUNK


def test_limits_on_entries_total_size_and_ratio():
    with pytest.raises(UploadRefused) as refused:
        uploads.check_office_zip(hostile.many_entries(3000))
    assert refused.value.reason == "zip_bomb"
    with pytest.raises(UploadRefused) as refused:
        uploads.check_office_zip(hostile.zip_bomb(4))  # under the size limits, but 1,000 to 1
    assert refused.value.reason == "zip_bomb"


# --- the scanner -------------------------------------------------------------------------------------------------


def test_the_test_scanner_flags_only_eicar():
    assert not scanner.TestScanner().scan(b"xx" + scanner.EICAR + b"yy").clean
    assert scanner.TestScanner().scan(b"an ordinary file").clean


class FakeClamd:
    """clamd's INSTREAM side, on a Unix socket: answers FOUND for the EICAR string, OK otherwise."""

    def __init__(self, path: str, reply: bytes | None = None) -> None:
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(1)
        self.reply = reply
        self.received = b""
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            command = b""
            while not command.endswith(b"\0"):
                command += conn.recv(1)
            assert command == b"zINSTREAM\0"
            while True:
                size = struct.unpack("!L", self._exactly(conn, 4))[0]
                if size == 0:
                    break
                self.received += self._exactly(conn, size)
            if self.reply is not None:
                conn.sendall(self.reply)
            elif scanner.EICAR in self.received:
                conn.sendall(b"stream: Win.Test.EICAR_HDB-1 FOUND\0")
            else:
                conn.sendall(b"stream: OK\0")
        self.server.close()

    @staticmethod
    def _exactly(conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            data += conn.recv(n - len(data))
        return data


@pytest.fixture
def clamd_path(tmp_path):
    return str(tmp_path / "clamd.ctl")


def test_clamd_instream_clean_and_found(clamd_path):
    fake = FakeClamd(clamd_path)
    big = b"x" * (200 * 1024)  # several chunks
    assert scanner.ClamdScanner(clamd_path, timeout=5).scan(big).clean
    assert fake.received == big
    FakeClamd(clamd_path + "2")
    found = scanner.ClamdScanner(clamd_path + "2", timeout=5).scan(scanner.EICAR)
    assert not found.clean and found.signature == "Win.Test.EICAR_HDB-1"


def test_clamd_without_a_verdict_or_not_running_refuses_the_upload(clamd_path, settings):
    FakeClamd(clamd_path, reply=b"INSTREAM size limit exceeded. ERROR\0")
    with pytest.raises(scanner.ScannerUnavailable):
        scanner.ClamdScanner(clamd_path, timeout=5).scan(b"data")
    settings.CSPR_UPLOAD_SCAN, settings.CSPR_CLAMD_SOCKET = "clamd", clamd_path + "-nobody-listens"
    with pytest.raises(UploadRefused) as refused:
        check("notes.txt", b"notes")
    assert refused.value.reason == "scanner_unavailable" and "could not be checked for viruses" in refused.value.message


def test_clamd_addresses():
    assert scanner.parse_clamd_address("/run/clamav/clamd.ctl") == "/run/clamav/clamd.ctl"
    assert scanner.parse_clamd_address("clamav:3310") == ("clamav", 3310)
    assert scanner.parse_clamd_address("tcp://10.0.0.5:3310") == ("10.0.0.5", 3310)
    for bad in ("", "clamav", "clamav:port", "clamav:99999"):
        with pytest.raises(ValueError):
            scanner.parse_clamd_address(bad)


@pytest.mark.parametrize(
    ("mode", "socket_", "debug", "testing", "ids"),
    [
        ("", "", False, False, ["cspr.E010"]),  # production with no scanner does not start
        ("test", "", False, False, ["cspr.E012"]),
        ("clamd", "", False, False, ["cspr.E011"]),
        ("clamd", "/run/clamav/clamd.ctl", False, False, []),
        ("clamd", "clamav:3310", False, False, []),
        ("off", "", False, False, ["cspr.W010"]),  # on purpose only, and loudly
        ("test", "", False, True, []),  # the test settings start
        ("test", "", True, False, []),  # and the development demo
        ("virustotal", "", False, False, ["cspr.E013"]),
    ],
)
def test_production_refuses_to_start_without_a_scanner(settings, mode, socket_, debug, testing, ids):
    settings.CSPR_UPLOAD_SCAN, settings.CSPR_CLAMD_SOCKET = mode, socket_
    settings.DEBUG, settings.TESTING = debug, testing
    found = scanner.check_upload_scanner()
    assert [m.id for m in found] == ids
    assert all(m.is_serious() for m in found if m.id.startswith("cspr.E"))


def test_the_check_is_registered_and_the_test_settings_pass_it():
    from django.core import checks

    assert scanner.check_upload_scanner in checks.registry.registry.get_checks()
    assert scanner.check_upload_scanner() == []
