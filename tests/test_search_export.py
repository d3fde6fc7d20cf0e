"""Search trees recorded by solve(record=True), MCTS over the built-in
Countdown environment, and its exports: the ASTRO-style trace (checked by
the Countdown validator) and per-node value targets."""

from __future__ import annotations

import numpy as np
import pytest

import clew
from clew.search import Countdown, EnvMCTS, mcts_trace, solve
from clew.traces import validate

INSTANCES = clew.countdown.generate(6, seed=11)


@pytest.mark.parametrize("algorithm", ["dfs", "bfs", "beam", "best_first", "astar"])
def test_solve_records_the_tree(algorithm: str) -> None:
    out = solve(Countdown(24), [4, 6, 2, 1], algorithm, beam_width=100, record=True)
    tree = out.tree
    assert tree is not None and len(tree["parent"]) == out.nodes
    assert tree["parent"][0] == -1 and (tree["parent"][1:] >= 0).all()
    (goal,) = np.flatnonzero(tree["outcome"] == "goal")
    # The goal's path in the tree is the answer's actions.
    path, n = [], int(goal)
    while tree["parent"][n] >= 0:
        path.append(int(tree["action"][n]))
        n = int(tree["parent"][n])
    assert path[::-1] == out.actions
    assert (tree["depth"][1:] == tree["depth"][tree["parent"][1:]] + 1).all()
    assert solve(Countdown(24), [4, 6, 2, 1], algorithm, beam_width=100).tree is None


@pytest.mark.parametrize(("numbers", "target"), INSTANCES[:4])
@pytest.mark.parametrize("style", ["astro", "wait", "backtrack", "compact"])
def test_mcts_trace_validates(numbers: list[int], target: int, style: str) -> None:
    rec = mcts_trace(numbers, target, simulations=800, seed=0, style=style)
    assert rec["solved"], rec["trace"]
    v = validate(rec["trace"], numbers, target, style)
    assert v.valid and v.solved, (v.message, rec["trace"])
    assert rec["length"] == len(rec["trace"]) and rec["nodes"] > 1 and rec["depth"] == len(numbers) - 1
    assert rec["trace"].count("\n") >= len(numbers)


def test_mcts_trace_record_and_backtracks() -> None:
    numbers, target = INSTANCES[0]
    full = mcts_trace(numbers, target, simulations=800, seed=2)
    assert set(full) >= {"trace", "answer", "backtracks", "nodes", "depth", "length", "solved"}
    assert full["backtracks"] == full["trace"].count("Let me go back to") > 0
    assert clew.countdown.solve(numbers, target) is not None
    for k in range(min(3, full["backtracks"]) + 1):
        rec = mcts_trace(numbers, target, simulations=800, seed=2, backtracks=k)
        assert rec["backtracks"] == k and validate(rec["trace"], numbers, target, "astro").solved
    # Same seed, same record; another seed, another search.
    assert mcts_trace(numbers, target, simulations=300, seed=5) == mcts_trace(numbers, target, simulations=300, seed=5)


def test_export_values_are_process_reward_targets() -> None:
    numbers, target = INSTANCES[1]
    tree = EnvMCTS(Countdown(target), [numbers], seed=3)
    tree.run(400)
    v = tree.export_values(0)
    n = len(v["node"])
    assert all(len(col) == n for col in v.values())
    assert v["parent"][0] == -1 and v["step"][0] == ""
    # Every playout ends on a terminal state, so every root simulation finished.
    assert v["finished"][0] == v["visits"][0] == tree.simulations()[0]
    assert (v["correct"] <= v["finished"]).all() and (v["finished"] <= v["visits"]).all()
    done = v["finished"] > 0
    np.testing.assert_allclose(v["p_correct"][done], v["correct"][done] / v["finished"][done])
    assert np.isnan(v["p_correct"][~done]).all()
    assert v["goal"].any() and (v["p_correct"][v["goal"]] == 1).all()
    assert all("=" in s for s in v["step"][1:])


def test_python_evaluator_drives_the_search() -> None:
    numbers, target = INSTANCES[2]
    calls = []

    def evaluator(obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        calls.append(obs.shape)
        # Closer sums score higher: a crude heuristic value in (0, 1].
        nums = np.where(obs[:, :-1] < 0, 0, obs[:, :-1])
        value = 1.0 / (1.0 + np.abs(nums.sum(axis=1) - obs[:, -1]))
        return np.ones((len(obs), tree.num_actions), np.float32), value.astype(np.float32)

    tree = EnvMCTS(Countdown(target), [numbers, numbers], seed=0)
    tree.run(300, evaluator)
    assert len(calls) <= 301 and all(s[1] == tree.obs_dim for s in calls)
    assert (tree.simulations() >= 300).all()
    rec = tree.export_trace(1, "astro")
    assert validate(rec["trace"], numbers, target, "astro").valid
    counts = tree.visit_counts()
    assert counts.shape == (2, tree.num_actions) and counts.sum() > 0


def test_env_mcts_ask_tell_and_bad_input() -> None:
    tree = EnvMCTS(Countdown(24), [[4, 6, 2, 1]], seed=0)
    ids, obs = tree.ask()
    assert obs.shape == (1, tree.obs_dim) and obs[0, -1] == 24
    with pytest.raises(clew.InputError):  # ints are not priors (any float dtype is)
        tree.tell(ids, np.ones((1, tree.num_actions), np.int64), np.zeros(1, np.float32))
    tree.tell(ids, np.ones((1, tree.num_actions), np.float64), np.zeros(1, np.float64))
    with pytest.raises(clew.InputError):
        tree.tell(ids, np.ones((1, tree.num_actions), np.float32), np.zeros(1, np.float32))
    with pytest.raises(clew.InputError):
        tree.export_trace(0, "sos")
    with pytest.raises(clew.InputError):
        tree.export_values(3)
    with pytest.raises(TypeError):
        EnvMCTS(object(), [0])  # type: ignore[arg-type]  # a Python env needs num_actions


def _bandit(tree: clew.search.MCTS, sims: int, seed: int) -> None:
    """16 arms, means 1/16 apart (best: arm 9), noisy pulls; a node's value
    is one pull of the arm its path starts with."""
    rng = np.random.default_rng(seed)
    means = ((np.arange(16) * 7) % 16) / 16
    arm: dict[int, int] = {}
    for _ in range(sims + 1):
        ids, obs = tree.ask()
        values = np.zeros(len(ids), np.float32)
        for i, (leaf, (_t, parent, action)) in enumerate(zip(ids & 0xFFFFFFFF, obs, strict=True)):
            if parent < 0:
                continue
            a = int(action) if parent == 0 else arm[int(parent)]
            arm[int(leaf)] = a
            values[i] = means[a] + rng.uniform(-0.08, 0.08)
        tree.tell(ids, np.ones((len(ids), 16), np.float32), values)


def test_gumbel_root_finds_the_best_arm() -> None:
    found = 0
    for seed in range(10):
        # A larger value scale than mctx's 0.1: arms 1/16 apart then outweigh
        # the Gumbel noise in the final choice (0.1 samples near the best).
        tree = clew.search.MCTS(16, gumbel=48, gumbel_value_scale=10.0, seed=seed)
        _bandit(tree, 48, seed)
        counts = tree.visit_counts()[0]
        assert counts.sum() == 48 and (counts >= 1).all()  # every arm tried once at least
        found += int(tree.best_actions()[0] == 9)
    assert found == 10
    # run_mcts(gumbel=True) plans the halving for its simulations.
    evaluate = lambda obs: (np.ones((len(obs), 8), np.float32), np.zeros(len(obs), np.float32))  # noqa: E731
    tree = clew.search.run_mcts(evaluate, 8, batch=4, simulations=24, gumbel=True, gumbel_considered=4)
    counts = tree.visit_counts()
    assert (counts.sum(axis=1) == 24).all() and ((counts > 0).sum(axis=1) == 4).all()
    with pytest.raises(clew.InputError):
        clew.search.MCTS(4, gumbel=10, two_player=True)
    with pytest.raises(clew.InputError):
        clew.search.MCTS(4, gumbel=0)


# ------------------------------------------- best-of-N, particles, IDDFS


@pytest.mark.parametrize(
    ("algorithm", "samples", "count"), [("best_of_n", 512, 6), ("particle_filter", 128, 5), ("iddfs", 1, 6)]
)
def test_new_algorithms_solve_countdown(algorithm: str, samples: int, count: int) -> None:
    for numbers, target in INSTANCES[:count]:
        out = solve(Countdown(target), numbers, algorithm, samples=samples, temperature=0.3, seed=0, record=True)
        assert out.solved and out.goal == [target], (algorithm, numbers, target)
        assert len(out.actions) == len(numbers) - 1
        assert out.tree is not None and len(out.tree["parent"]) == out.nodes
        again = solve(Countdown(target), numbers, algorithm, samples=samples, temperature=0.3, seed=0)
        assert (again.actions, again.nodes) == (out.actions, out.nodes)


@pytest.mark.parametrize("algorithm", ["best_of_n", "particle_filter", "iddfs"])
def test_new_algorithms_over_a_python_env_with_budgets(algorithm: str) -> None:
    from test_search_solve import PyCountdown

    out = solve(PyCountdown(24), (1, 2, 4, 6), algorithm, samples=256, temperature=0.3, seed=1)
    assert out.solved and out.goal == (24,) and out.evaluations > 0
    out = solve(PyCountdown(999), (1, 2, 3, 4, 5), algorithm, samples=1000, max_nodes=50)
    assert (out.stop, out.nodes) == ("nodes", 50)
    if algorithm == "iddfs":
        assert solve(PyCountdown(999), (1, 2, 3), algorithm).stop == "exhausted"
        assert solve(PyCountdown(999), (1, 2, 3, 4), algorithm, max_depth=1).stop == "exhausted"
        return
    with pytest.raises(clew.InputError):
        solve(Countdown(24), [1, 2], algorithm, samples=0)
    with pytest.raises(clew.InputError):
        solve(Countdown(24), [1, 2], algorithm, temperature=0.0)


def test_progressive_widening_limits_candidates() -> None:
    priors = np.arange(1, 101, dtype=np.float32)  # action 99 has the best prior

    def evaluate(obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.tile(priors, (len(obs), 1)), np.zeros(len(obs), np.float32)

    wide = clew.search.run_mcts(evaluate, 100, batch=2, simulations=64, widening=(1.0, 0.5))
    counts = wide.visit_counts()
    tried = [np.flatnonzero(row) for row in counts]
    assert all(len(t) <= 8 and (t >= 92).all() for t in tried)  # ceil(sqrt(64)) best priors
    plain = clew.search.run_mcts(evaluate, 100, batch=2, simulations=64)
    assert (plain.visit_counts() > 0).sum() > (counts > 0).sum()
    with pytest.raises(clew.InputError):
        clew.search.MCTS(4, widening=(1.0, 2.0))
    # Over Countdown too: the search still finds and renders a valid trace.
    numbers, target = INSTANCES[0]
    rec = mcts_trace(numbers, target, simulations=400, seed=0, widening=(2.0, 0.5))
    assert validate(rec["trace"], numbers, target, "astro").valid


def test_transpositions_merge_repeated_states() -> None:
    from test_search_solve import PyCountdown

    numbers, target = INSTANCES[5]
    for algorithm in ("dfs", "bfs", "astar"):
        plain = solve(Countdown(target), numbers, algorithm)
        merged = solve(Countdown(target), numbers, algorithm, transpositions=True)
        assert merged.solved and merged.nodes < plain.nodes
    plain = solve(PyCountdown(target), tuple(numbers), "bfs")
    merged = solve(PyCountdown(target), tuple(numbers), "bfs", transpositions=True, record=True)
    assert merged.solved and merged.nodes < plain.nodes and merged.cost > merged.nodes - 1

    class Unhashable(PyCountdown):
        def step(self, s: tuple[int, ...], action: int) -> list[int]:  # type: ignore[override]
            return list(super().step(s, action))

    with pytest.raises(TypeError):
        solve(Unhashable(24), (1, 2, 4, 6), "bfs", transpositions=True)
