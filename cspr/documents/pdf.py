"""Write a :class:`~cspr.documents.blocks.Document` as a tagged PDF: HTML from a Jinja2 template, then WeasyPrint.

Two safety properties matter because every value is text typed by someone else:

* the template escapes everything (Jinja2 autoescaping, no ``|safe`` on content), so ``<script>`` or
  ``<img src=...>`` in a field prints as those characters;
* WeasyPrint is given :class:`RefusingURLFetcher`, which answers only ``data:`` URIs. Even if markup ever
  slipped through, the renderer could not reach the network or read a local file (``file:///etc/passwd``)
  into a document that leaves the building.

The PDF is PDF/UA-1 where the installed WeasyPrint offers it (tagged structure, document language and title),
so screen readers get headings, tables with header cells and reading order.
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Mapping

import jinja2
import weasyprint
from markupsafe import Markup
from weasyprint.pdf import VARIANTS
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .blocks import Document
from .text import clean, paragraphs

logger = logging.getLogger(__name__)

#: Accessible PDF variant, when this WeasyPrint knows it; otherwise a plain PDF with tags switched on.
PDF_VARIANT: str | None = "pdf/ua-1" if "pdf/ua-1" in VARIANTS else None


# weasyprint ships no types, so to mypy its URLFetcher is Any.
class RefusingURLFetcher(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint URL fetcher that serves ``data:`` URIs and refuses everything else.

    Refusal raises an ordinary exception, which WeasyPrint turns into a logged warning and a missing
    resource; the document still renders. ``refused`` keeps the refused URLs for tests and diagnostics.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if url[:5].lower() != "data:":
            self.refused.append(url)
            raise ValueError("only data: URIs may be used in generated documents")
        # urllib's DataHandler decodes data: URIs in memory; no opener, so no other handler can be reached.
        response = urllib.request.DataHandler().data_open(urllib.request.Request(url))  # noqa: S310 - data: only
        return URLFetcherResponse(url, response.read(), {"Content-Type": response.headers["Content-Type"]})


def _css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string for the page header and footer.

    Every character other than a letter, digit, space or hyphen becomes a CSS hex escape, so no value can
    close the string, the rule or the ``<style>`` element. The result is marked safe only because it is
    already escaped for the one place it is used (HTML escaping would turn its quotes into entities, which
    CSS inside ``<style>`` does not decode).
    """
    escaped = "".join(c if c.isalnum() or c in " -" else f"\\{ord(c):06x}" for c in clean(text))
    return Markup(f'"{escaped}"')  # noqa: S704 - every special character is hex-escaped above  # nosec B704


def _heading_tag(level: int) -> str:
    # Level 0 (the title) is h1, a section h2, and so on; HTML stops at h6.
    return f"h{min(level + 1, 6)}"


_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("cspr.documents", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters["paragraphs"] = paragraphs
_environment.filters["clean"] = clean
_environment.filters["heading_tag"] = _heading_tag
_environment.filters["css_string"] = _css_string


def render_html(document: Document) -> str:
    """The document as a standalone HTML page (also usable as an on-screen preview)."""
    template = _environment.get_template("documents/document.html")
    return template.render(document=document)


def html_to_pdf(html: str) -> bytes:
    """Lay out ``html`` as a PDF with no access to the network or the file system."""
    options: dict[str, str | bool] = {"pdf_variant": PDF_VARIANT} if PDF_VARIANT else {"pdf_tags": True}
    fetcher = RefusingURLFetcher()
    pdf = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(**options)
    if fetcher.refused:
        # Count only: the URLs came from the document and may carry personal data.
        logger.warning("refused %d external resource(s) while rendering a PDF", len(fetcher.refused))
    return bytes(pdf)


def render_pdf(document: Document) -> bytes:
    """Return ``document`` as the bytes of a tagged PDF."""
    return html_to_pdf(render_html(document))
