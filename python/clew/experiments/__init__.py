"""Experiments that train and evaluate models end to end, each one command with a report.

* :mod:`clew.experiments.sequential_vs_parallel` -- ``clew experiment sequential-vs-parallel``:
  "To Backtrack or Not to Backtrack" in miniature (direct solutions sampled in parallel against
  backtracking traces sampled once, under the same generated-token budgets).

Nothing here imports torch at module level: the experiment imports it when it runs.
"""

from __future__ import annotations
