"""MCTS benchmark: clew's ask/tell trees against LightZero's compiled ctree
and mctx (JAX on CPU), side by side in one run.

    clew bench search            # the figures (~1 min on an idle machine)
    clew bench search --smoke    # a few seconds, for CI

Every contender searches ``batch`` trees over ``actions`` actions for
``simulations`` simulations (after evaluating the roots), and its evaluator
is the same Python callable, invoked once per round on the whole batch,
returning random priors and values (numpy). Simulations per second =
batch x simulations / wall time, the evaluator's time included, the trees'
construction too. One thread (the evaluator's numpy and JAX are pinned to
one thread through the environment before they load).

* clew: :func:`clew.search.run_mcts` (PUCT, one leaf per tree per round);
  ``clew_gumbel`` the same with the Gumbel root and sequential halving
  (``gumbel=True``, mctx's defaults: 16 considered actions), the row to
  read against mctx's ``gumbel_muzero_policy`` ("g/mctx").
* LightZero ctree: ``lzero.mcts.ctree.ctree_muzero.mz_tree`` driven as
  ``MuZeroMCTSCtree.search`` drives it (batch_traverse / batch_backpropagate,
  the lists it passes), loaded straight from the installed ``lightzero``
  package so that torch is not needed (``pip install --no-deps lightzero``).
* mctx: ``gumbel_muzero_policy`` under ``jax.jit`` with the evaluator called
  through ``jax.pure_callback`` once per simulation (the issue's rule), and
  ``mctx_jit`` with the evaluator as JAX ops inside the compiled search (no
  Python per round: mctx's best case). Compilation is excluded (one warm-up
  call per configuration); ``--smoke`` skips mctx. "vs mctx" compares with
  the faster of the two.

An anchor that is not installed is shown with the reference figure from
issue 5 (one thread, 2-core x86-64), labelled ``ref``, never as measured.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CONFIGS = [(256, 16, 50), (64, 256, 100), (1, 16, 800), (64, 4, 100), (256, 16, 200)]
SMOKE_CONFIGS = [(16, 16, 10), (1, 16, 50), (8, 4, 20)]
# Issue 5's reference figures (sims/s, one thread, a 2-core x86-64 machine).
REFERENCE = {
    "lightzero": {(256, 16, 50): 136e3, (64, 256, 100): 2.3e3, (1, 16, 800): 66e3, (64, 4, 100): 525e3, (256, 16, 200): 59e3},
    "mctx": {(256, 16, 50): 315e3, (64, 256, 100): 9.9e3, (1, 16, 800): 52e3, (64, 4, 100): 386e3, (256, 16, 200): 73e3},
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--smoke", action="store_true", help="tiny configurations, a few seconds (CI)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per configuration; the best is kept")
    parser.add_argument("--no-anchors", action="store_true", help="clew only (reference figures shown)")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON here")


def _one_thread() -> None:
    # Before numpy/JAX load their thread pools: the figures are one thread.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    flags = os.environ.get("XLA_FLAGS", "")
    if "intra_op_parallelism_threads" not in flags:
        os.environ["XLA_FLAGS"] = (flags + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()


def make_evaluator(actions: int, seed: int = 0) -> Callable[[Any], tuple[Any, Any]]:
    """The evaluator every contender calls: random priors and values."""
    import numpy as np

    rng = np.random.default_rng(seed)

    def evaluate(observations: Any) -> tuple[Any, Any]:
        n = len(observations)
        return rng.random((n, actions), dtype=np.float32), rng.random(n, dtype=np.float32) * 2 - 1

    return evaluate


def clew_search(batch: int, actions: int, simulations: int, gumbel: bool = False) -> float:
    from clew.search import run_mcts

    evaluate = make_evaluator(actions)
    start = time.perf_counter()
    tree = run_mcts(evaluate, actions, batch=batch, simulations=simulations, gumbel=gumbel or None)
    elapsed = time.perf_counter() - start
    assert int(tree.simulations().min()) == simulations + 1
    return elapsed


def _lightzero_module() -> Any | None:
    # Load the compiled tree without running lzero/__init__ (which wants torch).
    spec = importlib.util.find_spec("lzero")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "mcts" / "ctree" / "ctree_muzero"
    found = sorted(folder.glob("mz_tree*.so"))
    if not found:
        return None
    mspec = importlib.util.spec_from_file_location("mz_tree", found[0])
    if mspec is None or mspec.loader is None:
        return None
    module = importlib.util.module_from_spec(mspec)
    mspec.loader.exec_module(module)
    return module


def lightzero_search(tree_muzero: Any, batch: int, actions: int, simulations: int) -> float:
    import numpy as np

    evaluate = make_evaluator(actions)
    # LightZero's MuZero defaults (policy/muzero.py, mcts_ctree.py).
    pb_c_base, pb_c_init, discount, value_delta_max = 19652, 1.25, 0.997, 0.01
    start = time.perf_counter()
    to_play = [-1] * batch
    legal = [list(range(actions)) for _ in range(batch)]
    priors, values = evaluate(np.zeros((batch, 1)))
    roots = tree_muzero.Roots(batch, legal)
    roots.prepare_no_noise([0.0] * batch, priors.tolist(), to_play)
    stats = tree_muzero.MinMaxStatsList(batch)
    stats.set_delta(value_delta_max)
    for sim in range(simulations):
        results = tree_muzero.ResultsWrapper(num=batch)
        _, _, last_actions, virtual_to_play = tree_muzero.batch_traverse(
            roots, pb_c_base, pb_c_init, discount, stats, results, to_play
        )
        priors, values = evaluate(np.asarray(last_actions))
        tree_muzero.batch_backpropagate(
            sim + 1, discount, [0.0] * batch, values.tolist(), priors.tolist(), stats, results, virtual_to_play
        )
    elapsed = time.perf_counter() - start
    assert sum(roots.get_distributions()[0]) == simulations
    return elapsed


class _Mctx:
    """mctx's Gumbel MuZero policy, jitted once per configuration."""

    def __init__(self, in_graph: bool = False) -> None:
        import jax
        import mctx

        self.jax, self.mctx, self.in_graph = jax, mctx, in_graph
        self.compiled: dict[tuple[int, int, int], Any] = {}

    def _build_in_graph(self, batch: int, actions: int, simulations: int) -> Any:
        # The evaluator as JAX ops inside the compiled search (no Python per
        # round): mctx's best case, the shape of the reference figures.
        jax, mctx = self.jax, self.mctx
        import jax.numpy as jnp

        def evaluate(key: Any) -> tuple[Any, Any]:
            k1, k2 = jax.random.split(key)
            return jax.random.uniform(k1, (batch, actions)), jax.random.uniform(k2, (batch,)) * 2 - 1

        def recurrent_fn(params: Any, key: Any, action: Any, embedding: Any) -> Any:
            logits, value = evaluate(key)
            out = mctx.RecurrentFnOutput(
                reward=jnp.zeros(batch), discount=jnp.ones(batch), prior_logits=logits, value=value
            )
            return out, embedding

        def search(key: Any) -> Any:
            key, root_key = jax.random.split(key)
            logits, value = evaluate(root_key)
            root = mctx.RootFnOutput(prior_logits=logits, value=value, embedding=jnp.zeros(batch))
            return mctx.gumbel_muzero_policy(
                params=(), rng_key=key, root=root, recurrent_fn=recurrent_fn, num_simulations=simulations
            ).action_weights

        return jax.jit(search)

    def _build(self, batch: int, actions: int, simulations: int) -> Any:
        if self.in_graph:
            return self._build_in_graph(batch, actions, simulations)
        jax, mctx = self.jax, self.mctx
        import jax.numpy as jnp
        import numpy as np

        evaluate = make_evaluator(actions)
        shapes = (
            jax.ShapeDtypeStruct((batch, actions), jnp.float32),
            jax.ShapeDtypeStruct((batch,), jnp.float32),
        )

        def host(action: Any) -> tuple[Any, Any]:
            return evaluate(np.asarray(action))

        def recurrent_fn(params: Any, key: Any, action: Any, embedding: Any) -> Any:
            logits, value = jax.pure_callback(host, shapes, action)
            out = mctx.RecurrentFnOutput(
                reward=jnp.zeros(batch), discount=jnp.ones(batch), prior_logits=logits, value=value
            )
            return out, embedding

        def search(key: Any) -> Any:
            logits, value = jax.pure_callback(host, shapes, jnp.zeros(batch, jnp.int32))
            root = mctx.RootFnOutput(prior_logits=logits, value=value, embedding=jnp.zeros(batch))
            return mctx.gumbel_muzero_policy(
                params=(), rng_key=key, root=root, recurrent_fn=recurrent_fn, num_simulations=simulations
            ).action_weights

        return jax.jit(search)

    def search(self, batch: int, actions: int, simulations: int) -> float:
        config = (batch, actions, simulations)
        key = self.jax.random.PRNGKey(0)
        if config not in self.compiled:
            self.compiled[config] = self._build(*config)
            self.compiled[config](key).block_until_ready()  # compile outside the timing
        start = time.perf_counter()
        self.compiled[config](key).block_until_ready()
        return time.perf_counter() - start


def run(args: argparse.Namespace) -> int:
    _one_thread()
    import numpy as np

    import clew

    configs = SMOKE_CONFIGS if args.smoke else CONFIGS
    repeats = 1 if args.smoke else max(1, args.repeats)
    contenders: dict[str, Callable[[int, int, int], float]] = {
        "clew": clew_search,
        "clew_gumbel": lambda b, a, s: clew_search(b, a, s, gumbel=True),
    }
    notes = []
    if not args.no_anchors:
        try:
            tree_muzero = _lightzero_module()
        except Exception as exc:  # a broken install is an absent anchor
            tree_muzero, reason = None, f"{type(exc).__name__}: {exc}"
        else:
            reason = "not installed (pip install --no-deps lightzero)"
        if tree_muzero is not None:
            contenders["lightzero"] = lambda b, a, s: lightzero_search(tree_muzero, b, a, s)
        else:
            notes.append(f"lightzero ctree: {reason}; reference figures shown")
        try:
            callback, in_graph = _Mctx(), _Mctx(in_graph=True)
        except ImportError as exc:
            notes.append(f"mctx: not installed ({exc}; pip install mctx 'jax[cpu]'); reference figures shown")
        else:
            if args.smoke:
                # Compiling takes seconds per configuration: not for CI.
                notes.append("mctx: skipped in --smoke (compilation); reference figures shown")
            else:
                contenders["mctx"] = callback.search
                contenders["mctx_jit"] = in_graph.search
    else:
        notes.append("anchors not run (--no-anchors); reference figures shown")
    build = getattr(clew._core, "__build_profile__", "?")
    print(f"clew {clew.__version__} ({build} build), numpy {np.__version__}, {platform.machine()}, one thread")
    print("sims/s = batch x simulations / wall time, the Python evaluator included (best of "
          f"{repeats}); 'ref' = issue 5's reference figure, not measured here")
    header = (f"{'batch':>5} {'actions':>7} {'sims':>5} {'clew':>10} {'gumbel':>10} {'lightzero':>12} {'mctx':>12}"
              f" {'mctx_jit':>12} {'vs LZ':>6} {'vs mctx':>7} {'g/mctx':>6}")
    print(header)
    rows = []
    for batch, actions, sims in configs:
        rates: dict[str, float] = {}
        for name, search in contenders.items():
            best = min(search(batch, actions, sims) for _ in range(repeats))
            rates[name] = batch * sims / best
        row = {"batch": batch, "actions": actions, "simulations": sims, "sims_per_s": dict(rates), "reference": {}}
        cells = []
        for anchor in ("lightzero", "mctx"):
            if anchor in rates:
                cells.append(f"{rates[anchor] / 1e3:10.1f}k ")
            elif (batch, actions, sims) in REFERENCE[anchor]:
                ref = REFERENCE[anchor][batch, actions, sims]
                row["reference"][anchor] = ref
                rates.setdefault(anchor + "_ref", ref)
                cells.append(f"{ref / 1e3:7.1f}k ref")
            else:
                cells.append(f"{'-':>12}")
        jit_cell = f"{rates['mctx_jit'] / 1e3:10.1f}k " if "mctx_jit" in rates else f"{'-':>12}"
        lz = rates.get("lightzero", rates.get("lightzero_ref"))
        # Against the faster mctx variant measured (or the reference).
        mx = max(rates.get("mctx", 0.0), rates.get("mctx_jit", 0.0)) or rates.get("mctx_ref")
        ratio = lambda other, who="clew": f"{rates[who] / other:.1f}x" if other else "-"  # noqa: E731
        print(f"{batch:>5} {actions:>7} {sims:>5} {rates['clew'] / 1e3:9.1f}k {rates['clew_gumbel'] / 1e3:9.1f}k"
              f" {cells[0]} {cells[1]} {jit_cell} {ratio(lz):>6} {ratio(mx):>7} {ratio(mx, 'clew_gumbel'):>6}")
        sys.stdout.flush()
        rows.append(row)
    for note in notes:
        print("note:", note)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clew.bench.search", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
