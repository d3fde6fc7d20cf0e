"""The dataset card (README.md) written next to the data, with the YAML
header Hugging Face reads (configs and splits)."""

from __future__ import annotations

import json
from typing import Any

_COLUMNS = {
    "numbers": "the input numbers (Countdown)",
    "target": "the target (Countdown)",
    "puzzle": "the puzzle, row by row, '.' for blanks, 1-9 then A-P (Sudoku)",
    "answer": "a correct answer: for Countdown an expression using every number once, "
    "for Sudoku the solved grid (present even when the trace ends unsolved)",
    "optimal_path": "a trace of the direct route to the answer, without backtracking",
    "trace": "the search trace, in the style of the `style` column",
    "style": "the trace style (sos, backtrack, wait, astro, compact)",
    "solved": "whether the trace itself reaches the answer",
    "stop_reason": "why the trace ended: solved, pruned (an answer exists but the search's cut, its threshold "
    "or beam, discarded it), exhausted (no answer exists), budget (MCTS simulations ran out)",
    "backtracks": "backtracks in the trace",
    "nodes": "nodes the traced search expanded",
    "depth": "deepest level the traced search reached (root 0)",
    "length": "length of `trace` in characters",
    "difficulty": "Countdown: nodes Stream of Search's DFS (sum heuristic) expands on the instance; "
    "Sudoku: the SE-like rating",
    "seed": "the record's seed: with the config below it regenerates the record",
}


def card(manifest: dict[str, Any]) -> str:
    cfg = manifest["config"]
    fmt = cfg["format"]
    splits = [s for s, c in manifest["counts"].items() if c]
    yaml = ["---", "configs:", "- config_name: default", "  data_files:"]
    for s in splits:
        yaml += [f"  - split: {s}", f'    path: "{s}/*.{fmt}"']
    yaml += ["tags:", "- search-traces", "- backtracking", f"- {cfg['task']}", "---", ""]
    rows = "\n".join(
        f"| `{c['name']}` | {c['type']} | {_COLUMNS.get(c['name'], '')} |" for c in manifest["schema"]
    )
    counts = ", ".join(f"{s}: {manifest['counts'][s]:,}" for s in manifest["counts"])
    options = " ".join(
        f"--{k.replace('_', '-')} {v if not isinstance(v, list) else '-'.join(map(str, v))}"
        for k, v in cfg.items()
        if k in ("style", "strategy", "seed", "shard_size", "format") and v is not None
    )
    bt = cfg.get("backtracks")
    if bt:
        options += f" --backtracks {bt[0]}-{bt[1]}"
    body = f"""# clew {cfg['task']} search traces

{manifest['total']:,} records ({counts}), written by clew {manifest['clew_version']}.
Each record is a real search tree rendered as text in the `{cfg['style']}` style
(strategy `{cfg['strategy']}`). Splits are assigned by a hash of the puzzle's
canonical form (Countdown: the multiset of numbers and the target; Sudoku:
the grid up to its symmetries), so no puzzle is in two splits or twice.

Regenerate byte for byte (same clew and pyarrow versions):

    clew generate {cfg['task']} --n {cfg['n']} --out DIR {options}

Load:

```python
import datasets
ds = datasets.load_dataset("parquet", data_dir="DIR")
```

## Columns

| column | type | meaning |
|---|---|---|
{rows}

## Config

```json
{json.dumps(cfg, indent=1, sort_keys=True)}
```
"""
    return "\n".join(yaml) + body
