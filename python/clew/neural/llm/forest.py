"""MCTS over many puzzles at once: :func:`mcts_forest`, what :func:`clew.neural.llm.search`
runs for ``"mcts"`` with ``forest=B > 1``.

The ``B`` puzzles are the trees of ONE :class:`clew.search.EnvMCTS` forest. Each round
collects up to ``leaves`` leaves from every live tree (``leaves`` asks of one leaf per tree,
virtual loss spreading each tree's leaves) and evaluates them all with ONE
:meth:`StepEnv.expand_batch`: one batched generate and one batched value pass per round for
the whole forest, instead of one of each per puzzle.

A tree's search ends on its own, between rounds, when its puzzle has a verified answer
(``stop_when_solved``), or its own token or node budget is spent. From then on every state
of that puzzle looks terminal to the forest (:class:`_ClosingView`), so the Rust walks that
still enter the tree settle its leaves at once, without the model, and the other trees go on.

Spend per tree is attributed, not shared: :attr:`StepEnv.tokens_by_prompt` splits each
batched call's exact meter spend over its rows (generated tokens exactly, read tokens by text
length), so each puzzle has its own ``max_tokens`` as one at a time, overshot by at most its
share of one round. Wall clock is the one thing a forest cannot split: its deadline is
``max_seconds * B`` from its start (the same total as ``B`` puzzles one at a time), and each
result's ``seconds`` is the forest's wall time over ``B``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from clew.neural.llm.results import PuzzleResult
from clew.neural.llm.step_env import OutOfTime, StepEnv, StepState
from clew.search import EnvMCTS


class _ClosingView:
    """The :class:`StepEnv` as a forest's EnvMCTS sees it: every state of a puzzle in
    :attr:`closed` is terminal (reward 0 unless it is a goal), so its tree's new leaves are
    settled in Rust without the model; :attr:`nodes` counts each open puzzle's steps."""

    def __init__(self, env: StepEnv) -> None:
        self.env = env
        self.closed: set[str] = set()
        self.nodes: dict[str, int] = {}

    def legal_actions(self, state: StepState) -> list[int]:
        return self.env.legal_actions(state)

    def step(self, state: StepState, action: int) -> StepState:
        if state.prompt not in self.closed:
            self.nodes[state.prompt] = self.nodes.get(state.prompt, 0) + 1
        return self.env.step(state, action)

    def is_terminal(self, state: StepState) -> bool:
        return state.prompt in self.closed or self.env.is_terminal(state)

    def reward(self, state: StepState) -> float:
        return self.env.reward(state)

    def observe(self, state: StepState) -> StepState:
        return state

    def describe_action(self, state: StepState, action: int) -> str:
        return self.env.describe_action(state, action)


def mcts_forest(env: StepEnv, roots: list[StepState], *, max_tokens: int | None = None,
                max_nodes: int | None = None, max_seconds: float | None = None, simulations: int = 256,
                leaves: int = 8, stop_when_solved: bool = True, seed: int = 0,
                on_round: Callable[[int], None] | None = None, **options: Any) -> list[PuzzleResult]:
    """Search ``roots`` (distinct prompts) as one forest from a fresh cache; one
    :class:`PuzzleResult` per root, in order. At most ``simulations`` rounds after the
    roots' own; budgets per tree as above. ``on_round(closed)`` is called after each round
    with the number of trees whose search ended in it (the progress bar). ``options`` go to
    :class:`EnvMCTS` (``rule``, ``c``, ``virtual_loss``...). Deterministic under ``seed``
    with a deterministic model, for the same roots in the same order."""
    prompts = [r.prompt for r in roots]
    env.reset(seed)
    start = time.monotonic()
    for p in prompts:
        env.goals.pop(p, None)
    tokens0 = {p: env.tokens_by_prompt.get(p, 0) for p in prompts}
    view = _ClosingView(env)
    env.deadline = None if max_seconds is None else start + max_seconds * len(roots)
    env.stop_at_goal = None
    tree = EnvMCTS(view, roots, num_actions=env.k, seed=seed, **{"rule": "puct", "c": 1.25, **options})
    evaluate = env.mcts_evaluator()
    stops: dict[int, str] = {}
    evaluations = np.zeros(len(roots), dtype=np.int64)

    def spent(t: int) -> int:
        return env.tokens_by_prompt.get(prompts[t], 0) - tokens0[prompts[t]]

    def close(t: int, why: str) -> None:
        stops[t] = why
        view.closed.add(prompts[t])

    last = None
    try:
        for _ in range(simulations + 1):
            live = len(roots) - len(stops)
            if not live:
                break
            asked = _ask_round(tree, [t not in stops for t in range(len(roots))],
                               leaves if max_nodes is None else max(1, min(leaves, min(
                                   max_nodes - 1 - view.nodes.get(prompts[t], 0)
                                   for t in range(len(roots)) if t not in stops))))
            ids = np.concatenate([a[0] for a in asked]) if asked else np.zeros(0, dtype=np.int64)
            if len(ids):
                priors, values = evaluate([o for a in asked for o in a[1]])
                tree.tell(ids, priors, values)
                evaluations += np.bincount(ids >> 32, minlength=len(roots))
            before = len(stops)
            for t in range(len(roots)):
                if t in stops:
                    continue
                if stop_when_solved and prompts[t] in env.goals:
                    close(t, "solved")
                elif max_tokens is not None and spent(t) >= max_tokens:
                    close(t, "tokens")
                elif max_nodes is not None and 1 + view.nodes.get(prompts[t], 0) >= max_nodes:
                    close(t, "nodes")
            if on_round is not None:
                on_round(len(stops) - before)
            now = tree.spent()
            if not len(ids) and (now["nodes"], now["evaluations"]) == last:  # every tree explored
                break
            last = (now["nodes"], now["evaluations"])
            env.check_limits()
    except OutOfTime:
        for t in range(len(roots)):
            if t not in stops:
                close(t, "seconds")
    finally:
        env.deadline = None
    seconds = (time.monotonic() - start) / len(roots)
    results = []
    for t, root in enumerate(roots):
        goal = env.goals.get(root.prompt)
        best = root if goal is None else goal
        stop = "solved" if goal is not None else stops.get(t, "exhausted")
        results.append(PuzzleResult(env.puzzles[root.prompt], goal is not None, best.steps, best.text, stop,
                                    spent(t), 1 + view.nodes.get(root.prompt, 0), int(evaluations[t]), seconds))
    return results


def _ask_round(tree: EnvMCTS, live: list[bool], leaves: int) -> list[tuple[Any, Any]]:
    """A round's leaves: asks of one leaf each, which EnvMCTS serves trees in round robin
    (leaves in flight steer each tree's next walk elsewhere), until every live tree has
    ``leaves``, some tree got one more than that (its turn came round again while another
    tree's walks collided: such a tree gets fewer this round, as it would alone), or a whole
    turn of the forest handed out nothing (every walk collided or ended on a terminal; a
    closed tree's new leaf is settled at once and hands out nothing)."""
    got = np.zeros(len(live), dtype=np.int64)
    asked, idle = [], 0
    while idle < len(live) and any(a and n < leaves for a, n in zip(live, got, strict=True)):
        ids, obs = tree.ask(1)
        if not len(ids):
            idle += 1
            continue
        idle, t = 0, int(ids[0]) >> 32
        got[t] += 1
        asked.append((ids, obs))
        if got[t] > leaves:
            break
    return asked


def forests(roots: list[StepState], size: int) -> list[list[StepState]]:
    """``roots`` cut in order into forests of at most ``size`` trees; a prompt already in
    the forest being filled starts the next one (trees of one forest share the env's cache,
    so a repeated puzzle would be searched for free)."""
    out: list[list[StepState]] = [[]]
    for r in roots:
        if len(out[-1]) == size or any(r.prompt == o.prompt for o in out[-1]):
            out.append([])
        out[-1].append(r)
    return [f for f in out if f]
