"""The ``clew`` command: one front end for every area of clew.

* ``clew sat FILE`` -- a SAT-competition-style solver front end;
* ``clew sudoku solve|rate|trace PUZZLE`` -- :mod:`clew.sudoku` (``cli/_sudoku.py``);
* ``clew countdown solve|trace NUMBER... --target T`` -- :mod:`clew.countdown` (``cli/_countdown.py``);
* ``clew generate TASK --n N --out DIR`` -- a search-trace dataset (:mod:`clew.datasets`);
* ``clew score TASK FILE`` -- score model completions (:func:`clew.score`, ``cli/_score.py``);
* ``clew validate DIR_OR_FILE`` -- replay a dataset's traces (:mod:`clew.traces`, ``cli/_validate.py``);
* ``clew bench sat|countdown|sudoku ...`` -- the benchmark harnesses (:mod:`clew.bench`);
* ``clew demo`` -- solve the bundled instances and show what clew does;
* ``clew neural ...`` -- neural models (``clew.neural.cli``, imported only when used);
* ``clew experiment sequential-vs-parallel`` -- :mod:`clew.experiments` (``cli/_experiment.py``);
* ``clew --version``.

Each area registers itself with one ``add_parser(subparsers)`` call in
:func:`build_parser`; every subcommand parser is made by
:func:`clew.cli._common.add_command`, so its own usage errors print its own usage.

``clew sat`` prints ``c`` comment lines, one ``s`` line and, when
satisfiable, ``v`` lines; it exits 10 (SAT), 20 (UNSAT) or 0 (UNKNOWN: time
limit), 1 for an unreadable or malformed input, 2 for bad usage. On SIGINT
(Ctrl-C) or SIGTERM it stops the search, prints ``c caught signal``, the
statistics and ``s UNKNOWN``, flushes the proof written so far and then dies
by the same signal, as CaDiCaL and Kissat do (so shell loops and job runners
see the interruption).
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import re
import signal
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from types import FrameType
from typing import TextIO

from clew import __version__, _core
from clew._core import ClewError, DimacsError
from clew.sat import DimacsWarning, Solver, check_model, dimacs_text, parse_dimacs
from clew.sat import _decode, _decompress

from clew.cli import _countdown, _experiment, _score, _sudoku, _validate
from clew.cli._common import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_SAT, EXIT_UNKNOWN, EXIT_UNSAT, EXIT_USAGE
from clew.cli._common import HelpFormatter, add_command

# The presets _core.SatSolver accepts (its error message lists the same).
CONFIGS = ("default", "glucose", "luby", "minisat")


def _solver_config(text: str) -> str:
    """argparse type of ``--config``: a preset with optional ``name=value`` solver options."""
    try:
        _core.SatSolver(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


V_LINE_WIDTH = 78


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def _version_string() -> str:
    profile = getattr(_core, "__build_profile__", None)
    return f"clew {__version__}" + (f" ({profile} build)" if profile else "")


def _error(message: str) -> int:
    print(f"clew: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def v_lines(model: Sequence[int], width: int = V_LINE_WIDTH) -> Iterator[str]:
    """SAT-competition ``v`` lines for ``model``, each at most ``width`` characters, ending with ``0``."""
    line = "v"
    for token in [*map(str, model), "0"]:
        if len(line) + 1 + len(token) > width and line != "v":
            yield line
            line = "v"
        line += " " + token
    yield line


def _format_count(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.3f}"


def stats_lines(stats: dict[str, float], seconds: float) -> list[str]:
    """Human-readable statistics (without the ``c`` prefix)."""
    order = ["conflicts", "decisions", "propagations", "restarts", "learned", "deleted", "reductions"]
    keys = [k for k in order if k in stats] + sorted(k for k in stats if k not in order and "time" not in k)
    width = max((len(k) for k in keys), default=0) + 2
    lines = []
    for key in keys:
        value = stats[key]
        rate = f"  ({value / seconds:,.0f}/s)" if seconds > 0 and key in ("conflicts", "propagations") else ""
        lines.append(f"{key:<{width}}{_format_count(value):>14}{rate}")
    return lines


@contextmanager
def _signals_as_interrupt() -> Iterator[list[int]]:
    """Turn SIGTERM into KeyboardInterrupt (SIGINT already is one); yields the list of caught signals."""
    caught: list[int] = []
    previous: dict[int, Callable[[int, FrameType | None], object] | int | None] = {}

    def handler(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)
        raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[sig] = signal.signal(sig, handler)
        except (ValueError, OSError):  # not the main thread, or not supported
            pass
    try:
        yield caught
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old if old is not None else signal.SIG_DFL)


def _die_by_signal(signum: int) -> None:
    """Re-raise ``signum`` with its default action (the process ends as killed by it)."""
    sys.stdout.flush()
    sys.stderr.flush()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


# ----------------------------------------------------------------------------
# clew sat
# ----------------------------------------------------------------------------


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"the time limit must be a positive number of seconds, not {text!r}")
    return value


def _read_formula(path: str, strict: bool) -> tuple[int, list[list[int]], list[str]]:
    """Read FILE (or stdin for ``-``), decompressing by content; returns (num_vars, clauses, warnings)."""
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as handle:
            data = handle.read()
    text = _text_of(_decompress(data, path), path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DimacsWarning)
        num_vars, clauses = parse_dimacs(text, strict=strict)
    return num_vars, clauses, [str(w.message) for w in caught if issubclass(w.category, DimacsWarning)]


_COMPRESSED_SUFFIXES = (".gz", ".xz", ".bz2", ".lzma")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f]")  # no text file has these (tabs, newlines, \f, \v, \r are fine)


def _text_of(data: bytes, path: str) -> str:
    """DIMACS bytes as text; binary data (an undetected or mislabelled
    compressed file, a binary file) is refused instead of parsed as text."""
    control = _CONTROL.search(data)
    binary = None if control is None else control.start()
    labelled = any(path.endswith(s) for s in _COMPRESSED_SUFFIXES)
    if binary is None and labelled:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            binary = exc.start
    if binary is not None:
        hint = next((f" (the name ends in {s} but the content is not {s[1:]} data)"
                     for s in _COMPRESSED_SUFFIXES if path.endswith(s)), "")
        raise DimacsError(f"binary data at byte {binary}, not DIMACS text{hint}")
    return _decode(data)


def _named(path: str, exc: Exception) -> str:
    """``PATH: message``, naming the file once (clew.sat's messages may already name it)."""
    message = str(exc)
    return message if message.startswith(f"{path}:") else f"{path}: {message}"


def cmd_sat(args: argparse.Namespace) -> int:
    """Solve one DIMACS file with competition-style output; returns the exit code."""
    out: TextIO = sys.stdout
    quiet: bool = args.quiet

    def comment(text: str = "") -> None:
        if not quiet:
            print(f"c {text}".rstrip(), file=out)

    with _signals_as_interrupt() as caught:
        solver: _core.SatSolver | None = None
        started = time.perf_counter()
        try:
            comment(f"{_version_string()}, config {args.config}")
            try:
                num_vars, clauses, problems = _read_formula(args.file, strict=not args.relaxed)
            except OSError as exc:
                return _error(f"cannot read {args.file}: {exc.strerror or exc}")
            except DimacsError as exc:
                return _error(_named(args.file, exc))
            for message in problems:
                print(f"clew: warning: {args.file}: {message}", file=sys.stderr)
            parsed = time.perf_counter()
            comment(f"parsed {args.file}: {num_vars} variables, {len(clauses)} clauses in {parsed - started:.2f} s")
            try:
                solver = _core.SatSolver(
                    args.config,
                    proof=None if args.proof is None else ("binary" if args.binary_proof else "text"),
                    proof_path=args.proof,
                )
            except (OSError, ClewError) as exc:
                return _error(f"cannot write the proof to {args.proof}: {exc}")
            solver.reserve_vars(num_vars)
            solver.add_clauses(clauses)
            if getattr(args, "phases", None) is not None:  # clew sat --phases MODEL_DIR (see _add_neural)
                failed = args.seed_phases(solver, clauses, num_vars, args, comment)
                if failed:
                    return failed
            seconds = None
            if args.time_limit is not None:
                seconds = max(0.0, args.time_limit - (time.perf_counter() - started))
            result = solver.solve(seconds=seconds)
            solved = time.perf_counter()
            if args.proof is not None:
                solver.flush_proof()
        except KeyboardInterrupt:
            signum = caught[-1] if caught else signal.SIGINT
            comment(f"caught signal {signum} ({signal.Signals(signum).name})")
            if solver is not None:
                _print_stats(comment, solver, time.perf_counter() - started)
                if args.proof is not None:
                    try:
                        solver.flush_proof()
                    except (OSError, ClewError):
                        pass
            print("s UNKNOWN", file=out)
            _die_by_signal(signum)
            return 128 + signum  # only reached if the signal is ignored

    comment(f"solved in {solved - parsed:.2f} s")
    _print_stats(comment, solver, solved - parsed)
    if result is True:
        model = solver.model() or []
        if not check_model(clauses, model):
            return _error("internal error: the model does not satisfy the formula (please report this)")
        comment("model checked against every clause")
        print("s SATISFIABLE", file=out)
        for line in v_lines(model[:num_vars] if num_vars else model):
            print(line, file=out)
        return EXIT_SAT
    if result is False:
        if args.proof is not None:
            kind = "binary" if args.binary_proof else "text"
            comment(f"{kind} DRAT proof written to {args.proof}")
        print("s UNSATISFIABLE", file=out)
        return EXIT_UNSAT
    comment("time limit reached" if args.time_limit is not None else "stopped")
    print("s UNKNOWN", file=out)
    return EXIT_UNKNOWN


def _print_stats(comment: Callable[[str], None], solver: _core.SatSolver, seconds: float) -> None:
    comment("")
    comment("statistics:")
    for line in stats_lines(solver.stats(), seconds):
        comment(f"  {line}")
    comment("")


# ----------------------------------------------------------------------------
# clew demo
# ----------------------------------------------------------------------------


def _demo_text() -> str:
    return resources.files("clew").joinpath("data", "demo.cnf").read_text(encoding="ascii")


def _pigeonhole(pigeons: int, holes: int) -> tuple[int, list[list[int]]]:
    def var(i: int, j: int) -> int:
        return i * holes + j + 1

    clauses = [[var(i, j) for j in range(holes)] for i in range(pigeons)]
    for j in range(holes):
        for a in range(pigeons):
            clauses.extend([-var(a, j), -var(b, j)] for b in range(a + 1, pigeons))
    return pigeons * holes, clauses


def _factor_spec(text: str) -> tuple[int, range, range] | None:
    """Read ``c factor N=... p=A..B q=C..D`` from the demo file's comments."""
    for line in text.splitlines():
        if line.startswith("c factor "):
            fields = dict(part.split("=", 1) for part in line.split()[2:5])
            p0, p1 = map(int, fields["p"].split(".."))
            q0, q1 = map(int, fields["q"].split(".."))
            return int(fields["N"]), range(p0, p1 + 1), range(q0, q1 + 1)
    return None


def _show_stats(solver: Solver, seconds: float) -> None:
    stats = solver.accum_stats()
    keys = ("conflicts", "decisions", "propagations", "restarts", "learned", "deleted")
    shown = [f"{key} {_format_count(stats[key])}" for key in keys if key in stats]
    print("   " + ", ".join(shown[:3]))
    print("   " + ", ".join(shown[3:]))


def cmd_demo(args: argparse.Namespace) -> int:
    """Solve the bundled factoring instance (SAT) and a pigeonhole instance (UNSAT, proof
    checked), then a Countdown instance with its trace and a generated Sudoku."""
    ok = True
    print(f"{_version_string()} demo\n")

    text = _demo_text()
    num_vars, clauses = parse_dimacs(text)
    spec = _factor_spec(text)
    print("1. Factoring with SAT (bundled demo.cnf)")
    if spec:
        print(f"   find p, q > 1 with p * q = {spec[0]} (a multiplier circuit)")
    print(f"   {num_vars} variables, {len(clauses)} clauses")
    with Solver(name=args.config) as solver:
        solver.append_formula(clauses)
        started = time.perf_counter()
        result = solver.solve()
        seconds = time.perf_counter() - started
        model = solver.get_model()
        print(f"   {'SATISFIABLE' if result else 'UNSATISFIABLE'} in {seconds:.2f} s")
        if result and model is not None:
            valid = check_model(clauses, model)
            ok &= valid
            print(f"   model satisfies every clause: {'yes' if valid else 'NO'}")
            if spec:
                true = set(model)
                n, p_vars, q_vars = spec
                p = sum(1 << i for i, v in enumerate(p_vars) if v in true)
                q = sum(1 << i for i, v in enumerate(q_vars) if v in true)
                correct = p * q == n
                ok &= correct
                p, q = min(p, q), max(p, q)  # the search may find either order
                print(f"   {p} x {q} = {p * q} {'(correct)' if correct else '(WRONG)'}")
        else:
            ok = False
        _show_stats(solver, seconds)

    pigeons, holes = 8, 7
    num_vars, clauses = _pigeonhole(pigeons, holes)
    print(f"\n2. Pigeonhole: {pigeons} pigeons cannot sit in {holes} holes, one per hole")
    print(f"   {num_vars} variables, {len(clauses)} clauses; a DRAT proof is recorded")
    with Solver(name=args.config, with_proof=True) as solver:
        solver.append_formula(clauses)
        started = time.perf_counter()
        result = solver.solve()
        seconds = time.perf_counter() - started
        proof = solver.get_proof() or []
        print(f"   {'SATISFIABLE' if result else 'UNSATISFIABLE'} in {seconds:.2f} s; proof: {len(proof):,} lines")
        ok &= result is False
        _show_stats(solver, seconds)
    if result is False:
        ok &= _check_proof_demo(num_vars, clauses, proof)
    ok &= _puzzles_demo()
    print("\ndemo " + ("finished: every answer was verified" if ok else "FAILED"))
    return 0 if ok else 1


def _puzzles_demo() -> bool:
    """Countdown with its Stream of Search trace, and a generated Sudoku."""
    from clew import countdown, sudoku, traces

    numbers, target = [25, 5, 8, 4], 80
    print(f"\n3. Countdown: reach {target} from {numbers}, each number once")
    answer = countdown.solve(numbers, target)
    correct = answer is not None and eval(answer) == target  # noqa: S307 (our own ASCII expression)
    print(f"   {answer} = {target} {'(correct)' if correct else '(WRONG)'}")
    record = countdown.trace_record(numbers, target)
    verdict = traces.validate(record.text, numbers, target, style="sos")
    print(
        f"   Stream of Search DFS trace: {record.length:,} characters, {record.backtracks} backtracks, "
        f"{record.nodes_expanded} nodes expanded; every step replayed: {'valid' if verdict.valid else 'INVALID'}"
    )

    print("\n4. Sudoku: generate a puzzle with a unique solution, then solve it")
    started = time.perf_counter()
    puzzle = sudoku.generate(empty=55, unique=True, seed=2026)
    solution = sudoku.solve(puzzle)
    seconds = time.perf_counter() - started
    unique = sudoku.count_solutions(puzzle) == 1
    solved = solution is not None and all(p in ".0" or p == s for p, s in zip(puzzle, solution))
    print(f"   puzzle   {puzzle}\n   solution {solution}")
    print(f"   unique: {'yes' if unique else 'NO'}; generated and solved in {seconds * 1000:.1f} ms")
    return correct and verdict.valid and unique and solved


def _check_proof_demo(num_vars: int, clauses: list[list[int]], proof: list[str]) -> bool:
    try:
        import dratify
    except ImportError:
        print("   (install dratify to check the proof: pip install dratify)")
        return True
    started = time.perf_counter()
    result = dratify.check_proof(dratify.parse_dimacs(dimacs_text(num_vars, clauses)), "\n".join(proof))
    seconds = time.perf_counter() - started
    verdict = "VERIFIED" if result.ok else f"REJECTED ({result.reason})"
    print(f"   proof checked by dratify {dratify.__version__}: {verdict} in {seconds:.2f} s")
    return bool(result.ok)


# ----------------------------------------------------------------------------
# clew bench
# ----------------------------------------------------------------------------


# Each benchmark module exposes add_arguments(parser) and run(args) -> int.
_BENCHMARKS: dict[str, str] = {
    "sat": "clew against PySAT's solvers on instance folders and generated families",
    "countdown": "Countdown traces and instances against Stream of Search / reasoning-gym style generators",
    "sudoku": "Sudoku solving and generation against Norvig-style Python, py-sudoku and reasoning-gym",
    "generate": "clew generate end to end (1M traces to Parquet) against Stream of Search and reasoning-gym",
    "search": "batched ask/tell MCTS against LightZero's ctree and mctx (JAX on CPU)",
    "propagators": "pysat.engines.BooleanEngine on clew against PySAT's Cadical195; per-callback cost",
    "llm": "a language model as policy and value: solve rates under one token budget, throughput, llm-reasoners",
}


def _add_bench(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], load: bool) -> None:
    bench = add_command(subparsers, "bench", help="benchmarks (clew bench KIND --help)")
    kinds = bench.add_subparsers(dest="bench", metavar="KIND")
    kinds.required = True
    for name, help_text in _BENCHMARKS.items():
        parser = add_command(kinds, name, help=help_text)
        if load:
            # Lazy: benchmark modules may need the [bench] extra.
            module = importlib.import_module(f"clew.bench.{name}")
            module.add_arguments(parser)
            parser.set_defaults(func=module.run)


# ----------------------------------------------------------------------------
# clew generate
# ----------------------------------------------------------------------------


def _add_generate(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    g = add_command(
        subparsers,
        "generate",
        help="generate a search-trace dataset (Parquet shards, resumable)",
        description=(
            "Generate a search-trace dataset into DIR/{train,validation,test}/*.parquet with manifest.json and "
            "a dataset card. Same options, same bytes, whatever --workers; run the same command again to "
            "resume an interrupted run. Exit status: 0 done, 1 failure while running, 2 bad options, "
            "130 interrupted (resumable)."
        ),
    )
    g.add_argument("task", metavar="TASK", help="countdown, sudoku, sat or nlsat")
    g.add_argument("--n", type=int, default=10_000, help="records in all splits together, after deduplication")
    g.add_argument("--out", required=True, metavar="DIR", help="output directory (new, empty, or this dataset's)")
    g.add_argument("--style", default=None, help="trace style: sos, backtrack, wait, astro, compact "
                   "(default: sos for countdown, backtrack for sudoku)")
    g.add_argument("--strategy", default=None, help="search: countdown dfs|bfs|best_first|beam|mcts (default dfs); "
                   "sudoku hidden_singles|naked_singles|none, the deductions between guesses (default hidden_singles)")
    g.add_argument("--backtracks", default=None, metavar="K|LO-HI",
                   help="traces with exactly K backtracks (or one drawn per record from LO-HI); "
                   "default: the search's own trace")
    g.add_argument("--solved-only", action="store_true", help="keep only records whose trace reaches the answer")
    g.add_argument("--seed", type=int, default=0, help="dataset seed")
    g.add_argument("--format", default="parquet", choices=("parquet", "jsonl"), help="shard format")
    g.add_argument("--shard-size", type=int, default=10_000, help="records per shard")
    g.add_argument("--splits", default="0.9,0.05,0.05", help="train,validation,test fractions")
    g.add_argument("--workers", type=int, default=None, help="worker threads or Ray tasks (default: CPU count)")
    g.add_argument("--backend", default="local", choices=("local", "ray"), help="where shards are made")
    g.add_argument("--no-progress", action="store_true", help="no progress bar")
    cd = g.add_argument_group("countdown options")
    cd.add_argument("--preset", default=None, help="sos (4 numbers in 1-99, targets 10-100) or reasoning_gym")
    cd.add_argument("--numbers", default=None, metavar="K|LO-HI", help="how many input numbers")
    cd.add_argument("--values", default=None, metavar="LO-HI", help="range of the input numbers")
    cd.add_argument("--targets", default=None, metavar="LO-HI", help="range of the targets")
    cd.add_argument("--heuristic", default=None, help="sum or mult (Stream of Search's)")
    cd.add_argument("--beam-size", type=int, default=None, help="beam width for bfs/beam")
    cd.add_argument("--simulations", type=int, default=None, help="MCTS simulations per record (--strategy mcts)")
    cd.add_argument("--held-out-targets", action="store_true",
                    help="Stream of Search's held-out tenth of the targets goes to the test split")
    cd.add_argument("--node-labels", default=None, choices=("shown", "search"), help="sos labels with --backtracks: "
                    "number the nodes shown (default) or keep the full search's")
    sd = g.add_argument_group("sudoku options")
    sd.add_argument("--size", type=int, default=None, help="grid side, 4 to 25 (default 9)")
    sd.add_argument("--box", default=None, metavar="RxC", help="box shape (default: the usual one for the size)")
    sd.add_argument("--empty", default=None, metavar="K|LO-HI", help="blank cells (default: minimal puzzles)")
    sd.add_argument("--difficulty", default=None, help="a label (easy, medium, hard, ...) or an SE-like LO-HI")
    st = g.add_argument_group("sat and nlsat options")
    st.add_argument("--vars", default=None, metavar="LO-HI", help="variables per formula (default 10-30)")
    st.add_argument("--ratio", type=float, default=None, help="clauses per variable (default 4.26)")
    st.add_argument("--k", type=int, default=None, help="literals per clause (default 3)")
    st.add_argument("--max-events", type=int, default=None,
                    help="skip formulas whose search takes more events than this (default 2000)")
    g.set_defaults(func=cmd_generate)


_TASK_OPTIONS = {
    "countdown": ("preset", "numbers", "values", "targets", "heuristic", "beam_size", "held_out_targets", "simulations",
                  "node_labels"),
    "sudoku": ("size", "box", "empty", "difficulty"),
    "sat": ("vars", "ratio", "k", "max_events"),
}


def cmd_generate(args: argparse.Namespace) -> int:
    from clew import datasets

    options = {}
    for task, names in _TASK_OPTIONS.items():
        for name in names:
            value = getattr(args, name)
            if value in (None, False):
                continue
            if task != args.task.replace("nlsat", "sat"):
                args._parser.print_usage(sys.stderr)
                print(f"clew generate: error: --{name.replace('_', '-')} is a {task} option", file=sys.stderr)
                return EXIT_USAGE
            options[name] = value
    try:
        datasets.generate(
            args.task,
            args.n,
            args.out,
            style=args.style,
            strategy=args.strategy,
            backtracks=args.backtracks,
            solved_only=args.solved_only,
            seed=args.seed,
            format=args.format,
            shard_size=args.shard_size,
            splits=args.splits,
            workers=args.workers,
            backend=args.backend,
            progress=False if args.no_progress else None,
            report=True,
            **options,
        )
    except datasets.OptionError as exc:
        args._parser.print_usage(sys.stderr)
        print(f"clew generate: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("clew generate: interrupted; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (datasets.DatasetError, ClewError, OSError) as exc:
        return _error(str(exc))
    return 0


# ----------------------------------------------------------------------------
# clew neural (and clew sat --phases)
# ----------------------------------------------------------------------------


def _add_policy_commands(
    cmds: argparse._SubParsersAction[argparse.ArgumentParser],
) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """``clew neural make-policy-data|train-policy|eval-policy`` (MCTS priors); returns the two torch ones."""
    m = add_command(cmds, "make-policy-data", help="puzzle states with policy/value targets for MCTS",
                        description="Resumable (run the same command again); exit 0 done, 1 failure, 2 bad options.")
    m.add_argument("--task", required=True, help="countdown or sudoku")
    m.add_argument("--n", type=int, required=True, help="puzzles (each gives one row per state of a walk)")
    m.add_argument("--out", required=True, metavar="DIR")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--target", default="exact", help="exact (the solvers) or search (MCTS visit counts)")
    m.add_argument("--numbers", type=int, default=5, metavar="K", help="Countdown numbers per puzzle")
    m.add_argument("--empty", default="40-50", metavar="LO-HI", help="Sudoku blanks per puzzle")
    m.add_argument("--simulations", type=int, default=64, help="MCTS rounds per state for --target search")
    t = add_command(cmds, "train-policy", help="train a policy/value network on policy data")
    t.add_argument("data", metavar="DATA", nargs="+", help="make-policy-data directories (one task; rows together)")
    t.add_argument("--out", required=True, metavar="MODEL_DIR", help="checkpoints (rerun the same command to resume)")
    t.add_argument("--epochs", type=int, default=10)
    t.add_argument("--batch-size", type=int, default=256)
    t.add_argument("--lr", type=float, default=2e-3)
    t.add_argument("--hidden", type=int, help="hidden size (default: 192 Countdown, 512 Sudoku mlp, 128 Sudoku cover)")
    t.add_argument("--arch", help="Sudoku: cover (default: exact-cover constraints after singles propagation, a step "
                                  "scorer) or mlp (cells and candidates)")
    t.add_argument("--dropout", type=float, default=0.1, help="the cover network's dropout")
    t.add_argument("--rounds", type=int, default=3, help="the cover network's rounds of singles propagation")
    t.add_argument("--weight-decay", type=float, default=0.0, help="AdamW weight decay")
    t.add_argument("--seed", type=int, default=0, help="initialisation, batch order and validation split")
    e = add_command(cmds, "eval-policy", help="held-out solve rate vs simulations, learned vs baselines")
    e.add_argument("model_dir", metavar="MODEL_DIR", nargs="+", help="one or more models (e.g. one per training seed)")
    e.add_argument("--task", required=True)
    e.add_argument("--n", type=int, required=True)
    e.add_argument("--simulations", default="16,64,256", help="comma-separated simulations per move")
    e.add_argument("--out", metavar="DIR", help="write results.json, summary.md and solve_rate.png there")
    e.add_argument("--numbers", type=int, metavar="K", help="Countdown numbers (default: the training data's)")
    e.add_argument("--empty", metavar="LO-HI", help="Sudoku blanks (default: the training data's)")
    e.add_argument("--seed", type=int, default=1_000_003, help="puzzle seed (keep it apart from the training data's)")
    e.add_argument("--value", default="network", choices=("network", "playouts", "both"),
                   help="the models' values: their value head, random playouts (Sudoku), or both side by side")
    i = add_command(cmds, "improve", help="self-improvement: play with MCTS, train on the visits",
                        description="Resumable per iteration (run the same command again).")
    i.add_argument("--task", required=True)
    i.add_argument("--iterations", type=int, required=True)
    i.add_argument("--simulations", type=int, default=64)
    i.add_argument("--out", required=True, metavar="DIR")
    i.add_argument("--seed", type=int, default=0)
    i.add_argument("--n", type=int, default=200, help="held-in puzzles played per iteration")
    i.add_argument("--eval-n", type=int, default=100, help="held-out puzzles scored per iteration")
    i.add_argument("--numbers", type=int, default=5, metavar="K", help="Countdown numbers")
    i.add_argument("--epochs", type=int, default=4, help="training epochs per iteration")
    return t, e


def _add_train_lm(cmds: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """``clew neural train-lm``: a small causal language model on a dataset's traces (clew.neural.llm)."""
    lm = add_command(cmds, "train-lm", help="train a small language model (transformers) on a dataset's traces",
                     description="Needs pip install 'clew[llm]'. MODEL_DIR loads with from_pretrained and serves "
                                 "with transformers serve; rerun the same command to resume.")
    lm.add_argument("data", metavar="DATA", help="a clew generate directory (train/ and validation/ splits)")
    lm.add_argument("--out", required=True, metavar="MODEL_DIR", help="the model (rerun the same command to resume)")
    lm.add_argument("--size", default="tiny", choices=("tiny", "small"), help="tiny ~0.9M, small ~6.8M parameters")
    lm.add_argument("--steps", type=int, default=1000, help="optimizer steps")
    lm.add_argument("--context", type=int, default=1024, help="max tokens a sequence (longer ones are dropped)")
    lm.add_argument("--batch-size", type=int, default=32)
    lm.add_argument("--lr", type=float, default=3e-3, help="peak learning rate (warmup, then cosine)")
    lm.add_argument("--seed", type=int, default=0, help="initialisation, batch order and judge states")
    lm.add_argument("--no-judge", action="store_true", help="train on the traces only (no 'solvable?' examples)")
    lm.add_argument("--judge-per-trace", type=int, default=4, metavar="K", help="judge examples per trace at most")
    lm.add_argument("--eval-every", type=int, default=0, metavar="N", help="steps between validations (0: a tenth)")
    lm.add_argument("--save-every", type=int, default=0, metavar="N", help="steps between checkpoints (0: a tenth)")
    return lm


def _add_neural(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``clew neural make-phase-data|train-phases|eval-phases`` and ``clew sat --phases``.

    Only the arguments live here (torch-free); the code runs from clew.datasets (phase data, no
    torch) and clew.neural.cli (torch), imported when the command runs."""
    neural = add_command(subparsers, "neural", help="neural models: phase prediction (NeuroBack); needs pip install 'clew[neural]'")
    cmds = neural.add_subparsers(dest="neural", metavar="COMMAND")
    cmds.required = True
    m = add_command(cmds, "make-phase-data", help="formulas and their backbones as Parquet shards",
                        description="Resumable (run the same command again); exit 0 done, 1 failure, 2 bad options.")
    src = m.add_mutually_exclusive_group(required=True)
    src.add_argument("--family", metavar="SPEC", help="an instance family, e.g. sr:n=40 (clew.families)")
    src.add_argument("--from", dest="source_dir", metavar="DIR", help="every CNF file under DIR")
    m.add_argument("--n", type=int, help="formulas to try (required with --family)")
    m.add_argument("--out", required=True, metavar="DIR")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--conf-budget", type=int, default=100_000, metavar="C",
                   help="drop formulas whose backbone needs more conflicts")
    m.add_argument("--shard-size", type=int, default=256, help="formulas per shard")
    t = add_command(cmds, "train-phases", help="train a phase predictor on phase data")
    t.add_argument("data", metavar="DATA", nargs="+", help="make-phase-data directories (several: a mix)")
    t.add_argument("--out", required=True, metavar="MODEL_DIR", help="checkpoints (rerun the same command to resume)")
    t.add_argument("--epochs", type=int, default=10)
    t.add_argument("--batch-size", type=int, default=16)
    t.add_argument("--lr", type=float, default=2e-3)
    t.add_argument("--dim", type=int, default=64, help="hidden size")
    t.add_argument("--rounds", type=int, default=6, help="message-passing rounds")
    e = add_command(cmds, "eval-phases",
                        help="predicted vs default vs random phases on a family (conflicts, time, solved)")
    e.add_argument("model_dir", metavar="MODEL_DIR", nargs="+", help="one or more models (e.g. one per training seed)")
    e.add_argument("--family", required=True, metavar="SPEC")
    e.add_argument("--n", type=int, required=True)
    e.add_argument("--time-limit", type=float, metavar="S", help="seconds per solve")
    e.add_argument("--out", metavar="DIR", help="write results.json, summary.md and conflicts.png there")
    e.add_argument("--phase-threshold", type=float, default=0.9, metavar="T")
    e.add_argument("--conf-budget", type=int, default=100_000, metavar="C", help="for the backbones behind the accuracy")
    e.add_argument("--config", type=_solver_config, default="default", help="solver configuration")
    e.add_argument("--seed", type=int, default=1_000_003, help="formula seed (keep it apart from the training data's)")
    t.add_argument("--seed", type=int, default=0, help="initialisation, batch order and validation split")
    tp, ep = _add_policy_commands(cmds)
    lm = _add_train_lm(cmds)
    for p in (t, e, tp, ep, cmds.choices["improve"], lm):
        p.add_argument("--device", default="auto", help="auto (CUDA if available), cpu, cuda[:N]")
        p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")

    def run(args: argparse.Namespace) -> int:
        from clew.datasets._tasks import OptionError

        try:
            if args.neural == "make-phase-data":
                from clew.datasets._phases import make_phase_data

                manifest = make_phase_data(args.out, family=args.family, n=args.n, source_dir=args.source_dir,
                                           seed=args.seed, conf_budget=args.conf_budget, shard_size=args.shard_size)
                print(f"clew neural make-phase-data: {manifest['total']:,} formulas -> {args.out} "
                      f"(of {manifest['candidates']:,}; dropped {manifest['dropped']})", file=sys.stderr)
                return 0
            if args.neural == "make-policy-data":
                from clew.datasets._policy import make_policy_data

                manifest = make_policy_data(args.out, task=args.task, n=args.n, seed=args.seed, target=args.target,
                                            numbers=args.numbers, empty=args.empty, simulations=args.simulations)
                print(f"clew neural make-policy-data: {manifest['total']:,} states of {manifest['puzzles']:,} "
                      f"puzzles ({manifest['solvable']:,} solvable) -> {args.out}", file=sys.stderr)
                return 0
            from clew.neural import cli as neural_cli

            return int(getattr(neural_cli, "cmd_" + args.neural.replace("-", "_"))(args))
        except OptionError as exc:
            print(f"clew neural {args.neural}: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except KeyboardInterrupt:
            print(f"clew neural {args.neural}: interrupted; run the same command again to resume", file=sys.stderr)
            return 130
        except (ImportError, ClewError, OSError) as exc:
            return _error(str(exc))

    def seed_phases(solver: _core.SatSolver, clauses: list[list[int]], num_vars: int, args: argparse.Namespace,
                    comment: Callable[[str], None]) -> int:
        try:
            from clew.neural.cli import seed_sat_phases

            seed_sat_phases(solver, clauses, num_vars, args.phases, args.phase_threshold, comment)
        except (ImportError, ClewError, OSError) as exc:
            return _error(f"--phases {args.phases}: {exc}")
        return 0

    for p in (m, t, e, tp, ep, cmds.choices["make-policy-data"], cmds.choices["improve"], lm):
        p.set_defaults(func=run)
    sat = subparsers.choices["sat"]
    sat.add_argument("--phases", metavar="MODEL_DIR", help="seed phases predicted by a clew neural phase model")
    sat.add_argument("--phase-threshold", type=float, default=0.9, metavar="T",
                     help="seed only the phases predicted with at least this confidence")
    sat.set_defaults(seed_phases=seed_phases)


# ----------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------


DESCRIPTION = (
    "clew: a Rust-accelerated search and solver engine. A CDCL SAT solver with DRAT proofs, Sudoku and "
    "Countdown solvers, search traces of every search in dataset styles (Stream of Search and others), "
    "trace validators, scorers for model completions, batched MCTS, and the benchmarks against their anchors."
)
EPILOG = (
    "Run 'clew COMMAND --help' for a command's options. Exit status: 0 success (clew sat: unknown), "
    "10 satisfiable, 20 unsatisfiable or no solution, 1 error or invalid traces, 2 bad usage, "
    "130 interrupted. See docs/cli.md."
)


def _add_demo(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = add_command(subparsers, "demo", help="solve the bundled instances and print results and statistics")
    demo.add_argument("--config", choices=CONFIGS, default="default", help="solver configuration")
    demo.set_defaults(func=cmd_demo)


def _add_sat(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sat = add_command(
        subparsers,
        "sat",
        help="solve a DIMACS CNF file (plain, .gz, .xz, .bz2) with SAT-competition output",
        description="Solve a DIMACS CNF file. Exit status: 10 SAT, 20 UNSAT, 0 unknown, 1 input error, 2 usage.",
    )
    sat.add_argument("file", metavar="FILE", help="DIMACS CNF file, possibly compressed; '-' reads stdin")
    sat.add_argument("--proof", metavar="FILE", help="write a DRAT proof to FILE (text unless --binary-proof)")
    sat.add_argument("--binary-proof", action="store_true", help="write the proof in binary DRAT")
    sat.add_argument("--time-limit", metavar="S", type=_positive_seconds, help="give up after S seconds")
    sat.add_argument(
        "--config",
        type=_solver_config,
        default="default",
        help=f"preset ({', '.join(CONFIGS)}; default: default), optionally with options: default,chrono=100,stable=1",
    )
    sat.add_argument("--relaxed", action="store_true", help="accept a clause count differing from the header")
    sat.add_argument("-q", "--quiet", action="store_true", help="print only the s and v lines")
    sat.set_defaults(func=cmd_sat)


def build_parser(load_bench: bool = False) -> argparse.ArgumentParser:
    """The argument parser; ``clew.bench.*`` is imported only with ``load_bench``
    (``clew.neural.cli``, which needs torch, only when a ``clew neural`` command runs)."""
    parser = argparse.ArgumentParser(
        prog="clew", description=DESCRIPTION, epilog=EPILOG, formatter_class=HelpFormatter
    )
    parser.add_argument("--version", action="version", version=_version_string())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # One call per area, in the order `clew --help` lists them.
    _add_sat(sub)
    _sudoku.add_parser(sub)
    _countdown.add_parser(sub)
    _add_generate(sub)
    _score.add_parser(sub)
    _validate.add_parser(sub)
    _add_bench(sub, load_bench)
    _add_demo(sub)
    _add_neural(sub)
    _experiment.add_parser(sub)
    parser.set_defaults(_commands=tuple(sub.choices))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``clew`` command with ``argv`` (default: ``sys.argv[1:]``); returns the exit status
    (argparse's own exits, ``--help`` and usage errors, raise SystemExit)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = args_list[0] if args_list else None
    try:
        parser = build_parser(load_bench=first == "bench")
    except ImportError as exc:
        return _error(f"clew bench needs extra dependencies ({exc}); try: pip install 'clew[bench]'")
    args, extra = parser.parse_known_args(args_list)
    command_parser: argparse.ArgumentParser = getattr(args, "_parser", parser)
    if extra:  # found after the subcommand's own parse: its usage, not the top level's
        command_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command is None:
        parser.print_usage(sys.stderr)
        print(f"clew: error: a command is required ({', '.join(args._commands)})", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "sat" and args.binary_proof and args.proof is None:
        command_parser.error("--binary-proof needs --proof FILE")
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:  # a group such as `clew neural` whose module added no action
        command_parser.print_usage(sys.stderr)
        print(f"{command_parser.prog}: error: an action is required", file=sys.stderr)
        return EXIT_USAGE
    try:
        return func(args)
    except BrokenPipeError:  # e.g. `clew sat x.cnf | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt:  # commands without their own handling (clew sat and generate have theirs)
        print(f"{command_parser.prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
