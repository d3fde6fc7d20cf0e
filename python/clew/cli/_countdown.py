"""``clew countdown solve|trace NUMBER... --target T``: :mod:`clew.countdown` from the shell."""

from __future__ import annotations

import argparse
from typing import Any

from clew import countdown, traces
from clew._core import ClewError
from clew.cli._common import EXIT_OK, EXIT_UNSAT, Subparsers, add_command, error, print_json

GAME_RULES = ("sos", "classic", "subset")
STRATEGIES = ("dfs", "bfs", "best_first", "beam")  # `clew generate countdown --strategy`, less mcts


def _numbers(text: str) -> list[int]:
    """argparse type of NUMBER: an integer, or several joined by commas (``25,5,8,4``)."""
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"numbers must be integers, got {text!r}") from None


def _add_instance(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("numbers", metavar="NUMBER", nargs="+", type=_numbers,
                        help="the numbers to combine (separated by spaces or commas)")
    parser.add_argument("-t", "--target", type=int, required=True, help="the number to reach")
    parser.add_argument("--rules", default="sos", choices=GAME_RULES,
                        help="sos: every number once (Stream of Search); classic, subset: numbers may go unused")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def add_parser(subparsers: Subparsers) -> None:
    """Register ``clew countdown``."""
    top = add_command(
        subparsers, "countdown", help="solve Countdown numbers games or print their search traces",
        description="The Countdown numbers game: reach the target from the numbers with + - * /.",
    )
    actions = top.add_subparsers(dest="action", metavar="ACTION", required=True)

    solve = add_command(
        actions, "solve", help="print a solution (an expression equal to the target)",
        description="Solve an instance with a complete search. Exit status: 0 solved, 20 no solution exists, "
        "1 bad instance (e.g. more than 8 numbers), 2 usage.",
    )
    _add_instance(solve)
    solve.add_argument("--all", action="store_true", help="every distinct solution, shortest first")
    solve.add_argument("--limit", type=int, default=None, help="with --all: at most this many")
    solve.set_defaults(func=cmd_solve)

    trace = add_command(
        actions, "trace", help="print the search trace in a dataset style",
        description="Search the instance, record its tree and print the trace, as `clew generate countdown` "
        "writes it (the defaults: Stream of Search's DFS, byte for byte). Exit status: 0, 1 bad instance or "
        "too few backtracks, 2 usage.",
    )
    _add_instance(trace)
    trace.add_argument("--style", default="sos", choices=traces.STYLES,
                       help="trace style (all but sos need --strategy dfs)")
    trace.add_argument("--strategy", default="dfs", choices=STRATEGIES, help="the search")
    trace.add_argument("--heuristic", default="sum", choices=("sum", "mult"), help="Stream of Search's heuristic")
    trace.add_argument("--beam-size", type=int, default=None, help="beam width for bfs/beam (default 5)")
    trace.add_argument("--backtracks", type=int, default=None, metavar="K",
                       help="exactly K wrong branches, then the solution (dfs; default: the whole search)")
    trace.add_argument("--seed", type=int, default=None, help="bfs: shuffle kept children as Stream of Search does")
    trace.set_defaults(func=cmd_trace)


def _instance(args: argparse.Namespace) -> tuple[list[int], int]:
    return [n for group in args.numbers for n in group], args.target


def _guarded(args: argparse.Namespace, body: Any) -> int:
    try:
        result: int = body()
    except (ClewError, ValueError) as exc:
        return error(str(exc), f"clew countdown {args.action}")
    return result


def cmd_solve(args: argparse.Namespace) -> int:
    numbers, target = _instance(args)

    def body() -> int:
        if args.all:
            found = countdown.solutions(numbers, target, rules=args.rules, limit=args.limit)
            if args.json:
                print_json({"numbers": numbers, "target": target, "solutions": found})
            for expr in [] if args.json else found:
                print(f"{expr} = {target}")
            if not found and not args.json:
                print("no solution")
            return EXIT_OK if found else EXIT_UNSAT
        answer = countdown.solve(numbers, target, rules=args.rules)
        if args.json:
            print_json({"numbers": numbers, "target": target, "solution": answer})
        else:
            print("no solution" if answer is None else f"{answer} = {target}")
        return EXIT_OK if answer is not None else EXIT_UNSAT

    return _guarded(args, body)


_RECORD_FIELDS = (
    "numbers", "target", "answer", "solution", "optimal_path", "backtracks",
    "nodes_expanded", "nodes_generated", "nodes_visited", "depth", "length",
)


def cmd_trace(args: argparse.Namespace) -> int:
    numbers, target = _instance(args)

    def body() -> int:
        record = countdown.trace_record(
            numbers, target, args.strategy, args.heuristic, args.beam_size, style=args.style,
            rules=args.rules, seed=args.seed, backtracks=args.backtracks,
        )
        if args.json:
            print_json({"trace": record.text, "style": args.style,
                        **{name: getattr(record, name) for name in _RECORD_FIELDS}})
        else:
            print(record.text.rstrip("\n"))
        return EXIT_OK

    return _guarded(args, body)


__all__ = ["add_parser"]
