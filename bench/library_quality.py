"""Search quality on the labelled set: each excerpt is a report; each theme's label is a query.

    CSPR_VAR_DIR=/tmp/cspr-quality .venv/bin/python -m bench.library_quality
    DATABASE_URL=postgres://.../scratch .venv/bin/python -m bench.library_quality

A result is relevant when its excerpt is labelled with the theme queried. Reports, over the 34 theme
queries on the database in use: precision at 5, recall at 10, mean reciprocal rank (first relevant result
in the top 10), and R-precision (precision at R, where R is the number of excerpts with the theme). The
queries are the taxonomy labels as written (e.g. "Parental mental health"), not tuned to the excerpts.

Recall at 10 cannot reach 1 for a theme with more than 10 relevant excerpts (voice of the child has 23:
at best 10/23), so its mean is capped below 1 whatever the engine does; the ceiling is printed beside it.
R-precision has no such cap (it looks R results deep), so it is the fairer single figure here.
"""

from __future__ import annotations

import os
import re


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspr.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cspr.library.labelled import load_labelled
    from cspr.library.metadata import ReportMetadata
    from cspr.library.models import Report
    from cspr.library.selectors import library_search
    from cspr.library.services import library_report_ingest
    from cspr.library.taxonomy import load_taxonomy

    call_command("migrate", verbosity=0)
    examples = load_labelled()
    by_report: dict[int, frozenset[str]] = {}
    for e in examples:
        report = library_report_ingest(
            actor=None, name=f"{e.id}.txt", data=e.text.encode(), metadata=ReportMetadata(title=e.id)
        ).report
        by_report[report.pk] = e.themes
    themes = load_taxonomy()
    deepest = max(sum(1 for t in by_report.values() if theme.id in t) for theme in themes)
    p5 = r10 = mrr = r_precision = ceiling = 0.0
    rows = []
    for theme in themes:
        words = re.sub(r"[^A-Za-z ]", " ", theme.label.split(" and ")[0]).split()
        query = " OR ".join(words) if len(words) > 3 else " ".join(words)
        ranked = [
            h.report.pk for h in library_search(user=None, query=query, limit=max(10, deepest), with_facets=False).hits
        ]
        hits = ranked[:10]
        relevant = {rid for rid, t in by_report.items() if theme.id in t}
        found = [h for h in hits if h in relevant]
        p = len([h for h in hits[:5] if h in relevant]) / 5
        r = len(found) / len(relevant) if relevant else 0.0
        rank = next((i + 1 for i, h in enumerate(hits) if h in relevant), None)
        rp = len([h for h in ranked[: len(relevant)] if h in relevant]) / len(relevant) if relevant else 0.0
        p5, r10, mrr = p5 + p, r10 + r, mrr + (1 / rank if rank else 0.0)
        r_precision += rp
        ceiling += min(1.0, 10 / len(relevant)) if relevant else 0.0
        rows.append((theme.id, query, len(relevant), p, r, rp, rank))
    n = len(themes)
    print(f"database: {connection.vendor}; {Report.objects.count()} reports; {n} theme-label queries")
    print(
        f"precision@5 {p5 / n:.3f}  recall@10 {r10 / n:.3f} (ceiling {ceiling / n:.3f})  MRR {mrr / n:.3f}  "
        f"R-precision {r_precision / n:.3f}"
    )
    for theme_id, query, size, p, r, rp, rank in rows:
        print(
            f"  {theme_id:28s} {query!r:45s} R {size:2d}  P@5 {p:.1f} R@10 {r:.2f} R-prec {rp:.2f} "
            f"first relevant {rank or '-'}"
        )


if __name__ == "__main__":
    main()
