"""The text contract between the models ``clew neural train-lm`` trains and :class:`StepEnv`.

A search state is the task's prompt line followed by the steps taken so far, each ended by
the task's step delimiter, exactly as they stand on the path of a ``clew generate`` trace in
that style. The judge's value asks :data:`JUDGE_QUESTION` right after a state and reads the
probability of :data:`JUDGE_ANSWERS`\\ [0] against [1] as the next token; ``train-lm`` teaches
the question on states labelled by clew's exact solvers, so a model it trained can judge.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Asked after a state's text; the answer is one of JUDGE_ANSWERS, then a newline.
JUDGE_QUESTION = "solvable? "
#: (yes, no): each a single token in train-lm's tokenizers.
JUDGE_ANSWERS = ("yes", "no")


def countdown_prompt(numbers: Sequence[int], target: int) -> str:
    """The first line of a compact Countdown trace: ``"80:25 5 8 4\\n"``."""
    return f"{int(target)}:" + " ".join(str(int(x)) for x in numbers) + "\n"


def sudoku_prompt(puzzle: str) -> str:
    """The first line of a compact Sudoku trace: the puzzle's 81 (16, ...) characters."""
    return puzzle.strip() + "\n"


def judge_text(state_text: str, solvable: bool) -> str:
    """One judge training example: a state, the question, its answer."""
    return f"{state_text}{JUDGE_QUESTION}{JUDGE_ANSWERS[0] if solvable else JUDGE_ANSWERS[1]}\n"
