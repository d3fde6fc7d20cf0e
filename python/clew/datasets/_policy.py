"""Policy/value data for MCTS priors: puzzle states with their policy and value targets, as Parquet shards.

``make_policy_data(out, task="countdown"|"sudoku", n=N)`` writes ``out/data/data-NNNNN.parquet``
and ``out/manifest.json``; one row per state: ``instance`` (its puzzle's index), ``depth`` (steps
from the root), ``observation`` (float32, exactly what :class:`clew.search.EnvMCTS` hands its
evaluator), ``legal`` (bool per action), ``policy`` (float32 per action, sums to 1, all zero on a
dead state) and ``value`` (float32 in [0, 1]). The action indices are EnvMCTS's own
(:mod:`clew.env_steps`).

Puzzle ``j`` (Countdown: ``numbers`` numbers, a Stream of Search *train* target, so the held-out
targets stay out; Sudoku: a unique 9x9 puzzle with ``empty`` blanks) is a pure function of
``(seed, j)``; from its root a walk takes, at each step, a random still-solvable child with
probability 1/2, else a random legal child, and every non-terminal state on the way is a row.
``target="exact"``: policy uniform over the legal actions whose child is still solvable (the
engines' solvers decide), value 1 if there is one. ``target="search"``: the root visit counts of
``simulations`` rounds of EnvMCTS with random playouts, normalised, and the root's mean value.

Same guarantees as :func:`clew.datasets.generate`: shard ``k`` holds puzzles ``k*S .. (k+1)*S``,
written under a temporary name and renamed; a rerun after a kill keeps the finished shards;
the same options give the same bytes. No torch needed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from clew import __version__, env_steps, search
from clew.datasets._generate import MANIFEST, STATE, _prepare, _progress
from clew.datasets._shards import collect_data_shards, publish_manifest, write_parquet
from clew.datasets._tasks import OptionError

TARGETS = ("exact", "search")


def schema(num_actions: int, obs_dim: int) -> pa.Schema:
    return pa.schema(
        [
            ("instance", pa.int64()),
            ("depth", pa.int32()),
            ("observation", pa.list_(pa.float32(), obs_dim)),
            ("legal", pa.list_(pa.bool_(), num_actions)),
            ("policy", pa.list_(pa.float32(), num_actions)),
            ("value", pa.float32()),
        ]
    )


def _range(text: str | tuple[int, int], what: str, lo: int, hi: int) -> tuple[int, int]:
    if isinstance(text, tuple):
        a, b = text
    else:
        try:
            parts = [int(p) for p in str(text).split("-")]
        except ValueError:
            raise OptionError(f"{what} {text!r}: expected N or LO-HI") from None
        if len(parts) not in (1, 2):
            raise OptionError(f"{what} {text!r}: expected N or LO-HI")
        a, b = parts[0], parts[-1]
    if not lo <= a <= b <= hi:
        raise OptionError(f"{what} {text!r}: needs {lo} <= LO <= HI <= {hi}")
    return a, b


def task_shape(task: str, numbers: int) -> tuple[int, int]:
    """(num_actions, obs_dim) of the task's EnvMCTS (Countdown roots of ``numbers`` numbers; 9x9 Sudoku)."""
    if task == "countdown":
        return env_steps.countdown_actions(numbers), env_steps.MAX_NUMBERS + 1
    return 81 * 9, 81


def _search_targets(
    task: str, state: Any, target: int, simulations: int, seed: int, num_actions: int
) -> tuple[np.ndarray, float]:
    if task == "countdown":
        tree = search.EnvMCTS(search.Countdown(target), [list(state)], seed=seed)
    else:
        tree = search.EnvMCTS(search.Sudoku(), [env_steps._text(state)], seed=seed)
    tree.run(simulations)
    visits = tree.visit_counts()[0].astype(np.float64)  # a deeper Countdown state has fewer actions
    policy = np.zeros(num_actions, np.float32)
    policy[: len(visits)] = visits / visits.sum()
    return policy, float(np.nan_to_num(tree.export_values(0)["value"][0]))


def _rows(config: dict[str, Any], j: int, num_actions: int) -> list[dict[str, Any]]:
    task = config["task"]
    state, target, rng = env_steps.puzzle(config, j)
    rows: list[dict[str, Any]] = []
    depth = 0
    while True:
        if task == "countdown":
            if len(state) <= 1:
                break
            obs = env_steps.countdown_observation(state, target)
        else:
            if env_steps.sudoku_choice(state, (3, 3)) is None:
                break
            obs = state.astype(np.float32)
        legal, good, kids, value = env_steps.exact_targets(task, state, target)
        if len(legal) == 0:  # a Sudoku dead end: terminal, never handed to an evaluator
            break
        mask = np.zeros(num_actions, np.bool_)
        mask[legal] = True
        if config["target"] == "exact":
            policy = np.zeros(num_actions, np.float32)
            if len(good):
                policy[good] = 1.0 / len(good)
        else:
            policy, value = _search_targets(
                task, state, target, config["simulations"], int(rng.integers(2**62)), num_actions
            )
        rows.append({"instance": j, "depth": depth, "observation": obs, "legal": mask, "policy": policy, "value": value})
        pick = good if len(good) and rng.random() < 0.5 else legal
        state = kids[int(pick[rng.integers(len(pick))])]
        depth += 1
    return rows


def _write(rows: list[dict[str, Any]], final: Path, sch: pa.Schema) -> None:
    arrays = {}
    for f in sch:
        values = [r[f.name] for r in rows]
        if isinstance(f.type, pa.FixedSizeListType):
            width = f.type.list_size
            flat = np.concatenate(values) if values else np.zeros(0, f.type.value_type.to_pandas_dtype())
            arrays[f.name] = pa.FixedSizeListArray.from_arrays(pa.array(flat, type=f.type.value_type), width)
        else:
            arrays[f.name] = pa.array(values, type=f.type)
    write_parquet(pa.table(arrays, schema=sch), final)


def make_policy_data(
    out: str | os.PathLike[str],
    *,
    task: str,
    n: int,
    seed: int = 0,
    target: str = "exact",
    numbers: int = 5,
    empty: str | tuple[int, int] = "40-50",
    simulations: int = 64,
    shard_size: int = 256,
    progress: bool | None = None,
) -> dict[str, Any]:
    """Write a policy data set into ``out`` and return its manifest (see the module's docs)."""
    if task not in env_steps.TASKS:
        raise OptionError(f"--task {task!r}: choose from {', '.join(env_steps.TASKS)}")
    if target not in TARGETS:
        raise OptionError(f"--target {target!r}: choose from {', '.join(TARGETS)}")
    if n < 1:
        raise OptionError(f"--n must be at least 1, got {n}")
    if shard_size < 1:
        raise OptionError(f"the shard size must be at least 1, got {shard_size}")
    if simulations < 1:
        raise OptionError(f"--simulations must be at least 1, got {simulations}")
    if task == "countdown" and not 2 <= numbers <= env_steps.MAX_NUMBERS:
        raise OptionError(f"--numbers must be 2 to {env_steps.MAX_NUMBERS}, got {numbers}")
    config: dict[str, Any] = {
        "kind": "policy-data",
        "task": task,
        "n": n,
        "seed": seed,
        "target": target,
        "numbers": numbers if task == "countdown" else None,
        "empty": list(_range(empty, "--empty", 1, 64)) if task == "sudoku" else None,
        "split": "train",
        "simulations": simulations if target == "search" else None,
        "shard_size": shard_size,
    }
    num_actions, obs_dim = task_shape(task, numbers)
    sch = schema(num_actions, obs_dim)
    outp = Path(out)
    if _prepare(outp, config) == "done":
        return json.loads((outp / MANIFEST).read_text())
    state = outp / STATE
    state.mkdir(parents=True, exist_ok=True)
    (state / "config.json").write_text(json.dumps(config, indent=1, sort_keys=True))
    for stale in (outp / "data").glob(".*.tmp"):  # shards a killed run was writing
        stale.unlink()
    bar = _progress(n, sys.stderr.isatty() if progress is None else progress)
    for k, start in enumerate(range(0, n, shard_size)):
        done = state / f"shard-{k:05d}.json"
        stop = min(start + shard_size, n)
        if done.exists():
            bar.update(stop - start)
            continue
        rows: list[dict[str, Any]] = []
        for j in range(start, stop):
            rows.extend(_rows(config, j, num_actions))
            bar.update(1)
        _write(rows, outp / "data" / f"data-{k:05d}.parquet", sch)
        tmp = done.with_suffix(".tmp")
        tmp.write_text(json.dumps({"rows": len(rows), "solvable": sum(r["value"] > 0.5 for r in rows)}))
        os.replace(tmp, done)
    bar.close()
    shards, records = collect_data_shards(outp, state, (n + shard_size - 1) // shard_size)
    manifest = {
        "dataset": "clew policy data",
        "clew_version": __version__,
        "config": config,
        "num_actions": num_actions,
        "obs_dim": obs_dim,
        "puzzles": n,
        "total": sum(r["rows"] for r in records),
        "solvable": sum(r["solvable"] for r in records),
        "schema": [{"name": f.name, "type": str(f.type)} for f in sch],
        "shards": shards,
    }
    publish_manifest(outp / MANIFEST, manifest, state)
    return manifest
