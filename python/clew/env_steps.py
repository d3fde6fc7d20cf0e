"""The built-in MCTS environments stepped in Python, for policy targets and baseline priors.

:class:`clew.search.EnvMCTS` steps Countdown and Sudoku in Rust and hands out only observations;
the policy data (:mod:`clew.datasets._policy`) and the heuristic prior need the children of a
state under the *same* action indices. This module enumerates them the way
``rust/clew-core/src/search/env.rs`` does (checked against ``EnvMCTS.advance`` in the tests):

* Countdown (Stream of Search rules, every number used): action ``a`` is the ``a``-th step of
  the pairs ``i < j`` in state order, each pair's operations in the order ``+ * - /`` (``-`` and
  ``/`` as big by small, ``/`` only when exact); the two numbers go and the result is appended.
  The observation is the numbers padded with -1 to 8, then the target.
* Sudoku: the first empty cell with the fewest candidates (the first with at most one stops the
  scan); action ``cell * n + digit - 1``. The observation is the cells (0 for empty).

Exact targets come from the engines' solvers: a child is good when it is still solvable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from clew import countdown, sudoku
from clew._core import InputError

TASKS = ("countdown", "sudoku")
MAX_NUMBERS = 8  # clew_core::countdown::state::MAX_NUMBERS: the observation's slots


def check_task(task: str) -> str:
    if task not in TASKS:
        raise InputError(f"unknown task {task!r} (choose from {', '.join(TASKS)})")
    return task


def countdown_actions(numbers: int) -> int:
    """``EnvMCTS``'s action count for roots of ``numbers`` numbers (four steps per pair)."""
    return max(1, numbers * (numbers - 1) // 2 * 4)


def countdown_children(nums: Sequence[int]) -> list[list[int]]:
    """The children of a Countdown state, index = action."""
    out: list[list[int]] = []
    n = len(nums)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = nums[i], nums[j]
            big, small = max(a, b), min(a, b)
            results = [a + b, a * b, big - small]
            if small != 0 and big % small == 0:
                results.append(big // small)
            rest = [v for k, v in enumerate(nums) if k != i and k != j]
            out.extend(rest + [r] for r in results)
    return out


def countdown_observation(nums: Sequence[int], target: int) -> np.ndarray:
    obs = np.full(MAX_NUMBERS + 1, -1.0, np.float32)
    obs[: len(nums)] = nums
    obs[MAX_NUMBERS] = target
    return obs


def countdown_solvable(nums: Sequence[int], target: int) -> bool:
    if len(nums) == 1:
        return nums[0] == target
    return countdown.solve(list(nums), target) is not None


def countdown_heuristic(nums: Sequence[int], target: int) -> float:
    """The environment's ``sum`` heuristic (lower is closer)."""
    return float(sum(abs(v - target) for v in nums))


def sudoku_choice(cells: np.ndarray, box: tuple[int, int]) -> tuple[int, list[int]] | None:
    """(cell, candidate digits) the environment branches on, None when the grid is full."""
    size = box[0] * box[1]
    grid = cells.reshape(size, size)
    best: tuple[int, list[int]] | None = None
    for cell in np.flatnonzero(cells == 0):
        r, c = divmod(int(cell), size)
        br, bc = r - r % box[0], c - c % box[1]
        used = set(grid[r].tolist()) | set(grid[:, c].tolist()) | set(grid[br : br + box[0], bc : bc + box[1]].ravel().tolist())
        cand = [d for d in range(1, size + 1) if d not in used]
        if best is None or len(cand) < len(best[1]):
            best = (int(cell), cand)
            if len(cand) <= 1:
                break
    return best


def sudoku_box(cells: int) -> tuple[int, int]:
    size = math.isqrt(cells)
    if size * size != cells:
        raise InputError(f"a sudoku observation has a square number of cells, got {cells}")
    box = sudoku.default_box(size)
    if box is None:
        raise InputError(f"no default box shape for a {size}x{size} sudoku")
    return box


def _text(cells: np.ndarray) -> str:
    return "".join("." if v == 0 else str(int(v)) if v < 10 else chr(ord("A") + int(v) - 10) for v in cells)


def sudoku_solvable(cells: np.ndarray, box: tuple[int, int]) -> bool:
    return sudoku.count_solutions(_text(cells), limit=1, box=box) > 0


def exact_targets(task: str, state: object, target: int = 0) -> tuple[np.ndarray, np.ndarray, list[object], float]:
    """(legal actions, good actions (their children are solvable), children by action, value) of a
    non-terminal state: the exact policy target is uniform over the good actions; value 1 if any."""
    if task == "countdown":
        nums = list(state)  # type: ignore[call-overload]
        kids: list[object] = list(countdown_children(nums))
        legal = np.arange(len(kids))
        good = np.array([a for a in legal if countdown_solvable(kids[a], target)], np.int64)  # type: ignore[arg-type]
    else:
        cells = np.asarray(state, np.uint8)
        box = sudoku_box(len(cells))
        n = box[0] * box[1]
        choice = sudoku_choice(cells, box)
        assert choice is not None
        cell, cand = choice
        kids = [None] * (len(cells) * n)
        legal = np.array([cell * n + d - 1 for d in cand], np.int64)
        for a, d in zip(legal, cand, strict=True):
            child = cells.copy()
            child[cell] = d
            kids[a] = child
        good = np.array([a for a in legal if sudoku_solvable(kids[a], box)], np.int64)  # type: ignore[arg-type]
    return legal, good, kids, 1.0 if len(good) else 0.0


def heuristic_priors(task: str, observations: np.ndarray, num_actions: int, temperature: float = 1.0) -> np.ndarray:
    """The heuristic prior of each observed state: ``exp(-(h - h_min) / (temperature * spread))``
    over the legal children's heuristics (the samplers' rule in clew.search.solve); uniform where
    they tie. Sudoku's heuristic (empty cells) ties on every child: there it is the uniform prior."""
    obs = np.asarray(observations, np.float32)
    priors = np.zeros((len(obs), num_actions), np.float32)
    for row, o in enumerate(obs):
        if task == "countdown":
            nums = [int(v) for v in o[:MAX_NUMBERS] if v >= 0]
            t = int(o[MAX_NUMBERS])
            h = np.array([countdown_heuristic(k, t) for k in countdown_children(nums)], np.float64)
            spread = h.max() - h.min() if len(h) else 0.0
            w = np.exp(-(h - h.min()) / (temperature * spread)) if spread > 0 else np.ones_like(h)
            priors[row, : len(w)] = w / w.sum()
        else:
            cells = o.astype(np.uint8)
            box = sudoku_box(len(cells))
            choice = sudoku_choice(cells, box)
            if choice is not None and choice[1]:
                n = box[0] * box[1]
                for d in choice[1]:
                    priors[row, choice[0] * n + d - 1] = 1.0 / len(choice[1])
    return priors


def puzzle(config: dict[str, Any], j: int) -> tuple[Any, int, np.random.Generator]:
    """Puzzle ``j`` for ``config`` (``task``, ``seed``, ``numbers``/``split`` or ``empty``): (root state,
    Countdown target or 0, an rng for the rest of its walk), a pure function of ``(seed, j)``."""
    rng = np.random.default_rng([config["seed"], j])
    seed = int(rng.integers(2**62))
    if config["task"] == "countdown":
        ((nums, target),) = countdown.generate(1, "sos", seed=seed, numbers=config["numbers"], split=config["split"])
        return list(nums), int(target), rng
    lo, hi = config["empty"]
    text = sudoku.generate(9, empty=int(rng.integers(lo, hi + 1)), seed=seed)
    return np.frombuffer(text.replace(".", "0").encode(), np.uint8) - ord("0"), 0, rng
