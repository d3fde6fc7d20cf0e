"""Dataset generation: plan, shard, write, resume.

How a dataset comes out the same whatever happens:

1. **Plan.** Candidate ``j`` is a pure function of ``record_seed(seed, j)``.
   Candidates are made in blocks (in parallel, in Rust), filtered (a
   backtrack-controlled trace must exist), deduplicated by a canonical key
   in candidate order, and sent to a split by a hash of that key (so no
   puzzle is in two splits or twice). Accepted rows are appended to one
   plan file per split until ``n`` rows are planned. The plan holds only the
   puzzles (a few dozen bytes a record); the key set is rebuilt from it.
2. **Shards.** Shard ``k`` of a split is rows ``k*S .. (k+1)*S`` of its
   plan: fixed by ``n``, ``S`` and ``seed`` alone. Each shard is traced and
   written by a worker (threads here, Ray tasks with ``backend="ray"``)
   to a temporary name, then renamed: a shard file is complete or absent.
3. **Manifest.** Written last, with every shard's checksum.

Interrupted (Ctrl-C, kill -9)? Run the same call again: the plan resumes
from its last checkpoint and the shards already written are kept, so the
result is byte-identical to an uninterrupted run.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from clew import __version__, _core
from clew._io import progress_bar
from clew._io import sha256 as _sha256
from clew.datasets._shards import Shard, write_shard
from clew.datasets._tasks import TASKS, OptionError, Task, _pair

SPLITS = ("train", "validation", "test")
FORMATS = ("parquet", "jsonl")
MANIFEST = "manifest.json"
STATE = ".clew-state"
# The manifest's `format_version`: bumped whenever the same arguments give
# other bytes. 2: the `stop_reason` column, `sos` traces with backtracks
# labelled by the nodes they show, `solved_only` and `node_labels` in the
# config (1, unwritten: before).
FORMAT_VERSION = 2
# Candidates made per planning block (split over the workers); the plan
# checkpoints after each. Fixed, so that the manifest's counts of candidates
# and drops do not depend on the worker count.
BLOCK = 8192


class DatasetError(RuntimeError):
    """A failure while generating (exit 1); options are fine."""


# ---------------------------------------------------------------------------
# options
# ---------------------------------------------------------------------------


def _backtracks(value: Any) -> list[int] | None:
    """``None``, ``K``, ``"K"``, ``"LO-HI"`` or ``(LO, HI)`` -> [lo, hi]."""
    if value is None:
        return None
    lo, hi = _pair(value, "--backtracks")
    assert lo is not None and hi is not None
    if lo < 0 or hi < lo:
        raise OptionError(f"--backtracks: need 0 <= LO <= HI, got {lo}-{hi}")
    return [lo, hi]


def _fractions(value: Any) -> list[float]:
    if isinstance(value, str):
        try:
            value = [float(v) for v in value.split(",")]
        except ValueError:
            raise OptionError(f"--splits: expected three fractions such as 0.9,0.05,0.05, got {value!r}") from None
    fr = [float(v) for v in value]
    if len(fr) != 3 or any(f < 0 for f in fr) or abs(sum(fr) - 1.0) > 1e-9 or fr[0] <= 0:
        raise OptionError(f"--splits: three non-negative fractions summing to 1 (train > 0), got {value!r}")
    return fr


def make_config(
    task: str,
    n: int,
    *,
    style: str | None,
    strategy: str | None,
    backtracks: Any,
    seed: int,
    format: str,
    shard_size: int,
    splits: Any,
    options: dict[str, Any],
    solved_only: bool = False,
) -> tuple[dict[str, Any], Task]:
    """Check every option and return the dataset's config and its task."""
    if task not in TASKS:
        raise OptionError(f"unknown task {task!r} (choose from {', '.join(TASKS)})")
    if not isinstance(n, int) or n < 1:
        raise OptionError(f"--n must be a positive integer, got {n!r}")
    if not isinstance(shard_size, int) or shard_size < 1:
        raise OptionError(f"--shard-size must be a positive integer, got {shard_size!r}")
    if format not in FORMATS:
        raise OptionError(f"--format must be one of {', '.join(FORMATS)}, got {format!r}")
    if not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise OptionError(f"--seed must be an integer in 0..2**63-1, got {seed!r}")
    cls = TASKS[task]
    t = cls(
        style=style or cls.styles[0],
        strategy=strategy or cls.strategies[0],
        options={k: v for k, v in options.items() if v is not None},
    )
    config = {
        "task": task,
        "n": n,
        "seed": seed,
        "backtracks": _backtracks(backtracks),
        "solved_only": bool(solved_only),
        "format": format,
        "shard_size": shard_size,
        "splits": dict(zip(SPLITS, _fractions(splits))),
        **t.config(),
    }
    return config, t


# ---------------------------------------------------------------------------
# the plan
# ---------------------------------------------------------------------------


class Plan:
    """The per-split plan files under ``DIR/.clew-state`` and their checkpoint."""

    def __init__(self, state: Path, dtype: np.dtype) -> None:
        self.state = state
        self.dtype = dtype
        self.progress_path = state / "progress.json"
        self.counts = dict.fromkeys(SPLITS, 0)
        self.next_candidate = 0
        self.dropped = {"duplicates": 0, "infeasible": 0}
        self.complete = False

    def file(self, split: str) -> Path:
        return self.state / f"plan-{split}.bin"

    def load(self) -> None:
        """Resume from the last checkpoint: truncate each plan file to it."""
        if self.progress_path.exists():
            p = json.loads(self.progress_path.read_text())
            self.counts = p["counts"]
            self.next_candidate = p["next_candidate"]
            self.dropped = p["dropped"]
            self.complete = p["complete"]
        for split in SPLITS:
            f = self.file(split)
            want = self.counts[split] * self.dtype.itemsize
            if f.exists() and f.stat().st_size != want:
                with open(f, "r+b") as fh:
                    fh.truncate(want)
            elif not f.exists():
                if want:
                    raise DatasetError(f"plan file {f} is missing: delete {self.state} and start again")
                f.touch()

    def keys(self) -> Iterator[np.ndarray]:
        for split in SPLITS:
            rows = np.fromfile(self.file(split), dtype=self.dtype, count=self.counts[split])
            yield np.ascontiguousarray(rows["key"])

    def append(self, split_rows: dict[str, np.ndarray]) -> None:
        for split, rows in split_rows.items():
            if len(rows):
                with open(self.file(split), "ab") as fh:
                    rows.tofile(fh)
                self.counts[split] += len(rows)

    def checkpoint(self) -> None:
        tmp = self.progress_path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {
                    "counts": self.counts,
                    "next_candidate": self.next_candidate,
                    "dropped": self.dropped,
                    "complete": self.complete,
                }
            )
        )
        os.replace(tmp, self.progress_path)

    def shards(self, size: int, final: bool = True) -> Iterator[Shard]:
        """The shards the plan defines with ``size`` rows each: the full ones
        and, when ``final`` (planning is over), each split's last partial one."""
        for split in SPLITS:
            count = self.counts[split]
            last = count // size + (1 if final and count % size else 0)
            for k in range(last):
                yield Shard(split, k, k * size, min(size, count - k * size))

    def rows(self, shard: Shard) -> np.ndarray:
        with open(self.file(shard.split), "rb") as fh:
            fh.seek(shard.start * self.dtype.itemsize)
            return np.fromfile(fh, dtype=self.dtype, count=shard.rows)


def _split_of(keys: np.ndarray, fractions: list[float]) -> np.ndarray:
    """Split index per key from the key's hash (a uniform 53-bit fraction)."""
    u = (keys >> np.uint64(11)).astype(np.float64) / float(2**53)
    bounds = np.cumsum(fractions)[:-1]
    return np.searchsorted(bounds, u, side="right").astype(np.int64)


def _plan_block(task: Task, config: dict[str, Any], start: int, count: int, threads: int) -> tuple[np.ndarray, int]:
    """Candidates ``start .. start+count``, with ``k`` set and the infeasible
    ones removed; returns (rows, infeasible count)."""
    seeds = np.frombuffer(_core.dataset_record_seeds(config["seed"], start, count), dtype="<u8")
    rows = task.candidates(seeds, threads)
    bt = config["backtracks"]
    # k < 0 with solved_only: the trace must reach the answer (a backtrack
    # count asks for that already).
    if bt is None and not task.filters and not config["solved_only"]:
        return rows, 0
    if bt is not None:
        lo, hi = bt
        # Each record's backtrack count comes from its own seed.
        rows["k"] = lo + (rows["seed"] % np.uint64(hi - lo + 1)).astype(np.int64)
    ok = task.feasible(rows, threads)
    return rows[ok], int(len(ok) - ok.sum())


# ---------------------------------------------------------------------------
# writing shards
# ---------------------------------------------------------------------------




class LocalBackend:
    """Shards on a pool of threads (the Rust work and Arrow's writer release
    the GIL, so threads run in parallel)."""

    def __init__(self, workers: int) -> None:
        self.pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="clew-shard")

    def submit(self, task: Task, rows: np.ndarray, out: str, shard: Shard, fmt: str) -> cf.Future[Any]:
        return self.pool.submit(write_shard, task, rows, out, shard.path, fmt)

    def close(self, cancel: bool = False) -> None:
        self.pool.shutdown(wait=True, cancel_futures=cancel)


# ---------------------------------------------------------------------------
# the driver
# ---------------------------------------------------------------------------


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return json.loads(json.dumps(a)) == json.loads(json.dumps(b))


def _prepare(out: Path, config: dict[str, Any]) -> str:
    """Check ``out`` before any work: returns "new", "resume" or "done"."""
    manifest = out / MANIFEST
    state_config = out / STATE / "config.json"
    if manifest.exists():
        have = json.loads(manifest.read_text()).get("config")
        if _same(have, config):
            return "done"
        raise OptionError(f"{out} holds a different dataset (its {MANIFEST} has another config); choose another --out")
    if state_config.exists():
        have = json.loads(state_config.read_text())
        if _same(have, config):
            return "resume"
        raise OptionError(
            f"{out} holds an unfinished different dataset ({STATE}/config.json differs); "
            "choose another --out or delete it"
        )
    if out.exists() and any(out.iterdir()):
        raise OptionError(f"{out} exists and is not empty; choose an empty or new directory")
    return "new"


def generate(
    task: str,
    n: int,
    out: str | os.PathLike[str],
    *,
    style: str | None = None,
    strategy: str | None = None,
    backtracks: Any = None,
    solved_only: bool = False,
    seed: int = 0,
    format: str = "parquet",
    shard_size: int = 10_000,
    splits: Any = (0.9, 0.05, 0.05),
    workers: int | None = None,
    backend: str = "local",
    progress: bool | None = None,
    report: bool | None = None,
    **task_options: Any,
) -> dict[str, Any]:
    """Generate a search-trace dataset into ``out`` and return its manifest.

    ``task``: ``"countdown"``, ``"sudoku"``, ``"sat"`` or ``"nlsat"``; ``n``: records in all splits
    together, after deduplication; ``style``: trace style (countdown:
    ``sos`` by default; sudoku: ``backtrack``); ``strategy``: the search
    (countdown: ``dfs``, ``bfs``, ``best_first``, ``beam``; sudoku: the
    deductions between guesses, ``hidden_singles``, ``naked_singles``,
    ``none``; sat/nlsat: ``cdcl``); ``backtracks``: ``K`` or ``"LO-HI"`` for traces
    with exactly that many backtracks (each record draws its own from its
    seed), ``None`` for the search's own trace; ``solved_only``: keep only
    records whose trace reaches the answer (the ``stop_reason`` column says
    why the others ended: ``pruned``, ``exhausted``, ``budget``; dropped ones
    count as filtered out); ``splits``: train,
    validation and test fractions; ``workers``: threads (default: all
    cores) or Ray tasks in flight; ``backend``: ``"local"`` or ``"ray"``.
    ``progress``: a progress bar on stderr (default: when stderr is a
    terminal); ``report``: print :func:`summary`'s lines to stderr at the end
    (default: with the progress bar).
    Task options (countdown: ``preset``, ``numbers``, ``values``,
    ``targets``, ``heuristic``, ``beam_size``, ``held_out_targets``,
    ``simulations``, ``node_labels`` (``"shown"`` or ``"search"``); sudoku:
    ``size``, ``box``, ``empty``, ``difficulty``) go through ``task_options``.

    The files: ``out/{train,validation,test}/<split>-NNNNN.parquet``,
    ``out/manifest.json``, ``out/README.md`` (a dataset card). Same
    arguments, same bytes, whatever ``workers`` and ``backend``; an
    interrupted call resumes when called again with the same arguments.
    Raises ``OptionError`` (a ``ValueError``) for bad options before any
    work, ``DatasetError`` for failures while running.
    """
    config, t = make_config(
        task,
        n,
        style=style,
        strategy=strategy,
        backtracks=backtracks,
        seed=seed,
        format=format,
        shard_size=shard_size,
        splits=splits,
        options=task_options,
        solved_only=solved_only,
    )
    if backend not in ("local", "ray"):
        raise OptionError(f"--backend must be 'local' or 'ray', got {backend!r}")
    workers = workers or os.cpu_count() or 1
    if workers < 1:
        raise OptionError(f"--workers must be at least 1, got {workers}")
    outp = Path(out)
    show = sys.stderr.isatty() if progress is None else progress
    report = show if report is None else report
    started = time.perf_counter()
    mode = _prepare(outp, config)
    if mode == "done":
        manifest = json.loads((outp / MANIFEST).read_text())
        if report:
            print(summary(outp, manifest, time.perf_counter() - started, written=0), file=sys.stderr)
        return manifest
    state = outp / STATE
    if mode == "resume":
        # Shards a killed run was writing: never renamed, so never complete.
        for split in SPLITS:
            for stale in (outp / split).glob(".*.tmp"):
                stale.unlink()
    state.mkdir(parents=True, exist_ok=True)
    if mode == "new":
        (state / "config.json").write_text(json.dumps(config, indent=1, sort_keys=True))
    plan = Plan(state, t.plan_dtype)
    plan.load()
    if backend == "ray":
        from clew.datasets._ray import RayBackend

        runner: Any = RayBackend(workers)
    else:
        runner = LocalBackend(workers)
    try:
        written = _run(t, config, plan, outp, runner, workers, show)
    except OptionError:
        runner.close(cancel=True)
        if mode == "new":  # leave nothing behind for options that cannot work
            shutil.rmtree(state, ignore_errors=True)
            if not any(outp.iterdir()):
                outp.rmdir()
        raise
    except BaseException:
        runner.close(cancel=True)
        raise
    runner.close()
    manifest = _finish(t, config, plan, outp)
    if report:
        print(summary(outp, manifest, time.perf_counter() - started, written), file=sys.stderr)
    return manifest


def _run(t: Task, config: dict[str, Any], plan: Plan, out: Path, runner: Any, workers: int, show: bool) -> int:
    """Plan and write every shard not written yet; returns the rows this call wrote."""
    n, size, fmt = config["n"], config["shard_size"], config["format"]
    fractions = list(config["splits"].values())
    keyset = _core.KeySet()
    for keys in plan.keys():
        keyset.add(keys.tobytes())
    submitted: set[tuple[str, int]] = set()
    pending: dict[cf.Future[Any], Shard] = {}
    written = 0
    bar = _progress(n, show)
    bar.update(sum(s.rows for s in plan.shards(size) if (out / f"{s.path}.{fmt}").exists()))

    def launch(final: bool) -> None:
        for shard in plan.shards(size, final):
            if (shard.split, shard.index) in submitted:
                continue
            submitted.add((shard.split, shard.index))
            if (out / f"{shard.path}.{fmt}").exists():
                continue
            pending[runner.submit(t, plan.rows(shard), str(out), shard, fmt)] = shard

    def reap(block: bool) -> None:
        """Collect finished shards; with ``block`` wait for all of them,
        else only while more than two a worker are in flight."""
        nonlocal written
        while pending:
            done = {f for f in pending if f.done()}
            if not done:
                if not block and len(pending) <= 2 * workers:
                    return
                done, _ = cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)
            for f in done:
                pending.pop(f)
                rows = f.result()["rows"]
                written += rows
                bar.update(rows)

    launch(plan.complete)
    while not plan.complete:
        count = BLOCK
        rows, infeasible = _plan_block(t, config, plan.next_candidate, count, workers)
        plan.dropped["infeasible"] += infeasible
        if plan.next_candidate == 0 and len(rows) == 0:
            if config["backtracks"] is None and config["solved_only"]:
                raise OptionError(
                    f"none of the first {count:,} candidates is solved by the search: "
                    "drop --solved-only or change the search options"
                )
            lo, hi = config["backtracks"] or (0, 0)
            raise OptionError(
                f"none of the first {count:,} candidates admits a trace with {lo}-{hi} backtracks"
                f"{t.filter_reason()}: lower --backtracks or change the puzzle size"
            )
        fresh = np.frombuffer(keyset.add(np.ascontiguousarray(rows["key"]).tobytes()), dtype=np.uint8).astype(bool)
        plan.dropped["duplicates"] += int(len(fresh) - fresh.sum())
        rows = rows[fresh]
        room = n - sum(plan.counts.values())
        rows = rows[:room]
        forced = t.forced_split(rows)
        if forced is None:
            which = _split_of(rows["key"], fractions)
        else:
            # The forced rows are the test split; the rest share train and
            # validation in their proportions.
            kept = fractions[0] + fractions[1]
            which = _split_of(rows["key"], [fractions[0] / kept, fractions[1] / kept, 0.0])
            which = np.where(forced >= 0, forced, which)
        plan.append({s: rows[which == i] for i, s in enumerate(SPLITS)})
        plan.next_candidate += count
        plan.complete = sum(plan.counts.values()) >= n
        plan.checkpoint()
        bar.set_postfix_str(f"planned {sum(plan.counts.values()):,}")
        launch(plan.complete)
        reap(block=False)
    launch(True)
    reap(block=True)
    bar.close()
    return written


def _progress(total: int, show: bool) -> Any:
    return progress_bar(total, show, unit="rec", unit_scale=True, smoothing=0.1)


def _finish(t: Task, config: dict[str, Any], plan: Plan, out: Path) -> dict[str, Any]:
    """Checksum the shards, write the manifest and the card, drop the plan."""
    size, fmt = config["shard_size"], config["format"]
    shards = []
    for shard in plan.shards(size):
        path = out / f"{shard.path}.{fmt}"
        if not path.exists():
            raise DatasetError(f"shard {path} is missing after generation")
        shards.append(
            {
                "path": f"{shard.path}.{fmt}",
                "split": shard.split,
                "rows": shard.rows,
                "bytes": path.stat().st_size,
                "sha256": _sha256(path),
            }
        )
    manifest = {
        "dataset": "clew search traces",
        "format_version": FORMAT_VERSION,
        "clew_version": __version__,
        "pyarrow_version": pa.__version__,
        "config": config,
        "counts": dict(plan.counts),
        "total": sum(plan.counts.values()),
        "candidates": plan.next_candidate,
        "dropped": plan.dropped,
        "schema": [{"name": f.name, "type": str(f.type)} for f in t.schema],
        "shards": shards,
    }
    from clew.datasets._card import card

    (out / "README.md").write_text(card(manifest))
    tmp = out / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, out / MANIFEST)
    shutil.rmtree(out / STATE, ignore_errors=True)
    return manifest


def summary(
    out: str | os.PathLike[str], manifest: dict[str, Any], seconds: float | None = None, written: int | None = None
) -> str:
    """A few lines on a finished dataset: counts (and the rate, given the
    seconds it took), the backtrack histogram and length percentiles.
    ``written``: the records this run wrote (fewer than the total after a
    resume); the rate counts only those."""
    out = Path(out)
    fmt = manifest["config"]["format"]
    if fmt == "parquet":
        cols = pq.ParquetDataset(
            [str(out / s["path"]) for s in manifest["shards"]]
        ).read(columns=["backtracks", "length"])
        bt = cols.column("backtracks").to_numpy()
        ln = cols.column("length").to_numpy()
    else:
        bt_list: list[int] = []
        ln_list: list[int] = []
        for s in manifest["shards"]:
            with open(out / s["path"], encoding="utf-8") as fh:
                for line in fh:
                    rec = json.loads(line)
                    bt_list.append(rec["backtracks"])
                    ln_list.append(rec["length"])
        bt, ln = np.array(bt_list), np.array(ln_list)
    total = manifest["total"]
    made = total if written is None else written
    took = ""
    if seconds is not None and made:
        took = f" in {seconds:.1f} s ({made / max(seconds, 1e-9):,.0f}/s"
        took += f", {made:,} written by this run)" if made != total else ")"
    elif seconds is not None:
        took = " (already complete, nothing written)"
    lines = [
        f"clew generate: {total:,} records{took} -> {out}",
        "  splits: " + ", ".join(f"{k} {manifest['counts'][k]:,}" for k in SPLITS),
        f"  dropped: {manifest['dropped']['duplicates']:,} duplicates, "
        f"{manifest['dropped']['infeasible']:,} filtered out (no trace with the asked backtracks, unsolved with "
        "--solved-only, or too long)",
    ]
    if len(ln):
        p = np.percentile(ln, [5, 50, 95, 100]).astype(int)
        lines.append(f"  length (chars): p5 {p[0]:,}  median {p[1]:,}  p95 {p[2]:,}  max {p[3]:,}")
        values, counts = np.unique(bt, return_counts=True)
        hist = ", ".join(f"{v}: {c:,}" for v, c in list(zip(values, counts))[:12])
        more = " ..." if len(values) > 12 else ""
        lines.append(f"  backtracks: {hist}{more}")
    return "\n".join(lines)


def load(out: str | os.PathLike[str], split: str | None = None) -> Any:
    """The dataset as Hugging Face ``datasets`` (``load_dataset("parquet",
    data_dir=out)``): a ``DatasetDict``, or one split."""
    import datasets

    d = datasets.load_dataset("parquet", data_dir=str(out))
    return d[split] if split else d


__all__ = ["FORMAT_VERSION", "DatasetError", "OptionError", "generate", "load", "summary", "write_shard"]
