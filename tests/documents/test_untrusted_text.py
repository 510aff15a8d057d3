"""Case text is untrusted: markup prints as literal characters and the PDF renderer fetches nothing.

A field holding ``<img src=http://...>`` must not make the server call out (leaking that a document about a
child is being produced, or fetching an attacker's content into it), and ``file:`` URLs must not pull local
files into a document that leaves the building.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import weasyprint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspr.documents import (
    AgencySummary,
    CriterionAssessment,
    Episode,
    rapid_review_docx,
    rapid_review_pdf,
)
from cspr.documents.pdf import RefusingURLFetcher, html_to_pdf
from tests.documents.readers import docx_all_text, pdf_text
from tests.documents.samples import make_report

# A 1x1 transparent PNG.
PIXEL_DATA_URI = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local web server that records every request it gets."""
    hits: list[str] = []
    handler = type("Handler", (_Recorder,), {"hits": hits})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", hits
    finally:
        server.shutdown()
        server.server_close()


def _hostile_report(base: str):
    return make_report(
        good_practice='<script>alert("x")</script> & {{ 7*7 }}',
        family_views=f'<img src="{base}/pixel.png"> <link rel="stylesheet" href="{base}/style.css">',
        practitioner_views="<b>not bold</b> &amp; <style>body{display:none}</style>",
        agency_involvement=[AgencySummary(f"<h1>{base}/agency</h1>", "role", f"<iframe src='{base}/frame'>")],
        chronology=[Episode("<td>spring</td>", "GP", "<img src=file:///etc/passwd>", "analysis")],
        criteria=[CriterionAssessment("a", "<i>label</i>", "yes", "</td></tr></table><p>escaped</p>")],
    )


def test_markup_in_fields_prints_literally_in_the_pdf_and_fetches_nothing(listener):
    base, hits = listener
    text = pdf_text(rapid_review_pdf(_hostile_report(base)))
    assert hits == []
    for literal in (
        '<script>alert("x")</script> & {{ 7*7 }}',
        f'<img src="{base}/pixel.png">',
        "<b>not bold</b> &amp; <style>body{display:none}</style>",
        f"<iframe src='{base}/frame'>",
        "<img src=file:///etc/passwd>",
        "</td></tr></table><p>escaped</p>",
    ):
        assert literal in text, literal


def test_markup_in_fields_prints_literally_in_word():
    text = docx_all_text(rapid_review_docx(_hostile_report("http://127.0.0.1:9")))
    assert '<script>alert("x")</script> & {{ 7*7 }}' in text
    assert "<b>not bold</b> &amp; <style>body{display:none}</style>" in text
    assert "</td></tr></table><p>escaped</p>" in text


def test_renderer_refuses_network_and_file_urls_even_if_markup_reached_it(listener, tmp_path):
    base, hits = listener
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = f"""<!DOCTYPE html><html lang="en-GB"><head><title>t</title>
        <link rel="stylesheet" href="{base}/linked.css">
        <style>@import url("{base}/imported.css"); @import url("{secret.as_uri()}");</style></head>
        <body><p>text</p><img src="{base}/image.png" alt="x"><img src="file:///etc/hostname" alt="y">
        <img src="{PIXEL_DATA_URI}" alt="z"></body></html>"""
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert hits == []


def test_the_listener_would_see_a_fetch_made_with_weasyprints_default_fetcher(listener):
    """Control for the test above: without the refusing fetcher the same markup does reach the server."""
    base, hits = listener
    weasyprint.HTML(string=f'<link rel="stylesheet" href="{base}/linked.css"><p>x</p>').write_pdf()
    assert hits == ["/linked.css"]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/x.png", "https://example.org/x.css", "file:///etc/passwd", "ftp://example.org/x"]
)
def test_fetcher_refuses_every_url_but_data(url):
    fetcher = RefusingURLFetcher()
    with pytest.raises(ValueError, match="only data: URIs"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_data_uris_from_memory():
    response = RefusingURLFetcher().fetch(PIXEL_DATA_URI)
    assert response.content_type == "image/png"
    assert response.read().startswith(b"\x89PNG")


def test_characters_word_and_xml_forbid_are_dropped_and_line_breaks_kept():
    # Vertical tab is Word's manual line break; NUL and other C0 controls are invalid XML.
    report = make_report(good_practice="first line\x0bsecond line\x00\x07 end", family_views="one\r\ntwo\rthree")
    text = docx_all_text(rapid_review_docx(report))
    assert "first line\nsecond line end" in text
    assert "one\ntwo\nthree" in text
    assert "first line second line end" in pdf_text(rapid_review_pdf(report))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=200))
def test_any_text_at_all_renders_in_word_and_reads_back_without_forbidden_characters(text):
    data = rapid_review_docx(make_report(good_practice=text, child_pseudonym=text or "Child Q"))
    assert data.startswith(b"PK")
    assert docx_all_text(data)  # python-docx can open what was written


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=200))
def test_any_text_at_all_renders_as_pdf(text):
    assert rapid_review_pdf(make_report(good_practice=text, family_views=text)).startswith(b"%PDF")
