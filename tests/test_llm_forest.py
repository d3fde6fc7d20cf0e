"""MCTS over many puzzles as one EnvMCTS forest (clew.neural.llm.search(..., forest=B)) on a
tiny random model built here (no download)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("transformers")
pytest.importorskip("tokenizers")
import torch  # noqa: E402

from llm_fixtures import anything_goes, tiny_lm_dir  # noqa: E402  (tests/, on the path by conftest)

import clew  # noqa: E402
from clew.neural.llm import HFModel, StepEnv, Task, search  # noqa: E402
from clew.neural.llm.forest import forests  # noqa: E402
from clew.neural.llm.step_env import split_tokens  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> HFModel:
    return HFModel(tiny_lm_dir(tmp_path_factory.mktemp("tiny_gpt2"), "gpt2"), device="cpu")


def per_puzzle_length() -> Task:
    """Puzzle ``"n"`` is won after ``n`` steps of anything: trees of one forest that end at
    different rounds."""
    return Task(prompt=lambda p: f"{p}:", parse_step=lambda p, s, x: x.strip() or None,
                reward=lambda p, s: 1.0 if len(s) >= int(p) else None, max_step_tokens=5)


class Batches:
    """Records every ``expand_batch`` call of an env: the prompts of its states, the prompts
    already solved when it was made, and the tokens it spent."""

    def __init__(self, env: StepEnv) -> None:
        self.calls: list[tuple[set[str], set[str], int]] = []
        inner = env.expand_batch

        def spy(states: Any) -> Any:
            solved = set(env.goals)
            out = inner(states)
            self.calls.append(({s.prompt for s in states}, solved, env.batch_tokens))
            return out

        env.expand_batch = spy  # type: ignore[method-assign]


def outcome(run: Any) -> list[tuple[Any, ...]]:
    return [(r.puzzle, r.solved, r.steps, r.stop, r.tokens, r.nodes, r.evaluations) for r in run.results]


def test_split_tokens_is_exact_and_proportional() -> None:
    assert split_tokens(10, [1, 1, 2]) == [3, 2, 5] and sum(split_tokens(7, [3, 0, 5])) == 7
    assert split_tokens(5, [0, 0]) == [3, 2] and split_tokens(0, [4, 1]) == [0, 0] and split_tokens(3, []) == []


def test_tokens_are_attributed_to_the_puzzle_that_read_or_generated_them(model: HFModel) -> None:
    env = StepEnv(anything_goes(5), model, k=3, value=lambda texts: [0.5] * len(texts))  # no value tokens
    roots = [env.root(p) for p in ("1", "4444")]
    seen: list[Any] = []
    inner = model.generate
    model.generate = lambda *a, **kw: seen.append(inner(*a, **kw)) or seen[-1]  # type: ignore[method-assign]
    try:
        before = model.meter.tokens
        env.expand_batch(roots)
    finally:
        del model.generate
    (rows,) = seen
    # A character-level tokenizer: each root read its text once (its 3 samples share the
    # prefill) and generated its own completions.
    for r, comps in zip(roots, rows, strict=True):
        assert env.tokens_by_prompt[r.prompt] == len(r.text) + sum(c.tokens for c in comps)
    assert sum(env.tokens_by_prompt.values()) == model.meter.tokens - before


def test_a_forest_round_is_one_generate_and_one_value_pass(model: HFModel) -> None:
    puzzles, simulations = ["1", "22", "333"], 4
    alone = StepEnv(anything_goes(99), model, k=3, max_steps=20)
    search(alone, puzzles, "mcts", simulations=simulations, leaves=2, forest=1, progress=False)
    # One at a time: every puzzle has its roots' round and `simulations` more.
    assert alone.generate_calls == alone.value_calls == len(puzzles) * (simulations + 1)
    env = StepEnv(anything_goes(99), model, k=3, max_steps=20)
    batches, passes = Batches(env), model.meter.passes
    run = search(env, puzzles, "mcts", simulations=simulations, leaves=2, forest=3, progress=False)
    # A forest: one generate and one value pass per round for all its trees ...
    assert env.generate_calls == env.value_calls == len(batches.calls) == simulations + 1
    # ... each one model call (prefill + generate, one judge pass: all under max_batch) ...
    assert model.meter.passes - passes == 3 * (simulations + 1)
    # ... over the leaves of every tree (the first round: the roots; then `leaves` per tree).
    assert batches.calls[0][0] == batches.calls[-1][0] == {"1:", "22:", "333:"}
    assert all(r.evaluations == 1 + 2 * simulations for r in run.results)


def test_forest_results_match_one_at_a_time_and_attribute_every_token(model: HFModel) -> None:
    puzzles = ["1", "2", "3", "4", "5"]
    env = StepEnv(anything_goes(), model, k=3, max_steps=6)
    alone = search(env, puzzles, "mcts", forest=1, max_tokens=4000, progress=False)
    before = model.meter.tokens
    together = search(env, puzzles, "mcts", forest=2, max_tokens=4000, progress=False)  # forests of 2, 2, 1
    assert [r.puzzle for r in together.results] == puzzles == [r.puzzle for r in alone.results]
    for a, b in zip(alone.results, together.results, strict=True):
        assert a.solved and b.solved and a.stop == b.stop == "solved" and len(a.steps) == len(b.steps) == 3
        assert b.text == f"{b.puzzle}:" + "".join(s + "\n" for s in b.steps)
        assert b.tokens > 0 and b.nodes >= 4 and b.evaluations >= 1 and b.seconds > 0
    # Every token the forests spent is some tree's, none twice.
    assert together.tokens == model.meter.tokens - before
    assert list(together.summary()) == list(alone.summary())


def test_each_tree_keeps_its_own_budget(model: HFModel) -> None:
    endless = StepEnv(anything_goes(99), model, k=3, max_steps=50)
    batches = Batches(endless)
    before = model.meter.tokens
    run = search(endless, ["1", "22", "333"], "mcts", max_tokens=600, forest=3, progress=False)
    worst_round = max(spent for _, _, spent in batches.calls)
    for r in run.results:
        # A tree overshoots by at most its share of one round (at most the round's spend).
        assert not r.solved and r.stop == "tokens" and 600 <= r.tokens < 600 + worst_round
    assert run.tokens == model.meter.tokens - before
    run = search(endless, ["1", "22", "333"], "mcts", max_nodes=6, forest=3, progress=False)
    assert all(r.stop == "nodes" and 6 <= r.nodes <= 6 + 3 for r in run.results)
    # The wall clock is the forest's: 0.3 s a puzzle, 0.6 s for two, each result half of it.
    run = search(endless, ["1", "22"], "mcts", max_seconds=0.3, simulations=10**6, forest=2, progress=False)
    assert all(r.stop == "seconds" and 0.3 <= r.seconds < 5 for r in run.results)


def test_solved_trees_stop_while_the_others_go_on(model: HFModel) -> None:
    env = StepEnv(per_puzzle_length(), model, k=3, max_steps=60)
    batches = Batches(env)
    run = search(env, ["1", "2", "40"], "mcts", simulations=12, leaves=2, forest=3, progress=False)
    quick, slow, endless = run.results
    assert quick.solved and slow.solved and len(quick.steps) == 1 and len(slow.steps) == 2
    assert not endless.solved and endless.stop == "exhausted"
    # No leaf of a solved puzzle is evaluated after the round that solved it ...
    assert all(not (prompts & solved) for prompts, solved, _ in batches.calls)
    assert any("1:" in solved for _, solved, _ in batches.calls)
    # The tree left alone still gets its `leaves` a round (fewer only where its walks collide).
    assert 1 + 2 * 12 >= endless.evaluations > 1 + 12 and endless.evaluations > slow.evaluations >= quick.evaluations
    assert endless.tokens > slow.tokens >= quick.tokens > 0
    # ... unless told to go on (with a large c, its walks leave the goal for other branches).
    env = StepEnv(per_puzzle_length(), model, k=3, max_steps=60)
    batches = Batches(env)
    run = search(env, ["3", "40"], "mcts", simulations=8, leaves=2, forest=2, stop_when_solved=False, c=20.0,
                 progress=False)
    assert run.results[0].solved and run.results[0].stop == "solved"
    assert any("3:" in prompts & solved for prompts, solved, _ in batches.calls)


def test_forests_are_deterministic_under_a_seed(model: HFModel) -> None:
    env = StepEnv(per_puzzle_length(), model, k=3, max_steps=20)
    a = search(env, ["1", "3", "9"], "mcts", simulations=8, leaves=3, forest=3, seed=5, progress=False)
    b = search(env, ["1", "3", "9"], "mcts", simulations=8, leaves=3, forest=3, seed=5, progress=False)
    c = search(env, ["1", "3", "9"], "mcts", simulations=8, leaves=3, forest=3, seed=6, progress=False)
    assert outcome(a) == outcome(b) and outcome(a) != outcome(c)


def test_repeated_puzzles_bad_input_and_the_progress_bar(model: HFModel, capsys: pytest.CaptureFixture[str]) -> None:
    env = StepEnv(anything_goes(), model, k=2, max_steps=5)
    roots = [env.root(p) for p in ["1", "2", "1", "3"]]
    # A repeated puzzle goes to the next forest: each search pays for its own tokens.
    assert [[r.prompt for r in f] for f in forests(roots, 3)] == [["1:", "2:"], ["1:", "3:"]]
    run = search(env, ["1", "2", "1"], "mcts", forest=3, max_tokens=3000, progress=False)
    assert run.solved == 3 and all(r.tokens > 0 for r in run.results)
    for bad in (0, 2.5, "4"):
        with pytest.raises(clew.InputError, match="forest"):
            search(env, ["1"], "mcts", forest=bad, progress=False)
    with pytest.raises(clew.InputError, match="forest"):
        search(env, ["1"], "beam", forest=4, progress=False)
    search(StepEnv(anything_goes(1), model, k=2), ["1", "2"], "mcts", max_tokens=500, progress=True)
    err = capsys.readouterr().err
    assert "solved 2/2" in err and "tokens" in err and "/1,000" in err
