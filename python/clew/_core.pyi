# Hand-written stubs for the Rust extension module clew._core (checked by mypy.stubtest).
from collections.abc import Sequence
from typing import Any, final

__all__ = [
    "BudgetExhausted",
    "CheckpointError",
    "ClewError",
    "DimacsError",
    "InputError",
    "PuzzleError",
    "SatSolver",
    "cnf_graph_arrays",
    "__build_profile__",
    "__version__",
    "parse_dimacs",
    "sat_backbone",
    "sat_options",
]

__version__: str
__build_profile__: str  # "release" or "debug"

class ClewError(Exception):
    """Base class of every clew exception."""

class DimacsError(ClewError, ValueError):
    """Malformed DIMACS input; the message starts with `line N: `."""

class InputError(ClewError, ValueError):
    """An invalid argument value: a bad literal, option or size."""

class PuzzleError(ClewError, ValueError):
    """An invalid puzzle: wrong size, bad characters, clashing givens, numbers out of range."""

class CheckpointError(ClewError, ValueError):
    """Model weights that cannot be used: missing, truncated, tampered or of another architecture."""

class BudgetExhausted(ClewError, RuntimeError):
    """A budgeted call (conflicts, propagations, seconds) ran out before it had an answer."""

def sat_options(config: str = "default") -> list[tuple[str, str]]:
    """The SAT solver options a configuration string selects (a preset and
    optional name=value overrides, as SatSolver takes), as (name, value) pairs."""

def cnf_graph_arrays(
    clauses_or_flat: Any, num_vars: int | None = None
) -> tuple[Any, Any, Any, int, int]:
    """The CNF graph of a clause list or a (literals int32, clause_offsets int64) pair:
    (edge_index int64 [2, E], edge_sign int8 [E], node_type int8 [N], num_vars, num_clauses)."""

def sat_backbone(
    clauses: Sequence[Sequence[int]],
    num_vars: int = 0,
    assumptions: Sequence[int] = ...,
    conflicts: int | None = None,
) -> list[int] | None:
    """The literals true in every model (under the assumptions), sorted by variable;
    None when UNSAT; BudgetExhausted past the conflict budget."""

def parse_dimacs(text: str, strict: bool = True) -> tuple[int, list[list[int]], list[str]]:
    """Parse DIMACS CNF text; returns (num_vars, clauses, warnings).

    With strict=False a clause count that differs from the header is a
    warning (in the returned list) instead of a DimacsError."""

@final
class SatSolver:
    """The CDCL solver. Literals are DIMACS integers (v or -v, v >= 1).

    config: a preset, "default" | "luby" | "glucose", optionally followed by
    comma-separated name=value overrides of the solver options, e.g.
    "default,chrono=100,stable=1" (the names are in the README).
    proof: None | "text" | "binary"; proof_path: stream the proof to this
    file instead of memory."""

    def __new__(
        cls, config: str = "default", proof: str | None = None, proof_path: str | None = None
    ) -> SatSolver: ...
    def add_clause(self, clause: Sequence[int]) -> bool:
        """Add a clause (between solves). False once the formula is UNSAT at level 0."""
    def add_clauses(self, clauses: Sequence[Sequence[int]]) -> bool: ...
    def solve(
        self,
        assumptions: Sequence[int] = ...,
        conflicts: int | None = None,
        propagations: int | None = None,
        seconds: float | None = None,
    ) -> bool | None:
        """True SAT, False UNSAT (under the assumptions), None when a budget or
        interrupt() stopped it. The GIL is released; Ctrl-C raises
        KeyboardInterrupt and leaves the solver usable."""
    def model(self) -> list[int] | None:
        """After a True solve: signed literals for variables 1..num_vars()."""
    def core(self) -> list[int] | None:
        """After a False solve under assumptions: the failed assumptions (a subset)."""
    def propagate(self, assumptions: Sequence[int] = ..., phase_saving: int = 0) -> tuple[bool, list[int]]:
        """Propagate the assumptions, each at a fresh decision level (clauses, native AtMostK
        constraints, a connected propagator); returns (no conflict, literals assigned in order,
        assumptions included)."""
    def process(
        self,
        rounds: int = 1,
        subsume: bool = True,
        elim: bool = True,
        probe: bool = True,
        decompose: bool = True,
        vivify: bool = True,
        transred: bool = True,
        freeze: Sequence[int] = ...,
    ) -> tuple[bool, list[list[int]]]:
        """Preprocess for up to ``rounds`` rounds (``freeze``: variables kept for the call);
        returns (not found UNSAT, the processed clauses). Refused with AtMostK constraints or a propagator."""
    def restore_model(self, model: Sequence[int]) -> list[int]:
        """A model of the original formula (one literal per variable) from a model of the processed one."""
    def freeze(self, var: int) -> None:
        """Never eliminate ``var`` until as many ``melt`` calls (reactivates it if eliminated)."""
    def melt(self, var: int) -> None:
        """Undo one ``freeze`` of ``var``."""
    def is_frozen(self, var: int) -> bool:
        """Whether ``freeze`` holds ``var``."""
    def is_eliminated(self, var: int) -> bool:
        """Whether variable elimination removed ``var`` (its value comes from model reconstruction)."""
    def set_phases(self, literals: Sequence[int], sticky: bool = True) -> None:
        """Polarity per variable for the next decisions (sign of each literal): forced
        (sticky=True, PySAT's meaning) or only seeded into the saved phases (sticky=False)."""
    def set_activities(self, variables: Sequence[int], activities: Sequence[float]) -> None:
        """Initial decision scores (hints) per variable; larger is branched on first."""
    def interrupt(self) -> None:
        """Thread-safe: ask a running solve() to stop (it returns None)."""
    def clear_interrupt(self) -> None: ...
    def stats(self) -> dict[str, float]:
        """decisions, propagations, conflicts, restarts, learned, deleted, reductions, solve_time..."""
    def num_vars(self) -> int: ...
    def num_clauses(self) -> int:
        """Original (non-learnt) clauses added so far."""
    def add_atmost(self, lits: Sequence[int], weights: Sequence[int], k: int) -> bool:
        """Native ``sum(weights[i] * lits[i]) <= k``: distinct variables, weights in 1..k."""
    def num_atmost(self) -> int:
        """Native AtMostK constraints added so far."""
    def num_stored_clauses(self) -> int:
        """Original clauses as MiniSat's ``nClauses()`` counts them (units and satisfied ones left out)."""
    def set_decision_limit(self, limit: int | None = None) -> None:
        """Limit each following solve to ``limit`` decisions; None or a negative value: no limit."""
    def reserve_vars(self, n: int) -> None:
        """Make variables 1..n exist (e.g. so the model covers them)."""
    def take_proof(self) -> bytes:
        """The in-memory DRAT proof written so far (text or binary); clears the buffer."""
    def flush_proof(self) -> None:
        """Flush a file-backed proof to disk."""
    # External propagators (IPASIR-UP; clew.sat.Solver documents the contract).
    def connect_propagator(self, propagator: object) -> None:
        """Attach an object with pysat.engines.Propagator's callbacks (one at a time)."""
    def disconnect_propagator(self) -> None:
        """Detach it (no-op without one); its variables are no longer observed."""
    def has_propagator(self) -> bool: ...
    def enable_propagator(self) -> None:
        """Active mode (from the next level-0 point if above it); callable inside callbacks."""
    def disable_propagator(self) -> None:
        """Passive mode: only model checks; callable inside callbacks."""
    def propagator_active(self) -> bool: ...
    def observe(self, var: int) -> None:
        """Notify the propagator about ``var`` (frozen meanwhile)."""
    def ignore(self, var: int) -> None: ...
    def reset_observed(self) -> None: ...
    def is_observed(self, var: int) -> bool: ...
    def propagator_clauses(self) -> list[list[int]]:
        """Clauses the propagator gave (recorded while a proof is on): the proof's extra premises."""

# ---- sudoku (section owned by the Sudoku engine) ----
# Low-level entry points behind clew.sudoku (which documents the contract).
# A puzzle is a string or a flat list of ints; box_shape is (rows, cols) or
# None for the default box of the size.

from typing import Any as _Any

__all__ += [
    "sudoku_count",
    "sudoku_generate",
    "sudoku_generate_batch",
    "sudoku_rate",
    "sudoku_search",
    "sudoku_solve",
    "sudoku_solve_batch",
    "sudoku_trace_batch",
    "sudoku_validate",
]

def sudoku_solve(
    puzzle: str | Sequence[int], box_shape: tuple[int, int] | None = None
) -> str | list[int] | None:
    """First solution in search order (a str for a str), None when none."""
def sudoku_count(
    puzzle: str | Sequence[int], limit: int = 2, box_shape: tuple[int, int] | None = None
) -> int:
    """Solutions counted up to limit."""
def sudoku_rate(puzzle: str | Sequence[int], box_shape: tuple[int, int] | None = None) -> dict[str, _Any]:
    """Difficulty measures (see clew.sudoku.rate)."""
def sudoku_search(
    puzzle: str | Sequence[int],
    box_shape: tuple[int, int] | None = None,
    deduction: str = "locked_candidates",
    branching: str = "mrv",
    seed: int = 0,
    limit: int = 1,
    node_limit: int | None = None,
    simplest_first: bool = False,
    log: bool = False,
) -> dict[str, _Any]:
    """Configurable search with statistics and an optional step log."""
def sudoku_solve_batch(
    data: bytes, size: int, box_shape: tuple[int, int] | None = None, threads: int = 0
) -> tuple[bytes, bytes]:
    """Solve B boards of size*size bytes; returns (solutions, int8 status bytes)."""
def sudoku_generate(
    size: int = 9,
    empty: int | None = None,
    unique: bool = True,
    difficulty: str | None = None,
    se_range: tuple[float, float] | None = None,
    seed: int = 0,
    box_shape: tuple[int, int] | None = None,
    max_attempts: int = 2000,
) -> tuple[list[int], list[int], dict[str, _Any] | None]:
    """One puzzle: (puzzle values, solution values, rating when a difficulty was asked)."""
def sudoku_generate_batch(
    count: int,
    size: int = 9,
    empty: int | None = None,
    unique: bool = True,
    difficulty: str | None = None,
    se_range: tuple[float, float] | None = None,
    seed: int = 0,
    box_shape: tuple[int, int] | None = None,
    max_attempts: int = 2000,
    threads: int = 0,
) -> tuple[bytes, bytes]:
    """count puzzles in parallel: (puzzles, solutions) as count*size*size bytes."""
def sudoku_trace_batch(
    puzzles: Sequence[str] | bytes,
    size: int | None = None,
    box_shape: tuple[int, int] | None = None,
    style: str = "backtrack",
    backtracks: int | None = None,
    seed: int | None = ...,
    deduction: str = "hidden_singles",
    optimal_path: bool = True,
    rate: bool = True,
    threads: int = 1,
    derive_seeds: bool = True,
) -> dict[str, list[_Any]]:
    """Search traces of many puzzles as columns (see clew.sudoku.trace_batch)."""
def sudoku_validate(
    text: str,
    style: str = "backtrack",
    puzzle: str | Sequence[int] | None = None,
    box_shape: tuple[int, int] | None = None,
) -> tuple[bool, bool, int, int, str | None]:
    """Replay a Sudoku trace: (valid, solved, steps, line, message)."""

# ---- countdown and traces (section owned by the Countdown engine) ----

__all__ += [
    "CountdownTrace",
    "countdown_generate",
    "countdown_optimal_path",
    "countdown_shortest",
    "countdown_solutions",
    "countdown_solve",
    "countdown_sos_solution",
    "countdown_target_split",
    "countdown_trace",
    "countdown_trace_batch",
    "countdown_validate",
]

@final
class CountdownTrace:
    """A rendered Countdown search trace and its record (read-only)."""

    @property
    def numbers(self) -> list[int]: ...
    @property
    def target(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def solution(self) -> list[str] | None:
        """The steps of the solution the search found (``84/21=4``, ...)."""
    @property
    def answer(self) -> str | None:
        """That solution as one ASCII expression."""
    @property
    def optimal_path(self) -> str | None:
        """Stream of Search's no-backtracking trace of its own first solution."""
    @property
    def backtracks(self) -> int: ...
    @property
    def nodes_expanded(self) -> int: ...
    @property
    def nodes_generated(self) -> int: ...
    @property
    def nodes_visited(self) -> int: ...
    @property
    def depth(self) -> int: ...
    @property
    def length(self) -> int: ...
    @property
    def search(self) -> str: ...
    @property
    def heuristic(self) -> str: ...
    @property
    def beam_size(self) -> int | None: ...
    @property
    def threshold(self) -> float | None: ...
    @property
    def style(self) -> str: ...
    @property
    def solved(self) -> bool: ...
    def __len__(self) -> int: ...

def countdown_solve(
    numbers: Sequence[int],
    target: int,
    rules: str = "sos",
    method: str = "dfs",
    heuristic: str = "sum",
    beam_size: int | None = None,
) -> str | None: ...
def countdown_solutions(
    numbers: Sequence[int], target: int, rules: str = "sos", limit: int | None = None
) -> list[str]: ...
def countdown_shortest(numbers: Sequence[int], target: int, rules: str = "sos") -> str | None: ...
def countdown_trace(
    numbers: Sequence[int],
    target: int,
    search: str = "dfs",
    heuristic: str = "sum",
    beam_size: int | None = None,
    threshold: float | None = None,
    style: str = "sos",
    rules: str = "sos",
    seed: int | None = None,
    given_order: Sequence[Sequence[str]] | None = None,
    backtracks: int | None = None,
    node_labels: str = "shown",
) -> CountdownTrace: ...
def countdown_trace_batch(
    instances: Sequence[tuple[Sequence[int], int]],
    search: str = "dfs",
    heuristic: str = "sum",
    beam_size: int | None = None,
    threshold: float | None = None,
    style: str = "sos",
    rules: str = "sos",
    seed: int | None = None,
    threads: int = 1,
    backtracks: int | None = None,
    node_labels: str = "shown",
) -> list[str]: ...
def countdown_validate(
    text: str,
    numbers: Sequence[int] | None = None,
    target: int | None = None,
    style: str = "sos",
    node_labels: str | None = None,
) -> tuple[bool, bool, int, int, str | None]:
    """(valid, solved, steps checked, 1-based line of the first error or 0, message)."""
def countdown_sos_solution(numbers: Sequence[int], target: int) -> list[str] | None: ...
def countdown_optimal_path(numbers: Sequence[int], target: int) -> str | None: ...
def countdown_target_split(seed: int = 0, max_target: int = 100) -> tuple[list[int], list[int]]: ...
def countdown_generate(
    n: int,
    preset: str = "sos",
    seed: int = 0,
    split: str = "train",
    split_seed: int = 0,
    min_numbers: int | None = None,
    max_numbers: int | None = None,
    min_value: int | None = None,
    max_value: int | None = None,
    min_target: int | None = None,
    max_target: int | None = None,
    targets: Sequence[int] | None = None,
    method: str | None = None,
) -> list[tuple[list[int], int]]: ...

# ---- datasets (section owned by clew.datasets) ----
# Arrays cross as bytes of little-endian int64/uint64/uint8; text columns as
# (utf-8 data, int64 offsets) pairs that Arrow wraps without copying.

__all__ += [
    "KeySet",
    "countdown_candidates",
    "countdown_feasible",
    "countdown_trace_rows",
    "dataset_record_seeds",
    "sat_keys",
    "sat_rows",
    "sudoku_trace_rows",
    "sudoku_candidates",
    "sudoku_symmetry_keys",
]

@final
class KeySet:
    def __init__(self) -> None: ...
    def add(self, keys: bytes) -> bytes:
        """One byte per uint64 key: 1 for its first occurrence, else 0."""
    def __len__(self) -> int: ...

def dataset_record_seeds(seed: int, start: int, count: int) -> bytes: ...
def countdown_candidates(
    seeds: bytes,
    preset: str = "sos",
    split: str = "all",
    split_seed: int = 0,
    numbers: tuple[int | None, int | None] = ...,
    values: tuple[int | None, int | None] = ...,
    targets_range: tuple[int | None, int | None] = ...,
    targets: Sequence[int] | None = None,
    method: str | None = None,
    threads: int = 1,
) -> tuple[bytes, int, bytes, bytes]: ...
def countdown_feasible(
    numbers: bytes,
    width: int,
    targets: bytes,
    backtracks: bytes,
    search: str = "dfs",
    heuristic: str = "sum",
    beam_size: int | None = None,
    threshold: float | None = None,
    rules: str = "sos",
    threads: int = 1,
) -> bytes: ...
def countdown_trace_rows(
    numbers: bytes,
    width: int,
    targets: bytes,
    backtracks: bytes | None = None,
    search: str = "dfs",
    heuristic: str = "sum",
    beam_size: int | None = None,
    threshold: float | None = None,
    style: str = "sos",
    rules: str = "sos",
    node_labels: str = "shown",
    threads: int = 1,
) -> dict[str, Any]: ...
def sudoku_candidates(
    seeds: bytes,
    size: int = 9,
    empty: int | None = None,
    difficulty: str | None = None,
    se_range: tuple[float, float] | None = None,
    box_shape: tuple[int, int] | None = None,
    max_attempts: int = 2000,
    threads: int = 1,
) -> tuple[bytes, bytes, bytes]: ...
def sudoku_symmetry_keys(puzzles: bytes, size: int = 9, box_shape: tuple[int, int] | None = None) -> bytes: ...
def sudoku_trace_rows(
    puzzles: bytes,
    seeds: bytes,
    backtracks: bytes,
    size: int = 9,
    box_shape: tuple[int, int] | None = None,
    style: str = "backtrack",
    deduction: str = "hidden_singles",
    threads: int = 1,
    check_only: bool = False,
) -> Any: ...
def sat_keys(seeds: bytes, vars: tuple[int, int], ratio: float = 4.26, k: int = 3) -> bytes: ...
def sat_rows(
    seeds: bytes,
    vars: tuple[int, int],
    ratio: float = 4.26,
    k: int = 3,
    style: str = "backtrack",
    natural: bool = False,
    cap: int = 2000,
    threads: int = 1,
) -> dict[str, Any]: ...
# --- search (clew.search wraps these) ---------------------------------------

__all__ += ["EnvMctsTrees", "MctsForest", "search_builtin", "search_python"]

@final
class MctsForest:
    """A batch of MCTS trees driven by ask/tell (see clew.search.MCTS)."""

    def __new__(
        cls,
        num_actions: int,
        num_trees: int = 1,
        rule: str = "puct",
        c: float = 1.25,
        virtual_loss: float = 1.0,
        dirichlet_alpha: float = 0.3,
        dirichlet_fraction: float = 0.0,
        two_player: bool = False,
        fpu: float = 0.0,
        seed: int = 0,
        gumbel: int | None = None,
        gumbel_considered: int = 16,
        gumbel_value_scale: float = 0.1,
        widening: tuple[float, float] | None = None,
    ) -> MctsForest: ...
    def ask(self, k: int) -> tuple[bytearray, bytearray]:
        """(int64 leaf ids, int64 (tree, parent, action) rows) as raw bytes."""
    def tell(
        self, leaf_ids: Any, priors: Any, values: Any, terminal: Any | None = None, legal: Any | None = None
    ) -> None: ...
    def root_visits(self) -> bytearray: ...
    def root_q(self) -> bytearray: ...
    def gumbel_policy(self) -> bytearray: ...
    def root_values(self) -> list[float]: ...
    def best_actions(self) -> list[int]: ...
    def simulations(self) -> list[int]: ...
    def advance(self, actions: Sequence[int]) -> None: ...
    def reset(self) -> None: ...
    @property
    def num_actions(self) -> int: ...
    @property
    def num_trees(self) -> int: ...
    @property
    def num_nodes(self) -> int: ...
    @property
    def pending(self) -> int: ...

_TreeColumns = tuple[list[int], list[int], list[int], list[float], list[str], list[int], list[int]]

def search_python(
    env: Any,
    root: Any,
    algorithm: str = "best_first",
    beam_width: int = 10,
    max_depth: int | None = None,
    max_nodes: int | None = None,
    max_evaluations: int | None = None,
    max_cost: float | None = None,
    record: bool = False,
    samples: int = 16,
    temperature: float = 1.0,
    seed: int = 0,
    transpositions: bool = False,
    max_seconds: float | None = None,
) -> tuple[str, list[int], Any, tuple[int, int, float], _TreeColumns | None]:
    """(stop, actions, goal state, (nodes, evaluations, cost), recorded tree columns)."""
def search_builtin(
    kind: str,
    root: Any,
    algorithm: str = "best_first",
    beam_width: int = 10,
    max_depth: int | None = None,
    max_nodes: int | None = None,
    max_evaluations: int | None = None,
    max_cost: float | None = None,
    target: int = 0,
    rules: str = "sos",
    heuristic: str = "sum",
    box_shape: tuple[int, int] | None = None,
    record: bool = False,
    samples: int = 16,
    temperature: float = 1.0,
    seed: int = 0,
    transpositions: bool = False,
    max_seconds: float | None = None,
) -> tuple[str, list[int], Any, tuple[int, int, float], _TreeColumns | None]: ...

@final
class EnvMctsTrees:
    """MCTS over an environment: built-in Countdown or Sudoku, or a Python env (see clew.search.EnvMCTS)."""

    def __new__(
        cls,
        kind: str,
        roots: Sequence[Any],
        *,
        env: Any | None = None,
        num_actions: int | None = None,
        target: int = 0,
        targets: Sequence[int] | None = None,
        rules: str = "sos",
        heuristic: str = "sum",
        box_shape: tuple[int, int] | None = None,
        rule: str = "uct",
        c: float = 1.0,
        virtual_loss: float = 1.0,
        dirichlet_alpha: float = 0.3,
        dirichlet_fraction: float = 0.0,
        fpu: float = 0.0,
        seed: int = 0,
        gumbel: int | None = None,
        gumbel_considered: int = 16,
        gumbel_value_scale: float = 0.1,
        widening: tuple[float, float] | None = None,
        max_nodes: int | None = None,
        max_evaluations: int | None = None,
        max_cost: float | None = None,
        transpositions: bool = False,
    ) -> EnvMctsTrees: ...
    def ask(self, k: int) -> tuple[bytearray, Any, bytearray]:
        """(int64 leaf ids, observations (float32 bytes, or a list for a Python env), int64 rows)."""
    def tell(self, leaf_ids: Any, priors: Any, values: Any) -> None: ...
    def tell_rollouts(self, leaf_ids: Any) -> None: ...
    def run_rollouts(self, simulations: int) -> None: ...
    def advance(self, actions: Sequence[int]) -> None: ...
    def values(self, t: int) -> dict[str, list[Any]]: ...
    def walk(self, t: int = 0, backtracks: int | None = None) -> list[tuple[str, list[int], str]]: ...
    def trace(self, t: int = 0, style: str = "astro", backtracks: int | None = None) -> dict[str, Any]: ...
    def root_state(self, t: int) -> Any: ...
    def spent(self) -> tuple[tuple[int, int, float], str | None, int]: ...
    def root_visits(self) -> bytearray: ...
    def gumbel_policy(self) -> bytearray: ...
    def simulations(self) -> list[int]: ...
    @property
    def num_actions(self) -> int: ...
    @property
    def num_trees(self) -> int: ...
    @property
    def obs_dim(self) -> int | None: ...
