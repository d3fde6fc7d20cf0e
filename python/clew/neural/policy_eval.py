"""``clew neural eval-policy``: the held-out solve rate against simulations, learned vs uniform vs heuristic priors.

**Solved**: from the root, ``S`` simulations of :class:`clew.search.EnvMCTS` before each move, then
the most visited action is played; the final state is a goal. Every move searches a fresh forest
over the puzzles still playing (Countdown: one forest per target, as measured before EnvMCTS took
``(numbers, target)`` pairs in one forest), so each decision gets exactly ``S`` simulations, the
same for every prior. The selection rule is PUCT (``c = 1.25``) for all of them: EnvMCTS's
default, UCT, ignores priors.

Priors: ``learned:<model>`` (the network's priors and values; ``learned+playouts:<model>`` its
priors with random-playout values, Sudoku), ``uniform`` (EnvMCTS's own random playouts: uniform
priors, the playout's reward as value) and ``heuristic``
(:func:`clew.env_steps.heuristic_priors`, value 0.5; on Sudoku it equals the uniform prior).
Held-out puzzles: Countdown with Stream of Search's *held-out* targets (the data uses the train
targets), Sudoku from another seed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from clew import InputError, env_steps, search
from clew.neural.policy import PolicyValue
from clew.neural.train import progress_bar

# EnvMCTS's default rule, UCT, ignores priors: every prior is searched with PUCT (AlphaZero's c)
PUCT: dict[str, Any] = {"rule": "puct", "c": 1.25}
Evaluator = Callable[[Any], tuple[np.ndarray, np.ndarray]] | None
VALUE_CHOICES = ("network", "playouts", "both")
CACHE = 1 << 16  # distinct observations whose network answers a model's evaluator keeps (exact)


def _heuristic(task: str) -> Callable[[Any], tuple[np.ndarray, np.ndarray]]:
    def evaluate(obs: Any) -> tuple[np.ndarray, np.ndarray]:
        # the widest Countdown action count; sliced to the forest's own below
        priors = env_steps.heuristic_priors(task, obs, env_steps.countdown_actions(8) if task == "countdown" else 729)
        return priors, np.full(len(priors), 0.5, np.float32)

    return evaluate


def _fit(evaluator: Evaluator, num_actions: int) -> Evaluator:
    """``evaluator`` answering over ``num_actions`` (a Countdown state with fewer numbers has fewer
    actions; its legal indices are the first ones, so slicing is exact)."""
    if evaluator is None:
        return None
    ev = evaluator

    def fitted(obs: Any) -> tuple[np.ndarray, np.ndarray]:
        p, v = ev(obs)
        return np.ascontiguousarray(p[:, :num_actions]), v

    return fitted


def play(
    task: str,
    roots: Sequence[tuple[Any, int]],
    simulations: int,
    evaluator: Evaluator,
    seed: int = 0,
    record: Callable[[int, np.ndarray, np.ndarray], None] | None = None,
) -> list[bool]:
    """Whether each ``(root state, target)`` is solved move by move (see the module's docs).
    ``record(puzzle, observation, root visit counts)`` is called for every move played."""
    states: list[Any] = [np.asarray(s, np.uint8) if task == "sudoku" else list(s) for s, _ in roots]
    targets = [t for _, t in roots]
    solved = [False] * len(states)
    playing = list(range(len(states)))
    while playing:
        groups: dict[int, list[int]] = {}
        for i in playing:
            groups.setdefault(targets[i] if task == "countdown" else 0, []).append(i)
        for target, members in groups.items():
            if task == "countdown":
                tree = search.EnvMCTS(search.Countdown(target), [states[i] for i in members], **PUCT, seed=seed)
            else:
                tree = search.EnvMCTS(search.Sudoku(), [env_steps._text(states[i]) for i in members], **PUCT, seed=seed)
            tree.run(simulations, _fit(evaluator, tree.num_actions))
            visits = tree.visit_counts()
            if record is not None:
                for i, v in zip(members, visits, strict=True):
                    obs = env_steps.countdown_observation(states[i], target) if task == "countdown" else states[i]
                    record(i, np.asarray(obs, np.float32), v)
            for i, a in zip(members, visits.argmax(1), strict=True):
                if task == "countdown":
                    states[i] = env_steps.countdown_children(states[i])[int(a)]
                else:
                    states[i] = states[i].copy()
                    states[i][int(a) // 9] = int(a) % 9 + 1
        still = []
        for i in playing:
            if task == "countdown":
                if len(states[i]) == 1:
                    solved[i] = states[i][0] == targets[i]
                else:
                    still.append(i)
            else:
                choice = env_steps.sudoku_choice(states[i], (3, 3))
                if choice is None:
                    solved[i] = True  # full, and every move respected its peers
                elif choice[1]:
                    still.append(i)
        playing = still
    return solved


def eval_policy(
    model_dirs: Sequence[str | os.PathLike[str]],
    task: str,
    n: int,
    simulations: Sequence[int] = (16, 64, 256),
    *,
    seed: int = 1_000_003,
    numbers: int | None = None,
    empty: tuple[int, int] | None = None,
    device: str = "auto",
    value: str = "network",
    out: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
) -> dict[str, Any]:
    """Solve rates of each model's prior and the two baselines on ``n`` held-out puzzles.
    ``value``: each model's values from its value head (``network``: prior ``learned:<model>``),
    from random playouts (``playouts``, Sudoku: ``learned+playouts:<model>``), or ``both``."""
    env_steps.check_task(task)
    if n < 1:
        raise InputError(f"--n must be at least 1, got {n}")
    if not simulations or min(simulations) < 1:
        raise InputError(f"--simulations must be positive counts, got {list(simulations)}")
    models = [PolicyValue.load(d, device="cpu") for d in model_dirs]
    data_config: dict[str, Any] = {}
    for d, m in zip(model_dirs, models, strict=True):
        if m.task != task:
            raise InputError(f"{d} is a {m.task} model, not {task}")
        data_config = data_config or _data_config(d)
    numbers = numbers or data_config.get("numbers") or 5
    lo, hi = empty or tuple(data_config.get("empty") or (40, 50))
    config = {"task": task, "seed": seed, "numbers": numbers, "split": "held_out", "empty": [lo, hi], "value": value}
    if task == "countdown":
        actions = env_steps.countdown_actions(numbers)
        for d, m in zip(model_dirs, models, strict=True):
            m.check(task, actions, env_steps.MAX_NUMBERS + 1)
    roots = [env_steps.puzzle(config, j)[:2] for j in range(n)]
    if value not in VALUE_CHOICES:
        raise InputError(f"--value {value!r}: choose from {', '.join(VALUE_CHOICES)}")
    priors: dict[str, Evaluator] = {}
    for d, m in zip(model_dirs, models, strict=True):
        if value in ("network", "both"):
            priors[f"learned:{Path(d).name}"] = m.evaluator(device, cache=CACHE)
        if value in ("playouts", "both"):
            priors[f"learned+playouts:{Path(d).name}"] = m.evaluator(device, value="playouts", seed=seed, cache=CACHE)
    priors["uniform"] = None
    priors["heuristic"] = _heuristic(task)
    rows = []
    bar = progress_bar(len(priors) * len(simulations), "eval-policy", bool(progress))
    for name, ev in priors.items():
        for s in simulations:
            solved = play(task, roots, int(s), ev)
            rows.append({"prior": name, "simulations": int(s), "solved": int(sum(solved)), "n": n, "rate": sum(solved) / n})
            bar.update(1)
    bar.close()
    summary = {"config": config, "models": [str(d) for d in model_dirs], "results": rows}
    if out is not None:
        outp = Path(out)
        outp.mkdir(parents=True, exist_ok=True)
        tmp = outp / ".results.json.tmp"
        tmp.write_text(json.dumps(summary, indent=1) + "\n")
        os.replace(tmp, outp / "results.json")
        (outp / "summary.md").write_text(table(summary) + "\n")
        _plot(summary, outp / "solve_rate.png")
    return summary


def _data_config(model_dir: str | os.PathLike[str]) -> dict[str, Any]:
    from clew.neural import checkpoint

    return dict(checkpoint.read_config(model_dir).get("data", {}).get("config", {}))


def table(summary: dict[str, Any]) -> str:
    sims = sorted({r["simulations"] for r in summary["results"]})
    names = list(dict.fromkeys(r["prior"] for r in summary["results"]))
    cell = {(r["prior"], r["simulations"]): r for r in summary["results"]}
    lines = ["| prior | " + " | ".join(f"{s} sims" for s in sims) + " |", "|---|" + "---|" * len(sims)]
    for name in names:
        row = [f"{cell[name, s]['solved']}/{cell[name, s]['n']} ({cell[name, s]['rate']:.0%})" for s in sims]
        lines.append(f"| {name} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def _plot(summary: dict[str, Any], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # the plot is optional; results.json and summary.md hold the numbers
        return
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name in dict.fromkeys(r["prior"] for r in summary["results"]):
        rs = [r for r in summary["results"] if r["prior"] == name]
        ax.plot([r["simulations"] for r in rs], [r["rate"] for r in rs], marker="o", label=name)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("simulations per move")
    ax.set_ylabel("held-out solve rate")
    ax.set_title(f"{summary['config']['task']}: {summary['results'][0]['n']} held-out puzzles")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def throughput(
    model_dir: str | os.PathLike[str], batch: int, simulations: int, *, repeats: int = 1, device: str = "auto"
) -> dict[str, Any]:
    """The shipped network as EnvMCTS's evaluator over ``batch`` held-out roots: leaves per second
    of evaluator time inside the search (numpy in, conversions and the forward pass, numpy out)
    against forward passes alone on the same batches already on the device."""
    import time

    import torch

    model = PolicyValue.load(model_dir, device="cpu")
    ev = model.evaluator(device)
    dev = next(model.model.parameters()).device
    config: dict[str, Any] = {"task": model.task, "seed": 7, "split": "held_out", "empty": [56, 61],
                              "numbers": (_data_config(model_dir).get("numbers") or 5)}
    roots = [env_steps.puzzle(config, j)[0] for j in range(batch)]
    spent, batches = [0.0], []

    def timed(obs: Any) -> tuple[np.ndarray, np.ndarray]:
        start = time.perf_counter()
        out = ev(obs)
        spent[0] += time.perf_counter() - start
        batches.append(np.array(obs))
        return out

    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    best_search = best_forward = float("inf")
    for _ in range(max(1, repeats)):
        spent[0] = 0.0
        batches.clear()
        if model.task == "countdown":  # one target for the forest; any serves here
            tree = search.EnvMCTS(search.Countdown(config["numbers"] * 10), roots, **PUCT)
        else:
            tree = search.EnvMCTS(search.Sudoku(), [env_steps._text(r) for r in roots], **PUCT)
        tree.run(simulations, timed)
        best_search = min(best_search, spent[0])
        inputs = [torch.from_numpy(b).to(dev) for b in batches]
        sync()
        start = time.perf_counter()
        with torch.inference_mode():
            for x in inputs:
                model.model(x)
        sync()
        best_forward = min(best_forward, time.perf_counter() - start)
    leaves = sum(len(b) for b in batches)
    return {"task": model.task, "device": str(dev), "batch": batch, "simulations": simulations, "leaves": leaves,
            "evaluator_leaves_per_s": leaves / best_search, "forward_leaves_per_s": leaves / best_forward,
            "ratio": best_forward / best_search}
