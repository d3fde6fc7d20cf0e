"""Dataset generation benchmark: ``clew generate`` end to end (search, text,
compressed Parquet on disk) against Stream of Search's generator and
reasoning-gym's, side by side in one run.

    clew bench generate                 # 1M Countdown traces (the issue's target: < 2 min)
    clew bench generate --task sudoku   # 1M 9x9 Sudoku traces (target: < 5 min)
    clew bench generate --smoke         # seconds, for CI

Each clew run is a fresh subprocess (so its peak RSS is its own): records/s,
wall time, bytes written and peak memory, at N and at N/10 (memory should be
flat in N). The anchors run in this process on a sample and are extrapolated
to N: Stream of Search's DFS generator (the faithful Python port in
:mod:`clew.bench.countdown`: instance generation plus its ``dfs`` trace) and
reasoning-gym's ``create_dataset`` (instances only, no traces).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import clew

_CHILD = """
import json, resource, sys, time
import clew.datasets as d
args = json.loads(sys.argv[1])
t = time.perf_counter()
m = d.generate(progress=False, **args)
took = time.perf_counter() - t
print(json.dumps({"seconds": took, "total": m["total"],
                  "bytes": sum(s["bytes"] for s in m["shards"]),
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _clew_run(task: str, n: int, out: Path, workers: int, extra: dict[str, Any]) -> dict[str, Any]:
    args = {"task": task, "n": n, "out": str(out), "workers": workers, **extra}
    r = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(args)], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"clew generate failed: {r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def _sos_rate(sample: int, seed: int) -> float:
    """Stream of Search's generator on one core: instance + DFS trace."""
    from clew.bench.countdown import py_sos_dfs, py_sos_generate
    from clew.countdown import target_split

    train, _ = target_split(0)
    rng = random.Random(seed)
    start = time.perf_counter()
    for _ in range(sample):
        nums, target = py_sos_generate(rng, train)
        py_sos_dfs(target, nums, threshold=target)
    return sample / (time.perf_counter() - start)


def _rg_rate(task: str, sample: int) -> tuple[float | None, str]:
    try:
        import reasoning_gym  # type: ignore
    except ImportError:
        return None, "reasoning-gym not installed"
    start = time.perf_counter()
    ds = reasoning_gym.create_dataset(task, size=sample, seed=0)
    done = sum(1 for _ in ds)
    return done / (time.perf_counter() - start), f"reasoning-gym {getattr(reasoning_gym, '__version__', '')}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--task", default="countdown", choices=("countdown", "sudoku"))
    parser.add_argument("--n", type=int, default=None, help="records (default 1,000,000; smoke 4,000)")
    parser.add_argument("--workers", type=int, default=None, help="clew workers (default: CPU count)")
    parser.add_argument("--smoke", action="store_true", help="a few seconds (CI)")
    parser.add_argument("--out", default=None, help="where to write (default: a temporary directory, removed)")
    parser.add_argument("--json", default=None, help="also write the rows to this JSON file")


def run(args: argparse.Namespace) -> int:
    n = args.n or (4_000 if args.smoke else 1_000_000)
    workers = args.workers or os.cpu_count() or 1
    extra: dict[str, Any] = {"shard_size": 1_000 if args.smoke else 10_000}
    if args.task == "sudoku":
        extra["empty"] = "50-60"
    profile = getattr(clew._core, "__build_profile__", "?")
    print(f"clew {clew.__version__} ({profile} build), Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} cores, {workers} workers")
    base = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="clew-bench-gen-"))
    rows: list[dict[str, Any]] = []
    try:
        small = max(n // 10, 1)
        for count in (small, n):
            out = base / f"{args.task}-{count}"
            shutil.rmtree(out, ignore_errors=True)
            r = _clew_run(args.task, count, out, workers, extra)
            rate = r["total"] / r["seconds"]
            rows.append({"bench": f"clew generate {args.task}", "n": count, **r, "rate": rate})
            print(f"clew generate {args.task:<9} n={count:>9,}  {r['seconds']:8.1f} s  {rate:10,.0f} rec/s  "
                  f"{r['bytes'] / 1e6:9,.1f} MB parquet  peak RSS {r['maxrss_mb']:7,.0f} MB")
            if not args.out:
                shutil.rmtree(out, ignore_errors=True)
        clew_rate = rows[-1]["rate"]
        if args.task == "countdown":
            sample = 50 if args.smoke else 400
            sos = _sos_rate(sample, 0)
            print(f"Stream of Search generator (Python port, 1 core, instance + dfs trace): {sos:,.0f} rec/s "
                  f"-> {n / sos / 60:,.1f} min for n; clew is {clew_rate / sos:,.0f}x faster end to end "
                  f"(reference: 500k traces in ~41 min on one core)")
            rows.append({"bench": "sos generator (port)", "rate": sos, "ratio": clew_rate / sos})
        rg, label = _rg_rate(args.task, 20 if args.smoke else (200 if args.task == "countdown" else 10))
        if rg:
            print(f"{label} {args.task} instances (no traces): {rg:,.1f} rec/s; clew is {clew_rate / rg:,.0f}x faster")
        else:
            print(f"{label}: skipped")
        rows.append({"bench": f"reasoning-gym {args.task}", "rate": rg, "ratio": clew_rate / rg if rg else None})
    finally:
        if not args.out:
            shutil.rmtree(base, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "smoke": args.smoke}, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clew bench generate", description=(__doc__ or "").split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
