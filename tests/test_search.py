"""clew.search: ask/tell MCTS from Python (bandit, tic-tac-toe through a
Python Env), determinism, batching, and the errors bad input raises."""

from __future__ import annotations

import numpy as np
import pytest

import clew
from clew.search import MCTS, Env, run_mcts, run_mcts_env

# ------------------------------------------------------------------ helpers


def hashed_evaluator(num_actions: int, seed: int = 0):
    """Priors and values as a pure function of the observation row, so the
    same leaf gets the same evaluation however the leaves are batched."""

    def evaluate(obs: np.ndarray):
        rows = obs.astype(np.uint64) * np.array([1000003, 7919, 104729], np.uint64) + np.uint64(seed)
        h = rows.sum(axis=1)
        rng = np.random.default_rng(h.astype(np.int64) % (2**31))
        priors = rng.random((len(obs), num_actions), dtype=np.float32) + 0.01
        values = rng.random(len(obs), dtype=np.float32) * 2 - 1
        return priors, values

    return evaluate


# ------------------------------------------------------------------- bandit

MEANS = np.array([0.2, 0.5, 0.8, 0.4])


def test_bandit_visits_converge_to_best_arm() -> None:
    rng = np.random.default_rng(0)
    tree = MCTS(4, num_trees=8, c=1.0, seed=1)
    arm_of: dict[tuple[int, int], int] = {}
    for _ in range(800):
        ids, obs = tree.ask()
        arms = np.empty(len(ids), np.int64)
        for i, (t, parent, action) in enumerate(obs.tolist()):
            arms[i] = -1 if parent < 0 else (action if parent == 0 else arm_of[t, parent])
            arm_of[t, int(ids[i]) & 0xFFFFFFFF] = int(arms[i])
        values = np.where(arms < 0, 0.0, rng.random(len(ids)) < MEANS[arms]).astype(np.float32)
        tree.tell(ids, np.full((len(ids), 4), 0.25, np.float32), values)
    assert (tree.best_actions() == 2).all(), tree.visit_counts()
    assert (tree.policy()[:, 2] > 0.5).all()
    assert tree.policy(temperature=0)[0].tolist() == [0, 0, 1, 0]


# ------------------------------------------------------- tic-tac-toe (Env)

LINES = [(0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6)]


class TicTacToe:
    """States are 9-tuples (1: X, -1: O, 0: empty); X moves first."""

    def to_move(self, s: tuple[int, ...]) -> int:
        return 1 if sum(1 for c in s if c) % 2 == 0 else -1

    def winner(self, s: tuple[int, ...]) -> int:
        for a, b, c in LINES:
            if s[a] and s[a] == s[b] == s[c]:
                return s[a]
        return 0

    def legal_actions(self, s: tuple[int, ...]) -> list[int]:
        return [i for i in range(9) if s[i] == 0]

    def step(self, s: tuple[int, ...], action: int) -> tuple[int, ...]:
        return s[:action] + (self.to_move(s),) + s[action + 1 :]

    def is_terminal(self, s: tuple[int, ...]) -> bool:
        return self.winner(s) != 0 or all(s)

    def reward(self, s: tuple[int, ...]) -> float:
        # For the player to move: a decided game was won by the other one.
        return -1.0 if self.winner(s) else 0.0

    def observe(self, s: tuple[int, ...]) -> tuple[int, ...]:
        return s


def rollout_evaluator(env: TicTacToe, seed: int = 0):
    rng = np.random.default_rng(seed)

    def evaluate(states: list[tuple[int, ...]]):
        values = []
        for s in states:
            me, cur = env.to_move(s), s
            while not env.is_terminal(cur):
                moves = env.legal_actions(cur)
                cur = env.step(cur, moves[rng.integers(len(moves))])
            values.append(env.winner(cur) * me)
        return np.ones((len(states), 9), np.float32), np.array(values, np.float32)

    return evaluate


@pytest.mark.parametrize(
    ("board", "move"),
    [
        ((1, 1, 0, -1, -1, 0, 0, 0, 0), 2),  # X wins at 2
        ((1, 1, 0, 0, -1, 0, 0, 0, 0), 2),  # O must block at 2
        ((1, 0, 0, 0, -1, 0, 0, 0, 1), None),  # O must not lose: any edge
    ],
)
def test_tictactoe_finds_the_move(board: tuple[int, ...], move: int | None) -> None:
    env = TicTacToe()
    assert isinstance(env, Env)
    tree = run_mcts_env(env, [board], rollout_evaluator(env), 9, simulations=1500, two_player=True, c=1.5)
    best = int(tree.best_actions()[0])
    if move is not None:
        assert best == move, tree.visit_counts()
    else:
        assert best in (1, 3, 5, 7), tree.visit_counts()  # a corner loses to a fork
    assert tree.q_values()[0, best] >= -0.2


# ------------------------------------------------ batching and determinism


def test_one_leaf_per_tree_ignores_virtual_loss() -> None:
    ev = hashed_evaluator(6)
    a = run_mcts(ev, 6, batch=4, simulations=40, virtual_loss=0.0)
    b = run_mcts(ev, 6, batch=4, simulations=40, virtual_loss=5.0)
    assert (a.visit_counts() == b.visit_counts()).all()


def test_same_seed_same_tree() -> None:
    ev = hashed_evaluator(5)
    kw = dict(batch=3, simulations=30, leaves_per_tree=4, dirichlet_fraction=0.25)
    a, b = run_mcts(ev, 5, seed=3, **kw), run_mcts(ev, 5, seed=3, **kw)
    c = run_mcts(ev, 5, seed=4, **kw)
    assert (a.visit_counts() == b.visit_counts()).all()
    assert not (a.visit_counts() == c.visit_counts()).all()


def test_ask_tell_shapes_and_results() -> None:
    tree = MCTS(3, num_trees=2)
    ids, obs = tree.ask()
    assert ids.dtype == np.int64 and ids.shape == (2,)
    assert obs.dtype == np.int64 and obs.tolist() == [[0, -1, -1], [1, -1, -1]]
    assert tree.pending == 2
    tree.tell(ids, np.ones((2, 3), np.float32), np.zeros(2, np.float32), legal=[[1, 1, 0], [1, 0, 0]])
    run_mcts(hashed_evaluator(3), 3, simulations=20, tree=tree)
    counts = tree.visit_counts()
    assert counts[0, 2] == 0 and counts[1, 1:].sum() == 0 and counts[1, 0] == 20
    assert np.isnan(tree.q_values()[1, 2]) and tree.simulations().tolist() == [21, 21]
    best = tree.best_actions()
    tree.advance(best)
    assert tree.simulations()[1] == 20  # the kept subtree


def test_terminal_leaves_back_up_without_evaluation() -> None:
    tree = MCTS(2)
    ids, _ = tree.ask()
    tree.tell(ids, np.ones((1, 2), np.float32), np.zeros(1, np.float32))
    ids, obs = tree.ask(2)  # both children, through virtual loss
    assert len(ids) == 2
    tree.tell(ids, np.ones((2, 2), np.float32), np.array([1.0, -1.0], np.float32), terminal=[True, True])
    for _ in range(10):
        ids, _ = tree.ask()
        assert len(ids) == 0  # every walk ends on a terminal node
    assert tree.simulations()[0] >= 13
    assert tree.best_actions()[0] == int(obs[0, 2])


# ------------------------------------------------------------- bad input


def test_bad_input_raises_input_error() -> None:
    tree = MCTS(4, num_trees=2)
    ids, _ = tree.ask()
    p, v = np.ones((2, 4), np.float32), np.zeros(2, np.float32)
    bad = [
        (ids, p.astype(np.int64), v, "float32"),
        (ids, p, v.astype(np.int64), "float32"),
        (ids, p[:, :3].copy(), v, "shape"),
        (ids, p, np.zeros(3, np.float32), "shape"),
        (ids.astype(np.int32), p, v, "int64"),
        (ids + 7, p, v, "leaf id"),
        (np.array([ids[0], ids[0]]), p, v, "twice"),
        (np.array([-1, ids[1]]), p, v, "unknown"),
        (ids, p * np.nan, v, "prior"),
    ]
    for leaf_ids, priors, values, words in bad:
        with pytest.raises(clew.InputError, match=words):
            tree.tell(leaf_ids, priors, values)
        assert tree.pending == 2  # nothing changed
    with pytest.raises(clew.InputError, match="shape"):
        tree.tell(ids, p, v, legal=np.ones((2, 5), bool))
    tree.tell(ids, p, v)
    with pytest.raises(clew.InputError, match="not waiting"):
        tree.tell(ids, p, v)
    with pytest.raises(clew.InputError):
        tree.advance([0])
    with pytest.raises(clew.InputError):
        tree.advance([0, 9])
    with pytest.raises(clew.InputError):
        MCTS(0)
    with pytest.raises(clew.InputError):
        MCTS(3, rule="ucb")
    with pytest.raises(clew.InputError):
        MCTS(3, dirichlet_fraction=2.0)
    with pytest.raises(clew.InputError):
        tree.ask(-1)
    ids, _ = tree.ask()
    with pytest.raises(clew.InputError, match="in flight"):
        tree.advance([0, 0])


def test_priors_and_values_of_any_float_dtype_or_lists() -> None:
    """float64 (numpy's default), float16 and nested lists are converted once
    to float32: the same trees as float32 input."""
    rng = np.random.default_rng(0)

    def search(convert):  # type: ignore[no-untyped-def]
        tree = MCTS(4, num_trees=3, seed=1)
        for _ in range(12):
            ids, _ = tree.ask()
            p = rng.random((len(ids), 4)).astype(np.float32)
            v = (rng.random(len(ids)) - 0.5).astype(np.float32)
            tree.tell(ids, *convert(p, v))
        return tree.visit_counts(), tree.q_values()

    want = search(lambda p, v: (p, v))
    for convert in (
        lambda p, v: (p.astype(np.float64), v.astype(np.float64)),
        lambda p, v: (p.astype(np.float16).astype(np.float64), v),  # exactly representable either way
        lambda p, v: (p.tolist(), v.tolist()),
    ):
        rng = np.random.default_rng(0)
        got = search(convert)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
    # run_mcts with an evaluator that returns numpy's default float64.
    tree = run_mcts(lambda obs: (np.ones((len(obs), 4)), np.zeros(len(obs))), 4, batch=2, simulations=10, seed=0)
    assert tree.visit_counts().sum() == 2 * 10
    tree = run_mcts(lambda obs: ([[0.25] * 4] * len(obs), [0.0] * len(obs)), 4, batch=2, simulations=10, seed=0)
    assert tree.visit_counts().sum() == 2 * 10


def test_gumbel_improved_policy_is_softmax_of_logits_plus_sigma_q() -> None:
    # A 4-armed bandit with fixed priors and arm values: the target is
    # softmax(log p + sigma(completed q)) with mctx's completion and scale.
    priors = np.array([0.1, 0.4, 0.3, 0.2], np.float32)
    arm_value = np.array([0.9, -0.2, 0.1, 0.4], np.float32)
    root_value = 0.05

    def evaluate(obs):  # type: ignore[no-untyped-def]
        n = len(obs)
        values = np.where(obs[:, 1] < 0, root_value, arm_value[np.maximum(obs[:, 2], 0)]).astype(np.float32)
        return np.tile(priors, (n, 1)), values

    tree = run_mcts(evaluate, 4, batch=1, simulations=6, gumbel=True, gumbel_considered=2, seed=3)
    visits = tree.visit_counts()[0].astype(np.float64)
    q = tree.q_values()[0].astype(np.float64)
    seen = visits > 0
    weighted = (priors[seen] * q[seen]).sum() / priors[seen].sum()
    mixed = (root_value + visits.sum() * weighted) / (visits.sum() + 1)
    completed = np.where(seen, np.nan_to_num(q), mixed)
    sigma = (50 + visits.max()) * 0.1 * (completed - completed.min()) / max(completed.max() - completed.min(), 1e-8)
    logits = np.log(priors) + sigma
    expected = np.exp(logits - logits.max())
    expected /= expected.sum()
    got = tree.improved_policy()
    assert got.shape == (1, 4) and got.dtype == np.float32
    np.testing.assert_allclose(got[0], expected, rtol=1e-4, atol=1e-6)
    with pytest.raises(clew.InputError):
        run_mcts(evaluate, 4, batch=1, simulations=2).improved_policy()


def test_bench_torch_mode_skips_cleanly_without_torch(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    from clew.bench import search as bench

    assert bench.clew_loop_overhead(4, 4, 5) > 0
    if importlib.util.find_spec("torch") is not None:
        pytest.skip("torch is installed: the --torch mode runs for real")
    assert bench.main(["--torch", "--smoke"]) == 0
    assert "unmeasured" in capsys.readouterr().out
