"""Accessible bar charts, drawn on the server so they work without JavaScript.

Each row is HTML text (label and count, in the page's own font, wrapping on a narrow screen) beside a bar
drawn as a small SVG whose width is a percentage attribute: no inline styles, so the strict
Content-Security-Policy holds, and nothing is scaled down into unreadable text on a phone (WCAG 2.2 1.4.10
reflow). The whole chart is one image to assistive technology, named by its title and described as having
its figures in the table that follows; the chart is never the only way to read the data (1.1.1).
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

BAR_MAX_PERCENT = 80  # the longest bar leaves room for its count on the same line


def bar_chart(
    rows: list[tuple[str, int]], *, title: str, chart_id: str, suppress_below: int = 0, show_title: bool = True
) -> Markup:
    """Horizontal bars, one per (label, count); counts under ``suppress_below`` are written "fewer than N"
    and get no bar, so a suppressed count cannot be read off the bar's length. ``show_title=False`` keeps the
    title for assistive technology only, for a chart under a heading that already says what it shows."""
    title_class = (
        "govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-2" if show_title else "govuk-visually-hidden"
    )
    peak = max((n for _, n in rows if not 0 < n < suppress_below), default=0) or 1
    parts = [
        f'<div class="cspr-chart" id="{escape(chart_id)}" role="img" aria-labelledby="{escape(chart_id)}-title" '
        f'aria-describedby="{escape(chart_id)}-desc">',
        f'<p class="{title_class}" id="{escape(chart_id)}-title">{escape(title)}</p>',
        f'<p class="govuk-visually-hidden" id="{escape(chart_id)}-desc">'
        "Bar chart. The same figures are in the table that follows.</p>",
    ]
    for label, n in rows:
        suppressed = 0 < n < suppress_below
        shown = f"fewer than {suppress_below}" if suppressed else str(n)
        percent = 0.0 if suppressed else round(BAR_MAX_PERCENT * n / peak, 1)
        bar = (
            f'<svg class="cspr-chart-bar" width="{percent:g}%" height="20" focusable="false" aria-hidden="true">'
            '<rect width="100%" height="100%"></rect></svg>'
            if percent > 0
            else ""
        )
        parts.append(
            f'<div class="cspr-chart__row govuk-body-s"><span class="cspr-chart__label">{escape(label)}</span>'
            f'<span class="cspr-chart__measure">{bar}<span class="cspr-chart__value">{escape(shown)}</span></span>'
            "</div>"
        )
    parts.append("</div>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated string is escaped above  # nosec B704
