"""What a :class:`~clew.neural.llm.StepEnv` searches: a :class:`Task` (prompt, step rules, reward).

A task's state is a puzzle plus the steps taken so far (canonical step texts). Its text,
what the model reads, is ``prompt(puzzle)`` followed by each step and the ``delimiter``:
exactly the path of a compact ``clew generate`` trace. The two built-ins check every step
with clew's own verifiers, so a step the model makes up never counts:

* ``"countdown"``: puzzle ``(numbers, target)``; a step is one compact line
  (``"25*4=100:5 8 100"``, last ``"4*20=80 ="`` or ``"100-40=60 x"``), accepted only when
  :func:`clew.traces.validate` replays the path with it (operands present, arithmetic
  right, numbers left listed right, verdict right); reward 1 for a verified ``=`` line.
* ``"sudoku"``: puzzle text (``.`` or ``0`` for blanks, N*N cells, N <= 9); a step is one
  ``"rc=d"`` token (row, column, digit, 1-based; a guess ``"?rc=d"`` is a placement on a
  path) that fills an empty cell no peer holds;
  reward 1 when the grid is full, 0 when some empty cell has no candidate left.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from clew import InputError, sudoku, traces
from clew.neural.llm.formats import countdown_prompt, sudoku_prompt

Steps = tuple[str, ...]


@dataclass(frozen=True)
class Task:
    """A user's task for :class:`~clew.neural.llm.StepEnv`.

    ``prompt(puzzle) -> str``: the state text's first part (end it as the model was
    trained, e.g. with a newline). ``parse_step(puzzle, steps, text) -> str | None``: the
    canonical text of the step the model proposed as ``text`` (its stop string cut off)
    after ``steps``, or None to reject it (a step that breaks the rules must be rejected
    here: nothing else checks it). ``reward(puzzle, steps) -> float | None``: the reward
    when the state after ``steps`` is terminal (positive: solved), None while it is not.
    ``delimiter``: written after each step. ``stop``: where a proposal ends (default: the
    delimiter). ``separators``: what separates steps in a free continuation (greedy
    decoding, rollouts; default: the delimiter and the stop strings).
    ``max_step_tokens``: the most tokens one proposal may take.
    """

    prompt: Callable[[Any], str]
    parse_step: Callable[[Any, Steps, str], str | None]
    reward: Callable[[Any, Steps], float | None]
    delimiter: str = "\n"
    stop: tuple[str, ...] | None = None
    max_step_tokens: int = 32
    separators: tuple[str, ...] | None = None
    name: str = "custom"

    def __post_init__(self) -> None:
        if not self.delimiter:
            raise InputError("a Task's delimiter must be a non-empty string")
        if self.stop is None:
            object.__setattr__(self, "stop", (self.delimiter,))
        if self.separators is None:
            object.__setattr__(self, "separators", (self.delimiter, *(self.stop or ())))
        if self.max_step_tokens < 1:
            raise InputError(f"max_step_tokens must be >= 1, got {self.max_step_tokens}")

    def text(self, puzzle: Any, steps: Steps) -> str:
        """The state's text: the prompt, then every step followed by the delimiter."""
        return self.prompt(puzzle) + "".join(s + self.delimiter for s in steps)


# ------------------------------------------------ Countdown


def _countdown_puzzle(puzzle: Any) -> tuple[list[int], int]:
    try:
        numbers, target = puzzle
        return [int(x) for x in numbers], int(target)
    except (TypeError, ValueError) as exc:
        raise InputError(f"a Countdown puzzle is (numbers, target), got {puzzle!r}") from exc


def _countdown_prompt(puzzle: Any) -> str:
    return countdown_prompt(*_countdown_puzzle(puzzle))


def _countdown_check(puzzle: Any, steps: Steps) -> Any:
    numbers, target = _countdown_puzzle(puzzle)
    text = countdown_prompt(numbers, target) + "".join(s + "\n" for s in steps)
    return traces.validate(text, numbers, target, style="compact")


def _countdown_parse(puzzle: Any, steps: Steps, text: str) -> str | None:
    step = text.strip()
    # Returns ("<k") belong to traces, not to a search's path: never an action.
    if not step or step.startswith("<") or "\n" in step:
        return None
    check = _countdown_check(puzzle, (*steps, step))
    return step if check.valid and check.steps == len(steps) + 1 else None


def _countdown_reward(puzzle: Any, steps: Steps) -> float | None:
    if not steps or not steps[-1].endswith((" =", " x")):
        return None
    check = _countdown_check(puzzle, steps)
    return 1.0 if check.valid and check.solved else 0.0


COUNTDOWN = Task(prompt=_countdown_prompt, parse_step=_countdown_parse, reward=_countdown_reward,
                 delimiter="\n", max_step_tokens=24, name="countdown")


# ------------------------------------------------ Sudoku

_PLACE = re.compile(r"\??([1-9])([1-9])=([1-9])")


def _sudoku_grid(puzzle: Any) -> tuple[list[int], int, tuple[int, int]]:
    text = "".join(str(puzzle).split())
    size = math.isqrt(len(text))
    if size * size != len(text) or not 1 <= size <= 9:
        raise InputError(f"a Sudoku puzzle is N*N cells with N <= 9, got {len(text)} characters")
    try:
        cells = [0 if ch in ".0" else int(ch) for ch in text]
    except ValueError as exc:
        raise InputError(f"a Sudoku puzzle holds digits and '.', got {text!r}") from exc
    rows, cols = sudoku.default_box(size) or (size, 1)  # default_box gives a box for N <= 9
    return cells, size, (int(rows), int(cols))


def _sudoku_fill(puzzle: Any, steps: Steps) -> tuple[list[int], int, tuple[int, int]]:
    cells, size, box = _sudoku_grid(puzzle)
    for s in steps:  # steps were checked when they were taken
        r, c, d = (int(x) for x in _PLACE.fullmatch(s).groups())  # type: ignore[union-attr]
        cells[(r - 1) * size + c - 1] = d
    return cells, size, box


def _sudoku_candidates(cells: list[int], size: int, box: tuple[int, int], cell: int) -> set[int]:
    r, c = divmod(cell, size)
    br, bc = r - r % box[0], c - c % box[1]
    seen = {cells[r * size + j] for j in range(size)} | {cells[i * size + c] for i in range(size)}
    seen |= {cells[i * size + j] for i in range(br, br + box[0]) for j in range(bc, bc + box[1])}
    return set(range(1, size + 1)) - seen


def _sudoku_parse(puzzle: Any, steps: Steps, text: str) -> str | None:
    # Compact traces put a guess on a new line ("32=4\n?13=3"), so a proposal ends only at
    # a space and its first token is the step: "\n?13=3" is a guess, "32=4\n?13=3" places 32=4.
    pieces = text.split()
    m = _PLACE.fullmatch(pieces[0]) if pieces else None
    if m is None:
        return None
    cells, size, box = _sudoku_fill(puzzle, steps)
    r, c, d = (int(x) for x in m.groups())
    if not (r <= size and c <= size and d <= size):
        return None
    cell = (r - 1) * size + c - 1
    if cells[cell] or d not in _sudoku_candidates(cells, size, box, cell):
        return None
    # A guess ("?rc=d" in the compact trace) is a placement like any other on a path.
    return f"{r}{c}={d}"


def _sudoku_reward(puzzle: Any, steps: Steps) -> float | None:
    cells, size, box = _sudoku_fill(puzzle, steps)
    empty = [i for i, v in enumerate(cells) if not v]
    if not empty:
        return 1.0 if _sudoku_complete(cells, size, box) else 0.0
    if any(not _sudoku_candidates(cells, size, box, i) for i in empty):
        return 0.0
    return None


def _sudoku_complete(cells: list[int], size: int, box: tuple[int, int]) -> bool:
    full = set(range(1, size + 1))
    rows = [cells[i * size:(i + 1) * size] for i in range(size)]
    cols = [cells[j::size] for j in range(size)]
    boxes = [[cells[(br + i) * size + bc + j] for i in range(box[0]) for j in range(box[1])]
             for br in range(0, size, box[0]) for bc in range(0, size, box[1])]
    return all(set(u) == full for u in rows + cols + boxes)


def _sudoku_prompt(puzzle: Any) -> str:
    _sudoku_grid(puzzle)
    return sudoku_prompt("".join(str(puzzle).split()))


SUDOKU = Task(prompt=_sudoku_prompt, parse_step=_sudoku_parse, reward=_sudoku_reward,
              delimiter=" ", stop=(" ",), separators=(" ", "\n"), max_step_tokens=8, name="sudoku")

BUILTIN: dict[str, Task] = {"countdown": COUNTDOWN, "sudoku": SUDOKU}


def task_of(task: str | Task) -> Task:
    """A built-in task by name, or the user's :class:`Task` as it is."""
    if isinstance(task, Task):
        return task
    if task in BUILTIN:
        return BUILTIN[task]
    raise InputError(f"task must be {' or '.join(map(repr, BUILTIN))} or a clew.neural.llm.Task, got {task!r}")


def continue_steps(task: Task, puzzle: Any, steps: Steps, text: str, limit: int) -> Steps:
    """The steps a free continuation ``text`` of the state ``steps`` takes, split at the
    task's separators, each checked by ``parse_step``; it stops at the first rejected
    piece, at a terminal state or after ``limit`` steps in all."""
    pieces = [text]
    for sep in task.separators or ():
        pieces = [q for p in pieces for q in p.split(sep)]
    out = list(steps)
    for piece in pieces:
        if len(out) >= limit or task.reward(puzzle, tuple(out)) is not None:
            break
        if not piece.strip():
            continue
        step = task.parse_step(puzzle, tuple(out), piece)
        if step is None:
            break
        out.append(step)
    return tuple(out)


def terminal_reward(task: Task, puzzle: Any, steps: Sequence[str]) -> float:
    """The reward of a state that ended (0 where it ended without the task's verdict)."""
    r = task.reward(puzzle, tuple(steps))
    return 0.0 if r is None else float(r)
