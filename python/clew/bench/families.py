"""Deterministic CNF families for benchmarks and tests: moved to :mod:`clew.families`
(this module re-exports the generators it had, for existing code).

``python -m clew.bench.families`` checks the structured encodings with MiniSat (PySAT).
"""

from __future__ import annotations

from clew.families._classic import *  # noqa: F403
from clew.families._classic import __all__ as __all__

if __name__ == "__main__":  # python -m clew.bench.families: check the encodings with MiniSat (PySAT)
    from pysat.solvers import Solver as _PySat  # type: ignore[import-untyped]

    def _solve(clauses: list[list[int]]) -> tuple[bool | None, list[int] | None]:
        with _PySat(name="minisat22", bootstrap_with=clauses) as s:
            r = s.solve()
            return r, s.get_model()

    print(f"families self-check: {self_check(_solve)} formulas OK")
