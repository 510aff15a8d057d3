"""Full-text search over passages, behind one interface with a backend per database.

``SearchBackend`` is what callers use; :func:`get_backend` picks the implementation for the database in
use: SQLite FTS5 (the embedded default) or PostgreSQL full-text search over a GIN-indexed tsvector. A
later OpenSearch adapter implements the same three methods.

Queries use one small syntax on every backend, parsed once here and rendered for each:
words (all must match, English stemming: "neglected" finds "neglect"), "quoted phrases", OR between
alternatives, and NOT or a leading minus to exclude (``"safer sleep" OR co-sleeping -court``).
"""

from __future__ import annotations

import html
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from cspr.core.errors import ValidationFailed
from cspr.library.text import STOPWORDS

__all__ = [
    "BestPassage",
    "Clause",
    "PostgresSearchBackend",
    "QuerySyntaxError",
    "ReportMatch",
    "SearchBackend",
    "SearchQuery",
    "SqliteSearchBackend",
    "check_query",
    "get_backend",
    "highlight_html",
    "parse_query",
    "passage_query",
]

MARK_START = "\ue000"
MARK_END = "\ue001"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TOKEN = re.compile(r'-?"[^"]*"?|\(|\)|[^\s()]+')


class QuerySyntaxError(ValidationFailed):
    """The query cannot be run (for example, it only excludes words); the message says how to fix it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field_errors={"q": message})


@dataclass(frozen=True, slots=True)
class Clause:
    """Alternatives joined by OR; each alternative is a word or a phrase (a tuple of words)."""

    alternatives: tuple[tuple[str, ...], ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str
    clauses: tuple[Clause, ...]

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def negative(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.negated)

    def __bool__(self) -> bool:
        return bool(self.positive)


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD.findall(text))


def parse_query(text: str) -> SearchQuery:
    """Parse the user's query; an empty or stop-word-only query is falsy (browse, not search)."""
    clauses: list[Clause] = []
    pending_or = False
    negate_next = False
    for raw in _TOKEN.findall(text or ""):
        if raw in {"(", ")"}:
            continue
        if raw == "OR":
            pending_or = bool(clauses) and not clauses[-1].negated
            continue
        if raw == "AND":
            continue
        if raw == "NOT":
            negate_next = True
            continue
        negated = negate_next
        negate_next = False
        if raw.startswith("-") and len(raw) > 1:
            negated = True
            raw = raw[1:]
        if raw.startswith('"'):
            term = _words(raw.strip('"'))
        else:
            term = _words(raw)
            # A lone stop word matches nothing on PostgreSQL; drop it everywhere so backends agree.
            if len(term) == 1 and term[0] in STOPWORDS:
                term = ()
        if not term:
            continue
        if pending_or and not negated:
            last = clauses.pop()
            clauses.append(Clause((*last.alternatives, term), False))
        else:
            clauses.append(Clause((term,), negated))
        pending_or = False
    return SearchQuery(text=text or "", clauses=tuple(clauses))


def check_query(query: SearchQuery) -> None:
    """Refuse a query that has text but nothing to look for. Only an empty query browses the catalogue:
    answering "-court" or "the" with every report would say that every report matches."""
    if query or not query.text.strip():
        return
    if query.negative:
        raise QuerySyntaxError("Add a word or phrase to look for: a search cannot only leave words out")
    raise QuerySyntaxError("Enter a word or phrase to search for: very common words such as “the” are left out")


def highlight_html(snippet: str) -> str:
    """Escape a backend's snippet and turn its private-use markers into <mark> (never trust report text)."""
    escaped = html.escape(snippet, quote=False)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def plain_snippet(snippet: str) -> str:
    """The snippet with match markers written as **bold** for plain-text output (CLI, JSON)."""
    return snippet.replace(MARK_START, "**").replace(MARK_END, "**")


@dataclass(frozen=True, slots=True)
class ReportMatch:
    report_id: int
    score: float


@dataclass(frozen=True, slots=True)
class BestPassage:
    """A shown report's best passage for a query: where it is, its extract and how many passages match."""

    passage_id: int
    page: int | None
    heading: str
    snippet: str  # with MARK_START/MARK_END around matches
    matching_passages: int


# Between two passages in a report's document, so that a phrase never matches across the end of one passage
# and the start of the next: a private-use character is a token to FTS5 (and no query can contain one), and a
# stop word takes a position in a PostgreSQL tsvector, so the two words are not adjacent.
SQLITE_PASSAGE_BREAK = " \ue002 "
POSTGRES_PASSAGE_BREAK = " the "


def passage_query(query: SearchQuery) -> SearchQuery:
    """What a passage of a matching report is ranked by: any of the query's words or phrases. A report matches
    as a whole (its words may be in different passages; an excluded word is in none of them), so its best
    passage is the one with the most of what was asked for, not one that has all of it."""
    alternatives = tuple(a for c in query.positive for a in c.alternatives)
    return SearchQuery(text=query.text, clauses=(Clause(alternatives),) if alternatives else ())


# A report's document: its title, then its passages in order, each section's heading once (where it changes),
# with a break between passages. Only reports with passages get one: after retention a report has none.
# ``{ids}`` is the SQL choosing the reports (a subquery, or every report when migration 0005 fills the index).
def _document_parts(ids: str) -> str:
    return (
        "SELECT report_id, position, CASE WHEN heading <> '' AND heading IS DISTINCT FROM "  # noqa: S608 -- constant SQL; every value is a parameter  # nosec B608
        "LAG(heading) OVER (PARTITION BY report_id ORDER BY position) THEN heading || ' ' ELSE '' END || text AS part "
        f"FROM library_passage WHERE report_id IN ({ids})"
    )


def sqlite_index_reports_sql(ids: str) -> str:
    """INSERT the report-level FTS5 rows of the chosen reports (which must have none yet)."""
    return (
        "INSERT INTO library_report_fts(rowid, title, body) SELECT r.id, r.title, d.body FROM library_report r "  # noqa: S608 -- constant SQL; every value is a parameter  # nosec B608
        f"JOIN (SELECT report_id, group_concat(part, '{SQLITE_PASSAGE_BREAK}') AS body FROM "
        f"(SELECT report_id, part FROM ({_document_parts(ids)}) ORDER BY report_id, position) GROUP BY report_id) d "
        "ON d.report_id = r.id"
    )


def postgres_index_reports_sql(ids: str) -> str:
    """UPDATE the report-level tsvector of the chosen reports that have passages."""
    return (
        "UPDATE library_report r SET search_document = setweight(to_tsvector('english', r.title), 'A') || "  # noqa: S608 -- constant SQL; every value is a parameter  # nosec B608
        "setweight(to_tsvector('english', d.body), 'B') "
        f"FROM (SELECT report_id, string_agg(part, '{POSTGRES_PASSAGE_BREAK}' ORDER BY position) AS body "
        f"FROM ({_document_parts(ids)}) parts GROUP BY report_id) d WHERE d.report_id = r.id"
    )


class SearchBackend(ABC):
    """Full-text search: a report-level index (one document per report: its title and all its passages) finds,
    counts and ranks reports; the passage index finds each shown report's best passage. Scores are "higher is
    better" on every backend."""

    vendor = ""

    def __init__(self, connection: BaseDatabaseWrapper | None = None) -> None:
        self.connection: BaseDatabaseWrapper = connection or default_connection

    @abstractmethod
    def matches_sql(self, query: SearchQuery) -> tuple[str, list[Any]]:
        """SQL (and its parameters) selecting one row per matching report from the report-level index:
        ``report_id`` and ``score`` (higher is better).

        Callers compose it as a subquery (filters, totals, facets and the page are worked out by the
        database over the whole matching set), so no list of report ids ever comes back to Python and
        no cap makes totals wrong on a large library. One row per report, not per passage: a common word
        is in a tenth as many rows, and only the shown page's passages are ranked (``best_passages``).
        Needs a non-empty query."""

    def report_row_match(self, query: SearchQuery) -> tuple[str, list[Any], str, list[Any]] | None:
        """For a backend whose report-level index is a column of ``library_report`` itself: the condition
        and the score as SQL over that row, each with its parameters, so the search reads each matching
        report once (``matches_sql`` joined back to the report reads it twice). None: use ``matches_sql``."""
        return None

    @abstractmethod
    def best_passages(self, query: SearchQuery, report_ids: Sequence[int]) -> dict[int, BestPassage]:
        """For each of the given (shown) reports, its best passage for the query, with its extract: one
        statement for the whole page. A report matched only by its title has none."""

    @abstractmethod
    def index_reports(self, report_ids: Sequence[int]) -> None:
        """Write the report-level index entries of these reports from their title and passages, as they are
        now (a report without passages, after retention, has none). Ingest and the benchmark's bulk writes
        call it in the transaction that stores the passages; deleting passages or a report removes the
        entry in the database itself (migration 0005)."""

    def match_reports(self, query: SearchQuery, *, limit: int | None = None) -> list[ReportMatch]:
        """Reports with at least one matching passage, best first, with their best passage; every one of
        them unless ``limit`` is given."""
        if not query:
            return []
        sql, params = self.matches_sql(query)
        sql = f"SELECT report_id, score FROM ({sql}) m ORDER BY score DESC, report_id"  # noqa: S608 -- constant SQL and the backend's own; every value is a parameter  # nosec B608
        if limit is not None:
            sql += " LIMIT %s"
            params = [*params, limit]
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [ReportMatch(int(r[0]), float(r[1])) for r in rows]

    @abstractmethod
    def snippets(self, query: SearchQuery, passage_ids: Sequence[int]) -> dict[int, str]:
        """Highlighted extracts (with MARK_START/MARK_END around matches) for the given passages."""

    @abstractmethod
    def passage_matches(self, query: SearchQuery, report_id: int, *, limit: int = 20) -> list[tuple[int, float]]:
        """The passages of one (matching) report with any of the query's words or phrases, best first."""


class SqliteSearchBackend(SearchBackend):
    """SQLite FTS5 with the porter stemmer: an external-content table over library_passage, kept in step by
    triggers (migration 0002); bm25 ranks with the heading weighted double."""

    vendor = "sqlite"

    @staticmethod
    def render(query: SearchQuery) -> str:
        def term(words: tuple[str, ...]) -> str:
            return '"' + " ".join(words) + '"'

        def clause(c: Clause) -> str:
            inner = " OR ".join(term(a) for a in c.alternatives)
            return f"({inner})"

        expr = " AND ".join(clause(c) for c in query.positive)
        for c in query.negative:
            expr += f" NOT {clause(c)}"
        return expr

    def matches_sql(self, query: SearchQuery) -> tuple[str, list[Any]]:
        # bm25() only works in the query that does the MATCH: a materialised CTE keeps the optimiser from
        # flattening it into the caller's join. The title counts double, as a passage's heading does.
        sql = (
            "WITH f AS MATERIALIZED (SELECT rowid AS report_id, -bm25(library_report_fts, 2.0, 1.0) AS score "
            "FROM library_report_fts WHERE library_report_fts MATCH %s) SELECT report_id, score FROM f"
        )
        return sql, [self.render(query)]

    # The passages of the given reports, as ranges of rowids the FTS5 index can seek to: a report's passages are
    # written together, so their ids are one run (any passage of another report inside a range is dropped by
    # the join). FTS5 cannot seek to a list of rowids (``rowid IN``), only to a range, so a list walks the
    # whole match: every passage in the library with a common word, 0.5-1 s at 20,000 reports.
    _RANGES = (
        "r AS MATERIALIZED (SELECT report_id, MIN(id) AS lo, MAX(id) AS hi FROM library_passage "
        "WHERE report_id IN (SELECT value FROM json_each(%s)) GROUP BY report_id)"
    )

    def best_passages(self, query: SearchQuery, report_ids: Sequence[int]) -> dict[int, BestPassage]:
        wanted = passage_query(query)
        if not wanted or not report_ids:
            return {}
        # Each shown report's matching passages, with how much of the query each holds: the phrase instances
        # FTS5 marks (highlight() with a one-character mark, so the count is the added length), a heading's
        # counting double as in the ranking. Not bm25: FTS5 works out bm25's document frequencies again for
        # each range it seeks to, a pass over every matching passage in the library each time (about 4 ms
        # per report for a common word). The best per report (most marks, then the first), then the extract
        # of those few, each found by its rowid.
        sql = (
            f"WITH {self._RANGES}, "  # noqa: S608 -- constant SQL; every value is a parameter  # nosec B608
            "c AS MATERIALIZED (SELECT r.report_id, f.rowid AS pid, p.position, "
            "2 * (LENGTH(highlight(library_passage_fts, 0, %s, '')) - LENGTH(p.heading)) "
            "+ LENGTH(highlight(library_passage_fts, 1, %s, '')) - LENGTH(p.text) AS marks "
            "FROM r CROSS JOIN library_passage_fts f JOIN library_passage p ON p.id = f.rowid "
            "WHERE f.rowid BETWEEN r.lo AND r.hi AND library_passage_fts MATCH %s AND p.report_id = r.report_id), "
            "b AS MATERIALIZED (SELECT report_id, pid, n FROM (SELECT report_id, pid, COUNT(*) OVER w AS n, "
            "ROW_NUMBER() OVER (w ORDER BY marks DESC, position) AS k FROM c WINDOW w AS (PARTITION BY report_id)) "
            "WHERE k = 1), "
            "h AS MATERIALIZED (SELECT b.pid, snippet(library_passage_fts, 1, %s, %s, '\u2026', 40) AS snip "
            "FROM b CROSS JOIN library_passage_fts f WHERE f.rowid = b.pid AND library_passage_fts MATCH %s) "
            "SELECT b.report_id, b.pid, p.page, p.heading, b.n, COALESCE(h.snip, SUBSTR(p.text, 1, 300)) "
            "FROM b JOIN library_passage p ON p.id = b.pid LEFT JOIN h ON h.pid = b.pid"
        )
        rendered = self.render(wanted)
        ids = json.dumps([int(i) for i in report_ids])
        params = [ids, MARK_START, MARK_START, rendered, MARK_START, MARK_END, rendered]
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return {int(r[0]): BestPassage(int(r[1]), r[2], r[3] or "", r[5] or "", int(r[4])) for r in rows}

    def index_reports(self, report_ids: Sequence[int]) -> None:
        if not report_ids:
            return
        ids = json.dumps([int(i) for i in report_ids])
        with self.connection.cursor() as cursor:
            cursor.execute("DELETE FROM library_report_fts WHERE rowid IN (SELECT value FROM json_each(%s))", [ids])
            cursor.execute(sqlite_index_reports_sql("SELECT value FROM json_each(%s)"), [ids])

    def snippets(self, query: SearchQuery, passage_ids: Sequence[int]) -> dict[int, str]:
        if not query or not passage_ids:
            return {}
        # One seek per passage (rowid = each id): FTS5 cannot seek to a list (rowid IN walks the whole match).
        sql = (
            "SELECT f.rowid, snippet(library_passage_fts, 1, %s, %s, '\u2026', 40) FROM json_each(%s) j "
            "CROSS JOIN library_passage_fts f WHERE f.rowid = j.value AND library_passage_fts MATCH %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [MARK_START, MARK_END, json.dumps([int(i) for i in passage_ids]), self.render(query)])
            return {int(pid): text for pid, text in cursor.fetchall()}

    def passage_matches(self, query: SearchQuery, report_id: int, *, limit: int = 20) -> list[tuple[int, float]]:
        if not query:
            return []
        # One report: FTS5 seeks to its range of passage ids (bm25's document frequencies worked out once).
        sql = (
            f"WITH {self._RANGES}, m AS MATERIALIZED (SELECT f.rowid AS pid, bm25(library_passage_fts, 2.0, 1.0) "  # noqa: S608 -- constant SQL; every value is a parameter  # nosec B608
            "AS s FROM r CROSS JOIN library_passage_fts f WHERE f.rowid BETWEEN r.lo AND r.hi "
            "AND library_passage_fts MATCH %s) "
            "SELECT m.pid, m.s FROM m JOIN library_passage p ON p.id = m.pid WHERE p.report_id = %s "
            "ORDER BY m.s, p.position LIMIT %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [json.dumps([int(report_id)]), self.render(passage_query(query)), report_id, limit])
            return [(int(pid), -float(s)) for pid, s in cursor.fetchall()]


class PostgresSearchBackend(SearchBackend):
    """PostgreSQL full-text search: a stored generated tsvector (english; heading weighted B, text A) with a
    GIN index (migration 0002), ranked by ts_rank_cd, extracts from ts_headline."""

    vendor = "postgresql"
    HEADLINE = (
        f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=40, MinWords=15, "
        'MaxFragments=2, FragmentDelimiter=" \u2026 "'
    )

    @staticmethod
    def render(query: SearchQuery) -> str:
        def term(words: tuple[str, ...]) -> str:
            return "(" + " <-> ".join(f"'{w}'" for w in words) + ")"

        def clause(c: Clause) -> str:
            return "(" + " | ".join(term(a) for a in c.alternatives) + ")"

        parts = [clause(c) for c in query.positive] + [f"!{clause(c)}" for c in query.negative]
        return " & ".join(parts)

    def matches_sql(self, query: SearchQuery) -> tuple[str, list[Any]]:
        sql = (
            "SELECT r.id AS report_id, ts_rank(r.search_document, q) AS score "
            "FROM library_report r, to_tsquery('english', %s) q WHERE r.search_document @@ q"
        )
        return sql, [self.render(query)]

    def report_row_match(self, query: SearchQuery) -> tuple[str, list[Any], str, list[Any]] | None:
        # The tsvector is a column of the report: one read of each matching report gives its score and the
        # columns the facets count. The query as a constant (not a FROM item), so the planner can weigh the GIN
        # index against its statistics.
        rendered = self.render(query)
        return (
            "library_report.search_document @@ to_tsquery('english', %s)",
            [rendered],
            "ts_rank(library_report.search_document, to_tsquery('english', %s))",
            [rendered],
        )

    def best_passages(self, query: SearchQuery, report_ids: Sequence[int]) -> dict[int, BestPassage]:
        wanted = passage_query(query)
        if not wanted or not report_ids:
            return {}
        sql = (
            "WITH q AS (SELECT to_tsquery('english', %s) AS q), "
            "f AS (SELECT p.id, p.report_id, p.position, p.page, p.heading, p.text, "
            "ts_rank_cd(p.search_vector, q.q) AS s FROM library_passage p, q "
            "WHERE p.report_id = ANY(%s) AND p.search_vector @@ q.q), "
            "b AS (SELECT DISTINCT ON (report_id) report_id, id, page, heading, text, "
            "COUNT(*) OVER (PARTITION BY report_id) AS n FROM f ORDER BY report_id, s DESC, position) "
            "SELECT b.report_id, b.id, b.page, b.heading, b.n, ts_headline('english', b.text, q.q, %s) FROM b, q"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [self.render(wanted), [int(i) for i in report_ids], self.HEADLINE])
            rows = cursor.fetchall()
        return {int(r[0]): BestPassage(int(r[1]), r[2], r[3] or "", r[5] or "", int(r[4])) for r in rows}

    def index_reports(self, report_ids: Sequence[int]) -> None:
        if not report_ids:
            return
        ids = [int(i) for i in report_ids]
        with self.connection.cursor() as cursor:
            cursor.execute("UPDATE library_report SET search_document = NULL WHERE id = ANY(%s)", [ids])
            cursor.execute(postgres_index_reports_sql("SELECT unnest(%s::bigint[])"), [ids])

    def snippets(self, query: SearchQuery, passage_ids: Sequence[int]) -> dict[int, str]:
        if not query or not passage_ids:
            return {}
        sql = (
            "SELECT id, ts_headline('english', text, to_tsquery('english', %s), %s) "
            "FROM library_passage WHERE id = ANY(%s)"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [self.render(query), self.HEADLINE, list(passage_ids)])
            return {int(pid): text for pid, text in cursor.fetchall()}

    def passage_matches(self, query: SearchQuery, report_id: int, *, limit: int = 20) -> list[tuple[int, float]]:
        if not query:
            return []
        sql = (
            "SELECT p.id, ts_rank_cd(p.search_vector, q) AS s FROM library_passage p, "
            "to_tsquery('english', %s) q WHERE p.report_id = %s AND p.search_vector @@ q "
            "ORDER BY s DESC, p.position LIMIT %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [self.render(passage_query(query)), report_id, limit])
            return [(int(pid), float(s)) for pid, s in cursor.fetchall()]


_BACKENDS: dict[str, type[SearchBackend]] = {
    "sqlite": SqliteSearchBackend,
    "postgresql": PostgresSearchBackend,
}


def get_backend(connection: BaseDatabaseWrapper | None = None) -> SearchBackend:
    """The search backend for the database in use (SQLite FTS5 or PostgreSQL full-text search)."""
    connection = connection or default_connection
    try:
        return _BACKENDS[connection.vendor](connection)
    except KeyError:
        raise NotImplementedError(f"no library search backend for the {connection.vendor} database") from None
