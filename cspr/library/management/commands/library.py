"""``cspr library ...``: ingest reports, search, detect themes, find similar reviews, apply retention.

    cspr library ingest PATH... [--metadata FILE.csv] [--private-to SLUG] [--embeddings]
    cspr library search "QUERY" [--limit N] [--json]
    cspr library themes PATH [--json] [--no-embeddings]
    cspr library similar PATH|ID [--limit N] [--json]
    cspr library retention [--today YYYY-MM-DD]
    cspr library retention --report ID --until YYYY-MM-DD

The command line acts as the operator of the installation (audit events have no person as actor), and
sees what an anonymous visitor sees when searching: the published library.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any, TypedDict

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cspr.core.errors import NotFound, ServiceError
from cspr.library.extract import ExtractionError, extract, iter_supported_files
from cspr.library.metadata import MetadataError, ReportMetadata, load_metadata_csv
from cspr.library.passages import split_passages
from cspr.library.search import plain_snippet

# What ``--json`` prints for each subcommand: one object per row.


class _SearchRow(TypedDict):
    id: int
    title: str
    source: str
    year: int | None
    score: float
    snippet: str
    page: int | None
    heading: str
    publisher: str


class _EvidenceRow(TypedDict):
    page: int | None
    heading: str
    text: str
    cues: list[str]


class _ThemeRow(TypedDict):
    theme: str
    label: str
    score: float
    evidence: list[_EvidenceRow]


class _PassageRow(TypedDict):
    page: int | None
    heading: str
    text: str


class _SimilarRow(TypedDict):
    id: int
    title: str
    source: str
    year: int | None
    score: float
    shared_themes: list[str]
    shared_passages: list[_PassageRow]


class Command(BaseCommand):
    help = "The review library: ingest, search, themes, similar, retention."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="Add PDF, Word, HTML or text reports (folders recursively).")
        ingest.add_argument("paths", nargs="+", type=Path)
        ingest.add_argument("--metadata", type=Path, help="CSV with a 'file' column and catalogue fields.")
        ingest.add_argument("--private-to", metavar="SLUG", help="Store as unpublished material of this partnership.")
        ingest.add_argument(
            "--embeddings", action="store_true", help="Also use MiniLM embeddings (slower; needs the [nlp] extra)."
        )
        ingest.add_argument("--quiet", action="store_true", help="No progress bar.")

        search = sub.add_parser("search", help="Search the published library.")
        search.add_argument("query")
        search.add_argument("--limit", type=int, default=10)
        search.add_argument("--json", action="store_true")

        themes = sub.add_parser("themes", help="Suggest themes for any file, without storing it.")
        themes.add_argument("path", type=Path)
        themes.add_argument("--json", action="store_true")
        themes.add_argument("--no-embeddings", action="store_true", help="Cue phrases and TF-IDF only.")
        themes.add_argument("--all", action="store_true", help="List every theme's score, not only suggestions.")

        similar = sub.add_parser("similar", help="Published reviews most like a library report or a file.")
        similar.add_argument("target", help="A library report id, or a file to compare (not stored).")
        similar.add_argument("--limit", type=int, default=5)
        similar.add_argument("--json", action="store_true")

        retention = sub.add_parser("retention", help="Remove full text past its availability date.")
        retention.add_argument("--today", type=datetime.date.fromisoformat, help="Pretend today is this date.")
        retention.add_argument("--report", type=int, metavar="ID", help="Set one report's own availability date.")
        retention.add_argument(
            "--until", type=datetime.date.fromisoformat, metavar="YYYY-MM-DD", help="With --report: the new date."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, f"_{action}")(options)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc

    # --- ingest -----------------------------------------------------------------------------------------

    def _ingest(self, options: dict[str, Any]) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from cspr.library.services import library_report_ingest
        from cspr.partnerships.models import Partnership

        metadata: dict[str, ReportMetadata] = {}
        if options["metadata"]:
            try:
                metadata = load_metadata_csv(options["metadata"])
            except MetadataError as exc:
                raise CommandError(str(exc)) from exc
        partnership = None
        if options["private_to"]:
            partnership = Partnership.objects.filter(slug=options["private_to"]).first()
            if partnership is None:
                raise CommandError(f"No partnership with the slug {options['private_to']!r}.")
        files: list[tuple[Path, Path]] = []
        for root in options["paths"]:
            if not root.exists():
                raise CommandError(f"{root}: no such file or folder")
            files.extend((root, f) for f in iter_supported_files(root))
        added = unchanged = 0
        failed: list[tuple[str, str]] = []
        console = Console(file=sys.stderr)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=options["quiet"] or not console.is_terminal,
        ) as progress:
            file_task = progress.add_task("Files", total=len(files))
            page_task = progress.add_task("Pages", total=None)
            for root, path in files:
                relative = path.relative_to(root).as_posix() if root.is_dir() else path.name
                meta = metadata.get(relative) or metadata.get(path.name) or metadata.get(str(path))
                try:
                    outcome = library_report_ingest(
                        actor=None,
                        name=path.name,
                        path=path,
                        metadata=meta,
                        partnership=partnership,
                        is_public=partnership is None,
                        use_embeddings=bool(options["embeddings"]),
                        on_page=lambda n: progress.advance(page_task, n),
                    )
                except ExtractionError as exc:
                    failed.append((str(path), str(exc)))
                except ServiceError as exc:
                    failed.append((str(path), exc.message))
                else:
                    if outcome.created:
                        added += 1
                    else:
                        unchanged += 1
                progress.advance(file_task)
        for name, reason in failed:
            self.stderr.write(f"Not ingested: {name}: {reason}")
        self.stdout.write(
            f"{added} report(s) added, {unchanged} already in the library, {len(failed)} could not be read."
        )
        if failed and not added and not unchanged:
            raise CommandError("No report could be ingested.")

    # --- search -----------------------------------------------------------------------------------------

    def _search(self, options: dict[str, Any]) -> None:
        from cspr.library.search import QuerySyntaxError
        from cspr.library.selectors import library_search

        try:
            results = library_search(user=None, query=options["query"], limit=options["limit"], with_facets=False)
        except QuerySyntaxError as exc:
            raise CommandError(exc.message) from None
        rows: list[_SearchRow] = [
            {
                "id": hit.report.pk,
                "title": hit.report.title,
                "source": hit.report.source_name,
                "year": hit.report.year,
                "score": hit.score,
                "snippet": plain_snippet(hit.snippet),
                "page": hit.page,
                "heading": hit.heading,
                "publisher": hit.report.publisher,
            }
            for hit in results.hits
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write("No reports match.")
            return
        self.stdout.write(f"{results.total} report(s) match; showing {len(rows)}.")
        for row in rows:
            where = f", page {row['page']}" if row["page"] else ""
            self.stdout.write(f"\n[{row['id']}] {row['title']} ({row['year'] or 'year unknown'}) {row['score']:.3f}")
            self.stdout.write(f"    {row['source']}{where}")
            self.stdout.write(f"    {row['snippet']}")

    # --- themes -----------------------------------------------------------------------------------------

    def _themes(self, options: dict[str, Any]) -> None:
        from cspr.library.detect import ThemeDetector

        try:
            document = extract(options["path"])
        except ExtractionError as exc:
            raise CommandError(f"{options['path']}: {exc}") from exc
        passages = split_passages(document.blocks)
        detector = ThemeDetector(use_embeddings=False if options["no_embeddings"] else None)
        result = detector.detect(passages, threshold=0.0 if options["all"] else None)
        if detector.fallback and not options["no_embeddings"]:
            self.stderr.write(f"Detector: {result.mode} ({detector.fallback})")
        rows: list[_ThemeRow] = [
            {
                "theme": s.theme,
                "label": s.label,
                "score": round(s.score, 4),
                "evidence": [
                    {"page": e.page, "heading": e.heading, "text": e.text, "cues": list(e.cues)} for e in s.evidence
                ],
            }
            for s in result.suggestions
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"{document.name}: {len(passages)} passages; detector {result.mode}")
        if not rows:
            self.stdout.write("No theme reaches the suggestion threshold.")
        for row in rows:
            self.stdout.write(f"\n{row['score']:.2f}  {row['label']} ({row['theme']})")
            for e in row["evidence"][:2]:
                where = f"page {e['page']}" if e["page"] else "passage"
                text = e["text"] if len(e["text"]) < 220 else e["text"][:217] + "..."
                self.stdout.write(f"      {where}: {text}")

    # --- similar ----------------------------------------------------------------------------------------

    def _similar(self, options: dict[str, Any]) -> None:
        from cspr.library.selectors import similar_reviews_for_report, similar_reviews_for_text

        target: str = options["target"]
        if target.isdigit() and not Path(target).exists():
            try:
                similar = similar_reviews_for_report(user=None, report_id=int(target), limit=options["limit"])
            except NotFound as exc:
                raise CommandError(exc.message) from exc
        else:
            try:
                document = extract(Path(target))
            except ExtractionError as exc:
                raise CommandError(f"{target}: {exc}") from exc
            text = "\n\n".join(p.text for p in split_passages(document.blocks))
            from cspr.library.models import Report

            same = list(Report.objects.filter(sha256=document.sha256).values_list("pk", flat=True))
            similar = similar_reviews_for_text(text=text, limit=options["limit"], exclude=same)
        rows: list[_SimilarRow] = [
            {
                "id": s.report.pk,
                "title": s.report.title,
                "source": s.report.source_name,
                "year": s.report.year,
                "score": round(s.score, 4),
                "shared_themes": s.shared_themes,
                "shared_passages": [
                    {"page": p["page"], "heading": p["heading"], "text": p["passage"]} for p in s.shared_passages
                ],
            }
            for s in similar
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write("No similar reviews in the library.")
        for row in rows:
            self.stdout.write(f"[{row['id']}] {row['title']} ({row['year'] or '?'}) {row['score']:.3f}")
            if row["shared_themes"]:
                self.stdout.write(f"    shared themes: {', '.join(row['shared_themes'])}")

    # --- retention --------------------------------------------------------------------------------------

    def _retention(self, options: dict[str, Any]) -> None:
        from cspr.library.services import library_report_set_available_until, library_retention_apply

        if options["report"] is not None or options["until"] is not None:
            if options["report"] is None or options["until"] is None:
                raise CommandError("Give both --report ID and --until YYYY-MM-DD to change one report's date.")
            report = library_report_set_available_until(
                actor=None, report_id=options["report"], available_until=options["until"]
            )
            self.stdout.write(f"[{report.pk}] {report.title}: full text available until {report.available_until}.")
            return
        done = library_retention_apply(actor=None, today=options["today"])
        self.stdout.write(f"Full text removed from {len(done)} report(s); their catalogue records remain.")
