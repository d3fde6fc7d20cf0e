"""Search-trace datasets: ``clew.datasets.generate`` (and ``clew generate``).

>>> import clew.datasets
>>> manifest = clew.datasets.generate("countdown", 100_000, "data/cd", backtracks="0-2")  # doctest: +SKIP

writes ``data/cd/{train,validation,test}/*.parquet``, ``manifest.json`` and
a dataset card; see :func:`generate` for the options and guarantees.
"""

from clew.datasets._generate import FORMAT_VERSION, DatasetError, generate, load, summary
from clew.datasets._phases import make_phase_data
from clew.datasets._tasks import STOP_REASONS, STYLES, TASKS, OptionError

__all__ = [
    "FORMAT_VERSION", "STOP_REASONS", "STYLES", "TASKS", "DatasetError", "OptionError", "generate", "load",
    "make_phase_data", "summary",
]
