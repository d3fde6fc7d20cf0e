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

Two more figures per run: ``loop us/leaf``, the CPU time of the ask/tell
loop of :func:`clew.search.run_mcts` with a no-op evaluator (arrays made
once) divided by the leaves it handled -- the driver's cost per leaf, Python and
the Rust tree work together (issue 5: under 2 us) -- and the per-simulation
slowdown from 50 to 200 simulations at (256, 16) (issue 5: at most 1.5x).

``--torch`` instead measures a small MLP policy/value evaluator (torch,
cuda when available, else cpu) driven by ``run_mcts``: the evaluator's
throughput inside the search (leaves per second of evaluator time) against
forward passes alone on the same batches (issue 5: at least 85% on a GPU).
Without torch it says so and exits 0.
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
    parser.add_argument("--torch", action="store_true", help="the torch evaluator's throughput inside the search "
                        "against forward passes alone (skips cleanly without torch)")
    parser.add_argument("--model", metavar="MODEL_DIR", help="with --torch: a clew neural train-policy network "
                        "inside EnvMCTS over its own task, instead of the small MLP")


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


def clew_loop_overhead(batch: int, actions: int, simulations: int, gumbel: bool = False) -> float:
    """CPU seconds per leaf of run_mcts's ask/tell loop with a no-op
    evaluator (the same arrays every round): the driver's cost, no
    evaluation in it. CPU time of this process, not wall time, so that other
    work on a shared machine does not count."""
    import numpy as np

    from clew.search import run_mcts

    rng = np.random.default_rng(0)
    priors = rng.random((batch, actions), dtype=np.float32)
    values = rng.random(batch, dtype=np.float32) * 2 - 1
    out = (priors, values)

    def noop(observations: Any) -> tuple[Any, Any]:
        return out

    start = time.process_time()
    run_mcts(noop, actions, batch=batch, simulations=simulations, gumbel=gumbel or None)
    return (time.process_time() - start) / (batch * (simulations + 1))


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


def torch_ratio(batch: int, actions: int, simulations: int, repeats: int) -> dict[str, Any] | None:
    """A small MLP policy/value net as run_mcts's evaluator: its throughput
    inside the search against forward passes alone on the same batches;
    None without torch."""
    try:
        import torch  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    import numpy as np

    from clew.search import run_mcts

    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(0)
    obs_dim, hidden = 3, 256
    net = torch.nn.Sequential(
        torch.nn.Linear(obs_dim, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
        torch.nn.Linear(hidden, actions + 1),
    ).to(device).eval()
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)

    @torch.inference_mode()
    def forward(x: Any) -> tuple[Any, Any]:
        out = net(x)
        return torch.softmax(out[:, :actions], dim=1), torch.tanh(out[:, actions])

    spent = [0.0]
    batches: list[Any] = []

    def evaluate(observations: Any) -> tuple[Any, Any]:
        start = time.perf_counter()
        x = torch.from_numpy(np.asarray(observations, np.float32)).to(device)
        priors, values = forward(x)
        result = priors.float().cpu().numpy(), values.float().cpu().numpy()
        spent[0] += time.perf_counter() - start
        batches.append(observations.copy())
        return result

    best_in_search = best_forward = float("inf")
    for _ in range(max(1, repeats)):
        spent[0] = 0.0
        batches.clear()
        run_mcts(evaluate, actions, batch=batch, simulations=simulations)
        best_in_search = min(best_in_search, spent[0])
        # Forward passes alone: the same batches already on the device.
        inputs = [torch.from_numpy(b.astype(np.float32)).to(device) for b in batches]
        sync()
        start = time.perf_counter()
        for x in inputs:
            forward(x)
        sync()
        best_forward = min(best_forward, time.perf_counter() - start)
    leaves = batch * (simulations + 1)
    return {
        "device": device,
        "torch": torch.__version__,
        "leaves": leaves,
        "evaluator_leaves_per_s": leaves / best_in_search,
        "forward_leaves_per_s": leaves / best_forward,
        "ratio": best_forward / best_in_search,
    }


def run_model(args: argparse.Namespace) -> int:
    """``--torch --model MODEL_DIR``: the shipped policy/value network's throughput in EnvMCTS."""
    from clew.neural.policy_eval import throughput

    rows = []
    for batch, sims in [(16, 4)] if args.smoke else [(256, 16), (1024, 16)]:
        row = throughput(args.model, batch, sims, repeats=1 if args.smoke else args.repeats)
        rows.append(row)
        _print_ratio(f"{row['task']} batch {batch} sims {sims} on {row['device']}", row)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def _print_ratio(label: str, row: dict[str, Any]) -> None:
    print(f"{label}: evaluator {row['evaluator_leaves_per_s'] / 1e3:.1f}k leaves/s in the search, forward only "
          f"{row['forward_leaves_per_s'] / 1e3:.1f}k leaves/s: {100 * row['ratio']:.0f}%")


def run_torch(args: argparse.Namespace) -> int:
    if getattr(args, "model", None):
        return run_model(args)
    configs = [(16, 16, 10)] if args.smoke else [(256, 16, 50), (1024, 16, 50)]
    rows = []
    for batch, actions, sims in configs:
        row = torch_ratio(batch, actions, sims, 1 if args.smoke else args.repeats)
        if row is None:
            print("torch is not installed: the --torch figure is unmeasured (skipped)")
            return 0
        row.update(batch=batch, actions=actions, simulations=sims)
        rows.append(row)
        _print_ratio(f"batch {batch} actions {actions} sims {sims} on {row['device']} (torch {row['torch']})", row)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def run(args: argparse.Namespace) -> int:
    _one_thread()
    if args.torch:
        return run_torch(args)
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
              f" {'mctx_jit':>12} {'vs LZ':>6} {'vs mctx':>7} {'g/mctx':>6} {'loop us/leaf':>12}")
    print(header)
    rows = []
    for batch, actions, sims in configs:
        rates: dict[str, float] = {}
        for name, search in contenders.items():
            best = min(search(batch, actions, sims) for _ in range(repeats))
            rates[name] = batch * sims / best
        loop = min(clew_loop_overhead(batch, actions, sims) for _ in range(repeats))
        row: dict[str, Any] = {"batch": batch, "actions": actions, "simulations": sims, "sims_per_s": dict(rates),
               "reference": {},
               "loop_us_per_leaf": loop * 1e6}
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
              f" {cells[0]} {cells[1]} {jit_cell} {ratio(lz):>6} {ratio(mx):>7} {ratio(mx, 'clew_gumbel'):>6}"
              f" {loop * 1e6:12.2f}")
        sys.stdout.flush()
        rows.append(row)
    by_config = {(r["batch"], r["actions"], r["simulations"]): r["sims_per_s"] for r in rows}
    if (256, 16, 50) in by_config and (256, 16, 200) in by_config:
        for name in ("clew", "clew_gumbel"):
            # Per-simulation cost at 200 over that at 50: the inverse rate ratio.
            slowdown = by_config[256, 16, 50][name] / by_config[256, 16, 200][name]
            print(f"{name}: per-simulation cost at (256, 16, 200) / (256, 16, 50) = {slowdown:.2f}x")
        loops = {(r["batch"], r["actions"], r["simulations"]): r["loop_us_per_leaf"] for r in rows}
        print(f"loop CPU per leaf at (256, 16, 200) / (256, 16, 50) = {loops[256, 16, 200] / loops[256, 16, 50]:.2f}x")
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
