"""clew.score for countdown: strict rules, reasoning-gym's score_answer values
(checked against reasoning-gym itself, which the dev extra installs) and TinyZero's
reward (checked against Python's own eval on the same strings)."""

from __future__ import annotations

import random
import re

import pytest

from clew import countdown as cd
from clew.score import score
from helpers import require

ENTRY = {"numbers": [25, 5, 8, 4], "target": 80}


def test_strict() -> None:
    assert score("countdown", "(25-5)*(8-4)", ENTRY) == 1.0
    assert score("countdown", "<think>hm</think><answer>(25-5)*(8-4)</answer>", ENTRY) == 1.0
    assert score("countdown", "<answer>(25-5)*(8-4) = 80</answer>", ENTRY) == 1.0
    assert score("countdown", "<answer>(25-5)*(8-4) = 81</answer>", ENTRY) == 0.0
    assert score("countdown", "(25-5)*4", ENTRY) == 0.0  # a number unused
    assert score("countdown", "(25-5)*(8-4)+4-4", ENTRY) == 0.0  # a number used twice
    assert score("countdown", "25*4-5*4+8-8", {"numbers": [25, 4, 5, 4, 8, 8], "target": 80}) == 1.0
    assert score("countdown", "25**1", ENTRY) == 0.0
    assert score("countdown", "", ENTRY) == 0.0
    assert score("countdown", "(25-5)*(8-4", ENTRY) == 0.0
    assert score("countdown", "4/8*(25-5)*8", {"numbers": [4, 8, 25, 5, 8], "target": 80}) == 1.0
    # Every answer clew gives scores 1.
    for nums, t in cd.generate(100, "reasoning_gym", seed=1):
        assert score("countdown", cd.solve(nums, t), {"numbers": nums, "target": t}) == 1.0
    with pytest.raises(ValueError):
        score("sudoku", "x", ENTRY)
    with pytest.raises(ValueError):
        score("countdown", "x", ENTRY, rules="nope")


def _answers(rng: random.Random, nums: list[int], target: int) -> list[str]:
    good = cd.solve(nums, target) or "1+1"
    out = [
        good,
        good + " ",
        f" {good}",
        good.replace("*", " * "),
        good + "+0",
        good + "-1",
        good.replace("(", "", 1),
        "",
        "   ",
        "1/0",
        "0/0",
        "(1-1)/0",
        "007+1",
        "2**3",
        "3!",
        "x+1",
        "1 2",
        "2^3",
        "1.5*2",
        "-5+10",
        "+3",
        "()",
        "4//2",
        "4%3",
        "the answer is 5",
        str(target),
        "+".join(map(str, nums)),
        "*".join(map(str, nums)),
        "/".join(map(str, nums)),
    ]
    for _ in range(20):
        toks = [str(n) for n in nums]
        rng.shuffle(toks)
        expr = toks[0]
        for tok in toks[1:]:
            expr = f"({expr}){rng.choice('+-*/')}{tok}" if rng.random() < 0.3 else f"{expr}{rng.choice('+-*/')}{tok}"
        out.append(expr)
    return out


def test_reasoning_gym_values() -> None:
    rg = require("reasoning_gym")  # fails, not skips, when missing (CLEW_ALLOW_SKIP=1 to skip)
    ds = rg.create_dataset("countdown", size=40, seed=3)
    rng = random.Random(0)
    compared = 0
    for entry in ds:
        nums, target = entry["metadata"]["numbers"], entry["metadata"]["target"]
        for ans in _answers(rng, nums, target) + [entry["answer"], None]:
            want = ds.score_answer(ans, entry)
            assert score("countdown", ans, entry, rules="reasoning_gym") == want, (ans, nums, target)
            compared += 1
    assert compared > 1000
    # Our answers are accepted by reasoning-gym's scorer.
    for entry in ds:
        ans = cd.solve(entry["metadata"]["numbers"], entry["metadata"]["target"])
        assert ans is not None and ds.score_answer(ans, entry) == 1.0
    # extract=True takes the last <answer> first.
    entry = next(iter(ds))
    wrapped = f"<think>...</think><answer>{entry['answer']}</answer>"
    assert score("countdown", wrapped, entry, rules="reasoning_gym", extract=True) == 1.0


def _tinyzero_reference(completion: str, nums: list[int], target: int) -> float:
    """TinyZero's reward written from its description, using Python's eval."""
    if "Assistant:" in completion:
        completion = completion.split("Assistant:", 1)[1]
    elif "<|im_start|>assistant" in completion:
        completion = completion.split("<|im_start|>assistant", 1)[1]
    else:
        return 0
    last = completion.split("\n")[-1]
    found = re.findall(r"<answer>(.*?)</answer>", last)
    if not found:
        return 0
    eq = found[-1].strip()
    if sorted(int(n) for n in re.findall(r"\d+", eq)) != sorted(nums):
        return 0.1
    if not re.match(r"^[\d+\-*/().\s]+$", eq):
        return 0.1
    try:
        value = eval(eq, {"__builtins__": None}, {})
    except Exception:
        return 0.1
    try:
        return 1.0 if abs(value - target) < 1e-5 else 0.1
    except Exception:
        return 0.1


def test_tinyzero_values() -> None:
    rng = random.Random(1)
    for nums, target in cd.generate(30, seed=2):
        for ans in _answers(rng, nums, target):
            if "**" in ans:
                continue
            for wrap in (
                f"User: ... Assistant: <think>x</think>\n<answer>{ans}</answer>",
                f"<|im_start|>assistant <answer>{ans}</answer>",
                f"Assistant: <answer>{ans}</answer>\nmore text",
                f"<answer>{ans}</answer>",
            ):
                want = _tinyzero_reference(wrap, nums, target)
                assert score("countdown", wrap, {"numbers": nums, "target": target}, rules="tinyzero") == want, wrap
    huge = "Assistant: <answer>9**9**9**9</answer>"
    assert score("countdown", huge, {"numbers": [9, 9, 9, 9], "target": 1}, rules="tinyzero") == 0.1


def test_every_rule_set_returns_a_float() -> None:
    # TinyZero's rule wants "Assistant:" (or "<|im_start|>assistant") before the
    # answer; without it the reward is 0 -- a float 0.0, like every other score.
    right = "<answer>(25-5)*(8-4)</answer>"
    tz = score("countdown", "Assistant: " + right, ENTRY, rules="tinyzero")
    assert tz == 1.0 and type(tz) is float
    for completion in (right, "Assistant: " + right, "Assistant: <answer>25+5+8+4</answer>", "", "junk"):
        for rules in ("strict", "reasoning_gym", "tinyzero"):
            got = score("countdown", completion, ENTRY, rules=rules)
            assert type(got) is float, (completion, rules, got)
    assert score("countdown", right, ENTRY, rules="tinyzero") == 0.0
