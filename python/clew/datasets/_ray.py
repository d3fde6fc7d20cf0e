"""The Ray backend: one Ray task per shard, written by the worker straight
to the output path (a directory every node can reach), manifest by the
driver. Ray is an extra (``pip install 'clew[ray]'``); without a running
cluster, ``ray.init()`` starts a local one."""

from __future__ import annotations

import concurrent.futures as cf
from typing import Any

import numpy as np

from clew.datasets._shards import Shard, write_shard
from clew.datasets._tasks import Task


def _write(task: Task, rows: np.ndarray, out: str, path: str, fmt: str) -> dict[str, Any]:
    return write_shard(task, rows, out, path, fmt)


class RayBackend:
    def __init__(self, workers: int) -> None:
        try:
            import ray
        except ImportError:
            from clew.datasets._tasks import OptionError

            raise OptionError("--backend ray needs Ray: pip install 'clew[ray]'") from None
        if not ray.is_initialized():
            ray.init(num_cpus=workers, log_to_driver=False)
        self._ray = ray
        # One CPU a shard: Ray runs as many at once as the cluster has CPUs.
        self._remote = ray.remote(num_cpus=1, max_retries=2)(_write)

    def submit(self, task: Task, rows: np.ndarray, out: str, shard: Shard, fmt: str) -> cf.Future[Any]:
        ref = self._remote.remote(task, rows, out, shard.path, fmt)
        future: cf.Future[Any] = ref.future()
        return future

    def close(self, cancel: bool = False) -> None:
        # Leave the cluster to whoever started it (a test, a user's script).
        pass
