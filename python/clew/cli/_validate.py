"""``clew validate DIR_OR_FILE``: replay every trace of a ``clew generate`` dataset."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from clew import traces
from clew._core import ClewError
from clew.cli._common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Subparsers,
    add_command,
    error,
    print_json,
    read_rows,
)
from clew.cli._sudoku import box_shape
from clew.sat import parse_dimacs

COMMAND = "clew validate"
SPLITS = ("train", "validation", "test")
SHARD_SUFFIXES = (".parquet", ".jsonl")

# A verdict on one row: None when valid, else (line, message).
Check = Callable[[dict[str, Any]], "tuple[int, str] | None"]


def add_parser(subparsers: Subparsers) -> None:
    """Register ``clew validate``."""
    p = add_command(
        subparsers,
        "validate",
        help="replay every trace of a generated dataset and report the invalid ones",
        description="Replay every trace of a dataset made by `clew generate` (its directory, or one .parquet or "
        ".jsonl shard) with clew's validators: each step legal, each state right, the ending the row claims. "
        "The task and style come from the manifest or the rows. Prints the first invalid step of each bad row "
        "and a summary. Exit status: 0 every trace valid, 1 some trace invalid (or the dataset cannot be "
        "read), 2 usage, 130 interrupted.",
    )
    p.add_argument("path", metavar="DIR_OR_FILE", help="a dataset directory (with manifest.json) or one shard")
    p.add_argument("--box", type=box_shape, default=None, metavar="RxC",
                   help="sudoku box shape (default: the manifest's, else the usual one for the size)")
    p.add_argument("--json", action="store_true", help="print the summary and every bad row as one JSON object")
    p.set_defaults(func=cmd_validate)


def _manifest_near(path: Path) -> dict[str, Any] | None:
    """The manifest of the dataset ``path`` (a directory or a shard in it) belongs to."""
    for folder in ([path] if path.is_dir() else [path.parent, path.parent.parent]):
        candidate = folder / "manifest.json"
        if candidate.is_file():
            manifest: dict[str, Any] = json.loads(candidate.read_text(encoding="utf-8"))
            return manifest
    return None


def find_shards(path: Path, manifest: dict[str, Any] | None) -> list[Path]:
    """The shard files to read: the manifest's, else every shard under ``path``."""
    if not path.is_dir():
        return [path]
    if manifest is not None and path.joinpath("manifest.json").is_file():
        return [path / shard["path"] for shard in manifest["shards"]]
    found = [p for split in ("", *SPLITS) for p in sorted((path / split).glob("*")) if p.suffix in SHARD_SUFFIXES]
    return [p for p in found if not p.name.startswith(".")]


def task_of(row: dict[str, Any]) -> str:
    """A row's task, from its columns (for shards without a manifest)."""
    if "numbers" in row and "target" in row:
        return "countdown"
    if "num_vars" in row:
        return "sat" if str(row.get("puzzle", "")).lstrip().startswith(("p ", "c")) else "nlsat"
    if "puzzle" in row:
        return "sudoku"
    raise ValueError(f"cannot tell the task of a row with columns {', '.join(row)}")


def checker(task: str, config: dict[str, Any]) -> Check:
    """The function that replays one row of ``task``."""
    default_style = config.get("style")
    box = tuple(config["box"]) if config.get("box") else None

    def style(row: dict[str, Any]) -> str:
        return str(row.get("style") or default_style or ("sos" if task == "countdown" else "backtrack"))

    def verdict(valid: bool, solved: bool | None, line: int, message: str | None, row: dict[str, Any]) -> Any:
        if not valid:
            return line, message or "invalid"
        if solved is not None and "solved" in row and bool(row["solved"]) != solved:
            return line, f"the row says solved={row['solved']} but the trace ends {'solved' if solved else 'unsolved'}"
        return None

    if task == "countdown":
        def countdown(row: dict[str, Any]) -> Any:
            v = traces.validate(row["trace"], row["numbers"], row["target"], style=style(row))
            return verdict(v.valid, v.solved, v.line, v.message, row)
        return countdown
    if task == "sudoku":
        def sudoku(row: dict[str, Any]) -> Any:
            v = traces.validate(row["trace"], style=style(row), task="sudoku", puzzle=row["puzzle"], box=box)
            return verdict(v.valid, v.solved, v.line, v.message, row)
        return sudoku
    if task == "sat":
        def sat(row: dict[str, Any]) -> Any:
            _, clauses = parse_dimacs(row["puzzle"])
            v = traces.validate_sat(row["trace"], clauses)
            return verdict(v.valid, None, v.line, v.message, row)
        return sat
    raise ValueError(f"no validator for {task!r} traces (clew validates countdown, sudoku and sat datasets)")


def cmd_validate(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        return error(f"{path}: no such file or directory", COMMAND)
    try:
        manifest = _manifest_near(path)
        shards = find_shards(path, manifest)
    except (OSError, ValueError, KeyError) as exc:
        return error(f"{path}: cannot read its manifest.json ({exc})", COMMAND)
    if not shards:
        return error(f"{path}: no .parquet or .jsonl shard in it", COMMAND)
    config: dict[str, Any] = dict((manifest or {}).get("config", {}))
    if args.box is not None:
        config["box"] = list(args.box)
    root = path if path.is_dir() else path.parent
    total = 0
    bad: list[dict[str, Any]] = []
    task = config.get("task")
    check: Check | None = None
    try:
        for shard in shards:
            rows = read_rows(str(shard))
            name = str(shard.relative_to(root)) if shard.is_relative_to(root) else str(shard)
            for i, row in enumerate(rows):
                if check is None:
                    task = task or task_of(row)
                    check = checker(task, config)
                total += 1
                try:
                    found = check(row)
                except KeyError as exc:
                    raise ValueError(f"{name}: row {i} has no {exc} column") from None
                except (ClewError, ValueError) as exc:  # e.g. a malformed puzzle in the row
                    found = (0, str(exc))
                if found is not None:
                    bad.append({"shard": name, "row": i, "seed": row.get("seed"), "line": found[0],
                                "message": found[1]})
                    if not args.json:
                        print(f"{name} row {i}: line {found[0]}: {found[1]}")
    except KeyboardInterrupt:
        print(f"{COMMAND}: interrupted after {total:,} rows", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        return error(f"cannot read {exc.filename or path}: {exc.strerror or exc}", COMMAND)
    except ValueError as exc:
        return error(str(exc), COMMAND)
    valid = total - len(bad)
    if args.json:
        print_json({"path": str(path), "task": task, "shards": len(shards), "rows": total, "valid": valid,
                    "invalid": len(bad), "bad": bad})
    else:
        print(f"{path}: {total:,} rows of {task} in {len(shards)} shard(s): {valid:,} valid, {len(bad):,} invalid")
    return EXIT_OK if not bad else EXIT_ERROR


__all__ = ["add_parser", "checker", "find_shards", "task_of"]
