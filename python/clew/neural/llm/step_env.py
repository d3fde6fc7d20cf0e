"""Reasoning steps as a :class:`clew.search.Env`: :class:`StepEnv`.

A state is a puzzle's prompt plus the steps taken so far (:class:`StepState`, immutable
and hashable); its actions are the distinct valid steps the model proposes from it, the
most probable first. Everything the searches ask goes through one cache filled by
:meth:`StepEnv.expand_batch`, which makes ONE batched ``generate`` over all the states it
is given (``k`` samples each) and ONE batched value pass over all their new children:

* ``solve`` calls ``expand_batch`` on whole frontiers where it supports it, and otherwise
  ``legal_actions`` (which expands one state) then ``heuristic`` on each child (read from
  the cache: the children were valued with their parent);
* :meth:`StepEnv.mcts_evaluator` gives :class:`clew.search.EnvMCTS` one ``expand_batch``
  per round (EnvMCTS asks ``legal_actions`` of a leaf only when it is told, after the
  evaluator, so those are cache hits).

Cost is honest: :meth:`StepEnv.cost` returns every token the model spent since the last
``cost`` call (proposals not taken and value passes included), so a search's summed cost is
the meter's spend, less at most what the last batch spent after the last step was charged
(:attr:`StepEnv.uncharged`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from clew import InputError
from clew.neural.llm.formats import JUDGE_ANSWERS, JUDGE_QUESTION
from clew.neural.llm.model import Completion, LanguageModel
from clew.neural.llm.task import Steps, Task, continue_steps, task_of, terminal_reward


@dataclass(frozen=True)
class StepState:
    """A search state: the puzzle's ``prompt`` and the canonical ``steps`` taken so far
    (equality and hash over those two); ``text`` is what the model reads."""

    prompt: str
    steps: Steps
    text: str = field(compare=False, repr=False)

    def __repr__(self) -> str:
        return f"StepState({self.prompt!r}, steps={list(self.steps)!r})"


@dataclass
class _Expansion:
    children: list[StepState]
    priors: list[float]
    values: list[float]


def split_tokens(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split into integers in proportion to ``weights`` (evenly where they are all
    zero), the remainders to the largest fractions (the first on ties): the shares sum to
    ``total`` exactly."""
    if not len(weights):
        return []
    w = np.asarray(weights, dtype=np.float64)
    w = w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))
    exact = w * total
    shares = np.floor(exact).astype(np.int64)
    rest = int(total - shares.sum())
    shares[np.argsort(-(exact - shares), kind="stable")[:rest]] += 1
    return shares.tolist()


class OutOfTime(Exception):
    """Raised inside a search by a :class:`StepEnv` whose wall-clock deadline passed."""


class Solved(Exception):
    """Raised inside a search by a :class:`StepEnv` told to stop at a verified answer."""


class StepEnv:
    """``task`` (``"countdown"``, ``"sudoku"`` or a :class:`~clew.neural.llm.Task`) searched
    step by step with ``model`` (any :class:`~clew.neural.llm.LanguageModel`).

    ``k``: proposals sampled per state (so at most ``k`` actions; ``num_actions=k`` for
    :class:`~clew.search.EnvMCTS`). ``max_steps``: a path that long ends, reward 0.
    ``style``: the trace style the model was trained on (``"compact"``). ``value``:
    ``"judge"`` (the model's probability of ``yes`` over ``no`` after
    :data:`~clew.neural.llm.formats.JUDGE_QUESTION`: one forward pass), ``"rollout"`` (the
    model's greedy continuation to the end, every step checked, the task's reward) or a
    callable ``(list of state texts) -> values in [0, 1]`` (a value head, a process reward
    model). ``temperature``: of the proposals. ``seed``: the proposals' random stream
    (each batch draws the next seed from it). ``retries``: rounds of ``k`` fresh proposals
    for the states of a batch whose proposals were all invalid (one more batched generate a
    round, over those states only, charged like the first), so that a weak model's state is
    a dead end only after ``k * (1 + retries)`` invalid samples; 0 (default): after ``k``.
    Terminal children are valued by their exact reward, without the model.

    State contract: :meth:`root` registers a puzzle; states are values (compare by prompt
    and steps); the cache of expansions lives until :meth:`reset`.
    """

    def __init__(self, task: str | Task, model: LanguageModel, *, k: int = 4, max_steps: int = 32,
                 style: str = "compact", value: str | Callable[[list[str]], Sequence[float]] = "judge",
                 temperature: float = 1.0, seed: int = 0, rollout_tokens: int = 256, retries: int = 0) -> None:
        self.task = task_of(task)
        if not isinstance(model, LanguageModel):
            raise InputError(f"model must be a clew.neural.llm.LanguageModel (generate, next_token_probs, score, "
                             f"count_tokens, meter), got {type(model).__name__}")
        if k < 1 or max_steps < 1 or retries < 0:
            raise InputError(f"k and max_steps must be >= 1 and retries >= 0, got k={k}, max_steps={max_steps}, "
                             f"retries={retries}")
        if style != "compact":
            raise InputError(f"style {style!r}: StepEnv writes the 'compact' style (what train-lm trains on)")
        if not (callable(value) or value in ("judge", "rollout")):
            raise InputError(f"value must be 'judge', 'rollout' or a callable, got {value!r}")
        self.model = model
        self.k, self.max_steps, self.style, self.value = int(k), int(max_steps), style, value
        self.temperature, self.rollout_tokens, self.retries = float(temperature), int(rollout_tokens), int(retries)
        self.puzzles: dict[str, Any] = {}
        #: The first verified answer reached per prompt.
        self.goals: dict[str, StepState] = {}
        #: Model rounds: batched generate calls for proposals, and value passes.
        self.generate_calls = 0
        self.value_calls = 0
        #: Children stepped into (what a search generated), for results cut short.
        self.stepped = 0
        #: Tokens the last expand_batch spent: how far that batch can take a search past its budget.
        self.batch_tokens = 0
        #: Every token the model spent, attributed to the prompt (puzzle) it was spent on: each
        #: batched call's exact meter spend split over its rows, generated tokens by each row's
        #: completions, read tokens by each row's text length (plus an even share of what the
        #: call read beyond those lengths: exact for a character-level tokenizer that adds a
        #: fixed number of special tokens per row; a split in proportion to the lengths where
        #: the model read fewer tokens than characters). Sums to the meter's spend on this env's calls.
        self.tokens_by_prompt: dict[str, int] = {}
        self.deadline: float | None = None
        self.stop_at_goal: str | None = None
        self._charged = model.meter.tokens
        self.reset(seed)

    def reset(self, seed: int | None = None) -> None:
        """Forget every expansion and value (so the next search pays for its own), and
        restart the proposals' random stream at ``seed`` (default: the last one)."""
        if seed is not None:
            self.seed = int(seed)
        self._rng = np.random.default_rng(self.seed)
        self._expanded: dict[StepState, _Expansion] = {}
        self._values: dict[StepState, float] = {}
        self._rewards: dict[StepState, float | None] = {}

    # ------------------------------------------------ states

    def root(self, puzzle: Any) -> StepState:
        """The root state of ``puzzle`` (registered under its prompt)."""
        prompt = self.task.prompt(puzzle)
        self.puzzles[prompt] = puzzle
        return StepState(prompt, (), prompt)

    def _child(self, state: StepState, step: str) -> StepState:
        return StepState(state.prompt, (*state.steps, step), state.text + step + self.task.delimiter)

    def _puzzle(self, state: StepState) -> Any:
        try:
            return self.puzzles[state.prompt]
        except KeyError:
            raise InputError(f"{state!r} does not come from this StepEnv's root()") from None

    def _reward(self, state: StepState) -> float | None:
        if state not in self._rewards:
            r = self.task.reward(self._puzzle(state), state.steps)
            if r is None and len(state.steps) >= self.max_steps:
                r = 0.0
            self._rewards[state] = None if r is None else float(r)
            if r is not None and r > 0:
                self.goals.setdefault(state.prompt, state)
        return self._rewards[state]

    def is_terminal(self, state: StepState) -> bool:
        return self._reward(state) is not None

    def reward(self, state: StepState) -> float:
        r = self._reward(state)
        return 0.0 if r is None else r

    def observe(self, state: StepState) -> StepState:
        return state

    # ------------------------------------------------ the batched expansion

    def expand_batch(self, states: Sequence[StepState]) -> list[tuple[list[int], list[float], list[float]]]:
        """``(actions, priors, values)`` per state, in order (``Env.expand_batch``'s contract, docs/search.md): the
        state's distinct valid proposals as actions ``0..m-1`` (most probable first), their
        normalised probabilities, and the value in [0, 1] of the child each leads to.
        States not yet expanded cost ONE batched generate (``k`` samples each; with
        ``retries``, at most that many more, each over the states left without a valid
        proposal) and ONE batched value pass over all their children (and over the states themselves when
        they have no value yet, e.g. roots); cached states and terminal ones (no actions)
        cost nothing."""
        self.check_limits()
        todo = list(dict.fromkeys(s for s in states if s not in self._expanded and not self.is_terminal(s)))
        before = self.model.meter.tokens
        if todo:
            self._expand(todo)
        self.batch_tokens = self.model.meter.tokens - before
        out = []
        for s in states:
            e = self._expanded.get(s)
            out.append(([], [], []) if e is None else (list(range(len(e.children))), list(e.priors), list(e.values)))
        return out

    def _propose(self, states: list[StepState]) -> list[list[Completion]]:
        """One batched generate of ``k`` proposals for each of ``states``, attributed to them."""
        spent = self._spent()
        proposals = self.model.generate([s.text for s in states], n=self.k, max_tokens=self.task.max_step_tokens,
                                        temperature=self.temperature, stop=self.task.stop or (),
                                        seed=int(self._rng.integers(2**31)))
        self.generate_calls += 1
        self._attribute(spent, states, [s.text for s in states], [sum(c.tokens for c in row) for row in proposals])
        return proposals

    def _valid_steps(self, state: StepState, comps: Sequence[Completion]) -> tuple[dict[str, float], bool]:
        """The distinct valid steps among ``comps`` with their weights: the best log-probability
        of each, or, where the backend gives no logprobs (some servers), how often it was
        sampled (then the flag is True)."""
        puzzle = self._puzzle(state)
        counted = any(c.logprob is None for c in comps)
        best: dict[str, float] = {}
        for c in comps:
            step = self.task.parse_step(puzzle, state.steps, c.text)
            if step is None:
                continue
            if counted:
                best[step] = best.get(step, 0.0) + 1.0
            else:
                best[step] = max(best.get(step, -math.inf), float(c.logprob))  # type: ignore[arg-type]
        return best, counted

    def _expand(self, todo: list[StepState]) -> None:
        found = {s: self._valid_steps(s, comps) for s, comps in zip(todo, self._propose(todo), strict=True)}
        for _ in range(self.retries):
            dead = [s for s in todo if not found[s][0]]
            if not dead:
                break
            for s, more in zip(dead, self._propose(dead), strict=True):
                found[s] = self._valid_steps(s, more)
        kids: list[tuple[StepState, list[StepState], list[float]]] = []
        for s in todo:
            best, counted = found[s]
            steps = sorted(best, key=lambda st: -best[st])
            weights = np.array([best[st] for st in steps], dtype=np.float64)
            if len(steps) and not counted:
                weights = np.exp(weights - weights.max())
            priors = (weights / weights.sum()).tolist() if len(steps) else []
            kids.append((s, [self._child(s, st) for st in steps], priors))
        need = [c for _, children, _ in kids for c in children if not self.is_terminal(c) and c not in self._values]
        need += [s for s in todo if s not in self._values]
        self._value_states(list(dict.fromkeys(need)))
        for s, children, priors in kids:
            values = [self._state_value(c) for c in children]
            self._expanded[s] = _Expansion(children, priors, values)

    def _state_value(self, state: StepState) -> float:
        r = self._reward(state)
        if r is not None:
            return min(max(r, 0.0), 1.0)
        return self._values[state]

    def _value_states(self, states: list[StepState]) -> None:
        """One batched value pass over ``states`` (non-terminal), into the value cache."""
        if not states:
            return
        self.value_calls += 1
        spent, texts, generated = self._spent(), [s.text for s in states], [0] * len(states)
        values: Any
        if self.value == "judge":
            texts = [s.text + JUDGE_QUESTION for s in states]
            p = self.model.next_token_probs(texts, JUDGE_ANSWERS)
            total = p.sum(axis=1)
            values = np.where(total > 0, p[:, 0] / np.where(total > 0, total, 1.0), 0.5)
        elif self.value == "rollout":
            tokens = min(self.rollout_tokens, self.max_steps * self.task.max_step_tokens)
            comps = self.model.generate([s.text for s in states], n=1, max_tokens=tokens, temperature=0.0, stop=())
            generated = [c[0].tokens for c in comps]
            values = []
            for s, c in zip(states, comps, strict=True):
                puzzle = self._puzzle(s)
                end = continue_steps(self.task, puzzle, s.steps, c[0].text, self.max_steps)
                values.append(min(max(terminal_reward(self.task, puzzle, end), 0.0), 1.0))
        else:
            values = np.asarray(self.value([s.text for s in states]), dtype=np.float64)  # type: ignore[operator]
            if values.shape != (len(states),) or not np.all(np.isfinite(values)):
                raise InputError(f"the value callable must return {len(states)} finite values, got {values!r}")
            values = np.clip(values, 0.0, 1.0)
        self._attribute(spent, states, texts, generated)
        for s, v in zip(states, values, strict=True):
            self._values[s] = float(v)

    def _spent(self) -> tuple[int, int]:
        return self.model.meter.read, self.model.meter.generated

    def _attribute(self, before: tuple[int, int], states: Sequence[StepState], texts: Sequence[str],
                   generated: Sequence[int]) -> None:
        """Charge one batched call's meter spend since ``before`` to its rows' prompts."""
        meter = self.model.meter
        lengths, read = [len(t) for t in texts], meter.read - before[0]
        if read >= sum(lengths):  # a character-level tokenizer (plus special tokens per row): exact
            shares = [n + extra for n, extra in zip(lengths, split_tokens(read - sum(lengths), [1] * len(texts)),
                                                     strict=True)]
        else:
            shares = split_tokens(read, lengths)
        shares += split_tokens(meter.generated - before[1], generated)
        for s, n in zip([*states, *states], shares, strict=True):
            self.tokens_by_prompt[s.prompt] = self.tokens_by_prompt.get(s.prompt, 0) + n

    def check_limits(self) -> None:
        """Raise :class:`OutOfTime` past :attr:`deadline`, :class:`Solved` once the prompt
        :attr:`stop_at_goal` has a verified answer (what the driver sets: limits a search
        in Rust cannot see); every model call checks them first."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise OutOfTime
        if self.stop_at_goal is not None and self.stop_at_goal in self.goals:
            raise Solved

    # ------------------------------------------------ the Env protocol on the cache

    def legal_actions(self, state: StepState) -> list[int]:
        """The state's actions (expanding it alone if it was never expanded)."""
        if self.is_terminal(state):
            return []
        if state not in self._expanded:
            self.expand_batch([state])
        return list(range(len(self._expanded[state].children)))

    def step(self, state: StepState, action: int) -> StepState:
        self.stepped += 1
        return self._child_of(state, action)

    def _child_of(self, state: StepState, action: int) -> StepState:
        e = self._expanded.get(state)
        if e is None or not 0 <= int(action) < len(e.children):
            raise InputError(f"action {action} is not one of {state!r}'s expanded actions")
        return e.children[int(action)]

    def heuristic(self, state: StepState) -> float:
        """``1 - value`` (lower is closer to a goal); a state never valued (a root) is
        valued alone."""
        r = self._reward(state)
        if r is not None:
            return 1.0 - min(max(r, 0.0), 1.0)
        if state not in self._values:
            self.check_limits()
            self._value_states([state])
        return 1.0 - self._values[state]

    def cost(self, state: StepState, action: int) -> float:
        """Tokens the model spent since the last ``cost`` call (read + generated)."""
        now = self.model.meter.tokens
        spent, self._charged = now - self._charged, now
        return float(spent)

    @property
    def uncharged(self) -> int:
        """Tokens spent since the last :meth:`cost` call (a search's final batch)."""
        return self.model.meter.tokens - self._charged

    def describe_action(self, state: StepState, action: int) -> str:
        """The step's text (what traces and :meth:`EnvMCTS.export_trace` show)."""
        return self._child_of(state, action).steps[-1]

    # ------------------------------------------------ MCTS

    def mcts_evaluator(self) -> Callable[[Sequence[StepState]], tuple[NDArray[np.float32], NDArray[np.float32]]]:
        """An evaluator for ``EnvMCTS(env, roots, num_actions=env.k, ...)`` and
        :func:`clew.search.run_mcts_env`: observations are states; returns priors
        ``(n, k)`` over each state's actions and the states' own values, from one
        :meth:`expand_batch` (one generate, one value pass) per call."""

        def evaluate(states: Sequence[StepState]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
            states = list(states)
            out = self.expand_batch(states)
            priors = np.zeros((len(states), self.k), dtype=np.float32)
            for i, (actions, p, _) in enumerate(out):
                priors[i, actions] = p
            # A state the model proposes no valid step from is a dead end for this search.
            values = np.array([self._state_value(s) if out[i][0] or self.is_terminal(s) else 0.0
                               for i, s in enumerate(states)], dtype=np.float32)
            return priors, values

        return evaluate

    evaluator = mcts_evaluator
