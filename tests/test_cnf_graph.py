"""clew.graph: the CNF graph built in Rust against references built by hand, batching, bad input."""

from __future__ import annotations

import random

import numpy as np
import pytest

import clew
from clew.graph import CLAUSE_NODE, VARIABLE_NODE, CnfGraph, cnf_graph


def reference(clauses: list[list[int]], num_vars: int) -> tuple[set[tuple[int, int, int]], list[int]]:
    """(edges as (variable node, clause node, sign), node types) by the definition."""
    edges = set()
    for i, clause in enumerate(clauses):
        for lit in clause:
            edges.add((abs(lit) - 1, num_vars + i, 1 if lit > 0 else -1))
    return edges, [VARIABLE_NODE] * num_vars + [CLAUSE_NODE] * len(clauses)


def edges_of(g: CnfGraph) -> set[tuple[int, int, int]]:
    return {(int(a), int(b), int(s)) for a, b, s in zip(g.edge_index[0], g.edge_index[1], g.edge_sign, strict=True)}


def test_small_formula_by_hand() -> None:
    g = cnf_graph([[1, -2], [2, 3], [-1]])
    assert g.edge_index.dtype == np.int64 and g.edge_index.shape == (2, 5)
    assert g.edge_sign.dtype == np.int8 and g.node_type.dtype == np.int8
    assert g.graph_index.dtype == np.int64
    assert g.edge_index.tolist() == [[0, 1, 1, 2, 0], [3, 3, 4, 4, 5]]
    assert g.edge_sign.tolist() == [1, -1, 1, 1, -1]
    assert g.node_type.tolist() == [0, 0, 0, 1, 1, 1]
    assert g.graph_index.tolist() == [0] * 6
    assert (g.num_vars, g.num_clauses, g.num_nodes, g.num_edges, g.num_graphs) == (3, 3, 6, 5, 1)


def test_random_formulas_match_the_reference() -> None:
    rng = random.Random(1)
    for _ in range(200):
        n = rng.randint(1, 30)
        clauses = [
            [v * rng.choice((1, -1)) for v in rng.sample(range(1, n + 1), rng.randint(1, min(5, n)))]
            for _ in range(rng.randint(0, 40))
        ]
        g = cnf_graph(clauses, n)
        edges, types = reference(clauses, n)
        assert edges_of(g) == edges and g.num_edges == sum(map(len, clauses))
        assert g.node_type.tolist() == types
        # The flat phase-data form gives the same graph.
        literals = np.array([lit for c in clauses for lit in c], dtype=np.int32)
        offsets = np.cumsum([0] + [len(c) for c in clauses])
        flat = CnfGraph.from_flat(literals, offsets, n)
        assert np.array_equal(flat.edge_index, g.edge_index) and np.array_equal(flat.edge_sign, g.edge_sign)
        assert np.array_equal(cnf_graph((literals, offsets), n).node_type, g.node_type)


def test_num_vars_and_empty_formulas() -> None:
    g = cnf_graph([[2]], num_vars=4)
    assert g.node_type.tolist() == [0, 0, 0, 0, 1] and g.edge_index.tolist() == [[1], [4]]
    empty = cnf_graph([])
    assert (empty.num_nodes, empty.num_edges, empty.edge_index.shape) == (0, 0, (2, 0))
    assert cnf_graph([], num_vars=3).node_type.tolist() == [0, 0, 0]
    assert cnf_graph([[]], num_vars=1).node_type.tolist() == [0, 1]


def test_pysat_like_cnf_object() -> None:
    class CNF:
        nv = 5
        clauses = [[1, -3]]

    assert cnf_graph(CNF()).num_vars == 5


def test_batch_is_the_disjoint_union() -> None:
    a = cnf_graph([[1, -2], [2]])
    b = cnf_graph([[-1, 3], [1, 2, 3]], num_vars=4)
    batch = CnfGraph.batch([a, b])
    assert batch.num_graphs == 2 and batch.node_offsets.tolist() == [0, 4, 10]
    assert batch.graph_index.tolist() == [0] * 4 + [1] * 6
    assert (batch.num_vars, batch.num_clauses) == (6, 4)
    shifted = {(x + 4, y + 4, s) for x, y, s in edges_of(b)}
    assert edges_of(batch) == edges_of(a) | shifted
    assert batch.node_type.tolist() == a.node_type.tolist() + b.node_type.tolist()
    # Batches of batches flatten; an empty batch has no formulas.
    again = CnfGraph.batch([batch, a])
    assert again.graph_index.tolist() == [0] * 4 + [1] * 6 + [2] * 4 and again.num_graphs == 3
    assert CnfGraph.batch([]).num_graphs == 0 and CnfGraph.batch([]).num_nodes == 0


@pytest.mark.parametrize(
    ("clauses", "num_vars", "message"),
    [
        ([[1, 0]], None, "literal 0 in clause 0"),
        ([[1], [-5]], 3, "literal -5 in clause 1 is beyond num_vars=3"),
        ([[1]], -1, "num_vars must be 0 or more"),
        ([[2**31]], None, "out of range"),
        ("1 2 0", None, "not a string"),
        ([["a"]], None, "list of clauses"),
    ],
)
def test_bad_input(clauses: object, num_vars: int | None, message: str) -> None:
    with pytest.raises(clew.InputError, match=message):
        cnf_graph(clauses, num_vars)


def test_bad_flat_input() -> None:
    lits = np.array([1, 2], dtype=np.int32)
    with pytest.raises(clew.InputError, match="end at len"):
        CnfGraph.from_flat(lits, np.array([0, 1]))
    with pytest.raises(clew.InputError, match="start at 0"):
        CnfGraph.from_flat(lits, np.array([1, 2]))
    with pytest.raises(clew.InputError, match="decrease"):
        CnfGraph.from_flat(lits, np.array([0, 2, 1, 2]))
    with pytest.raises(clew.InputError, match="outside int32"):
        CnfGraph.from_flat(np.array([2**40]), np.array([0, 1]))
    with pytest.raises(clew.InputError, match="integers"):
        CnfGraph.from_flat(np.array([1.5]), np.array([0, 1]))


def test_large_formula_is_fast() -> None:
    # 100k clauses: no Python loop per clause on the flat path.
    import time

    rng = np.random.default_rng(0)
    lits = (rng.integers(1, 20001, 300_000) * rng.choice([-1, 1], 300_000)).astype(np.int32)
    offsets = np.arange(0, 300_001, 3)
    start = time.perf_counter()
    g = CnfGraph.from_flat(lits, offsets, 20000)
    assert time.perf_counter() - start < 2.0
    assert g.num_edges == 300_000 and g.num_nodes == 120_000
