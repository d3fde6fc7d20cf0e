"""``clew score TASK FILE``: score a file of model completions with :func:`clew.score`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections import Counter

from clew._core import ClewError
from clew.cli._common import EXIT_OK, EXIT_USAGE, Subparsers, add_command, error, print_json, read_rows

_scoring = importlib.import_module("clew.score")  # the module (``clew.score`` is also the function)


def supported_tasks() -> tuple[str, ...]:
    """The tasks :mod:`clew.score` scores."""
    return tuple(_scoring.TASKS)


def add_parser(subparsers: Subparsers) -> None:
    """Register ``clew score``."""
    p = add_command(
        subparsers,
        "score",
        help="score a JSONL or Parquet file of model completions",
        description="Score each row of FILE (JSON Lines, or Parquet for a .parquet name; '-' reads JSON Lines "
        "from stdin): the row's task entry (Countdown: numbers, target; Sudoku: puzzle) and its completion, with "
        "clew.score. "
        "Prints the row count, the mean score and how many rows got each score. "
        "Exit status: 0 scored, 1 unreadable file or bad row, 2 usage.",
    )
    p.add_argument("task", metavar="TASK", help=f"the task: {', '.join(supported_tasks())}")
    p.add_argument("file", metavar="FILE", help="a .jsonl or .parquet file, or '-' for JSON Lines on stdin")
    p.add_argument("--completion-column", default="completion", metavar="NAME",
                   help="the column holding the model's completion")
    p.add_argument("--rules", default="strict", choices=_scoring.RULES, help="the rule set (see clew.score; Sudoku has strict only)")
    p.add_argument("--extract", action="store_true",
                   help="reasoning_gym rules: take the last <answer>...</answer> first, as its evaluation scripts do")
    p.add_argument("--json", action="store_true",
                   help="print the summary and every row's score as one JSON object")
    p.set_defaults(func=cmd_score)


def cmd_score(args: argparse.Namespace) -> int:
    command = "clew score"
    tasks = supported_tasks()
    if args.task not in tasks:
        args._parser.print_usage(sys.stderr)
        print(f"{command}: error: no scorer for task {args.task!r} (supported: {', '.join(tasks)})", file=sys.stderr)
        return EXIT_USAGE
    try:
        rows = read_rows(args.file)
    except OSError as exc:
        return error(f"cannot read {args.file}: {exc.strerror or exc}", command)
    except ValueError as exc:
        return error(str(exc), command)
    column = args.completion_column
    scores: list[float] = []
    for i, row in enumerate(rows):
        if column not in row:
            return error(f"{args.file}: row {i}: no column {column!r} (columns: {', '.join(row)}); "
                         "name it with --completion-column", command)
        completion = row[column]
        if completion is not None and not isinstance(completion, str):
            return error(f"{args.file}: row {i}: the completion must be a string, got {type(completion).__name__}",
                         command)
        try:
            value = float(_scoring.score(args.task, completion, row, rules=args.rules, extract=args.extract))
        except (ClewError, ValueError, KeyError, TypeError) as exc:
            return error(f"{args.file}: row {i}: {exc}", command)
        scores.append(value)
    counts = Counter(scores)
    mean = sum(scores) / len(scores) if scores else None
    if args.json:
        print_json({
            "task": args.task, "rules": args.rules, "rows": len(scores), "mean": mean,
            "counts": {str(k): counts[k] for k in sorted(counts, reverse=True)}, "scores": scores,
        })
        return EXIT_OK
    print(f"{args.file}: {len(scores):,} rows, task {args.task}, rules {args.rules}")
    print(f"  mean score: {'-' if mean is None else f'{mean:.4f}'}")
    for value in sorted(counts, reverse=True):
        print(f"  score {value:g}: {counts[value]:,} rows ({counts[value] / len(scores):.1%})")
    return EXIT_OK


__all__ = ["add_parser", "supported_tasks"]
