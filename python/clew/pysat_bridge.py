"""Run PySAT's own tools (RC2, LSU, FM, MUSX, OptUx, Hitman, ...) on clew.

:func:`clew.sat.use_in_pysat` swaps PySAT's solver classes for clew ones:
``pysat.solvers.Solver`` and every named class (``Glucose4``, ``Cadical195``,
...), wherever a module holds them, so ``from pysat.solvers import Solver``
done before or during the swap builds clew solvers. Restoring puts PySAT's
classes back wherever a clew stand-in is found, including modules imported
meanwhile.

``pysat.process.Processor`` builds its engine from the CaDiCaL classes that
``pysat.process`` holds (``Cadical153``, ``Cadical195``, ``Cadical300``), so
the swap (which loads ``pysat.process`` first) makes every ``Processor``
created meanwhile run on clew's :meth:`clew.sat.Solver.process` and
:meth:`clew.sat.Solver.restore`; one created after restoring is PySAT's again.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType, TracebackType
from typing import Any, Final

from clew.sat import Solver

# PySAT's class names and the solver name each stands for.
_NAMED: Final = {
    "Cadical103": "cd103",
    "Cadical153": "cd153",
    "Cadical195": "cd195",
    "Cadical300": "cd300",
    "CryptoMinisat": "cms",
    "Ergo": "ergo",
    "Gluecard3": "gc3",
    "Gluecard4": "gc4",
    "Glucose3": "g3",
    "Glucose4": "g4",
    "Glucose42": "g42",
    "Kissat404": "ks404",
    "Lingeling": "lgl",
    "MapleChrono": "mcb",
    "MapleCM": "mcm",
    "Maplesat": "mpl",
    "Mergesat3": "mg3",
    "Minicard": "mc",
    "Minisat22": "m22",
    "MinisatGH": "mgh",
    "MinisatEP": "mep",
}


# Names of PySAT's solvers with native AtMostK constraints (MiniCard, Gluecard).
_NATIVE_CARD: Final = frozenset({"mc", "mcard", "minicard", "gc3", "gc30", "gluecard3", "gluecard30",
                                 "gc4", "gc41", "gluecard4", "gluecard41"})


def _advertise(solver: Solver, name: str, native_card: bool) -> None:
    """supports_atmost() as PySAT's solver of that name answers it."""
    solver._advertise_atmost = native_card or name.lower() in _NATIVE_CARD


class PySATSolver(Solver):
    """``pysat.solvers.Solver`` on clew: PySAT's default name (``"m22"``) and its ``NoSuchSolverError``."""

    def __init__(self, name: str = "m22", bootstrap_with: Any = None, use_timer: bool = False, **kwargs: Any):
        try:
            Solver.__init__(self, name, bootstrap_with, use_timer, **kwargs)
        except ValueError as exc:
            if "unknown solver name" not in str(exc):
                raise
            from pysat.solvers import NoSuchSolverError  # noqa: PLC0415

            raise NoSuchSolverError(name) from None
        _advertise(self, name, bool(kwargs.get("native_card")))


def _named_class(class_name: str, solver_name: str) -> type[Solver]:
    def __init__(self: Solver, bootstrap_with: Any = None, use_timer: bool = False, **kwargs: Any) -> None:
        Solver.__init__(self, solver_name, bootstrap_with, use_timer, **kwargs)
        _advertise(self, solver_name, bool(kwargs.get("native_card")))

    doc = f"PySAT's ``{class_name}`` on clew (solver name ``{solver_name!r}``)."
    return type(class_name, (Solver,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


NAMED_CLASSES: Final[dict[str, type[Solver]]] = {
    name: _named_class(name, solver) for name, solver in _NAMED.items()
}


class _Swap:
    """Which PySAT object each clew stand-in replaces; applied to every loaded module."""

    def __init__(self) -> None:
        # pysat.process is loaded here so that its CaDiCaL names are swapped
        # too: Processor(...) then builds a clew engine.
        import pysat.process  # type: ignore[import-untyped]  # noqa: F401, PLC0415
        import pysat.solvers  # noqa: PLC0415

        pairs: list[tuple[Any, Any]] = [(pysat.solvers.Solver, PySATSolver)]
        pairs += [
            (getattr(pysat.solvers, name), cls) for name, cls in NAMED_CLASSES.items() if hasattr(pysat.solvers, name)
        ]
        self.to_clew = {id(original): clew for original, clew in pairs}
        self.to_pysat = {id(clew): original for original, clew in pairs}

    @staticmethod
    def _replace(table: dict[int, Any]) -> None:
        for module in list(sys.modules.values()):
            if not isinstance(module, ModuleType):
                continue
            namespace = getattr(module, "__dict__", None)
            if not namespace:
                continue
            for key, value in list(namespace.items()):
                new = table.get(id(value))
                if new is not None and isinstance(value, type):
                    namespace[key] = new

    def apply(self) -> None:
        self._replace(self.to_clew)

    def undo(self) -> None:
        self._replace(self.to_pysat)


_lock = threading.Lock()
_depth = 0
_swap: _Swap | None = None


class UseInPySAT:
    """The handle :func:`clew.sat.use_in_pysat` returns: a context manager, or :meth:`restore` by hand."""

    def __init__(self) -> None:
        global _depth, _swap
        with _lock:
            if _swap is None:
                _swap = _Swap()
            if _depth == 0:
                _swap.apply()
            _depth += 1
        self._active = True

    def restore(self) -> None:
        """Put PySAT's classes back (once the outermost active handle restores); idempotent."""
        global _depth
        with _lock:
            if not self._active:
                return
            self._active = False
            _depth -= 1
            if _depth == 0 and _swap is not None:
                _swap.undo()

    def __enter__(self) -> UseInPySAT:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.restore()


def active() -> bool:
    """Whether PySAT's classes are swapped for clew's now."""
    return _depth > 0
