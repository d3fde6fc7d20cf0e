"""SAT solving with clew: a PySAT-compatible ``Solver`` and DIMACS helpers.

``from clew.sat import Solver`` is meant to replace ``from pysat.solvers import
Solver`` in working code: the constructor, the methods and their return values
follow PySAT's :class:`pysat.solvers.Solver`. Unlike several PySAT back ends,
interrupts, budgets, assumptions, cores, phases and proofs all work together.

Differences from PySAT worth knowing:

* every PySAT solver name is accepted and mapped to one of clew's restart
  configurations (``"default"``, ``"luby"``, ``"glucose"``); those names work
  too, and any of them may be followed by solver options as comma-separated
  ``name=value`` pairs (``Solver(name="clew,chrono=100,stable=1")``);
* ``solve()`` ignores budgets, ``solve_limited()`` honours them; a budget is
  per call (each ``solve_limited()`` may spend it afresh) and stays set until
  changed; ``-1`` or ``0`` removes it;
* ``interrupt()`` is sticky until ``clear_interrupt()`` and works whether or
  not ``expect_interrupt`` was passed; Ctrl-C raises ``KeyboardInterrupt``
  from any solve and leaves the solver usable;
* ``get_core()`` gives ``None`` where MiniSat does: when the last call was not
  UNSAT, and when no assumption took part in the refutation;
* ``dec_budget()`` works as on PySAT's CaDiCaL (a per-call decision
  limit for ``solve_limited()``); ``add_xor_clause()`` encodes the XOR as
  clauses (``docs/pysat.md``); ``add_atmost()`` adds native cardinality
  (and weighted) constraints propagated in the core, encoded as clauses
  (sequential counter) when ``with_proof=True``;
* ``sync_with=IDPool`` / ``attach_vpool(pool)`` keep ``pool.top`` in step
  with the solver's variables around every solve, as PySAT's CaDiCaL 3;
* external propagators (``connect_propagator``, ``observe``, ...) work as on
  PySAT's ``Cadical195``, with any solver name (``docs/propagators.md``).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import operator
import os
import warnings
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from time import process_time
from types import TracebackType
from typing import IO, Any, Final

from clew import _core
from clew._core import ClewError, DimacsError

__all__ = [
    "AtMostError",
    "DimacsError",
    "DimacsWarning",
    "SkippedTechniqueWarning",
    "Solver",
    "SolverNames",
    "backbone",
    "check_model",
    "dimacs_text",
    "load_dimacs",
    "parse_dimacs",
    "sweep",
    "use_in_pysat",
    "write_dimacs",
]

Clause = list[int]


class DimacsWarning(UserWarning):
    """A recoverable problem in DIMACS input (e.g. a wrong clause count with strict=False)."""


class SkippedTechniqueWarning(UserWarning):
    """:meth:`Solver.process` was asked for a preprocessing technique clew lacks; it was skipped.

    The call's skipped names are also in ``Solver.skipped_techniques``.
    """


# PySAT's process() keywords (CaDiCaL techniques) that clew has no technique for.
_PROCESS_MISSING: Final = (
    "backbone", "block", "condition", "congruence", "cover", "probehbr", "sweep", "ternary",
)

# CaDiCaL's process() status codes, as PySAT's Processor reads them.
_PROCESS_UNSAT: Final = 20
_PROCESS_UNKNOWN: Final = 0


# ----------------------------------------------------------------------------
# Solver names
# ----------------------------------------------------------------------------

_GLUCOSE_LIKE: Final = (
    ("g3", "g30", "glucose3", "glucose30"),
    ("g4", "g41", "glucose4", "glucose41"),
    ("g42", "g421", "glucose42", "glucose421"),
    ("gc3", "gc30", "gluecard3", "gluecard30"),
    ("gc4", "gc41", "gluecard4", "gluecard41"),
    ("mcb", "chrono", "chronobt", "maplechrono"),
    ("mcm", "maplecm"),
    ("mpl", "maple", "maplesat"),
)
_MINISAT_LIKE: Final = (
    ("m22", "msat22", "minisat22"),
    ("mgh", "msat-gh", "minisat-gh"),
    ("mep", "msat-ep", "minisat-ep", "minisatep"),
    ("mc", "mcard", "minicard"),
)
_MODERN: Final = (
    ("cd", "cd103", "cdl", "cdl103", "cadical103"),
    ("cd15", "cd153", "cdl15", "cdl153", "cadical153"),
    ("cd19", "cd195", "cdl19", "cdl195", "cadical195"),
    ("cd30", "cd300", "cdl30", "cdl300", "cadical300"),
    ("cms", "cms5", "crypto", "crypto5", "cryptominisat", "cryptominisat5"),
    ("ergo",),
    ("ks", "ks4", "kissat", "kissat4", "kissat404"),
    ("lgl", "lingeling"),
    ("mg3", "mgs3", "mergesat3", "mergesat30"),
)


def _name_table() -> dict[str, str]:
    table = {"clew": "default", "default": "default", "luby": "luby", "glucose": "glucose"}
    for group, config in ((_GLUCOSE_LIKE, "glucose"), (_MINISAT_LIKE, "luby"), (_MODERN, "default")):
        for names in group:
            for name in names:
                table.setdefault(name, config)
    return table


class SolverNames:
    """Solver names accepted by :class:`Solver` and the clew configuration each selects.

    PySAT's names (case-insensitive) pick the closest clew configuration:
    Glucose/Maple-family names pick ``"glucose"`` (LBD-based restarts),
    MiniSat-family names pick ``"luby"``, CaDiCaL/Kissat/Lingeling and others
    pick ``"default"``. ``None`` also means ``"default"``. A name may be
    followed by solver options, ``"cadical195,chrono=0"``; they are checked
    when the solver is made.
    """

    table: Final[Mapping[str, str]] = _name_table()

    @classmethod
    def config(cls, name: str | None) -> str:
        """The clew configuration for ``name``; ``ValueError`` listing the accepted names if unknown."""
        if name is None:
            return "default"
        if not isinstance(name, str):
            raise TypeError(f"solver name must be a string or None, not {type(name).__name__}")
        base, sep, options = name.partition(",")
        try:
            return cls.table[base.strip().lower()] + sep + options
        except KeyError:
            accepted = ", ".join(sorted(cls.table))
            raise ValueError(f"unknown solver name {name!r}; accepted names: {accepted}") from None


# XORs of up to this many literals are encoded directly (2**(n-1) clauses);
# longer ones are cut into pieces joined by auxiliary variables.
_XOR_DIRECT: Final = 6

# Largest AtMostK constraint (literal copies times bound) encoded when proofs are on.
_MAX_COUNTER_CLAUSES: Final = 5_000_000


# ----------------------------------------------------------------------------
# Input conversion
# ----------------------------------------------------------------------------


def _int_list(clause: Iterable[int]) -> Clause:
    """A clause or a list of assumption literals as a list (no copy when it is one)."""
    if type(clause) is list:
        return clause
    return list(clause)


class AtMostError(_core.InputError, AssertionError):
    """Bad AtMostK input: an ``InputError``, and the ``AssertionError`` PySAT raises for it."""


def _normalise_atmost(
    lits: Iterable[int], k: int, weights: Sequence[int]
) -> tuple[int, list[int], list[int], list[int]]:
    """``sum(w * l) <= k`` as ``(k', lits', weights', units)``: distinct variables, weights in 1..k'.

    Repeated literals add up (as MiniCard counts them), ``l`` and ``-l``
    together contribute the smaller weight for sure, a negative weight
    moves to the negated literal; a literal heavier than the bound is false
    (a unit in ``units``). ``k' < 0``: the constraint cannot hold.
    """
    lits = [int(lit) for lit in lits]
    if isinstance(k, bool) or not isinstance(k, int):
        raise AtMostError(f"the bound of an AtMostK constraint must be an integer, not {k!r}")
    weights = list(weights)
    if weights and len(weights) != len(lits):
        raise AtMostError("The number of weights differs from the number of literals")
    weight_of: dict[int, int] = {}
    for lit, weight in zip(lits, weights or [1] * len(lits)):
        if lit == 0:
            raise AtMostError("literal 0 in an AtMostK constraint")
        if isinstance(weight, bool) or not isinstance(weight, int):
            raise AtMostError(f"weights must be integers, not {weight!r}")
        if weight < 0:  # w*l = w + |w|*(-l)
            lit, weight, k = -lit, -weight, k - weight
        weight_of[lit] = weight_of.get(lit, 0) + weight
    out_lits: list[int] = []
    out_weights: list[int] = []
    for lit in list(weight_of):
        if -lit in weight_of and lit > 0:  # a*l + b*(-l) = min(a, b) + |a - b| * (heavier)
            a, b = weight_of[lit], weight_of[-lit]
            k -= min(a, b)
            weight_of[lit], weight_of[-lit] = a - min(a, b), b - min(a, b)
    for lit, weight in weight_of.items():
        if weight > 0:
            out_lits.append(lit)
            out_weights.append(weight)
    units = [-lit for lit, weight in zip(out_lits, out_weights) if weight > k] if k >= 0 else []
    kept = [(lit, weight) for lit, weight in zip(out_lits, out_weights) if weight <= k]
    return k, [lit for lit, _ in kept], [weight for _, weight in kept], units


def _sequential_counter(lits: Sequence[int], k: int, new_var: Any) -> list[Clause]:
    """Sinz's sequential counter for ``sum(lits) <= k`` (1 <= k < len(lits)): ``s[i][j]`` = at least j+1 of the first i+1."""
    n = len(lits)
    s = [[new_var() for _ in range(k)] for _ in range(n - 1)]
    clauses: list[Clause] = [[-lits[0], s[0][0]]]
    clauses += [[-s[0][j]] for j in range(1, k)]
    for i in range(1, n - 1):
        x = lits[i]
        clauses.append([-x, s[i][0]])
        clauses.append([-s[i - 1][0], s[i][0]])
        for j in range(1, k):
            clauses.append([-x, -s[i - 1][j - 1], s[i][j]])
            clauses.append([-s[i - 1][j], s[i][j]])
        clauses.append([-x, -s[i - 1][k - 1]])
    clauses.append([-lits[n - 1], -s[n - 2][k - 1]])
    return clauses


def _split_formula(formula: Any) -> tuple[Any, list[Any]]:
    """(clauses, AtMostK constraints) of a formula; a ``CNFPlus`` has both."""
    atmosts = list(getattr(formula, "atmosts", None) or [])
    return formula, atmosts


def _formula_list(formula: Any) -> list[Clause]:
    """Clauses of a list/iterable of clauses or a PySAT ``CNF``/``CNFPlus``-like object."""
    if isinstance(formula, (str, bytes)):
        raise TypeError("a formula is an iterable of clauses, not a string (see clew.sat.parse_dimacs)")
    clauses = getattr(formula, "clauses", formula)
    if type(clauses) is list and all(type(c) is list for c in clauses):
        return clauses
    return [_int_list(c) for c in clauses]


# ----------------------------------------------------------------------------
# The PySAT-compatible solver
# ----------------------------------------------------------------------------


class Solver:
    """A CDCL SAT solver with PySAT's ``Solver`` interface.

    ``Solver(name=None, bootstrap_with=None, use_timer=False, with_proof=False, **kwargs)``:
    ``name`` is a PySAT or clew solver name (see :class:`SolverNames`);
    ``bootstrap_with`` an iterable of clauses or a PySAT ``CNF``; ``use_timer``
    makes :meth:`time`/:meth:`time_accum` measure CPU time like PySAT;
    ``with_proof`` records a DRAT proof for :meth:`get_proof`;
    ``sync_with`` an ``IDPool`` kept in step with the solver's variables
    (:meth:`attach_vpool`). PySAT's ``incr`` (Glucose's incremental mode),
    ``warm_start`` (MiniSat's warm start) and ``native_card`` are accepted
    no-ops: clew is always incremental and keeps its phases between calls.
    Any other keyword raises ``TypeError``.
    """

    def __init__(
        self,
        name: str | None = None,
        bootstrap_with: Any = None,
        use_timer: bool = False,
        with_proof: bool = False,
        incr: bool = False,
        warm_start: bool = False,
        native_card: bool = False,
        sync_with: Any = None,
        **kwargs: Any,
    ) -> None:
        for key in kwargs:
            raise TypeError(f"Unexpected keyword argument '{key}'")
        self.config: str = SolverNames.config(name)
        self._solver: _core.SatSolver | None = _core.SatSolver(
            self.config, proof="text" if with_proof else None
        )
        self._with_proof = bool(with_proof)
        self._proof: list[str] = []
        self._status: bool | None = None
        self._core_valid = False
        self.use_timer = bool(use_timer)
        self._call_time = 0.0
        self._accu_time = 0.0
        self._conf_budget: int | None = None
        self._prop_budget: int | None = None
        self._dec_budget: int | None = None
        self._propagator: Any = None
        self._vpool: Any = None
        self._encoded: list[Clause] = []
        # What supports_atmost() says; PySAT's tools pick their strategy by it
        # (clew.pysat_bridge mirrors PySAT's answer per solver name).
        self._advertise_atmost = True
        # The techniques the last process() call was asked for and skipped.
        self.skipped_techniques: tuple[str, ...] = ()
        if bootstrap_with is not None:
            self.append_formula(bootstrap_with)
        self.attach_vpool(sync_with)

    # -- lifecycle -----------------------------------------------------------

    def __enter__(self) -> Solver:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.delete()

    def delete(self) -> None:
        """Release the solver; later calls (except delete) raise ``ClewError``."""
        self._solver = None

    def __repr__(self) -> str:
        state = "deleted" if self._solver is None else f"status={self._status}"
        return f"<clew.sat.Solver config={self.config!r} {state}>"

    @property
    def _s(self) -> _core.SatSolver:
        solver = self._solver
        if solver is None:
            raise ClewError("this Solver has been deleted")
        return solver

    def start_mode(self, warm: bool = False) -> None:
        """Accepted for PySAT compatibility; clew keeps its phases between calls anyway."""
        self._s  # noqa: B018  (raise if deleted)

    # -- formula -------------------------------------------------------------

    def add_clause(self, clause: Iterable[int], no_return: bool = True) -> bool | None:
        """Add one clause; with ``no_return=False`` return False once the formula is UNSAT at level 0."""
        ok = self._s.add_clause(_int_list(clause))
        if not ok:
            self._set_status(False, core_valid=False)
        return None if no_return else ok

    def append_formula(self, formula: Any, no_return: bool = True) -> bool | None:
        """Add clauses (an iterable of clauses, a PySAT ``CNF``, or a ``CNFPlus`` with its AtMostK
        constraints); return value as :meth:`add_clause`."""
        clauses, atmosts = _split_formula(formula)
        ok = self._s.add_clauses(_formula_list(clauses))
        for constraint in atmosts:
            lits, k = constraint[0], constraint[1]
            weights = constraint[2] if len(constraint) > 2 else ()
            ok = bool(self.add_atmost(lits, k, weights, no_return=False)) and ok
        if not ok:
            self._set_status(False, core_valid=False)
        return None if no_return else ok

    def add_atmost(
        self, lits: Iterable[int], k: int, weights: Sequence[int] = (), no_return: bool = True
    ) -> bool | None:
        """Add ``sum(weights[i] * lits[i]) <= k`` (all weights 1 when ``weights`` is empty).

        Native: counter-based propagation in the core, with reasons for
        conflict analysis, assumptions and cores (the constraint engine
        holds the propagator slot, as on PySAT's CaDiCaL). Repeated literals
        count as often as they occur; ``k < 0`` makes the formula UNSAT (as
        MiniCard). With ``with_proof=True`` an unweighted constraint is
        encoded as clauses (Sinz's sequential counter, auxiliary variables
        as in :meth:`add_xor_clause`; a weight ``w`` counts as ``w`` copies
        of its literal) so the DRAT proof stays checkable. Weights of the wrong
        length raise :class:`AtMostError` (PySAT's ``AssertionError``).
        """
        k, lits, weights, units = _normalise_atmost(lits, k, weights)
        solver = self._s
        ok = True
        if k < 0:
            ok = solver.add_clause([])
        for unit in units:
            ok = solver.add_clause([unit]) and ok
        if k >= 0 and sum(weights) > k:
            if len(set(weights)) == 1 and weights[0] > 1:
                k, weights = k // weights[0], [1] * len(weights)  # w*sum(l) <= k
            if k == 0:
                for lit in lits:
                    ok = solver.add_clause([-lit]) and ok
            elif self._with_proof:
                # A weight w counts as w copies of the literal (the counter
                # counts a multiset), so weighted constraints encode too.
                copies = [lit for lit, weight in zip(lits, weights) for _ in range(weight)]
                if len(copies) * k > _MAX_COUNTER_CLAUSES:
                    raise NotImplementedError(
                        f"this AtMostK constraint needs about {2 * len(copies) * k} clauses for a "
                        "DRAT proof; use with_proof=False (native) or a smaller bound"
                    )
                taken = list(lits)
                clauses = _sequential_counter(copies, k, lambda: self._new_var(taken))
                self._encoded.extend(clauses)
                ok = solver.add_clauses(clauses) and ok
            else:
                ok = solver.add_atmost(lits, weights, k) and ok
        if not ok:
            self._set_status(False, core_valid=False)
        return None if no_return else ok

    def get_encoded_clauses(self) -> list[Clause]:
        """With ``with_proof=True``: the clauses that encode the AtMostK constraints.

        They are part of the formula the DRAT proof of :meth:`get_proof` checks against.
        """
        return [list(clause) for clause in self._encoded]

    def activate_atmost(self) -> None:
        """PySAT's CaDiCaL call that enables native AtMostK: clew always has it; makes supports_atmost() True."""
        self._s  # noqa: B018  (raise if deleted)
        self._advertise_atmost = True

    def add_xor_clause(self, lits: Iterable[int], value: bool = True) -> None:
        """Add the constraint ``lits[0] xor lits[1] xor ... == value`` (CryptoMiniSat's meaning).

        Encoded as clauses: directly (``2**(n-1)`` clauses) for up to 6
        literals after simplification, otherwise cut into pieces of 5
        chained by auxiliary variables (taken from the attached pool, or
        numbered above :meth:`nof_vars`), so its size grows linearly.
        """
        parity = bool(value)
        odd: dict[int, None] = {}
        for lit in lits:
            lit = int(lit)
            if lit == 0:
                raise _core.InputError("literal 0 in an XOR clause")
            if lit < 0:
                parity = not parity
            var = abs(lit)
            if var in odd:
                del odd[var]  # x xor x = 0
            else:
                odd[var] = None
        variables = list(odd)
        clauses: list[Clause] = []
        while len(variables) > _XOR_DIRECT:
            head, variables = variables[: _XOR_DIRECT - 1], variables[_XOR_DIRECT - 1 :]
            aux = self._new_var(variables + head)
            clauses.extend(_xor_clauses([*head, aux], False))  # aux = xor(head)
            variables.append(aux)
        clauses.extend(_xor_clauses(variables, parity))
        self.append_formula(clauses)

    def _new_var(self, taken: Sequence[int]) -> int:
        """A fresh variable: from the attached pool, else above every variable seen."""
        if self._vpool is not None:
            self.sync_vpool()
            var = int(self._vpool.id())
        else:
            var = max(self.nof_vars(), *taken) + 1
        self._s.reserve_vars(var)
        return var

    def supports_atmost(self) -> bool:
        """True: :meth:`add_atmost` adds native AtMostK constraints.

        Under :func:`use_in_pysat` the stand-ins answer as PySAT's solver of
        that name does (True for MiniCard and Gluecard, or after
        ``native_card=True`` / :meth:`activate_atmost`), so PySAT's tools
        choose the same encoding as on PySAT; ``add_atmost`` works anyway.
        """
        return self._advertise_atmost

    def nof_atmosts(self) -> int:
        """clew extension: native AtMostK constraints added (encoded or trivial ones not counted)."""
        return self._s.num_atmost()

    def nof_vars(self) -> int:
        """The largest variable seen so far (in clauses, assumptions or reserved)."""
        return self._s.num_vars()

    def nof_clauses(self) -> int:
        """Original clauses kept, as PySAT's MiniSat counts them.

        Units, tautologies and clauses satisfied at level 0 when added are
        not kept, and each solve drops the kept ones satisfied at level 0 by
        then (and those inprocessing removed). :meth:`nof_clauses_added`
        counts every clause added.
        """
        return self._s.num_stored_clauses()

    def nof_clauses_added(self) -> int:
        """clew extension: every original clause added so far, kept or not."""
        return self._s.num_clauses()

    # -- variable pools (PySAT's CaDiCaL 3 interface) --------------------------

    def attach_vpool(self, vpool: Any = None) -> None:
        """Keep ``vpool`` (a ``pysat.formula.IDPool``, or None to detach) in step with the solver.

        Around every solve and propagate the pool's identifiers are declared
        in the solver (:meth:`sync_vars`) and the variables the solver knows
        are marked used in the pool (:meth:`sync_vpool`).
        """
        if vpool is not None and not (hasattr(vpool, "top") and hasattr(vpool, "occupy")):
            raise TypeError("'sync_with' must be an IDPool object or None")
        self._s  # noqa: B018  (raise if deleted)
        self._vpool = vpool
        self.sync_vars()
        self.sync_vpool()

    def sync_vars(self) -> None:
        """Declare in the solver every identifier the attached pool handed out (up to ``pool.top``)."""
        pool = self._vpool
        if pool is not None and pool.top > self._s.num_vars():
            self._s.reserve_vars(int(pool.top))

    def sync_vpool(self) -> None:
        """Mark the solver's variables used in the attached pool (raise ``pool.top`` to :meth:`nof_vars`)."""
        pool = self._vpool
        if pool is not None:
            top = self._s.num_vars()
            if top > pool.top:
                pool.occupy(pool.top + 1, top)
                pool.top = top

    def reserve_vars(self, n: int) -> None:
        """clew extension: make variables 1..n exist, so models cover them."""
        self._s.reserve_vars(n)

    # -- solving -------------------------------------------------------------

    def solve(self, assumptions: Iterable[int] = []) -> bool | None:  # noqa: B006 (PySAT signature)
        """Decide the formula under ``assumptions``: True (SAT) or False (UNSAT). Budgets are ignored.

        Returns None only if :meth:`interrupt` stopped it; Ctrl-C raises KeyboardInterrupt.
        """
        return self._run(_int_list(assumptions), limited=False)

    def solve_limited(
        self,
        assumptions: Iterable[int] = [],  # noqa: B006 (PySAT signature)
        expect_interrupt: bool = False,
    ) -> bool | None:
        """Like :meth:`solve` within the conflict/propagation budgets: True, False, or None (unknown).

        None means a budget ran out or :meth:`interrupt` was called.
        ``expect_interrupt`` is accepted for compatibility; clew handles both
        :meth:`interrupt` and Ctrl-C (KeyboardInterrupt) in every call.
        """
        return self._run(_int_list(assumptions), limited=True)

    def _run(self, assumptions: list[int], limited: bool) -> bool | None:
        solver = self._s
        self._status = None
        self._core_valid = False
        self.sync_vars()
        if limited:
            conflicts, propagations, decisions = self._conf_budget, self._prop_budget, self._dec_budget
        else:
            conflicts, propagations, decisions = None, None, None
        solver.set_decision_limit(decisions)
        start = process_time() if self.use_timer else 0.0
        try:
            result = solver.solve(assumptions, conflicts=conflicts, propagations=propagations)
        finally:
            if self.use_timer:
                self._call_time = process_time() - start
                self._accu_time += self._call_time
            self.sync_vpool()
        self._set_status(result, core_valid=result is False)
        return result

    def _set_status(self, status: bool | None, core_valid: bool) -> None:
        self._status = status
        self._core_valid = core_valid

    def conf_budget(self, budget: int = -1) -> None:
        """Limit each following :meth:`solve_limited` to ``budget`` conflicts; 0 or -1 removes the limit."""
        self._conf_budget = int(budget) if budget > 0 else None

    def prop_budget(self, budget: int = -1) -> None:
        """Limit each following :meth:`solve_limited` to ``budget`` propagations; 0 or -1 removes the limit."""
        self._prop_budget = int(budget) if budget > 0 else None

    def dec_budget(self, budget: int = -1) -> None:
        """Limit each following :meth:`solve_limited` to ``budget`` decisions; 0 or -1 removes the limit."""
        self._s  # noqa: B018  (raise if deleted)
        self._dec_budget = int(budget) if budget > 0 else None

    def interrupt(self) -> None:
        """Thread-safe: make the running (or next) solve return None until :meth:`clear_interrupt`."""
        self._s.interrupt()

    def clear_interrupt(self) -> None:
        """Clear a previous :meth:`interrupt` so that solving can continue."""
        self._s.clear_interrupt()

    def propagate(
        self,
        assumptions: Iterable[int] = [],  # noqa: B006 (PySAT signature)
        phase_saving: int = 0,
    ) -> tuple[bool, list[int]]:
        """Propagate ``assumptions``, each at a new level: (no conflict, literals assigned beyond level 0, in order).

        Native AtMostK constraints propagate too, as in MiniCard; a connected
        propagator is told the assignments and asked for implied literals and
        clauses, as on PySAT's CaDiCaL 1.9.5. On a conflict the last literal
        is a false one of the conflicting clause (MiniSat's glue).
        """
        solver = self._s
        self.sync_vars()
        start = process_time() if self.use_timer else 0.0
        try:
            status, lits = solver.propagate(_int_list(assumptions), phase_saving)
        finally:
            if self.use_timer:
                self._call_time = process_time() - start
                self._accu_time += self._call_time
            self.sync_vpool()
        return bool(status), list(lits)

    # -- preprocessing (PySAT's CaDiCaL process/restore) ----------------------

    def process(
        self,
        rounds: int = 1,
        block: bool = False,
        condition: bool = False,
        cover: bool = False,
        decompose: bool = True,
        elim: bool = True,
        probe: bool = True,
        probehbr: bool = True,
        subsume: bool = True,
        ternary: bool = True,
        transred: bool = True,
        vivify: bool = True,
        freeze: Iterable[int] = [],  # noqa: B006 (PySAT signature)
        backbone: bool = False,
        congruence: bool = False,
        sweep: bool = False,
    ) -> tuple[int, list[Clause]]:
        """Preprocess the formula as PySAT's CaDiCaL ``process`` does: ``(status, clauses)``.

        ``status`` is 20 when preprocessing found the formula unsatisfiable
        (``clauses`` is then ``[[]]``) and 0 otherwise, which is what
        ``pysat.process.Processor`` reads. The clauses are equisatisfiable
        with the formula; :meth:`restore` turns a model of them into one of
        the formula. Runs clew's own techniques for up to ``rounds`` rounds
        (fewer once a round changes nothing): ``subsume`` (subsumption and
        strengthening), ``elim`` (bounded variable elimination), ``probe``
        (failed literals), ``decompose`` (equivalent-literal substitution),
        ``vivify`` (vivification of the irredundant clauses), ``transred``
        (transitive reduction of the binary implication graph). Variables of
        ``freeze`` (literals allowed) are kept during the call: never
        eliminated or substituted, and a frozen variable fixed by
        preprocessing stays as a unit clause, so assumptions on it mean what
        they meant. ``backbone``, ``block``, ``condition``, ``congruence``,
        ``cover``, ``probehbr``, ``sweep`` and ``ternary`` are
        CaDiCaL techniques clew lacks: when True they are skipped, listed in
        :attr:`skipped_techniques` and named in a :class:`SkippedTechniqueWarning`.
        ``backbone``, ``congruence`` and ``sweep`` (CaDiCaL 3 only) default to False.

        State: callable at any time, as on PySAT (after solves and clauses
        too); the solver keeps the processed formula, so it can still solve
        and take clauses. Refused (``InputError``) while the solver has
        native AtMostK constraints or a propagator: they are not clauses.
        """
        rounds = operator.index(rounds)
        if rounds < 0:
            raise _core.InputError(f"process() needs rounds >= 0 (got {rounds})")
        asked = dict(backbone=backbone, block=block, condition=condition, congruence=congruence, cover=cover,
                     probehbr=probehbr, sweep=sweep, ternary=ternary)
        skipped = tuple(name for name in _PROCESS_MISSING if asked[name])
        frozen = [operator.index(lit) for lit in freeze]
        solver = self._s
        self.sync_vars()
        self._set_status(None, core_valid=False)
        satisfiable, clauses = solver.process(
            rounds, subsume=bool(subsume), elim=bool(elim), probe=bool(probe),
            decompose=bool(decompose), vivify=bool(vivify), transred=bool(transred), freeze=frozen,
        )
        self.sync_vpool()
        self.skipped_techniques = skipped
        if skipped:
            warnings.warn(f"clew has no {', '.join(skipped)}: skipped", SkippedTechniqueWarning, stacklevel=2)
        if not satisfiable:
            self._set_status(False, core_valid=False)
            return _PROCESS_UNSAT, [[]]
        return _PROCESS_UNKNOWN, clauses

    def restore(self, model: Iterable[int]) -> list[int]:
        """A model of the formula given before :meth:`process` from ``model``, one of the processed formula.

        ``model`` holds signed literals (any order, partial allowed);
        variables it leaves out are false unless preprocessing fixed them,
        and eliminated or substituted variables get the values their
        removed clauses need. Returns a literal per variable 1..nof_vars().
        Raises ``InputError`` once the formula is known unsatisfiable.
        """
        return self._s.restore_model([operator.index(lit) for lit in model])

    def freeze(self, var: int) -> None:
        """Keep variable ``var`` from being eliminated (clew's own call; PySAT has none).

        Inprocessing (``elim=1``) may eliminate variables; any later clause,
        assumption or phase that mentions one brings it back, so freezing is
        only needed to keep a variable's clauses in place between calls.
        Calls nest: ``melt`` undoes one ``freeze``.
        """
        self._s.freeze(int(var))

    def melt(self, var: int) -> None:
        """Undo one :meth:`freeze` of ``var``."""
        self._s.melt(int(var))

    def is_frozen(self, var: int) -> bool:
        return self._s.is_frozen(int(var))

    def is_eliminated(self, var: int) -> bool:
        """Whether ``var`` is eliminated now (its model value comes from reconstruction)."""
        return self._s.is_eliminated(int(var))

    def set_phases(self, literals: Iterable[int] = [], sticky: bool = True) -> None:  # noqa: B006 (PySAT signature)
        """Decide each literal's variable with its polarity first (e.g. ``[1, -5]``).

        ``sticky=True`` (PySAT's meaning): the polarity is forced for every
        decision on that variable from now on, over phase saving, target
        phases and rephasing. ``sticky=False`` only seeds the saved phase
        (NeuroBack's "initial" mode): the first decisions follow it, then
        phase saving overwrites it as the search goes; with the solver option
        ``rephase_to_initial=1`` each "original" rephase returns to the
        seeded phases. The latest call decides a variable's mode. Phases
        steer the search only: answers, models and proofs stay correct.
        """
        self._s.set_phases(_int_list(literals), sticky=bool(sticky))

    def set_activities(
        self, activities: Mapping[int, float] | Sequence[int], values: Sequence[float] | None = None
    ) -> None:
        """Initial decision scores: ``set_activities({var: score})`` (PySAT) or ``set_activities(vars, scores)``.

        Larger scores are branched on first; the search reshapes them as conflicts come in.
        """
        if values is None:
            if not isinstance(activities, Mapping):
                raise TypeError("set_activities takes a {variable: score} mapping or (variables, scores)")
            variables = [int(v) for v in activities]
            scores = [float(activities[v]) for v in activities]
        else:
            variables, scores = [int(v) for v in activities], [float(x) for x in values]
            if len(variables) != len(scores):
                raise ValueError(f"{len(variables)} variables but {len(scores)} scores")
        self._s.set_activities(variables, scores)

    # -- external propagators (IPASIR-UP, PySAT's names) ---------------------

    def connect_propagator(self, propagator: Any) -> None:
        """Attach a user propagator with :class:`pysat.engines.Propagator`'s callbacks.

        One at a time (a second raises ``InputError``, and so does one after
        native :meth:`add_atmost` constraints, whose engine holds the slot, as
        on PySAT's CaDiCaL). Exceptions raised in
        a callback reach the caller of the solve unchanged, the solver left
        usable; see ``docs/propagators.md`` for the contract.
        """
        self._s.connect_propagator(propagator)
        self._propagator = propagator

    def disconnect_propagator(self) -> None:
        """Detach the propagator (no-op without one); its variables are no longer observed."""
        self._s.disconnect_propagator()
        self._propagator = None

    def enable_propagator(self) -> None:
        """Active mode again (from the next time the search is at level 0); callable from callbacks."""
        self._s.enable_propagator()

    def disable_propagator(self) -> None:
        """Passive mode: the propagator only checks models (from the next level-0 point)."""
        self._s.disable_propagator()

    def propagator_active(self) -> bool:
        """True unless the propagator is in passive mode; ``InputError`` without one."""
        return self._s.propagator_active()

    def _check_user_propagator(self) -> None:
        if self._propagator is None and self._s.num_atmost() > 0:
            raise _core.InputError("the propagator slot holds the native AtMostK engine: no user propagator")

    def observe(self, var: int) -> None:
        """Tell the propagator about assignments of ``var`` (frozen against elimination meanwhile)."""
        self._check_user_propagator()
        self._s.observe(int(var))

    def ignore(self, var: int) -> None:
        """Stop observing ``var``."""
        self._check_user_propagator()
        self._s.ignore(int(var))

    def reset_observed(self) -> None:
        """Stop observing every variable."""
        self._check_user_propagator()
        self._s.reset_observed()

    def get_propagator_clauses(self) -> list[list[int]]:
        """With ``with_proof=True``: the clauses the propagator gave (reasons and external clauses).

        The DRAT proof of :meth:`get_proof` checks against the formula plus these clauses.
        """
        return self._s.propagator_clauses()

    # -- results -------------------------------------------------------------

    def get_status(self) -> bool | None:
        """The result of the last solve: True, False, or None (none yet, or unknown)."""
        return self._status

    def get_model(self) -> list[int] | None:
        """After a True solve: signed literals for variables 1..nof_vars(); otherwise None."""
        if self._status is not True:
            return None
        model = self._s.model()
        return [] if model is None else model

    def get_core(self) -> list[int] | None:
        """After a False solve under assumptions: the failed assumptions (a subset); otherwise None."""
        if self._status is not False or not self._core_valid:
            return None
        core = self._s.core()
        return core if core else None

    def get_proof(self) -> list[str] | None:
        """The DRAT proof so far as text lines without newlines, or None without ``with_proof=True``."""
        solver = self._s
        if not self._with_proof:
            return None
        chunk = solver.take_proof()
        if chunk:
            self._proof.extend(line for line in chunk.decode("ascii").splitlines() if line)
        return list(self._proof)

    def accum_stats(self) -> dict[str, int | float]:
        """Counters accumulated over all calls: at least restarts, conflicts, decisions, propagations.

        Counts are ints; times (keys containing ``time``) are floats in seconds.
        """
        out: dict[str, int | float] = {}
        for key, value in self._s.stats().items():
            if "time" not in key and float(value).is_integer():
                out[key] = int(value)
            else:
                out[key] = value
        for key in ("restarts", "conflicts", "decisions", "propagations"):
            out.setdefault(key, 0)
        return out

    def time(self) -> float:
        """CPU seconds of the last solve/propagate call (0.0 unless ``use_timer=True``)."""
        self._s  # noqa: B018  (raise if deleted)
        return self._call_time

    def time_accum(self) -> float:
        """CPU seconds of all solve/propagate calls (0.0 unless ``use_timer=True``)."""
        self._s  # noqa: B018  (raise if deleted)
        return self._accu_time

    def enum_models(
        self,
        assumptions: Iterable[int] = [],  # noqa: B006 (PySAT signature)
        projection: Iterable[int] = [],  # noqa: B006
    ) -> Iterator[list[int]]:
        """Yield every model (under ``assumptions``), blocking each with a clause as PySAT does.

        With ``projection`` (distinct positive variables) each model is
        projected on them and only distinct projections are yielded.
        Afterwards the formula is UNSAT (or UNSAT under the assumptions).
        """
        assumed = list(assumptions)
        shown = [int(v) for v in projection]
        if shown and (any(v <= 0 for v in shown) or len(set(shown)) != len(shown)):
            raise ValueError("Projection must contain distinct positive variable IDs.")
        while self.solve(assumptions=assumed):
            model = self.get_model()
            assert model is not None
            if shown:
                if max(shown) > len(model):
                    raise ValueError("Projection contains a variable outside the model.")
                model = [model[v - 1] for v in shown]
            self.add_clause([-lit for lit in model])
            yield model


def _xor_clauses(variables: Sequence[int], parity: bool) -> list[Clause]:
    """The clauses saying the XOR of ``variables`` is ``parity``: one per assignment of the wrong parity."""
    if not variables:
        return [] if not parity else [[]]
    clauses = []
    n = len(variables)
    for mask in range(1 << n):
        # The clause is falsified exactly by the assignment in which variable
        # i is true iff bit i is set; exclude those with the wrong parity.
        if (bin(mask).count("1") % 2 == 1) != parity:
            clauses.append([-v if mask >> i & 1 else v for i, v in enumerate(variables)])
    return clauses


def use_in_pysat() -> Any:
    """Make PySAT build clew solvers: ``pysat.solvers.Solver`` and its named classes.

    A context manager (``with use_in_pysat(): RC2(wcnf).compute()``) or a
    plain call (``use_in_pysat()``; its ``.restore()`` undoes it). Every
    loaded module holding PySAT's class (``pysat.examples.rc2`` holds
    ``Solver``) gets clew's stand-in, so PySAT's tools run on clew
    unchanged; leaving the context puts PySAT's classes back. Needs
    python-sat installed. See ``docs/pysat.md``.
    """
    from clew.pysat_bridge import UseInPySAT  # noqa: PLC0415

    return UseInPySAT()


# ----------------------------------------------------------------------------
# Backbones
# ----------------------------------------------------------------------------


def backbone(
    clauses: Any, *, assumptions: Iterable[int] = (), conf_budget: int | None = None
) -> list[int] | None:
    """The literals true in every model of ``clauses`` (under ``assumptions``), sorted by variable.

    ``[]`` when no literal is fixed, ``None`` when there is no model (under
    the assumptions), :class:`clew.BudgetExhausted` when the computation
    needs more than ``conf_budget`` conflicts, all solves together.
    Assumed literals are part of the answer (they are true in every model
    under them). Variables are those of the clauses and assumptions.

    CadiBack's incremental method in Rust: one solve gives the candidates
    (its model); each candidate is tested by a solve assuming its negation,
    every model found (and every literal that can be flipped in it without
    falsifying a clause) drops the candidates it refutes, and each proven
    literal is kept as a clause for the later solves.
    """
    formula = _formula_list(clauses)
    if conf_budget is not None and conf_budget < 0:
        raise _core.InputError(f"conf_budget must be 0 or more, got {conf_budget}")
    return _core.sat_backbone(formula, 0, _int_list(assumptions), conf_budget)


# ----------------------------------------------------------------------------
# DIMACS
# ----------------------------------------------------------------------------


def parse_dimacs(text: str | bytes, strict: bool = True) -> tuple[int, list[list[int]]]:
    """Parse DIMACS CNF text into ``(num_vars, clauses)``.

    Raises ``DimacsError`` (a ``ClewError`` and ``ValueError``) whose message
    starts with ``line N:``. With ``strict=False`` a clause count that differs
    from the header is reported as a :class:`DimacsWarning` instead. A ``%``
    line ends the formula (SATLIB).
    """
    if isinstance(text, (bytes, bytearray, memoryview)):
        text = _decode(bytes(text))
    num_vars, clauses, problems = _core.parse_dimacs(text, strict)
    for message in problems:
        warnings.warn(message, DimacsWarning, stacklevel=2)
    return num_vars, clauses


_MAGIC: Final = (
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"BZh", "bzip2"),
)


def _decode(data: bytes) -> str:
    """Bytes to text: UTF-8, else Latin-1 (so non-UTF-8 comments never stop a parse)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _decompress(data: bytes, source: str) -> bytes:
    kind = next((name for magic, name in _MAGIC if data.startswith(magic)), None)
    if kind is None and source.endswith(".lzma"):
        kind = "lzma"
    if kind is None:
        return data
    try:
        if kind == "gzip":
            return gzip.decompress(data)
        if kind == "bzip2":
            return bz2.decompress(data)
        return lzma.decompress(data)
    except (OSError, EOFError, ValueError, lzma.LZMAError, zlib.error) as exc:
        raise DimacsError(f"{source}: cannot decompress {kind} data: {exc}") from None


def load_dimacs(path: str | os.PathLike[str], strict: bool = True) -> tuple[int, list[list[int]]]:
    """Read a DIMACS CNF file, plain or gzip/xz/bzip2-compressed (detected by content), as :func:`parse_dimacs`.

    ``OSError`` if the file cannot be read; ``DimacsError`` if it cannot be
    decompressed or is malformed.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    text = _decode(_decompress(data, os.fspath(path)))
    num_vars, clauses, problems = _core.parse_dimacs(text, strict)
    for message in problems:
        warnings.warn(message, DimacsWarning, stacklevel=2)
    return num_vars, clauses


def dimacs_text(num_vars: int, clauses: Iterable[Iterable[int]]) -> str:
    """DIMACS CNF text for a formula; ``ValueError`` on a zero or out-of-range literal."""
    body = io.StringIO()
    count = 0
    for clause in clauses:
        lits = _int_list(clause)
        for lit in lits:
            if lit == 0 or abs(lit) > num_vars:
                raise ValueError(f"literal {lit} in clause {count + 1} is not in 1..{num_vars} (or negated)")
        body.write(" ".join(map(str, lits)))
        body.write(" 0\n" if lits else "0\n")
        count += 1
    return f"p cnf {num_vars} {count}\n" + body.getvalue()


def write_dimacs(
    num_vars: int, clauses: Iterable[Iterable[int]], path_or_file: str | os.PathLike[str] | IO[Any]
) -> None:
    """Write a formula as DIMACS CNF to a path (compressed when it ends in .gz/.xz/.bz2) or an open file."""
    text = dimacs_text(num_vars, clauses)
    if isinstance(path_or_file, (str, os.PathLike)):
        name = os.fspath(path_or_file)
        data = text.encode("ascii")
        if name.endswith(".gz"):
            data = gzip.compress(data)
        elif name.endswith((".xz", ".lzma")):
            data = lzma.compress(data, format=lzma.FORMAT_XZ if name.endswith(".xz") else lzma.FORMAT_ALONE)
        elif name.endswith(".bz2"):
            data = bz2.compress(data)
        with open(name, "wb") as handle:
            handle.write(data)
    elif isinstance(path_or_file, io.TextIOBase):
        path_or_file.write(text)
    elif isinstance(path_or_file, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(path_or_file, "mode", ""):
        path_or_file.write(text.encode("ascii"))
    else:
        path_or_file.write(text)


def check_model(clauses: Iterable[Iterable[int]], model: Iterable[int] | None) -> bool:
    """True if ``model`` (signed literals, consistent) satisfies every clause; unassigned literals are false."""
    if model is None:
        return False
    true = set(model)
    if any(-lit in true for lit in true):
        return False
    return all(any(lit in true for lit in clause) for clause in clauses)


def sweep(instances: Any, configs: Any, **options: Any) -> Any:
    """Run solver configurations over instance families: a table and a
    cactus plot. See :func:`clew.bench.sweep.sweep` (the same arguments)."""
    # Imported on first use: the sweep is bench's harness, which sits above
    # the engines (the one upward import tests/test_layout.py allows).
    from clew.bench.sweep import sweep as run  # noqa: PLC0415

    return run(instances, configs, **options)
