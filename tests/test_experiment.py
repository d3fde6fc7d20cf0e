"""``clew experiment sequential-vs-parallel`` (issue 16) and ``clew.score("sudoku", ...)``.

The experiment runs at the tests' own size (``SCALES["test"]``: seconds on the CPU): twice into
two directories (same seed, same threads: byte-identical ``results.json``), once more into the
first (a finished run resumes to the same bytes); every figure of its report is recomputed here
from ``results.json`` with this file's own arithmetic; the plots are PNGs; each sample's
``clew.score`` agrees with the trace verifier.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

import clew
from clew import sudoku, traces
from clew.cli import main
from clew.search._compare import pass_at_k

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("matplotlib")

from clew.experiments import sequential_vs_parallel as svp  # noqa: E402


def test_pass_at_k_is_the_unbiased_estimator() -> None:
    assert pass_at_k(100, 5, 10) == pytest.approx(1 - math.comb(95, 10) / math.comb(100, 10), abs=1e-15)
    assert pass_at_k(100, 5, 10) == pytest.approx(0.416248, abs=5e-7)
    assert svp.accuracy([[9, None, 0.0, 0]] * 95 + [[9, 9, 1.0, 2]] * 5, "direct", budget=10 * 56, direct_max=56) == \
        pytest.approx(0.416248, abs=5e-7)


# ---------------------------------------------------------------- clew.score("sudoku", ...)

def _relabel(grid: str, n: int) -> str:
    """The same grid with its symbols cycled: still a valid Sudoku, but not the puzzle's."""
    symbols = "123456789ABCDEFGHIJKLMNOP"[:n]
    return grid.translate(str.maketrans(symbols, symbols[1:] + symbols[0]))


def _engine_accepts(puzzle: str, grid: str) -> bool:
    """The engine's verdict on a complete grid: it keeps the givens and has no clash."""
    n = math.isqrt(len(puzzle))
    complete = len(grid) == n * n and set(grid) <= set("123456789ABCDEFGHIJKLMNOP"[:n])
    if not complete or any(p not in ".0" and p != g for p, g in zip(puzzle, grid)):
        return False
    try:
        return sudoku.count_solutions(grid, limit=1) == 1
    except clew.ClewError:
        return False


@pytest.mark.parametrize("size", [4, 6, 9])
def test_sudoku_score_agrees_with_the_engine(size: int) -> None:
    for seed in range(3):
        puzzle = sudoku.generate(size, seed=seed)
        solution = sudoku.solve(puzzle)
        entry = {"puzzle": puzzle}
        swapped = solution[1] + solution[0] + solution[2:]
        blanked = "." + solution[1:]
        candidates = {
            solution: 1.0, _relabel(solution, size): 0.0, swapped: 0.0, blanked: 0.0, solution[:-1]: 0.0,
        }
        for grid, want in candidates.items():
            assert _engine_accepts(puzzle, grid) == (want == 1.0)
            assert clew.score("sudoku", f"<answer>{grid}</answer>", entry) == want  # tags
            assert clew.score("sudoku", f"thinking...\n{grid}\n\n", entry) == want  # the last line
        # tags win over the last line; whitespace inside the tags is dropped; the last tags count
        rows = "\n".join(solution[i : i + size] for i in range(0, size * size, size))
        assert clew.score("sudoku", f"<answer>\n{rows}\n</answer>\n{swapped}", entry) == 1.0
        assert clew.score("sudoku", f"<answer>{solution}</answer><answer>{swapped}</answer>", entry) == 0.0
        assert clew.score("sudoku", solution, puzzle) == 1.0  # the puzzle text as the entry
        record = sudoku.trace_record(puzzle)
        assert clew.score("sudoku", solution, record) == 1.0  # a SudokuTrace record
    puzzle = sudoku.generate(size, seed=9)
    for malformed in ["", "   ", "no grid here", "<answer></answer>", "x" * size * size, None]:
        assert clew.score("sudoku", malformed, {"puzzle": puzzle}) == 0.0
    with pytest.raises(ValueError):
        clew.score("sudoku", "1", {"numbers": [1], "target": 1})
    with pytest.raises(ValueError):
        clew.score("sudoku", "1", {"puzzle": puzzle}, rules="tinyzero")


def test_clew_score_sudoku_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    puzzle = sudoku.generate(6, seed=1)
    solution = sudoku.solve(puzzle)
    rows = [{"puzzle": puzzle, "completion": f"<answer>{solution}</answer>"},
            {"puzzle": puzzle, "completion": solution[::-1]}]
    path = tmp_path / "s.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["score", "sudoku", str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["scores"] == [1.0, 0.0] and summary["task"] == "sudoku"


# ---------------------------------------------------------------- the verifier on real traces

def test_judge_accepts_real_traces_and_score_agrees() -> None:
    import pyarrow  # noqa: F401  (clew.datasets' dependency)

    from clew import countdown

    for numbers, target in [([3, 5, 7], 22), ([25, 4, 8], 92), ([6, 9, 2, 30], 12), ([13, 22, 24], 26)]:
        rec = countdown.trace_record(numbers, target, style="compact")
        body = rec.text[rec.text.find("\n") + 1 :]
        entry = {"numbers": list(numbers), "target": target}
        out = svp.judge("countdown", entry, [*body, None])
        assert out == {"tokens": len(body) + 1, "solved_at": len(body), "score": 1.0, "legal": body.count("\n") - body.count("<")}
        wrong = svp.judge("countdown", entry, [*body[:-3], None])  # the last line cut: not solved
        assert wrong["solved_at"] is None and wrong["score"] == 0.0
    for size in (4, 6):
        puzzle = sudoku.generate(size, seed=2)
        rec = sudoku.trace_record(puzzle, style="compact", deduction="none")
        body = rec["trace"][rec["trace"].find("\n") + 1 :]
        entry = {"puzzle": puzzle}
        out = svp.judge("sudoku", entry, [*body])  # no <eos>: the text ends at the cap
        assert out["solved_at"] == len(body) and out["score"] == 1.0
        assert svp.sudoku_answer(entry, body) == sudoku.solve(puzzle)
        assert traces.validate(puzzle + "\n" + body, task="sudoku", puzzle=puzzle, style="compact").solved
        half = body[: body.find("\n", len(body) // 2) + 1]
        cut = svp.judge("sudoku", entry, [*half])
        assert cut["solved_at"] is None and cut["score"] == 0.0


# ---------------------------------------------------------------- the experiment end to end

def _table(report: str, heading: str) -> list[list[str]]:
    """The first table under ``## heading``, less its header."""
    lines = report.split(f"## {heading}", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return [[c.strip() for c in line.strip("|").split("|")] for line in lines[start + 2 : end]]


def _mine(samples: list[Any], kind: str, budget: int, direct_max: int) -> float:
    """This test's own accuracy of one puzzle (not the module's)."""
    if kind == "direct":
        n, c, k = len(samples), sum(s[1] is not None for s in samples), budget // direct_max
        return 1.0 - math.comb(n - c, k) / math.comb(n, k) if k else 0.0
    return sum(s[1] is not None and s[1] <= budget for s in samples) / len(samples)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    a, b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    svp.run("test", a / "out", seed=3, threads=1, command="same")
    svp.run("test", b / "out", seed=3, threads=1, command="same")
    return a / "out", b / "out"


def test_same_seed_same_results(runs: tuple[Path, Path]) -> None:
    a, b = runs
    first = (a / "results.json").read_bytes()
    assert first == (b / "results.json").read_bytes()
    svp.run("test", a, seed=3, threads=1, command="same")  # finished: resumes, skips everything, same bytes
    assert (a / "results.json").read_bytes() == first
    with pytest.raises(clew.InputError, match="other settings"):
        svp.run("test", a, seed=4, threads=1)


def test_report_figures_recompute_from_results(runs: tuple[Path, Path]) -> None:
    out = runs[0]
    results = json.loads((out / "results.json").read_text())
    report = (out / "report.md").read_text()
    assert "RL stage is **not included**" in report and results["rl_stage"] is False
    assert "seconds" not in json.dumps(results)  # no timings in results.json
    rows = _table(report, "Accuracy against the budget")
    want = []
    for spec in results["scale"]["tasks"]:
        task = spec["task"]
        dmax = {p["name"]: p["direct_max"] for p in spec["parts"]}
        entries = results["data"][task]["eval"]
        for b in spec["budgets"]:
            cells = []
            for kind in ("direct", "backtracking"):
                (run,) = results["runs"][task][kind].values()  # one seed at this size
                acc = [_mine(s, kind, b, dmax[e["part"]]) for s, e in zip(run["samples"], entries)]
                cells.append(f"{sum(acc) / len(acc):.3f}")
            want.append([task, str(b), "/".join(str(b // p["direct_max"]) for p in spec["parts"]), *cells])
    assert rows == want
    # the equal-token pools and the data table
    for task, info in results["data"].items():
        pools = info["pools"]
        for kind in ("direct", "backtracking"):
            assert pools[kind]["tokens"] >= next(s["train_tokens"] for s in results["scale"]["tasks"]
                                                 if s["task"] == task)
            assert [task, kind, f"{pools[kind]['records']:,}", f"{pools[kind]['tokens']:,}"] == \
                next(r[:4] for r in _table(report, "Data and training") if r[:2] == [task, kind])
    # every sample: clew.score of its answer agrees with the trace verifier
    total = 0
    for task, kinds in results["runs"].items():
        for kind, seeds in kinds.items():
            for run in seeds.values():
                for samples in run["samples"]:
                    for tokens, solved_at, value, legal in samples:
                        total += 1
                        assert (solved_at is not None) == (value == 1.0)
                        assert solved_at is None or (solved_at <= tokens and legal > 0)
    assert f"agrees with the trace verifier on {total:,} of {total:,} samples" in report
    assert svp.verdict_sentence(svp.figures(results), 1) in report


def test_plots_are_pngs(runs: tuple[Path, Path]) -> None:
    out = runs[0]
    report = (out / "report.md").read_text()
    for task in ("countdown", "sudoku"):
        png = out / f"accuracy-{task}.png"
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000
        assert f"]({png.name})" in report


def test_scales_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from clew.cli import _experiment

    assert _experiment.SCALES == svp.CLI_SCALES
    cpu = svp.SCALES["cpu"]
    assert cpu.seeds >= 3 and cpu.context == 1024 and cpu.size == "tiny" and cpu.device == "cpu"
    for spec in cpu.tasks:
        assert spec.budgets[-1] + 40 <= cpu.context  # the prompt and the longest trace fit the context
    assert {p.options.get("size") for p in cpu.tasks[1].parts} == {4, 6}
    assert cpu.tasks[0].parts[0].options["numbers"] == "3-4" and svp.SCALES["smoke"].tasks[0].parts[0].options[
        "numbers"] == "3"
    with pytest.raises(SystemExit):
        main(["experiment", "sequential-vs-parallel", "--scale", "huge", "--out", str(tmp_path)])
    assert "invalid choice: 'huge'" in capsys.readouterr().err
    assert main(["experiment", "sequential-vs-parallel", "--scale", "smoke", "--out", str(tmp_path),
                 "--threads", "0"]) == 2
    assert not any(tmp_path.iterdir())
