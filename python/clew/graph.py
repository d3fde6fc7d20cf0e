"""A CNF formula as a graph for graph neural networks (NeuroBack's form), built in Rust.

``cnf_graph(clauses, num_vars=None) -> CnfGraph``; ``CnfGraph.batch(graphs)``
is the disjoint union of many, for one forward pass. numpy only (no torch):
``clew.neural`` re-exports both and turns the arrays into tensors.

Nodes: variables first (variable ``v`` is node ``v - 1``, ``node_type`` 0),
then clauses (clause ``i`` is node ``num_vars + i``, ``node_type`` 1). Edges:
one per literal occurrence, ``edge_index[0]`` the variable's node,
``edge_index[1]`` the clause's node, ``edge_sign`` +1 for a positive literal
and -1 for a negative one; a network passes messages both ways along them.

No global node. A node joined to every clause would add ``num_clauses``
edges and a hub whose degree grows with the formula, dominating any
degree-normalised aggregation; the one thing it gives, a per-formula summary,
is a mean over the nodes with the same ``graph_index`` (one ``index_add_``),
which is exact and costs no edges.

Edge cases, defined: a formula without clauses gives ``num_vars`` variable
nodes and no clause or edge (with ``num_vars=None``, an empty graph); an
empty clause is a clause node without edges. Whether a model accepts such a
graph is the model's business (``clew.neural`` refuses graphs without
variables). A zero literal, a literal beyond ``num_vars``, a negative
``num_vars`` or malformed ``clause_offsets`` raise :class:`clew.InputError`
naming the clause.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from clew import _core
from clew._core import InputError

__all__ = ["CLAUSE_NODE", "VARIABLE_NODE", "CnfGraph", "cnf_graph"]

VARIABLE_NODE = 0
CLAUSE_NODE = 1


@dataclass(frozen=True, eq=False)
class CnfGraph:
    """The graph of one formula, or of a batch (their disjoint union).

    ``edge_index`` int64 ``[2, E]`` (variable node, clause node),
    ``edge_sign`` int8 ``[E]`` (+1/-1), ``node_type`` int8 ``[N]``
    (0 variable, 1 clause), ``graph_index`` int64 ``[N]`` (which formula each
    node belongs to; all 0 for one formula). ``num_vars`` and
    ``num_clauses`` are totals over the batch; in a batch each formula's
    variables come before its clauses, formula after formula
    (``node_offsets[k]`` is where formula ``k`` starts, ``node_offsets[-1] == N``).
    """

    edge_index: np.ndarray
    edge_sign: np.ndarray
    node_type: np.ndarray
    num_vars: int
    num_clauses: int
    graph_index: np.ndarray
    node_offsets: np.ndarray

    @property
    def num_nodes(self) -> int:
        return int(self.node_type.shape[0])

    @property
    def num_edges(self) -> int:
        return int(self.edge_sign.shape[0])

    @property
    def num_graphs(self) -> int:
        return int(self.node_offsets.shape[0] - 1)

    @classmethod
    def _single(cls, arrays: tuple[Any, Any, Any, int, int]) -> CnfGraph:
        edge_index, edge_sign, node_type, num_vars, num_clauses = arrays
        n = num_vars + num_clauses
        return cls(
            edge_index=edge_index,
            edge_sign=edge_sign,
            node_type=node_type,
            num_vars=num_vars,
            num_clauses=num_clauses,
            graph_index=np.zeros(n, dtype=np.int64),
            node_offsets=np.array([0, n], dtype=np.int64),
        )

    @classmethod
    def from_flat(cls, literals: Any, clause_offsets: Any, num_vars: int | None = None) -> CnfGraph:
        """The graph of flat ``literals`` (int32) and CSR ``clause_offsets``.

        ``clause_offsets`` has one entry more than there are clauses:
        clause ``i`` is ``literals[clause_offsets[i]:clause_offsets[i + 1]]``,
        the first offset is 0 and the last ``len(literals)`` (the phase-data
        columns, and Arrow's list offsets). Other integer dtypes are
        converted (values that do not fit int32 are an ``InputError``).
        """
        lits = _int_array(literals, np.int32, "literals")
        offsets = _int_array(clause_offsets, np.int64, "clause_offsets")
        return cls._single(_core.cnf_graph_arrays((lits, offsets), num_vars))

    @classmethod
    def batch(cls, graphs: Sequence[CnfGraph]) -> CnfGraph:
        """The disjoint union of ``graphs``: node ids offset, ``graph_index`` numbering them.

        A batch in ``graphs`` contributes each of its formulas (order is
        kept); an empty sequence gives an empty graph of no formulas.
        """
        graphs = list(graphs)
        if not graphs:
            empty = cls._single(_core.cnf_graph_arrays([], 0))
            return cls(**{**empty.__dict__, "node_offsets": np.zeros(1, dtype=np.int64)})
        sizes = np.array([g.num_nodes for g in graphs], dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        edge_shift = np.repeat(starts, [g.num_edges for g in graphs])
        # Each input's own graph_index/node_offsets, shifted to run on.
        counts = np.array([g.num_graphs for g in graphs], dtype=np.int64)
        graph_shift = np.concatenate(([0], np.cumsum(counts)[:-1]))
        offsets = [g.node_offsets[:-1] + s for g, s in zip(graphs, starts, strict=True)]
        return cls(
            edge_index=np.concatenate([g.edge_index for g in graphs], axis=1) + edge_shift,
            edge_sign=np.concatenate([g.edge_sign for g in graphs]),
            node_type=np.concatenate([g.node_type for g in graphs]),
            num_vars=sum(g.num_vars for g in graphs),
            num_clauses=sum(g.num_clauses for g in graphs),
            graph_index=np.concatenate(
                [g.graph_index + s for g, s in zip(graphs, graph_shift, strict=True)]
            ),
            node_offsets=np.concatenate([*offsets, [int(sizes.sum())]]).astype(np.int64),
        )

    def variable_nodes(self) -> np.ndarray:
        """Node ids of the variables (in variable order, formula after formula)."""
        return np.flatnonzero(self.node_type == VARIABLE_NODE)


def _int_array(values: Any, dtype: type[np.integer[Any]], name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise InputError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        return np.zeros(0, dtype=dtype)
    if not np.issubdtype(array.dtype, np.integer):
        raise InputError(f"{name} must hold integers, got dtype {array.dtype}")
    info = np.iinfo(dtype)
    if array.dtype != dtype and (array.min() < info.min or array.max() > info.max):
        raise InputError(f"{name} has values outside {np.dtype(dtype).name}")
    return np.ascontiguousarray(array, dtype=dtype)


def cnf_graph(clauses: Any, num_vars: int | None = None) -> CnfGraph:
    """The graph of a formula: a list of clauses, a PySAT-like ``CNF`` (``.clauses``,
    ``.nv``), or a ``(literals, clause_offsets)`` pair of arrays (see :meth:`CnfGraph.from_flat`).

    ``num_vars=None`` takes the largest variable used (a ``CNF``'s ``nv``).
    """
    if isinstance(clauses, tuple) and len(clauses) == 2 and isinstance(clauses[0], np.ndarray):
        return CnfGraph.from_flat(clauses[0], clauses[1], num_vars)
    if isinstance(clauses, (str, bytes)):
        raise InputError("a formula is a list of clauses, not a string (see clew.sat.parse_dimacs)")
    if hasattr(clauses, "clauses"):
        if num_vars is None and getattr(clauses, "nv", None):
            num_vars = int(clauses.nv)
        clauses = clauses.clauses
    if not isinstance(clauses, list):
        clauses = [list(c) for c in clauses]
    return CnfGraph._single(_core.cnf_graph_arrays(clauses, num_vars))
