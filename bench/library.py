"""Library benchmark: generate N review-like reports, ingest them, then time search, themes and similarity.

    CSPR_VAR_DIR=/tmp/cspr-bench .venv/bin/python -m bench.library --reports 2000
    DATABASE_URL=postgres://... .venv/bin/python -m bench.library --reports 2000

Reports are generated from the labelled excerpts (shuffled, recombined, with filler paragraphs) so the
text looks like reviews; one in ten is written as a PDF of 20-40 pages, the rest as text/HTML/Word.
Uses the database the settings point at: run it on a scratch database (it migrates and adds reports).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

FILLER = [
    "The review was commissioned by the safeguarding partners and followed a systems methodology.",
    "Practitioners from each agency took part in a learning event and spoke openly about their work.",
    "The family were invited to contribute and the reviewer met the mother and grandmother.",
    "This section sets out the key practice episodes identified by the review panel.",
    "Recommendations are made to the partnership and to individual agencies, with timescales.",
    "The terms of reference covered the period from the child's birth to the incident.",
]
SCAN_WORDS = ["neglect", "escalation", "school", "curiosity"]
THEME_SAMPLE = 100  # reports timed for theme detection, evenly spread over the generated library
THEME_BUDGET_S = 60.0  # seconds each detector mode may spend on them

QUERIES = [
    "neglect",
    '"safer sleep"',
    "county lines OR exploitation",
    "domestic abuse -court",
    '"voice of the child"',
    "health visitor",
    "escalation",
    "information sharing school",
]


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    from cspr.library.labelled import load_labelled
    from cspr.library.samples import docx_bytes, html_document, pdf_bytes, wrap

    rng = random.Random(seed)
    excerpts = [e.text for e in load_labelled()]
    paths = []
    for i in range(count):
        title = f"Child {chr(65 + i % 26)}{i}: local child safeguarding practice review"
        sections = []
        for s in range(rng.randint(4, 8)):
            paragraphs = [rng.choice(FILLER), *rng.sample(excerpts, rng.randint(2, 5))]
            sections.append((f"{s + 1}. Key practice episode {s + 1}", paragraphs))
        kind = i % 10
        if kind == 0:
            pages = []
            for heading, paragraphs in sections:
                for _ in range(rng.randint(4, 6)):
                    lines = [heading, ""]
                    for p in paragraphs:
                        lines += [*wrap(p), ""]
                    pages.append(lines)
            path = folder / f"report-{i:05d}.pdf"
            path.write_bytes(pdf_bytes(pages, title=title))
        elif kind == 1:
            path = folder / f"report-{i:05d}.docx"
            path.write_bytes(docx_bytes(sections, title=title))
        elif kind == 2:
            path = folder / f"report-{i:05d}.html"
            path.write_text(html_document(title, sections))
        else:
            path = folder / f"report-{i:05d}.md"
            body = [f"# {title}", ""]
            for heading, paragraphs in sections:
                body += [f"## {heading}", "", *[p + "\n" for p in paragraphs]]
            path.write_text("\n".join(body))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--embeddings", action="store_true", help="ingest with MiniLM embeddings too")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspr.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cspr.library.detect import ThemeDetector
    from cspr.library.extract import extract
    from cspr.library.models import Passage, Report
    from cspr.library.passages import split_passages
    from cspr.library.search import get_backend, parse_query
    from cspr.library.selectors import library_search, similar_reviews_for_report, similar_reviews_for_text
    from cspr.library.services import library_report_ingest

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; reports to generate: {args.reports}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        paths = generate(folder, args.reports)
        print(f"generated {len(paths)} files in {time.perf_counter() - started:.1f} s")

        pages = 0
        started = time.perf_counter()
        detector = ThemeDetector(use_embeddings=bool(args.embeddings))
        for path in paths:
            outcome = library_report_ingest(actor=None, name=path.name, path=path, detector=detector)
            pages += outcome.report.page_count
        ingest_s = time.perf_counter() - started
        print(
            f"ingest: {len(paths)} files, {pages} pages, {Passage.objects.count()} passages in {ingest_s:.1f} s "
            f"({len(paths) / ingest_s:.1f} reports/s, detector {detector.mode})"
        )
        print(f"library now holds {Report.objects.count()} reports")

        timings = []
        for _ in range(3):
            for q in QUERIES:
                t = time.perf_counter()
                results = library_search(user=None, query=q, limit=20)
                timings.append(time.perf_counter() - t)
        print(
            f"search (with facets, {len(timings)} queries): median {1000 * statistics.median(timings):.0f} ms, "
            f"max {1000 * max(timings):.0f} ms; last query matched {results.total} reports"
        )
        # Which reports mention a word: through the full-text index (every matching report, ranked), and the
        # way a shared drive or spreadsheet would find it, a case-insensitive scan of every passage (unranked).
        # A ratio from one run, so machine load cancels out; facets and snippets are left out of both.
        backend = get_backend()
        fts, scan = [], []
        for _ in range(3):
            for word in SCAN_WORDS:
                t = time.perf_counter()
                backend.match_reports(parse_query(word))
                fts.append(time.perf_counter() - t)
                t = time.perf_counter()
                Passage.objects.filter(text__icontains=word).values("report").distinct().count()
                scan.append(time.perf_counter() - t)
        print(
            f"search ratio: a scan of every passage takes {statistics.median(scan) / statistics.median(fts):.1f}x "
            f"the full-text index to find the reports that mention a word (median of {len(fts)} queries each)"
        )

        # Theme detection on a seeded random sample of THEME_SAMPLE reports, with the library's mix of
        # formats (an evenly stepped sample would be every 20th file: all of them PDFs, as every 10th is),
        # extracted beforehand so only detection is timed. Each mode stops after THEME_BUDGET_S seconds
        # (MiniLM on two cores manages a few dozen reports in that time) and says how many it timed.
        sample = sorted(random.Random(11).sample(paths, min(THEME_SAMPLE, len(paths))))
        sample_passages = [split_passages(extract(path).blocks) for path in sample]
        mean_per_report: dict[bool, float] = {}
        for use_embeddings in (False, True):
            try:
                det = ThemeDetector(use_embeddings=use_embeddings)
            except Exception as exc:
                print(f"themes ({'minilm' if use_embeddings else 'basic'}): skipped ({exc})")
                continue
            det.detect(sample_passages[0])  # warm-up: the model and caches load once per process
            per_report: list[float] = []
            n_passages = 0
            budget_started = time.perf_counter()
            for passages in sample_passages:
                t = time.perf_counter()
                det.detect(passages)
                per_report.append(time.perf_counter() - t)
                n_passages += len(passages)
                if time.perf_counter() - budget_started > THEME_BUDGET_S:
                    break
            print(
                f"themes ({det.mode}): {len(per_report)} of {len(sample)} sampled reports, {n_passages} passages; "
                f"median {1000 * statistics.median(per_report):.0f} ms, mean "
                f"{1000 * statistics.fmean(per_report):.0f} ms, max {1000 * max(per_report):.0f} ms per report"
            )
            mean_per_report[use_embeddings] = statistics.fmean(per_report)
        if len(mean_per_report) == 2:
            print(
                f"themes ratio: MiniLM costs {mean_per_report[True] / mean_per_report[False]:.0f}x "
                "cues+tfidf per report"
            )

        ids = list(Report.objects.values_list("pk", flat=True)[:10])
        similar_reviews_for_report(user=None, report_id=ids[0])  # builds the in-memory index once
        t = time.perf_counter()
        for rid in ids:
            similar_reviews_for_report(user=None, report_id=rid)
        print(f"similar (report): {1000 * (time.perf_counter() - t) / len(ids):.0f} ms per report")
        text = Path(sample[0]).read_text(errors="ignore") if sample[0].suffix == ".md" else ""
        text = text or "\n\n".join(p.text for p in split_passages(extract(sample[1]).blocks))
        t = time.perf_counter()
        similar_reviews_for_text(text=text)
        print(f"similar (free text): {1000 * (time.perf_counter() - t):.0f} ms")


if __name__ == "__main__":
    main()
