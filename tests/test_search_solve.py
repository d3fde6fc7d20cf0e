"""clew.search.solve: DFS, BFS, beam and best-first over the built-in
Countdown and Sudoku environments and over a Python Env, with budgets."""

from __future__ import annotations

import itertools

import pytest

import clew
from clew.search import Countdown, SearchResult, Sudoku, solve

ALGORITHMS = ["dfs", "bfs", "beam", "best_first", "astar"]
SUDOKU = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79"


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize(("numbers", "target"), [([4, 6, 2, 1], 24), ([25, 5, 3, 7], 30)])
def test_builtin_countdown(algorithm: str, numbers: list[int], target: int) -> None:
    out = solve(Countdown(target), numbers, algorithm, beam_width=100)
    assert out.solved and out.goal == [target]
    assert len(out.actions) == len(numbers) - 1
    assert out.nodes >= len(numbers) and out.cost == out.nodes - 1


@pytest.mark.parametrize("algorithm", ["dfs", "beam", "best_first"])
def test_builtin_sudoku(algorithm: str) -> None:
    out = solve(Sudoku(), SUDOKU, algorithm, beam_width=4)
    assert out.solved
    assert out.goal == clew.sudoku.solve(SUDOKU)
    assert len(out.actions) == SUDOKU.count(".")


class PyCountdown:
    """Countdown written in Python: states are sorted tuples; an action
    indexes (i, j, op) in a fixed order; cost = the result's digits."""

    OPS = "+*-/"

    def __init__(self, target: int) -> None:
        self.target = target

    def _moves(self, s: tuple[int, ...]) -> list[tuple[int, ...]]:
        out = []
        for i, j in itertools.combinations(range(len(s)), 2):
            a, b = max(s[i], s[j]), min(s[i], s[j])
            rest = tuple(s[k] for k in range(len(s)) if k not in (i, j))
            for r in (a + b, a * b, a - b, a // b if b and a % b == 0 else None):
                if r is not None:
                    out.append(tuple(sorted(rest + (r,))))
        return out

    def legal_actions(self, s: tuple[int, ...]) -> list[int]:
        return [] if self.is_terminal(s) else list(range(len(self._moves(s))))

    def step(self, s: tuple[int, ...], action: int) -> tuple[int, ...]:
        return self._moves(s)[action]

    def is_terminal(self, s: tuple[int, ...]) -> bool:
        return len(s) == 1

    def reward(self, s: tuple[int, ...]) -> float:
        return 1.0 if s == (self.target,) else 0.0

    def observe(self, s: tuple[int, ...]) -> tuple[int, ...]:
        return s

    def heuristic(self, s: tuple[int, ...]) -> float:
        return sum(abs(n - self.target) for n in s) / len(s)

    def cost(self, s: tuple[int, ...], action: int) -> float:
        return float(len(str(self._moves(s)[action][-1])))


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_python_env(algorithm: str) -> None:
    env = PyCountdown(24)
    out = solve(env, (1, 2, 4, 6), algorithm, beam_width=50)
    assert out.solved and out.goal == (24,)
    s = (1, 2, 4, 6)
    for a in out.actions:
        s = env.step(s, a)
    assert s == (24,)
    assert out.cost > 0 and (algorithm in ("bfs",) or out.evaluations > 0)


def test_budgets_stop_and_report() -> None:
    out = solve(Countdown(999), [1, 2, 3, 4, 5], "bfs", max_nodes=100)
    assert (out.stop, out.nodes, out.actions, out.goal) == ("nodes", 100, [], None)
    out = solve(PyCountdown(999), (1, 2, 3, 4, 5), "astar", max_evaluations=40)
    assert (out.stop, out.evaluations) == ("evaluations", 40)
    out = solve(PyCountdown(999), (1, 2, 3, 4, 5), "dfs", max_cost=25)
    assert out.stop == "cost" and out.cost >= 25
    out = solve(Countdown(999), [1, 2, 3], "dfs")
    assert out.stop == "exhausted" and isinstance(out, SearchResult)


def test_python_env_errors_propagate_and_bad_input() -> None:
    class Broken(PyCountdown):
        def step(self, s: tuple[int, ...], action: int) -> tuple[int, ...]:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        solve(Broken(24), (1, 2, 4, 6), "dfs")
    with pytest.raises(clew.InputError, match="algorithm"):
        solve(Countdown(24), [1, 2], "dijkstra")
    with pytest.raises(clew.InputError):
        solve(Countdown(24), [], "dfs")
    with pytest.raises(clew.InputError):
        solve(Countdown(24, heuristic="nope"), [1, 2], "dfs")
    with pytest.raises(clew.PuzzleError):
        solve(Sudoku(), "55" + SUDOKU[2:], "dfs")
    with pytest.raises(clew.InputError):
        solve(Countdown(24), [1, 2], "beam", beam_width=0)
