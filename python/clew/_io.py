"""Small helpers shared by the packages that write files (datasets, neural): checksums, progress bars."""

from __future__ import annotations

import hashlib
import os
from typing import Any


def sha256(path: str | os.PathLike[str]) -> str:
    """The hex sha256 of a file, read in 4 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def set_postfix_str(self, s: str) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int, show: bool, **tqdm_options: Any) -> Any:
    """A tqdm bar over ``total`` steps when ``show``, else one that does nothing."""
    if not show:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, dynamic_ncols=True, **tqdm_options)
