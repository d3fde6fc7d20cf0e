"""``clew neural eval-phases``: does a phase model save the solver work on a family?

Each formula is solved three times in the same process, one after the other, with fresh solvers:
``predicted`` (graph + forward pass, then the confident phases seeded with ``sticky=False``; the
time includes that inference), ``default`` (clew's own phases) and ``random`` (every variable seeded
with a random phase, the same way). Given several models (e.g. three training seeds), each gets
its own ``predicted`` run, named ``predicted:<its directory name>``, against the same baselines. The report: backbone-phase accuracy on the formulas whose
backbone is found within a conflict budget, and per mode the median conflicts, median seconds
and solved count; ``results.json`` holds every run, ``conflicts.png`` the distributions.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from clew import BudgetExhausted, InputError, _core, families
from clew.neural.phases import PhasePredictor, balanced_accuracy
from clew.neural.train import progress_bar
from clew.sat import backbone, check_model



def _solve(clauses: list[list[int]], num_vars: int, phases: list[int] | None, config: str, time_limit: float | None) -> dict[str, Any]:
    solver = _core.SatSolver(config)
    solver.reserve_vars(num_vars)
    solver.add_clauses(clauses)
    if phases:
        solver.set_phases(phases, sticky=False)
    started = time.perf_counter()
    result = solver.solve(seconds=time_limit)
    seconds = time.perf_counter() - started
    if result is True and not check_model(clauses, solver.model() or []):
        raise RuntimeError("internal error: a model does not satisfy its formula (please report this)")
    stats = solver.stats()
    return {"status": {True: "sat", False: "unsat", None: "unknown"}[result], "conflicts": int(stats["conflicts"]),
            "decisions": int(stats["decisions"]), "solve_seconds": seconds}


def eval_phases(
    model_dir: str | os.PathLike[str] | list[str | os.PathLike[str]],
    family: str,
    n: int,
    *,
    seed: int = 1_000_003,
    time_limit: float | None = None,
    threshold: float = 0.9,
    conf_budget: int | None = 100_000,
    config: str = "default",
    device: str = "auto",
    out: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
) -> dict[str, Any]:
    """Evaluate the model in ``model_dir`` on ``n`` formulas of ``family`` (see the module's docs);
    returns the summary (and writes ``results.json``, ``summary.md`` and ``conflicts.png`` to ``out``)."""
    if n < 1:
        raise InputError(f"--n must be at least 1, got {n}")
    if not 0.0 <= threshold <= 1.0:
        raise InputError(f"--phase-threshold must be in [0, 1], got {threshold}")
    dirs = list(model_dir) if isinstance(model_dir, (list, tuple)) else [model_dir]
    if not dirs:
        raise InputError("no model to evaluate")
    predictors = {_mode(d, len(dirs)): PhasePredictor.load(d, device=device) for d in dirs}
    if len(predictors) != len(dirs):
        raise InputError("give models with distinct directory names")
    modes = [*predictors, "default", "random"]
    name, params = families.parse_spec(family)
    formulas = families.generate(name, n, seed=seed, satisfiable=True, **params)
    rng = np.random.default_rng([seed, 0xACE])
    runs: list[dict[str, Any]] = []
    hits: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {m: ([], []) for m in predictors}
    bar = progress_bar(len(formulas), "eval", sys.stderr.isatty() if progress is None else progress)
    for index, formula in enumerate(formulas):
        clauses = [list(c) for c in formula]
        num_vars = max((abs(lit) for c in clauses for lit in c), default=0)
        record: dict[str, Any] = {"index": index, "num_vars": num_vars, "num_clauses": len(clauses)}
        seeded: dict[str, list[int] | None] = {"default": None}
        inference: dict[str, float] = {}
        predictions = {}
        for mode, predictor in predictors.items():
            started = time.perf_counter()
            predictions[mode] = predictor.predict(clauses, num_vars)
            inference[mode] = time.perf_counter() - started
            seeded[mode] = predictions[mode].literals(threshold)
        seeded["random"] = (np.arange(1, num_vars + 1) * rng.choice([-1, 1], size=num_vars)).tolist()
        for mode in modes:
            run = _solve(clauses, num_vars, seeded[mode], config, time_limit)
            run["seconds"] = run["solve_seconds"] + inference.get(mode, 0.0)
            if mode in predictors:
                run["inference_seconds"] = inference[mode]
                run["seeded"] = len(seeded[mode] or [])
            record[mode] = run
        try:
            bb = backbone(clauses, conf_budget=conf_budget)
        except BudgetExhausted:
            bb = None
        record["backbone_size"] = None if bb is None else len(bb)
        if bb:
            lits = np.asarray(bb, dtype=np.int64)
            for mode, prediction in predictions.items():
                predicted = prediction.phase[np.abs(lits) - 1] > 0
                hits[mode][0].append(predicted)
                hits[mode][1].append(lits > 0)
                record[mode]["backbone_accuracy"] = float((predicted == (lits > 0)).mean())
                chosen = set(seeded[mode] or [])
                record[mode]["seeded_backbone_literals"] = sum(1 for lit in bb if lit in chosen)
        runs.append(record)
        bar.update(1)
    bar.close()
    summary = _summary(runs, modes, hits)
    summary.update({"models": [str(d) for d in dirs], "family": family, "n": n, "seed": seed,
                    "time_limit": time_limit, "threshold": threshold, "config": config,
                    "device": str(next(iter(predictors.values())).device)})
    if out is not None:
        _write(Path(out), summary, runs)
    return summary


def _mode(model_dir: str | os.PathLike[str], count: int) -> str:
    return "predicted" if count == 1 else f"predicted:{Path(model_dir).resolve().name}"


def _summary(
    runs: list[dict[str, Any]], modes: list[str], hits: dict[str, tuple[list[np.ndarray], list[np.ndarray]]]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for mode in modes:
        m: dict[str, Any] = {
            "median_conflicts": float(np.median([r[mode]["conflicts"] for r in runs])),
            "median_seconds": float(np.median([r[mode]["seconds"] for r in runs])),
            "solved": sum(r[mode]["status"] != "unknown" for r in runs),
        }
        if mode in hits:
            pred, truth = hits[mode]
            p = np.concatenate(pred) if pred else np.zeros(0, bool)
            t = np.concatenate(truth) if truth else np.zeros(0, bool)
            m["balanced_accuracy"] = balanced_accuracy(p, t)
            m["accuracy"] = float((p == t).mean()) if len(t) else float("nan")
            m["median_inference_seconds"] = float(np.median([r[mode]["inference_seconds"] for r in runs]))
            m["median_seeded"] = float(np.median([r[mode]["seeded"] for r in runs]))
        out[mode] = m
    return {
        "formulas": len(runs),
        "with_backbone": sum(1 for r in runs if r["backbone_size"]),
        "modes": out,
    }


def table(summary: dict[str, Any]) -> str:
    """The summary as a markdown table with the accuracy line above it."""
    base = summary["modes"]["default"]["median_conflicts"]
    lines = [
        f"{summary['family']}: {summary['formulas']} formulas, {summary['with_backbone']} with a non-empty "
        "backbone found (the accuracy is over their backbone literals)",
        "",
        "| phases | median conflicts | vs default | median s (incl. inference) | solved | backbone-phase accuracy "
        "(balanced) | median phases seeded | median inference ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, m in summary["modes"].items():
        ratio = m["median_conflicts"] / base if base else float("nan")
        extra = (f"{m['accuracy']:.3f} ({m['balanced_accuracy']:.3f}) | {m['median_seeded']:.0f} | "
                 f"{m['median_inference_seconds'] * 1000:.1f}" if "accuracy" in m else " | | ")
        lines.append(f"| {mode} | {m['median_conflicts']:,.0f} | {ratio:.2f}x | {m['median_seconds']:.3f} | "
                     f"{m['solved']}/{summary['formulas']} | {extra} |")
    return "\n".join(lines)


def _write(out: Path, summary: dict[str, Any], runs: list[dict[str, Any]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in (("results.json", json.dumps({"summary": summary, "runs": runs}, indent=1) + "\n"),
                       ("summary.md", table(summary) + "\n")):
        tmp = out / f".{name}.tmp"
        tmp.write_text(text)
        os.replace(tmp, out / name)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # the plot is a bonus; the numbers are in results.json
        return
    fig, ax = plt.subplots(figsize=(6, 3.5))
    modes = list(summary["modes"])
    data = [[max(1, r[m]["conflicts"]) for r in runs] for m in modes]
    ax.boxplot(data, tick_labels=[m.replace("predicted:", "") for m in modes])
    ax.set_yscale("log")
    ax.set_ylabel("conflicts")
    ax.set_title(f"{summary['family']} ({summary['formulas']} formulas)")
    fig.tight_layout()
    tmp = out / ".conflicts.png.tmp.png"
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, out / "conflicts.png")
