"""Language models as the search's policy and value: solve rates under one token budget,
throughput against batch size, and llm-reasoners' MCTS side by side on the same model.

    clew bench llm --model DIR --data DATA      # the figures (a model from clew neural train-lm)
    clew bench llm --smoke                      # trains a tiny model for a few steps, for CI

Three parts (``--part``, default all):

* ``rates``: the held-out puzzles of DATA's ``test`` split (instances the model never saw),
  searched by MCTS, beam and best-of-N with the model as policy (its proposals) and value
  (its judge), each under the same token budget per puzzle (every token read or generated,
  proposals not taken and value passes included: the model's meter), against the same
  model's greedy decoding of the whole solution. Sampled searches run ``--seeds`` seeds;
  the table gives the mean solve rate and its spread (min-max over seeds).
* ``throughput``: leaves expanded per second against batch size: one
  :meth:`StepEnv.expand_batch` over B fresh states (one batched generate of ``k``
  proposals each and one batched value pass over their children), for the trained model
  and a randomly initialised ``small`` one with the same tokenizer; the model calls per
  batch are counted (the target: one generate and one value pass per ``max_batch``).
* ``reasoners``: llm-reasoners' ``MCTS`` (``pip install --no-deps llm-reasoners``; its
  numpy/torch/transformers are ours) on the same model, task, proposals and judge, one
  state per model call as its ``SearchConfig`` asks, against clew's :class:`EnvMCTS` over
  all puzzles as one forest (one expand_batch per round): wall time per 100 search
  iterations of one puzzle. Without llm-reasoners the part says what stopped it.

Everything runs on ``--device`` (auto: CUDA when torch sees it), ``--threads`` CPU threads.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from clew._table import markdown_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=None, metavar="DIR", help="a model directory from clew neural train-lm")
    parser.add_argument("--data", default=None, metavar="DATA",
                        help="the clew generate dataset it was trained on (its test split gives the puzzles)")
    parser.add_argument("--part", default="rates,throughput,reasoners", help="comma-separated parts to run")
    parser.add_argument("--puzzles", type=int, default=50, help="held-out puzzles (rates)")
    parser.add_argument("--budgets", default="1000,4000", help="tokens per puzzle, comma-separated (rates)")
    parser.add_argument("--seeds", type=int, default=2, help="seeds of the sampled searches (rates)")
    parser.add_argument("--k", type=int, default=4, help="proposals per state")
    parser.add_argument("--retries", type=int, default=0,
                        help="StepEnv retries: more rounds of k proposals for states whose proposals were all invalid")
    parser.add_argument("--batches", default="1,4,16,64", help="batch sizes (throughput)")
    parser.add_argument("--iterations", type=int, default=100, help="MCTS iterations per puzzle (reasoners)")
    parser.add_argument("--reasoners-puzzles", type=int, default=8, help="puzzles (reasoners)")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    parser.add_argument("--out", default=None, metavar="DIR", help="write results.json and summary.md here")
    parser.add_argument("--smoke", action="store_true", help="a tiny model trained for a few steps, small sizes")


def run(args: argparse.Namespace) -> int:
    import torch  # noqa: PLC0415 - the llm extra; clew --help must not import it

    if args.threads:
        torch.set_num_threads(args.threads)
    parts = [p.strip() for p in args.part.split(",") if p.strip()]
    unknown = set(parts) - {"rates", "throughput", "reasoners"}
    if unknown:
        print(f"clew bench llm: unknown part(s) {sorted(unknown)} (rates, throughput, reasoners)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="clew-bench-llm-") as tmp:
        if args.smoke:
            args.model, args.data = _smoke_model(Path(tmp))
            args.puzzles, args.budgets, args.seeds = 4, "400", 1
            args.batches, args.iterations, args.reasoners_puzzles = "1,4", 5, 2
        if not args.model or not args.data:
            print("clew bench llm: give --model DIR and --data DATA (or --smoke)", file=sys.stderr)
            return 2
        report: dict[str, Any] = {"model": str(args.model), "data": str(args.data), "machine": _machine(torch)}
        sections = [f"model {args.model}, {report['machine']}"]
        if "rates" in parts:
            report["rates"], text = _rates(args)
            sections.append(text)
        if "throughput" in parts:
            report["throughput"], text = _throughput(args, Path(tmp))
            sections.append(text)
        if "reasoners" in parts:
            report["reasoners"], text = _reasoners(args)
            sections.append(text)
    summary = "\n\n".join(sections) + "\n"
    print(summary)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
        (out / "summary.md").write_text(summary)
    return 0


def _machine(torch: Any) -> str:
    import platform  # noqa: PLC0415

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    return f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} torch threads, {gpu}"


def _smoke_model(tmp: Path) -> tuple[str, str]:
    """A compact Countdown dataset and a tiny model trained on it for a few steps."""
    data, model = tmp / "data", tmp / "model"
    cli = [sys.executable, "-m", "clew"]
    subprocess.run([*cli, "generate", "countdown", "--numbers", "3", "--style", "compact", "--n", "120",
                    "--out", str(data), "--no-progress"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*cli, "neural", "train-lm", str(data), "--out", str(model), "--size", "tiny", "--steps", "4",
                    "--device", "cpu"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return str(model), str(data)


def _puzzles(data: str, n: int) -> list[tuple[tuple[int, ...], int]]:
    """The first ``n`` Countdown instances of DATA's test split (held out from training)."""
    import pyarrow.parquet as pq  # noqa: PLC0415

    files = sorted((Path(data) / "test").glob("*.parquet"))
    if not files:
        raise SystemExit(f"clew bench llm: {data} has no test split (clew generate --splits gives one)")
    out: list[tuple[tuple[int, ...], int]] = []
    for f in files:
        for row in pq.read_table(f, columns=["numbers", "target"]).to_pylist():
            out.append((tuple(int(x) for x in row["numbers"]), int(row["target"])))
            if len(out) == n:
                return out
    return out


def _env(args: argparse.Namespace, model_dir: str, seed: int = 0) -> Any:
    from clew.neural.llm import HFModel, StepEnv  # noqa: PLC0415

    model = HFModel(model_dir, device=args.device)
    return StepEnv("countdown", model, k=args.k, value="judge", seed=seed, retries=args.retries)


# ------------------------------------------------ rates


def _rates(args: argparse.Namespace) -> tuple[list[dict[str, Any]], str]:
    from clew.neural.llm import greedy_decoding, search  # noqa: PLC0415

    puzzles = _puzzles(args.data, args.puzzles)
    env = _env(args, args.model)
    budgets = [int(b) for b in args.budgets.split(",")]
    rows: list[dict[str, Any]] = []
    greedy = greedy_decoding(env, puzzles, progress=False)
    rows.append({"algorithm": "greedy decoding", "budget": "-", "solve rate": greedy.solve_rate, "spread": "-",
                 "tokens/puzzle": greedy.tokens / len(puzzles), "seconds": sum(r.seconds for r in greedy.results)})
    searches = [("mcts", {"leaves": 8}), ("beam", {"beam_width": args.k}), ("best_of_n", {"samples": 8})]
    for budget in budgets:
        for name, options in searches:
            rates, tokens, seconds = [], [], []
            for seed in range(args.seeds):
                res = search(env, puzzles, name, max_tokens=budget, seed=seed, progress=False, **options)
                rates.append(res.solve_rate)
                tokens.append(res.tokens / len(puzzles))
                seconds.append(sum(r.seconds for r in res.results))
            rows.append({"algorithm": name, "budget": budget, "solve rate": sum(rates) / len(rates),
                         "spread": f"{min(rates):.3f}-{max(rates):.3f}", "tokens/puzzle": sum(tokens) / len(tokens),
                         "seconds": sum(seconds) / len(seconds)})
    head = (f"### Solve rate, {len(puzzles)} held-out puzzles (test split of {args.data}), k={args.k}, "
            f"retries={args.retries}, judge value, {args.seeds} seed(s); tokens = read + generated per puzzle")
    return rows, head + "\n\n" + _table(rows)


# ------------------------------------------------ throughput


def _throughput(args: argparse.Namespace, tmp: Path) -> tuple[list[dict[str, Any]], str]:
    models = [("trained", args.model), ("small (random init)", _random_small(args.model, tmp / "small"))]
    sizes = [int(b) for b in args.batches.split(",")]
    puzzles = _puzzles(args.data, max(sizes))
    rows = []
    for label, path in models:
        env = _env(args, path)
        params = sum(p.numel() for p in env.model.model.parameters())
        env.expand_batch([env.root(puzzles[0])])  # warm-up (allocations, kernels)
        for b in sizes:
            env.reset(0)
            roots = [env.root(p) for p in puzzles[:b]]
            calls0 = (env.generate_calls, env.value_calls, env.model.meter.passes)
            start = time.perf_counter()
            env.expand_batch(roots)
            wall = time.perf_counter() - start
            rows.append({"model": f"{label}, {params / 1e6:.2f}M", "batch": b, "leaves/s": b / wall,
                         "ms/batch": 1000 * wall, "generate calls": env.generate_calls - calls0[0],
                         "value passes": env.value_calls - calls0[1], "forward passes": env.model.meter.passes - calls0[2]})
    head = (f"### Leaves expanded per second against batch size (one expand_batch: {args.k} proposals per "
            "state, then the judge over their children)")
    return rows, head + "\n\n" + _table(rows)


def _random_small(model_dir: str, out: Path) -> str:
    """A randomly initialised ``small`` model with the trained model's tokenizer."""
    from transformers import AutoTokenizer  # noqa: PLC0415

    from clew.neural.llm.train_lm import architecture, build_model  # noqa: PLC0415

    tok = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = build_model(architecture("small", len(tok), 1024, tok))
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return str(out)


# ------------------------------------------------ llm-reasoners side by side


def _reasoners(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    head = f"### llm-reasoners' MCTS against clew's EnvMCTS, same model, {args.iterations} iterations per puzzle"
    try:
        from reasoners import SearchConfig, WorldModel  # noqa: PLC0415
        from reasoners.algorithm import MCTS  # noqa: PLC0415
    except Exception as exc:  # noqa: BLE001 - any import failure is the finding
        why = f"llm-reasoners did not import ({type(exc).__name__}: {exc}); pip install --no-deps llm-reasoners"
        return {"skipped": why}, head + "\n\n" + why

    from clew.search import EnvMCTS  # noqa: PLC0415

    puzzles = _puzzles(args.data, args.reasoners_puzzles)
    env = _env(args, args.model)
    k = args.k

    class World(WorldModel):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.root = None

        def init_state(self) -> Any:
            return self.root

        def step(self, state: Any, action: Any) -> Any:
            return action, {}

        def is_terminal(self, state: Any) -> bool:
            return env.is_terminal(state)

    class Config(SearchConfig):  # type: ignore[misc]
        # One state per model call, as llm-reasoners' SearchConfig is written: its MCTS asks
        # get_actions for one node, then fast_reward for each of its actions.
        def get_actions(self, state: Any) -> list[Any]:
            return [env._child_of(state, a) for a in env.expand_batch([state])[0][0]]

        def fast_reward(self, state: Any, action: Any) -> tuple[float, dict[str, Any]]:
            return 1.0 - env.heuristic(action), {}

        def reward(self, state: Any, action: Any, **kwargs: Any) -> tuple[float, dict[str, Any]]:
            return (env.reward(action) if env.is_terminal(action) else 1.0 - env.heuristic(action)), {}

    world, config = World(), Config()
    env.reset(0)
    passes0, start = env.model.meter.passes, time.perf_counter()
    solved_r = 0
    for p in puzzles:
        world.root = env.root(p)
        MCTS(n_iters=args.iterations, depth_limit=env.max_steps, disable_tqdm=True)(world, config)
        solved_r += world.root.prompt in env.goals
    wall_r, passes_r = time.perf_counter() - start, env.model.meter.passes - passes0

    env.reset(0)
    env.goals.clear()
    passes0, start = env.model.meter.passes, time.perf_counter()
    roots = [env.root(p) for p in puzzles]
    tree = EnvMCTS(env, roots, num_actions=k, rule="puct", c=1.25, seed=0)
    evaluate = env.mcts_evaluator()
    for _ in range(args.iterations + 1):
        ids, obs = tree.ask()
        if len(ids):
            priors, values = evaluate(obs)
            tree.tell(ids, priors, values)
    wall_c, passes_c = time.perf_counter() - start, env.model.meter.passes - passes0
    solved_c = sum(r.prompt in env.goals for r in roots)
    n = len(puzzles)
    per = lambda wall: wall / n * 100 / args.iterations  # noqa: E731 - seconds per 100 iterations of one puzzle
    rows = [
        {"search": "llm-reasoners MCTS (one state per call)", "puzzles": n, "solved": solved_r,
         "s per 100 iterations": per(wall_r), "model calls": passes_r},
        {"search": f"clew EnvMCTS, {n} trees as one forest", "puzzles": n, "solved": solved_c,
         "s per 100 iterations": per(wall_c), "model calls": passes_c},
    ]
    ratio = per(wall_r) / per(wall_c) if wall_c > 0 else float("nan")
    return {"rows": rows, "speedup": ratio}, head + f" (clew {ratio:.1f}x faster)\n\n" + _table(rows)


def _table(rows: list[dict[str, Any]]) -> str:
    cells = [[f"{v:.4g}" if isinstance(v, float) else str(v) for v in r.values()] for r in rows]
    return markdown_table(list(rows[0]), cells)
