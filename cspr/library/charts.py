"""Accessible SVG bar charts, drawn on the server so they work without JavaScript.

The SVG carries a title and description for screen readers and is always shown beside a table with
the same numbers (WCAG 2.2: 1.1.1 non-text content; a chart is never the only way to read the data).
Bars are sized with SVG attributes, not inline styles, so the strict Content-Security-Policy holds.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup


def bar_chart_svg(
    rows: list[tuple[str, int]], *, title: str, chart_id: str, suppress_below: int = 0, width: int = 640
) -> Markup:
    """Horizontal bars, one per (label, count); counts under ``suppress_below`` are drawn as "<N", no bar."""
    bar_h, gap, label_w = 22, 8, 260
    height = max(1, len(rows)) * (bar_h + gap) + 10
    peak = max((n for _, n in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" class="cspr-chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">Bar chart. The same figures are in the table that follows.</desc>',
    ]
    for i, (label, n) in enumerate(rows):
        y = 5 + i * (bar_h + gap)
        short = label if len(label) <= 38 else label[:36] + "\u2026"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 6}" text-anchor="end" font-size="14" fill="#0b0c0c">'
            f"{escape(short)}</text>"
        )
        shown = f"fewer than {suppress_below}" if 0 < n < suppress_below else str(n)
        bar_w = 0 if 0 < n < suppress_below else round((width - label_w - 70) * n / peak)
        parts.append(f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="{bar_h}" fill="#1d70b8"></rect>')
        parts.append(
            f'<text x="{label_w + bar_w + 6}" y="{y + bar_h - 6}" font-size="14" fill="#0b0c0c">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated string is escaped above
