"""clew.datasets / `clew generate`: schema, manifest, splits, determinism
across worker counts, resume after SIGKILL and Ctrl-C, bad options, the
Hugging Face loader, and the Ray backend on a local cluster."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import clew
from clew import countdown, datasets, traces

SMALL = dict(shard_size=100, progress=False)


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (relative path -> digest)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def records(out: Path) -> dict[str, list[dict]]:
    by_split: dict[str, list[dict]] = {}
    for split in datasets._generate.SPLITS:
        files = sorted((out / split).glob("*.parquet"))
        by_split[split] = [r for f in files for r in pq.read_table(f).to_pylist()]
    return by_split


def uses_each_once(expr: str, numbers: list[int], target: int) -> bool:
    """The answer evaluates exactly to the target and uses every number once."""
    import ast

    tree = ast.parse(expr, mode="eval")
    leaves = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]

    def ev(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return Fraction(node.value)
        assert isinstance(node, ast.BinOp)
        a, b = ev(node.left), ev(node.right)
        if isinstance(node.op, ast.Div):
            return a / b
        return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}[type(node.op)]

    return sorted(leaves) == sorted(numbers) and ev(tree) == target


@pytest.fixture(scope="module")
def countdown_ds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cd") / "ds"
    datasets.generate("countdown", 1200, out, workers=2, **SMALL)
    return out


def test_countdown_schema_manifest_and_records(countdown_ds: Path) -> None:
    manifest = json.loads((countdown_ds / "manifest.json").read_text())
    assert manifest["total"] == 1200 == sum(manifest["counts"].values())
    assert manifest["config"]["task"] == "countdown" and manifest["clew_version"] == clew.__version__
    for shard in manifest["shards"]:
        path = countdown_ds / shard["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == shard["sha256"]
        assert pq.ParquetFile(path).metadata.num_rows == shard["rows"] <= 100
    # Shard boundaries: every shard but a split's last one is full.
    for split in datasets._generate.SPLITS:
        rows = [s["rows"] for s in manifest["shards"] if s["split"] == split]
        assert all(r == 100 for r in rows[:-1]) and sum(rows) == manifest["counts"][split]
    names = [f["name"] for f in manifest["schema"]]
    assert names[:3] == ["numbers", "target", "answer"] and {"trace", "style", "seed", "optimal_path"} <= set(names)
    by_split = records(countdown_ds)
    assert {s: len(r) for s, r in by_split.items()} == manifest["counts"]
    assert all(len(v) > 0 for v in by_split.values())  # 5 % of 1,200 is about 60
    keys: dict[tuple, str] = {}
    for split, recs in by_split.items():
        for r in recs:
            assert len(r["numbers"]) == 4 and all(1 <= v <= 99 for v in r["numbers"])
            assert 10 <= r["target"] <= 100
            assert uses_each_once(r["answer"], r["numbers"], r["target"]), r["answer"]
            assert r["length"] == len(r["trace"]) and r["style"] == "sos"
            key = (tuple(sorted(r["numbers"])), r["target"])
            assert key not in keys, f"{key} twice (in {keys.get(key)} and {split})"
            keys[key] = split
    # The seed regenerates the record: instance and trace.
    r = by_split["train"][7]
    assert countdown.generate(1, seed=r["seed"], split="train") == [(r["numbers"], r["target"])]
    assert countdown.trace(r["numbers"], r["target"]) == r["trace"]


def test_countdown_traces_validate(countdown_ds: Path) -> None:
    """A sample of every shard replays through the trace validator."""
    manifest = json.loads((countdown_ds / "manifest.json").read_text())
    for shard in manifest["shards"]:
        table = pq.read_table(countdown_ds / shard["path"]).slice(0, 15).to_pylist()
        for r in table:
            v = traces.validate(r["trace"], r["numbers"], r["target"], style=r["style"])
            assert v.valid, (shard["path"], v)
            assert v.solved == r["solved"]


def test_same_bytes_whatever_the_worker_count(tmp_path: Path, countdown_ds: Path) -> None:
    datasets.generate("countdown", 1200, tmp_path / "w1", workers=1, **SMALL)
    datasets.generate("countdown", 1200, tmp_path / "w3", workers=3, **SMALL)
    assert tree_digest(tmp_path / "w1") == tree_digest(tmp_path / "w3") == tree_digest(countdown_ds)
    # Another seed: another dataset.
    datasets.generate("countdown", 1200, tmp_path / "s1", seed=1, workers=2, **SMALL)
    assert tree_digest(tmp_path / "s1") != tree_digest(countdown_ds)


def test_backtrack_control_styles_and_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "bt"
    datasets.generate("countdown", 300, out, style="wait", backtracks="1-3", workers=2, **SMALL)
    recs = [r for rs in records(out).values() for r in rs]
    assert Counter(r["backtracks"] for r in recs).keys() <= {1, 2, 3}
    assert len(set(r["backtracks"] for r in recs)) == 3
    for r in recs[:60]:
        assert traces.validate(r["trace"], r["numbers"], r["target"], style="wait").valid
        assert r["solved"]
        # difficulty: the nodes SoS's own DFS expands, whatever the trace shows.
        assert r["difficulty"] == countdown.trace_record(r["numbers"], r["target"]).nodes_expanded
    # The same records as JSON lines.
    js = tmp_path / "js"
    datasets.generate("countdown", 300, js, style="wait", backtracks="1-3", format="jsonl", workers=2, **SMALL)
    lines = [json.loads(x) for f in sorted(js.glob("*/*.jsonl")) for x in f.read_text().splitlines()]
    assert sorted(lines, key=lambda r: r["seed"]) == sorted(recs, key=lambda r: r["seed"])


def test_held_out_targets_go_to_test(tmp_path: Path) -> None:
    out = tmp_path / "held"
    datasets.generate("countdown", 600, out, held_out_targets=True, workers=2, **SMALL)
    _, held = countdown.target_split(0)
    by_split = records(out)
    assert all(r["target"] in held for r in by_split["test"])
    assert not any(r["target"] in held for s in ("train", "validation") for r in by_split[s])


def test_hugging_face_loads_it(countdown_ds: Path) -> None:
    hf = pytest.importorskip("datasets")
    d = hf.load_dataset("parquet", data_dir=str(countdown_ds))
    manifest = json.loads((countdown_ds / "manifest.json").read_text())
    assert {k: len(v) for k, v in d.items()} == manifest["counts"]
    row = d["train"][0]
    assert isinstance(row["numbers"], list) and isinstance(row["trace"], str)


def _generate_cmd(out: Path, n: int = 40_000) -> list[str]:
    return [sys.executable, "-m", "clew", "generate", "countdown", "--n", str(n), "--out", str(out),
            "--shard-size", "1000", "--workers", "1", "--no-progress"]


def _wait_for_shards(out: Path, count: int, proc: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while len(list(out.glob("*/*.parquet"))) < count:
        assert proc.poll() is None, "finished before it could be interrupted: make n bigger"
        assert time.monotonic() < deadline
        time.sleep(0.02)


@pytest.mark.slow
def test_resume_after_sigkill_and_ctrl_c_is_byte_identical(tmp_path: Path) -> None:
    ref = tmp_path / "ref"
    assert subprocess.run(_generate_cmd(ref), capture_output=True).returncode == 0
    out = tmp_path / "out"
    # Killed while planning (before any shard), then mid-shards, then Ctrl-C.
    proc = subprocess.Popen(_generate_cmd(out), stderr=subprocess.PIPE)
    while not (out / ".clew-state" / "progress.json").exists():
        assert proc.poll() is None
        time.sleep(0.005)
    proc.kill()
    proc.wait()
    proc = subprocess.Popen(_generate_cmd(out), stderr=subprocess.PIPE)
    _wait_for_shards(out, 3, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "manifest.json").exists()
    proc = subprocess.Popen(_generate_cmd(out), stderr=subprocess.PIPE)
    _wait_for_shards(out, 8, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 130:
        assert b"resume" in err
    else:  # it finished in the meantime
        assert proc.returncode == 0
    done = subprocess.run(_generate_cmd(out), capture_output=True)
    assert done.returncode == 0, done.stderr
    assert not list(out.rglob("*.tmp")) and not (out / ".clew-state").exists()
    assert tree_digest(out) == tree_digest(ref)


def test_bad_options_exit_2_and_touch_nothing(tmp_path: Path, countdown_ds: Path) -> None:
    before = tree_digest(countdown_ds)
    cases = [
        ["sokoban", "--out", str(tmp_path / "a")],
        ["countdown", "--style", "haiku", "--out", str(tmp_path / "a")],
        ["countdown", "--shard-size", "0", "--out", str(tmp_path / "a")],
        ["countdown", "--n", "0", "--out", str(tmp_path / "a")],
        ["countdown", "--backtracks", "3-1", "--out", str(tmp_path / "a")],
        ["countdown", "--backtracks", "60", "--n", "10", "--out", str(tmp_path / "a")],
        ["countdown", "--splits", "0.5,0.5", "--out", str(tmp_path / "a")],
        ["countdown", "--size", "9", "--out", str(tmp_path / "a")],
        ["countdown", "--values", "5-1", "--out", str(tmp_path / "a")],
        ["countdown", "--strategy", "bfs", "--style", "wait", "--out", str(tmp_path / "a")],
        ["countdown", "--n", "50", "--seed", "3", "--out", str(countdown_ds)],
    ]
    for args in cases:
        r = subprocess.run([sys.executable, "-m", "clew", "generate", *args, "--no-progress"],
                           capture_output=True, text=True)
        assert r.returncode == 2, (args, r.stderr)
        assert "error:" in r.stderr and "Traceback" not in r.stderr, r.stderr
        assert not (tmp_path / "a").exists(), args
    assert tree_digest(countdown_ds) == before
    # A non-empty directory that is not a dataset is refused too.
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notes.txt").write_text("mine")
    with pytest.raises(datasets.OptionError, match="not empty"):
        datasets.generate("countdown", 10, tmp_path / "b", progress=False)
    assert os.listdir(tmp_path / "b") == ["notes.txt"]


def test_finished_dataset_is_a_no_op(countdown_ds: Path) -> None:
    before = tree_digest(countdown_ds)
    m = datasets.generate("countdown", 1200, countdown_ds, workers=2, **SMALL)
    assert m["total"] == 1200 and tree_digest(countdown_ds) == before


@pytest.mark.slow
def test_ray_backend_on_a_local_cluster(tmp_path: Path, countdown_ds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ray = pytest.importorskip("ray")
    from clew.datasets import _ray

    results = []
    submit = _ray.RayBackend.submit

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        fut = submit(self, *args, **kwargs)
        results.append(fut)
        return fut

    monkeypatch.setattr(_ray.RayBackend, "submit", spy)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        out = tmp_path / "ray"
        datasets.generate("countdown", 1200, out, backend="ray", workers=2, **SMALL)
    finally:
        ray.shutdown()
    assert tree_digest(out) == tree_digest(countdown_ds)
    pids = {f.result()["pid"] for f in results}
    assert len(results) == 13 and len(pids) >= 2 and os.getpid() not in pids


# ---------------------------------------------------------------------------
# sat and nlsat
# ---------------------------------------------------------------------------


def test_sat_records_labels_answers_and_traces(tmp_path: Path) -> None:
    from pysat.solvers import Solver as PySat

    from clew.sat import parse_dimacs

    out = tmp_path / "sat"
    m = datasets.generate("sat", 400, out, workers=2, **SMALL)
    assert m["total"] == 400
    recs = [r for rs in records(out).values() for r in rs]
    labels = Counter(r["label"] for r in recs)
    assert labels["SAT"] > 50 and labels["UNSAT"] > 50, labels  # near the threshold
    for r in recs:
        nv, clauses = parse_dimacs(r["puzzle"])
        assert nv == r["num_vars"] and len(clauses) == r["num_clauses"] == int(4.26 * nv + 0.5)
        with PySat(name="m22", bootstrap_with=clauses) as s:
            assert s.solve() == (r["label"] == "SAT")
        if r["label"] == "SAT":
            model = [int(x) for x in r["answer"].split(":")[1].split()]
            assert all(any(lit in model for lit in c) for c in clauses)
        else:
            assert r["answer"] == "UNSAT"
        v = traces.validate_sat(r["trace"], clauses)
        assert v.valid, (r["seed"], v)
        # The puzzle column itself (DIMACS text) is accepted as the clauses.
        assert traces.validate_sat(r["trace"], r["puzzle"]) == v
        assert r["backtracks"] == r["trace"].count("\nConflict: ") + r["trace"].startswith("Conflict: ")
        assert r["nodes"] == r["trace"].count("Decide ")
        assert r["length"] == len(r["trace"])


def test_validate_sat_refuses_what_is_not_clauses() -> None:
    trace = "Decide x1=1 at level 1\nSatisfiable: x1=1\n"
    assert traces.validate_sat(trace, "p cnf 1 1\n1 0\n").valid
    assert traces.validate_sat(trace, b"p cnf 1 1\n1 0\n").valid  # bytes too
    assert not traces.validate_sat(trace, "p cnf 1 1\n-1 0\n").valid  # a real verdict on real clauses
    for bad in ("hello", "", "If Alice is big then Bob is red.", [["a", "b"]], [[1, 0]], 5, [1, 2]):
        with pytest.raises(clew.InputError):
            traces.validate_sat(trace, bad)  # type: ignore[arg-type]


def test_sat_backtrack_control_and_validator_catches_mutations(tmp_path: Path) -> None:
    from clew.sat import parse_dimacs

    out = tmp_path / "sat3"
    datasets.generate("sat", 60, out, backtracks=3, workers=2, **SMALL)
    recs = [r for rs in records(out).values() for r in rs]
    assert len(recs) == 60 and all(r["backtracks"] == 3 for r in recs)
    broken = 0
    for r in recs[:20]:
        _, clauses = parse_dimacs(r["puzzle"])
        lines = r["trace"].split("\n")
        for i, line in enumerate(lines):
            if line.startswith("Learn "):
                head, level = line.rsplit(" ", 1)
                bad = lines[:i] + [f"{head} {int(level) + 1}"] + lines[i + 1 :]
                assert not traces.validate_sat("\n".join(bad), clauses).valid
                broken += 1
                break
        for i, line in enumerate(lines):
            if line.startswith("Propagate x"):
                bad = lines[:i] + [line.replace("=1", "=#").replace("=0", "=1").replace("=#", "=0")] + lines[i + 1 :]
                assert not traces.validate_sat("\n".join(bad), clauses).valid
                break
        assert not traces.validate_sat("\n".join(lines[:-2]), clauses).valid  # verdict cut off
    assert broken == 20


def test_nlsat_records(tmp_path: Path) -> None:
    out = tmp_path / "nl"
    datasets.generate("nlsat", 200, out, workers=2, vars="8-16", **SMALL)
    recs = [r for rs in records(out).values() for r in rs]
    assert len(recs) == 200
    for r in recs:
        rules = r["puzzle"].strip().split("\n")
        assert len(rules) == r["num_clauses"] + 1 and rules[-1].endswith("same time?")
        assert all(x.startswith("If ") and " then " in x for x in rules[:-1])
        assert r["answer"].startswith("Yes: " if r["label"] == "SAT" else "No")
        assert "x1=" not in r["trace"] and r["trace"].strip().split("\n")[-1].startswith(
            "Satisfiable" if r["label"] == "SAT" else "Unsatisfiable"
        )


# ---------------------------------------------------------------------------
# sudoku
# ---------------------------------------------------------------------------


def test_sudoku_records_validate_and_regenerate(tmp_path: Path) -> None:
    from clew import sudoku

    out = tmp_path / "sd"
    m = datasets.generate("sudoku", 300, out, empty="50-56", backtracks="0-2", style="wait", workers=2, **SMALL)
    assert m["total"] == 300
    recs = [r for rs in records(out).values() for r in rs]
    assert {r["backtracks"] for r in recs} == {0, 1, 2}
    for r in recs:
        assert 50 <= r["puzzle"].count(".") <= 56
        assert all(p in (".", a) for p, a in zip(r["puzzle"], r["answer"]))
        assert sudoku.count_solutions(r["puzzle"]) == 1 and sudoku.solve(r["puzzle"]) == r["answer"]
        v = sudoku.validate(r["trace"], r["puzzle"], style="wait")
        assert v.valid and v.solved, v
        assert r["length"] == len(r["trace"]) and r["solved"]
    # The seed regenerates the record: puzzle (its blank count drawn from the
    # seed too) and trace.
    r = recs[5]
    empty = 50 + r["seed"] % 7
    assert sudoku.generate(empty=empty, seed=r["seed"]) == r["puzzle"]
    again = sudoku.trace_record(r["puzzle"], style="wait", backtracks=r["backtracks"], seed=r["seed"])
    assert again["trace"] == r["trace"]


def test_sudoku_symmetric_puzzles_are_one_puzzle(tmp_path: Path) -> None:
    """Keys are equal up to relabelling, row/column permutations within
    bands/stacks, band/stack permutations and transposition."""
    from clew import _core, sudoku

    rng = np.random.default_rng(0)
    p = np.array([0 if c == "." else int(c) for c in sudoku.generate(empty=50, seed=3)], dtype=np.uint8).reshape(9, 9)
    variants = [p]
    for _ in range(20):
        q = p.copy()
        bands = rng.permutation(3)
        rows = np.concatenate([b * 3 + rng.permutation(3) for b in bands])
        cols = np.concatenate([b * 3 + rng.permutation(3) for b in rng.permutation(3)])
        q = q[rows][:, cols]
        relabel = np.concatenate([[0], rng.permutation(9) + 1]).astype(np.uint8)
        q = relabel[q]
        variants.append(q.T if rng.integers(2) else q)
    keys = np.frombuffer(_core.sudoku_symmetry_keys(np.stack(variants).tobytes()), dtype="<u8")
    assert len(set(keys.tolist())) == 1
    other = np.array([0 if c == "." else int(c) for c in sudoku.generate(empty=50, seed=4)], dtype=np.uint8)
    assert np.frombuffer(_core.sudoku_symmetry_keys(other.tobytes()), dtype="<u8")[0] != keys[0]


def test_countdown_mcts_traces(tmp_path: Path) -> None:
    """MCTS traces from the search core: ASTRO linearisation, validated,
    exact backtracks, same bytes on any worker count."""
    out = tmp_path / "mcts"
    datasets.generate("countdown", 60, out, strategy="mcts", style="astro", backtracks=2, simulations=100,
                      workers=2, **SMALL)
    recs = [r for rs in records(out).values() for r in rs]
    assert len(recs) == 60 and all(r["backtracks"] == 2 and r["solved"] for r in recs)
    for r in recs:
        assert traces.validate(r["trace"], r["numbers"], r["target"], style="astro").valid
        assert uses_each_once(r["answer"], r["numbers"], r["target"])
    again = tmp_path / "mcts1"
    datasets.generate("countdown", 60, again, strategy="mcts", style="astro", backtracks=2, simulations=100,
                      workers=1, **SMALL)
    assert tree_digest(out) == tree_digest(again)
    with pytest.raises(datasets.OptionError, match="not sos"):
        datasets.generate("countdown", 10, tmp_path / "x", strategy="mcts", progress=False)


# ---------------------------------------------------------------- stop_reason, solved_only, node labels


def test_stop_reason_says_why_a_trace_ended(countdown_ds: Path) -> None:
    manifest = json.loads((countdown_ds / "manifest.json").read_text())
    assert manifest["format_version"] == datasets.FORMAT_VERSION == 2
    assert manifest["config"]["solved_only"] is False and manifest["config"]["node_labels"] == "shown"
    names = [f["name"] for f in manifest["schema"]]
    assert names[names.index("solved") + 1] == "stop_reason"
    recs = [r for rs in records(countdown_ds).values() for r in rs]
    reasons = Counter(r["stop_reason"] for r in recs)
    assert set(reasons) <= set(datasets.STOP_REASONS)
    for r in recs:
        assert (r["stop_reason"] == "solved") == r["solved"]
        if not r["solved"]:
            # Every default instance has an answer: Stream of Search's
            # threshold cut it away (often at the root: a one-line trace).
            assert r["stop_reason"] == "pruned" and uses_each_once(r["answer"], r["numbers"], r["target"])
    # About 18 % of the default rows, a third of them one-line traces
    # (nodes == 1: pruned at the root); docs/datasets-notes.md has the figures.
    assert 0.10 < reasons["pruned"] / len(recs) < 0.30, reasons
    one_line = sum(r["nodes"] == 1 and r["trace"].count("\n") == 1 for r in recs if not r["solved"])
    assert 0.02 < one_line / len(recs) < 0.10, one_line


def test_stop_reason_exhausted_and_budget() -> None:
    from clew.datasets._tasks import CountdownTask

    # No answer: exhausted; MCTS out of simulations: budget.
    t = CountdownTask(style="sos", strategy="dfs")
    rows = np.zeros(3, dtype=t.plan_dtype)
    rows["numbers"] = [[1, 1, 1, 1], [84, 64, 21, 23], [25, 5, 8, 4]]
    rows["target"] = [80, 83, 97]
    rows["k"] = -1
    got = t.table(rows, 1).to_pydict()
    assert got["stop_reason"][:2] == ["exhausted", "solved"] and got["answer"][0] == ""
    m = CountdownTask(style="astro", strategy="mcts", options={"simulations": 1})
    rows = np.zeros(2, dtype=m.plan_dtype)
    rows["numbers"] = [[1, 1, 1, 1], [25, 5, 8, 4]]
    rows["target"] = [80, 97]
    rows["k"] = -1
    got = m.table(rows, 1).to_pydict()
    assert got["stop_reason"][0] == "exhausted"
    assert got["stop_reason"][1] == ("solved" if got["solved"][1] else "budget")


def test_solved_only(tmp_path: Path) -> None:
    out = tmp_path / "solved"
    m = datasets.generate("countdown", 600, out, solved_only=True, workers=2, **SMALL)
    recs = [r for rs in records(out).values() for r in rs]
    assert len(recs) == 600 and all(r["solved"] and r["stop_reason"] == "solved" for r in recs)
    assert m["config"]["solved_only"] is True and m["dropped"]["infeasible"] > 0
    # The same through the CLI.
    cli = tmp_path / "cli"
    r = subprocess.run([sys.executable, "-m", "clew", "generate", "countdown", "--n", "600", "--out", str(cli),
                        "--solved-only", "--shard-size", "100", "--workers", "2", "--no-progress"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert tree_digest(cli) == tree_digest(out)
    # Sudoku traces always reach the answer: solved_only changes nothing but the config.
    sd = tmp_path / "sd"
    datasets.generate("sudoku", 20, sd, empty=40, solved_only=True, **SMALL)
    assert all(r["stop_reason"] == "solved" for rs in records(sd).values() for r in rs)


def test_backtrack_traces_label_the_nodes_they_show(tmp_path: Path) -> None:
    out = tmp_path / "shown"
    datasets.generate("countdown", 200, out, backtracks="0-1", workers=2, **SMALL)
    search = tmp_path / "search"
    r = subprocess.run([sys.executable, "-m", "clew", "generate", "countdown", "--n", "200", "--out", str(search),
                        "--backtracks", "0-1", "--node-labels", "search", "--shard-size", "100", "--no-progress"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    shown_recs = [r for rs in records(out).values() for r in rs]
    search_recs = [r for rs in records(search).values() for r in rs]
    differ = 0
    for a, b in zip(shown_recs, search_recs, strict=True):
        assert (a["numbers"], a["backtracks"]) == (b["numbers"], b["backtracks"])
        assert traces.validate(a["trace"], a["numbers"], a["target"], node_labels="shown")
        assert traces.validate(b["trace"], b["numbers"], b["target"], node_labels="search")
        assert a["trace"] == countdown.trace(a["numbers"], a["target"], backtracks=a["backtracks"])
        assert b["trace"] == countdown.trace(b["numbers"], b["target"], backtracks=b["backtracks"],
                                             node_labels="search")
        differ += a["trace"] != b["trace"]
    # The sample: the search's labels skip siblings in most such rows.
    assert differ > len(shown_recs) // 2
    with pytest.raises(datasets.OptionError, match="node_labels"):
        datasets.generate("countdown", 10, tmp_path / "x", node_labels="mine", progress=False)
