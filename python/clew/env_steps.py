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
    if task == "sudoku" and obs.ndim == 2 and obs.shape[1] == 81 and num_actions == 729:
        return sudoku_uniform_priors(obs)
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


_POP = np.array([bin(m).count("1") for m in range(512)], np.int64)
# _NTH[m, k]: the k-th set bit of the 9-bit mask m (0-based digit), -1 past the last
_NTH = np.full((512, 9), -1, np.int64)
for _m in range(512):
    _bits = [d for d in range(9) if _m >> d & 1]
    _NTH[_m, : len(_bits)] = _bits
_ROW = np.arange(81) // 9
_COL = np.arange(81) % 9
_BOX = _ROW // 3 * 3 + _COL // 3


def _sudoku_used(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(digits placed per row, column and box as 9-bit masks (n, 3, 9); whether each grid keeps
    the rules (no digit twice in a unit)) of 9x9 grids (n, 81)."""
    bit = np.where(cells > 0, 1 << (cells - 1).clip(0), 0)
    used = np.zeros((len(cells), 3, 9), np.int64)
    ok = np.ones(len(cells), bool)
    for unit, index in enumerate((_ROW, _COL, _BOX)):
        for u in range(9):
            b = bit[:, index == u]
            used[:, unit, u] = np.bitwise_or.reduce(b, 1)
            ok &= _POP[used[:, unit, u]] == (b > 0).sum(1)
    return used, ok


def _sudoku_candidates(cells: np.ndarray, used: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(candidate masks (n, 81), their counts with 99 at filled cells)."""
    cand = ~(used[:, 0, _ROW] | used[:, 1, _COL] | used[:, 2, _BOX]) & 511
    return cand, np.where(cells == 0, _POP[cand], 99)


def sudoku_uniform_priors(observations: np.ndarray) -> np.ndarray:
    """The uniform prior over the legal actions of 9x9 grids, vectorised: float32 ``(n, 729)``,
    1/k at the ``k`` candidates of the cell the environment branches on (the first empty cell
    with at most one candidate, else the first with the fewest), zeros for a full grid."""
    cells = np.asarray(observations).round().astype(np.int64).reshape(len(observations), 81)
    cand, count = _sudoku_candidates(cells, _sudoku_used(cells)[0])
    low = count <= 1
    branch = np.where(low.any(1), low.argmax(1), count.argmin(1))
    rows = np.arange(len(cells))
    mask, k = cand[rows, branch], count[rows, branch]
    digits = (mask[:, None] >> np.arange(9)) & 1
    priors = np.zeros((len(cells), 81, 9), np.float32)
    priors[rows, branch] = digits / np.maximum(k, 1)[:, None]
    priors[k == 99] = 0
    return priors.reshape(len(cells), 729)


def sudoku_playouts(observations: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One random playout per 9x9 grid, as EnvMCTS's own: fill the empty cell with the fewest
    candidates (the first such) with a uniformly random candidate until the grid is full (reward 1)
    or a cell has none (reward 0); float32 ``(n,)``. Vectorised over the grids (numpy bitmasks).
    A grid that already breaks a rule counts 0. The success probability equals the Rust playout's:
    where the first cell with at most one candidate precedes one with none, both fail."""
    cells = np.asarray(observations).round().astype(np.int64).reshape(len(observations), 81)
    used, ok = _sudoku_used(cells)
    value = np.zeros(len(cells), np.float32)
    live = np.flatnonzero(ok)
    while len(live):
        cand, count = _sudoku_candidates(cells[live], used[live])
        cell = count.argmin(1)
        at = np.arange(len(live))
        k = count[at, cell]
        full, dead = k == 99, k == 0
        value[live[full]] = 1.0
        go = ~(full | dead)
        live, cell, k, m = live[go], cell[go], k[go], cand[at[go], cell[go]]
        digit = _NTH[m, (rng.random(len(live)) * k).astype(np.int64)]
        cells[live, cell] = digit + 1
        b = 1 << digit
        used[live, 0, _ROW[cell]] |= b
        used[live, 1, _COL[cell]] |= b
        used[live, 2, _BOX[cell]] |= b
    return value
