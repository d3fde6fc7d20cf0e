"""Search with a policy/value prior: batched MCTS by ask/tell.

The trees live in Rust; Python asks for leaves, evaluates them however it
likes (a torch model on a GPU, a language model, a heuristic) and tells the
results back. Rust never calls Python, and a round costs two calls whatever
the batch size: arrays cross whole, there is no Python object per leaf.

    tree = clew.search.MCTS(num_actions=16, num_trees=256, seed=0)
    for _ in range(1 + 50):                       # the root, then 50 simulations
        leaf_ids, observations = tree.ask()       # one leaf per tree
        priors, values = evaluator(observations)  # (k, 16) and (k,), any float dtype
        tree.tell(leaf_ids, priors, values)
    tree.policy(), tree.best_actions()

or, the same loop ready-made: ``clew.search.run_mcts(evaluator, 16, batch=256,
simulations=50)``.

Observations, when no environment is attached, are int64 rows ``(tree,
parent node, action)``: enough to compute a leaf's state from its parent's
(``-1, -1`` for a root). :func:`run_mcts_env` attaches a Python environment
(:class:`Env`) and hands the evaluator ``env.observe(state)`` instead.

Values are told from the view of the player to move at the leaf; with
``two_player=True`` their sign flips at every ply on the way up.

The classic searches share one call, :func:`solve`, over a Python
:class:`Env` or a built-in Rust one (:class:`Countdown`, :class:`Sudoku`):

    clew.search.solve(clew.search.Countdown(24), [4, 6, 2, 1], "astar", max_nodes=10_000)
"""

from clew.search._compare import Comparison, compare, pass_at_k
from clew.search._search import (
    MCTS,
    Countdown,
    Env,
    EnvMCTS,
    SearchResult,
    Sudoku,
    mcts_trace,
    run_mcts,
    run_mcts_env,
    solve,
)

__all__ = [
    "MCTS",
    "Comparison",
    "Countdown",
    "Env",
    "EnvMCTS",
    "SearchResult",
    "Sudoku",
    "compare",
    "mcts_trace",
    "pass_at_k",
    "run_mcts",
    "run_mcts_env",
    "solve",
]
