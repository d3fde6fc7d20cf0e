"""Phase data for the phase predictor: formulas and their backbones as Parquet shards.

``make_phase_data(out, family=SPEC, n=N)`` or ``make_phase_data(out, source_dir=DIR)`` writes
``out/data/data-NNNNN.parquet`` (one row per formula: ``source``, ``num_vars``, ``num_clauses``,
``literals`` (int32, flat), ``clause_offsets`` (int64, ``num_clauses + 1`` entries), ``backbone``
(literals, sorted by variable), ``backbone_seconds``) and ``out/manifest.json``. No torch needed.

The same guarantees as :func:`clew.datasets.generate`, by the same means: candidate ``j`` is a pure
function of ``(seed, j)`` (its record seed), shard ``k`` holds candidates ``k*S .. (k+1)*S`` minus
the dropped ones, each shard is written to a temporary name and renamed, and a rerun after a kill
keeps the finished shards. Formulas whose backbone needs more than ``conf_budget`` conflicts (and
unsatisfiable ones, which have none, and
formulas without clauses or variables) are counted in the manifest and dropped; the budget counts
conflicts, not seconds, so what is dropped does not depend on the machine. Every column but
``backbone_seconds`` (a wall-clock time) is the same on every run.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from clew import BudgetExhausted, __version__, _core
from clew.datasets._generate import MANIFEST, STATE, _prepare, _progress
from clew.datasets._shards import collect_data_shards, publish_manifest, write_parquet
from clew.datasets._tasks import OptionError

SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("num_vars", pa.int64()),
        ("num_clauses", pa.int64()),
        ("literals", pa.list_(pa.int32())),
        ("clause_offsets", pa.list_(pa.int64())),
        ("backbone", pa.list_(pa.int32())),
        ("backbone_seconds", pa.float64()),
    ]
)
CNF_SUFFIXES = (".cnf", ".cnf.gz", ".cnf.xz", ".cnf.bz2", ".dimacs")
DROPS = ("budget", "unsat", "empty")


def _sources(source_dir: Path) -> list[str]:
    if not source_dir.is_dir():
        raise OptionError(f"--from {source_dir}: not a directory")
    files = sorted(
        str(p.relative_to(source_dir)) for p in source_dir.rglob("*") if p.is_file() and p.name.endswith(CNF_SUFFIXES)
    )
    if not files:
        raise OptionError(f"--from {source_dir}: no CNF files ({', '.join(CNF_SUFFIXES)}) in it")
    return files


def _formula(obj: Any) -> tuple[int, list[list[int]]]:
    """(num_vars, clauses) of what a family generator returns (a formula object or a clause list)."""
    clauses = getattr(obj, "clauses", obj)
    clauses = [list(map(int, c)) for c in clauses]
    num_vars = getattr(obj, "num_vars", None)
    if num_vars is None:
        num_vars = max((abs(lit) for c in clauses for lit in c), default=0)
    return int(num_vars), clauses


class _Candidates:
    """Candidate ``j`` of the data set: (source, num_vars, clauses)."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        if config["family"] is not None:
            from clew import families

            self.name, self.params = families.parse_spec(config["family"])
            self.families = families
        else:
            self.files = _sources(Path(config["from"]))

    def get(self, j: int) -> tuple[str, int, list[list[int]]]:
        if self.config["family"] is not None:
            seed = int(np.frombuffer(_core.dataset_record_seeds(self.config["seed"], j, 1), dtype="<u8")[0])
            (formula,) = self.families.generate(self.name, 1, seed=seed, satisfiable=True, **self.params)
            return f"{self.config['family']}#{j}", *_formula(formula)
        from clew.sat import load_dimacs

        rel = self.files[j]
        num_vars, clauses = load_dimacs(Path(self.config["from"]) / rel, strict=False)
        return rel, num_vars, clauses


def _row(source: str, num_vars: int, clauses: list[list[int]], budget: int | None) -> dict[str, Any] | str:
    """The record of one formula, or the reason it is dropped."""
    from clew.sat import backbone

    if num_vars == 0 or not clauses:
        return "empty"
    started = time.perf_counter()
    try:
        bb = backbone(clauses, conf_budget=budget)
    except BudgetExhausted:
        return "budget"
    seconds = time.perf_counter() - started
    if bb is None:
        return "unsat"
    lengths = np.fromiter((len(c) for c in clauses), dtype=np.int64, count=len(clauses))
    offsets = np.zeros(len(clauses) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    literals = np.fromiter((lit for c in clauses for lit in c), dtype=np.int32, count=int(offsets[-1]))
    return {
        "source": source,
        "num_vars": num_vars,
        "num_clauses": len(clauses),
        "literals": literals,
        "clause_offsets": offsets,
        "backbone": np.asarray(bb, dtype=np.int32),
        "backbone_seconds": seconds,
    }


def _write(rows: list[dict[str, Any]], final: Path) -> None:
    columns = {f.name: [r[f.name] for r in rows] for f in SCHEMA}
    table = pa.table({name: pa.array(values, type=SCHEMA.field(name).type) for name, values in columns.items()})
    write_parquet(table, final)


def make_phase_data(
    out: str | os.PathLike[str],
    *,
    family: str | None = None,
    n: int | None = None,
    source_dir: str | os.PathLike[str] | None = None,
    seed: int = 0,
    conf_budget: int | None = 100_000,
    shard_size: int = 256,
    progress: bool | None = None,
) -> dict[str, Any]:
    """Write a phase data set into ``out`` and return its manifest (see the module's docs).

    Either ``family`` (a spec such as ``"sr:n=40"``) and ``n`` (candidates, before drops), or
    ``source_dir`` (every CNF file under it; ``n`` takes the first ``n`` by name)."""
    if (family is None) == (source_dir is None):
        raise OptionError("give either --family SPEC (with --n N) or --from DIR")
    if family is not None and n is None:
        raise OptionError("--family needs --n N (how many formulas)")
    if n is not None and n < 1:
        raise OptionError(f"--n must be at least 1, got {n}")
    if conf_budget is not None and conf_budget < 0:
        raise OptionError(f"--conf-budget must be 0 or more, got {conf_budget}")
    if shard_size < 1:
        raise OptionError(f"the shard size must be at least 1, got {shard_size}")
    if family is not None:
        from clew import families

        try:
            name, _ = families.parse_spec(family)  # checks the parameters too
        except (ValueError, KeyError) as exc:
            raise OptionError(f"--family {family}: {exc}") from None
        if name not in families.names():
            raise OptionError(f"--family {family}: no family {name!r} (choose from {', '.join(families.names())})")
    else:
        total = len(_sources(Path(source_dir)))  # type: ignore[arg-type]
        n = total if n is None else min(n, total)
    config = {
        "kind": "phase-data",
        "family": family,
        "from": None if source_dir is None else str(Path(source_dir).resolve()),
        "n": n,
        "seed": seed,
        "conf_budget": conf_budget,
        "shard_size": shard_size,
    }
    outp = Path(out)
    mode = _prepare(outp, config)
    if mode == "done":
        return json.loads((outp / MANIFEST).read_text())
    state = outp / STATE
    state.mkdir(parents=True, exist_ok=True)
    (state / "config.json").write_text(json.dumps(config, indent=1, sort_keys=True))
    for stale in (outp / "data").glob(".*.tmp"):  # shards a killed run was writing
        stale.unlink()
    candidates = _Candidates(config)
    assert n is not None
    show = sys.stderr.isatty() if progress is None else progress
    bar = _progress(n, show)
    for k, start in enumerate(range(0, n, shard_size)):
        done = state / f"shard-{k:05d}.json"
        if done.exists():
            bar.update(min(shard_size, n - start))
            continue
        rows, dropped = [], dict.fromkeys(DROPS, 0)
        for j in range(start, min(start + shard_size, n)):
            record = _row(*candidates.get(j), conf_budget)
            if isinstance(record, str):
                dropped[record] += 1
            else:
                rows.append(record)
            bar.update(1)
        _write(rows, outp / "data" / f"data-{k:05d}.parquet")
        tmp = done.with_suffix(".tmp")
        tmp.write_text(json.dumps({"rows": len(rows), "dropped": dropped}))
        os.replace(tmp, done)
    bar.close()
    return _finish(outp, config, n)


def _finish(out: Path, config: dict[str, Any], n: int) -> dict[str, Any]:
    state = out / STATE
    shards, records = collect_data_shards(out, state, (n + config["shard_size"] - 1) // config["shard_size"])
    dropped = {key: sum(r["dropped"][key] for r in records) for key in DROPS}
    manifest = {
        "dataset": "clew phase data",
        "clew_version": __version__,
        "config": config,
        "candidates": n,
        "total": sum(r["rows"] for r in records),
        "dropped": dropped,
        "schema": [{"name": f.name, "type": str(f.type)} for f in SCHEMA],
        "shards": shards,
    }
    publish_manifest(out / MANIFEST, manifest, state)
    return manifest
