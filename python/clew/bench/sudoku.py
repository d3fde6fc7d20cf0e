"""Sudoku benchmark: clew against Python anchors, side by side in one run.

    python -m clew.bench.sudoku                       # full run (a few minutes)
    python -m clew.bench.sudoku --smoke               # seconds (CI)
    python -m clew.bench.sudoku --out bench-results/sudoku
    clew bench sudoku ...                             # the same options

Solving, on Gordon Royle's 49,151 17-clue puzzles (``--puzzles``; by default
``../shared/benchmarks/sudoku/17-clue.txt`` beside the repository, skipped
when absent) and on a set of hard generated puzzles (``expert``: clew's
techniques alone do not solve them):

* ``clew solve()``: one Python call per puzzle (string in, string out);
* ``clew solve_batch 1 thread`` and ``clew solve_batch N threads``;
* ``norvig (Python)``: Peter Norvig's constraint propagation + search,
  written in this file;
* ``py-sudoku``: the PyPI package (``pip install py-sudoku``), when installed;
* ``tdoku`` (C++, t-dillon/tdoku), with ``--tdoku PATH``, on the 17-clue set
  only: ``PATH`` is either tdoku's own ``run_benchmark`` program (run on the
  same puzzles, first solution, no permutation; its puzzles/s is read from
  its table) or its shared library ``libtdoku.so`` (called through ctypes
  one puzzle at a time, so the rate includes ctypes' per-call overhead).
  Nothing of tdoku ships with clew; build it yourself outside the checkout::

      git clone https://github.com/t-dillon/tdoku /tmp/tdoku && cd /tmp/tdoku
      ./BUILD.sh run_benchmark           # CMake: build/run_benchmark (-O3 -march=native)
      # or, without CMake (the source files the CMake target uses):
      #   sed 's/${[A-Z_]*}//' src/build_info.h.in > src/build_info.h
      #   g++ -O3 -march=native -std=c++17 -o run_benchmark src/run_benchmark.cc \
      #       src/util.cc src/solver_dpll_triad_simd.cc other/other_solvers.cc
      #   g++ -O3 -march=native -shared -fPIC -o libtdoku.so \
      #       src/solver_dpll_triad_simd.cc src/util.cc
      clew bench sudoku --tdoku /tmp/tdoku/build/run_benchmark

The slow solvers run on an evenly spaced sample of each set (``--sample``,
and at most ``--budget`` seconds each); every rate is puzzles per second of
wall-clock time on this machine, and the ratio column is clew's
single-thread batch rate over the row's. Every answer is checked by an
independent checker; a wrong one makes the exit status 1.

Generation: clew's unique 9x9 puzzles with 50..60 blanks (each count in
turn; 1 thread and all threads), and reasoning-gym's sudoku dataset
(``min_empty=50, max_empty=60``) when it is installed; its generator is the
issue's reference (about 3 hard puzzles per second).

Traces: ``clew.sudoku.trace_batch`` in the ``backtrack`` style on generated
9x9 puzzles with 50..60 blanks (the whole search; the record with its
backtrack-free path and SE-like rating, then the text alone), 1 thread and
all threads; a sample of each is replayed by the validator (an invalid trace
counts as wrong). The "To Backtrack or Not to Backtrack" Python generator
(about 130 puzzles/s, the issue's reference) is not run here.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import clew
from clew import sudoku

DIGITS = "123456789"
SMOKE: dict[str, Any] = dict(
    smoke=True, limit=2000, sample=20, py_sudoku_sample=3, hard=60, generate=60, rg=3, budget=5.0, traces=220
)
FULL: dict[str, Any] = dict(
    limit=None, sample=500, py_sudoku_sample=40, hard=2000, generate=2000, rg=30, budget=60.0, traces=5500
)


# --------------------------------------------------------------------------- anchors


class Norvig:
    """Peter Norvig's solver (norvig.com/sudoku.html), 9x9, strings in and out."""

    def __init__(self) -> None:
        rows, cols = "ABCDEFGHI", DIGITS
        self.squares = [r + c for r in rows for c in cols]
        unitlist = (
            [[r + c for r in rows] for c in cols]
            + [[r + c for c in cols] for r in rows]
            + [[r + c for r in rs for c in cs] for rs in ("ABC", "DEF", "GHI") for cs in ("123", "456", "789")]
        )
        self.units = {s: [u for u in unitlist if s in u] for s in self.squares}
        self.peers = {s: set(sum(self.units[s], [])) - {s} for s in self.squares}

    def solve(self, puzzle: str) -> str | None:
        values: dict[str, str] | None = {s: DIGITS for s in self.squares}
        for s, d in zip(self.squares, puzzle):
            if d in DIGITS and values is not None and not self._assign(values, s, d):
                return None
        result = self._search(values)
        return None if not result else "".join(result[s] for s in self.squares)

    def _assign(self, values: dict[str, str], s: str, d: str) -> dict[str, str] | None:
        other = values[s].replace(d, "")
        if all(self._eliminate(values, s, d2) for d2 in other):
            return values
        return None

    def _eliminate(self, values: dict[str, str], s: str, d: str) -> dict[str, str] | None:
        if d not in values[s]:
            return values
        values[s] = values[s].replace(d, "")
        if len(values[s]) == 0:
            return None
        if len(values[s]) == 1:
            d2 = values[s]
            if not all(self._eliminate(values, s2, d2) for s2 in self.peers[s]):
                return None
        for u in self.units[s]:
            places = [s2 for s2 in u if d in values[s2]]
            if len(places) == 0:
                return None
            if len(places) == 1 and not self._assign(values, places[0], d):
                return None
        return values

    def _search(self, values: dict[str, str] | None) -> dict[str, str] | None:
        if values is None:
            return None
        if all(len(values[s]) == 1 for s in self.squares):
            return values
        _, s = min((len(values[s]), s) for s in self.squares if len(values[s]) > 1)
        for d in values[s]:
            result = self._search(self._assign(values.copy(), s, d))
            if result:
                return result
        return None


def py_sudoku_solver() -> Callable[[str], str | None] | None:
    """py-sudoku's solver, or None when the package is not installed."""
    try:
        from sudoku import Sudoku  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        return None

    def solve(puzzle: str) -> str | None:
        board = [[int(puzzle[r * 9 + c]) if puzzle[r * 9 + c] in DIGITS else None for c in range(9)] for r in range(9)]
        s = Sudoku(3, 3, board=board).solve()
        if s is None or any(v is None for row in s.board for v in row):
            return None
        return "".join(str(v) for row in s.board for v in row)

    return solve


# --------------------------------------------------------------------------- checking


def check(puzzle: str, solution: str | None) -> bool:
    """Independent check of a 9x9 answer."""
    if solution is None or len(solution) != 81:
        return False
    if any(p in DIGITS and p != s for p, s in zip(puzzle, solution)):
        return False
    want = set(DIGITS)
    for i in range(9):
        if set(solution[i * 9 : i * 9 + 9]) != want or set(solution[i::9]) != want:
            return False
        br, bc = 3 * (i // 3), 3 * (i % 3)
        if {solution[(br + a) * 9 + bc + b] for a in range(3) for b in range(3)} != want:
            return False
    return True


# --------------------------------------------------------------------------- measuring


def default_puzzles() -> Path | None:
    here = Path(__file__).resolve()
    for root in [Path.cwd(), *here.parents]:
        p = root.parent / "shared" / "benchmarks" / "sudoku" / "17-clue.txt"
        if p.exists():
            return p
    return None


def load(path: Path) -> list[str]:
    out = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if len(line) >= 81 and not line.startswith("#"):
            out.append(line[:81].replace("0", "."))
    return out


def sample(puzzles: Sequence[str], k: int) -> list[str]:
    if k >= len(puzzles):
        return list(puzzles)
    step = len(puzzles) / k
    return [puzzles[int(i * step)] for i in range(k)]


class Table:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.failures = 0

    def add(self, task: str, name: str, count: int, seconds: float, wrong: int = 0, note: str = "") -> dict[str, Any]:
        row: dict[str, Any] = dict(
            task=task,
            solver=name,
            count=count,
            seconds=round(seconds, 4),
            rate=count / seconds if seconds > 0 else float("inf"),
            wrong=wrong,
            note=note,
        )
        self.rows.append(row)
        self.failures += wrong
        ratio = ""
        base = self.baseline(task)
        if base and row is not base and row["rate"] > 0:
            ratio = f"  (clew 1-thread is {base['rate'] / row['rate']:,.1f}x)"
        flag = f"  WRONG ANSWERS: {wrong}" if wrong else ""
        print(f"  {name:<28} {count:>7} in {seconds:8.3f} s = {row['rate']:>12,.1f} /s{ratio}{flag}{'  ' + note if note else ''}")
        sys.stdout.flush()
        return row

    def baseline(self, task: str) -> dict[str, Any] | None:
        for r in self.rows:
            if r["task"] == task and r["solver"].startswith("clew") and "1 thread" in r["solver"]:
                return r
        return None


def time_solver(solve: Callable[[str], str | None], puzzles: Sequence[str], budget: float) -> tuple[int, float, int]:
    """Solve puzzles in order until done or over budget; (count, seconds,
    wrong). Only the solve calls are timed; answers are checked afterwards."""
    answers: list[str | None] = []
    elapsed = 0.0
    for p in puzzles:
        start = time.perf_counter()
        answers.append(solve(p))
        elapsed += time.perf_counter() - start
        if elapsed > budget:
            break
    wrong = sum(not check(p, a) for p, a in zip(puzzles, answers))
    return len(answers), elapsed, wrong


def bench_tdoku(path: Path, puzzles: list[str], opts: dict[str, Any], table: Table, task: str) -> None:
    """tdoku on the same puzzles: its benchmark program, or its library via ctypes."""
    if path.suffix == ".so" or ".so." in path.name:
        import ctypes

        lib = ctypes.CDLL(str(path))
        fn = lib.TdokuSolverDpllTriadSimd
        fn.restype = ctypes.c_size_t
        fn.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32, ctypes.c_char_p, ctypes.c_void_p]
        out = ctypes.create_string_buffer(82)
        guesses = ctypes.c_size_t()
        encoded = [p.encode() for p in puzzles]
        start = time.perf_counter()
        for p in encoded:
            fn(p, 1, 0, out, ctypes.byref(guesses))
        dt = time.perf_counter() - start
        step = max(1, len(puzzles) // 2000)
        wrong = 0
        for p in puzzles[::step]:
            n = fn(p.encode(), 1, 0, out, ctypes.byref(guesses))
            wrong += n != 1 or not check(p, out.raw[:81].decode())
        table.add(task, "tdoku (C++, ctypes)", len(puzzles), dt, wrong, "includes ctypes call overhead")
        return
    seconds = 1 if opts.get("smoke") else 5
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "puzzles.txt"  # tdoku reads '.' blanks, one puzzle a line
        data.write_text("\n".join(puzzles) + "\n")
        cmd = [str(path), "-s", "tdoku", "-n", str(len(puzzles)), "-r0", "-f", "-w", "1", "-t", str(seconds), str(data)]
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    m = re.search(r"^\|tdoku\s[^|]*\|\s*([0-9.]+)", res.stdout, re.M)
    if res.returncode != 0 or m is None:
        print(f"  tdoku: {' '.join(cmd)} failed (exit {res.returncode}): {res.stdout[-300:]}{res.stderr[-300:]}")
        table.failures += 1
        return
    rate = float(m.group(1))
    # tdoku times itself over whole passes of the set; report one pass at its rate.
    table.add(task, "tdoku (C++, run_benchmark)", len(puzzles), len(puzzles) / rate, note=f"-f -r0 -t {seconds}; validated in warmup")


def bench_solving(task: str, puzzles: list[str], opts: dict[str, Any], table: Table, threads: int) -> None:
    print(f"\n{task}: {len(puzzles)} puzzles")
    boards = np.array([[0 if ch == "." else int(ch) for ch in p] for p in puzzles], dtype=np.uint8)
    sudoku.solve_batch(boards[: min(len(boards), 200)], threads=1)  # warm up
    for label, t in [("1 thread", 1), (f"{threads} threads", threads)]:
        start = time.perf_counter()
        sols, status = sudoku.solve_batch(boards, threads=t)
        dt = time.perf_counter() - start
        wrong = int((status != 1).sum())
        strings = ["".join(str(v) for v in row) for row in sols[:: max(1, len(sols) // 2000)]]
        wrong += sum(not check(p, s) for p, s in zip(puzzles[:: max(1, len(sols) // 2000)], strings))
        table.add(task, f"clew solve_batch {label}", len(puzzles), dt, wrong)
    if opts.get("tdoku") and task == "17-clue":
        bench_tdoku(Path(opts["tdoku"]), puzzles, opts, table, task)
    n, dt, wrong = time_solver(sudoku.solve, puzzles, opts["budget"])
    table.add(task, "clew solve() per call", n, dt, wrong, "Python call per puzzle")
    norvig = Norvig()
    n, dt, wrong = time_solver(norvig.solve, sample(puzzles, opts["sample"]), opts["budget"])
    table.add(task, "norvig (Python)", n, dt, wrong)
    pys = py_sudoku_solver()
    if pys is None:
        print("  py-sudoku: not installed (pip install py-sudoku); skipped")
    elif opts.get("smoke") and task == "17-clue":
        print("  py-sudoku: skipped in smoke mode (seconds per 17-clue puzzle)")
    else:
        n, dt, wrong = time_solver(pys, sample(puzzles, opts["py_sudoku_sample"]), opts["budget"])
        table.add(task, "py-sudoku", n, dt, wrong)


def bench_generation(opts: dict[str, Any], table: Table, threads: int, seed: int) -> None:
    task = "generate 9x9, 50-60 blank"
    count = opts["generate"]
    print(f"\n{task}: {count} puzzles per blank count 50..60, unique solutions")
    per_empty = max(1, count // 11)
    for label, t in [("1 thread", 1), (f"{threads} threads", threads)]:
        total = 0.0
        made = 0
        wrong = 0
        for empty in range(50, 61):
            start = time.perf_counter()
            p, s = sudoku.generate_batch(per_empty, empty=empty, seed=seed + empty, threads=t)
            total += time.perf_counter() - start
            made += len(p)
            wrong += int(((p == 0).sum(axis=1) != empty).sum())
            for row in p[:3]:
                wrong += sudoku.count_solutions(row.tolist()) != 1
        table.add(task, f"clew generate_batch {label}", made, total, wrong)
    for empty in (50, 55, 58, 60):
        start = time.perf_counter()
        p, _ = sudoku.generate_batch(per_empty, empty=empty, seed=seed, threads=1)
        task_e = f"generate 9x9, {empty} blank"
        table.add(task_e, f"clew 1 thread, {empty} blank", len(p), time.perf_counter() - start)
    try:
        import reasoning_gym  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        print("  reasoning-gym: not installed (pip install reasoning-gym); skipped")
        return
    n = opts["rg"]
    start = time.perf_counter()
    ds = reasoning_gym.create_dataset("sudoku", size=n, seed=seed, min_empty=50, max_empty=60)
    items = [ds[i] for i in range(n)]
    table.add(task, "reasoning-gym sudoku", len(items), time.perf_counter() - start, note="min_empty=50, max_empty=60")


def bench_traces(opts: dict[str, Any], table: Table, threads: int, seed: int) -> None:
    task = "traces 9x9, 50-60 blank"
    per_empty = max(1, opts["traces"] // 11)
    boards = np.concatenate(
        [sudoku.generate_batch(per_empty, empty=e, seed=seed + e, threads=threads)[0] for e in range(50, 61)]
    )
    print(f"\n{task}: {len(boards)} puzzles, style 'backtrack', the whole search")
    sudoku.trace_batch(boards[:50], threads=1)  # warm up
    runs: list[tuple[str, int, dict[str, Any]]] = [
        ("clew trace_batch 1 thread", 1, {}),
        (f"clew trace_batch {threads} threads", threads, {}),
        ("clew trace_batch text only, 1 thread", 1, dict(optimal_path=False, rate=False)),
    ]
    for name, t, kw in runs:
        start = time.perf_counter()
        cols = sudoku.trace_batch(boards, "backtrack", threads=t, **kw)
        dt = time.perf_counter() - start
        step = max(1, len(boards) // 200)
        wrong = sum(
            not clew.traces.validate(cols["trace"][i], puzzle=cols["puzzle"][i]).solved
            for i in range(0, len(boards), step)
        )
        mean = sum(cols["length"]) / max(1, len(boards))
        table.add(task, name, len(boards), dt, wrong, f"mean {mean:,.0f} chars")


# --------------------------------------------------------------------------- entry points


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--puzzles", type=Path, default=None, help="17-clue file (default: ../shared/benchmarks/sudoku/17-clue.txt)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N puzzles of the file for clew")
    parser.add_argument("--sample", type=int, default=None, help="puzzles for the Python solvers (evenly spaced)")
    parser.add_argument("--budget", type=float, default=None, help="seconds at most per slow solver and set")
    parser.add_argument("--hard", type=int, default=None, help="hard generated puzzles (difficulty 'expert')")
    parser.add_argument("--generate", type=int, default=None, help="clew puzzles generated, over blank counts 50..60")
    parser.add_argument("--traces", type=int, default=None, help="puzzles traced, over blank counts 50..60")
    parser.add_argument("--threads", type=int, default=None, help="threads for the parallel rows (default: all cores)")
    parser.add_argument(
        "--tdoku", type=Path, default=None, help="tdoku's run_benchmark program or libtdoku.so, built by you (see above)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, finishes in seconds (CI)")
    parser.add_argument("--out", type=Path, default=None, help="write results.json and results.csv here")


def run(args: argparse.Namespace) -> int:
    opts: dict[str, Any] = dict(SMOKE if args.smoke else FULL)
    for key in ("limit", "sample", "budget", "hard", "generate", "traces"):
        if getattr(args, key) is not None:
            opts[key] = getattr(args, key)
    threads = args.threads or os.cpu_count() or 1
    opts["tdoku"] = str(args.tdoku) if args.tdoku else None
    print(
        f"clew {clew.__version__} ({clew._core.__build_profile__} build), Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores; {'smoke' if args.smoke else 'full'} run"
    )
    table = Table()
    path = args.puzzles or default_puzzles()
    if path is None or not Path(path).exists():
        print("\n17-clue: file not found (../shared/benchmarks/sudoku/17-clue.txt); skipped")
    else:
        puzzles = load(Path(path))
        if opts["limit"]:
            puzzles = puzzles[: opts["limit"]]
        bench_solving("17-clue", puzzles, opts, table, threads)
    hard_p, _ = sudoku.generate_batch(opts["hard"], difficulty="expert", seed=args.seed)
    hard = ["".join("." if v == 0 else str(v) for v in row) for row in hard_p]
    bench_solving("hard generated (expert)", hard, opts, table, threads)
    bench_generation(opts, table, threads, args.seed)
    bench_traces(opts, table, threads, args.seed)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        meta = dict(
            clew=clew.__version__,
            build=clew._core.__build_profile__,
            python=platform.python_version(),
            machine=platform.machine(),
            cores=os.cpu_count(),
            smoke=args.smoke,
            opts=opts,
        )
        (args.out / "results.json").write_text(json.dumps(dict(meta=meta, rows=table.rows), indent=2))
        with open(args.out / "results.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(table.rows[0]))
            w.writeheader()
            w.writerows(table.rows)
        print(f"\nwrote {args.out / 'results.json'} and results.csv")
    if table.failures:
        print(f"\n{table.failures} WRONG ANSWERS", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clew bench sudoku", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
