"""Arrays into the binding under the stable ABI (rust/clew-py/src/buffer.rs).

The extension is built for abi3-py310, where the buffer protocol's C API is
not available, so arrays are read through ``memoryview``. These pin what the
binding accepts: any strides, native-endian elements of the right kind and
size, the right shape; anything else is an InputError naming the argument.
The binding object is called directly: the Python wrapper may convert first.
"""

from __future__ import annotations

import numpy as np
import pytest

import clew
from clew.search import MCTS


def _forest(num_actions: int = 3, num_trees: int = 4) -> tuple[MCTS, np.ndarray]:
    tree = MCTS(num_actions=num_actions, num_trees=num_trees, seed=7)
    ids, _ = tree.ask()
    return tree, ids


def _priors(n: int, a: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    p = rng.random((n, a), dtype=np.float32) + 0.1
    return p / p.sum(axis=1, keepdims=True)


def test_strided_arrays_read_as_their_elements() -> None:
    runs = []
    for strided in (False, True):
        tree, ids = _forest()
        priors = _priors(len(ids), 3)
        values = np.linspace(-0.5, 0.5, len(ids), dtype=np.float32)
        if strided:  # every other column / element of wider arrays: not C-contiguous
            wide = np.zeros((len(ids), 6), np.float32)
            wide[:, ::2] = priors
            priors = wide[:, ::2]
            wide_values = np.zeros(2 * len(ids), np.float32)
            wide_values[::2] = values
            values = wide_values[::2]
            wide_ids = np.zeros(2 * len(ids), np.int64)
            wide_ids[::2] = ids
            ids = wide_ids[::2]
            assert not priors.flags.c_contiguous and not values.flags.c_contiguous
        tree._core.tell(ids, priors, values, None, None)
        for _ in range(20):
            ids, _ = tree.ask()
            tree.tell(ids, _priors(len(ids), 3), np.zeros(len(ids), np.float32))
        runs.append(tree.visit_counts().copy())
    assert runs[0].sum() > 0
    np.testing.assert_array_equal(runs[0], runs[1])


@pytest.mark.parametrize(
    ("argument", "bad", "message"),
    [
        ("priors", lambda n: _priors(n, 3).astype(np.float64), "priors must be a float32 array, got float64"),
        ("priors", lambda n: _priors(n, 3).astype(">f4"), "priors must be a float32 array, got >f4"),
        ("priors", lambda n: _priors(n, 3).tolist(), "priors must be a float32 array"),
        ("priors", lambda n: _priors(n, 2), "priors has shape [4, 2], expected [4, 3]"),
        ("values", lambda n: np.zeros(n, np.int32), "values must be a float32 array, got int32"),
        ("values", lambda n: np.zeros((n, 1), np.float32), "values has shape [4, 1], expected [4]"),
        ("leaf_ids", lambda n: np.arange(n, dtype=np.int32), "leaf_ids must be an int64 array"),
        ("leaf_ids", lambda n: np.zeros((n, 1), np.int64), "leaf_ids must be 1-D, got shape [4, 1]"),
    ],
)
def test_wrong_arrays_are_input_errors(argument: str, bad, message: str) -> None:
    tree, ids = _forest()
    args = {"leaf_ids": ids, "priors": _priors(len(ids), 3), "values": np.zeros(len(ids), np.float32)}
    args[argument] = bad(len(ids))
    with pytest.raises(clew.InputError) as info:
        tree._core.tell(args["leaf_ids"], args["priors"], args["values"], None, None)
    assert message in str(info.value)
    # All-or-nothing: the same leaves can still be told.
    tree._core.tell(ids, _priors(len(ids), 3), np.zeros(len(ids), np.float32), None, None)


def test_array_can_be_resized_right_after_a_call() -> None:
    # The binding releases its view of the array before returning.
    tree, ids = _forest()
    priors = _priors(len(ids), 3).copy()
    tree._core.tell(ids, priors, np.zeros(len(ids), np.float32), None, None)
    priors.resize((8, 3), refcheck=False)
