"""The CLI defects a new user met (issue 12, items 5-9), each pinned by a test
that failed before its fix. The CLI runs in-process through ``clew.cli.main``."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from clew import _core, datasets, traces
from clew.cli import stats_lines
from helpers import run_cli as run
from clew.datasets import _generate


def option_help(text: str, option: str) -> str:
    """The help entry of ``option`` in a ``--help`` text (up to the next option)."""
    match = re.search(rf"^  {re.escape(option)}(?=\s)(.*?)(?=^  -|^\S|\Z)", text, re.M | re.S)
    assert match, option
    return " ".join(match.group(1).split())


# 5 ---------------------------------------------------------------------------


def test_generate_sudoku_size_25_is_allowed() -> None:
    config, task = _generate.make_config(
        "sudoku", 2, style=None, strategy=None, backtracks=None, seed=0, format="parquet",
        shard_size=10, splits=(0.9, 0.05, 0.05), options={"size": 25, "empty": 300},
    )
    assert config["size"] == 25 and config["box"] == [5, 5]
    rows = task.table(task.candidates(np.arange(1, 3, dtype=np.uint64), 1), 1).to_pylist()
    for row in rows:
        assert len(row["puzzle"]) == 625 and row["puzzle"].count(".") == 300
        v = traces.validate(row["trace"], style=row["style"], task="sudoku", puzzle=row["puzzle"])
        assert v.valid and v.solved, v


def test_generate_sudoku_size_beyond_25_names_the_range(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "generate", "sudoku", "--size", "26", "--out", str(tmp_path / "x"), "--no-progress")
    assert code == 2 and "4..25" in err and "usage: clew generate" in err
    assert not (tmp_path / "x").exists()


# 6 ---------------------------------------------------------------------------


def test_generate_help_prints_each_default_once(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "generate", "--help")
    assert code == 0
    assert "(default: None)" not in out
    assert "default" not in option_help(out, "--out DIR")
    for option in re.findall(r"^  (--[\w-]+(?: [^ \n]+)?)", out, re.M):
        text = option_help(out, option)
        appended = re.search(r"\(default: [^)]*\)$", text)
        assert not (appended and "default" in text[: appended.start()]), text  # said twice
    assert option_help(out, "--style STYLE").count("default") == 1
    assert "(default: 10000)" in option_help(out, "--n N")
    assert "(default: 0)" in option_help(out, "--seed SEED")


# 7 ---------------------------------------------------------------------------


def test_summary_rate_counts_only_the_records_written() -> None:
    manifest = {"config": {"format": "jsonl"}, "total": 1000, "shards": [],
                "counts": {"train": 900, "validation": 50, "test": 50},
                "dropped": {"duplicates": 0, "infeasible": 0}}
    first = _generate.summary("out", manifest, seconds=2.0, written=100).splitlines()[0]
    assert "1,000 records" in first and "(50/s, 100 written by this run)" in first
    assert "(500/s" in _generate.summary("out", manifest, seconds=2.0).splitlines()[0]  # a fresh run: all of them
    assert "nothing written" in _generate.summary("out", manifest, seconds=0.1, written=0)


def test_resumed_run_reports_only_its_own_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ds"
    options = dict(n=400, shard_size=50, workers=1, progress=False, seed=7)
    real = _generate.write_shard
    calls = []

    def interrupted(*args: object) -> dict[str, object]:
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(_generate, "write_shard", interrupted)
    with pytest.raises(KeyboardInterrupt):
        datasets.generate("countdown", out=out, **options)  # type: ignore[arg-type]
    monkeypatch.setattr(_generate, "write_shard", real)
    already = sum(pq.read_metadata(p).num_rows for s in _generate.SPLITS for p in (out / s).glob("*.parquet"))
    assert 0 < already < 400
    capsys.readouterr()
    datasets.generate("countdown", out=out, report=True, **options)  # type: ignore[arg-type]
    line = capsys.readouterr().err.splitlines()[0]
    assert "400 records" in line and f"{400 - already:,} written by this run" in line, line


# 8 ---------------------------------------------------------------------------


def test_sat_statistics_are_aligned() -> None:
    stats = {"conflicts": 12.0, "decisions": 3.0, "vivify_literals_removed": 5.0, "vivify_rounds": 1234567.0}
    lines = stats_lines(stats, 0.0)
    assert len(lines) == 4 and len({len(line) for line in lines}) == 1, lines  # numbers right-aligned in one column
    names = [line.split()[0] for line in lines]
    assert all(line[len(name)] == " " for line, name in zip(lines, names))


def test_sat_config_help_lists_the_configurations_the_error_lists(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError) as info:
        _core.SatSolver("nosuchconfig")
    listed = re.search(r"expected (.*)\)", str(info.value))
    assert listed
    from_error = set(re.split(r", | or ", listed.group(1)))
    code, out, _ = run(capsys, "sat", "--help")
    assert code == 0
    help_text = option_help(out, "--config CONFIG")
    from_help = set(re.search(r"preset \(([^;)]*)", help_text).group(1).split(", "))  # type: ignore[union-attr]
    assert from_help == from_error, (from_help, from_error)


def test_sat_truncated_gz_names_the_file_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cut.cnf.gz"
    path.write_bytes(gzip.compress(b"p cnf 2 1\n1 2 0\n" * 50)[:30])
    code, _, err = run(capsys, "sat", str(path))
    assert code == 1 and "cannot decompress gzip" in err
    assert err.count(str(path)) == 1, err


def test_sat_random_bytes_are_not_echoed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "noise.cnf.xz"
    path.write_bytes(bytes(np.random.default_rng(3).integers(0, 256, 300, dtype=np.uint8)))
    code, _, err = run(capsys, "sat", str(path))
    assert code == 1 and "not DIMACS text" in err and "not xz data" in err, err
    assert err.isascii() and "Traceback" not in err
    # The same check without a compression suffix: binary data is refused, not parsed.
    plain = tmp_path / "noise.cnf"
    plain.write_bytes(b"p cnf 1 1\n\x00\x01\x02 0\n")
    code, _, err = run(capsys, "sat", str(plain))
    assert code == 1 and "binary data at byte 10" in err and err.isascii()


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (["sat", "x.cnf", "--bogus"], "usage: clew sat "),
        (["sat", "x.cnf", "--binary-proof"], "usage: clew sat "),
        (["generate", "countdown", "--out", "x", "--bogus"], "usage: clew generate "),
        (["sudoku", "solve", "1" * 16, "--bogus"], "usage: clew sudoku solve "),
        (["countdown", "trace", "1", "2", "-t", "3", "--bogus"], "usage: clew countdown trace "),
        (["score", "countdown", "f.jsonl", "--bogus"], "usage: clew score "),
        (["validate", "x", "--bogus"], "usage: clew validate "),
    ],
)
def test_usage_errors_print_the_subcommands_usage(
    args: list[str], usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and err.startswith(usage), err


# 9 ---------------------------------------------------------------------------


def test_top_level_help_lists_every_area_and_describes_clew(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    commands = re.findall(r"^    (\w+)", out, re.M)
    assert commands == ["sat", "sudoku", "countdown", "generate", "score", "validate", "bench", "demo", "neural", "experiment"]
    description = " ".join(out.split("\n\n")[1].split())
    for area in ("SAT", "Sudoku", "Countdown", "traces", "MCTS"):
        assert area in description, description
    assert "Exit status" in out


def test_no_command_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2 and "sudoku" in err and "validate" in err
