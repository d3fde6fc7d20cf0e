"""The code behind ``clew neural train-phases|eval-phases`` and ``clew sat --phases``.

``clew.cli`` defines the arguments (torch-free) and calls these only when the command runs, so
``clew --help`` never imports torch. Each returns the exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import torch

from clew import InputError
from clew.neural import policy_eval
from clew.neural.phase_eval import eval_phases, table
from clew.neural.phases import PhasePredictor, train_phases
from clew.neural.policy import train_policy
from clew.neural.policy_improve import cmd_improve  # noqa: F401 - clew neural improve


def cmd_train_phases(args: argparse.Namespace) -> int:
    if args.threads:
        torch.set_num_threads(args.threads)
    history = train_phases(
        args.data, args.out, epochs=args.epochs, device=args.device, seed=args.seed,
        batch_size=args.batch_size, lr=args.lr, dim=args.dim, rounds=args.rounds,
        log=lambda line: print(line, file=sys.stderr),
    )
    last = history[-1] if history else {}
    print(json.dumps({"model": args.out, "epochs": len(history), **{k: v for k, v in last.items() if k != "epoch"}}))
    return 0


def cmd_train_lm(args: argparse.Namespace) -> int:
    try:  # transformers only when this runs
        import tokenizers  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"clew neural train-lm needs transformers and tokenizers ({exc}): pip install 'clew[llm]'") from None
    from clew.neural.llm.train_lm import LMSettings, train_lm

    if args.threads:
        torch.set_num_threads(args.threads)
    settings = LMSettings(
        size=args.size, steps=args.steps, context=args.context, batch_size=args.batch_size, lr=args.lr,
        seed=args.seed, judge=not args.no_judge, judge_per_trace=args.judge_per_trace,
    )
    summary = train_lm(args.data, args.out, settings, device=args.device, eval_every=args.eval_every,
                       save_every=args.save_every, log=lambda line: print(line, file=sys.stderr))
    print(json.dumps(summary))
    return 0


def cmd_eval_phases(args: argparse.Namespace) -> int:
    if args.threads:
        torch.set_num_threads(args.threads)
    summary = eval_phases(
        args.model_dir, args.family, args.n, seed=args.seed, time_limit=args.time_limit,
        threshold=args.phase_threshold, conf_budget=args.conf_budget, config=args.config,
        device=args.device, out=args.out,
    )
    print(table(summary))
    if args.out:
        print(f"\nresults.json, summary.md and conflicts.png in {args.out}")
    return 0


def cmd_train_policy(args: argparse.Namespace) -> int:
    if args.threads:
        torch.set_num_threads(args.threads)
    history = train_policy(
        args.data, args.out, epochs=args.epochs, device=args.device, seed=args.seed, batch_size=args.batch_size,
        lr=args.lr, hidden=args.hidden, arch=args.arch, dropout=args.dropout, rounds=args.rounds, weight_decay=args.weight_decay,
        log=lambda line: print(line, file=sys.stderr),
    )
    last = history[-1] if history else {}
    print(json.dumps({"model": args.out, "epochs": len(history), **{k: v for k, v in last.items() if k != "epoch"}}))
    return 0


def cmd_eval_policy(args: argparse.Namespace) -> int:
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        sims = [int(s) for s in args.simulations.split(",")]
    except ValueError:
        raise InputError(f"--simulations {args.simulations!r}: expected counts such as 16,64,256") from None
    empty = None
    if args.empty:
        lo, _, hi = args.empty.partition("-")
        try:
            empty = (int(lo), int(hi or lo))
        except ValueError:
            raise InputError(f"--empty {args.empty!r}: expected N or LO-HI") from None
    summary = policy_eval.eval_policy(
        args.model_dir, args.task, args.n, sims, seed=args.seed, numbers=args.numbers, empty=empty,
        device=args.device, value=args.value, out=args.out, progress=sys.stderr.isatty(),
    )
    print(policy_eval.table(summary))
    if args.out:
        print(f"\nresults.json, summary.md and solve_rate.png in {args.out}")
    return 0


def seed_sat_phases(
    solver: Any, clauses: Sequence[Sequence[int]], num_vars: int, model_dir: str, threshold: float,
    comment: Callable[[str], None],
) -> None:
    """``clew sat --phases``: seed the solver with the model's confident phases (``sticky=False``)."""
    started = time.perf_counter()
    predictor = PhasePredictor.load(model_dir)
    if not clauses or num_vars == 0:  # nothing to predict; the solve answers at once anyway
        comment("phases: none seeded (the formula has no clauses or no variables)")
        return
    literals = predictor.predict(clauses, num_vars).literals(threshold)
    solver.set_phases(literals, sticky=False)
    comment(
        f"phases: {len(literals)} of {num_vars} variables seeded from {model_dir} "
        f"(confidence >= {threshold}) in {time.perf_counter() - started:.2f} s on {predictor.device}"
    )
