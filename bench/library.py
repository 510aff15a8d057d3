"""Library benchmark at national scale: search, PDF ingest, themes and similar reviews.

    OMP_NUM_THREADS=1 CSPR_VAR_DIR=$(mktemp -d) .venv/bin/python -m bench.library
    OMP_NUM_THREADS=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/lib_bench .venv/bin/python -m bench.library

Uses the database the settings point at: run it on a scratch database (it migrates and adds reports).

A national library holds several thousand to 20,000 long reports, and ingesting 20,000 through PDF would
take hours, so the library is grown in bulk: reports generated from the labelled excerpts (shuffled,
recombined, with filler paragraphs) are written with the rows ingest leaves (catalogue record, passages
with page and heading, which the database indexes itself, the report-level search entry, theme suggestions
and confirmations, the
similarity signature and stored vector; ``services.library_vectors_rebuild`` writes the vectors with the
code ingest uses). Real ingest is timed separately on a sample of generated PDFs.

At each size (``--sizes``, default 2,000 and 20,000) it times library search with facets (p50/p95 over
the queries, as anonymous visitors run them), the queries one search costs, a plain scan of the passage
table for the same words (``icontains``: what finding reports without the index costs), and similar
reviews per report and for free text, including the matrix rebuild after a library change. Figures go
to ``bench/results.json`` under "library", by database (other keys in the file are kept).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import math
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

FILLER = [
    "The review was commissioned by the safeguarding partners and followed a systems methodology.",
    "Practitioners from each agency took part in a learning event and spoke openly about their work.",
    "The family were invited to contribute and the reviewer met the mother and grandmother.",
    "This section sets out the key practice episodes identified by the review panel.",
    "Recommendations are made to the partnership and to individual agencies, with timescales.",
    "The terms of reference covered the period from the child's birth to the incident.",
]
SCAN_WORDS = ["neglect", "escalation", "school", "curiosity"]
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
AREAS = ["Northshire", "Eastborough", "Westmoor", "Southvale", "Midford", "Lakeside", "Hillcross", "Riverton"]
RESULTS = Path(__file__).with_name("results.json")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _ms(seconds: float) -> float:
    return round(1000 * seconds, 1)


def _sections(rng: random.Random, excerpts: list[Any]) -> list[tuple[str, list[Any]]]:
    sections = []
    for s in range(rng.randint(4, 8)):
        chosen = rng.sample(excerpts, rng.randint(2, 5))
        sections.append((f"{s + 1}. Key practice episode {s + 1}", [rng.choice(FILLER), *chosen]))
    return sections


def write_pdfs(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """Review-like PDFs of 20-40 pages for timing real ingest (extract, split, detect, store)."""
    from cspr.library.labelled import load_labelled
    from cspr.library.samples import pdf_bytes, wrap

    rng = random.Random(seed)
    excerpts = [e.text for e in load_labelled()]
    paths = []
    for i in range(count):
        title = f"Child P{i}: local child safeguarding practice review"
        pages = []
        for heading, paragraphs in _sections(rng, excerpts):
            for _ in range(rng.randint(4, 6)):
                lines = [heading, ""]
                for p in paragraphs:
                    lines += [*wrap(p), ""]
                pages.append(lines)
        path = folder / f"report-{i:05d}.pdf"
        path.write_bytes(pdf_bytes(pages, title=title))
        paths.append(path)
    return paths


class BulkLibrary:
    """Grows the library to a size with bulk writes that leave the rows ingest would."""

    def __init__(self, seed: int = 7) -> None:
        from cspr.library.labelled import load_labelled
        from cspr.library.text import content_terms

        self.rng = random.Random(seed)
        self.seed = seed
        self.excerpts = list(load_labelled())
        self.terms = {e.text: Counter(content_terms(e.text)) for e in self.excerpts}
        self.terms.update({f: Counter(content_terms(f)) for f in FILLER})
        self.made = 0

    def grow_to(self, size: int, *, batch: int = 1000) -> float:
        """Add reports until the library holds ``size``; returns the seconds it took."""
        from django.db import transaction

        from cspr.library.extract import Block
        from cspr.library.metadata import AGE_BANDS, HARMS, NATIONS, REVIEW_TYPES
        from cspr.library.models import Passage, Report, ReportTheme
        from cspr.library.passages import split_passages
        from cspr.library.search import get_backend
        from cspr.library.services import library_vectors_rebuild
        from cspr.library.similarity import SIGNATURE_TERMS, Signature

        started = time.perf_counter()
        rng = self.rng
        nations, types, ages, harms = list(NATIONS), list(REVIEW_TYPES), list(AGE_BANDS), list(HARMS)
        while (have := Report.objects.count()) < size:
            n = min(batch, size - have)
            reports, bodies = [], []
            for _ in range(n):
                i = self.made
                self.made += 1
                sections = _sections(rng, self.excerpts)
                counts: Counter[str] = Counter()
                blocks, themes = [], set()
                for s_index, (heading, paragraphs) in enumerate(sections):
                    blocks.append(Block(text=heading, page=1 + s_index, heading=True))
                    for p in paragraphs:
                        text = p if isinstance(p, str) else p.text
                        counts.update(self.terms[text])
                        if not isinstance(p, str):
                            themes.update(p.themes)
                        blocks.append(Block(text=text, page=1 + s_index))
                # The passages ingest would make of these paragraphs (grouped by section, about 200 words).
                passages = [(q.page, q.heading, q.text) for q in split_passages(blocks)]
                signature = Signature(terms={t: 1.0 + math.log(c) for t, c in counts.most_common(SIGNATURE_TERMS)})
                year = rng.randint(2012, 2025)
                reports.append(
                    Report(
                        title=f"Child {chr(65 + i % 26)}{i}: local child safeguarding practice review",
                        publisher=f"{rng.choice(AREAS)} Safeguarding Children Partnership",
                        nation=rng.choices(nations, weights=[8 if k == "england" else 1 for k in nations])[0],
                        year=year,
                        review_type=rng.choice(types),
                        age_band=rng.choice(ages),
                        harm=rng.choice(harms),
                        source_name=f"bulk-{i:06d}.md",
                        format="md",
                        sha256=hashlib.sha256(f"bench-{self.seed}-{i}".encode()).hexdigest(),
                        page_count=len(sections),
                        word_count=sum(len(t.split()) for _, _, t in passages),
                        available_until=datetime.date(year + 30, 12, 31),
                        signature=signature.to_json(),
                        detector_mode="cues+tfidf",
                    )
                )
                bodies.append((passages, sorted(themes)))
            with transaction.atomic():
                created = Report.objects.bulk_create(reports)
                Passage.objects.bulk_create(
                    [
                        Passage(report=r, position=k, page=page, heading=h, text=t)
                        for r, (passages, _) in zip(created, bodies, strict=True)
                        for k, (page, h, t) in enumerate(passages)
                    ],
                    batch_size=2000,
                )
                # The report-level search entries ingest writes (title and all the text, one per report).
                get_backend().index_reports([r.pk for r in created])
                # Half the reports have had their suggestions reviewed: confirmed themes are the facets.
                ReportTheme.objects.bulk_create(
                    [
                        ReportTheme(
                            report=r,
                            theme=t,
                            score=0.5,
                            status=ReportTheme.Status.CONFIRMED if r.pk % 2 else ReportTheme.Status.SUGGESTED,
                        )
                        for r, (_, themes) in zip(created, bodies, strict=True)
                        for t in themes
                    ],
                    batch_size=2000,
                )
            library_vectors_rebuild(report_ids=[r.pk for r in created])
        return time.perf_counter() - started


def time_search(queries: list[str], rounds: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cspr.library.selectors import library_search

    for q in queries:  # warm-up: caches and the database's pages
        library_search(user=None, query=q, limit=20)
    timings: list[float] = []
    totals = {}
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            results = library_search(user=None, query=q, limit=20)
            timings.append(time.perf_counter() - t)
            totals[q] = results.total
    with CaptureQueriesContext(connection) as captured:
        library_search(user=None, query=queries[0], limit=20)
    return {
        "queries_timed": len(timings),
        "p50_ms": _ms(statistics.median(timings)),
        "p95_ms": _ms(_percentile(timings, 0.95)),
        "max_ms": _ms(max(timings)),
        "db_queries_per_search": len(captured.captured_queries),
        "totals": totals,
    }


def time_scan(words: list[str]) -> dict[str, Any]:
    """The same words found by a plain scan of the passage table, against the search (facets and all)."""
    from cspr.library.models import Passage
    from cspr.library.selectors import library_search

    scan, search = [], []
    for word in words:
        t = time.perf_counter()
        Passage.objects.filter(text__icontains=word).values("report").distinct().count()
        scan.append(time.perf_counter() - t)
        t = time.perf_counter()
        library_search(user=None, query=word, limit=20)
        search.append(time.perf_counter() - t)
    return {
        "scan_median_ms": _ms(statistics.median(scan)),
        "search_median_ms": _ms(statistics.median(search)),
        "scan_over_search": round(statistics.median(scan) / statistics.median(search), 1),
    }


def time_similar(text: str) -> dict[str, Any]:
    from cspr.library import selectors
    from cspr.library.models import Report
    from cspr.library.services import _library_changed

    _library_changed()  # as after any library change: the next call rebuilds the matrix
    ids = list(Report.objects.order_by("?").values_list("pk", flat=True)[:20])
    t = time.perf_counter()
    selectors.similar_reviews_for_report(user=None, report_id=ids[0])
    rebuild = time.perf_counter() - t
    per_report = []
    for rid in ids[1:]:
        t = time.perf_counter()
        selectors.similar_reviews_for_report(user=None, report_id=rid)
        per_report.append(time.perf_counter() - t)
    per_text = []
    for _ in range(5):
        t = time.perf_counter()
        selectors.similar_reviews_for_text(text=text)
        per_text.append(time.perf_counter() - t)
    index = selectors._index()
    return {
        "first_call_after_change_ms": _ms(rebuild),
        "per_report_median_ms": _ms(statistics.median(per_report)),
        "per_report_p95_ms": _ms(_percentile(per_report, 0.95)),
        "free_text_median_ms": _ms(statistics.median(per_text)),
        "index": type(index).__name__,
        "index_mb": round(getattr(index, "nbytes", 0) / 2**20, 1),
    }


def time_ingest(folder: Path, count: int) -> dict[str, Any]:
    from cspr.library.detect import ThemeDetector
    from cspr.library.services import library_report_ingest

    paths = write_pdfs(folder, count)
    detector = ThemeDetector(use_embeddings=False)
    pages = 0
    started = time.perf_counter()
    for path in paths:
        pages += library_report_ingest(actor=None, name=path.name, path=path, detector=detector).report.page_count
    seconds = time.perf_counter() - started
    return {
        "pdf_reports": count,
        "pages": pages,
        "seconds": round(seconds, 2),
        "pages_per_s": round(pages / seconds, 1),
        "reports_per_s": round(count / seconds, 2),
    }, paths


def time_themes(paths: list[Path], minilm: bool) -> dict[str, Any]:
    from cspr.library.detect import ThemeDetector
    from cspr.library.extract import extract
    from cspr.library.passages import split_passages

    docs = [split_passages(extract(p).blocks) for p in paths]
    out: dict[str, Any] = {}
    for use_embeddings in (False, True) if minilm else (False,):
        det = ThemeDetector(use_embeddings=use_embeddings)
        det.detect(docs[0])
        per = []
        for passages in docs:
            t = time.perf_counter()
            det.detect(passages)
            per.append(time.perf_counter() - t)
        out[det.mode] = {
            "reports": len(per),
            "passages_per_report": round(statistics.fmean(len(d) for d in docs), 1),
            "median_ms": _ms(statistics.median(per)),
            "mean_ms": _ms(statistics.fmean(per)),
            "max_ms": _ms(max(per)),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2000,20000", help="library sizes to measure at, ascending")
    parser.add_argument("--reports", type=int, help="one size only (as `make bench` runs it)")
    parser.add_argument("--pdf-sample", type=int, default=20, help="PDFs (20-40 pages) ingested for real")
    parser.add_argument("--rounds", type=int, default=5, help="times each search query is timed per size")
    parser.add_argument("--minilm", action="store_true", help="time theme detection with MiniLM too (slow)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    sizes = [args.reports] if args.reports else sorted(int(s) for s in args.sizes.split(","))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspr.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cspr.library.extract import extract
    from cspr.library.models import Passage, Report

    call_command("migrate", verbosity=0)
    figures: dict[str, Any] = {"database": connection.vendor, "sizes": {}}
    print(f"database: {connection.vendor}; sizes: {sizes}")
    with tempfile.TemporaryDirectory() as tmp:
        ingest, pdfs = time_ingest(Path(tmp), args.pdf_sample)
        figures["ingest_pdf"] = ingest
        print(f"ingest (PDF, real): {ingest}")
        figures["themes_per_report"] = time_themes(pdfs, args.minilm)
        print(f"themes: {figures['themes_per_report']}")
        sample_text = "\n\n".join(p.text for p in extract(pdfs[0]).blocks)

    bulk = BulkLibrary()
    for size in sizes:
        grow = bulk.grow_to(size)
        passages = Passage.objects.count()
        print(f"library: {Report.objects.count()} reports, {passages} passages (bulk growth {grow:.0f} s)")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # the bulk writes leave dead rows (search_document, theme bits)
        row: dict[str, Any] = {"reports": Report.objects.count(), "passages": passages, "bulk_s": round(grow, 1)}
        row["search"] = time_search(QUERIES, args.rounds)
        print(f"  search: {row['search']}")
        row["scan_ratio"] = time_scan(SCAN_WORDS)
        print(f"  scan vs search: {row['scan_ratio']}")
        row["similar"] = time_similar(sample_text)
        print(f"  similar: {row['similar']}")
        figures["sizes"][str(size)] = row

    results: dict[str, Any] = {}
    if args.results.exists():
        try:
            results = json.loads(args.results.read_text())
        except ValueError:
            results = {}
    library = results.get("library") if isinstance(results.get("library"), dict) else {}
    library[connection.vendor] = figures  # one entry per database, so both runs keep their figures
    results["library"] = library
    args.results.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {args.results} ['library'][{connection.vendor!r}]")


if __name__ == "__main__":
    main()
