"""Statistical disclosure control (issue 15, item 6): counts of 1 or 2 are suppressed, with secondary suppression
so that no suppressed cell can be worked out from the published cells and totals; the one-way lists (recurrent
themes) use the same code. The property test is issue 15's "Done when": it enumerates small tables by brute
force, independently of the module's own cycle argument."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspr.core.disclosure import Cell, ProtectedTable, protect, protect_counts, protected_total


def _table(counts: Sequence[Sequence[int]], **options: Any) -> ProtectedTable:
    return protect(
        counts,
        row_labels=[f"r{i}" for i in range(len(counts))],
        column_labels=[f"c{j}" for j in range(len(counts[0]))],
        **options,
    )


def _grid(table: ProtectedTable) -> list[list[Cell]]:
    """The table with its totals: row totals last in each row, the column totals and grand total last."""
    rows = [[*cells, total] for cells, total in zip(table.cells, table.row_totals, strict=True)]
    return [*rows, [*table.column_totals, table.total]]


def _hidden(table: ProtectedTable) -> set[tuple[int, int]]:
    return {(a, b) for a, row in enumerate(_grid(table)) for b, cell in enumerate(row) if cell.suppressed}


def _with_totals(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in counts]
    return [*rows, [sum(column) for column in zip(*rows, strict=True)]]


def _published_as(counts: Sequence[Sequence[int]], hidden: set[tuple[int, int]]) -> ProtectedTable:
    """The table with exactly ``hidden`` suppressed, to show what a weaker rule would publish."""
    grid = [
        [Cell(None, True, True) if (a, b) in hidden else Cell(v, False, False) for b, v in enumerate(row)]
        for a, row in enumerate(_with_totals(counts))
    ]
    m, n = len(counts), len(counts[0])
    return ProtectedTable(
        row_labels=tuple(f"r{a}" for a in range(m)),
        column_labels=tuple(f"c{b}" for b in range(n)),
        cells=tuple(tuple(row[:n]) for row in grid[:m]),
        row_totals=tuple(row[n] for row in grid[:m]),
        column_totals=tuple(grid[m][:n]),
        total=grid[m][n],
    )


def _lines(m: int, n: int) -> list[list[tuple[int, int]]]:
    """The rows and columns of the cells alone (the totals here are all published)."""
    return [[(a, b) for b in range(n)] for a in range(m)] + [[(a, b) for a in range(m)] for b in range(n)]


# The brute-force reader ---------------------------------------------------------------------------------------


def _consistent(table: ProtectedTable, counts: Sequence[Sequence[int]], floor: int) -> bool:
    """Whether a candidate table agrees with every published figure, and every hidden count is at least
    ``floor`` (1 when zeros are published, so a hidden count is known not to be 0)."""
    for published, actual in zip(itertools.chain(*_grid(table)), itertools.chain(*_with_totals(counts)), strict=True):
        if actual < 0 or (published.suppressed and actual < floor):
            return False
        if not published.suppressed and published.value != actual:
            return False
    return True


def _another_table(
    table: ProtectedTable, truth: Sequence[Sequence[int]], target: tuple[int, int], floor: int
) -> list[list[int]] | None:
    """A table consistent with everything published in which ``target`` (a position in the grid with totals)
    differs from the truth, by exhaustive search over the hidden cells; ``None`` when there is none, that is
    when a reader could recover the target exactly. The target is tried at each other value in turn (fixed, so
    the search only has to complete the table). Each hidden cell is bounded by its published row, column or
    grand total; where all three are hidden the bound is the true grand total plus 2, which only narrows the
    search, so a table found is still a witness."""
    m, n = len(truth), len(truth[0])
    cap = sum(map(sum, truth)) + 2
    true_figure = _with_totals(truth)[target[0]][target[1]]
    a, b = target
    published = [[cell.value for cell in row] for row in _grid(table)]
    enclosing = [published[m][n]] + ([] if a == m else [published[a][n]]) + ([] if b == n else [published[m][b]])
    highest = min((x for x in enclosing if x is not None), default=cap)
    for value in sorted(range(floor, highest + 1), key=lambda v: (abs(v - true_figure), v)):  # nearest first
        if value != true_figure:
            found = _completion(table, m, n, floor, cap, fixed=(target, value))
            if found is not None:
                return found
    return None


def _completion(
    table: ProtectedTable, m: int, n: int, floor: int, cap: int, fixed: tuple[tuple[int, int], int]
) -> list[list[int]] | None:
    """Any table consistent with the published figures and with ``fixed`` (a position and its value), or
    ``None``. The search only skips branches that cannot add up: a line's last hidden cell is its total less
    the rest, every hidden cell still to come is at least ``floor``, and those still to come in a line can
    reach no more than their ceilings."""
    known = [[cell.value for cell in row] for row in _grid(table)]
    (fa, fb), fixed_value = fixed
    known[fa][fb] = fixed_value
    # The fixed figure's own row and column first, so a value that cannot add up fails early.
    unknown = sorted(
        ((a, b) for a in range(m) for b in range(n) if known[a][b] is None),
        key=lambda p: (p[0] != fa, p[1] != fb, p),
    )
    # Each hidden cell's ceiling: the smallest published total it is part of.
    ceiling = [
        min((x for x in (known[a][n], known[m][b], known[m][n]) if x is not None), default=cap) for a, b in unknown
    ]

    def later(k: int, same: Callable[[tuple[int, int]], bool]) -> tuple[int, int]:
        """How many hidden cells after the k-th share its line, and the most they can add up to."""
        rest = [ceiling[x] for x in range(k + 1, len(unknown)) if same(unknown[x])]
        return len(rest), sum(rest)

    def in_row(a: int) -> Callable[[tuple[int, int]], bool]:
        return lambda p: p[0] == a

    def in_column(b: int) -> Callable[[tuple[int, int]], bool]:
        return lambda p: p[1] == b

    lines = [
        (later(k, in_row(a)), later(k, in_column(b)), later(k, lambda p: True)) for k, (a, b) in enumerate(unknown)
    ]
    candidate = [[known[a][b] or 0 for b in range(n)] for a in range(m)]

    def choices(k: int) -> range:
        a, b = unknown[k]
        (row_left, row_room), (column_left, column_room), (table_left, table_room) = lines[k]
        rests = (
            (known[a][n], sum(candidate[a]) - candidate[a][b], row_left, row_room),
            (known[m][b], sum(candidate[x][b] for x in range(m)) - candidate[a][b], column_left, column_room),
            (known[m][n], sum(map(sum, candidate)) - candidate[a][b], table_left, table_room),
        )
        low, high = floor, ceiling[k]
        for total, rest, count, room in rests:
            if total is not None:
                high = min(high, total - rest - floor * count)
                low = max(low, total - rest - room)
        return range(low, high + 1)

    def search(k: int) -> bool:
        if k == len(unknown):
            return _consistent(table, candidate, floor) and _with_totals(candidate)[fa][fb] == fixed_value
        a, b = unknown[k]
        for value in choices(k):
            candidate[a][b] = value
            if search(k + 1):
                return True
        candidate[a][b] = 0
        return False

    return candidate if search(0) else None


# Primary suppression ------------------------------------------------------------------------------------------


def test_counts_of_one_and_two_are_suppressed_as_primary_and_zeros_and_larger_counts_are_published() -> None:
    table = _table([[1, 2, 0, 9], [3, 4, 0, 8], [5, 6, 7, 10]])

    assert table.cells[0][0] == Cell(value=None, suppressed=True, primary=True)
    assert table.cells[0][1] == Cell(value=None, suppressed=True, primary=True)
    assert table.cells[0][2] == Cell(value=0, suppressed=False, primary=False)
    assert table.cells[1][2] == Cell(value=0, suppressed=False, primary=False)
    assert table.cells[2][3] == Cell(value=10, suppressed=False, primary=False)
    assert {(a, b) for a, row in enumerate(table.cells) for b, cell in enumerate(row) if cell.primary} == {
        (0, 0),
        (0, 1),
    }


def test_zeros_are_suppressed_only_when_asked() -> None:
    counts = [[0, 5, 7], [6, 8, 9], [7, 9, 11]]

    assert _hidden(_table(counts)) == set()
    suppressed = _table(counts, suppress_zeros=True)
    assert suppressed.cells[0][0] == Cell(value=None, suppressed=True, primary=True)
    assert len(_hidden(suppressed)) > 1  # and a zero, once hidden, is protected like any other count


def test_totals_are_published_whenever_they_are_not_themselves_small() -> None:
    table = _table([[1, 5, 6], [7, 8, 9]])

    assert [cell.value for cell in table.row_totals] == [12, 24]
    assert [cell.value for cell in table.column_totals] == [8, 13, 15]
    assert table.total == Cell(value=36, suppressed=False, primary=False)


def test_a_small_row_total_is_suppressed_as_primary_and_kept_from_the_grand_total() -> None:
    table = _table([[1, 0, 0], [6, 7, 8], [9, 10, 11]])

    assert table.row_totals[0] == Cell(value=None, suppressed=True, primary=True)
    # The grand total less the other row totals would give the hidden one away, so another is hidden too.
    assert sum(cell.suppressed for cell in table.row_totals) >= 2 or table.total.suppressed
    assert all(
        _another_table(table, [[1, 0, 0], [6, 7, 8], [9, 10, 11]], p, floor=1) is not None for p in _hidden(table)
    )


def test_a_table_whose_grand_total_is_small_hides_every_non_zero_figure() -> None:
    table = _table([[1, 0], [0, 1]])

    assert table.total.suppressed and table.total.primary
    assert table.as_rows() == [
        ["", "c0", "c1", "Total"],
        ["r0", "[c]", "0", "[c]"],
        ["r1", "0", "[c]", "[c]"],
        ["Total", "[c]", "[c]", "[c]"],
    ]


# Secondary suppression ----------------------------------------------------------------------------------------


def test_a_row_with_a_single_small_cell_gets_its_smallest_other_cell_suppressed_too() -> None:
    table = _table([[1, 9, 5, 7], [8, 10, 11, 12], [9, 12, 6, 13]])

    assert table.cells[0][0].primary
    assert table.cells[0][2] == Cell(value=None, suppressed=True, primary=False)  # the 5, not the 7 or the 9
    assert not table.cells[0][1].suppressed and not table.cells[0][3].suppressed
    assert not table.row_totals[0].suppressed


def test_a_column_with_a_single_small_cell_gets_its_smallest_other_cell_suppressed_too() -> None:
    table = _table([[1, 8, 9], [9, 10, 12], [5, 11, 6], [7, 12, 13]])

    assert table.cells[0][0].primary
    assert table.cells[2][0] == Cell(value=None, suppressed=True, primary=False)  # the 5, not the 7 or the 9
    assert not table.cells[1][0].suppressed and not table.cells[3][0].suppressed
    assert not table.column_totals[0].suppressed


def test_the_secondary_cells_close_a_rectangle_so_no_row_or_column_has_one_hidden_cell() -> None:
    table = _table([[1, 5, 6], [7, 8, 9]])

    assert _hidden(table) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert [[cell.text() for cell in row] for row in table.cells] == [["[c]", "[c]", "6"], ["[c]", "[c]", "9"]]


def test_a_block_of_ones_paired_in_every_line_is_still_widened_as_a_hidden_count_is_known_not_to_be_zero() -> None:
    # Each row and column of the four 1s has two hidden cells, the classical rule's minimum; but each row adds up
    # to 2 from two hidden counts of at least 1, so both would be 1. The exact check hides more.
    counts = [[1, 1, 5], [1, 1, 5], [5, 5, 5]]
    table = _table(counts)

    assert {(0, 0), (0, 1), (1, 0), (1, 1)} < _hidden(table)
    assert all(_another_table(table, counts, p, floor=1) is not None for p in _hidden(table))


def test_a_small_cell_bridging_two_hidden_blocks_is_protected_by_the_exact_check() -> None:
    # The 1 at (0, 2) joins a block of 2s in rows 0-1 to one in rows 2-3. With the nine small cells hidden every
    # line has two or more, yet rows 0-1 less columns 0-1 give the 1 away: it lies on no cycle of hidden cells.
    counts = [[2, 2, 1, 30], [2, 2, 30, 30], [30, 30, 2, 2], [30, 30, 2, 2]]
    small = {(a, b) for a in range(4) for b in range(4) if counts[a][b] <= 2}
    classical = _published_as(counts, small)
    assert all(sum(p in small for p in line) != 1 for line in _lines(4, 4))
    assert _another_table(classical, counts, (0, 2), floor=1) is None

    table = _table(counts)

    assert small < _hidden(table)
    assert all(_another_table(table, counts, p, floor=1) is not None for p in _hidden(table))


def test_the_same_counts_always_give_the_same_suppression() -> None:
    counts = [[1, 4, 4, 2], [4, 4, 3, 3], [2, 3, 3, 1]]

    assert len({tuple(sorted(_hidden(_table(counts)))) for _ in range(5)}) == 1


# The property: no suppressed value can be recovered -----------------------------------------------------------

tables = st.integers(min_value=1, max_value=4).flatmap(
    lambda m: st.integers(min_value=1, max_value=4).flatmap(
        lambda n: st.lists(
            st.lists(st.integers(min_value=0, max_value=6), min_size=n, max_size=n), min_size=m, max_size=m
        )
    )
)


@settings(max_examples=1000, deadline=None)
@given(counts=tables, threshold=st.integers(min_value=1, max_value=3), suppress_zeros=st.booleans())
def test_no_suppressed_count_can_be_recovered_from_the_published_cells_and_totals(
    counts: list[list[int]], threshold: int, suppress_zeros: bool
) -> None:
    # The reader knows every published figure, that counts are non-negative integers adding up to their totals,
    # and (zeros being published) that a hidden count is at least 1; a table that fools that reader fools one who
    # knows only non-negativity too.
    floor = 0 if suppress_zeros else 1
    table = _table(counts, threshold=threshold, suppress_zeros=suppress_zeros)
    grid = _with_totals(counts)

    assert _consistent(table, counts, floor)  # the true table is among the consistent ones
    for a, row in enumerate(_grid(table)):
        for b, cell in enumerate(row):
            small = 1 <= grid[a][b] <= threshold or (suppress_zeros and grid[a][b] == 0)
            assert cell.suppressed or not small, (a, b)
            assert cell.value == (None if cell.suppressed else grid[a][b])
            if cell.suppressed:
                other = _another_table(table, counts, (a, b), floor)
                assert other is not None, f"hidden {(a, b)} = {grid[a][b]} is recoverable from {table.as_rows()}"
                assert _with_totals(other)[a][b] != grid[a][b]


# Exports ------------------------------------------------------------------------------------------------------


def test_as_rows_writes_the_marker_for_suppressed_figures_and_the_numbers_otherwise() -> None:
    table = protect([[1, 5, 6], [7, 8, 9]], row_labels=["North", "South"], column_labels=["Under 1", "1-4", "5+"])

    assert table.as_rows() == [
        ["", "Under 1", "1-4", "5+", "Total"],
        ["North", "[c]", "[c]", "6", "12"],
        ["South", "[c]", "[c]", "9", "24"],
        ["Total", "8", "13", "15", "36"],
    ]
    assert table.as_rows(marker="c")[1][1:3] == ["c", "c"]


# One-way lists ------------------------------------------------------------------------------------------------


def test_protect_counts_hides_ones_and_twos_and_keeps_zeros_and_larger_counts() -> None:
    assert protect_counts({"Neglect": 12, "Safer sleep": 2, "Domestic abuse": 9, "Bruising": 0, "Fire": 1}) == {
        "Neglect": 12,
        "Safer sleep": None,
        "Domestic abuse": 9,
        "Bruising": 0,
        "Fire": None,
    }


def test_protect_counts_hides_the_next_smallest_when_a_single_count_is_hidden_beside_a_total() -> None:
    counts = {"Neglect": 12, "Safer sleep": 2, "Domestic abuse": 9, "Bruising": 0}

    assert protect_counts(counts) == {"Neglect": 12, "Safer sleep": None, "Domestic abuse": None, "Bruising": 0}
    assert protected_total(counts) == 23
    assert protect_counts(counts, total_published=False)["Domestic abuse"] == 9


def test_protect_counts_widens_two_hidden_ones_as_their_known_sum_of_two_would_give_both_away() -> None:
    counts = {"a": 1, "b": 1, "c": 5, "d": 7}

    assert protect_counts(counts) == {"a": None, "b": None, "c": None, "d": 7}


def test_protected_total_is_withheld_when_it_is_small_or_would_reveal_every_hidden_count() -> None:
    assert protected_total({"a": 2, "b": 0}) is None
    assert protected_total({"a": 1, "b": 1, "c": 1, "d": 1}) is None  # 4 hidden counts adding up to 4
    assert protected_total({"a": 0, "b": 0}) == 0
    assert protected_total({"a": 1, "b": 2, "c": 8}) == 11


@settings(max_examples=200, deadline=None)
@given(counts=st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=5))
def test_no_count_hidden_by_protect_counts_can_be_recovered_from_a_published_total(counts: list[int]) -> None:
    labelled = {f"t{i}": value for i, value in enumerate(counts)}
    shown = protect_counts(labelled)
    total = protected_total(labelled)
    hidden = [label for label, value in shown.items() if value is None]

    assert all(shown[label] is None for label, value in labelled.items() if 1 <= value <= 2)
    if total is None or not hidden:
        return
    # Every assignment of at least 1 to each hidden count that keeps the published total.
    known = sum(value for value in shown.values() if value is not None)
    seen: dict[str, set[int]] = {label: set() for label in hidden}
    for values in itertools.product(range(1, total + 1), repeat=len(hidden)):
        if known + sum(values) == total:
            for label, value in zip(hidden, values, strict=True):
                seen[label].add(value)
    assert all(len(values) >= 2 for values in seen.values()), seen


# Input ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "labels"),
    [
        ([[1, -1]], (["r"], ["a", "b"])),
        ([[1, 2], [3]], (["r", "s"], ["a", "b"])),
        ([[1, 2]], (["r", "s"], ["a", "b"])),
        ([], ([], [])),
    ],
)
def test_malformed_tables_are_refused(counts: list[list[int]], labels: tuple[list[str], list[str]]) -> None:
    with pytest.raises(ValueError):
        protect(counts, row_labels=labels[0], column_labels=labels[1])
