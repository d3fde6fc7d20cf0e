"""``clew sudoku``, ``clew countdown``, ``clew score``, ``clew validate`` and the
``clew neural`` hook, run in-process through ``clew.cli.main``: outputs equal
the Python API's, ``--json`` parses, exit codes as documented."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import clew
from clew import countdown, datasets, sudoku
from clew.cli._sudoku import split_puzzles
from helpers import run_cli as run

# Two 9x9 puzzles with a unique solution, and a 16x16 one.
P9 = [sudoku.generate(seed=1), sudoku.generate(seed=2)]
P16 = sudoku.generate(size=16, seed=3, empty=120)
NO_SOLUTION = "12....34........"  # consistent givens, no completion


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


# ---------------------------------------------------------------- sudoku


def test_sudoku_solve_a_string_a_file_and_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, "sudoku", "solve", P9[0])
    assert code == 0 and out == sudoku.solve(P9[0]) + "\n"
    path = tmp_path / "puzzles.txt"
    path.write_text("# one per line, sizes may differ\n" + "\n".join([*P9, P16]) + "\n")
    code, out, _ = run(capsys, "sudoku", "solve", str(path), "--json")
    assert code == 0
    assert json_lines(out) == [{"puzzle": p, "solution": sudoku.solve(p)} for p in [*P9, P16]]
    monkeypatch.setattr("sys.stdin", io.StringIO(P16))
    code, out, _ = run(capsys, "sudoku", "solve", "-")
    assert code == 0 and out.strip() == sudoku.solve(P16)


def test_sudoku_grid_output_reads_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sudoku", "solve", P9[0], "--grid")
    assert code == 0 and out.strip() == sudoku.format_grid(sudoku.solve(P9[0]))
    path = tmp_path / "grid.txt"
    path.write_text(sudoku.format_grid(P9[0]))  # a grid with | - + borders
    code, out, _ = run(capsys, "sudoku", "solve", str(path))
    assert code == 0 and out.strip() == sudoku.solve(P9[0])
    assert split_puzzles(sudoku.format_grid(P16)) == [P16.replace("0", ".")]


def test_sudoku_solve_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sudoku", "solve", NO_SOLUTION)
    assert code == 20 and out == "no solution\n"
    code, _, err = run(capsys, "sudoku", "solve", "11" + "." * 14)
    assert code == 1 and err.startswith("clew sudoku solve: error: clashing givens")
    code, _, err = run(capsys, "sudoku", "solve", "123")
    assert code == 1 and "not N*N" in err
    code, _, err = run(capsys, "sudoku", "solve", "")
    assert code == 2 and "usage: clew sudoku solve" in err
    code, _, err = run(capsys, "sudoku", "solve", P9[0], "--box", "3by3")
    assert code == 2 and "RxC" in err


def test_sudoku_rate_and_trace_match_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sudoku", "rate", P9[1], "--json")
    assert code == 0 and json_lines(out) == [{"puzzle": P9[1], **sudoku.rate(P9[1])}]
    code, out, _ = run(capsys, "sudoku", "rate", P9[1])
    assert code == 0 and out.startswith(sudoku.rate(P9[1])["difficulty"] + ": SE-like")
    args = ("sudoku", "trace", P9[1], "--style", "wait", "--strategy", "naked_singles", "--seed", "5")
    code, out, _ = run(capsys, *args)
    want = sudoku.trace_record(P9[1], "wait", None, 5, deduction="naked_singles")
    assert code == 0 and out == want["trace"].rstrip("\n") + "\n\n"
    code, out, _ = run(capsys, *args, "--json")
    (record,) = json_lines(out)
    assert record["trace"] == want["trace"] and record["style"] == "wait" and record["nodes"] == want["nodes"]
    assert sudoku.validate(record["trace"], P9[1], style="wait").valid


# ---------------------------------------------------------------- countdown


def test_countdown_solve(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "countdown", "solve", "25", "5", "8", "4", "--target", "80")
    assert code == 0 and out == f"{countdown.solve([25, 5, 8, 4], 80)} = 80\n"
    code, out, _ = run(capsys, "countdown", "solve", "25,5,8,4", "-t", "80", "--json")
    assert code == 0 and json_lines(out) == [{"numbers": [25, 5, 8, 4], "target": 80, "solution": "(25-5)*(8-4)"}]
    code, out, _ = run(capsys, "countdown", "solve", "3", "5", "6", "-t", "21", "--all", "--json")
    assert code == 0 and json_lines(out)[0]["solutions"] == countdown.solutions([3, 5, 6], 21)
    code, out, _ = run(capsys, "countdown", "solve", "1", "1", "-t", "97")
    assert code == 20 and out == "no solution\n"
    code, _, err = run(capsys, "countdown", "solve", *"123456789", "-t", "5")
    assert code == 1 and "2 to 8 numbers" in err
    code, _, err = run(capsys, "countdown", "solve", "1", "two", "-t", "5")
    assert code == 2 and "usage: clew countdown solve" in err


def test_countdown_trace_matches_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "countdown", "trace", "84", "64", "21", "23", "-t", "83")
    assert code == 0 and out == countdown.trace([84, 64, 21, 23], 83).rstrip("\n") + "\n"
    code, out, _ = run(capsys, "countdown", "trace", "84", "64", "21", "23", "-t", "83",
                       "--style", "compact", "--backtracks", "1", "--json")
    (record,) = json_lines(out)
    want = countdown.trace_record([84, 64, 21, 23], 83, style="compact", backtracks=1)
    assert record["trace"] == want.text and record["backtracks"] == 1 and record["answer"] == want.answer
    code, _, err = run(capsys, "countdown", "trace", "1", "2", "-t", "3", "--backtracks", "5")
    assert code == 1 and "wrong branches" in err


# ---------------------------------------------------------------- score


ROWS = [
    {"numbers": [25, 5, 8, 4], "target": 80, "completion": "<answer>(25-5)*(8-4)</answer>"},
    {"numbers": [25, 5, 8, 4], "target": 80, "completion": "<answer>25+5</answer>"},
    {"numbers": [1, 2], "target": 3, "completion": "1+2", "out": "<answer>2-1</answer>"},
]


def test_score_jsonl_and_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    parquet = tmp_path / "c.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), parquet)
    code, out, _ = run(capsys, "score", "countdown", str(jsonl))
    assert code == 0 and "3 rows" in out and "mean score: 0.6667" in out and "score 1: 2 rows" in out
    want = [clew.score("countdown", r["completion"], r, rules="reasoning_gym", extract=True) for r in ROWS]
    assert want == [1.0, 0.05, 0.01]  # extract: no <answer> tags, no answer
    for path in (jsonl, parquet):
        code, out, _ = run(capsys, "score", "countdown", str(path), "--json", "--rules", "reasoning_gym", "--extract")
        summary = json.loads(out)
        assert code == 0 and summary["scores"] == want and summary["rows"] == 3
        assert summary["counts"] == {"1.0": 1, "0.05": 1, "0.01": 1} and summary["mean"] == pytest.approx(1.06 / 3)


def test_score_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    code, _, err = run(capsys, "score", "sat", str(jsonl))
    assert code == 2 and "no scorer for task 'sat' (supported: countdown, sudoku)" in err
    code, _, err = run(capsys, "score", "countdown", str(jsonl), "--completion-column", "out")
    assert code == 1 and "row 0: no column 'out'" in err
    jsonl.write_text('{"numbers": [1, 2], "target": 3, "completion": "1+2"}\nnot json\n')
    code, _, err = run(capsys, "score", "countdown", str(jsonl))
    assert code == 1 and "line 2: not JSON" in err
    jsonl.write_text('{"target": 3, "completion": "1+2"}\n')
    code, _, err = run(capsys, "score", "countdown", str(jsonl))
    assert code == 1 and "row 0: entry must give 'numbers' and 'target'" in err
    code, _, err = run(capsys, "score", "countdown", str(tmp_path / "missing.jsonl"))
    assert code == 1 and "No such file" in err


# ---------------------------------------------------------------- validate


@pytest.fixture(scope="module")
def small_sets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("validate")
    common = dict(shard_size=40, workers=1, progress=False)
    sets = {
        "countdown": dict(n=80),
        "sudoku": dict(n=40, style="wait", empty="40-50"),
        "sat": dict(n=40, vars="8-12"),
    }
    for task, options in sets.items():
        datasets.generate(task, out=root / task, **common, **options)  # type: ignore[arg-type]
    datasets.generate("countdown", out=root / "jsonl", n=40, style="astro", backtracks=1, format="jsonl", **common)
    return {name: root / name for name in [*sets, "jsonl"]}


def test_validate_generated_datasets(small_sets: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    for name, path in small_sets.items():
        code, out, _ = run(capsys, "validate", str(path), "--json")
        report = json.loads(out)
        assert code == 0, (name, report)
        assert report["invalid"] == 0 and report["rows"] == report["valid"] > 0 and report["shards"] >= 1
        assert report["task"] == ("countdown" if name == "jsonl" else name)
    shard = next((small_sets["sudoku"] / "train").glob("*.parquet"))
    code, out, _ = run(capsys, "validate", str(shard))
    assert code == 0 and "of sudoku in 1 shard(s)" in out and "0 invalid" in out


def test_validate_reports_the_first_bad_step(
    small_sets: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = pq.read_table(next((small_sets["countdown"] / "train").glob("*.parquet"))).to_pylist()
    lines = rows[3]["trace"].split("\n")
    lines[1] = lines[1].replace("Resulting Numbers: [", "Resulting Numbers: [1000, ")
    rows[3]["trace"] = "\n".join(lines)
    rows[5]["solved"] = not rows[5]["solved"]
    bad = tmp_path / "bad.parquet"  # a lone shard, no manifest: the task comes from the columns
    pq.write_table(pa.Table.from_pylist(rows), bad)
    code, out, _ = run(capsys, "validate", str(bad))
    assert code == 1
    assert out.splitlines()[0].startswith("bad.parquet row 3: line 2: ")
    assert out.splitlines()[1].startswith("bad.parquet row 5: ") and "solved=" in out.splitlines()[1]
    assert f"{len(rows) - 2} valid, 2 invalid" in out.splitlines()[-1]
    code, out, _ = run(capsys, "validate", str(bad), "--json")
    report = json.loads(out)
    assert code == 1 and [(b["row"], b["line"]) for b in report["bad"]][0] == (3, 2)
    assert report["bad"][0]["seed"] == rows[3]["seed"]


def test_validate_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nothing"))
    assert code == 1 and "no such file or directory" in err
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 1 and "no .parquet or .jsonl shard" in err
    nl = tmp_path / "nl"
    datasets.generate("nlsat", 10, nl, shard_size=10, workers=1, progress=False, vars="5-6")
    code, _, err = run(capsys, "validate", str(nl))
    assert code == 1 and "no validator for 'nlsat'" in err


# ---------------------------------------------------------------- neural hook


def test_neural_commands_parse_without_torch(capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    code, out, _ = run(capsys, "--help")
    assert "neural" in out and "clew.neural.cli" not in sys.modules
    code, out, _ = run(capsys, "neural", "--help")
    assert code == 0
    for command in ("make-phase-data", "train-phases", "eval-phases"):
        assert command in out
    assert "clew.neural.cli" not in sys.modules  # torch is imported only when a command runs
    code, _, err = run(capsys, "neural", "train-phases")
    assert code == 2 and "usage: clew neural train-phases" in err


def test_validate_box_for_a_lone_shard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s6"
    datasets.generate("sudoku", 12, out, size=6, box="3x2", shard_size=20, workers=1, progress=False)
    code, _, _ = run(capsys, "validate", str(out))  # the manifest gives the box
    assert code == 0
    lone = tmp_path / "lone.parquet"
    lone.write_bytes(next((out / "train").glob("*.parquet")).read_bytes())
    code, out_text, _ = run(capsys, "validate", str(lone))  # the usual 2x3 box: the singles are wrong
    assert code == 1 and "is not the single it claims" in out_text
    code, _, _ = run(capsys, "validate", str(lone), "--box", "3x2")
    assert code == 0


def test_ctrl_c_exits_130_without_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sudoku, "solve", interrupted)
    code, _, err = run(capsys, "sudoku", "solve", P9[0])
    assert code == 130 and err == "clew sudoku solve: interrupted\n"
