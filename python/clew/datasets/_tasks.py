"""The dataset tasks: how each one makes candidates, keys, and rows.

A task turns record seeds into *plan rows* (a numpy structured array with
the fields ``key``, ``seed``, ``k`` plus the puzzle), and plan rows into an
Arrow table of records. Both steps run in Rust with the GIL released and
build no Python object per record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clew import _core

# Fields every plan row starts with: the canonical key (dedup and split),
# the record's seed, and the backtracks asked of its trace (-1: none asked).
_PLAN_BASE = [("key", "<u8"), ("seed", "<u8"), ("k", "<i8")]

STYLES = ("sos", "backtrack", "wait", "astro", "compact")


class OptionError(ValueError):
    """An impossible or unknown option: reported before any work (exit 2)."""


def _text(data: bytes, offsets: bytes, large: bool = False) -> pa.Array:
    """A string column from Rust's (utf-8 data, int64 offsets) pair, without
    a Python object per value."""
    n = len(offsets) // 8 - 1
    arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    return arr if large else arr.cast(pa.string())


def _ints(data: bytes, dtype: str = "<i8") -> pa.Array:
    return pa.array(np.frombuffer(data, dtype=dtype).astype(np.int64, copy=False))


def _repeat(value: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.string()), n)


#: Why a trace ended, the ``stop_reason`` column: ``solved`` (it reaches the
#: answer), ``pruned`` (the instance has an answer, but the search's own cut --
#: the DFS threshold, the BFS/beam width -- discarded every way to it),
#: ``exhausted`` (the instance has no answer: nothing was left to try), ``budget``
#: (MCTS: the simulations ran out first).
STOP_REASONS = ("solved", "pruned", "exhausted", "budget")


def _stop_reason(solved: np.ndarray, has_answer: np.ndarray, unsolved: str) -> pa.Array:
    """The ``stop_reason`` column from per-row booleans (no Python object per
    row): ``unsolved`` is the reason of a row that has an answer but a trace
    that does not reach it."""
    codes = np.where(solved, 0, np.where(has_answer, STOP_REASONS.index(unsolved), 2))
    return pc.take(pa.array(STOP_REASONS, pa.string()), pa.array(codes.astype(np.int8)))


def _non_empty(text: tuple[bytes, bytes]) -> np.ndarray:
    """Per value of a Rust (data, int64 offsets) text column: is it non-empty?"""
    return np.diff(np.frombuffer(text[1], dtype="<i8")) > 0


# Every task's records end with these columns, in this order.
_TAIL = [
    ("trace", pa.large_string()),
    ("style", pa.string()),
    ("backtracks", pa.int64()),
    ("nodes", pa.int64()),
    ("depth", pa.int64()),
    ("length", pa.int64()),
    ("difficulty", pa.float64()),
    ("seed", pa.int64()),
]


def _tail(cols: dict[str, Any], style: str, rows: np.ndarray, difficulty: str = "<i8") -> list[pa.Array]:
    """The `_TAIL` columns from a Rust column dict (``difficulty`` is int64
    or float64 bytes)."""
    return [
        _text(cols["trace"][0], cols["trace"][1], large=True),
        _repeat(style, len(rows)),
        _ints(cols["backtracks"]),
        _ints(cols["nodes"]),
        _ints(cols["depth"]),
        _ints(cols["length"]),
        pa.array(np.frombuffer(cols["difficulty"], dtype=difficulty).astype(np.float64)),
        pa.array(rows["seed"].astype(np.int64)),
    ]


@dataclass
class Task:
    """One dataset task. ``options`` are its own (checked) options; the
    search options (``style``, ``strategy``) are shared by every task."""

    style: str
    strategy: str
    options: dict[str, Any] = field(default_factory=dict)

    name: ClassVar[str]
    styles: ClassVar[tuple[str, ...]]
    strategies: ClassVar[tuple[str, ...]]
    schema: ClassVar[pa.Schema]

    def __post_init__(self) -> None:
        if self.style not in self.styles:
            raise OptionError(f"task {self.name!r} has no style {self.style!r} (choose from {', '.join(self.styles)})")
        if self.strategy not in self.strategies:
            raise OptionError(
                f"task {self.name!r} has no strategy {self.strategy!r} (choose from {', '.join(self.strategies)})"
            )

    def config(self) -> dict[str, Any]:
        """Everything that shapes the records (goes into the manifest)."""
        return {"style": self.style, "strategy": self.strategy, **self.options}

    # The interface the generator drives -------------------------------------------------
    plan_dtype: np.dtype = field(init=False, repr=False, compare=False)

    def candidates(self, seeds: np.ndarray, threads: int) -> np.ndarray:
        raise NotImplementedError

    # Whether candidates are filtered even without --backtracks.
    filters: ClassVar[bool] = False

    def feasible(self, rows: np.ndarray, threads: int) -> np.ndarray:
        """A boolean mask: rows whose trace can have ``rows['k']`` backtracks
        (``k`` < 0: none asked)."""
        raise NotImplementedError

    def filter_reason(self) -> str:
        return ""

    def forced_split(self, rows: np.ndarray) -> np.ndarray | None:
        """Per row: a split index that overrides the hash (or -1), or None."""
        return None

    def table(self, rows: np.ndarray, threads: int) -> pa.Table:
        raise NotImplementedError


# ---------------------------------------------------------------------------
# Countdown
# ---------------------------------------------------------------------------


def _pair(value: Any, what: str) -> tuple[int | None, int | None]:
    """``None``, an int, ``"LO-HI"``/``"LO..HI"`` or a pair -> (lo, hi)."""
    if value is None:
        return (None, None)
    if isinstance(value, int):
        return (value, value)
    if isinstance(value, str):
        parts = value.replace("..", "-").split("-")
        try:
            nums = [int(p) for p in parts]
        except ValueError:
            raise OptionError(f"{what}: expected N or LO-HI, got {value!r}") from None
        if len(nums) == 1:
            return (nums[0], nums[0])
        if len(nums) == 2:
            return (nums[0], nums[1])
        raise OptionError(f"{what}: expected N or LO-HI, got {value!r}")
    lo, hi = value
    return (int(lo), int(hi))


@dataclass
class CountdownTask(Task):
    """Countdown with Stream of Search's rules. Options: ``preset`` ("sos"
    or "reasoning_gym"), ``numbers`` (count or LO-HI), ``values`` (LO-HI),
    ``targets`` (LO-HI), ``heuristic`` ("sum"/"mult"), ``beam_size``,
    ``held_out_targets`` (SoS's held-out tenth of the targets goes to test),
    ``simulations`` (strategy ``mcts``: MCTS with random playouts from the
    search core, exported as an ASTRO-style linearisation of its tree),
    ``node_labels`` (``sos`` traces with backtracks: ``"shown"``, the default,
    numbers the nodes the trace shows; ``"search"`` keeps the full search's
    labels, which skip the siblings left out)."""

    name: ClassVar[str] = "countdown"
    styles: ClassVar[tuple[str, ...]] = STYLES
    strategies: ClassVar[tuple[str, ...]] = ("dfs", "bfs", "best_first", "beam", "mcts")
    schema: ClassVar[pa.Schema] = pa.schema(
        [
            ("numbers", pa.list_(pa.int64())),
            ("target", pa.int64()),
            ("answer", pa.string()),
            ("optimal_path", pa.string()),
            ("solved", pa.bool_()),
            ("stop_reason", pa.string()),
            *_TAIL,
        ]
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        o = self.options
        o.setdefault("preset", "sos")
        o.setdefault("node_labels", "shown")
        if o["node_labels"] not in ("shown", "search"):
            raise OptionError(f"node_labels must be 'shown' or 'search', got {o['node_labels']!r}")
        if o["preset"] not in ("sos", "reasoning_gym"):
            raise OptionError(f"countdown preset must be 'sos' or 'reasoning_gym', got {o['preset']!r}")
        o["numbers"] = list(_pair(o.get("numbers"), "numbers"))
        o["values"] = list(_pair(o.get("values"), "values"))
        o["targets"] = list(_pair(o.get("targets"), "targets"))
        o.setdefault("heuristic", "sum")
        if o["heuristic"] not in ("sum", "mult"):
            raise OptionError(f"countdown heuristic must be 'sum' or 'mult', got {o['heuristic']!r}")
        o.setdefault("beam_size", None)
        o["held_out_targets"] = bool(o.get("held_out_targets", False))
        if o["held_out_targets"] and o["preset"] != "sos":
            raise OptionError("held_out_targets needs preset 'sos' (Stream of Search's target split)")
        lo, hi = o["numbers"]
        if lo is not None and not 2 <= lo <= (hi if hi is not None else lo) <= 8:
            raise OptionError(f"countdown takes 2 to 8 numbers, got {lo}-{hi}")
        # Probe the generator now, so that bad ranges fail before any work.
        try:
            self.candidates(np.array([1], dtype=np.uint64), 1)
        except ValueError as exc:
            raise OptionError(f"countdown options: {exc}") from None
        width = self._width
        self.plan_dtype = np.dtype([*_PLAN_BASE, ("numbers", "<i8", (width,)), ("target", "<i8")])
        if self.strategy == "mcts":
            o["simulations"] = int(o.get("simulations", 200))
            if o["simulations"] < 1:
                raise OptionError(f"simulations must be positive, got {o['simulations']}")
            if self.style == "sos":
                raise OptionError("strategy mcts renders astro, wait, backtrack or compact traces, not sos")
        elif self.style != "sos" and self.strategy != "dfs":
            raise OptionError(f"style {self.style!r} renders depth-first searches: use --strategy dfs")

    def _mcts(self, numbers: np.ndarray, target: int, seed: int, k: int) -> dict[str, Any]:
        from clew.search import mcts_trace

        nums = [int(v) for v in numbers if v >= 0]
        return mcts_trace(
            nums, int(target), self.options["simulations"], seed=int(seed), style=self.style,
            backtracks=None if k < 0 else int(k),
        )

    def _mcts_table(self, rows: np.ndarray) -> pa.Table:
        """MCTS traces, one Python call a record (the search core's export)."""
        from clew import countdown

        cols: dict[str, list[Any]] = {k: [] for k in self.schema.names}
        for r in rows:
            rec = self._mcts(r["numbers"], r["target"], r["seed"], r["k"])
            nums = [int(v) for v in r["numbers"] if v >= 0]
            target = int(r["target"])
            cols["numbers"].append(nums)
            cols["target"].append(target)
            cols["answer"].append(rec.get("answer") or countdown.solve(nums, target) or "")
            cols["optimal_path"].append(countdown.optimal_path(nums, target) or "")
            cols["solved"].append(bool(rec["solved"]))
            cols["stop_reason"].append("solved" if rec["solved"] else "budget" if cols["answer"][-1] else "exhausted")
            cols["trace"].append(rec["trace"])
            cols["style"].append(self.style)
            for key in ("backtracks", "nodes", "depth", "length"):
                cols[key].append(int(rec[key]))
            cols["difficulty"].append(float(countdown.trace_record(nums, target).nodes_expanded))
            cols["seed"].append(int(r["seed"]))
        return pa.Table.from_pydict(cols, schema=self.schema)

    def _gen_args(self) -> dict[str, Any]:
        o = self.options
        held = o["held_out_targets"]
        return dict(
            preset=o["preset"],
            split="all" if held or o["targets"][0] is not None else "train",
            numbers=tuple(o["numbers"]),
            values=tuple(o["values"]),
            targets_range=tuple(o["targets"]),
        )

    def candidates(self, seeds: np.ndarray, threads: int) -> np.ndarray:
        nums, width, targets, keys = _core.countdown_candidates(
            np.ascontiguousarray(seeds, dtype="<u8").tobytes(), threads=threads, **self._gen_args()
        )
        self._width = width
        n = len(keys) // 8
        rows = np.zeros(n, dtype=[*_PLAN_BASE, ("numbers", "<i8", (width,)), ("target", "<i8")])
        rows["key"] = np.frombuffer(keys, dtype="<u8")
        rows["seed"] = seeds
        rows["k"] = -1
        rows["numbers"] = np.frombuffer(nums, dtype="<i8").reshape(n, width)
        rows["target"] = np.frombuffer(targets, dtype="<i8")
        return rows

    def _search(self) -> dict[str, Any]:
        return dict(
            search=self.strategy,
            heuristic=self.options["heuristic"],
            beam_size=self.options["beam_size"],
        )

    def feasible(self, rows: np.ndarray, threads: int) -> np.ndarray:
        if self.strategy == "mcts":
            return np.array(
                [
                    (rec := self._mcts(r["numbers"], r["target"], r["seed"], r["k"]))["solved"]
                    and (r["k"] < 0 or rec["backtracks"] == r["k"])
                    for r in rows
                ],
                dtype=bool,
            )
        mask = _core.countdown_feasible(
            np.ascontiguousarray(rows["numbers"]).tobytes(),
            self._width,
            np.ascontiguousarray(rows["target"]).tobytes(),
            np.ascontiguousarray(rows["k"]).tobytes(),
            threads=threads,
            **self._search(),
        )
        return np.frombuffer(mask, dtype=np.uint8).astype(bool)

    def forced_split(self, rows: np.ndarray) -> np.ndarray | None:
        if not self.options["held_out_targets"]:
            return None
        _, held = _core.countdown_target_split(0, 100)
        return np.where(np.isin(rows["target"], np.array(held, dtype=np.int64)), 2, -1)

    def table(self, rows: np.ndarray, threads: int) -> pa.Table:
        if self.strategy == "mcts":
            return self._mcts_table(rows)
        n = len(rows)
        ks = rows["k"]
        cols = _core.countdown_trace_rows(
            np.ascontiguousarray(rows["numbers"]).tobytes(),
            self._width,
            np.ascontiguousarray(rows["target"]).tobytes(),
            np.ascontiguousarray(ks).tobytes() if (ks >= 0).all() and n else None,
            style=self.style,
            node_labels=self.options["node_labels"],
            threads=threads,
            **self._search(),
        )
        solved = np.frombuffer(cols["solved"], dtype=np.uint8).astype(bool)
        matrix = rows["numbers"]
        present = matrix >= 0
        counts = present.sum(axis=1)
        offsets = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(counts, out=offsets[1:])
        numbers = pa.ListArray.from_arrays(pa.array(offsets), pa.array(matrix[present]))
        return pa.Table.from_arrays(
            [
                numbers,
                pa.array(rows["target"]),
                _text(*cols["answer"]),
                _text(*cols["optimal_path"]),
                pa.array(solved),
                _stop_reason(solved, _non_empty(cols["answer"]), "pruned"),
                *_tail(cols, self.style, rows),
            ],
            schema=self.schema,
        )


# ---------------------------------------------------------------------------
# Sudoku
# ---------------------------------------------------------------------------

_SUDOKU_BOXES = {
    4: (2, 2), 6: (2, 3), 8: (2, 4), 9: (3, 3), 10: (2, 5), 12: (3, 4), 15: (3, 5), 16: (4, 4), 20: (4, 5), 25: (5, 5),
}


@dataclass
class SudokuTask(Task):
    """N x N Sudoku (4 to 25). Options: ``size`` (default 9), ``box``
    ("RxC"), ``empty`` (blank cells, count or LO-HI; default: minimal
    puzzles), ``difficulty`` (a label such as "hard" or an SE-like range).
    The strategy is the deduction between guesses (``hidden_singles``,
    ``naked_singles``, ``none`` = pure backtracking); guesses go to the cell
    with the fewest candidates, values in an order shuffled by the record's
    seed (``clew.sudoku.trace_record(puzzle, seed=record["seed"])``)."""

    name: ClassVar[str] = "sudoku"
    styles: ClassVar[tuple[str, ...]] = ("backtrack", "wait", "astro", "compact")
    strategies: ClassVar[tuple[str, ...]] = ("hidden_singles", "naked_singles", "none")
    schema: ClassVar[pa.Schema] = pa.schema(
        [
            ("puzzle", pa.string()),
            ("answer", pa.string()),
            ("optimal_path", pa.string()),
            ("solved", pa.bool_()),
            ("stop_reason", pa.string()),
            *_TAIL,
        ]
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        o = self.options
        size = int(o.get("size", 9))
        if not 4 <= size <= 25:  # clew.sudoku's limit: 25 symbols, 1-9 then A-P
            raise OptionError(f"sudoku size must be within 4..25, got {size}")
        o["size"] = size
        box = o.get("box")
        if isinstance(box, str):
            try:
                r, c = (int(x) for x in box.lower().split("x"))
            except ValueError:
                raise OptionError(f"box must look like RxC (e.g. 3x3), got {box!r}") from None
            box = (r, c)
        if box is None:
            if size not in _SUDOKU_BOXES:
                raise OptionError(f"no default box for size {size}: give --box RxC")
            box = _SUDOKU_BOXES[size]
        if box[0] * box[1] != size:
            raise OptionError(f"box {box[0]}x{box[1]} does not tile a {size}x{size} grid")
        o["box"] = list(box)
        lo, hi = _pair(o.get("empty"), "empty")
        if lo is not None and not 0 <= lo <= (hi or lo) < size * size:
            raise OptionError(f"empty must be within 0..{size * size - 1}, got {lo}-{hi}")
        o["empty"] = [lo, hi]
        o.setdefault("difficulty", None)
        self.cells = size * size
        self.plan_dtype = np.dtype(
            [*_PLAN_BASE, ("puzzle", "u1", (self.cells,)), ("solution", "u1", (self.cells,))]
        )
        try:
            self.candidates(np.array([1], dtype=np.uint64), 1)
        except ValueError as exc:
            raise OptionError(f"sudoku options: {exc}") from None

    def _difficulty(self) -> dict[str, Any]:
        d = self.options["difficulty"]
        if d is None:
            return {}
        if isinstance(d, str) and "-" not in d:
            return {"difficulty": d}
        lo, hi = (float(x) for x in str(d).split("-")) if isinstance(d, str) else d
        return {"se_range": (lo, hi)}

    def candidates(self, seeds: np.ndarray, threads: int) -> np.ndarray:
        lo, hi = self.options["empty"]
        rows = np.zeros(len(seeds), dtype=self.plan_dtype)
        rows["seed"] = seeds
        rows["k"] = -1
        # A range of blanks: each record draws its count from its own seed.
        groups: dict[int | None, np.ndarray]
        if lo is None:
            groups = {None: np.arange(len(seeds))}
        else:
            empties = lo + (seeds % np.uint64(hi - lo + 1)).astype(np.int64)
            groups = {int(e): np.flatnonzero(empties == e) for e in np.unique(empties)}
        for empty, idx in groups.items():
            puzzles, solutions, keys = _core.sudoku_candidates(
                np.ascontiguousarray(seeds[idx], dtype="<u8").tobytes(),
                size=self.options["size"],
                empty=empty,
                box_shape=tuple(self.options["box"]),
                threads=threads,
                **self._difficulty(),
            )
            rows["key"][idx] = np.frombuffer(keys, dtype="<u8")
            rows["puzzle"][idx] = np.frombuffer(puzzles, dtype=np.uint8).reshape(len(idx), self.cells)
            rows["solution"][idx] = np.frombuffer(solutions, dtype=np.uint8).reshape(len(idx), self.cells)
        return rows

    def _trace(self, rows: np.ndarray, threads: int, check_only: bool) -> Any:
        return _core.sudoku_trace_rows(
            np.ascontiguousarray(rows["puzzle"]).tobytes(),
            np.ascontiguousarray(rows["seed"], dtype="<u8").tobytes(),
            np.ascontiguousarray(rows["k"], dtype="<i8").tobytes(),
            size=self.options["size"],
            box_shape=tuple(self.options["box"]),
            style=self.style,
            deduction=self.strategy,
            threads=threads,
            check_only=check_only,
        )

    def feasible(self, rows: np.ndarray, threads: int) -> np.ndarray:
        return np.frombuffer(self._trace(rows, threads, True), dtype=np.uint8).astype(bool)

    def table(self, rows: np.ndarray, threads: int) -> pa.Table:
        cols = self._trace(rows, threads, False)
        solved = np.frombuffer(cols["solved"], dtype=np.uint8).astype(bool)
        return pa.Table.from_arrays(
            [
                _text(*cols["puzzle"]),
                _text(*cols["answer"]),
                _text(*cols["optimal_path"]),
                pa.array(solved),
                # The search is complete: a puzzle it does not solve has no answer.
                _stop_reason(solved, _non_empty(cols["answer"]), "exhausted"),
                *_tail(cols, self.style, rows, difficulty="<f8"),
            ],
            schema=self.schema,
        )


# ---------------------------------------------------------------------------
# SAT and NLSat
# ---------------------------------------------------------------------------


@dataclass
class SatTask(Task):
    """Random k-SAT near the threshold, solved by clew's CDCL solver with its
    search recorded. Options: ``vars`` (LO-HI, default 10-30), ``ratio``
    (clauses per variable, default 4.26), ``k`` (default 3), ``max_events``
    (a trace longer than this many search events is not used; default 2000).
    The trace shows every decision, propagation, conflict, learnt clause and
    backjump; ``backtracks`` counts its conflicts (each one a backjump)."""

    name: ClassVar[str] = "sat"
    styles: ClassVar[tuple[str, ...]] = ("backtrack", "compact")
    strategies: ClassVar[tuple[str, ...]] = ("cdcl",)
    natural: ClassVar[bool] = False
    filters: ClassVar[bool] = True
    schema: ClassVar[pa.Schema] = pa.schema(
        [
            ("puzzle", pa.string()),
            ("num_vars", pa.int64()),
            ("num_clauses", pa.int64()),
            ("label", pa.string()),
            ("answer", pa.string()),
            *_TAIL,
        ]
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        o = self.options
        lo, hi = _pair(o.get("vars", "10-30"), "vars")
        o["vars"] = [lo, hi]
        o["ratio"] = float(o.get("ratio", 4.26))
        o["k"] = int(o.get("k", 3))
        o["max_events"] = int(o.get("max_events", 2000))
        if o["max_events"] < 1:
            raise OptionError(f"max_events must be positive, got {o['max_events']}")
        self.plan_dtype = np.dtype(_PLAN_BASE)
        try:
            self.candidates(np.array([1], dtype=np.uint64), 1)
            self._rows(np.array([1], dtype=np.uint64), 1)
        except ValueError as exc:
            raise OptionError(f"{self.name} options: {exc}") from None

    def _spec(self) -> dict[str, Any]:
        o = self.options
        return {"vars": tuple(o["vars"]), "ratio": o["ratio"], "k": o["k"]}

    def candidates(self, seeds: np.ndarray, threads: int) -> np.ndarray:
        keys = _core.sat_keys(np.ascontiguousarray(seeds, dtype="<u8").tobytes(), **self._spec())
        rows = np.zeros(len(seeds), dtype=self.plan_dtype)
        rows["key"] = np.frombuffer(keys, dtype="<u8")
        rows["seed"] = seeds
        rows["k"] = -1
        return rows

    def _rows(self, seeds: np.ndarray, threads: int) -> dict[str, Any]:
        return _core.sat_rows(
            np.ascontiguousarray(seeds, dtype="<u8").tobytes(),
            style=self.style,
            natural=self.natural,
            cap=self.options["max_events"],
            threads=threads,
            **self._spec(),
        )

    def feasible(self, rows: np.ndarray, threads: int) -> np.ndarray:
        cols = self._rows(rows["seed"], threads)
        ok = np.frombuffer(cols["truncated"], dtype=np.uint8) == 0
        ks = rows["k"]
        conflicts = np.frombuffer(cols["backtracks"], dtype="<i8")
        return ok & ((ks < 0) | (conflicts == ks))

    def filter_reason(self) -> str:
        return f" within {self.options['max_events']} search events"

    def table(self, rows: np.ndarray, threads: int) -> pa.Table:
        cols = self._rows(rows["seed"], threads)
        label = np.frombuffer(cols["label"], dtype=np.uint8)
        names = np.array(["UNSAT", "SAT"], dtype=object)
        return pa.Table.from_arrays(
            [
                _text(*cols["puzzle"]),
                _ints(cols["vars"]),
                _ints(cols["clauses"]),
                pa.array(names[label], pa.string()),
                _text(*cols["answer"]),
                *_tail(cols, self.style, rows),
            ],
            schema=self.schema,
        )


@dataclass
class NlsatTask(SatTask):
    """NLSat: the same random formulas as rules in natural language ("If
    Alice is not big and Bob is red then Carol is calm."), the question
    whether all rules can hold at once, the label, and the solver's search
    told in the same words. At most 256 variables."""

    name: ClassVar[str] = "nlsat"
    styles: ClassVar[tuple[str, ...]] = ("backtrack",)
    natural: ClassVar[bool] = True


TASKS: dict[str, type[Task]] = {
    "countdown": CountdownTask,
    "sudoku": SudokuTask,
    "sat": SatTask,
    "nlsat": NlsatTask,
}
