"""clew.search.compare: algorithms under one budget, pass@k and coverage."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from clew.search import Comparison, Countdown, compare, pass_at_k, solve
from test_search_solve import PyCountdown

ROOTS = [[4, 6, 2, 1], [25, 5, 3, 7], [1, 1, 1, 1], [9, 8, 7, 3], [2, 3, 4, 5], [13, 11, 7, 1]]


def test_pass_at_k_matches_brute_force() -> None:
    # pass@k = P(at least one success among k attempts drawn without replacement).
    for n in range(1, 7):
        for c in range(n + 1):
            for k in range(1, n + 1):
                subsets = [s for s in _combinations(n, k)]
                hit = sum(any(i < c for i in s) for s in subsets) / len(subsets)
                assert pass_at_k(n, c, k) == pytest.approx(hit)
    with pytest.raises(ValueError, match="k <= n"):
        pass_at_k(3, 1, 4)


def _combinations(n: int, k: int) -> list[tuple[int, ...]]:
    import itertools

    return list(itertools.combinations(range(n), k))


def test_each_run_is_a_real_search_under_the_budget() -> None:
    algorithms = ["dfs", "bfs", "best_first", "best_of_n", "particle_filter"]
    cmp = compare(Countdown(24), ROOTS, algorithms, budget="nodes", limits=[20, 200], seeds=3, samples=64)
    r = cmp.runs
    assert len(r["algorithm"]) == len(algorithms) * 2 * len(ROOTS) * 3
    assert (r["nodes"] <= r["limit"]).all()
    for i in range(0, len(r["algorithm"]), 7):
        # Every row is reproduced by the same solve() call.
        out = solve(Countdown(24), ROOTS[r["root"][i]], str(r["algorithm"][i]), seed=int(r["seed"][i]), max_nodes=int(r["limit"][i]), samples=64)
        assert (out.solved, out.nodes, out.stop) == (r["solved"][i], r["nodes"][i], r["stop"][i])
    # Deterministic searches give every seed the same answer; pass@k = pass@1.
    for a in ("dfs", "bfs", "best_first"):
        assert cmp.pass_at(a, 1) == cmp.pass_at(a, 3) == cmp.coverage(a)
    # [1, 1, 1, 1] cannot make 24: nobody solves it; [4, 6, 2, 1] dfs does.
    assert not r["solved"][r["root"] == 2].any()
    assert r["solved"][(r["root"] == 0) & (r["algorithm"] == "dfs") & (r["limit"] == 200)].all()


def test_summary_matches_the_runs() -> None:
    cmp = compare(Countdown(24), ROOTS, ["dfs", "best_of_n"], limits=[50, 500], seeds=4, samples=1000)
    rows = {row["algorithm"]: row for row in cmp.summary(ks=[1, 2, 4])}
    r = cmp.runs
    sel = (r["algorithm"] == "best_of_n") & (r["limit"] == 500)
    per_root = [int(r["solved"][sel & (r["root"] == i)].sum()) for i in range(len(ROOTS))]
    assert rows["best_of_n"]["pass@1"] == pytest.approx(np.mean([c / 4 for c in per_root]))
    assert rows["best_of_n"]["coverage"] == pytest.approx(np.mean([c > 0 for c in per_root]))
    assert rows["best_of_n"]["pass@1"] <= rows["best_of_n"]["pass@2"] <= rows["best_of_n"]["pass@4"]
    assert rows["dfs"]["mean nodes"] == pytest.approx(r["nodes"][(r["algorithm"] == "dfs") & (r["limit"] == 500)].mean())
    # A larger budget never solves fewer roots for the deterministic search.
    assert cmp.coverage("dfs", 50) <= cmp.coverage("dfs", 500)
    table = cmp.table()
    assert table.splitlines()[0].startswith("| algorithm | limit | pass@1 | pass@4 | coverage")
    assert len(table.splitlines()) == 4


def test_same_arguments_same_comparison_any_thread_count() -> None:
    args = (Countdown(24), ROOTS, ["beam", "best_of_n", "particle_filter"])
    kw = {"limits": [100, 300], "seeds": 3, "samples": 32}
    a = compare(*args, workers=1, **kw)
    b = compare(*args, workers=4, **kw)
    for k in a.runs:
        assert (a.runs[k] == b.runs[k]).all()


def test_python_env_cost_budget_and_custom_runner() -> None:
    env = PyCountdown(24)
    roots = [tuple(sorted(r)) for r in ROOTS[:4]]
    calls = []

    def greedy_runner(root, seed, budget):  # a custom algorithm: random restarts of greedy
        calls.append((root, seed, budget))
        rng = random.Random(seed)
        spent = 0.0
        s = root
        while not env.is_terminal(s) and spent < budget["max_cost"]:
            a = rng.choice(env.legal_actions(s))
            spent += env.cost(s, a)
            s = env.step(s, a)
        return type("R", (), {"solved": env.reward(s) > 0, "nodes": 0, "evaluations": 0, "cost": spent})()

    cmp = compare(env, roots, ["astar", ("random", greedy_runner)], budget="cost", limits=[10.0, 1000.0], seeds=2)
    r = cmp.runs
    assert (r["cost"][r["algorithm"] == "astar"] <= r["limit"][r["algorithm"] == "astar"]).all()
    assert {c[2]["max_cost"] for c in calls} == {10.0, 1000.0}
    assert len(calls) == 2 * len(roots) * 2
    assert cmp.coverage("astar") == 0.75  # (1, 1, 1, 1) has no answer


def test_plot_writes_a_png(tmp_path) -> None:
    pytest.importorskip("matplotlib")
    cmp = compare(Countdown(24), ROOTS, ["dfs", "best_of_n"], limits=[30, 300], seeds=2)
    out = cmp.plot(tmp_path / "cov.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert cmp.to_arrow().num_rows == len(cmp.runs["seed"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget": "tokens"}, "budget must be one of"),
        ({"seeds": 0}, "seeds must be"),
        ({"limits": [0]}, "positive"),
        ({"algorithms": ["dfs", "dfs"]}, "named twice"),
    ],
)
def test_bad_arguments(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        compare(Countdown(24), ROOTS, **kwargs)
    with pytest.raises(ValueError, match="unknown algorithm"):
        compare(Countdown(24), ROOTS, ["dfs"]).pass_at("bfs", 1)
    assert isinstance(compare(Countdown(24), ROOTS[:1], ["dfs"]), Comparison)
    assert math.isfinite(compare(Countdown(24), ROOTS[:1], ["dfs"]).coverage("dfs"))


def test_mcts_under_the_same_budget() -> None:
    cmp = compare(Countdown(24), ROOTS, ["best_first", "mcts"], limits=[50, 2000], seeds=2)
    r = cmp.runs
    m = r["algorithm"] == "mcts"
    assert (r["nodes"][m] <= r["limit"][m]).all()
    assert not r["solved"][m & (r["root"] == 2)].any()  # [1, 1, 1, 1] has no answer
    assert r["solved"][m & (r["limit"] == 2000) & (r["root"] == 0)].all()
    again = compare(Countdown(24), ROOTS, ["best_first", "mcts"], limits=[50, 2000], seeds=2, workers=1)
    assert (again.runs["nodes"] == r["nodes"]).all() and (again.runs["solved"] == r["solved"]).all()


def test_mcts_over_a_python_env_with_an_evaluator() -> None:
    env = PyCountdown(24)
    roots = [tuple(sorted(x)) for x in ROOTS[:3]]
    calls = []

    def evaluator(observations):
        calls.append(len(observations))
        n = len(observations)
        return np.full((n, 24), 1 / 24, np.float32), np.full(n, 0.5, np.float32)

    cmp = compare(env, roots, ["mcts"], budget="evaluations", limits=[1500], evaluator=evaluator, mcts={"num_actions": 24})
    assert calls and cmp.coverage("mcts") == 2 / 3  # (1, 1, 1, 1) has no answer
    assert (cmp.runs["evaluations"] <= 1500).all()
