"""Sudoku search traces: every style round-trips through the validator on
generated puzzles of every size, backtrack control gives exactly k returns
from real wrong branches, trace_batch is the same on any number of threads,
and bad input is a clear error."""

from __future__ import annotations

import numpy as np
import pytest

import clew
from clew import sudoku
from clew.traces import validate

SIZES = [(4, 12, 12), (6, 24, 12), (9, 58, 16), (16, 100, 2)]
KEYS = {"puzzle", "answer", "trace", "style", "backtracks", "nodes", "guesses", "depth", "length",
        "optimal_path", "difficulty", "seed"}


def _puzzles(size: int, empty: int, count: int) -> list[str]:
    p, _ = sudoku.generate_batch(count, size, empty=empty, seed=size)
    return ["".join(sudoku._CHARS[v] for v in row) for row in p]


@pytest.mark.parametrize("style", sudoku.TRACE_STYLES)
@pytest.mark.parametrize(("size", "empty", "count"), SIZES)
def test_every_style_round_trips(style: str, size: int, empty: int, count: int) -> None:
    for deduction in sudoku.TRACE_DEDUCTIONS[(1 if size > 9 else 0):]:
        cols = sudoku.trace_batch(_puzzles(size, empty, count), style, deduction=deduction, seed=5)
        assert set(cols) == KEYS
        for i, p in enumerate(cols["puzzle"]):
            text = cols["trace"][i]
            v = validate(text, puzzle=p, style=style)
            assert v.valid and v.solved, (style, deduction, p, v)
            assert cols["length"][i] == len(text)
            assert sudoku.solve(p) is not None
            assert cols["answer"][i] == sudoku.solve(p)  # unique puzzles: the one solution
            shortcut = cols["optimal_path"][i]
            assert validate(shortcut, puzzle=p, style=style).solved
            assert len(shortcut) <= len(text)


@pytest.mark.parametrize("style", sudoku.TRACE_STYLES)
def test_backtrack_counts_are_exact(style: str) -> None:
    puzzles = _puzzles(9, 60, 30)
    seen = 0
    for k in range(4):
        for p in puzzles:
            try:
                r = sudoku.trace_record(p, style, backtracks=k, deduction="none", seed=2)
            except clew.InputError as e:
                assert "wrong branches" in str(e)
                continue
            seen += 1
            assert r["backtracks"] == k
            v = validate(r["trace"], puzzle=p, style=style)
            assert v.valid and v.solved, (k, v)
    assert seen > 30


def test_whole_search_counts_every_return() -> None:
    for p in _puzzles(9, 60, 10):
        r = sudoku.trace_record(p, "backtrack", deduction="none", seed=3)
        assert r["backtracks"] == r["trace"].count("\nrevert ")
        assert r["trace"].count("\nguess ") == r["nodes"] - 1
        assert r["text"] is r["trace"] and r["nodes_expanded"] == r["nodes"]


def test_record_matches_batch_row_by_its_seed() -> None:
    puzzles = _puzzles(9, 55, 6)
    cols = sudoku.trace_batch(puzzles, "wait", seed=11)
    for i, p in enumerate(puzzles):
        r = sudoku.trace_record(p, "wait", seed=cols["seed"][i])
        assert r["trace"] == cols["trace"][i]
        assert r["difficulty"] == cols["difficulty"][i]


def test_batch_is_the_same_on_any_number_of_threads() -> None:
    puzzles = _puzzles(9, 56, 50)
    one = sudoku.trace_batch(puzzles, "compact", seed=7, threads=1)
    assert sudoku.trace_batch(puzzles, "compact", seed=7, threads=3) == one
    assert sudoku.trace_batch(puzzles, "compact", seed=7, threads=None) == one
    arr = np.array([[0 if c == "." else int(c) for c in p] for p in puzzles], dtype=np.uint8)
    assert sudoku.trace_batch(arr, "compact", seed=7) == one
    assert sudoku.trace_batch(arr.reshape(-1, 9, 9), "compact", seed=7) == one


def test_trace_is_the_record_text_and_deterministic() -> None:
    p = _puzzles(9, 58, 1)[0]
    assert sudoku.trace(p) == sudoku.trace_record(p)["trace"] == sudoku.trace(p)
    grid = [0 if c == "." else int(c) for c in p]
    assert sudoku.trace(grid, "astro") == sudoku.trace(p, "astro")
    assert sudoku.trace(p, seed=None).startswith("start " + p)


def test_unsolvable_puzzle_is_a_record_not_an_error() -> None:
    # Consistent givens, no solution: r1c1 can hold nothing.
    p = ".234" + "1..." + "...." + "...."
    r = sudoku.trace_record(p, "backtrack")
    assert r["answer"] is None and r["optimal_path"] is None and r["difficulty"] is None
    assert r["trace"].endswith("no solution\n")
    assert validate(r["trace"], puzzle=p).valid
    with pytest.raises(clew.InputError, match="solves"):
        sudoku.trace_record(p, backtracks=0)


def test_tampered_trace_fails_on_its_line() -> None:
    p = _puzzles(9, 58, 1)[0]
    lines = sudoku.trace(p, deduction="none").split("\n")
    k = next(i for i, line in enumerate(lines) if line.startswith("guess "))
    lines[k] = lines[k].replace("=", "=0", 1)
    v = validate("\n".join(lines), puzzle=p)
    assert not v.valid and v.line == k + 1
    other = _puzzles(9, 58, 2)[1]
    assert not validate(sudoku.trace(p), puzzle=other).valid


def test_bad_input_is_a_clear_error() -> None:
    p = _puzzles(9, 50, 1)[0]
    with pytest.raises(clew.InputError, match="style"):
        sudoku.trace(p, style="fancy")
    with pytest.raises(clew.InputError, match="Stream of Search"):
        sudoku.trace(p, style="sos")
    with pytest.raises(clew.InputError, match="singles"):
        sudoku.trace(p, deduction="pairs")
    with pytest.raises(clew.InputError, match="non-negative"):
        sudoku.trace(p, backtracks=-1)
    with pytest.raises(clew.InputError, match="100 backtracks"):
        sudoku.trace(p, backtracks=100)
    with pytest.raises(clew.PuzzleError, match="puzzle 1"):
        sudoku.trace_batch([p, p[:-1]])
    with pytest.raises(clew.PuzzleError, match="puzzle 1"):
        sudoku.trace_batch([p, "11" + p[2:]])
    with pytest.raises(clew.PuzzleError, match="same size"):
        sudoku.trace_batch([p, "1..." * 4])
    with pytest.raises(clew.PuzzleError):
        sudoku.trace("")
    assert sudoku.trace_batch([]) == {k: [] for k in KEYS}
