"""What every ``clew`` subcommand shares: exit codes, error lines, JSON output, parser set-up."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any

EXIT_SAT = 10
EXIT_UNSAT = 20  # also: a puzzle proven to have no solution
EXIT_UNKNOWN = 0
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

Subparsers = argparse._SubParsersAction  # the object add_subparsers() returns


class HelpFormatter(argparse.HelpFormatter):
    """Appends ``(default: X)`` to an option's help when it has a real default
    and the help does not say it already (argparse's own formatter prints
    ``(default: None)`` on required options and doubles defaults already in
    the text)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if (
            "default" in text
            or "%(default)" in text
            or action.required
            or any(default is skip for skip in (None, False, argparse.SUPPRESS))  # not `in`: 0 == False
            or not action.option_strings
        ):
            return text
        return f"{text} (default: %(default)s)"


def add_command(subparsers: Subparsers, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    """A subcommand's parser, which knows itself so that usage errors found
    after parsing (``clew sat x.cnf --bogus``) print this command's usage."""
    kwargs.setdefault("formatter_class", HelpFormatter)
    parser: argparse.ArgumentParser = subparsers.add_parser(name, **kwargs)
    parser.set_defaults(_parser=parser)
    return parser


def error(message: str, command: str = "clew") -> int:
    """Print ``COMMAND: error: MESSAGE`` to stderr; returns EXIT_ERROR."""
    print(f"{command}: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def print_json(value: Any) -> None:
    """One JSON document on one line of stdout (``--json`` output)."""
    print(json.dumps(value, ensure_ascii=False, allow_nan=False))


def read_rows(path: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """The rows of a Parquet file (by its name) or a JSON Lines file (any
    other name; ``-`` is stdin), as dicts. ``columns``: only these (Parquet).
    Raises OSError, or ValueError naming the file and line."""
    if path.endswith(".parquet"):
        import pyarrow.lib
        import pyarrow.parquet as pq

        try:
            rows: list[dict[str, Any]] = pq.read_table(path, columns=columns).to_pylist()
        except pyarrow.lib.ArrowInvalid as exc:
            raise ValueError(f"{path}: not a readable Parquet file ({exc})") from None
        return rows
    handle = contextlib.nullcontext(sys.stdin) if path == "-" else open(path, encoding="utf-8")
    rows = []
    with handle as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: line {number}: not JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise ValueError(f"{path}: line {number}: a row must be a JSON object, got {type(row).__name__}")
            rows.append(row)
    return rows
