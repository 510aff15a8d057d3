"""Statistical disclosure control for published-style tables (issue 15, item 6).

The national figures for the Panel, their CSV and XLSX exports, and the library's recurrent-themes page publish
counts of children. Issue 15 asks that "counts of 1 or 2 [are] suppressed, with secondary suppression so that no
suppressed cell can be worked out from row and column totals", and that every one of them uses this code, so
the page, the CSV and the XLSX cannot disagree on what is hidden.

The module is pure: integers in, integers (or ``None`` for a hidden value) out. It imports nothing from Django
and nothing outside the standard library (numpy is only in the optional ``nlp`` extra). It sits in ``cspr.core``,
below every domain app, so the library (low in the layers) and the learning stage's national figures (above the
reviews) can both call the one rule.

**What is published.** A two-way table of non-negative integer counts, with row totals, column totals and the
grand total. A cell or a total is *primary* suppressed when its count is 1 to ``threshold`` (2 by default),
or 0 when ``suppress_zeros`` is set. Zeros are published by default, so everyone can tell that a hidden count
is at least 1; the protection below is worked out with that knowledge.

**The guarantee.** Take a reader who knows every published cell and total, knows that every count is a
non-negative integer, that each row and column adds up to its total and the totals to the grand total, and,
unless ``suppress_zeros`` is set, that every hidden count (cell or total) is at least 1. For every hidden cell
and every hidden total, there are two tables that agree with everything published and all of that knowledge in
which it takes different values: no hidden count can be worked out exactly. The guarantee is no more than that.
It gives no minimum width to the range a reader can narrow a hidden count to (a hidden 1 may be known to be 1
or 2). It does not allow for a reader who also uses how the cells were chosen (that a hidden count is either at
most ``threshold`` or was picked as a small neighbour), nor for differencing against another table of the same
children (by another breakdown, another year, or a subset): a caller publishing several tables of the same
population keeps them consistent, for instance by sharing totals that are not themselves small.

**Why the check is exact.** Lay the table out with its totals as one (rows + 1) x (columns + 1) grid whose
margin entries are negated: every line of that grid then adds up to zero, and so does every change to the
hidden entries that keeps all the published figures. Such a change is a circulation in the bipartite graph
whose nodes are the grid's lines and whose edges are its hidden entries (a positive change flows row to column,
a negative one column to row). A circulation splits into simple cycles whose changes have the same signs and
no greater size, so if a hidden entry can change at all, it can change by exactly 1 along one simple cycle of
hidden entries, each moving by 1 in a direction its bounds allow (up always; down only while above its floor
of 0 or 1). That is the residual-graph test in :meth:`_Grid.recoverable`: a path back from one end of the
entry's edge to the other. The classical rule that each line with a hidden cell has a second one is necessary
but not enough: a bridge between two cycles, or a block of hidden 1s that can only move down to 0, satisfies it
and is still recoverable, so the pairing pass below is followed by the exact check, which hides the cheapest
cycle through any entry it finds recoverable.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 2  # issue 15, item 6: "counts of 1 or 2 suppressed"
CONFIDENTIAL = "[c]"  # the Government Statistical Service's symbol for a figure withheld as confidential
TOTAL_LABEL = "Total"

# (row, column) in the grid with totals: row ``m`` holds the column totals, column ``n`` the row totals.
Position = tuple[int, int]
_Cost = tuple[int, int, int]  # (totals hidden, sum of counts hidden, entries hidden) for a secondary choice
_Edge = tuple[int, int, Position]  # tail node, head node, the entry it moves


@dataclass(frozen=True)
class Cell:
    """One published figure: ``value`` is ``None`` when suppressed; ``primary`` says it was small itself, not
    hidden to protect a small neighbour (for the publisher's own checks; the published marker is the same)."""

    value: int | None
    suppressed: bool
    primary: bool

    def text(self, marker: str = CONFIDENTIAL) -> str:
        return marker if self.value is None else str(self.value)


@dataclass(frozen=True)
class ProtectedTable:
    """A two-way table as it may be published: every figure of the page, the CSV and the XLSX comes from here."""

    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    total: Cell

    def as_rows(self, marker: str = CONFIDENTIAL) -> list[list[str]]:
        """A header row, one row per row label with its total last, and a totals row: the text a CSV or an XLSX
        export writes, with ``marker`` for every suppressed figure ("[c]", the GSS symbol for confidential)."""
        rows = [["", *self.column_labels, TOTAL_LABEL]]
        for label, cells, total in zip(self.row_labels, self.cells, self.row_totals, strict=True):
            rows.append([label, *(cell.text(marker) for cell in cells), total.text(marker)])
        rows.append([TOTAL_LABEL, *(cell.text(marker) for cell in self.column_totals), self.total.text(marker)])
        return rows


def protect(
    counts: Sequence[Sequence[int]],
    *,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    threshold: int = DEFAULT_THRESHOLD,
    suppress_zeros: bool = False,
) -> ProtectedTable:
    """Suppress a table's small counts and enough others that none of them can be worked out (the guarantee in
    the module docstring). The same counts always give the same suppression."""
    _check_threshold(threshold)
    if not counts or not counts[0]:
        raise ValueError("a table needs at least one row and one column")
    if len(row_labels) != len(counts):
        raise ValueError(f"{len(row_labels)} row labels for {len(counts)} rows")
    if any(len(row) != len(column_labels) for row in counts):
        raise ValueError(f"every row must have {len(column_labels)} counts, one per column label")
    for row in counts:
        for value in row:
            _check_count(value)
    grid = _Grid(counts, threshold=threshold, suppress_zeros=suppress_zeros)
    grid.pair_lines()
    grid.protect_exactly()
    m, n = grid.m, grid.n
    return ProtectedTable(
        row_labels=tuple(row_labels),
        column_labels=tuple(column_labels),
        cells=tuple(tuple(grid.cell((a, b)) for b in range(n)) for a in range(m)),
        row_totals=tuple(grid.cell((a, n)) for a in range(m)),
        column_totals=tuple(grid.cell((m, b)) for b in range(n)),
        total=grid.cell((m, n)),
    )


def protect_counts(
    counts: Mapping[str, int], *, threshold: int = DEFAULT_THRESHOLD, total_published: bool = True
) -> dict[str, int | None]:
    """A one-way list (the recurrent themes, say): counts of 1 to ``threshold`` become ``None``.

    When the list's total is published beside it (``total_published``), the hidden counts add up to a known
    figure, so they are widened, smallest remaining non-zero count first (ties in the mapping's order), until
    none can be worked out: at least two hidden, and their sum at least one more than their number (k hidden
    counts of at least 1 each adding up to S each lie anywhere in 1..S-k+1). When even hiding every non-zero
    count cannot achieve that (all of them are 1s, or there is only one), the total itself must be withheld;
    :func:`protected_total` says so. Without a published total the counts are independent and only the small
    ones are hidden (a theme count that is not a share of anything published, as a review has several themes).
    """
    hidden, _ = _one_way(counts, threshold=threshold, total_published=total_published)
    return {label: None if label in hidden else value for label, value in counts.items()}


def protected_total(counts: Mapping[str, int], *, threshold: int = DEFAULT_THRESHOLD) -> int | None:
    """The total to publish beside :func:`protect_counts`' list, or ``None`` when it must be withheld: it is
    itself 1 to ``threshold``, or publishing it would reveal the hidden counts whatever else is hidden."""
    total = sum(counts.values())
    _, safe = _one_way(counts, threshold=threshold, total_published=True)
    if not safe or 1 <= total <= threshold:
        return None
    return total


def _one_way(counts: Mapping[str, int], *, threshold: int, total_published: bool) -> tuple[set[str], bool]:
    """The labels to hide, and whether a published total leaves each of them undetermined."""
    _check_threshold(threshold)
    for value in counts.values():
        _check_count(value)
    hidden = {label for label, value in counts.items() if 1 <= value <= threshold}
    if not total_published or not hidden:
        return hidden, True

    def safe() -> bool:
        return len(hidden) >= 2 and sum(counts[label] for label in hidden) >= len(hidden) + 1

    widening = sorted(
        (value, index, label)
        for index, (label, value) in enumerate(counts.items())
        if value >= 1 and label not in hidden
    )
    for _, _, label in widening:
        if safe():
            break
        hidden.add(label)
    return hidden, safe()


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
        raise ValueError(f"threshold must be a non-negative integer, not {threshold!r}")


def _check_count(value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"counts must be non-negative integers, not {value!r}")


class _Grid:
    """The table with its totals as one (m + 1) x (n + 1) grid, and which of its entries are hidden.

    Nodes of the line graph: row ``a`` is node ``a``, column ``b`` is node ``m + 1 + b``. An entry's edge runs
    row to column when its count going up adds to the zero-sum grid (a cell, or the grand total) and column to
    row when the grid holds it negated (a row or column total); going down runs the other way.
    """

    def __init__(self, counts: Sequence[Sequence[int]], *, threshold: int, suppress_zeros: bool) -> None:
        self.m = len(counts)
        self.n = len(counts[0])
        rows = [[*row, sum(row)] for row in counts]
        self.values = [*rows, [sum(row[b] for row in rows) for b in range(self.n + 1)]]
        self.suppress_zeros = suppress_zeros
        # A reader knows a hidden count is at least this: zeros are published unless they are suppressed too.
        self.floor = 0 if suppress_zeros else 1
        self.primary = {p for p in self.positions() if self._small(self.value(p), threshold)}
        self.hidden = set(self.primary)

    def positions(self) -> Iterator[Position]:
        for a in range(self.m + 1):
            for b in range(self.n + 1):
                yield a, b

    def value(self, p: Position) -> int:
        return self.values[p[0]][p[1]]

    def is_total(self, p: Position) -> bool:
        return p[0] == self.m or p[1] == self.n

    def cell(self, p: Position) -> Cell:
        if p in self.hidden:
            return Cell(value=None, suppressed=True, primary=p in self.primary)
        return Cell(value=self.value(p), suppressed=False, primary=False)

    def _small(self, value: int, threshold: int) -> bool:
        return 1 <= value <= threshold or (value == 0 and self.suppress_zeros)

    def hideable(self, p: Position) -> bool:
        # A published zero stays published when zeros are not suppressed: hiding one would break the floor of 1
        # that the guarantee is stated with.
        return self.suppress_zeros or self.value(p) >= 1

    def lines(self) -> Iterator[list[Position]]:
        for a in range(self.m + 1):
            yield [(a, b) for b in range(self.n + 1)]
        for b in range(self.n + 1):
            yield [(a, b) for a in range(self.m + 1)]

    def moves(self, p: Position) -> list[tuple[int, int]]:
        """The edges of ``p`` in the residual graph: up always (no count has a ceiling), down above the floor."""
        a, b = p
        row, column = a, self.m + 1 + b
        negated = (a == self.m) != (b == self.n)
        up = (column, row) if negated else (row, column)
        moves = [up]
        if self.value(p) > self.floor:
            moves.append((up[1], up[0]))
        return moves

    def pair_lines(self) -> None:
        """The classical secondary rule: a line (row or column, totals included) with one hidden entry gives it
        away as its total less the rest, so hide a second, until no line has exactly one. The second is a cell
        before a total, then one whose crossing line already has a hidden entry (so no new line is opened), then
        the smallest count, then the first in reading order."""
        while True:
            for line in self.lines():
                hidden = [p for p in line if p in self.hidden]
                if len(hidden) != 1:
                    continue
                crossing_is_column = line[0][0] == line[-1][0]
                candidates = [p for p in line if p not in self.hidden and self.hideable(p)]
                # Invariant, not input: a hidden count is at least the floor, so its line's total (or, for a
                # hidden total, some cell of its line) is non-zero and can be hidden.
                assert candidates, f"no second entry to hide in line {line}"
                self.hidden.add(min(candidates, key=lambda p: self._pairing_key(p, crossing_is_column)))
                break
            else:
                return

    def _pairing_key(self, p: Position, crossing_is_column: bool) -> tuple[bool, bool, int, Position]:
        a, b = p
        crossing = [(x, b) for x in range(self.m + 1)] if crossing_is_column else [(a, y) for y in range(self.n + 1)]
        opens_a_line = not any(q in self.hidden for q in crossing)
        return self.is_total(p), opens_a_line, self.value(p), p

    def recoverable(self, p: Position) -> bool:
        """Whether no cycle of hidden entries through ``p`` can move it by 1 (the module docstring's argument)."""
        edges = [(tail, head, q) for q in sorted(self.hidden) if q != p for tail, head in self.moves(q)]
        return all(not _reaches(edges, start=head, goal=tail) for tail, head in self.moves(p))

    def protect_exactly(self) -> None:
        """Hide the cheapest cycle through each hidden entry that is still recoverable. Hiding more only frees
        more unknowns, so an entry once protected stays protected, and the entries of a new cycle are protected
        by that cycle; the second pass confirms it."""
        while True:
            changed = False
            for p in sorted(self.hidden):
                if self.recoverable(p):
                    self.hidden.update(self._cheapest_cycle(p))
                    changed = True
            if not changed:
                return

    def _cheapest_cycle(self, p: Position) -> list[Position]:
        """The entries to hide, besides ``p``, for a cycle through it: hidden entries cost nothing, a cell costs
        less than any total (totals are published unless there is no other way), then smaller counts first."""
        edges: list[tuple[int, int, Position, _Cost]] = []
        for q in self.positions():
            if q == p or not (q in self.hidden or self.hideable(q)):
                continue
            cost = (0, 0, 0) if q in self.hidden else (int(self.is_total(q)), self.value(q), 1)
            edges.extend((tail, head, q, cost) for tail, head in self.moves(q))
        best: tuple[_Cost, list[Position]] | None = None
        for tail, head in self.moves(p):
            found = _cheapest_path(edges, start=head, goal=tail)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        # Invariant: the cycle through p, its row's and column's totals and the grand total, all moving up, is
        # always available (each is at least p's count, so hideable), so some cycle exists.
        assert best is not None, f"no cycle can protect {p}"
        return best[1]


def _reaches(edges: list[_Edge], *, start: int, goal: int) -> bool:
    following: dict[int, list[int]] = {}
    for tail, head, _ in edges:
        following.setdefault(tail, []).append(head)
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for after in following.get(node, []):
            if after not in seen:
                seen.add(after)
                stack.append(after)
    return False


def _cheapest_path(
    edges: list[tuple[int, int, Position, _Cost]], *, start: int, goal: int
) -> tuple[_Cost, list[Position]] | None:
    """Dijkstra over lexicographic costs (non-negative, so the usual argument holds): the cheapest path's cost
    and the entries it uses, or ``None`` when ``goal`` cannot be reached. Ties go to the first in node order."""
    following: dict[int, list[tuple[int, Position, _Cost]]] = {}
    for tail, head, q, cost in edges:
        following.setdefault(tail, []).append((head, q, cost))
    best: dict[int, _Cost] = {start: (0, 0, 0)}
    came_by: dict[int, tuple[int, Position]] = {}
    queue: list[tuple[_Cost, int]] = [((0, 0, 0), start)]
    done: set[int] = set()
    while queue:
        cost, node = heapq.heappop(queue)
        if node in done:
            continue
        done.add(node)
        if node == goal:
            path = []
            while node != start:
                node, q = came_by[node]
                path.append(q)
            return cost, path[::-1]
        for after, q, step in following.get(node, []):
            total = (cost[0] + step[0], cost[1] + step[1], cost[2] + step[2])
            if after not in done and (after not in best or total < best[after]):
                best[after] = total
                came_by[after] = (node, q)
                heapq.heappush(queue, (total, after))
    return None
