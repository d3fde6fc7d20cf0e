"""clew.search.solve over a Python env with ``expand_batch``: which states
each search hands it in one call, that results match the same env searched
through ``legal_actions`` and ``heuristic``, priors and values steering the
samplers, bad answers, determinism, and the ``max_seconds`` budget."""

from __future__ import annotations

import math
import time
from typing import Any

import pytest

import clew
from clew.search import Countdown, solve

State = tuple[int, ...]


class Counting:
    """Count from 0 to ``target`` in steps of 1, 2 or 3 (actions 0, 1, 2), at
    most ``depth`` steps. A state is the tuple of actions taken, so every
    tree node is a different state and a repeated expansion shows."""

    def __init__(self, target: int = 10, depth: int = 5) -> None:
        self.target, self.depth = target, depth

    def total(self, s: State) -> int:
        return sum(a + 1 for a in s)

    def step(self, s: State, a: int) -> State:
        return (*s, a)

    def is_terminal(self, s: State) -> bool:
        return self.total(s) >= self.target or len(s) >= self.depth

    def reward(self, s: State) -> float:
        return 1.0 if self.total(s) == self.target else 0.0

    def observe(self, s: State) -> State:
        return s

    def distance(self, s: State) -> float:
        # Sixteenths: exact in binary, so 1 - (1 - d) == d.
        return min(abs(self.target - self.total(s)), 16) / 16


class Plain(Counting):
    """The puzzle through legal_actions and heuristic."""

    def legal_actions(self, s: State) -> list[int]:
        return [] if self.is_terminal(s) else [0, 1, 2]

    def heuristic(self, s: State) -> float:
        return self.distance(s)


class Batched(Counting):
    """The same puzzle through expand_batch, every call recorded; children
    valued ``1 - distance``, so ``1 - value`` is Plain's heuristic."""

    def __init__(self, target: int = 10, depth: int = 5, priors: tuple[float, ...] = (1.0, 1.0, 1.0),
                 values: tuple[float, ...] | None = None) -> None:
        super().__init__(target, depth)
        self.priors, self.values = list(priors), values
        self.calls: list[list[State]] = []

    def legal_actions(self, s: State) -> list[int]:
        raise AssertionError(f"legal_actions({s}) called on an env with expand_batch")

    def expand_batch(self, states: list[State]) -> list[tuple[list[int], list[float], list[float]]]:
        self.calls.append(list(states))
        out = []
        for s in states:
            values = self.values or [1 - self.distance(self.step(s, a)) for a in range(3)]
            out.append(([0, 1, 2], self.priors, list(values)))
        return out

    def expanded(self) -> list[State]:
        return [s for call in self.calls for s in call]


def levels(env: Counting, width: int | None) -> list[list[State]]:
    """What beam (``width``) or BFS (None) expands per level: the level's
    non-terminal states (up to the first goal, where the search stops)."""
    level: list[State] = [()]
    out = []
    while level:
        goals = [i for i, s in enumerate(level) if env.is_terminal(s) and env.reward(s) > 0]
        out.append([s for s in level[: goals[0] if goals else None] if not env.is_terminal(s)])
        if goals:
            break
        nxt = [env.step(s, a) for s in level if not env.is_terminal(s) for a in range(3)]
        if width is not None:
            nxt = sorted(nxt, key=env.distance)[:width]
        level = nxt
    return [lvl for lvl in out if lvl]


def same_search(a: Any, b: Any) -> tuple[Any, ...]:
    return (a.stop, a.actions, a.nodes) == (b.stop, b.actions, b.nodes), (a.stop, a.actions, a.nodes), (b.stop, b.actions, b.nodes)


@pytest.mark.parametrize("algorithm", ["dfs", "bfs", "beam", "best_first", "greedy", "astar", "iddfs"])
def test_results_match_legal_actions_and_heuristic(algorithm: str) -> None:
    env = Batched()
    batched = solve(env, (), algorithm, beam_width=3)
    plain = solve(Plain(), (), algorithm, beam_width=3)
    assert batched.solved
    same, got, want = same_search(batched, plain)
    assert same, (got, want)
    # Never the same state twice (iddfs's passes included), never a terminal one.
    expanded = env.expanded()
    assert len(expanded) == len(set(expanded))
    assert not any(env.is_terminal(s) for s in expanded)


@pytest.mark.parametrize("width", [1, 3, 8])
def test_beam_expands_each_level_in_one_call(width: int) -> None:
    env = Batched(target=13, depth=6)
    out = solve(env, (), "beam", beam_width=width)
    assert env.calls == levels(env, width)
    assert out.solved == (width > 1 or env.reward(tuple(out.actions)) > 0)


def test_bfs_expands_each_depth_in_one_call() -> None:
    env = Batched(target=7, depth=4)
    out = solve(env, (), "bfs")
    assert out.solved and len(out.actions) == 3
    assert env.calls == levels(env, None)
    # Depth 3 up to its first goal, (0, 2, 2): the eight states before it.
    assert [len(c) for c in env.calls] == [1, 3, 9, 8]


@pytest.mark.parametrize("algorithm", ["dfs", "best_first", "astar", "greedy"])
def test_one_call_per_expanded_node(algorithm: str) -> None:
    env = Batched(target=14, depth=6)
    out = solve(env, (), algorithm, record=True)
    assert out.solved and all(len(c) == 1 for c in env.calls)
    assert out.tree is not None
    visited_inner = int(((out.tree["expand"] >= 0)).sum())
    assert len(env.calls) == visited_inner


def depths(calls: list[list[State]]) -> list[int]:
    """The depth of each call's states (all equal within a call)."""
    out = []
    for call in calls:
        assert len({len(s) for s in call}) == 1, call
        out.append(len(call[0]))
    return out


def test_particle_filter_expands_the_live_particles_in_one_call_per_step() -> None:
    env = Batched(target=30, depth=6)  # unreachable: runs to the depth limit
    out = solve(env, (), "particle_filter", samples=12, seed=5)
    assert out.stop == "exhausted"
    assert depths(env.calls) == list(range(6))
    assert max(len(c) for c in env.calls[1:]) > 1
    expanded = env.expanded()
    assert len(expanded) == len(set(expanded))


@pytest.mark.parametrize(("target", "stop"), [(30, "exhausted"), (6, "solved")])
@pytest.mark.parametrize("seed", range(4))
def test_best_of_n_advances_the_samples_in_lockstep(target: int, stop: str, seed: int) -> None:
    # Reachable or not: samples that end early (on a goal or a dead end)
    # never split a depth into several calls.
    env = Batched(target=target, depth=6)
    out = solve(env, (), "best_of_n", samples=24, seed=seed)
    assert out.stop == stop
    assert depths(env.calls) == list(range(len(env.calls)))
    assert sum(len(c) for c in env.calls[1:]) > 5
    expanded = env.expanded()
    assert len(expanded) == len(set(expanded))


@pytest.mark.parametrize("algorithm", ["best_of_n", "particle_filter"])
def test_samplers_are_deterministic_under_the_seed(algorithm: str) -> None:
    runs = []
    for _ in range(2):
        env = Batched(target=9, depth=5, priors=(1.0, 2.0, 4.0))
        out = solve(env, (), algorithm, samples=8, seed=11, temperature=0.7, record=True)
        assert out.tree is not None
        runs.append((out.stop, out.actions, out.nodes, env.calls, out.tree["visit"].tolist()))
    assert runs[0] == runs[1]
    assert runs[0][0] == "solved"


@pytest.mark.parametrize("algorithm", ["best_of_n", "particle_filter"])
def test_samplers_draw_by_prior(algorithm: str) -> None:
    # Heuristic-free values favour no child; the priors allow only +2.
    env = Batched(target=10, depth=5, priors=(0.0, 1.0, 0.0), values=(0.5, 0.5, 0.5))
    out = solve(env, (), algorithm, samples=16, seed=3)
    assert out.solved and out.actions == [1] * 5
    assert all(set(s) <= {1} for s in env.expanded())


def test_particle_filter_weights_particles_by_value() -> None:
    # Uniform priors, but only the +3 child has value: every particle is
    # resampled onto it.
    env = Batched(target=12, depth=4, values=(0.0, 0.0, 1.0))
    out = solve(env, (), "particle_filter", samples=16, seed=0)
    assert out.solved and out.actions == [2, 2, 2, 2]
    assert env.calls == [[()], [(2,)], [(2, 2)], [(2, 2, 2)]]


class Answers(Batched):
    """expand_batch returning what ``answer(states)`` makes."""

    def __init__(self, answer: Any) -> None:
        super().__init__()
        self.answer = answer

    def expand_batch(self, states: list[State]) -> Any:
        return self.answer(states)


def triples(actions: Any, priors: Any, values: Any) -> Any:
    return lambda states: [(actions, priors, values) for _ in states]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda states: [], r"returned 0 answers for 1 states"),
        (lambda states: None, r"must return a list"),
        (lambda states: [([0, 1], [1.0, 1.0])], r"answer 0 is not an \(actions, priors, values\) triple"),
        (triples([0, 1.5], [1, 1], [0.5, 0.5]), r"answer 0 has actions that are not all ints"),
        (triples([0, -1], [1, 1], [0.5, 0.5]), r"actions that are not all ints >= 0"),
        (triples([0, 1], [1, -0.1], [0.5, 0.5]), r"priors that are not all finite numbers >= 0"),
        (triples([0, 1], [1, math.nan], [0.5, 0.5]), r"priors that are not all finite"),
        (triples([0, 1], [1, 1], [0.5, math.nan]), r"values that are not all numbers in \[0, 1\]"),
        (triples([0, 1], [1, 1], [0.5, 1.5]), r"values that are not all numbers in \[0, 1\]"),
        (triples([0, 1], [1], [0.5, 0.5]), r"has 2 actions but 1 priors and 2 values"),
        (triples([0, 1], 3, [0.5, 0.5]), r"has priors 3 that are not a sequence"),
    ],
)
@pytest.mark.parametrize("algorithm", ["beam", "dfs", "particle_filter"])
def test_bad_answers_are_input_errors(answer: Any, message: str, algorithm: str) -> None:
    with pytest.raises(clew.InputError, match=message):
        solve(Answers(answer), (), algorithm)


def test_an_exception_inside_expand_batch_propagates() -> None:
    def boom(states: list[State]) -> Any:
        raise RuntimeError("the model server is down")

    with pytest.raises(RuntimeError, match="the model server is down"):
        solve(Answers(boom), (), "beam")


def test_numpy_answers_are_read() -> None:
    np = pytest.importorskip("numpy")
    env = Batched()
    numpy_env = Answers(lambda states: [(np.arange(3), np.ones(3, np.float32),
                                         np.array([1 - env.distance(env.step(s, a)) for a in range(3)]))
                                        for s in states])
    same, got, want = same_search(solve(numpy_env, (), "beam", beam_width=3), solve(env, (), "beam", beam_width=3))
    assert same, (got, want)


class Slow(Batched):
    """Each expand_batch call takes 20 ms; the puzzle has no solution."""

    def expand_batch(self, states: list[State]) -> Any:
        time.sleep(0.02)
        return super().expand_batch(states)


@pytest.mark.parametrize("algorithm", ["dfs", "bfs", "beam", "best_first", "best_of_n", "particle_filter"])
def test_max_seconds_stops_a_slow_env(algorithm: str) -> None:
    env = Slow(target=100, depth=40)
    start = time.perf_counter()
    out = solve(env, (), algorithm, max_seconds=0.15, samples=4, beam_width=2)
    elapsed = time.perf_counter() - start
    assert out.stop == "seconds"
    # Checked between calls: at most one call (20 ms) past the limit, plus slack.
    assert 0.15 <= elapsed < 1.0
    assert 3 <= len(env.calls) <= 10


def test_max_seconds_on_builtin_and_plain_envs() -> None:
    assert solve(Countdown(999), [1, 2, 3, 4, 5, 6], "bfs", max_seconds=0.0).stop == "seconds"
    assert solve(Plain(100, 40), (), "dfs", max_seconds=0.0).stop == "seconds"
    assert solve(Countdown(24), [4, 6, 2, 1], "bfs", max_seconds=60.0).solved
    for bad in (-1.0, math.nan):
        with pytest.raises(clew.InputError, match="max_seconds must be >= 0"):
            solve(Plain(), (), "dfs", max_seconds=bad)


def test_a_spent_budget_asks_for_no_expansion() -> None:
    # The node budget runs out on the root's three children: the searches
    # stop without expanding any child.
    for algorithm in ("dfs", "bfs", "beam", "best_first"):
        env = Batched()
        out = solve(env, (), algorithm, max_nodes=4)
        assert out.stop == "nodes" and env.calls == [[()]], (algorithm, env.calls)
