"""Trace styles and backtrack control: every style round-trips through the
validator; traces with exactly k backtracks are built from the real search
tree and keep the sos line grammar."""

from __future__ import annotations

import random
import re

import pytest

import clew
from clew import countdown as cd
from clew.traces import STYLES, validate


def _solvable(seed: int, count: int) -> list[tuple[list[int], int]]:
    return cd.generate(count, seed=seed)


@pytest.mark.parametrize("style", STYLES)
def test_every_style_round_trips(style: str) -> None:
    rng = random.Random(1)
    for k, (nums, t) in enumerate(_solvable(1, 25) + [([1, 1, 1, 1], 80), ([3, 5, 7], 100)]):
        h = rng.choice(["sum", "mult"])
        rec = cd.trace_record(nums, t, heuristic=h, style=style)
        v = validate(rec.text, nums, t, style=style)
        assert v.valid, (style, nums, t, v)
        assert v.solved == rec.solved
        assert rec.style == style
        full = cd.trace_record(nums, t, heuristic=h)
        assert rec.backtracks == full.backtracks  # the same walk, another style


@pytest.mark.parametrize("style", STYLES)
def test_validator_rejects_broken_styles(style: str) -> None:
    nums, t = [84, 64, 21, 23], 83
    text = cd.trace(nums, t, style=style)
    assert validate(text, nums, t, style=style)
    bad = text.replace("21+23=44", "21+23=45", 1)
    assert not validate(bad, nums, t, style=style)
    lines = text.split("\n")
    # Drop a line in the middle: the replay breaks (a wrong state or a missing step).
    cut = "\n".join(lines[:5] + lines[6:])
    assert not validate(cut, nums, t, style=style)
    assert not validate(text, [1, 2, 3, 4], t, style=style)


_LABEL = re.compile(r"#[0-9,]+")


def _labels_number_shown_nodes(text: str) -> bool:
    """Whether each ``Generated Node #P,i`` has ``i`` = the number of steps
    explored from node ``P`` before it (leaves count): labels with no gaps."""
    current, explored = "0", {}
    moving = None
    for line in text.split("\n"):
        if line.startswith("Exploring Operation"):
            explored[current] = explored.get(current, 0) + 1
        elif line.startswith("Generated Node #"):
            parent, _, idx = line[len("Generated Node #") :].split(":")[0].rpartition(",")
            if parent != current or int(idx) != explored[current] - 1:
                return False
        elif line.startswith("Moving to Node #"):
            moving = line[len("Moving to Node #") :]
        elif line.startswith("Current State") and moving is not None:
            current, moving = moving, None
    return True


@pytest.mark.parametrize("style", STYLES)
def test_exact_backtracks(style: str) -> None:
    seen_k = set()
    gaps = 0
    for nums, t in _solvable(2, 40):
        full = cd.trace_record(nums, t)
        if not full.solved:  # the threshold cut the solutions away
            with pytest.raises(clew.InputError, match="solves"):
                cd.trace_record(nums, t, style=style, backtracks=0)
            continue
        for k in range(0, 4):
            try:
                rec = cd.trace_record(nums, t, style=style, backtracks=k)
            except clew.InputError as e:
                assert "wrong branches" in str(e)
                continue
            seen_k.add(k)
            assert rec.backtracks == k
            assert rec.solved and rec.answer == full.answer
            v = validate(rec.text, nums, t, style=style)
            assert v.valid and v.solved, (style, nums, t, k, v)
            if style == "sos":
                # The sos grammar: k returns, each a real "Moving to Node" to
                # a node of the solution path.
                generated = rec.text.count("Generated Node #")
                assert rec.text.count("Moving to Node #") - generated == k
                # By default the labels number the nodes shown, with no gaps.
                assert _labels_number_shown_nodes(rec.text), rec.text
                assert validate(rec.text, nums, t, node_labels="shown")
                # node_labels="search": the full search's labels, so every
                # line is a line the full search wrote; the same trace otherwise.
                search = cd.trace_record(nums, t, backtracks=k, node_labels="search")
                assert set(search.text.split("\n")) <= set(full.text.split("\n"))
                assert validate(search.text, nums, t, node_labels="search")
                assert _LABEL.sub("#", search.text) == _LABEL.sub("#", rec.text)
                if not _labels_number_shown_nodes(search.text):
                    assert not validate(search.text, nums, t, node_labels="shown")
                    gaps += 1
        # k = 0 is the shortcut: only the solution's steps.
        zero = cd.trace_record(nums, t, backtracks=0)
        assert zero.text.count("Exploring Operation") == len(nums) - 1
    assert seen_k == {0, 1, 2, 3}
    if style == "sos":  # the search's labels do skip siblings, often
        assert gaps > 20


def test_backtrack_control_errors() -> None:
    with pytest.raises(clew.InputError, match="wrong branches"):
        cd.trace([84, 64, 21, 23], 83, backtracks=1000)
    with pytest.raises(clew.InputError, match="solves"):
        cd.trace([1, 1, 1, 1], 80, backtracks=0)
    with pytest.raises(clew.InputError, match="dfs"):
        cd.trace([84, 64, 21, 23], 83, search="bfs", style="wait")
    with pytest.raises(clew.InputError):
        cd.trace([84, 64, 21, 23], 83, backtracks=-1)
    with pytest.raises(clew.InputError, match="node_labels"):
        cd.trace([84, 64, 21, 23], 83, backtracks=1, node_labels="mine")
    with pytest.raises(clew.InputError, match="node_labels"):
        validate(cd.trace([84, 64, 21, 23], 83), node_labels="mine")


def test_batch_styles() -> None:
    items = _solvable(3, 20)
    for style in STYLES:
        texts = cd.trace_batch(items, style=style, threads=2)
        assert texts == [cd.trace(n, t, style=style) for n, t in items]
    solved = [(n, t) for n, t in items if cd.trace_record(n, t).solved]
    texts = cd.trace_batch(solved, backtracks=0)
    assert len(texts) == len(solved) > 5 and all(validate(x).solved for x in texts)
