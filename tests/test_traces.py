"""Search traces: the `sos` style is byte-identical to Stream of Search's
generator (vectors written by its code, and a pure-Python port of it), the
record's measures agree with the text, and the validator accepts every trace
and rejects broken ones."""

from __future__ import annotations

import gzip
import json
import math
import random
from pathlib import Path

import pytest

from clew import countdown as cd
from clew.bench.countdown import mult_heuristic, py_sos_bfs, py_sos_dfs, py_sos_search, sum_heuristic
from clew.traces import STYLES, exploring_blocks, sort_shuffled_blocks, validate

HERE = Path(__file__).parent
# Vendored (tests/vectors/README.md): every 5th instance of the shared file, all 12 traces each.
VENDORED = HERE / "vectors" / "sos_countdown_subset.jsonl.gz"
FULL = HERE.parent.parent / "shared" / "vectors" / "sos_countdown.jsonl.gz"

H = {"sum_heuristic": "sum", "mult_heuristic": "mult"}
PY_H = {"sum": sum_heuristic, "mult": mult_heuristic}


def load(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as f:
        return [json.loads(line) for line in f]


def check_vector(r: dict) -> None:
    h = H[r["heuristic"]]
    if r["search"] == "dfs":
        rec = cd.trace_record(r["numbers"], r["target"], "dfs", h, threshold=r["threshold"])
        assert rec.text == r["trace"]
        assert cd.trace(r["numbers"], r["target"], heuristic=h) == r["trace"]  # threshold defaults to the target
        assert rec.optimal_path == r["optimal_path"]
        assert cd.sos_solution(r["numbers"], r["target"]) == r["solution"]
    else:
        # Stream of Search shuffled each expansion's kept children with the
        # global random: replay its order, then the text is byte-identical.
        rec = cd.trace_record(
            r["numbers"], r["target"], "bfs", h, r["beam_size"], given_order=exploring_blocks(r["trace"])
        )
        assert rec.text == r["trace"]
    v = validate(r["trace"], r["numbers"], r["target"])
    assert v.valid, v
    assert v.solved == ("Goal Reached" in r["trace"])


def test_vendored_vectors_are_byte_identical() -> None:
    # Part of the repository, so this never skips: a missing file fails here.
    vectors = load(VENDORED)
    assert len(vectors) == 288
    configs = {(r["search"], r["beam_size"], r["heuristic"]) for r in vectors}
    assert len(configs) == 12 and {len(r["numbers"]) for r in vectors} == {3, 4, 5}
    for r in vectors:
        check_vector(r)


# The vendored subset above is what CI checks; the whole shared file is an extra
# where a checkout has it beside it.
@pytest.mark.skipif(not FULL.exists(), reason="../shared/vectors/sos_countdown.jsonl.gz is not present")
def test_all_shared_vectors_are_byte_identical() -> None:
    vectors = load(FULL)
    assert len(vectors) == 1440
    for r in vectors:
        check_vector(r)


# ---------------------------------------------------------------- against the port


def _instances(seed: int, count: int, sizes=(3, 4, 5)) -> list[tuple[list[int], int]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        k = rng.choice(sizes)
        out.append(([rng.randint(1, 40 if k == 5 else 99) for _ in range(k)], rng.randint(10, 100)))
    return out


@pytest.mark.parametrize("heuristic", ["sum", "mult"])
def test_dfs_matches_the_port(heuristic: str) -> None:
    for nums, t in _instances(1, 40, sizes=(3, 4)):
        want = py_sos_dfs(t, nums, PY_H[heuristic], threshold=t)
        assert cd.trace(nums, t, heuristic=heuristic) == want, (nums, t)
    for nums, t in _instances(2, 6, sizes=(3, 4)):
        # Other thresholds, and none at all.
        assert cd.trace(nums, t, heuristic=heuristic, threshold=t / 2) == py_sos_dfs(t, nums, PY_H[heuristic], t / 2)
        assert cd.trace(nums, t, heuristic=heuristic, threshold=math.inf) == py_sos_dfs(t, nums, PY_H[heuristic], None)


def test_bfs_seed_replays_python_random() -> None:
    for k, (nums, t) in enumerate(_instances(3, 30, sizes=(3, 4))):
        beam = 1 + k % 5
        h = "sum" if k % 2 else "mult"
        random.seed(k)
        want = py_sos_bfs(t, nums, beam, PY_H[h])
        got = cd.trace(nums, t, search="bfs", heuristic=h, beam_size=beam, seed=k)
        assert got == want, (nums, t, beam, h)
        # Without a seed the children stay sorted; the lines agree once the
        # shuffled blocks are put in order whenever the search itself is not
        # changed by the shuffle (beam 1 never shuffles).
        if beam == 1:
            assert cd.trace(nums, t, search="bfs", heuristic=h, beam_size=1) == want
            assert sort_shuffled_blocks(got) == sort_shuffled_blocks(want)


def _convert_to_path(target: int, nums: list[int], operations: list[str]) -> str:
    # Stream of Search's convert_to_path, quirks included.
    explored: list[str] = []
    out = f"Current State: {target}:{nums}, Operations: {explored}\n"
    node_index = 1
    for op in operations:
        for sym in "+-*/":
            if sym in op:
                i, j = (int(x) for x in op.split("=")[0].split(sym))
                result = {"+": i + j, "-": i - j, "*": i * j, "/": i / j}[sym]
                break
        result = int(result)
        nums = [int(nums[k]) for k in range(len(nums)) if nums[k] != i and nums[k] != j] + [result]
        out += f"Exploring Operation: {op}, Resulting Numbers: {nums}\n"
        if len(nums) == 1:
            out += f"{nums[0]},{target} equal: Goal Reached\n"
        else:
            node_index += 1
            out += f"Generated Node #{node_index}: {nums} from Operation: {op}\n"
            explored.append(op)
            out += f"Current State: {target}:{nums}, Operations: {explored}\n"
    return out


def test_optimal_path_matches_the_port() -> None:
    tried = 0
    for nums, t in _instances(4, 200, sizes=(3, 4)) + [([5, 5, 10, 2], 20), ([3, 3, 3], 9), ([2, 2, 2, 2], 16)]:
        sol = py_sos_search(t, nums)
        assert cd.sos_solution(nums, t) == sol
        if sol is None:
            assert cd.optimal_path(nums, t) is None
        else:
            tried += 1
            assert cd.optimal_path(nums, t) == _convert_to_path(t, nums, sol)
    assert tried > 20


# ---------------------------------------------------------------- records


def test_record_measures_agree_with_the_text() -> None:
    for nums, t in _instances(5, 40, sizes=(3, 4)):
        rec = cd.trace_record(nums, t)
        text = rec.text
        assert rec.length == len(text) == len(rec)
        assert rec.numbers == nums and rec.target == t
        generated = text.count("Generated Node #")
        assert rec.nodes_expanded == generated + 1
        assert rec.backtracks == text.count("Moving to Node #") - generated
        assert rec.solved == ("Goal Reached" in text)
        if rec.solved:
            assert rec.solution is not None and rec.answer is not None
            assert eval(rec.answer) == t
            assert rec.depth == len(nums) - 1
            assert f"'{rec.solution[-2]}'" in text if len(rec.solution) > 1 else True
        assert rec.search == "dfs" and rec.heuristic == "sum_heuristic" and rec.threshold == t
        assert rec.style == "sos" and "sos" in STYLES
        assert (rec.optimal_path is None) == (cd.sos_solution(nums, t) is None)


@pytest.mark.parametrize("search", ["dfs", "bfs", "best_first", "beam"])
def test_every_search_validates(search: str) -> None:
    for k, (nums, t) in enumerate(_instances(6, 30)):
        rec = cd.trace_record(nums, t, search, "sum" if k % 2 else "mult", beam_size=1 + k % 4, seed=k)
        v = validate(rec.text, nums, t)
        assert v.valid, (nums, t, v)
        assert v.solved == rec.solved
        assert v.steps == rec.text.count("Exploring Operation")
        if search in ("bfs", "best_first", "beam"):
            assert rec.text.endswith("No solution found.") != rec.solved


def test_complete_searches_agree_with_solve() -> None:
    for nums, t in _instances(7, 40, sizes=(3, 4)):
        solvable = cd.solve(nums, t) is not None
        assert cd.trace_record(nums, t, "best_first").solved == solvable
        assert cd.trace_record(nums, t, "dfs", threshold=math.inf).solved == solvable


def test_validator_rejects_broken_traces() -> None:
    nums, t = [84, 64, 21, 23], 83
    text = cd.trace(nums, t)
    assert validate(text, nums, t)
    broken = {
        "wrong arithmetic": text.replace("64+44=108", "64+44=109", 1),
        "wrong numbers": text.replace("Resulting Numbers: [84, 64, 44]", "Resulting Numbers: [84, 64, 45]", 1),
        "unknown node": text.replace("Moving to Node #0,0\n", "Moving to Node #0,7,7\n", 1),
        "false goal": text.replace("24,83 unequal: No Solution", "24,83 equal: Goal Reached", 1),
        "missing verdict": text.replace("24,83 unequal: No Solution\n", "", 1),
        "other instance": text,
    }
    for what, bad in broken.items():
        v = validate(bad, [1, 2, 3, 4] if what == "other instance" else nums, t)
        assert not v.valid, what
        assert v.line > 0 and v.message
    # A number used twice.
    fake = "Current State: 10:[5, 2], Operations: []\nExploring Operation: 5+5=10, Resulting Numbers: [10]\n10,10 equal: Goal Reached\n"
    assert not validate(fake)
