"""Compare search algorithms under one budget: pass@k and coverage curves.

    from clew.search import Countdown, compare
    cmp = compare(Countdown(24), roots, ["dfs", "beam", "best_of_n", "particle_filter"],
                  budget="nodes", limits=[100, 1_000, 10_000], seeds=8)
    print(cmp.table())            # one row per algorithm at the largest limit
    cmp.plot("coverage.png")      # coverage vs budget and pass@k vs k

Every (algorithm, limit, root, seed) is one real search stopped by the
same budget (``max_nodes``, ``max_evaluations`` or ``max_cost`` = limit);
nothing is extrapolated from a longer run. Deterministic algorithms (all
but the samplers) run once per root and limit and count for every seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from clew._table import markdown_table
from clew.search._search import Countdown, EnvMCTS, SearchResult, Sudoku, solve

_BUDGETS = {"nodes": "max_nodes", "evaluations": "max_evaluations", "cost": "max_cost"}
# Searches whose result does not depend on the seed.
_DETERMINISTIC = {"dfs", "bfs", "beam", "best_first", "greedy", "astar", "iddfs"}

# A custom algorithm: (root, seed, budget keyword arguments) -> a result with
# ``solved``, ``nodes``, ``evaluations`` and ``cost`` (e.g. a SearchResult).
Runner = Callable[[Any, int, dict[str, float]], Any]


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased pass@k estimate from ``n`` attempts with ``c`` successes
    (Chen et al. 2021): ``1 - C(n-c, k) / C(n, k)``; needs ``k <= n``."""
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"pass@k needs 0 <= c <= n and 1 <= k <= n, got n={n}, c={c}, k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


@dataclass(frozen=True)
class Comparison:
    """Every run of :func:`compare` as numpy columns, one row per
    (algorithm, limit, root, seed): ``algorithm`` (str), ``limit`` (the
    budget the run was given), ``root`` and ``seed`` (ints), ``solved``
    (bool), ``stop`` (str) and what it spent: ``nodes``, ``evaluations``,
    ``cost``. ``budget`` names the budget (``"nodes"``, ``"evaluations"`` or
    ``"cost"``)."""

    budget: str
    algorithms: tuple[str, ...]
    limits: tuple[float, ...]
    seeds: int
    runs: dict[str, NDArray[Any]]

    def _solved(self, algorithm: str, limit: float) -> NDArray[np.int64]:
        """Successes per root (over seeds) for one algorithm at one limit."""
        r = self.runs
        sel = (r["algorithm"] == algorithm) & (r["limit"] == limit)
        roots = int(r["root"].max()) + 1
        return np.bincount(r["root"][sel], weights=r["solved"][sel], minlength=roots).astype(np.int64)

    def pass_at(self, algorithm: str, k: int, limit: float | None = None) -> float:
        """pass@k over the roots (mean of the unbiased per-root estimate),
        with the budget ``limit`` (default: the largest)."""
        limit = self.limits[-1] if limit is None else limit
        if limit not in self.limits:
            raise ValueError(f"limit {limit} was not run; limits: {list(self.limits)}")
        if algorithm not in self.algorithms:
            raise ValueError(f"unknown algorithm {algorithm!r}; compared: {list(self.algorithms)}")
        return float(np.mean([pass_at_k(self.seeds, int(c), k) for c in self._solved(algorithm, limit)]))

    def coverage(self, algorithm: str, limit: float | None = None) -> float:
        """The fraction of roots solved by at least one seed (pass@seeds)."""
        return self.pass_at(algorithm, self.seeds, limit)

    def summary(self, limit: float | None = None, ks: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """One row per algorithm at ``limit`` (default: the largest):
        pass@k for each k in ``ks`` (default 1 and ``seeds``), coverage,
        and the mean spend of all runs and of the solved ones."""
        limit = self.limits[-1] if limit is None else limit
        ks = sorted({1, self.seeds}) if ks is None else list(ks)
        rows = []
        for a in self.algorithms:
            sel = (self.runs["algorithm"] == a) & (self.runs["limit"] == limit)
            spent = self.runs[self.budget][sel]
            won = self.runs["solved"][sel]
            row: dict[str, Any] = {"algorithm": a, "limit": limit}
            row.update({f"pass@{k}": self.pass_at(a, k, limit) for k in ks})
            row["coverage"] = self.coverage(a, limit)
            row[f"mean {self.budget}"] = float(spent.mean())
            row[f"mean {self.budget} solved"] = float(spent[won].mean()) if won.any() else float("nan")
            rows.append(row)
        return rows

    def table(self, limit: float | None = None, ks: Sequence[int] | None = None) -> str:
        """:meth:`summary` as a markdown table."""
        rows = self.summary(limit, ks)
        cells = [[f"{v:.4g}" if isinstance(v, float) else str(v) for v in row.values()] for row in rows]
        return markdown_table(list(rows[0]), cells)

    def to_arrow(self) -> Any:
        """The runs as a pyarrow Table (e.g. to write Parquet)."""
        import pyarrow as pa  # noqa: PLC0415

        return pa.table({name: col for name, col in self.runs.items()})

    def plot(self, path: str | Path) -> Path:
        """Coverage (pass@seeds) and pass@1 against the budget, and pass@k
        against k at the largest limit, one line per algorithm; written to
        ``path`` (needs matplotlib: ``pip install clew[bench]``)."""
        try:
            import matplotlib  # noqa: PLC0415

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt  # noqa: PLC0415
        except ImportError as e:
            raise ImportError("Comparison.plot needs matplotlib: pip install 'clew[bench]'") from e
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
        ks = list(range(1, self.seeds + 1))
        for i, a in enumerate(self.algorithms):
            color = f"C{i % 10}"
            left.plot(self.limits, [self.coverage(a, x) for x in self.limits], "-o", color=color, label=f"{a} coverage")
            if self.seeds > 1:
                left.plot(self.limits, [self.pass_at(a, 1, x) for x in self.limits], "--", color=color, label=f"{a} pass@1")
            right.plot(ks, [self.pass_at(a, k) for k in ks], "-o", color=color, label=a)
        left.set_xscale("log")
        left.set(xlabel=f"budget ({self.budget})", ylabel="fraction of roots solved", ylim=(-0.02, 1.02), title="coverage vs budget")
        right.set(xlabel="k", ylabel="pass@k", ylim=(-0.02, 1.02), title=f"pass@k at {self.limits[-1]:g} {self.budget}")
        left.legend(fontsize=7)
        right.legend(fontsize=7)
        fig.tight_layout()
        out = Path(path)
        fig.savefig(out, dpi=120)
        plt.close(fig)
        return out


def compare(
    env: Any,
    roots: Sequence[Any],
    algorithms: Sequence[str | tuple[str, Runner]] = ("dfs", "bfs", "beam", "best_first", "best_of_n", "particle_filter"),
    *,
    budget: str = "nodes",
    limits: Sequence[float] = (1000,),
    seeds: int = 1,
    workers: int | None = None,
    evaluator: Callable[[Any], Sequence[Any]] | None = None,
    mcts: dict[str, Any] | None = None,
    **options: Any,
) -> Comparison:
    """Run each algorithm on each root under the same budget and collect
    what solved and what it spent.

    ``env`` and ``roots``: as for :func:`clew.search.solve` (a Python
    :class:`~clew.search.Env` or a built-in). ``algorithms``: names for
    :func:`~clew.search.solve`, or ``(name, runner)`` pairs where
    ``runner(root, seed, budget_kwargs)`` runs anything else (an MCTS with
    an LLM prior) and returns an object with ``solved``, ``nodes``,
    ``evaluations`` and ``cost``. ``budget``: ``"nodes"``, ``"evaluations"``
    or ``"cost"`` (for an LLM env, tokens via ``Env.cost``). ``"mcts"`` is
    :class:`~clew.search.EnvMCTS` run until the budget is spent, with
    ``evaluator`` (None: random playouts) and the ``mcts`` options
    (``num_actions`` for a Python env, ``c``, ``rule``, ...); it counts as
    solved when a goal is in its tree or one of its playouts reached one.
    ``limits``: the
    budgets to run at (several give a coverage curve). ``seeds``: attempts
    per root (seeds 0..seeds-1), the n of pass@k. ``options`` go to every
    :func:`~clew.search.solve` call (``beam_width``, ``samples``,
    ``temperature``, ...). Built-in envs run on ``workers`` threads (the
    searches release the GIL; default: CPU count); Python envs and runners
    run on this thread. Same arguments, same :class:`Comparison`.
    """
    if budget not in _BUDGETS:
        raise ValueError(f"budget must be one of {sorted(_BUDGETS)}, got {budget!r}")
    if seeds < 1:
        raise ValueError(f"seeds must be >= 1, got {seeds}")
    if not roots:
        raise ValueError("compare needs at least one root")
    limits = sorted({float(x) for x in limits})
    if not limits or limits[0] <= 0:
        raise ValueError(f"limits must be positive budgets, got {limits}")
    named: list[tuple[str, Runner | None]] = []
    for a in algorithms:
        name, runner = (a, None) if isinstance(a, str) else (a[0], a[1])
        if name in (n for n, _ in named):
            raise ValueError(f"algorithm {name!r} named twice")
        named.append((name, runner))
    if not named:
        raise ValueError("compare needs at least one algorithm")

    def one(name: str, runner: Runner | None, limit: float, root: int, seed: int) -> Any:
        kwargs: dict[str, Any] = {_BUDGETS[budget]: int(limit) if budget != "cost" else limit}
        if runner is not None:
            return runner(roots[root], seed, kwargs)
        if name == "mcts":
            return _run_mcts(env, roots[root], seed, kwargs, evaluator, mcts or {})
        return solve(env, roots[root], name, seed=seed, **kwargs, **options)

    jobs = []
    for name, runner in named:
        repeat = runner is None and name in _DETERMINISTIC
        for limit in limits:
            for root in range(len(roots)):
                for seed in range(1 if repeat else seeds):
                    jobs.append((name, runner, limit, root, seed, seeds if repeat else 1))
    builtin = isinstance(env, (Countdown, Sudoku)) and all(r is None for _, r in named) and evaluator is None
    if builtin:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda j: one(*j[:5]), jobs))
    else:
        results = [one(*j[:5]) for j in jobs]

    cols: dict[str, list[Any]] = {k: [] for k in ("algorithm", "limit", "root", "seed", "solved", "stop", "nodes", "evaluations", "cost")}
    for (name, _, limit, root, seed, copies), res in zip(jobs, results, strict=True):
        for s in range(seed, seed + copies):
            cols["algorithm"].append(name)
            cols["limit"].append(limit)
            cols["root"].append(root)
            cols["seed"].append(s)
            cols["solved"].append(bool(res.solved))
            cols["stop"].append(str(getattr(res, "stop", "solved" if res.solved else "unsolved")))
            cols["nodes"].append(int(res.nodes))
            cols["evaluations"].append(int(res.evaluations))
            cols["cost"].append(float(res.cost))
    dtypes = {"algorithm": np.str_, "limit": np.float64, "root": np.int64, "seed": np.int64, "solved": np.bool_, "stop": np.str_, "nodes": np.int64, "evaluations": np.int64, "cost": np.float64}
    runs: dict[str, NDArray[Any]] = {k: np.asarray(v, dtypes[k]) for k, v in cols.items()}
    return Comparison(budget, tuple(n for n, _ in named), tuple(limits), seeds, runs)


def _run_mcts(env: Any, root: Any, seed: int, budget: dict[str, Any], evaluator: Any, options: dict[str, Any]) -> Any:
    """EnvMCTS on one root until ``budget`` runs out; solved when its tree
    holds a goal or a playout through the root reached one."""
    tree = EnvMCTS(env, [root], seed=seed, **budget, **options)
    last = None
    while True:  # in rounds: a fully explored tree spends nothing more
        tree.run(simulations=256, evaluator=evaluator)
        spent = tree.spent()
        now = (spent["nodes"], spent["evaluations"], spent["cost"])
        if spent["stop"] is not None or now == last:
            break
        last = now
    values = tree.export_values(0)
    solved = bool(values["goal"].any() or values["correct"][0] > 0)
    stop = "solved" if solved else spent["stop"] or "exhausted"
    return SearchResult(stop, [], None, int(spent["nodes"]), int(spent["evaluations"]), float(spent["cost"]))
