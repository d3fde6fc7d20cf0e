"""``clew sudoku solve|rate|trace PUZZLE``: :mod:`clew.sudoku` from the shell
(PUZZLE as :data:`PUZZLE_INPUT` says)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from clew import sudoku
from clew._core import ClewError
from clew.cli._common import EXIT_OK, EXIT_UNSAT, EXIT_USAGE, Subparsers, add_command, error, print_json

PUZZLE_INPUT = (
    "PUZZLE is a puzzle string (81 characters for 9x9: '.' or '0' for a blank, 1-9 then A-P for 10 to 25), "
    "a file, or '-' for stdin. A file holds one puzzle per line, or one grid over several lines "
    "(the --grid rendering reads back: '|', '-' and '+' are ignored); lines starting with '#' are comments."
)
_BORDERS = str.maketrans("", "", "|+-")


def box_shape(text: str) -> tuple[int, int]:
    """argparse type of ``--box``: ``RxC``."""
    try:
        r, c = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"box must look like RxC (e.g. 3x3), got {text!r}") from None
    if r < 1 or c < 1:
        raise argparse.ArgumentTypeError(f"box sides must be positive, got {text!r}")
    return r, c


def _is_square(n: int) -> bool:
    side = int(round(n**0.5))
    return side >= 4 and side * side == n


def split_puzzles(text: str) -> list[str]:
    """The puzzles in ``text``: one per line when every line is a whole N x N
    puzzle, else the whole text is one (grid) puzzle."""
    lines = [ln.translate(_BORDERS) for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    lines = ["".join(ln.split()) for ln in lines]
    lines = [ln for ln in lines if ln]
    if not lines:
        return []
    grid = all(len(ln) == len(lines) for ln in lines)  # N lines of N cells
    one_per_line = not grid and all(_is_square(len(ln)) for ln in lines)
    return lines if one_per_line or len(lines) == 1 else ["".join(lines)]


def read_puzzles(source: str) -> list[str]:
    """The puzzles of a PUZZLE argument (a puzzle, a file, or ``-``)."""
    if source == "-":
        return split_puzzles(sys.stdin.read())
    if os.path.isfile(source):
        with open(source, encoding="utf-8") as fh:
            return split_puzzles(fh.read())
    return split_puzzles(source)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("puzzle", metavar="PUZZLE", help="a puzzle string, a file of puzzles, or '-' for stdin")
    parser.add_argument("--box", type=box_shape, default=None, metavar="RxC",
                        help="box shape (default: the usual one for the size, 3x3 for 9x9)")
    parser.add_argument("--json", action="store_true", help="one JSON object per puzzle, one per line")


def add_parser(subparsers: Subparsers) -> None:
    """Register ``clew sudoku``."""
    top = add_command(
        subparsers,
        "sudoku",
        help="solve, rate or trace N x N Sudoku puzzles",
        description="Sudoku of any size N x N (N <= 25). " + PUZZLE_INPUT,
    )
    actions = top.add_subparsers(dest="action", metavar="ACTION", required=True)

    solve = add_command(
        actions, "solve", help="print the solution of each puzzle",
        description="Solve each puzzle. Exit status: 0 every puzzle solved, 20 some puzzle has no solution, "
        "1 malformed puzzle or unreadable file, 2 usage.",
    )
    _add_common(solve)
    solve.add_argument("--grid", action="store_true", help="print the solution as a grid with box borders")
    solve.set_defaults(func=cmd_solve)

    rate = add_command(
        actions, "rate", help="rate each puzzle's difficulty (Sudoku-Explainer-like)",
        description="Rate each puzzle: the hardest technique a logical solve needs, an SE-like number, "
        "the solution count (2 = several). Exit status: 0, 1 malformed puzzle, 2 usage.",
    )
    _add_common(rate)
    rate.set_defaults(func=cmd_rate)

    trace = add_command(
        actions, "trace", help="print the search trace of each puzzle in a dataset style",
        description="Search each puzzle, record its tree and print the trace, as `clew generate sudoku` "
        "writes it. Exit status: 0, 1 malformed puzzle or too few backtracks, 2 usage.",
    )
    _add_common(trace)
    trace.add_argument("--style", default="backtrack", choices=sudoku.TRACE_STYLES, help="trace style")
    trace.add_argument("--strategy", default="hidden_singles", choices=sudoku.TRACE_DEDUCTIONS,
                       help="the deductions between guesses")
    trace.add_argument("--backtracks", type=int, default=None, metavar="K",
                       help="exactly K wrong branches, then the solution (default: the whole search)")
    trace.add_argument("--seed", type=int, default=0, help="shuffles the order values are tried in")
    trace.set_defaults(func=cmd_trace)


def _run(args: argparse.Namespace, one: Any) -> int:
    """Read the puzzles, call ``one(index, puzzle)`` on each; turns clew's
    errors into ``clew sudoku ACTION: error: puzzle N: ...`` (exit 1)."""
    command = f"clew sudoku {args.action}"
    try:
        puzzles = read_puzzles(args.puzzle)
    except (OSError, UnicodeDecodeError) as exc:
        return error(f"cannot read {args.puzzle}: {getattr(exc, 'strerror', None) or exc}", command)
    if not puzzles:
        args._parser.print_usage(sys.stderr)
        print(f"{command}: error: no puzzle in {args.puzzle!r}", file=sys.stderr)
        return EXIT_USAGE
    status = EXIT_OK
    for i, puzzle in enumerate(puzzles):
        where = f"puzzle {i + 1}: " if len(puzzles) > 1 else ""
        try:
            status = max(status, one(puzzle))
        except (ClewError, ValueError) as exc:
            return error(f"{where}{exc}", command)
    return status


def cmd_solve(args: argparse.Namespace) -> int:
    def one(puzzle: str) -> int:
        solution = sudoku.solve(puzzle, box=args.box)
        if args.json:
            print_json({"puzzle": puzzle, "solution": solution})
        elif solution is None:
            print("no solution")
        else:
            print(sudoku.format_grid(solution, box=args.box) + "\n" if args.grid else solution)
        return EXIT_OK if solution is not None else EXIT_UNSAT

    return _run(args, one)


def cmd_rate(args: argparse.Namespace) -> int:
    def one(puzzle: str) -> int:
        r = sudoku.rate(puzzle, box=args.box)
        if args.json:
            print_json({"puzzle": puzzle, **r})
            return EXIT_OK
        solutions = {0: "no solution", 1: "1 solution"}.get(r["solutions"], "several solutions")
        se = "-" if r["se_like"] is None else f"{r['se_like']:.1f}"
        print(
            f"{r['difficulty'] or 'unsolvable'}: SE-like {se}, hardest {r['hardest'] or '-'}, "
            f"{solutions}, {r['guesses']} guesses, {r['backtracks']} backtracks"
        )
        return EXIT_OK

    return _run(args, one)


def cmd_trace(args: argparse.Namespace) -> int:
    def one(puzzle: str) -> int:
        record = sudoku.trace_record(
            puzzle, args.style, args.backtracks, args.seed, deduction=args.strategy, box=args.box
        )
        if args.json:
            record.pop("text")  # the same as "trace" and "nodes", Countdown's names
            record.pop("nodes_expanded")
            print_json(record)
        else:
            print(record["trace"].rstrip("\n") + "\n")
        return EXIT_OK

    return _run(args, one)


__all__ = ["add_parser", "box_shape", "read_puzzles", "split_puzzles"]
