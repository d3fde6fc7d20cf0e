"""EnvMCTS over any environment: built-in Sudoku and Python envs, budgets,
transpositions, subtree reuse, exports, determinism."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

import clew
from clew.search import EnvMCTS, Sudoku


class PyCountdown:
    """Countdown written in Python: a state is a sorted tuple of numbers;
    action ``(pair index) * 4 + op`` combines two of them (+, -, *, /)."""

    def __init__(self, target: int, size: int = 4) -> None:
        self.target = target
        self.pairs = list(itertools.combinations(range(size), 2))
        self.num_actions = len(self.pairs) * 4

    def legal_actions(self, state: tuple[int, ...]) -> list[int]:
        if self.is_terminal(state):
            return []
        out = []
        for p, (i, j) in enumerate(self.pairs):
            if j < len(state):
                a, b = state[j], state[i]  # a >= b (sorted)
                for op in range(4):
                    if (op == 1 and a == b) or (op == 3 and (b == 0 or a % b)):
                        continue
                    out.append(p * 4 + op)
        return out

    def step(self, state: tuple[int, ...], action: int) -> tuple[int, ...]:
        i, j = self.pairs[action // 4]
        a, b = state[j], state[i]
        value = [a + b, a - b, a * b, a // max(b, 1)][action % 4]
        rest = [x for k, x in enumerate(state) if k not in (i, j)]
        return tuple(sorted([*rest, value]))

    def is_terminal(self, state: tuple[int, ...]) -> bool:
        return len(state) == 1 or self.target in state

    def reward(self, state: tuple[int, ...]) -> float:
        return 1.0 if self.target in state else 0.0

    def observe(self, state: tuple[int, ...]) -> tuple[int, ...]:
        return state

    def heuristic(self, state: tuple[int, ...]) -> float:
        return float(min(abs(x - self.target) for x in state))

    def describe_action(self, state: tuple[int, ...], action: int) -> str:
        i, j = self.pairs[action // 4]
        a, b = state[j], state[i]
        op = "+-*/"[action % 4]
        return f"{a}{op}{b}={self.step(state, action)[0] if len(state) == 2 else [a + b, a - b, a * b, a // max(b, 1)][action % 4]}"


def heuristic_evaluator(env: PyCountdown, calls: list[int] | None = None):  # type: ignore[no-untyped-def]
    """Uniform priors; value 1 / (1 + distance of the closest number)."""

    def evaluate(observations: list[Any]) -> tuple[Any, Any]:
        if calls is not None:
            calls.append(len(observations))
        n = len(observations)
        values = [1.0 / (1.0 + env.heuristic(s)) for s in observations]
        return np.ones((n, env.num_actions), np.float32), np.asarray(values, np.float32)

    return evaluate


def sudoku_evaluator(observations: Any) -> tuple[Any, Any]:
    n = len(observations)
    empties = (observations == 0).sum(axis=1)
    return np.ones((n, 729), np.float32), (1.0 - empties / 81.0).astype(np.float32)


def check_walk(env: Any, root: Any, walk: list[dict[str, Any]]) -> None:
    """Replay an exported walk: each try steps from where the walk stands
    by a legal action, each back returns to a state of the current path."""
    path: list[int] = []
    for event in walk:
        actions = event["actions"]
        if event["move"] == "back":
            assert actions == path[: len(actions)]
            path = list(actions)
            continue
        assert actions[:-1] == path, (actions, path)
        state = root
        for a in actions[:-1]:
            state = env.step(state, a)
        assert actions[-1] in env.legal_actions(state)
        if event["outcome"] == "visited":
            path = list(actions)
    assert walk[-1]["move"] == "try"


PUZZLES = [clew.sudoku.generate(empty=52, seed=s) for s in (1, 2, 3)]


def test_sudoku_env_mcts_solves_with_a_heuristic_evaluator() -> None:
    tree = EnvMCTS(Sudoku(), PUZZLES, seed=0)
    assert tree.num_actions == 729 and tree.obs_dim == 81
    tree.run(300, sudoku_evaluator)
    for t, puzzle in enumerate(PUZZLES):
        record = tree.export_trace(t)
        assert record["solved"], record["trace"][-300:]
        walk = tree.export_walk(t)
        # Apply the final path to the puzzle: a valid complete grid.
        cells = [0 if ch == "." else int(ch) for ch in puzzle]
        for a in walk[-1]["actions"]:
            cells[a // 9] = a % 9 + 1
        assert clew.sudoku.solve("".join(map(str, cells))) is not None and 0 not in cells
        values = tree.export_values(t)
        assert values["goal"].any() and values["step"][1].startswith("r")


def test_python_env_mcts_solves_and_exports() -> None:
    env = PyCountdown(24)
    roots: list[tuple[int, ...]] = [(1, 2, 3, 4), (2, 3, 4, 6), (1, 1, 3, 8)]
    tree = EnvMCTS(env, roots, num_actions=env.num_actions, seed=0)
    assert tree.obs_dim is None
    tree.run(150, heuristic_evaluator(env))
    for t, root in enumerate(roots):
        walk = tree.export_walk(t)
        check_walk(env, root, walk)
        assert walk[-1]["outcome"] == "goal"
        record = tree.export_trace(t)
        assert record["solved"] and "That solves it." in record["trace"]
        assert record["backtracks"] == sum(e["move"] == "back" for e in walk)
        values = tree.export_values(t)
        assert values["node"][0] == 0 and values["parent"][0] == -1
        ok = values["finished"] > 0
        np.testing.assert_allclose(values["p_correct"][ok], values["correct"][ok] / values["finished"][ok])
    limited = tree.export_walk(0, backtracks=1)
    assert sum(e["move"] == "back" for e in limited) <= 1


def test_rollouts_over_a_python_env() -> None:
    env = PyCountdown(24)
    tree = EnvMCTS(env, [(2, 3, 4, 6)], num_actions=env.num_actions, seed=1)
    tree.run(200)
    assert tree.export_trace(0)["solved"]
    assert tree.spent()["evaluations"] > 0


def test_same_seed_same_tree_and_batch_one_is_sequential() -> None:
    env = PyCountdown(24)
    roots: list[tuple[int, ...]] = [(1, 2, 3, 4), (2, 3, 4, 6), (1, 1, 3, 8)]

    def run(rs: list[tuple[int, ...]], **options: Any) -> EnvMCTS:
        tree = EnvMCTS(env, rs, num_actions=env.num_actions, seed=5, rule="puct", c=1.5, **options)
        tree.run(60, heuristic_evaluator(env))
        return tree

    def same(x: EnvMCTS, y: EnvMCTS, t: int = 0) -> None:
        vx, vy = x.export_values(t), y.export_values(t)
        for k in vx:
            np.testing.assert_array_equal(vx[k], vy[k])

    a, b = run(roots), run(roots)
    for t in range(3):
        same(a, b, t)
    # One leaf at a time nothing is in flight during selection: virtual
    # loss cannot matter, the search is the sequential one.
    for root in roots:
        same(run([root], virtual_loss=0.0), run([root], virtual_loss=3.0))
    s1 = EnvMCTS(Sudoku(), PUZZLES[:1], seed=2)
    s2 = EnvMCTS(Sudoku(), PUZZLES[:1], seed=2)
    s1.run(40)
    s2.run(40)
    same(s1, s2)


class Pick:
    """Pick 3 of 6 items in any order: many paths reach the same set."""

    num_actions = 6

    def legal_actions(self, state: frozenset[int]) -> list[int]:
        return [] if len(state) == 3 else [a for a in range(6) if a not in state]

    def step(self, state: frozenset[int], action: int) -> frozenset[int]:
        return state | {action}

    def is_terminal(self, state: frozenset[int]) -> bool:
        return len(state) == 3

    def reward(self, state: frozenset[int]) -> float:
        return 1.0 if state == frozenset({1, 3, 5}) else 0.0

    def observe(self, state: frozenset[int]) -> list[int]:
        return sorted(state)


def test_transposition_table_shares_repeated_states() -> None:
    def evaluate(observations: list[Any]) -> tuple[Any, Any]:
        calls.append(len(observations))
        values = [len(set(s) & {1, 3, 5}) / 3 for s in observations]
        return np.ones((len(observations), 6), np.float32), np.asarray(values, np.float32)

    spent = {}
    for tt in (False, True):
        calls: list[int] = []
        tree = EnvMCTS(Pick(), [frozenset()], num_actions=6, seed=0, transpositions=tt)
        tree.run(80, evaluate)
        spent[tt] = tree.spent()
        assert spent[tt]["evaluations"] == sum(calls)
        assert tree.export_walk(0)[-1]["outcome"] == "goal"
    assert spent[False]["shared"] == 0
    assert spent[True]["shared"] > 0
    assert spent[True]["evaluations"] < spent[False]["evaluations"]
    # Every leaf is either evaluated or shared (or terminal).
    assert spent[True]["evaluations"] + spent[True]["shared"] <= spent[True]["nodes"]
    # Countdown (built in) keys states by their multiset.
    cd = EnvMCTS(clew.search.Countdown(24), [[1, 2, 3, 4]], transpositions=True, seed=0)
    cd.run(200)
    assert cd.spent()["shared"] > 0


class Costly(PyCountdown):
    def cost(self, state: tuple[int, ...], action: int) -> float:
        return 2.5


@pytest.mark.parametrize(
    ("limit", "stop"), [({"max_nodes": 40}, "nodes"), ({"max_evaluations": 25}, "evaluations"), ({"max_cost": 30.0}, "cost")]
)
def test_budgets_stop_and_report_spend(limit: dict[str, Any], stop: str) -> None:
    env = Costly(10_000)  # unreachable: only a budget stops the search
    tree = EnvMCTS(env, [(1, 2, 3, 4), (2, 3, 5, 7)], num_actions=env.num_actions, seed=0, **limit)
    tree.run(500, heuristic_evaluator(env))
    spent = tree.spent()
    assert spent["stop"] == stop
    if stop == "nodes":
        assert spent["nodes"] == 40
    if stop == "evaluations":
        assert spent["evaluations"] == 25
    if stop == "cost":
        assert 30.0 <= spent["cost"] <= 30.0 + 2.5 * 2  # checked between rounds (2 trees)
    assert spent["cost"] == pytest.approx(2.5 * (spent["nodes"] - 2))
    ids, _ = tree.ask()
    assert len(ids) == 0
    sudoku = EnvMCTS(Sudoku(), PUZZLES[:1], max_nodes=10)
    sudoku.run(100)
    assert sudoku.spent()["nodes"] == 10 and sudoku.spent()["stop"] == "nodes"


def test_advance_keeps_the_subtree_and_its_records() -> None:
    env = PyCountdown(24)
    tree = EnvMCTS(env, [(1, 2, 3, 4)], num_actions=env.num_actions, seed=0, rule="puct")
    evaluate = heuristic_evaluator(env)
    tree.run(100, evaluate)
    before = tree.export_values(0)
    best = int(tree.visit_counts()[0].argmax())
    child = np.flatnonzero((before["parent"] == 0) & (before["action"] == best))[0]
    child_node = before["node"][child]
    kept = before["visits"][child]
    tree.advance([best])
    after = tree.export_values(0)
    assert after["parent"][0] == -1 and after["visits"][0] == kept
    assert after["finished"][0] == before["finished"][child]
    # The kept nodes are the child's subtree, in the same visit order.
    sub = {child_node}
    for node, parent in zip(before["node"], before["parent"]):
        if parent in sub:
            sub.add(node)
    assert len(after["node"]) == len(sub)
    tree.run(20, evaluate)
    assert tree.simulations()[0] >= kept + 20
    check_walk(env, env.step((1, 2, 3, 4), best), tree.export_walk(0))
    with pytest.raises(clew.InputError):
        tree.advance([10_000])
    # A Sudoku root moves too.
    s = EnvMCTS(Sudoku(), PUZZLES[:1], seed=0)
    s.run(30)
    s.advance([int(s.visit_counts()[0].argmax())])
    s.run(10)
    assert s.export_values()["depth"][0] == 0


def test_python_env_exception_propagates() -> None:
    class Broken(PyCountdown):
        def step(self, state: tuple[int, ...], action: int) -> tuple[int, ...]:
            raise RuntimeError("boom")

    env = Broken(24)
    tree = EnvMCTS(env, [(1, 2, 3, 4)], num_actions=env.num_actions)
    with pytest.raises(RuntimeError, match="boom"):
        tree.run(10, heuristic_evaluator(env))


def test_gumbel_root_over_an_env_exports_the_improved_policy() -> None:
    env = PyCountdown(24)
    tree = EnvMCTS(env, [(1, 2, 3, 4)], num_actions=env.num_actions, seed=0, rule="puct", gumbel=64)
    tree.run(64, heuristic_evaluator(env))
    policy, visits = tree.improved_policy(), tree.visit_counts()
    assert policy.shape == visits.shape and policy.sum() == pytest.approx(1.0, abs=1e-5)
    # Mass only on the root's legal actions.
    legal = np.zeros(env.num_actions, bool)
    legal[env.legal_actions((1, 2, 3, 4))] = True
    assert (policy[0][~legal] == 0).all() and (policy[0][legal] > 0).all()
    with pytest.raises(clew.InputError):
        EnvMCTS(env, [(1, 2, 3, 4)], num_actions=env.num_actions).improved_policy()


def test_tell_accepts_float64_and_lists() -> None:
    env = PyCountdown(24)
    roots = [(1, 2, 3, 4), (2, 3, 4, 6)]
    runs = []
    for convert in (lambda a: a, lambda a: a.astype(np.float64), lambda a: a.tolist()):
        tree = EnvMCTS(env, roots, num_actions=env.num_actions, seed=0)
        for _ in range(15):
            ids, _ = tree.ask()
            if len(ids) == 0:
                break
            n = len(ids)
            priors = np.full((n, env.num_actions), 1.0 / env.num_actions, np.float32)
            values = np.linspace(-0.5, 0.5, n, dtype=np.float32)
            tree.tell(ids, convert(priors), convert(values))
        runs.append(tree.visit_counts())
    np.testing.assert_array_equal(runs[0], runs[1])
    np.testing.assert_array_equal(runs[0], runs[2])


# ------------------------------------------- one forest, per-root targets

INSTANCES = [([4, 6, 2, 1], 24), ([1, 2, 3, 4], 10), ([2, 3, 5, 7], 37), ([3, 5, 7, 11], 33)]


def _row_evaluator(obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Priors and value from each observation row alone, so a tree's search
    # does not depend on what else is in the batch.
    priors = np.empty((len(obs), 24), np.float32)
    values = np.empty(len(obs), np.float32)
    for k, row in enumerate(obs):
        nums, target = row[:-1][row[:-1] >= 0], row[-1]
        priors[k] = np.exp(np.cos(np.arange(24) * (1 + nums.sum() % 7)))
        values[k] = 1.0 / (1.0 + abs(nums.sum() - target) / 50.0)
    return priors / priors.sum(1, keepdims=True), values


def _result(tree: EnvMCTS, t: int) -> tuple[Any, ...]:
    trace = tree.export_trace(t)
    visits = tree.visit_counts()[t]
    return (visits.tolist(), int(visits.argmax()), int(tree.simulations()[t]), trace["solved"], trace["answer"],
            trace["trace"])


@pytest.mark.parametrize("transpositions", [False, True])
def test_forest_of_targets_matches_each_root_alone(transpositions: bool) -> None:
    from clew.search import Countdown

    forest = EnvMCTS(Countdown(), INSTANCES, seed=3, transpositions=transpositions)
    forest.run(200, _row_evaluator)
    # No walk ended on a terminal inside an ask, so the rounds stayed in step
    # and nothing but the targets differs from running each root alone.
    assert forest.simulations().tolist() == [201] * len(INSTANCES)
    for t, (numbers, target) in enumerate(INSTANCES):
        alone = EnvMCTS(Countdown(target), [numbers], seed=3, transpositions=transpositions)
        alone.run(200, _row_evaluator)
        assert _result(forest, t) == _result(alone, 0)
        assert forest.export_values(t)["step"].tolist() == alone.export_values(0)["step"].tolist()
    assert any(forest.export_trace(t)["solved"] for t in range(len(INSTANCES)))


def test_forest_of_targets_matches_single_target_forests_under_rollouts() -> None:
    # Playouts draw from (seed, tree index): tree t of the mixed forest is
    # tree t of a forest whose every root has t's target.
    from clew.search import Countdown

    forest = EnvMCTS(Countdown(), INSTANCES, seed=5)
    forest.run(80)
    assert forest.simulations().tolist() == [81] * len(INSTANCES)  # rounds in step (no terminal re-walks)
    for t, (_, target) in enumerate(INSTANCES):
        same = EnvMCTS(Countdown(target), [n for n, _ in INSTANCES], seed=5)
        same.run(80)
        assert _result(forest, t) == _result(same, t)
        assert forest.export_trace(t)["solved"] == same.export_trace(t)["solved"]


def test_forest_observations_carry_each_roots_target() -> None:
    from clew.search import Countdown

    forest = EnvMCTS(Countdown(), INSTANCES)
    ids, obs = forest.ask()
    assert len(ids) == len(INSTANCES)
    assert obs[:, -1].tolist() == [float(t) for _, t in INSTANCES]
    assert obs[0, :4].tolist() == [4.0, 6.0, 2.0, 1.0]
    forest.tell(ids, np.full((len(ids), forest.num_actions), 1 / forest.num_actions), np.zeros(len(ids)))
    _, obs = forest.ask()
    assert obs[:, -1].tolist() == [float(t) for _, t in INSTANCES]  # children keep their root's target
    assert forest._core.root_state(2) == [2, 3, 5, 7]


@pytest.mark.parametrize("roots", [
    [[4, 6, 2, 1]],  # numbers without a target
    [([4, 6, 2, 1], 24, 1)],  # not a pair
    [([4, 6, 2, 1], "24")],  # target not an int
    [([4, 6, 2, 1], -1)],  # negative target
])
def test_forest_bad_roots_are_input_errors(roots: list[Any]) -> None:
    from clew.search import Countdown

    with pytest.raises(clew.InputError):
        EnvMCTS(Countdown(), roots)


def test_forest_target_count_mismatch_and_solve_without_target() -> None:
    from clew.search import Countdown, solve

    with pytest.raises(clew.InputError, match="targets for"):
        clew._core.EnvMctsTrees("countdown", [[1, 2], [3, 4]], targets=[3])
    with pytest.raises(clew.InputError):
        solve(Countdown(), [4, 6, 2, 1], "dfs")


def test_pairs_with_one_target_are_the_one_target_forest() -> None:
    # Same states and target: the forest of pairs is the Countdown(target)
    # forest exactly, terminal re-walks and PUCT included.
    from clew.search import Countdown

    roots = [[4, 6, 2, 1], [1, 2, 3, 4], [2, 3, 4, 4], [1, 1, 6, 4]]
    old = EnvMCTS(Countdown(24), roots, rule="puct", c=1.25, seed=2)
    new = EnvMCTS(Countdown(), [(r, 24) for r in roots], rule="puct", c=1.25, seed=2)
    for tree in (old, new):
        tree.run(150, _row_evaluator)
    assert (old.simulations() > 151).any()  # terminal walks happened
    assert old.simulations().tolist() == new.simulations().tolist()
    assert old.visit_counts().tolist() == new.visit_counts().tolist()
    for t in range(len(roots)):
        assert _result(old, t) == _result(new, t)
