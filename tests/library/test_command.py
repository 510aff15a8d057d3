"""`cspr library ...` from the command line: ingest a folder (skipping a corrupt file), search, themes, similar."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from cspr.library.models import Report
from cspr.library.samples import docx_bytes, html_document

pytestmark = pytest.mark.django_db

SLEEP = "Baby Q died after co-sleeping with his father on a sofa. Safer sleep advice had not been repeated."
EXPLOIT = "Child R was exploited through county lines and was found with drugs in a coastal town."


def run(*args: str) -> str:
    out = StringIO()
    call_command("library", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "child-q.docx").write_bytes(docx_bytes([("Findings", [SLEEP])], title="Child Q review"))
    (tmp_path / "sub" / "child-r.html").write_text(html_document("Child R review", [("Learning", [EXPLOIT])]))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (tmp_path / "meta.csv").write_text("file,year,nation\nchild-q.docx,2022,England\n")
    return tmp_path


def test_ingest_skips_the_corrupt_file_by_name_and_is_idempotent(folder):
    err = StringIO()
    out = StringIO()
    call_command("library", "ingest", str(folder), "--metadata", str(folder / "meta.csv"), stdout=out, stderr=err)
    assert "2 report(s) added" in out.getvalue()
    assert "broken.pdf" in err.getvalue()
    assert Report.objects.get(source_name="child-q.docx").year == 2022
    assert "0 report(s) added, 2 already" in run("ingest", str(folder))


def test_search_json_has_the_documented_fields(folder):
    run("ingest", str(folder))
    rows = json.loads(run("search", "county lines", "--json"))
    assert [r["source"] for r in rows] == ["child-r.html"]
    assert {"id", "title", "source", "year", "score", "snippet"} <= set(rows[0])


def test_themes_json_runs_on_a_file_without_storing_it(folder):
    rows = json.loads(run("themes", str(folder / "child-q.docx"), "--json", "--no-embeddings"))
    assert rows[0]["theme"] == "sudi-safer-sleep"
    assert rows[0]["evidence"] and isinstance(rows[0]["score"], float)
    assert Report.objects.count() == 0


def test_similar_by_id_lists_other_reports(folder):
    run("ingest", str(folder))
    q = Report.objects.get(source_name="child-q.docx")
    rows = json.loads(run("similar", str(q.pk), "--json"))
    assert q.pk not in [r["id"] for r in rows]
    assert all({"id", "title", "source", "score", "shared_themes"} <= set(r) for r in rows)


def test_search_with_nothing_to_look_for_says_why(small_library):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="cannot only leave words out"):
        run("search", "--", "-court")
    with pytest.raises(CommandError, match="very common words"):
        run("search", "the")


def test_ingest_shows_files_and_pages_in_a_progress_bar_on_a_terminal(tmp_path, monkeypatch):
    """rich draws the bar only on a terminal; TTY_COMPATIBLE=1 makes the captured stderr count as one."""
    import sys

    from cspr.library.samples import pdf_bytes, wrap

    pages = [[f"Finding {n}", "", *wrap(f"{SLEEP} Page {n}.")] for n in range(1, 4)]
    (tmp_path / "child-q.pdf").write_bytes(pdf_bytes(pages))
    (tmp_path / "child-r.html").write_text(html_document("Child R review", [("Learning", [EXPLOIT])]))
    terminal = StringIO()
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr(sys, "stderr", terminal)

    call_command("library", "ingest", str(tmp_path), stdout=StringIO(), stderr=StringIO())

    drawn = terminal.getvalue()
    assert "Files" in drawn and "2/2" in drawn
    # Three PDF pages plus the HTML file's one.
    assert "Pages" in drawn and "4/?" in drawn


def test_ingest_draws_no_bar_when_not_on_a_terminal_or_when_quiet(tmp_path, monkeypatch):
    import sys

    (tmp_path / "child-r.html").write_text(html_document("Child R review", [("Learning", [EXPLOIT])]))
    captured = StringIO()
    monkeypatch.setattr(sys, "stderr", captured)
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    call_command("library", "ingest", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    call_command("library", "ingest", str(tmp_path), "--quiet", stdout=StringIO(), stderr=StringIO())
    assert "Files" not in captured.getvalue()
