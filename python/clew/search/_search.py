"""The searches behind :mod:`clew.search`: batched MCTS by ask/tell, the
classic searches over an :class:`Env` (:func:`solve`) and :class:`EnvMCTS`."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from clew import _core

_LOW = 0xFFFFFFFF


class MCTS:
    """A batch of ``num_trees`` search trees over ``num_actions`` actions.

    State contract: a fresh tree has one unevaluated root, handed out by the
    first :meth:`ask`. Every leaf handed out must be told exactly once
    before the trees it belongs to can :meth:`advance`. ``rule`` is
    ``"puct"`` (AlphaZero, priors used, exploration ``c``) or ``"uct"``
    (UCB1, priors ignored). ``virtual_loss`` is what a leaf in flight counts
    as having lost while several leaves come from one tree.
    ``dirichlet_fraction > 0`` mixes Dir(``dirichlet_alpha``) noise into each
    root's priors. ``fpu`` is the value of an unvisited child under PUCT.
    ``gumbel=n`` selects at the roots as Gumbel MuZero (mctx's
    ``gumbel_muzero_policy``): Gumbel-top-``gumbel_considered`` actions,
    then sequential halving planned for ``n`` simulations, scored by ``g +
    logits + sigma(q)`` with ``sigma(q) = (50 + max N) * gumbel_value_scale *
    q``; :meth:`best_actions` is then mctx's choice. Below the roots
    ``rule`` applies; no Dirichlet noise; single-agent only.
    ``widening=(c, alpha)``: progressive widening for open-ended actions, a
    node visited ``N`` times considers only its ``ceil(c * N**alpha)``
    children of highest prior (below a Gumbel root; everywhere otherwise).
    Tree ``i`` draws from the random stream ``(seed, i)``: the same seed and
    the same calls give the same trees.
    """

    __slots__ = ("_core", "num_actions", "num_trees")

    def __init__(
        self,
        num_actions: int,
        num_trees: int = 1,
        *,
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
    ) -> None:
        self._core = _core.MctsForest(
            num_actions,
            num_trees,
            rule,
            c,
            virtual_loss,
            dirichlet_alpha,
            dirichlet_fraction,
            two_player,
            fpu,
            seed,
            gumbel,
            gumbel_considered,
            gumbel_value_scale,
            widening,
        )
        self.num_actions = num_actions
        self.num_trees = num_trees

    def ask(self, k: int | None = None) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Up to ``k`` leaves (default: one per tree) as ``(leaf_ids (n,),
        observations (n, 3))``, both int64. Trees take turns; a tree gives
        more than one only through virtual loss, and walks that collide with
        a leaf in flight give none (so ``n`` can be below ``k``)."""
        ids, obs = self._core.ask(self.num_trees if k is None else k)
        return np.frombuffer(ids, np.int64), np.frombuffer(obs, np.int64).reshape(-1, 3)

    def tell(
        self,
        leaf_ids: NDArray[np.int64],
        priors: NDArray[np.float32],
        values: NDArray[np.float32],
        *,
        terminal: NDArray[np.bool_] | None = None,
        legal: NDArray[np.bool_] | None = None,
    ) -> None:
        """Expand the leaves and back their values up.

        ``priors`` is ``(n, num_actions)`` (non-negative weights,
        normalised over the legal actions), ``values`` ``(n,)``: any float
        dtype (float32 is what the core reads; float64, numpy's default, is
        converted once) or nested lists.
        ``terminal`` (bool ``(n,)``) marks leaves whose value is exact (they
        get no children); ``legal`` (bool ``(n, num_actions)``) limits the
        children; a leaf with no legal action is terminal. Raises
        :class:`clew.InputError` for a wrong dtype or shape, an unknown or
        repeated leaf id, or a bad number; then no tree has changed.
        """
        core = self._core
        if terminal is not None:
            terminal = np.ascontiguousarray(terminal, dtype=np.bool_).view(np.uint8)
        if legal is not None:
            legal = np.ascontiguousarray(legal, dtype=np.bool_).view(np.uint8)
        core.tell(_array(leaf_ids, np.int64), _array(priors, np.float32), _array(values, np.float32), terminal, legal)

    def visit_counts(self) -> NDArray[np.int32]:
        """Root visit counts, int32 ``(num_trees, num_actions)``."""
        return np.frombuffer(self._core.root_visits(), np.int32).reshape(self.num_trees, self.num_actions)

    def policy(self, temperature: float = 1.0) -> NDArray[np.float32]:
        """Root visit counts as a distribution, sharpened by ``1/temperature``
        (``temperature=0``: all mass on the most visited actions)."""
        counts = self.visit_counts().astype(np.float64)
        if temperature == 0:
            counts = (counts == counts.max(axis=1, keepdims=True)) & (counts > 0)
            counts = counts.astype(np.float64)
        else:
            counts = counts ** (1.0 / temperature)
        total = counts.sum(axis=1, keepdims=True)
        return (counts / np.where(total > 0, total, 1.0)).astype(np.float32)

    def q_values(self) -> NDArray[np.float32]:
        """Mean value of each root child for the player to move at the root;
        NaN where unvisited. float32 ``(num_trees, num_actions)``."""
        return np.frombuffer(self._core.root_q(), np.float32).reshape(self.num_trees, self.num_actions)

    def improved_policy(self) -> NDArray[np.float32]:
        """Gumbel MuZero's policy training target at each root:
        ``softmax(logits + sigma(completed q))`` over the root's children
        (mctx's ``action_weights``), float32 ``(num_trees, num_actions)``,
        zeros for absent actions and unexpanded roots. Only with a Gumbel
        root (``gumbel=n``): :class:`clew.InputError` otherwise. Export it
        beside :meth:`visit_counts`."""
        return np.frombuffer(self._core.gumbel_policy(), np.float32).reshape(self.num_trees, self.num_actions)

    def root_values(self) -> NDArray[np.float32]:
        """Each root's value estimate (NaN before it is evaluated)."""
        return np.asarray(self._core.root_values(), np.float32)

    def best_actions(self) -> NDArray[np.int64]:
        """The most visited root action of each tree (with a Gumbel root:
        mctx's choice among the most visited); -1 before expansion."""
        return np.asarray(self._core.best_actions(), np.int64)

    def simulations(self) -> NDArray[np.int64]:
        """Completed simulations per tree (the root's visit count)."""
        return np.asarray(self._core.simulations(), np.int64)

    def advance(self, actions: Sequence[int] | NDArray[np.int64]) -> None:
        """Make each tree's child by ``actions[i]`` its new root, keeping that
        subtree and its statistics (a fresh root if it was never
        expanded). Requires no leaf in flight."""
        self._core.advance([int(a) for a in actions])

    def reset(self) -> None:
        """Every tree back to one unevaluated root (random streams go on)."""
        self._core.reset()

    @property
    def num_nodes(self) -> int:
        return self._core.num_nodes

    @property
    def pending(self) -> int:
        """Leaves handed out and not yet told."""
        return self._core.pending


def _array(value: Any, dtype: type) -> Any:
    # Lists (and tensors) are converted; a float array of another precision
    # (numpy's default float64, float16) is converted once to the float32 the
    # core reads. Other dtypes go through as they are, so that Rust refuses
    # them with an InputError (ints are not priors) instead of guessing.
    if not isinstance(value, np.ndarray):
        return np.asarray(value, dtype)
    if value.dtype != dtype and value.dtype.kind == "f" and np.dtype(dtype).kind == "f":
        return value.astype(dtype)
    return value


Evaluator = Callable[[Any], Sequence[Any]]
"""observations -> (priors, values[, terminal[, legal]])."""


def run_mcts(
    evaluator: Evaluator,
    num_actions: int,
    *,
    batch: int = 1,
    simulations: int = 100,
    leaves_per_tree: int = 1,
    tree: MCTS | None = None,
    **options: Any,
) -> MCTS:
    """Run ``simulations`` simulations on each of ``batch`` trees (after the
    roots' own evaluation) and return the trees.

    Each round asks for ``batch * leaves_per_tree`` leaves, calls
    ``evaluator(observations)`` once on all of them and tells the result
    back, so the evaluator always sees full batches. The evaluator returns
    ``(priors, values)`` and optionally ``terminal`` and ``legal`` masks (see
    :meth:`MCTS.tell`). ``leaves_per_tree > 1`` uses virtual loss to fill
    larger batches from fewer trees. ``options`` go to :class:`MCTS`
    (``gumbel=True`` plans the Gumbel root for ``simulations``); pass
    ``tree`` to go on searching existing trees.
    """
    if options.get("gumbel") is True:
        options["gumbel"] = simulations
    fresh = tree is None or tree.root_values().size == 0 or bool(np.isnan(tree.root_values()).any())
    if tree is None:
        tree = MCTS(num_actions, batch, **options)
    k = tree.num_trees * leaves_per_tree
    # One more round evaluates fresh roots.
    rounds = -(-(simulations + fresh) // leaves_per_tree)
    core_ask, core_tell = tree._core.ask, tree._core.tell
    frombuffer = np.frombuffer
    for _ in range(rounds):
        # The loop body is tree.ask + tree.tell inlined: two calls into Rust.
        raw_ids, raw_obs = core_ask(k)
        ids = frombuffer(raw_ids, np.int64)
        if len(ids) == 0:
            break
        out = evaluator(frombuffer(raw_obs, np.int64).reshape(-1, 3))
        if len(out) == 2:
            core_tell(ids, _array(out[0], np.float32), _array(out[1], np.float32), None, None)
        else:
            tree.tell(ids, out[0], out[1], terminal=out[2], legal=out[3] if len(out) > 3 else None)
    return tree


@runtime_checkable
class Env(Protocol):
    """A search problem written in Python.

    States are any Python objects the environment understands; actions are
    ints in ``range(num_actions)``. Optional methods: ``heuristic(state) ->
    float`` (lower is closer to a goal), ``cost(state, action) -> float``
    (what a step costs the caller, e.g. tokens) and ``expand_batch(states)
    -> [(actions, priors, values), ...]`` (many states expanded in one call,
    e.g. one language-model batch; :func:`solve` uses it in place of
    ``legal_actions``, see there).
    """

    def legal_actions(self, state: Any) -> Sequence[int]: ...
    def step(self, state: Any, action: int) -> Any: ...
    def is_terminal(self, state: Any) -> bool: ...
    def reward(self, state: Any) -> float: ...
    def observe(self, state: Any) -> Any: ...


def run_mcts_env(
    env: Env,
    roots: Sequence[Any],
    evaluator: Callable[[list[Any]], Sequence[Any]],
    num_actions: int,
    *,
    simulations: int = 100,
    **options: Any,
) -> MCTS:
    """MCTS over a Python environment, one tree per root state.

    Each round the driver steps the environment to every asked leaf; a
    terminal leaf is told ``env.reward(state)`` (for the player to move
    there) without the evaluator, the others go in one call
    ``evaluator([env.observe(s) for s in states]) -> (priors, values)``.
    Children are the legal actions; ``options`` go to :class:`MCTS`. An
    env with ``expand_batch(states)`` (see :func:`solve`) gets one call per
    round on the live leaves before their ``legal_actions`` are read.
    """
    tree = MCTS(num_actions, len(roots), **options)
    states: dict[tuple[int, int], Hashable] = {}
    for _ in range(simulations + 1):
        ids, obs = tree.ask()
        if len(ids) == 0:
            break
        n = len(ids)
        leaf_states = []
        for i in range(n):
            t, parent, action = (int(x) for x in obs[i])
            s = roots[t] if parent < 0 else env.step(states[t, parent], action)
            states[t, int(ids[i]) & _LOW] = s
            leaf_states.append(s)
        terminal = np.array([env.is_terminal(s) for s in leaf_states], dtype=np.bool_)
        expand_batch = getattr(env, "expand_batch", None)
        if expand_batch is not None:
            # One batched expansion of the round's live leaves; legal_actions then reads it.
            expand_batch([s for s, t in zip(leaf_states, terminal, strict=True) if not t])
        legal = np.zeros((n, num_actions), dtype=np.bool_)
        values = np.zeros(n, dtype=np.float32)
        priors = np.zeros((n, num_actions), dtype=np.float32)
        for i, s in enumerate(leaf_states):
            if terminal[i]:
                values[i] = env.reward(s)
            else:
                legal[i, list(env.legal_actions(s))] = True
        live = np.flatnonzero(~terminal)
        if len(live):
            p, v = evaluator([env.observe(leaf_states[i]) for i in live])[:2]
            priors[live] = np.asarray(p, np.float32)
            values[live] = np.asarray(v, np.float32)
        tree.tell(ids, priors, values, terminal=terminal, legal=legal)
    return tree


# ------------------------------------------------ DFS, BFS, beam, best-first


@dataclass(frozen=True)
class Countdown:
    """The built-in Countdown environment (searched in Rust, the GIL
    released). Root: the numbers. Action ``a`` is the ``a``-th step in
    Stream of Search's order; ``heuristic`` is ``"sum"`` or ``"mult"``,
    ``rules`` ``"sos"`` (every number used), ``"classic"`` or ``"subset"``.
    ``target=None`` (:class:`EnvMCTS` only): each root is a ``(numbers,
    target)`` pair, so one forest holds instances with different targets."""

    target: int | None = None
    rules: str = "sos"
    heuristic: str = "sum"


@dataclass(frozen=True)
class Sudoku:
    """The built-in Sudoku environment: each step fills the empty cell with
    the fewest candidates (action ``cell * n + digit - 1``); heuristic: empty
    cells left. Root: the puzzle text."""

    box_shape: tuple[int, int] | None = None


@dataclass(frozen=True)
class SearchResult:
    """How a search stopped (``"solved"``, ``"exhausted"``, ``"nodes"``,
    ``"evaluations"``, ``"cost"`` or ``"seconds"`` for the budget that ran
    out), the actions from the root to the goal (empty without one), the
    goal state, and what was spent: ``nodes`` generated (root included), heuristic
    ``evaluations`` (child values, for an env with ``expand_batch``), and
    the summed ``cost`` of the actions applied.

    ``tree`` (with ``record=True``): the search tree as numpy columns, one
    row per generated node, the root first: ``parent`` and ``action`` (-1
    for the root), ``depth``, ``value`` (heuristic, NaN without one),
    ``outcome`` (``"open"``, ``"visited"``, ``"dead_end"``, ``"goal"``),
    ``visit`` and ``expand`` (the order the node was visited/expanded, -1
    for never)."""

    stop: str
    actions: list[int]
    goal: Any
    nodes: int
    evaluations: int
    cost: float
    tree: dict[str, NDArray[Any]] | None = None

    @property
    def solved(self) -> bool:
        return self.stop == "solved"


def solve(
    env: Env | Countdown | Sudoku,
    root: Any,
    algorithm: str = "best_first",
    *,
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
) -> SearchResult:
    """Search ``env`` from ``root`` for a goal (a terminal state with a
    positive reward).

    ``algorithm``: ``"dfs"`` (children in heuristic order, ``max_depth``),
    ``"bfs"``, ``"beam"`` (``beam_width`` lowest-heuristic children per
    level), ``"best_first"``/``"greedy"`` (heuristic), ``"astar"`` (cost so
    far + heuristic), ``"iddfs"`` (depth-first passes to depth 0, 1, ...,
    up to ``max_depth``; each pass counts against the budget),
    ``"best_of_n"`` (``samples`` paths sampled from the root, the best
    reward kept) or ``"particle_filter"`` (``samples`` particles stepped
    together, resampled by weight each step, the first goal wins). The two
    samplers pick a child with probability ``exp(-(h - h_min) / (temperature
    * spread))`` over its siblings' heuristics (uniform without one) and
    are deterministic under ``seed``. ``transpositions=True`` (dfs, bfs,
    beam, best-first, A*) merges states reached twice (a transposition
    table: the built-in envs key a state by its content, a Python env by
    ``hash(state)``): a repeated child is dropped, its step's cost counted,
    not a node. The budgets (``max_nodes``, ``max_evaluations``,
    ``max_cost``, ``max_seconds`` of wall-clock time) stop the search where
    they run out; the result reports what was spent either way.
    ``record=True`` also returns the search tree (:attr:`SearchResult.tree`);
    off, recording costs nothing. A Python env is called from this thread;
    an exception it raises propagates.

    A Python env with ``expand_batch(states) -> [(actions, priors, values),
    ...]`` (one triple per state, in order) is expanded through it instead
    of ``legal_actions``: a beam level, a BFS depth, the particle filter's
    live particles and best-of-N's live samples (advanced in lockstep) in
    one call each; DFS, best-first, A*, greedy and iddfs one call per
    expanded node. ``values`` (in [0, 1], of the child each action leads
    to) stand in for the heuristic as ``1 - value``; the samplers draw a
    child with probability proportional to ``prior ** (1 / temperature)``
    and the particle filter weights particles by their values. Each state
    is expanded at most once; terminal states are not expanded (no
    actions). A bad answer raises :class:`clew.InputError`. Budgets are
    checked between batches, never inside one: one ``expand_batch`` call
    can overshoot a budget by what that call spends.
    """
    limits = (algorithm, beam_width, max_depth, max_nodes, max_evaluations, max_cost)
    if isinstance(env, Countdown):
        if env.target is None:
            raise _core.InputError("solve needs Countdown(target): per-root targets are for EnvMCTS")
        out = _core.search_builtin(
            "countdown",
            list(root),
            *limits,
            target=env.target,
            rules=env.rules,
            heuristic=env.heuristic,
            record=record,
            samples=samples,
            temperature=temperature,
            seed=seed,
            transpositions=transpositions,
            max_seconds=max_seconds,
        )
    elif isinstance(env, Sudoku):
        out = _core.search_builtin(
            "sudoku",
            root,
            *limits,
            box_shape=env.box_shape,
            record=record,
            samples=samples,
            temperature=temperature,
            seed=seed,
            transpositions=transpositions,
            max_seconds=max_seconds,
        )
    else:
        out = _core.search_python(
            env,
            root,
            *limits,
            record=record,
            samples=samples,
            temperature=temperature,
            seed=seed,
            transpositions=transpositions,
            max_seconds=max_seconds,
        )
    stop, actions, goal, (nodes, evaluations, cost), columns = out
    tree: dict[str, NDArray[Any]] | None = None
    if columns is not None:
        names = ("parent", "action", "depth", "value", "outcome", "visit", "expand")
        dtypes = (np.int64, np.int64, np.int64, np.float64, np.str_, np.int64, np.int64)
        tree = {n: np.asarray(c, d) for n, c, d in zip(names, columns, dtypes, strict=True)}
    return SearchResult(stop, actions, goal, nodes, evaluations, cost, tree)


# ------------------------------------------------ MCTS over an environment


class EnvMCTS:
    """MCTS over an environment, one tree per root: the built-in
    :class:`Countdown` or :class:`Sudoku` (stepped in Rust) or any Python
    :class:`Env` (then ``num_actions`` is required: actions are ints below
    it). Countdown roots: lists of numbers for ``Countdown(target)``,
    ``(numbers, target)`` pairs for ``Countdown()`` (one forest over
    instances with different targets: each tree's states, rewards and
    observations carry its own target). Trees share only what any forest
    shares: the budgets, and :meth:`ask`'s passes (a pass repeats while
    some tree's walk ended on a terminal, which can give the other trees
    an extra leaf that round).

    State contract: like :class:`MCTS`, but the environment is stepped for
    you. :meth:`ask` hands out only leaves that need an evaluation, with
    their observations: a float32 array for a built-in environment (for
    Countdown the numbers padded with -1, then the tree's own target; for
    Sudoku the cells), the list ``[env.observe(s) ...]`` for a Python one. Terminal
    leaves are told their reward inside. :meth:`tell` takes priors over all
    ``num_actions`` actions (children are the legal ones) and values in
    [0, 1]. Without an evaluator, :meth:`run` evaluates by random playouts
    (uniform priors, the playout's reward as value).

    Budgets, over all trees together: ``max_nodes`` (states reached, roots
    included), ``max_evaluations`` (leaves handed to the evaluator or to
    playouts), ``max_cost`` (the summed ``env.cost(state, action)`` of the
    steps taken; 1 per step without ``cost``). Once one is spent
    :meth:`ask` hands out nothing and :meth:`spent` names it.
    ``transpositions=True``: a leaf whose state has the key of an already
    evaluated node of its tree (Countdown: its multiset of numbers; Sudoku:
    its cells; a Python env: ``hash(state)``) is not evaluated again, it is
    expanded with that node's priors and valued at its current mean.
    :meth:`advance` moves roots down, keeping subtrees and their records.
    The same seed and the same calls give the same trees. ``options`` are
    :class:`MCTS`'s (``rule`` defaults to ``"uct"``, ``c`` to 1.0; no
    ``two_player``). A Python env is called from the calling thread; an
    exception it raises propagates.
    """

    __slots__ = ("_core", "_env", "_states", "num_actions", "num_trees", "obs_dim")

    def __init__(
        self,
        env: Env | Countdown | Sudoku,
        roots: Sequence[Any],
        *,
        num_actions: int | None = None,
        max_nodes: int | None = None,
        max_evaluations: int | None = None,
        max_cost: float | None = None,
        transpositions: bool = False,
        **options: Any,
    ) -> None:
        limits: dict[str, Any] = dict(max_nodes=max_nodes, max_evaluations=max_evaluations, max_cost=max_cost,
                      transpositions=transpositions)
        if isinstance(env, Countdown):
            numbers, targets = _countdown_roots(env, roots)
            self._core = _core.EnvMctsTrees(
                "countdown", numbers, targets=targets, rules=env.rules, heuristic=env.heuristic,
                **limits, **options,
            )
        elif isinstance(env, Sudoku):
            self._core = _core.EnvMctsTrees("sudoku", list(roots), box_shape=env.box_shape, **limits, **options)
        else:
            if num_actions is None:
                raise TypeError("EnvMCTS over a Python environment needs num_actions")
            self._core = _core.EnvMctsTrees(
                "python", list(roots), env=env, num_actions=num_actions, **limits, **options
            )
        self._env = env
        # States along action paths from each root, for describing steps.
        self._states: dict[tuple[int, tuple[int, ...]], Any] = {}
        self.num_actions: int = self._core.num_actions
        self.num_trees: int = self._core.num_trees
        self.obs_dim: int | None = self._core.obs_dim

    def ask(self, k: int | None = None) -> tuple[NDArray[np.int64], Any]:
        """Up to ``k`` leaves (default: one per tree) that need an evaluation:
        ``(leaf_ids (n,) int64, observations)`` (see the class notes)."""
        ids, obs, _rows = self._core.ask(self.num_trees if k is None else k)
        if self.obs_dim is not None:
            obs = np.frombuffer(obs, np.float32).reshape(-1, self.obs_dim)
        return np.frombuffer(ids, np.int64), obs

    def tell(self, leaf_ids: NDArray[np.int64], priors: NDArray[np.float32], values: NDArray[np.float32]) -> None:
        """Expand the leaves: ``priors`` ``(n, num_actions)``, ``values``
        ``(n,)``, any float dtype (converted once to float32) or lists.
        All-or-nothing (InputError)."""
        self._core.tell(_array(leaf_ids, np.int64), _array(priors, np.float32), _array(values, np.float32))

    def run(self, simulations: int = 200, evaluator: Callable[[Any], Sequence[Any]] | None = None) -> None:
        """``simulations`` rounds (one leaf per tree each, after the roots'
        own round), fewer when a budget runs out.
        ``evaluator(observations) -> (priors, values)`` is called once per
        round on the whole batch; ``None``: random playouts in Rust (the GIL
        released for a built-in environment)."""
        if evaluator is None:
            self._core.run_rollouts(simulations)
            return
        for _ in range(simulations + 1):
            ids, obs = self.ask()
            if len(ids):
                priors, values = evaluator(obs)[:2]
                self.tell(ids, np.asarray(priors, np.float32), np.asarray(values, np.float32))
            elif self.spent()["stop"] is not None:
                break

    def advance(self, actions: Sequence[int]) -> None:
        """Make each tree's child by ``actions[i]`` its new root, keeping its
        subtree, statistics and export records (a fresh root, stepped, if it
        was never reached). The action must be legal; no leaf in flight."""
        self._core.advance([int(a) for a in actions])
        self._states.clear()

    def spent(self) -> dict[str, Any]:
        """What the search spent: ``nodes``, ``evaluations``, ``cost``;
        ``stop``: the budget that ran out (``"nodes"``, ``"evaluations"``,
        ``"cost"``) or None; ``shared``: leaves valued from the
        transposition table instead of the evaluator."""
        (nodes, evaluations, cost), stop, shared = self._core.spent()
        return {"nodes": nodes, "evaluations": evaluations, "cost": cost, "stop": stop, "shared": shared}

    def visit_counts(self) -> NDArray[np.int32]:
        """Root visit counts, int32 ``(num_trees, num_actions)``."""
        return np.frombuffer(self._core.root_visits(), np.int32).reshape(self.num_trees, self.num_actions)

    def improved_policy(self) -> NDArray[np.float32]:
        """With a Gumbel root (``gumbel=n``): each root's policy training
        target ``softmax(logits + sigma(completed q))`` (see
        :meth:`MCTS.improved_policy`), float32 ``(num_trees, num_actions)``,
        to export beside :meth:`visit_counts`."""
        return np.frombuffer(self._core.gumbel_policy(), np.float32).reshape(self.num_trees, self.num_actions)

    def simulations(self) -> NDArray[np.int64]:
        """Completed simulations per tree (terminal re-visits included)."""
        return np.asarray(self._core.simulations(), np.int64)

    def export_values(self, tree_index: int = 0) -> dict[str, NDArray[Any]]:
        """Per-node value targets of one tree, numpy columns in visit order
        (the root first): ``node``, ``parent``/``action`` (-1 for the
        root), ``depth``, ``visits``, ``value`` (mean backed-up value, NaN
        if unvisited), ``prior``, ``finished`` (simulations through the node
        that ended on a terminal state, in the tree or by a playout),
        ``correct`` (those that reached a goal), ``p_correct`` (``correct /
        finished``, NaN when 0: ReST-MCTS*'s process-reward target),
        ``terminal``, ``goal``, and ``step`` (the step into the node:
        Countdown ``"4*6=24"``, Sudoku ``"r1c3=4"``, a Python env the
        action; ``""`` for the root)."""
        cols = self._core.values(tree_index)
        out: dict[str, NDArray[Any]] = {}
        for name, col in cols.items():
            if name == "step":
                out[name] = np.asarray(col, np.str_)
            elif name in ("terminal", "goal"):
                out[name] = np.asarray(col, np.bool_)
            elif name in ("value", "prior", "p_correct"):
                out[name] = np.asarray(col, np.float64)
            else:
                out[name] = np.asarray(col, np.int64)
        return out

    def export_walk(self, tree_index: int = 0, backtracks: int | None = None) -> list[dict[str, Any]]:
        """One tree's ASTRO-style linearisation as events, for any
        environment: ``{"move": "try", "actions": [...], "outcome": ...}``
        tries the child reached by the last action from the state the walk
        stands at (``outcome`` ``"goal"``, ``"dead_end"`` or ``"visited"``),
        ``{"move": "back", "actions": [...]}`` returns to that state of the
        current path. ``actions`` run from the root. Wrong branches come in
        the order the search reached them, one return each (at most
        ``backtracks``), then the final path (see :meth:`export_trace`)."""
        return [
            {"move": move, "actions": list(actions), "outcome": outcome}
            for move, actions, outcome in self._core.walk(tree_index, backtracks)
        ]

    def export_trace(self, tree_index: int = 0, style: str = "astro", backtracks: int | None = None) -> dict[str, Any]:
        """One tree as a trace record: ``trace`` (text), ``backtracks``,
        ``solved``, ``style``, ``length`` (characters); for Countdown also
        ``answer`` (an expression, or None), ``nodes`` and ``depth``.

        The text is an ASTRO-style linearisation: the branches that ended on
        a dead end, in the order the search reached them, each followed by a
        return to the state it shares with the next ("Hmm, that doesn't
        work. Let me go back to ..."), then the final path: the most visited
        one if it reaches a goal, else the first path to a goal in the
        tree, else the first playout that reached one. ``backtracks=k``
        keeps at most the first ``k`` wrong branches. Countdown renders in
        Rust in every walk style (``"astro"``, ``"wait"``, ``"backtrack"``,
        ``"compact"``; each passes :func:`clew.traces.validate`); Sudoku and
        Python environments render ``"astro"`` prose from
        :meth:`export_walk`, naming steps by ``env.describe_action(state,
        action)`` when a Python env has it."""
        if isinstance(self._env, Countdown):
            return dict(self._core.trace(tree_index, style, backtracks))
        if style != "astro":
            raise ValueError(f"style {style!r}: only 'astro' outside Countdown (export_walk gives the events)")
        walk = self.export_walk(tree_index, backtracks)
        lines, undone = [], 0
        for event in walk:
            actions = event["actions"]
            if event["move"] == "back":
                undone += 1
                where = "the start" if not actions else "after " + ", ".join(self._path_text(tree_index, actions))
                lines.append(f"Let me go back to {where}.")
                continue
            line = f"Let me try {self._path_text(tree_index, actions)[-1]}."
            if event["outcome"] == "dead_end":
                line += " Hmm, that doesn't work."
            elif event["outcome"] == "goal":
                line += " That solves it."
            lines.append(line)
        text = "\n".join(lines) + ("\n" if lines else "")
        solved = bool(walk) and walk[-1]["outcome"] == "goal"
        return {"trace": text, "backtracks": undone, "solved": solved, "style": style, "length": len(text)}

    def _path_text(self, tree_index: int, actions: Sequence[int]) -> list[str]:
        # Each step of a path from the root, described.
        if isinstance(self._env, Sudoku):
            n = round(self.num_actions ** (1 / 3))
            return [f"r{a // n // n + 1}c{a // n % n + 1}={a % n + 1}" for a in actions]
        describe = getattr(self._env, "describe_action", None)
        if describe is None:
            return [f"action {a}" for a in actions]
        out = []
        for i, a in enumerate(actions):
            out.append(str(describe(self._state(tree_index, tuple(actions[:i])), a)))
        return out

    def _state(self, tree_index: int, path: tuple[int, ...]) -> Any:
        key = (tree_index, path)
        if key not in self._states:
            if not path:
                self._states[key] = self._core.root_state(tree_index)
            else:
                self._states[key] = self._env.step(self._state(tree_index, path[:-1]), path[-1])  # type: ignore[union-attr]
        return self._states[key]


def _countdown_roots(env: Countdown, roots: Sequence[Any]) -> tuple[list[list[int]], list[int]]:
    # (numbers per root, target per root): env's target for every root, or
    # each root's own from its (numbers, target) pair.
    if env.target is not None:
        numbers = [list(r) for r in roots]
        return numbers, [env.target] * len(numbers)
    numbers, targets = [], []
    for r in roots:
        if not isinstance(r, Sequence) or len(r) != 2 or isinstance(r[0], (int, np.integer)):
            raise _core.InputError(f"Countdown() takes roots as (numbers, target) pairs, got {r!r}")
        if not isinstance(r[1], (int, np.integer)):
            raise _core.InputError(f"a root's target must be an int, got {r[1]!r}")
        numbers.append(list(r[0]))
        if r[1] < 0:
            raise _core.InputError(f"a target must be >= 0, got {r[1]}")
        targets.append(int(r[1]))
    return numbers, targets


def mcts_trace(
    numbers: Sequence[int],
    target: int,
    simulations: int = 200,
    evaluator: Callable[[NDArray[np.float32]], Sequence[Any]] | None = None,
    seed: int = 0,
    *,
    style: str = "astro",
    backtracks: int | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Search a Countdown instance by MCTS and return its trace record (see
    :meth:`EnvMCTS.export_trace`) with ``numbers``, ``target`` and
    ``simulations`` added. ``evaluator``: see :meth:`EnvMCTS.run` (``None``:
    random playouts). Deterministic under ``seed`` (for a deterministic
    evaluator)."""
    tree = EnvMCTS(Countdown(int(target)), [list(numbers)], seed=seed, **options)
    tree.run(simulations, evaluator)
    record = tree.export_trace(0, style, backtracks)
    record.update(numbers=[int(n) for n in numbers], target=int(target), simulations=simulations)
    return record
