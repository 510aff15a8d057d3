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

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from cspr.core.errors import ValidationFailed
from cspr.library.text import STOPWORDS

__all__ = [
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
    passage_id: int
    matching_passages: int


class SearchBackend(ABC):
    """Full-text search over ``library_passage``; scores are "higher is better" on every backend."""

    vendor = ""

    def __init__(self, connection: BaseDatabaseWrapper | None = None) -> None:
        self.connection: BaseDatabaseWrapper = connection or default_connection

    @abstractmethod
    def match_reports(self, query: SearchQuery, *, limit: int = 10_000) -> list[ReportMatch]:
        """Reports with at least one matching passage, best first, with their best passage."""

    @abstractmethod
    def snippets(self, query: SearchQuery, passage_ids: Sequence[int]) -> dict[int, str]:
        """Highlighted extracts (with MARK_START/MARK_END around matches) for the given passages."""

    @abstractmethod
    def passage_matches(self, query: SearchQuery, report_id: int, *, limit: int = 20) -> list[tuple[int, float]]:
        """The matching passages of one report, best first."""


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

    def match_reports(self, query: SearchQuery, *, limit: int = 10_000) -> list[ReportMatch]:
        if not query:
            return []
        sql = (
            "WITH m AS MATERIALIZED (SELECT rowid AS pid, bm25(library_passage_fts, 2.0, 1.0) AS s "
            "FROM library_passage_fts WHERE library_passage_fts MATCH %s) "
            "SELECT p.report_id, MIN(m.s), p.id, COUNT(*) FROM m JOIN library_passage p ON p.id = m.pid "
            "GROUP BY p.report_id ORDER BY MIN(m.s), p.report_id LIMIT %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [self.render(query), limit])
            rows = cursor.fetchall()
        return [ReportMatch(int(r[0]), -float(r[1]), int(r[2]), int(r[3])) for r in rows]

    def snippets(self, query: SearchQuery, passage_ids: Sequence[int]) -> dict[int, str]:
        if not query or not passage_ids:
            return {}
        sql = (
            "SELECT rowid, snippet(library_passage_fts, 1, %s, %s, '\u2026', 40) FROM library_passage_fts "
            "WHERE library_passage_fts MATCH %s AND rowid IN (SELECT value FROM json_each(%s))"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [MARK_START, MARK_END, self.render(query), json.dumps(list(passage_ids))])
            return {int(pid): text for pid, text in cursor.fetchall()}

    def passage_matches(self, query: SearchQuery, report_id: int, *, limit: int = 20) -> list[tuple[int, float]]:
        if not query:
            return []
        sql = (
            "WITH m AS MATERIALIZED (SELECT rowid AS pid, bm25(library_passage_fts, 2.0, 1.0) AS s "
            "FROM library_passage_fts WHERE library_passage_fts MATCH %s) "
            "SELECT m.pid, m.s FROM m JOIN library_passage p ON p.id = m.pid WHERE p.report_id = %s "
            "ORDER BY m.s, p.position LIMIT %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [self.render(query), report_id, limit])
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

    def match_reports(self, query: SearchQuery, *, limit: int = 10_000) -> list[ReportMatch]:
        if not query:
            return []
        sql = (
            "WITH q AS (SELECT to_tsquery('english', %s) AS q), "
            "m AS (SELECT p.id, p.report_id, ts_rank_cd(p.search_vector, q.q) AS s "
            "FROM library_passage p, q WHERE p.search_vector @@ q.q) "
            "SELECT report_id, MAX(s), (ARRAY_AGG(id ORDER BY s DESC, id))[1], COUNT(*) FROM m "
            "GROUP BY report_id ORDER BY MAX(s) DESC, report_id LIMIT %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [self.render(query), limit])
            rows = cursor.fetchall()
        return [ReportMatch(int(r[0]), float(r[1]), int(r[2]), int(r[3])) for r in rows]

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
            cursor.execute(sql, [self.render(query), report_id, limit])
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
