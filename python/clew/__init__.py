"""clew: a Rust-accelerated solver engine.

Public API (kept small):

* :mod:`clew.sat` -- a PySAT-compatible CDCL ``Solver`` with DRAT proofs,
  budgets and interrupts, plus DIMACS reading/writing;
* :mod:`clew.countdown` -- the Countdown numbers game: solve, generate, search traces;
* :mod:`clew.sudoku` -- N x N Sudoku: solve, solve_batch (numpy, parallel), count, rate, generate;
* :mod:`clew.search` -- batched MCTS by ask/tell (``MCTS``, ``run_mcts``), the ``Env`` protocol;
* :mod:`clew.traces` -- trace styles, the trace validator;
* :func:`score` -- score model completions (strict, reasoning-gym, TinyZero rules);
* :class:`ClewError` -- the base class of every clew exception;
* :class:`DimacsError` -- malformed DIMACS input (also a ``ValueError``);
* :class:`InputError` -- an invalid argument such as a bad literal (also a ``ValueError``);
* :class:`CheckpointError` -- unusable model weights (also a ``ValueError``);
* :class:`BudgetExhausted` -- a budgeted call ran out (also a ``RuntimeError``);
* ``__version__``.
"""

from clew._core import BudgetExhausted, CheckpointError, ClewError, DimacsError, InputError, PuzzleError
from clew._core import __version__ as __version__

from clew import countdown, sat, sudoku, traces
from clew import search as search
from clew.score import score

__all__ = ["BudgetExhausted", "CheckpointError", "ClewError", "DimacsError", "InputError", "PuzzleError", "__version__", "countdown", "sat", "score", "sudoku", "traces"]
