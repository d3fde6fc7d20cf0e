"""Neural networks as priors of clew's searches (needs the ``neural`` extra: torch, safetensors).

* :func:`cnf_graph`, :class:`CnfGraph` -- a formula as NeuroBack's bipartite graph (built in Rust);
* :class:`PhasePredictor`, :class:`Prediction` -- a graph network that predicts the phases of a
  formula's backbone variables and seeds them into a :class:`clew.sat.Solver`;
* :class:`PolicyValue` -- a policy/value network for Countdown and Sudoku as the prior of
  :class:`clew.search.EnvMCTS` (``PolicyValue.load(MODEL_DIR).evaluator()``; :mod:`clew.neural.policy`);
* :mod:`clew.neural.checkpoint`, :mod:`clew.neural.train` -- the one safetensors checkpoint format and
  the one training loop every clew model uses;
* :func:`resolve_device` -- ``"auto"`` is CUDA when available, else the CPU.

Nothing outside this package imports torch: ``import clew`` works without it, and this import raises
an :class:`ImportError` that names the extra.
"""

from __future__ import annotations

try:
    import safetensors  # noqa: F401
    import torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised by a subprocess test
    raise ImportError(
        f"clew.neural needs torch and safetensors ({exc}); install them with: pip install 'clew[neural]'"
    ) from None

from clew.graph import CnfGraph, cnf_graph
from clew.neural.devices import resolve_device
from clew.neural.phases import PhasePredictor, Prediction
from clew.neural.policy import EvaluatorError, PolicyValue

__all__ = ["CnfGraph", "EvaluatorError", "PhasePredictor", "PolicyValue", "Prediction", "cnf_graph", "resolve_device"]
