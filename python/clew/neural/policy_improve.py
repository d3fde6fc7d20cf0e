"""``clew neural improve``: search with the network, learn from the search, search better (expert iteration).

Iteration ``i`` (``out/iter-NNN/``, skipped on a rerun once its ``result.json`` exists, so the
command resumes per iteration):

1. play ``n`` held-in puzzles (Countdown: Stream of Search's train targets; seed ``(seed, i)``)
   move by move with ``S`` simulations of PUCT and the current network (iteration 1: the network
   as initialised, near-uniform priors and values of 0.5);
2. each move's root becomes a training row: the root visit counts, normalised, as the policy
   target, and whether that game ended solved as the value target (the policy loss of
   :mod:`clew.neural.policy` counts only rows of solved games: the search's choices that worked);
3. train a fresh network on the rows of every iteration so far (a replay buffer) with the shared
   loop into ``iter-NNN/model``;
4. record the held-out solve rate of the new network at ``S`` simulations (the same ``eval_n``
   held-out puzzles every iteration) in ``iter-NNN/result.json`` and ``out/history.json``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

from clew import InputError, env_steps
from clew.neural.policy import PolicyValue, architecture, build, train_arrays
from clew.neural.policy_eval import CACHE, play


def improve(
    task: str,
    iterations: int,
    simulations: int,
    out: str | os.PathLike[str],
    *,
    seed: int = 0,
    n: int = 200,
    eval_n: int = 100,
    numbers: int = 5,
    empty: tuple[int, int] = (56, 61),
    epochs: int = 4,
    hidden: int | None = None,
    device: str = "auto",
    log: Any = None,
) -> list[dict[str, Any]]:
    """Run ``iterations`` rounds of self-improvement into ``out``; returns one record per iteration."""
    env_steps.check_task(task)
    if iterations < 1 or simulations < 1 or n < 1 or eval_n < 1:
        raise InputError("--iterations, --simulations, --n and --eval-n must be at least 1")
    outp = Path(out)
    outp.mkdir(parents=True, exist_ok=True)
    num_actions = env_steps.countdown_actions(numbers) if task == "countdown" else 729
    obs_dim = env_steps.MAX_NUMBERS + 1 if task == "countdown" else 81
    config = {"task": task, "simulations": simulations, "seed": seed, "n": n, "eval_n": eval_n, "numbers": numbers,
              "empty": list(empty), "epochs": epochs, "hidden": hidden}
    stored = outp / "config.json"
    if stored.exists() and json.loads(stored.read_text()) != config:
        raise InputError(f"{outp} holds another improve run (its config.json differs); choose another --out")
    stored.write_text(json.dumps(config, indent=1, sort_keys=True) + "\n")
    held_out = {"task": task, "seed": 1_000_003, "numbers": numbers, "split": "held_out", "empty": list(empty)}
    eval_roots = [env_steps.puzzle(held_out, j)[:2] for j in range(eval_n)]
    torch.manual_seed(seed)
    arch = architecture(task, num_actions, obs_dim, hidden=hidden)
    current = PolicyValue(build(arch), arch, torch.device("cpu"))
    buffer: list[dict[str, np.ndarray]] = []
    history = []
    for i in range(1, iterations + 1):
        folder = outp / f"iter-{i:03d}"
        rows_file, result_file = folder / "rows.npz", folder / "result.json"
        if result_file.exists():
            buffer.append(dict(np.load(rows_file)))
            history.append(json.loads(result_file.read_text()))
            current = PolicyValue.load(folder / "model")
            continue
        folder.mkdir(exist_ok=True)
        train_config = {"task": task, "seed": seed * 1_000_003 + i, "numbers": numbers, "split": "train",
                        "empty": list(empty)}
        roots = [env_steps.puzzle(train_config, j)[:2] for j in range(n)]
        moves: list[tuple[int, np.ndarray, np.ndarray]] = []

        def record(
            puzzle: int, obs: np.ndarray, visits: np.ndarray, moves: list[tuple[int, np.ndarray, np.ndarray]] = moves
        ) -> None:
            v = np.zeros(num_actions, np.float32)
            v[: len(visits)] = visits / max(1, visits.sum())
            moves.append((puzzle, obs, v))

        solved = play(task, roots, simulations, current.evaluator(device, cache=CACHE), record=record)
        rows = {
            "observation": np.stack([m[1] for m in moves]).astype(np.float32),
            "policy": np.stack([m[2] for m in moves]),
            "value": np.array([float(solved[m[0]]) for m in moves], np.float32),
            "instance": np.array([(i << 32) + m[0] for m in moves], np.int64),
        }
        tmp = folder / ".rows.tmp.npz"
        np.savez(tmp, **rows)  # type: ignore[arg-type]
        os.replace(tmp, rows_file)
        buffer.append(rows)
        cols = {k: np.concatenate([b[k] for b in buffer]) for k in rows}
        train_arrays(cols, task, num_actions, obs_dim, {"improve": str(outp.resolve()), "iteration": i},
                     folder / "model", epochs=epochs, device=device, seed=seed, hidden=hidden, progress=False)
        current = PolicyValue.load(folder / "model")
        held = play(task, eval_roots, simulations, current.evaluator(device, cache=CACHE))
        result = {"iteration": i, "held_in_solved": int(sum(solved)), "held_in": n, "rows": len(cols["value"]),
                  "held_out_solved": int(sum(held)), "held_out": eval_n, "held_out_rate": sum(held) / eval_n}
        tmp_json = folder / ".result.json.tmp"
        tmp_json.write_text(json.dumps(result, indent=1) + "\n")
        os.replace(tmp_json, result_file)
        history.append(result)
        (outp / "history.json").write_text(json.dumps(history, indent=1) + "\n")
        if log is not None:
            log(f"iteration {i}: held-in {result['held_in_solved']}/{n} solved while playing, "
                f"held-out {result['held_out_solved']}/{eval_n} at {simulations} simulations")
    return history


def cmd_improve(args: Any) -> int:
    if args.threads:
        torch.set_num_threads(args.threads)
    history = improve(args.task, args.iterations, args.simulations, args.out, seed=args.seed, n=args.n,
                      eval_n=args.eval_n, numbers=args.numbers, epochs=args.epochs, device=args.device,
                      log=lambda line: print(line, file=sys.stderr))
    for r in history:
        print(f"iteration {r['iteration']}: held-out {r['held_out_solved']}/{r['held_out']} ({r['held_out_rate']:.0%})")
    return 0
