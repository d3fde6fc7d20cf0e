"""Sweep solver configurations over instance families from Python.

    from clew.sat import sweep
    sw = sweep("../shared/benchmarks/sat/UF250", {
        "glucose restarts": "default",
        "luby restarts": "default,restart=luby",
        "no chrono": "default,chrono=0",
    }, anchors=["cadical195"], time_limit=20)
    print(sw.table())         # per family and config: solved, PAR-2, median conflicts, ratio to the first
    sw.cactus("cactus.png")   # one curve per config

It is ``clew bench sat``'s harness: each (config, instance) runs in its own
forked process killed at the time limit, every model is checked against the
formula, answers are cross-checked between configurations and anchors (PySAT
solvers, e.g. ``minisat22``, ``cadical195``, ``kissat404``), and a
disagreement is reported in :attr:`Sweep.alarms`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from clew._table import markdown_table
from clew.bench import families as fam
from clew.bench import sat as harness

__all__ = ["Sweep", "sweep"]


@dataclass(frozen=True)
class Sweep:
    """The runs of :func:`sweep`: one :class:`clew.bench.sat.Result` per
    (configuration, instance) in ``results`` (``solver`` holds the
    configuration's name), the configurations in the order given (anchors
    last), the time limit and clock, and any ``alarms`` (wrong models,
    disagreements, errors)."""

    results: list[harness.Result]
    configs: tuple[str, ...]
    time_limit: float
    clock: str
    alarms: tuple[str, ...]

    def stats(self) -> list[harness.FamilyStats]:
        """Per family (and ``ALL``) and configuration: solved, SAT/UNSAT,
        time of the solved, PAR-2 (unsolved = twice the limit), median
        conflicts of the solved, wrong answers."""
        return harness.summarize(self.results, list(self.configs), self.time_limit, self.clock)

    def table(self, markdown: bool = True) -> str:
        """:meth:`stats` as a table with each configuration's PAR-2 relative
        to the first configuration's on the same family."""
        stats = self.stats()
        if len({s.family for s in stats}) == 2:  # one family: its ALL rows repeat it
            stats = [s for s in stats if s.family != "ALL"]
        base = {s.family: s.par2 for s in stats if s.solver == self.configs[0]}
        head = ["family", "config", "solved", "SAT/UNSAT", f"PAR-2 {self.clock} (s)", "median conflicts", f"PAR-2 / {self.configs[0]}"]
        rows = [
            [
                s.family,
                s.solver,
                f"{s.solved}/{s.instances}" + (f" ({s.wrong} WRONG)" if s.wrong else ""),
                f"{s.sat}/{s.unsat}",
                f"{s.par2:.2f}",
                "--" if s.median_conflicts is None else f"{s.median_conflicts:.0f}",
                f"{s.par2 / base[s.family]:.2f}" if base.get(s.family) else "--",
            ]
            for s in stats
        ]
        if markdown:
            return markdown_table(head, rows)
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [head, *rows])

    def cactus(self, path: str | os.PathLike[str]) -> Path:
        """A cactus plot (instances solved against time per instance, one
        curve per configuration) written to ``path``; needs matplotlib."""
        out = Path(path)
        if not harness.cactus_plot(self.results, self.time_limit, self.clock, out):
            raise ImportError("Sweep.cactus needs matplotlib: pip install 'clew[bench]'")
        return out

    def to_arrow(self) -> Any:
        """Every run as a pyarrow Table (one row per configuration and instance)."""
        import pyarrow as pa  # noqa: PLC0415

        return pa.Table.from_pylist([asdict(r) for r in self.results])


def _constant(formula: fam.Formula) -> Callable[[], fam.Formula]:
    return lambda: formula


def _instances(source: Any) -> list[harness.Instance]:
    """A folder (sub-folders are families), a CNF file, formulas as
    ``{name: (num_vars, clauses)}`` or ``{name: clauses}``, or a list of any
    of these."""
    if isinstance(source, (str, os.PathLike)):
        p = Path(source)
        if p.is_dir():
            return harness.discover_files(p)
        if p.is_file():
            return [harness.Instance(p.parent.name or "files", p.name, path=str(p), expected=harness._expected_for_file(p.parent.name, p))]
        raise FileNotFoundError(f"sweep: no such file or folder: {p}")
    if isinstance(source, Mapping):
        out = []
        for name, f in source.items():
            nv, clauses = f if isinstance(f, tuple) else (max((abs(x) for c in f for x in c), default=0), f)
            formula = fam.Formula(int(nv), [list(map(int, c)) for c in clauses], None)
            out.append(harness.Instance("formulas", str(name), make=_constant(formula)))
        return out
    if isinstance(source, Iterable):
        return [inst for item in source for inst in _instances(item)]
    raise TypeError(f"sweep: instances must be a path, a mapping of formulas or a list of them, not {type(source).__name__}")


def sweep(
    instances: Any,
    configs: Mapping[str, str] | Sequence[str],
    *,
    anchors: Sequence[str] = (),
    time_limit: float = 60.0,
    clock: str = "cpu",
    jobs: int = 1,
    quiet: bool = True,
) -> Sweep:
    """Run every clew configuration (and each PySAT anchor) on every
    instance and return the :class:`Sweep`.

    ``instances``: a folder (each sub-folder a family), a CNF file (plain,
    .gz, .xz, .bz2), a mapping ``{name: (num_vars, clauses)}``, or a list of
    these. ``configs``: clew configuration strings as accepted by
    ``clew.sat.Solver(name=...)`` (``"default,restart=luby"``,
    ``"cadical195,chrono=0"``), as ``{display name: config}`` or a list
    (named by the string). ``anchors``: PySAT solver names run alongside
    (``minisat22``, ``glucose4``, ``cadical195``, ``kissat404``).
    ``clock``: ``"cpu"`` (the default: robust on a shared machine) or
    ``"wall"``; the kill limit is wall-clock. ``jobs``: runs in parallel
    (timings get noisier). Bad configurations raise ``clew.InputError``
    (an unknown solver name ``ValueError``) before anything runs.
    """
    from clew._core import sat_options  # noqa: PLC0415
    from clew.sat import SolverNames  # noqa: PLC0415

    named = dict(configs) if isinstance(configs, Mapping) else {c: c for c in configs}
    if not named:
        raise ValueError("sweep needs at least one configuration")
    for config in named.values():
        # Checked the way Solver(name=...) reads it, before any run.
        sat_options(SolverNames.config(config))
    unknown = [a for a in anchors if a not in harness.PYSAT_SOLVERS]
    if unknown:
        raise ValueError(f"unknown anchors {unknown}; choose from {list(harness.PYSAT_SOLVERS)}")
    if clock not in ("cpu", "wall"):
        raise ValueError(f"clock must be 'cpu' or 'wall', got {clock!r}")
    insts = _instances(instances)
    if not insts:
        raise ValueError(f"sweep: no CNF instances in {instances!r}")
    solvers = [f"clew={c}" for c in named.values()] + list(anchors)
    if len(set(solvers)) != len(solvers):
        raise ValueError("sweep: two configurations are the same")
    runner = harness.Runner(insts, solvers, time_limit, jobs=jobs, quiet=quiet)
    results = runner.run()
    display = {f"clew={c}": n for n, c in named.items()}
    for r in results:
        r.solver = display.get(r.solver, r.solver)
    return Sweep(results, tuple(named) + tuple(anchors), float(time_limit), clock, tuple(runner.alarms))
