"""``clew experiment sequential-vs-parallel``: the experiments of :mod:`clew.experiments`.

The arguments live here (torch-free); :mod:`clew.experiments.sequential_vs_parallel` is imported
only when the command runs, so ``clew --help`` never imports torch.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from clew._core import ClewError
from clew.cli._common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, Subparsers, add_command, error

SCALES = ("smoke", "cpu", "gpu")  # clew.experiments.sequential_vs_parallel.CLI_SCALES (checked by the tests)


def add_parser(subparsers: Subparsers) -> None:
    """Register ``clew experiment``."""
    p = add_command(subparsers, "experiment", help="experiments that train and evaluate models, with a report")
    cmds = p.add_subparsers(dest="experiment", metavar="EXPERIMENT")
    cmds.required = True
    s = add_command(
        cmds, "sequential-vs-parallel",
        help="direct solutions sampled in parallel vs backtracking traces sampled once (Countdown, Sudoku)",
        description="'To Backtrack or Not to Backtrack' in miniature: for Countdown and Sudoku, a model trained on "
        "direct solutions (best-of-N with the verifier picking) against one trained on backtracking search traces "
        "(one sequential trace), equal training tokens, the same held-out puzzles and token budgets. Writes "
        "DIR/report.md, DIR/accuracy-*.png and DIR/results.json (every sample's outcome); DIR/work holds the "
        "datasets, models and evaluations, so a rerun with the same arguments resumes. Needs pip install "
        "'clew[llm]' (torch, transformers) and matplotlib. Exit status: 0 done, 1 failure, 2 bad usage, "
        "130 interrupted (run the same command again to resume).",
    )
    s.add_argument("--scale", required=True, choices=SCALES,
                   help="smoke (about 2 minutes on 2 CPU cores), cpu (about 20 minutes, 3 seeds), gpu (a CUDA machine)")
    s.add_argument("--out", required=True, metavar="DIR", help="the report's directory (rerun to resume)")
    s.add_argument("--seed", type=int, default=0, help="the data seed and the first model seed")
    s.add_argument("--threads", type=int, default=1,
                   help="torch CPU threads and generator workers (results.json is byte-identical for the same seed "
                        "and threads)")
    s.set_defaults(func=cmd_sequential_vs_parallel)


def cmd_sequential_vs_parallel(args: argparse.Namespace) -> int:
    command = "clew experiment sequential-vs-parallel"
    if args.threads < 1:
        args._parser.print_usage(sys.stderr)
        print(f"{command}: error: --threads must be at least 1, got {args.threads}", file=sys.stderr)
        return EXIT_USAGE
    try:
        import matplotlib  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401

        from clew.experiments import sequential_vs_parallel as experiment
    except ImportError as exc:
        return error(f"needs torch, transformers and matplotlib ({exc}): pip install 'clew[llm]' matplotlib", command)
    line = f"clew experiment sequential-vs-parallel --scale {args.scale} --out {shlex.quote(args.out)} --seed {args.seed}"
    if args.threads != 1:
        line += f" --threads {args.threads}"
    try:
        experiment.run(args.scale, args.out, seed=args.seed, threads=args.threads, command=line,
                       log=lambda text: print(text, file=sys.stderr))
    except KeyboardInterrupt:
        print(f"{command}: interrupted; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ClewError, OSError, ValueError) as exc:
        return error(str(exc), command)
    print(f"{args.out}/report.md")
    return EXIT_OK


__all__ = ["add_parser"]
