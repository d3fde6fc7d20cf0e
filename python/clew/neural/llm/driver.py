"""Search many puzzles with a language model under token, node and wall-clock budgets:
:func:`search` (the front door), :func:`greedy_decoding` (the baseline) and
:func:`compare_runner` (for :func:`clew.search.compare` with ``budget="cost"``).

Each puzzle is one search from a fresh cache (so every run pays for its own tokens), its
spend read from the model's meter: ``tokens`` is every token read or generated during
that search, the exact figure (a search's ``cost`` budget is checked between batches, so
a run can overshoot ``max_tokens`` by at most its last batch). MCTS searches its puzzles
as forests of :data:`FOREST` trees (:mod:`clew.neural.llm.forest`: one batch per round for
all of them), each tree's tokens attributed to it by :attr:`StepEnv.tokens_by_prompt`.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from clew import InputError
from clew._io import progress_bar
from clew.neural.llm.forest import forests, mcts_forest
from clew.neural.llm.results import PuzzleResult, SearchRun
from clew.neural.llm.step_env import OutOfTime, Solved, StepEnv, StepState
from clew.neural.llm.task import continue_steps, terminal_reward
from clew.search import EnvMCTS, solve

#: What :func:`search` runs: ``solve``'s searches, MCTS, and the model's own greedy decoding.
ALGORITHMS = ("dfs", "bfs", "beam", "best_first", "astar", "best_of_n", "particle_filter", "mcts", "greedy_decoding")
#: Trees per MCTS forest in :func:`search` unless told (``forest=``).
FOREST = 32
_SOLVE_HAS_SECONDS = "max_seconds" in inspect.signature(solve).parameters


def search(
    env: StepEnv,
    puzzles: Sequence[Any],
    algorithm: str = "beam",
    *,
    max_tokens: int | None = None,
    max_nodes: int | None = None,
    max_seconds: float | None = None,
    simulations: int = 256,
    leaves: int = 8,
    forest: int | None = None,
    progress: bool = True,
    stop_when_solved: bool = True,
    seed: int = 0,
    **options: Any,
) -> SearchRun:
    """Search each puzzle (or :class:`StepState` root) with ``algorithm`` and the env's model.

    ``algorithm``: one of :data:`ALGORITHMS`: :func:`clew.search.solve`'s searches
    (``options`` go to it: ``beam_width``, ``samples``, ``temperature``, ``max_depth``...),
    ``"mcts"`` (:class:`clew.search.EnvMCTS` with the env's evaluator, ``leaves`` leaves a
    round per tree through virtual loss, at most ``simulations`` rounds; ``options`` go to
    it: ``rule``, ``c``, ``virtual_loss``...) or ``"greedy_decoding"`` (the model's greedy
    solution from the prompt, verified step by step).

    ``forest`` (MCTS only; default :data:`FOREST` for MCTS, 1 otherwise): how many puzzles
    one EnvMCTS forest searches together, one ``expand_batch`` (one generate, one value
    pass) per round over the leaves of all its trees (:func:`clew.neural.llm.forest.mcts_forest`);
    ``forest=1`` searches one puzzle at a time. Each tree stops on its own once solved or
    out of its own budget while the others go on.

    Budgets, per puzzle: ``max_tokens`` (read + generated), ``max_nodes``, ``max_seconds``
    (wall clock). In a forest tokens are attributed to each tree
    (:attr:`StepEnv.tokens_by_prompt`), so a tree overshoots ``max_tokens`` by at most its
    share of one round, and ``max_nodes`` by at most one round's leaves; the wall clock is
    shared: a forest of ``B`` trees has ``max_seconds * B`` and each result's ``seconds``
    is its forest's wall time over ``B``. ``stop_when_solved``: end a puzzle's search as
    soon as a verified answer is generated (the samplers would otherwise finish their
    samples). ``progress``: a bar with solved / tokens / budget. Deterministic under
    ``seed`` with a deterministic model (local, on the CPU).
    """
    if algorithm not in ALGORITHMS:
        raise InputError(f"algorithm {algorithm!r}: use one of {', '.join(ALGORITHMS)}")
    if forest is None:
        forest = FOREST if algorithm == "mcts" else 1
    if not isinstance(forest, int) or forest < 1 or (forest > 1 and algorithm != "mcts"):
        raise InputError(f"forest={forest!r}: an int >= 1, above 1 only for 'mcts' (the other searches "
                         "take one root each)")
    if algorithm == "greedy_decoding":
        return greedy_decoding(env, puzzles, max_tokens=max_tokens, progress=progress)
    results: list[PuzzleResult] = []
    budget = "" if max_tokens is None else f"/{max_tokens * len(puzzles):,}"
    bar = progress_bar(len(puzzles), progress, desc=f"{env.task.name} {algorithm}", unit="puzzle")
    tokens0 = env.model.meter.tokens

    def show(solved: int, done: int) -> None:
        bar.set_postfix_str(f"solved {solved}/{done} tokens {env.model.meter.tokens - tokens0:,}{budget}")

    budgets: dict[str, Any] = dict(max_tokens=max_tokens, max_nodes=max_nodes, max_seconds=max_seconds,
                                   simulations=simulations, leaves=leaves, stop_when_solved=stop_when_solved,
                                   seed=seed, **options)
    try:
        if forest == 1:
            for puzzle in puzzles:
                results.append(run_one(env, puzzle, algorithm, **budgets))
                bar.update(1)
                show(sum(r.solved for r in results), len(results))
        else:
            roots = [p if isinstance(p, StepState) else env.root(p) for p in puzzles]
            for trees in forests(roots, forest):
                closed = [0]  # this forest's trees the bar has counted

                def on_round(n: int, trees: list[StepState] = trees, closed: list[int] = closed) -> None:
                    closed[0] += n
                    bar.update(n)
                    show(sum(r.solved for r in results) + sum(t.prompt in env.goals for t in trees),
                         len(results) + closed[0])

                found = mcts_forest(env, trees, on_round=on_round, **budgets)
                bar.update(len(found) - closed[0])
                results.extend(found)
                show(sum(r.solved for r in results), len(results))
    finally:
        bar.close()
    return SearchRun(algorithm, results)


def run_one(env: StepEnv, puzzle: Any, algorithm: str, *, max_tokens: int | None = None,
            max_nodes: int | None = None, max_seconds: float | None = None, simulations: int = 256,
            leaves: int = 8, stop_when_solved: bool = True, seed: int = 0, **options: Any) -> PuzzleResult:
    """One puzzle's search (see :func:`search`), from a fresh cache."""
    root = puzzle if isinstance(puzzle, StepState) else env.root(puzzle)
    env.reset(seed)
    meter = env.model.meter
    tokens0, start, stepped0 = meter.tokens, time.monotonic(), env.stepped
    env.goals.pop(root.prompt, None)
    env.cost(root, 0)  # what came before is not this search's
    env.deadline = None if max_seconds is None else start + max_seconds
    env.stop_at_goal = root.prompt if stop_when_solved else None
    stop, nodes, evaluations, best = "exhausted", 0, 0, root
    try:
        if algorithm == "mcts":
            stop, nodes, evaluations = _mcts(env, root, max_tokens, max_nodes, simulations, leaves, seed, options)
        else:
            extra: dict[str, Any] = {"max_seconds": max_seconds} if _SOLVE_HAS_SECONDS and max_seconds is not None else {}
            res = solve(env, root, algorithm, max_nodes=max_nodes, max_cost=max_tokens, seed=seed, **extra, **options)
            stop = {"cost": "tokens"}.get(res.stop, res.stop)
            nodes, evaluations = res.nodes, res.evaluations
            if res.goal is not None:
                best = res.goal
    except OutOfTime:
        stop, nodes = "seconds", env.stepped - stepped0 + 1
    except Solved:
        stop, nodes = "solved", env.stepped - stepped0 + 1
    finally:
        env.deadline = env.stop_at_goal = None
    goal = env.goals.get(root.prompt)
    if goal is not None:
        best, stop = goal, "solved"
    elif stop == "solved":  # solve's goal is a verified terminal; keep the flag honest
        stop = "exhausted"
    return PuzzleResult(env.puzzles[root.prompt], goal is not None, best.steps, best.text, stop,
                        meter.tokens - tokens0, nodes, evaluations, time.monotonic() - start)


def _mcts(env: StepEnv, root: StepState, max_tokens: int | None, max_nodes: int | None, simulations: int,
          leaves: int, seed: int, options: dict[str, Any]) -> tuple[str, int, int]:
    tree = EnvMCTS(env, [root], num_actions=env.k, max_nodes=max_nodes, max_cost=max_tokens, seed=seed,
                   **{"rule": "puct", "c": 1.25, **options})
    evaluate = env.mcts_evaluator()
    # EnvMCTS charges a round's tokens at the next round's first step; the meter is
    # read here too, so a run overshoots max_tokens by at most its last round.
    tokens0, last = env.model.meter.tokens, None
    for _ in range(simulations + 1):
        ids, obs = tree.ask(leaves)
        if len(ids):
            priors, values = evaluate(obs)
            tree.tell(ids, priors, values)
        spent = tree.spent()
        if root.prompt in env.goals:
            return "solved", spent["nodes"], spent["evaluations"]
        if max_tokens is not None and env.model.meter.tokens - tokens0 >= max_tokens:
            return "tokens", spent["nodes"], spent["evaluations"]
        if spent["stop"] is not None:
            return {"cost": "tokens"}.get(spent["stop"], spent["stop"]), spent["nodes"], spent["evaluations"]
        now = (spent["nodes"], spent["evaluations"])
        if not len(ids) and now == last:  # the whole tree is explored
            break
        last = now
        env.check_limits()
    spent = tree.spent()
    return "exhausted", spent["nodes"], spent["evaluations"]


def greedy_decoding(env: StepEnv, puzzles: Sequence[Any], *, max_tokens: int | None = None,
                    progress: bool = True) -> SearchRun:
    """The baseline: the model's greedy decoding of the whole solution from each prompt
    (one batched generate over all puzzles), checked step by step by the task (the first
    step it rejects ends the solution there) and scored by its reward. Per puzzle, at most
    ``max_tokens`` tokens in all (prompt included); ``tokens`` = prompt + generated."""
    roots = [p if isinstance(p, StepState) else env.root(p) for p in puzzles]
    length = env.max_steps * env.task.max_step_tokens
    start = time.monotonic()
    read = [env.model.count_tokens(r.text) for r in roots]
    if max_tokens is not None:
        length = min(length, max(1, max_tokens - max(read, default=0)))
    bar = progress_bar(len(roots), progress, desc=f"{env.task.name} greedy decoding", unit="puzzle")
    comps = env.model.generate([r.text for r in roots], n=1, max_tokens=length, temperature=0.0, stop=()) if roots else []
    seconds = (time.monotonic() - start) / max(len(roots), 1)
    results = []
    for r, c, n in zip(roots, comps, read, strict=True):
        puzzle = env.puzzles[r.prompt]
        steps = continue_steps(env.task, puzzle, (), c[0].text, env.max_steps)
        solved = terminal_reward(env.task, puzzle, steps) > 0
        results.append(PuzzleResult(puzzle, solved, steps, env.task.text(puzzle, steps),
                                    "solved" if solved else "exhausted", n + c[0].tokens, len(steps) + 1, 0, seconds))
        bar.update(1)
    bar.set_postfix_str(f"solved {sum(x.solved for x in results)}/{len(results)}")
    bar.close()
    return SearchRun("greedy_decoding", results)


def compare_runner(env: StepEnv, algorithm: str, **options: Any) -> Any:
    """A runner for ``compare(env, roots, [(name, compare_runner(env, algorithm)), ...],
    budget="cost")``: each run is :func:`run_one` from a fresh cache under compare's
    budget (``max_cost`` = tokens, ``max_nodes``), its ``cost`` the true token spend.
    Give every algorithm a runner: compare's plain names call ``solve`` on the env as it
    is, whose cache would then carry over between runs."""
    if algorithm not in ALGORITHMS or algorithm == "greedy_decoding":
        raise InputError(f"algorithm {algorithm!r}: use one of {', '.join(a for a in ALGORITHMS[:-1])}")

    def run(root: Any, seed: int, budget: dict[str, float]) -> PuzzleResult:
        if "max_evaluations" in budget:
            raise InputError("an LLM search compares under budget='cost' (tokens) or 'nodes'")
        max_cost, max_nodes = budget.get("max_cost"), budget.get("max_nodes")
        return run_one(env, root, algorithm, max_tokens=None if max_cost is None else int(np.ceil(max_cost)),
                       max_nodes=None if max_nodes is None else int(max_nodes), seed=seed, **options)

    return run
