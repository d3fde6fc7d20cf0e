"""SAT benchmark harness: clew against PySAT's MiniSat 2.2, Glucose 4, CaDiCaL 1.9.5
and Kissat 4.0.4, in the same run, on instance folders and seeded families.

    python -m clew.bench.sat --instances ../shared/benchmarks/sat --families UF250,UUF250
    python -m clew.bench.sat --generated --time-limit 60 --out bench-results/gen
    python -m clew.bench.sat --smoke            # tiny, < 30 s (CI)
    clew bench sat ...                          # the same options

Every (solver, instance) pair runs in its own worker process (forked), killed
when it passes the per-instance time limit, so a solver that cannot be
interrupted (Kissat in PySAT) cannot hang the run. The time of a run is the
wall-clock time of building the solver with the clauses plus ``solve()``;
parsing is not counted. With ``--jobs 1`` (the default) one solver runs at a
time; with more jobs, runs share the machine and timings are noisier.

Every SAT answer's model is checked against the formula; answers are compared
across solvers and with the known answer of the instance; any disagreement is
printed loudly and makes the exit status 1. PAR-2 counts an unsolved instance
(timeout, error, wrong answer) as twice the time limit.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import datetime as _dt
import fnmatch
import gzip
import json
import lzma
import multiprocessing as mp
import os
import platform
import re
import signal
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import wait as mp_wait
from pathlib import Path
from typing import Any

from clew._table import markdown_table, text_table
from clew.bench import families as fam

ALL_SOLVERS = ("clew", "minisat22", "glucose4", "cadical195", "kissat404")
PYSAT_SOLVERS = ALL_SOLVERS[1:]
REFERENCE = "minisat22"
CNF_SUFFIXES = (".cnf", ".dimacs", ".cnf.gz", ".cnf.xz", ".cnf.bz2", ".cnf.lzma", ".dimacs.gz", ".dimacs.xz", ".dimacs.bz2")
SMOKE_TIME_LIMIT = 5.0

# Known answers of the files in ../shared/benchmarks/sat (see its README), by file stem.
KNOWN_ANSWERS: dict[str, bool] = {
    "38bits_10.dimacs": True,
    "44bits_11.dimacs": True,
    "manthey_DimacsSorter_28_3": True,
    "assoc_mult_err_3.c": False,
    "dist4.c": False,
    # p01_lb_05: the shared README lists it as SAT, but clew, Glucose 4, CaDiCaL 1.9.5 and
    # Kissat 4.0.4 all answer UNSAT (12-36 s); left unlabelled, the cross-check still applies.
    "quad_res_r21_m22": True,
}
KNOWN_FAMILY_ANSWERS: dict[str, bool] = {"satrace2015": True, "sudoku": True}


# --------------------------------------------------------------------------- instances


@dataclass
class Instance:
    family: str
    name: str
    path: str | None = None  # a DIMACS file, or
    make: Callable[[], fam.Formula] | None = None  # a generator
    expected: bool | None = None

    @property
    def key(self) -> str:
        return f"{self.family}/{self.name}"


def _natural_key(s: str) -> list[Any]:
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", s)]


def _is_cnf_file(p: Path) -> bool:
    n = p.name.lower()
    return p.is_file() and (n.endswith(CNF_SUFFIXES) or n.endswith((".gz", ".xz", ".bz2")) and ".cnf" in n)


def _expected_for_file(family: str, path: Path) -> bool | None:
    stem = path.name
    for suf in (".gz", ".xz", ".bz2", ".lzma"):
        if stem.endswith(suf):
            stem = stem[: -len(suf)]
    if stem.endswith(".cnf"):
        stem = stem[:-4]
    low = stem.lower()
    if stem in KNOWN_ANSWERS:
        return KNOWN_ANSWERS[stem]
    if low.startswith("uuf"):
        return False
    if low.startswith("uf"):
        return True
    return KNOWN_FAMILY_ANSWERS.get(family.lower())


def discover_files(root: Path) -> list[Instance]:
    """Each sub-folder of ``root`` is a family; CNF files directly in ``root``
    form a family named after ``root``."""
    if not root.is_dir():
        raise FileNotFoundError(f"--instances: no such folder: {root}")
    groups: list[tuple[str, list[Path]]] = []
    direct = sorted((p for p in root.iterdir() if _is_cnf_file(p)), key=lambda p: _natural_key(p.name))
    if direct:
        groups.append((root.name, direct))
    for sub in sorted((d for d in root.iterdir() if d.is_dir()), key=lambda d: _natural_key(d.name)):
        files = sorted((p for p in sub.rglob("*") if _is_cnf_file(p)), key=lambda p: _natural_key(str(p.relative_to(sub))))
        if files:
            groups.append((sub.name, files))
    out = []
    for family, files in groups:
        for p in files:
            out.append(Instance(family, p.name, path=str(p), expected=_expected_for_file(family, p)))
    return out


def generated_instances(smoke: bool) -> list[Instance]:
    return [Instance(g.family, g.name, make=g.make) for g in fam.generated_suite(smoke=smoke)]


def select(instances: list[Instance], families: list[str] | None, limit: int | None) -> list[Instance]:
    if families:
        pats = [f.lower() for f in families]
        instances = [i for i in instances if any(fnmatch.fnmatchcase(i.family.lower(), p) for p in pats)]
    if limit is not None:
        seen: dict[str, int] = {}
        kept = []
        for i in instances:
            seen[i.family] = seen.get(i.family, 0) + 1
            if seen[i.family] <= limit:
                kept.append(i)
        instances = kept
    return instances


def _open_text(path: str):  # type: ignore[no-untyped-def]
    low = path.lower()
    if low.endswith(".gz"):
        return gzip.open(path, "rt", encoding="ascii", errors="replace")
    if low.endswith((".xz", ".lzma")):
        return lzma.open(path, "rt", encoding="ascii", errors="replace")
    if low.endswith(".bz2"):
        return bz2.open(path, "rt", encoding="ascii", errors="replace")
    return open(path, encoding="ascii", errors="replace")


def _parse_dimacs_fallback(path: str) -> tuple[int, list[list[int]]]:
    """A lenient DIMACS reader (used until clew.sat.load_dimacs exists)."""
    num_vars = 0
    clauses: list[list[int]] = []
    cur: list[int] = []
    with _open_text(path) as fh:
        for line in fh:
            s = line.strip()
            if not s or s[0] == "c":
                continue
            if s[0] == "%":
                break
            if s[0] == "p":
                num_vars = int(s.split()[2])
                continue
            for tok in s.split():
                lit = int(tok)
                if lit == 0:
                    clauses.append(cur)
                    cur = []
                else:
                    cur.append(lit)
                    num_vars = max(num_vars, abs(lit))
    if cur:
        clauses.append(cur)
    return num_vars, clauses


def load_instance(inst: Instance) -> fam.Formula:
    if inst.make is not None:
        f = inst.make()
        return fam.Formula(f.num_vars, f.clauses, f.expected if inst.expected is None else inst.expected)
    assert inst.path is not None
    loader = _clew_loader()
    if loader is not None:
        import warnings  # noqa: PLC0415

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. a clause count that differs from the header
            try:
                nv, clauses = loader(inst.path, strict=False)[:2]
            except TypeError:
                nv, clauses = loader(inst.path)[:2]
    else:
        nv, clauses = _parse_dimacs_fallback(inst.path)
    return fam.Formula(nv, [list(c) for c in clauses], inst.expected)


def _clew_loader() -> Callable[..., Any] | None:
    try:
        import clew.sat as csat  # noqa: PLC0415
    except Exception:
        return None
    return getattr(csat, "load_dimacs", None)


# --------------------------------------------------------------------------- solvers


def clew_info() -> tuple[bool, str]:
    """(is clew.sat.Solver importable, a line describing the build)."""
    try:
        import clew  # noqa: PLC0415
        import clew.sat as csat  # noqa: PLC0415
        from clew import _core  # noqa: PLC0415
    except Exception as e:  # noqa: BLE001
        return False, f"clew.sat not importable ({type(e).__name__}: {e}); build it with `maturin develop --release`"
    if not hasattr(csat, "Solver"):
        return False, "clew.sat has no Solver yet"
    version = getattr(clew, "__version__", getattr(_core, "__version__", "?"))
    profile = getattr(_core, "__build_profile__", None)
    path = getattr(_core, "__file__", "?")
    if profile is None:
        guess = _elf_profile_guess(path)
        profile = f"{guess} (guessed from debug sections of the .so)" if guess else "unknown"
    note = "" if profile == "release" else "  <-- NOT a release build: timings are meaningless; run `maturin develop --release`"
    try:
        built = _dt.datetime.fromtimestamp(os.path.getmtime(path)).isoformat(timespec="seconds")
    except (OSError, TypeError):
        built = "?"
    return True, f"clew {version}, extension built in {profile} profile ({path}, modified {built}){note}"


def _elf_profile_guess(path: str) -> str | None:
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if not data.startswith(b"\x7fELF"):
        return None
    return "debug" if b".debug_info" in data else "release"


def pysat_version() -> str:
    try:
        import pysat  # type: ignore[import-untyped]  # noqa: PLC0415

        return str(getattr(pysat, "__version__", "?"))
    except Exception:  # noqa: BLE001
        return "not installed"


def clew_config(name: str) -> str | None:
    """The clew configuration of a bench solver name: ``clew`` is the default,
    ``clew:chrono=0:stable=1`` the default with those options, ``clew=CONFIG``
    the configuration string CONFIG; None if not clew."""
    if name == "clew":
        return "default"
    if name.startswith("clew="):  # a configuration string verbatim (clew.sat.sweep)
        return name[5:]
    if name.startswith("clew:"):
        return ",".join(["default", *name[5:].split(":")])
    return None


# Ablation: each technique's option and its (off, on) values; `--ablation`
# runs clew's defaults and, per technique, the defaults with that option flipped.
ABLATION: tuple[tuple[str, str, str], ...] = (
    ("stable", "0", "1"),
    ("vmtf", "0", "2"),
    ("target", "0", "1"),
    ("rephase", "0", "1"),
    ("chrono", "0", "100"),
    ("lazy_detach", "0", "1"),
    ("reuse_trail", "0", "1"),
    ("walk", "0", "1"),
    ("vivify", "0", "1"),
    ("vivify_irred", "0", "1"),
    ("shrink", "0", "1"),
    ("bump_reasons", "0", "1"),
    ("subsume", "0", "1"),
    ("elim", "0", "1"),
    ("probe", "0", "1"),
    ("subst", "0", "1"),
)
ALL_OFF = "clew:" + ":".join(f"{opt}={off}" for opt, off, _ in ABLATION)


def ablation_solvers() -> list[str]:
    """clew's defaults, one variant per technique with it flipped, and all off."""
    from clew._core import sat_options  # noqa: PLC0415

    defaults = dict(sat_options("default"))
    out = ["clew"]
    for opt, off, on in ABLATION:
        out.append(f"clew:{opt}={off if defaults[opt] == on else on}")
    out.append(ALL_OFF)
    return out


def format_ablation(stats: list[FamilyStats], markdown: bool = False) -> str:
    """Per technique and family: solved, PAR-2 and median conflicts with the
    technique off and on (everything else at clew's defaults), and the other
    solvers of the run for reference."""
    from clew._core import sat_options  # noqa: PLC0415

    defaults = dict(sat_options("default"))
    by = {(s.family, s.solver): s for s in stats}
    families = list(dict.fromkeys(s.family for s in stats))
    others = list(dict.fromkeys(s.solver for s in stats if clew_config(s.solver) is None))

    def cell(st: FamilyStats | None) -> str:
        if st is None:
            return "--"
        return f"{st.solved}/{st.instances}, {st.par2:.1f}, {_fmt(st.median_conflicts, '.0f')}"

    head = ["technique", "family", "off: solved, PAR-2, med. confl.", "on: solved, PAR-2, med. confl.", "on/off PAR-2"]
    head += [f"{o} PAR-2" for o in others]
    rows = []
    items = [(opt, off, on) for opt, off, on in ABLATION] + [("all", "", "")]
    for opt, off, on in items:
        if opt == "all":
            off_name, on_name = ALL_OFF, "clew"
        else:
            variant = f"clew:{opt}={off if defaults[opt] == on else on}"
            off_name, on_name = (variant, "clew") if defaults[opt] == on else ("clew", variant)
        for famname in families:
            a, b = by.get((famname, off_name)), by.get((famname, on_name))
            if a is None and b is None:
                continue
            ratio = b.par2 / a.par2 if a and b and a.par2 > 0 else None
            row = [f"{opt}{' (default on)' if opt != 'all' and defaults[opt] == on else ''}", famname, cell(a), cell(b), _fmt(ratio, ".2f")]
            row += [_fmt(by[(famname, o)].par2 if (famname, o) in by else None, ".1f") for o in others]
            rows.append(row)
    return markdown_table(head, rows) if markdown else text_table(head, rows)


def _make_solver(name: str, clauses: list[list[int]]) -> Any:
    config = clew_config(name)
    if config is not None:
        from clew.sat import Solver as ClewSolver  # noqa: PLC0415

        return ClewSolver(name=config, bootstrap_with=clauses)
    from pysat.solvers import Solver  # type: ignore[import-untyped]  # noqa: PLC0415

    return Solver(name=name, bootstrap_with=clauses)


# --------------------------------------------------------------------------- worker

_FORMULAS: dict[int, fam.Formula] = {}  # filled by the parent before fork


def _worker(solver_name: str, formula_id: int, conn: Any) -> None:
    """Runs in the forked child: build, solve, check the model, report."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills us
    f = _FORMULAS[formula_id]
    out: dict[str, Any] = {}
    try:
        c0, t0 = time.process_time(), time.perf_counter()
        s = _make_solver(solver_name, f.clauses)
        t1 = time.perf_counter()
        r = s.solve()
        t2, c2 = time.perf_counter(), time.process_time()
        out.update(build_s=t1 - t0, solve_s=t2 - t1, wall_s=t2 - t0, cpu_s=c2 - c0)
        if r is True:
            model = s.get_model()
            if model is None:
                out["status"] = "WRONG-MODEL"
                out["note"] = "SAT but get_model() is None"
            elif fam.check_model(f.clauses, model):
                out["status"] = "SAT"
            else:
                out["status"] = "WRONG-MODEL"
                bad = next(c for c in f.clauses if not any(lit in set(model) for lit in c))
                out["note"] = f"model falsifies clause {bad[:8]}"
        elif r is False:
            out["status"] = "UNSAT"
        else:
            out["status"] = "UNKNOWN"
        try:
            st = s.accum_stats() or {}
            for k in ("conflicts", "decisions", "propagations", "restarts"):
                if k in st:
                    out[k] = int(st[k])
        except Exception:  # noqa: BLE001  (kissat404: not exposed)
            pass
        try:
            s.delete()
        except Exception:  # noqa: BLE001
            pass
    except BaseException as e:  # noqa: BLE001
        out["status"] = "ERROR"
        out["note"] = f"{type(e).__name__}: {e}"[:300]
    conn.send(out)
    conn.close()


# --------------------------------------------------------------------------- running


@dataclass
class Result:
    family: str
    instance: str
    solver: str
    status: str  # SAT UNSAT UNKNOWN TIMEOUT ERROR WRONG-MODEL WRONG-ANSWER
    wall_s: float | None = None
    cpu_s: float | None = None
    build_s: float | None = None
    solve_s: float | None = None
    conflicts: int | None = None
    decisions: int | None = None
    propagations: int | None = None
    restarts: int | None = None
    expected: str = ""
    num_vars: int = 0
    num_clauses: int = 0
    note: str = ""

    def solved(self, limit: float, clock: str = "wall") -> bool:
        t = self.time(clock)
        return self.status in ("SAT", "UNSAT") and t is not None and t <= limit

    def time(self, clock: str = "wall") -> float | None:
        return self.cpu_s if clock == "cpu" else self.wall_s


@dataclass
class _Running:
    inst_idx: int
    solver: str
    proc: Any
    conn: Any
    deadline: float
    started: float


@dataclass
class Runner:
    instances: list[Instance]
    solvers: list[str]
    time_limit: float
    jobs: int = 1
    quiet: bool = False
    results: list[Result] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)

    def run(self) -> list[Result]:
        ctx = mp.get_context("fork")
        todo = [(i, s) for i in range(len(self.instances)) for s in self.solvers]
        pending_per_inst = {i: len(self.solvers) for i in range(len(self.instances))}
        total = len(todo)
        done = 0
        running: list[_Running] = []
        by_inst: dict[int, list[Result]] = {}
        pos = 0
        grace = 1.0
        try:
            while pos < len(todo) or running:
                while pos < len(todo) and len(running) < self.jobs:
                    i, s = todo[pos]
                    pos += 1
                    if i not in _FORMULAS:
                        t = time.perf_counter()
                        try:
                            _FORMULAS[i] = load_instance(self.instances[i])
                        except Exception as e:  # noqa: BLE001
                            self._alarm(f"cannot load {self.instances[i].key}: {type(e).__name__}: {e}")
                            self._skip(i, f"cannot load: {type(e).__name__}: {e}"[:300])
                            pending_per_inst[i] = 0
                            done += len(self.solvers)
                            pos = max(pos, max(k for k, (j, _) in enumerate(todo) if j == i) + 1)
                            continue
                        if not self.quiet and time.perf_counter() - t > 2:
                            print(f"  (loading {self.instances[i].key} took {time.perf_counter() - t:.1f} s)", flush=True)
                    rd, wr = ctx.Pipe(duplex=False)
                    p = ctx.Process(target=_worker, args=(s, i, wr), daemon=True)
                    now = time.perf_counter()
                    p.start()
                    wr.close()
                    running.append(_Running(i, s, p, rd, now + self.time_limit + grace, now))
                if not running:
                    continue
                now = time.perf_counter()
                timeout = max(0.0, min(r.deadline for r in running) - now)
                mp_wait([r.conn for r in running] + [r.proc.sentinel for r in running], timeout=timeout)
                now = time.perf_counter()
                still = []
                for r in running:
                    res = self._collect(r, now)
                    if res is None:
                        still.append(r)
                        continue
                    done += 1
                    by_inst.setdefault(r.inst_idx, []).append(res)
                    self.results.append(res)
                    if not self.quiet:
                        self._progress(done, total, res)
                    pending_per_inst[r.inst_idx] -= 1
                    if pending_per_inst[r.inst_idx] == 0:
                        self._cross_check(r.inst_idx, by_inst.pop(r.inst_idx))
                        _FORMULAS.pop(r.inst_idx, None)
                running = still
        finally:
            for r in running:
                _kill(r.proc)
        return self.results

    def _skip(self, idx: int, note: str) -> None:
        inst = self.instances[idx]
        for s in self.solvers:
            self.results.append(Result(family=inst.family, instance=inst.name, solver=s, status="ERROR", note=note))

    def _collect(self, r: _Running, now: float) -> Result | None:
        inst = self.instances[r.inst_idx]
        f = _FORMULAS[r.inst_idx]
        base: dict[str, Any] = dict(
            family=inst.family,
            instance=inst.name,
            solver=r.solver,
            expected={True: "SAT", False: "UNSAT", None: ""}[f.expected],
            num_vars=f.num_vars,
            num_clauses=len(f.clauses),
        )
        data: dict[str, Any] | None = None
        if r.conn.poll():
            try:
                data = r.conn.recv()
            except (EOFError, OSError):
                data = None
            if data is None and not r.proc.is_alive():
                r.proc.join()
                return Result(**base, status="ERROR", note=f"worker died (exit code {r.proc.exitcode})")
        elif not r.proc.is_alive():
            r.proc.join()
            return Result(**base, status="ERROR", note=f"worker died (exit code {r.proc.exitcode})")
        elif now >= r.deadline:
            _kill(r.proc)
            r.conn.close()
            return Result(**base, status="TIMEOUT", wall_s=None, note=f"killed at {self.time_limit:g} s")
        if data is None:
            return None
        r.proc.join(timeout=5)
        if r.proc.is_alive():
            _kill(r.proc)
        r.conn.close()
        res = Result(**base, **{k: v for k, v in data.items() if k in Result.__dataclass_fields__})
        if res.status in ("SAT", "UNSAT", "UNKNOWN") and res.wall_s is not None and res.wall_s > self.time_limit:
            res.note = f"answered after the limit ({res.wall_s:.2f} s)"
            res.status = "TIMEOUT"
        if res.status == "WRONG-MODEL":
            self._alarm(f"{inst.key}: {r.solver} returned a model that does not satisfy the formula ({res.note})")
        elif res.status == "ERROR":
            self._alarm(f"{inst.key}: {r.solver} failed: {res.note}")
        elif res.status == "UNSAT" and f.expected is True:
            res.status = "WRONG-ANSWER"
            res.note = "UNSAT but the instance is known SAT"
            self._alarm(f"{inst.key}: {r.solver} says UNSAT, but the instance is known to be SAT")
        return res

    def _cross_check(self, idx: int, results: list[Result]) -> None:
        inst = self.instances[idx]
        sat = [r.solver for r in results if r.status == "SAT"]  # models verified
        unsat = [r.solver for r in results if r.status == "UNSAT"]
        if sat and unsat:
            self._alarm(f"{inst.key}: DISAGREEMENT: SAT (verified model) by {sat}, UNSAT by {unsat}")
            for r in results:
                if r.status == "UNSAT":
                    r.status = "WRONG-ANSWER"
                    r.note = f"UNSAT but {sat[0]} found a verified model"
        if sat and _FORMULAS[idx].expected is False:
            self._alarm(f"{inst.key}: the instance is labelled UNSAT but {sat} found a verified model: the label is wrong")

    def _alarm(self, msg: str) -> None:
        line = f"!!! {msg}"
        self.alarms.append(msg)
        print(line, file=sys.stderr, flush=True)

    def _progress(self, done: int, total: int, r: Result) -> None:
        t = f"{r.wall_s:8.2f}s" if r.wall_s is not None else "       --"
        confl = f" conflicts={r.conflicts}" if r.conflicts is not None else ""
        note = f"  [{r.note}]" if r.note else ""
        print(f"[{done:>{len(str(total))}}/{total}] {r.family + '/' + r.instance:<36} {r.solver:<10} {r.status:<12}{t}{confl}{note}", flush=True)


def _kill(proc: Any) -> None:
    if proc.is_alive():
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.join(timeout=5)


# --------------------------------------------------------------------------- reports


@dataclass
class FamilyStats:
    family: str
    solver: str
    instances: int
    solved: int
    sat: int
    unsat: int
    time_solved: float
    cpu_solved: float
    par2: float
    median_conflicts: float | None
    wrong: int


def summarize(results: list[Result], solvers: list[str], limit: float, clock: str) -> list[FamilyStats]:
    families: list[str] = list(dict.fromkeys(r.family for r in results))
    out = []
    for famname in families + ["ALL"]:
        for s in solvers:
            rs = [r for r in results if r.solver == s and (famname == "ALL" or r.family == famname)]
            if not rs:
                continue
            solved = [r for r in rs if r.solved(limit, clock)]
            confl = [r.conflicts for r in solved if r.conflicts is not None]
            out.append(
                FamilyStats(
                    family=famname,
                    solver=s,
                    instances=len(rs),
                    solved=len(solved),
                    sat=sum(r.status == "SAT" for r in solved),
                    unsat=sum(r.status == "UNSAT" for r in solved),
                    time_solved=sum(r.wall_s or 0.0 for r in solved),
                    cpu_solved=sum(r.cpu_s or 0.0 for r in solved),
                    par2=sum((r.time(clock) or 0.0) if r.solved(limit, clock) else 2 * limit for r in rs),
                    median_conflicts=statistics.median(confl) if confl else None,
                    wrong=sum(r.status in ("WRONG-MODEL", "WRONG-ANSWER") for r in rs),
                )
            )
    return out


def _ratios(stats: list[FamilyStats], famname: str) -> tuple[float | None, str, float | None]:
    rows = {s.solver: s for s in stats if s.family == famname}
    if "clew" not in rows:
        return None, "", None
    others = [s for s in rows.values() if clew_config(s.solver) is None]
    best = min(others, key=lambda s: s.par2) if others else None
    vs_best = rows["clew"].par2 / best.par2 if best and best.par2 > 0 else None
    ref = rows.get(REFERENCE)
    vs_ref = rows["clew"].par2 / ref.par2 if ref and ref.par2 > 0 else None
    return vs_best, best.solver if best else "", vs_ref


def _fmt(x: float | None, spec: str) -> str:
    return "--" if x is None else format(x, spec)


def format_table(stats: list[FamilyStats], markdown: bool = False, clock: str = "wall") -> str:
    head = ["family", "solver", "solved", "SAT/UNSAT", "wall (s)", "cpu (s)", f"PAR-2 {clock} (s)", "median conflicts", "clew/best PAR-2", "clew/minisat22 PAR-2"]
    rows = []
    for st in stats:
        vs_best, best, vs_ref = _ratios(stats, st.family) if st.solver == "clew" else (None, "", None)
        rows.append(
            [
                st.family,
                st.solver,
                f"{st.solved}/{st.instances}" + (f" ({st.wrong} WRONG)" if st.wrong else ""),
                f"{st.sat}/{st.unsat}",
                f"{st.time_solved:.2f}",
                f"{st.cpu_solved:.2f}",
                f"{st.par2:.2f}",
                _fmt(st.median_conflicts, ".0f"),
                f"{vs_best:.2f} (best: {best})" if vs_best is not None else "",
                f"{vs_ref:.2f}" if vs_ref is not None else "",
            ]
        )
    return markdown_table(head, rows) if markdown else text_table(head, rows, group_first=True)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def header_lines(args: argparse.Namespace, solvers: list[str], clew_line: str, n_inst: int) -> list[str]:
    return [
        f"clew SAT benchmark  {_dt.datetime.now().isoformat(timespec='seconds')}",
        f"machine: {_cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; Python {platform.python_version()}; PySAT {pysat_version()}",
        f"clew: {clew_line}",
        f"solvers: {', '.join(solvers)}; {n_inst} instances; time limit {args.time_limit:g} s per instance (PAR-2 = 2x limit when unsolved)",
        f"jobs: {args.jobs} -- each (solver, instance) runs in its own process; times are that process's "
        f"{'CPU' if args.clock == 'cpu' else 'wall-clock'} time for building the solver + solve(), parsing excluded"
        + ("" if args.jobs == 1 else f"; {args.jobs} runs share the machine, so timings are noisier"),
    ]


def write_outputs(out: Path, results: list[Result], stats: list[FamilyStats], header: list[str], args: argparse.Namespace, alarms: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    fields = list(Result.__dataclass_fields__)
    with open(out / "results.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for r in results:
            w.writerow(asdict(r))
    meta = {k: _jsonable(v) for k, v in vars(args).items() if k != "func" and not callable(v)}
    with open(out / "results.json", "w") as fh:
        json.dump(
            {"header": header, "args": meta, "alarms": alarms, "summary": [asdict(s) for s in stats], "results": [asdict(r) for r in results]},
            fh,
            indent=1,
        )
    (out / "summary.md").write_text("\n".join(f"<!-- {h} -->" for h in header) + "\n\n" + format_table(stats, markdown=True, clock=args.clock) + "\n")
    png = cactus_plot(results, args.time_limit, args.clock, out / "cactus.png")
    print(f"results written to {out}/ (results.csv, results.json, summary.md{', cactus.png' if png else ''})")


def _jsonable(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (str, int, float, bool, type(None))):
        return v
    return str(v)


def cactus_plot(results: list[Result], limit: float, clock: str, path: Path) -> bool:
    try:
        import matplotlib  # noqa: PLC0415

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except Exception:  # noqa: BLE001
        return False
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for s in dict.fromkeys(r.solver for r in results):
        ts = sorted(r.time(clock) or 0.0 for r in results if r.solver == s and r.solved(limit, clock))
        if ts:
            ax.plot(range(1, len(ts) + 1), ts, marker=".", label=f"{s} ({len(ts)})")
    ax.set_yscale("log")
    ax.set_xlabel("instances solved")
    ax.set_ylabel(f"time per instance ({clock}, s)")
    ax.set_title(f"cactus plot, limit {limit:g} s")
    ax.axhline(limit, color="grey", lw=0.5, ls="--")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


# --------------------------------------------------------------------------- CLI


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``clew bench sat`` / ``python -m clew.bench.sat``."""
    parser.add_argument("--instances", metavar="DIR", type=Path, action="append", help="folder of instance families (each sub-folder is a family; .cnf/.gz/.xz/.bz2); may repeat")
    parser.add_argument("--generated", action="store_true", help="run the seeded generated families (random 3-SAT, PHP, genhard PAR/GT/CB, factoring, BMC counter)")
    parser.add_argument("--families", metavar="A,B", help="only these families (comma-separated, glob patterns, case-insensitive)")
    parser.add_argument("--limit-per-family", metavar="N", type=int, help="at most N instances per family (first in natural order)")
    parser.add_argument("--time-limit", metavar="S", type=float, default=None, help="per-instance time limit in seconds (default 60; 5 with --smoke)")
    parser.add_argument("--solvers", metavar="A,B", help=f"comma-separated subset of {','.join(ALL_SOLVERS)} (default: all; clew is skipped with a note when not built)")
    parser.add_argument("--smoke", action="store_true", help="tiny generated instances and limits; finishes in < 30 s (CI)")
    parser.add_argument("--jobs", type=int, default=1, help="runs in parallel (default 1: timings are per process, and parallel runs disturb each other)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall", help="time used for the tables and PAR-2 (the kill limit is always wall-clock)")
    parser.add_argument("--out", metavar="DIR", type=Path, help="write results.csv, results.json, summary.md and (with matplotlib) cactus.png here")
    parser.add_argument("--from-csv", metavar="FILE", type=Path, help="do not run: re-tabulate a results.csv written by --out (with this --time-limit and --clock)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no per-run progress lines")
    parser.add_argument("--ablation", action="store_true", help=f"run clew's defaults and, per technique ({', '.join(opt for opt, _, _ in ABLATION)}), the defaults with it flipped, plus all of them off, then print off/on per family; --solvers adds reference solvers (e.g. minisat22,cadical195)")


def _split(s: str | None) -> list[str] | None:
    return [x.strip() for x in s.split(",") if x.strip()] if s else None


def run(args: argparse.Namespace) -> int:
    """Run the benchmark described by parsed ``args``; returns the exit status
    (0 fine, 1 a wrong or disagreeing answer, 2 bad usage)."""
    if args.time_limit is None:
        args.time_limit = SMOKE_TIME_LIMIT if args.smoke else 60.0
    if args.time_limit <= 0 or args.jobs < 1:
        print("error: --time-limit must be > 0 and --jobs >= 1", file=sys.stderr)
        return 2
    if args.from_csv:
        return _retabulate(args)
    available, clew_line = clew_info()
    wanted = _split(args.solvers)
    if args.ablation:
        if not available:
            print(f"error: --ablation needs clew but {clew_line}", file=sys.stderr)
            return 2
        wanted = ablation_solvers() + [s for s in wanted or [] if clew_config(s) is None]
    if wanted:
        unknown = [s for s in wanted if s not in ALL_SOLVERS and clew_config(s) is None]
        if unknown:
            print(f"error: unknown solver(s) {unknown}; choose from {', '.join(ALL_SOLVERS)} or clew:OPTION=VALUE[:...]", file=sys.stderr)
            return 2
        if any(clew_config(s) is not None for s in wanted) and not available:
            print(f"error: clew requested but {clew_line}", file=sys.stderr)
            return 2
        solvers = wanted
    else:
        solvers = [s for s in ALL_SOLVERS if s != "clew" or available]
    if any(s in PYSAT_SOLVERS for s in solvers):
        try:
            import pysat.solvers  # type: ignore[import-untyped]  # noqa: F401, PLC0415
        except ImportError:
            print("error: PySAT is needed for its solvers: pip install 'clew[bench]' (python-sat)", file=sys.stderr)
            return 2

    instances: list[Instance] = []
    for d in args.instances or []:
        try:
            instances += discover_files(d)
        except FileNotFoundError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    if args.smoke:
        instances += generated_instances(smoke=True)
    elif args.generated or not args.instances:
        instances += generated_instances(smoke=False)
    instances = select(instances, _split(args.families), args.limit_per_family)
    if not instances:
        print("error: no instances selected", file=sys.stderr)
        return 2

    header = header_lines(args, solvers, clew_line, len(instances))
    print("\n".join(header), flush=True)
    if not available and not wanted:
        print("note: clew left out (not built)", flush=True)
    print(flush=True)

    runner = Runner(instances, solvers, args.time_limit, jobs=args.jobs, quiet=args.quiet)
    t0 = time.perf_counter()
    try:
        results = runner.run()
    except KeyboardInterrupt:
        print("\ninterrupted: summarising the runs finished so far", file=sys.stderr)
        results = runner.results
    stats = summarize(results, solvers, args.time_limit, args.clock)
    print()
    print(format_table(stats, clock=args.clock))
    if args.ablation:
        print()
        print(format_ablation(stats))
    print(f"\n{len(results)} runs in {time.perf_counter() - t0:.1f} s")
    if args.out:
        write_outputs(args.out, results, stats, header, args, runner.alarms)
        if args.ablation:
            (args.out / "ablation.md").write_text("\n".join(header) + "\n\n" + format_ablation(stats, markdown=True) + "\n")
    if runner.alarms:
        print(f"\n!!! {len(runner.alarms)} PROBLEM(S):", file=sys.stderr)
        for a in runner.alarms:
            print(f"!!!   {a}", file=sys.stderr)
        return 1
    return 0


def read_results_csv(path: Path) -> list[Result]:
    out = []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            kw: dict[str, Any] = {}
            for k, f in Result.__dataclass_fields__.items():
                v = row.get(k, "")
                if f.type in ("float | None",):
                    kw[k] = float(v) if v else None
                elif f.type in ("int | None",):
                    kw[k] = int(v) if v else None
                elif f.type == "int":
                    kw[k] = int(v or 0)
                else:
                    kw[k] = v
            out.append(Result(**kw))
    return out


def _retabulate(args: argparse.Namespace) -> int:
    results = read_results_csv(args.from_csv)
    fams = _split(args.families)
    if fams:
        results = [r for r in results if any(fnmatch.fnmatchcase(r.family.lower(), p.lower()) for p in fams)]
    solvers = list(dict.fromkeys(r.solver for r in results))
    print(f"{args.from_csv}: {len(results)} runs, time limit {args.time_limit:g} s, PAR-2 on {args.clock} time")
    stats = summarize(results, solvers, args.time_limit, args.clock)
    print(format_table(stats, clock=args.clock))
    if args.ablation:
        print()
        print(format_ablation(stats))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m clew.bench.sat",
        description="Benchmark clew against PySAT's MiniSat 2.2, Glucose 4, CaDiCaL 1.9.5 and Kissat 4.0.4 (PAR-2, per family).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Timings are per process, one (solver, instance) per process; keep --jobs 1 for figures you publish.",
    )
    add_arguments(p)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
