"""Shards: which rows a shard holds and writing one atomically. Below the
driver (``_generate``) and its backends (``_generate.LocalBackend``,
``_ray.RayBackend``), which all hand shards to :func:`write_shard`."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from clew._io import sha256
from clew.datasets._tasks import Task

PARQUET_OPTIONS = dict(compression="zstd", compression_level=1, use_dictionary=["style"], write_statistics=False)


@dataclass(frozen=True)
class Shard:
    split: str
    index: int
    start: int
    rows: int

    @property
    def path(self) -> str:
        return f"{self.split}/{self.split}-{self.index:05d}"


def write_parquet(table: pa.Table, final: Path) -> None:
    """Write ``table`` to ``final`` as one row group with the datasets' Parquet options,
    atomically (a temporary name beside it, then a rename): a killed writer leaves no half file."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, row_group_size=max(1, table.num_rows), **PARQUET_OPTIONS)
    os.replace(tmp, final)


def write_shard(task: Task, rows: np.ndarray, out: str, path: str, fmt: str, threads: int = 1) -> dict[str, Any]:
    """Trace ``rows`` and write them to ``out/path.<fmt>`` atomically (a
    temporary name, then a rename). Pure: the bytes depend only on the
    arguments. Returns the shard's row count, byte size and the worker's
    process id (for tests and logs; never written to the files)."""
    table = task.table(rows, threads)
    final = Path(out) / f"{path}.{fmt}"
    if fmt == "parquet":
        write_parquet(table, final)
    else:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            for batch in table.to_batches(max_chunksize=1024):
                for rec in batch.to_pylist():
                    fh.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
                    fh.write("\n")
        os.replace(tmp, final)
    return {"rows": len(rows), "bytes": final.stat().st_size, "pid": os.getpid()}


def collect_data_shards(out: Path, state: Path, count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The manifest entries of ``out/data/data-K.parquet`` for K < ``count`` (path, rows, bytes,
    sha256), and the record each shard's worker left in ``state/shard-K.json``: the wrap-up
    shared by the phase and policy data sets (one ``data/`` folder, no splits)."""
    entries, records = [], []
    for k in range(count):
        record = json.loads((state / f"shard-{k:05d}.json").read_text())
        path = out / "data" / f"data-{k:05d}.parquet"
        entries.append({"path": f"data/{path.name}", "rows": record["rows"], "bytes": path.stat().st_size,
                        "sha256": sha256(path)})
        records.append(record)
    return entries, records


def publish_manifest(path: Path, manifest: dict[str, Any], state: Path) -> None:
    """Write ``manifest`` to ``path`` atomically (a temporary name, then a rename), then drop the
    run's ``state`` folder: the manifest's presence is what marks a data set finished."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)
    shutil.rmtree(state, ignore_errors=True)
