"""clew.sudoku: every input form and size, errors with their messages, batch
statuses, generator uniqueness and determinism, ratings, step logs, and a
differential test against a plain Python backtracking solver."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clew
from clew import sudoku

EASY = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79"
SEVENTEEN = "000000010400000000020000000000050407008000300001090000300400200050100000000806000"
SEVENTEEN_FILE = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "sudoku" / "17-clue.txt"
CHARS = ".123456789ABCDEFGHIJKLMNOP"
SIZES = {4: (2, 2), 6: (2, 3), 9: (3, 3), 12: (3, 4), 16: (4, 4), 25: (5, 5)}


# ------------------------------------------------------------------ independent helpers


def values_of(puzzle: str) -> list[int]:
    return [0 if ch in ".0" else CHARS.index(ch.upper()) for ch in puzzle if not ch.isspace()]


def box_of(n: int, box: tuple[int, int] | None) -> tuple[int, int]:
    return box or SIZES[n]


def is_solution(puzzle: list[int], solution: list[int], box: tuple[int, int] | None = None) -> bool:
    """Independent checker: every row, column and box holds 1..N once, givens kept."""
    n = int(round(len(puzzle) ** 0.5))
    r, c = box_of(n, box)
    if len(solution) != n * n or any(p and p != s for p, s in zip(puzzle, solution)):
        return False
    want = set(range(1, n + 1))
    rows = [solution[i * n : (i + 1) * n] for i in range(n)]
    cols = [solution[i::n] for i in range(n)]
    boxes = [
        [solution[(br + i) * n + bc + j] for i in range(r) for j in range(c)]
        for br in range(0, n, r)
        for bc in range(0, n, c)
    ]
    return all(set(u) == want for u in rows + cols + boxes)


def py_count(puzzle: list[int], box: tuple[int, int], limit: int) -> int:
    """Plain backtracking, first empty cell, values ascending."""
    n = int(round(len(puzzle) ** 0.5))
    r, c = box
    grid = list(puzzle)

    def ok(i: int, v: int) -> bool:
        row, col = divmod(i, n)
        if any(grid[row * n + k] == v or grid[k * n + col] == v for k in range(n)):
            return False
        br, bc = row - row % r, col - col % c
        return all(grid[(br + a) * n + bc + b] != v for a in range(r) for b in range(c))

    def rec(found: int) -> int:
        try:
            i = grid.index(0)
        except ValueError:
            return found + 1
        for v in range(1, n + 1):
            if ok(i, v):
                grid[i] = v
                found = rec(found)
                grid[i] = 0
                if found >= limit:
                    break
        return found

    return rec(0)


def clashes(values: list[int], box: tuple[int, int]) -> bool:
    n = int(round(len(values) ** 0.5))
    r, c = box
    units = [[i * n + k for k in range(n)] for i in range(n)] + [[k * n + i for k in range(n)] for i in range(n)]
    units += [
        [(br + a) * n + bc + b for a in range(r) for b in range(c)] for br in range(0, n, r) for bc in range(0, n, c)
    ]
    for u in units:
        vs = [values[i] for i in u if values[i]]
        if len(vs) != len(set(vs)):
            return True
    return False


# ------------------------------------------------------------------ solve: forms and sizes


def test_solve_string_list_nested_tuple_and_arrays():
    sol = sudoku.solve(EASY)
    assert isinstance(sol, str) and len(sol) == 81 and is_solution(values_of(EASY), values_of(sol))
    flat = values_of(EASY)
    assert sudoku.solve(flat) == values_of(sol)
    assert sudoku.solve(tuple(flat)) == tuple(values_of(sol))
    nested = [flat[i * 9 : (i + 1) * 9] for i in range(9)]
    out = sudoku.solve(nested)
    assert isinstance(out, list) and out == [values_of(sol)[i * 9 : (i + 1) * 9] for i in range(9)]
    for dtype in (np.uint8, np.int8, np.int32, np.int64, np.uint16, np.float64):
        for shape in ((81,), (9, 9)):
            arr = np.array(flat, dtype=dtype).reshape(shape)
            res = sudoku.solve(arr)
            assert isinstance(res, np.ndarray) and res.dtype == arr.dtype and res.shape == shape
            assert res.ravel().astype(int).tolist() == values_of(sol)
    # '0' and '.' blanks, whitespace and a multi-line layout are the same puzzle
    assert sudoku.solve(EASY.replace(".", "0")) == sol
    assert sudoku.solve("\n".join(EASY[i : i + 9] for i in range(0, 81, 9))) == sol


@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_size(size):
    for seed in range(3):
        puzzle, solution = sudoku.generate(size, empty=size * size // 2, seed=seed, with_solution=True)
        assert len(puzzle) == size * size == len(solution)
        assert puzzle.count(".") == size * size // 2
        got = sudoku.solve(puzzle)
        assert got == solution
        assert is_solution(values_of(puzzle), values_of(got))
        assert sudoku.count_solutions(puzzle) == 1
        # lower-case letters are accepted for values above 9
        assert sudoku.solve(puzzle.lower()) == solution


def test_other_box_shapes():
    for box in [(3, 2), (2, 4), (4, 2), (4, 3), (1, 5)]:
        n = box[0] * box[1]
        puzzle, solution = sudoku.generate(n, empty=n * n // 3, seed=1, box=box, with_solution=True)
        assert sudoku.solve(puzzle, box=box) == solution
        assert is_solution(values_of(puzzle), values_of(solution), box)
    with pytest.raises(clew.PuzzleError, match="no default box"):
        sudoku.solve("." * 49)
    assert sudoku.solve("." * 49, box=(1, 7)) is not None


def test_unsolvable_consistent_puzzle_gives_none():
    values = list(range(1, 9)) + [0] * 73
    values[5 * 9 + 8] = 9  # r1c9 must be 9, but column 9 has one
    text = "".join(CHARS[v] for v in values)
    assert sudoku.solve(text) is None
    assert sudoku.solve(values) is None
    assert sudoku.solve(np.array(values, dtype=np.uint8)) is None
    assert sudoku.count_solutions(text) == 0


def test_several_solutions_give_the_first_in_search_order():
    empty = "." * 81
    first = sudoku.solve(empty)
    assert is_solution([0] * 81, values_of(first))
    assert all(sudoku.solve(empty) == first for _ in range(3))
    assert sudoku.count_solutions(empty) == 2
    assert sudoku.count_solutions(empty, limit=1000) == 1000
    assert sudoku.count_solutions("." * 16, limit=1000) == 288  # all 4x4 grids


@pytest.mark.parametrize(
    "puzzle, message",
    [
        ("", "empty puzzle"),
        ([], "empty puzzle"),
        (np.zeros(0, dtype=np.uint8), "empty puzzle"),
        (EASY[:80], "80 cells"),
        (EASY + ".", "82 cells"),
        ("x" + EASY[1:], "bad character 'x' at position 0"),
        (EASY[:40] + "Q" + EASY[41:], "bad character 'Q' at position 40"),
        ("A" + EASY[1:], "out of range for a 9x9 grid"),
        ("55" + EASY[2:], "clashing givens: 5 appears twice in row 1"),
        (EASY[:54] + "5" + EASY[55:], "clashing givens: 5 appears twice in column 1"),
        ([10] + [0] * 80, "value 10 at index 0 is out of range"),
        ([-1] + [0] * 80, "value -1 at index 0"),
        ([0] * 80, "80 cells"),
        ([[1, 2], [3]], "row 1 has 1"),
        (["1"] + [0] * 80, "element 0 is '1', not an integer"),
        ([0.5] + [0] * 80, "not an integer"),
        (np.zeros((9, 8), dtype=np.uint8), "flat .* or square"),
        (np.zeros((3, 3, 9), dtype=np.uint8), "flat .* or square"),
        (np.full(81, 0.5), "whole numbers"),
        (np.array(["1"] * 81), "integers"),
        (12345, "must be a str"),
        (b"." * 81, "must be a str"),
    ],
)
def test_bad_input_raises_puzzle_error(puzzle, message):
    with pytest.raises(clew.PuzzleError, match=message) as info:
        sudoku.solve(puzzle)
    assert isinstance(info.value, clew.ClewError) and isinstance(info.value, ValueError)


def test_bad_box_and_limits():
    with pytest.raises(clew.PuzzleError, match="does not fit"):
        sudoku.solve(EASY, box=(2, 4))
    with pytest.raises(clew.PuzzleError, match="box must be a pair"):
        sudoku.solve(EASY, box="3x3")
    with pytest.raises(clew.InputError, match="limit"):
        sudoku.count_solutions(EASY, limit=0)
    with pytest.raises(clew.PuzzleError, match="clashing"):
        sudoku.count_solutions("55" + EASY[2:])
    with pytest.raises(clew.PuzzleError, match="clashing"):
        sudoku.rate("55" + EASY[2:])


# ------------------------------------------------------------------ differential


@st.composite
def small_puzzles(draw):
    box = draw(st.sampled_from([(2, 2), (2, 3), (3, 2)]))
    n = box[0] * box[1]
    rng = random.Random(draw(st.integers(0, 2**32)))
    fill = draw(st.floats(0.1, 0.6))
    values = [0] * (n * n)
    for i in range(n * n):
        if rng.random() < fill:
            values[i] = rng.randint(1, n)
            if clashes(values, box):
                values[i] = 0
    return values, box


@settings(max_examples=400)
@given(small_puzzles())
def test_differential_against_python_backtracking(case):
    values, box = case
    expect = py_count(values, box, 20)
    assert sudoku.count_solutions(values, limit=20, box=box) == expect
    sol = sudoku.solve(values, box=box)
    if expect == 0:
        assert sol is None
    else:
        assert is_solution(values, sol, box)
    for deduction in sudoku.DEDUCTIONS:
        out = sudoku.search(values, box, deduction=deduction, branching="random", seed=3, limit=20)
        assert out["solutions"] == expect


# ------------------------------------------------------------------ batch


def test_solve_batch_statuses_and_shapes():
    puzzles, solutions = sudoku.generate_batch(60, empty=50, seed=4)
    boards = puzzles.copy()
    expect = np.ones(60, dtype=np.int8)
    for i in range(0, 60, 3):  # clash: a given copied into a blank of its row
        row = boards[i].reshape(9, 9)
        r = next(r for r in range(9) if (row[r] == 0).any() and (row[r] != 0).any())
        row[r, np.flatnonzero(row[r] == 0)[0]] = row[r][row[r] != 0][0]
        expect[i] = -1
    for i in range(1, 60, 3):  # unsolvable: a blank given a wrong value that clashes with nothing
        row = boards[i]
        for c in np.flatnonzero(row == 0):
            for v in range(1, 10):
                trial = row.copy()
                trial[c] = v
                if v != solutions[i][c] and not clashes(trial.tolist(), (3, 3)):
                    row[c] = v
                    break
            else:
                continue
            break
        expect[i] = 0
    sols, status = sudoku.solve_batch(boards)
    assert sols.dtype == np.uint8 and sols.shape == (60, 81)
    assert status.dtype == np.int8 and status.tolist() == expect.tolist()
    for i in range(60):
        if status[i] == 1:
            assert is_solution(boards[i].tolist(), sols[i].tolist())
            assert sols[i].tolist() == solutions[i].tolist()
        else:
            assert not sols[i].any()
    # the same answers one at a time, on one thread, and as (B, 9, 9)
    assert [sudoku.solve(b.tolist()) for b in boards[2::3]] == sols[2::3].tolist()
    one, st1 = sudoku.solve_batch(boards, threads=1)
    assert (one == sols).all() and (st1 == status).all()
    sq, st2 = sudoku.solve_batch(boards.reshape(60, 9, 9).astype(np.int32))
    assert sq.shape == (60, 9, 9) and (sq.reshape(60, 81) == sols).all() and (st2 == status).all()
    # empty batch and other sizes
    e, es = sudoku.solve_batch(np.zeros((0, 81), dtype=np.uint8))
    assert e.shape == (0, 81) and es.shape == (0,)
    p16, s16 = sudoku.generate_batch(5, size=16, empty=100, seed=1)
    out16, st16 = sudoku.solve_batch(p16)
    assert st16.tolist() == [1] * 5 and (out16 == s16).all()


def test_solve_batch_errors():
    with pytest.raises(clew.PuzzleError, match="board 1: value 12 at index 5"):
        b = np.zeros((2, 81), dtype=np.uint8)
        b[1, 5] = 12
        sudoku.solve_batch(b)
    with pytest.raises(clew.PuzzleError, match="board 0: value -3 at index 2"):
        b = np.zeros((1, 81), dtype=np.int16)
        b[0, 2] = -3
        sudoku.solve_batch(b)
    with pytest.raises(clew.PuzzleError, match=r"shape \(B, N\*N\) or \(B, N, N\)"):
        sudoku.solve_batch(np.zeros(81, dtype=np.uint8))
    with pytest.raises(clew.PuzzleError, match="N\\*N values"):
        sudoku.solve_batch(np.zeros((2, 80), dtype=np.uint8))
    with pytest.raises(clew.PuzzleError, match="integers"):
        sudoku.solve_batch(np.zeros((2, 81), dtype=np.float32))


# ------------------------------------------------------------------ generator


@pytest.mark.parametrize("empty", [0, 20, 45, 55, 58, 60])
def test_generate_unique_with_requested_empties(empty):
    for seed in range(3):
        p, s = sudoku.generate(empty=empty, seed=seed, with_solution=True)
        assert p.count(".") == empty
        assert sudoku.count_solutions(p) == 1
        assert sudoku.solve(p) == s
        assert is_solution(values_of(p), values_of(s))


def test_generate_defaults_determinism_and_errors():
    p = sudoku.generate()
    assert len(p) == 81 and sudoku.count_solutions(p) == 1
    assert sudoku.generate(seed=5) == sudoku.generate(seed=5)
    assert sudoku.generate(seed=5) != sudoku.generate(seed=6)
    assert sudoku.generate(empty=55, seed=2**70) == sudoku.generate(empty=55, seed=2**70)
    loose = sudoku.generate(empty=70, unique=False, seed=1)
    assert loose.count(".") == 70 and sudoku.solve(loose) is not None
    a, sa = sudoku.generate_batch(12, empty=52, seed=8, threads=1)
    b, sb = sudoku.generate_batch(12, empty=52, seed=8, threads=3)
    assert (a == b).all() and (sa == sb).all() and a.shape == (12, 81)
    assert len({bytes(r) for r in a}) == 12
    assert ((a == 0).sum(axis=1) == 52).all()
    for bad, kwargs in [
        ("17 givens", dict(empty=65)),
        ("more than the 81 cells", dict(empty=82, unique=False)),
        ("needs empty", dict(unique=False)),
        ("unknown difficulty", dict(difficulty="nightmare")),
        ("no default box", dict(size=7)),
        ("found in 1 attempts", dict(empty=64, max_attempts=1)),
    ]:
        with pytest.raises(clew.InputError, match=bad):
            sudoku.generate(**kwargs)


@pytest.mark.parametrize("difficulty", sudoku.DIFFICULTIES)
def test_generate_difficulty(difficulty):
    p = sudoku.generate(difficulty=difficulty, seed=3)
    r = sudoku.rate(p)
    assert r["difficulty"] == difficulty and r["solutions"] == 1
    lo, hi = 2.5, 3.0
    r = sudoku.rate(sudoku.generate(difficulty=(lo, hi), seed=1))
    assert lo <= r["se_like"] <= hi


# ------------------------------------------------------------------ rating and search


def test_rate():
    r = sudoku.rate(EASY)
    assert r["difficulty"] == "easy" and r["logical"] and r["guesses"] == 0
    assert set(r["techniques"]) == set(sudoku.TECHNIQUES)
    assert r["se_like"] == max(
        {"hidden_single_box": 1.2, "hidden_single_row": 1.5, "hidden_single_col": 1.5, "naked_single": 2.3}[t]
        for t, k in r["techniques"].items()
        if k
    )
    hard = sudoku.rate(SEVENTEEN)
    assert hard["solutions"] == 1 and hard["difficulty"] in sudoku.DIFFICULTIES
    assert sudoku.rate("." * 81)["solutions"] == 2


def test_search_levels_branchings_and_log():
    sol = sudoku.solve(SEVENTEEN)
    for deduction in sudoku.DEDUCTIONS[1:]:
        for branching in sudoku.BRANCHINGS:
            out = sudoku.search(SEVENTEEN, deduction=deduction, branching=branching, seed=1, limit=2)
            assert out["solution"] == sol and out["solutions"] == 1 and out["status"] == "exhausted"
    out = sudoku.search(SEVENTEEN, deduction="naked_singles", log=True)
    kinds = {s["kind"] for s in out["steps"]}
    assert {"place", "guess", "backtrack", "contradiction", "solution"} <= kinds
    assert sum(1 for s in out["steps"] if s["kind"] == "backtrack") == out["backtracks"]
    placed = [s for s in out["steps"] if s["kind"] == "place"]
    assert all(s["technique"] == "naked_single" for s in placed)
    logical = sudoku.search(EASY, deduction="pairs", simplest_first=True, log=True)
    grid = values_of(EASY)
    for s in logical["steps"]:
        if s["kind"] == "place":
            assert s["technique"] in sudoku.TECHNIQUES
            grid[s["cell"]] = s["value"]
    assert "".join(CHARS[v] for v in grid) == logical["solution"]
    stopped = sudoku.search(SEVENTEEN, deduction="none", node_limit=50)
    assert stopped["status"] == "stopped" and stopped["solution"] is None
    arr = sudoku.search(np.array(values_of(EASY), dtype=np.int16).reshape(9, 9))["solution"]
    assert isinstance(arr, np.ndarray) and arr.dtype == np.int16 and arr.shape == (9, 9)
    with pytest.raises(clew.InputError, match="unknown deduction"):
        sudoku.search(EASY, deduction="magic")
    with pytest.raises(clew.InputError, match="unknown branching"):
        sudoku.search(EASY, branching="best")


def test_format_grid():
    text = sudoku.format_grid(EASY)
    assert text.splitlines()[0] == "5 3 . | . 7 . | . . ."
    assert text.count("\n") == 10


@pytest.mark.skipif(not SEVENTEEN_FILE.exists(), reason="shared 17-clue set not present")
def test_seventeen_clue_sample():
    lines = [line[:81] for line in SEVENTEEN_FILE.read_text().splitlines() if line and not line.startswith("#")]
    sample = lines[::50]
    boards = np.array([values_of(line) for line in sample], dtype=np.uint8)
    sols, status = sudoku.solve_batch(boards)
    assert (status == 1).all()
    for b, s in zip(boards, sols):
        assert is_solution(b.tolist(), s.tolist())


# ------------------------------------------------------------------ Ctrl-C


@pytest.mark.parametrize(
    "call",
    [
        lambda: sudoku.count_solutions("." * 81, limit=10**15),
        lambda: sudoku.search(SEVENTEEN, deduction="none", branching="first", limit=10**9),
        # 64 blanks (17 clues) with a unique solution: practically never found.
        lambda: sudoku.generate(9, empty=64, max_attempts=10**9),
        lambda: sudoku.generate_batch(2, 9, empty=64, max_attempts=10**9, threads=1),
        lambda: sudoku.trace_batch([EASY] * 400_000, threads=1),
    ],
)
def test_interrupt_main_reaches_long_calls(call):
    """_thread.interrupt_main() (a simulated Ctrl-C) stops a long call promptly."""
    import _thread
    import threading
    import time

    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        call()
    timer.join()
    assert time.perf_counter() - started < 1.5
    assert sudoku.solve(EASY) is not None  # still usable
