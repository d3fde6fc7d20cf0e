"""HFModel, StepEnv, Task and the LLM search driver on a tiny random model built here (no download)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("transformers")
pytest.importorskip("tokenizers")
import torch  # noqa: E402

from llm_fixtures import anything_goes, tiny_lm_dir  # noqa: E402  (tests/, on the path by conftest)

import clew  # noqa: E402
from clew.neural.llm import HFModel, StepEnv, Task, compare_runner, greedy_decoding, search  # noqa: E402
from clew.neural.llm.task import COUNTDOWN, SUDOKU, continue_steps  # noqa: E402
from clew.search import EnvMCTS, compare, run_mcts_env, solve  # noqa: E402

torch.set_num_threads(1)

CD = ((25, 5, 8, 4), 80)
SU = "2..1.....24....."
SOLVED_SU = tuple("34=3 44=2 43=1 24=4 31=1 21=3 41=4 42=3 23=2 22=1 12=4 13=3".split())
SEARCHES = ["dfs", "bfs", "beam", "best_first", "best_of_n", "particle_filter", "mcts"]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_lm_dir(tmp_path_factory.mktemp("tiny_gpt2"), "gpt2")


@pytest.fixture(scope="module")
def model(model_dir: Path) -> HFModel:
    return HFModel(model_dir, device="cpu")


class Spy:
    """Counts the calls to a bound method and still makes them."""

    def __init__(self, obj: object, name: str) -> None:
        self.calls, self.inner = 0, getattr(obj, name)
        setattr(obj, name, self)

    def __call__(self, *args: object, **kwargs: object) -> object:
        self.calls += 1
        return self.inner(*args, **kwargs)


# ------------------------------------------------ HFModel


def test_missing_or_invalid_dir_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(clew.InputError, match="no-such-model"):
        HFModel(tmp_path / "no-such-model")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "config.json").write_text("{}")
    with pytest.raises(clew.InputError, match="broken"):
        HFModel(tmp_path / "broken", device="cpu")


def test_generate_shapes_stop_and_meter(model: HFModel) -> None:
    prompts = ["80:25 5 8 4\n", "6:1 2 3\n", "24:"]
    before = model.meter.snapshot()
    out = model.generate(prompts, n=3, max_tokens=10, stop=("\n", " "), seed=0)
    assert [len(c) for c in out] == [3, 3, 3]
    for row in out:
        for c in row:
            assert "\n" not in c.text and " " not in c.text
            assert 1 <= c.tokens <= 10 and c.logprob is not None and c.logprob < 0
    after = model.meter.snapshot()
    # Each prompt's prefill is shared by its 3 samples: read once.
    assert after["read"] - before["read"] == sum(model.count_tokens(p) for p in prompts)
    assert after["generated"] - before["generated"] == sum(c.tokens for row in out for c in row)
    assert after["passes"] - before["passes"] == 2 and after["calls"] - before["calls"] == 1


def test_one_model_call_per_max_batch_chunk(model_dir: Path) -> None:
    m = HFModel(model_dir, device="cpu", max_batch=2)
    gen = Spy(m.model, "generate")
    forwards = []
    m.model.register_forward_pre_hook(lambda *a: forwards.append(1))
    prompts = ["1:", "22:", "333:", "4444:", "5:"]  # three chunks
    m.next_token_probs(prompts, ["yes", "no"])
    assert len(forwards) == 3
    forwards.clear()
    m.score(prompts, ["1", "2 3", "4", "", "55"])
    assert len(forwards) == 3
    m.generate(prompts, n=4, max_tokens=3, stop=())
    assert gen.calls == 3


def test_left_padding_equals_single_prompts(model: HFModel) -> None:
    prompts = ["8:", "80:25 5 8 4\n25*4=100:5 8 100\n"]
    batched = model.generate(prompts, n=2, max_tokens=8, temperature=0, stop=())
    for p, row in zip(prompts, batched, strict=True):
        alone = model.generate([p], n=1, max_tokens=8, temperature=0, stop=())[0][0]
        assert row[0] == row[1]
        assert row[0].text == alone.text and row[0].tokens == alone.tokens
        assert row[0].logprob == pytest.approx(alone.logprob, abs=1e-4)
    probs = model.next_token_probs(prompts, ["yes", "no", "1"])
    assert probs.shape == (2, 3) and np.all((probs >= 0) & (probs <= 1))
    for i, p in enumerate(prompts):
        np.testing.assert_allclose(probs[i], model.next_token_probs([p], ["yes", "no", "1"])[0], atol=1e-5)
    scores = model.score(prompts, ["yes", "4*20=80 ="])
    assert scores.shape == (2,) and np.all(scores < 0)
    for i, p in enumerate(prompts):
        assert scores[i] == pytest.approx(model.score([p], [["yes", "4*20=80 ="][i]])[0], abs=1e-4)


def test_sampled_logprobs_match_score_with_padding_and_shared_prefill(model: HFModel) -> None:
    prompts = ["8:", "80:25 5 8 4\n25*4=100:5 8 100\n"]  # left padding differs a lot
    out = model.generate(prompts, n=4, max_tokens=6, stop=(), seed=2)
    checked = 0
    for p, row in zip(prompts, out, strict=True):
        for c in row:
            # Completions that re-tokenize to the tokens sampled (no eos, no "y","e","s").
            if c.tokens == 6 and model.count_tokens(c.text) == 6:
                assert c.logprob == pytest.approx(model.score([p], [c.text])[0], abs=1e-4)
                checked += 1
    assert checked >= 3


def test_determinism_under_a_seed(model: HFModel) -> None:
    a = model.generate(["80:", "6:1"], n=4, max_tokens=8, seed=7, stop=())
    b = model.generate(["80:", "6:1"], n=4, max_tokens=8, seed=7, stop=())
    c = model.generate(["80:", "6:1"], n=4, max_tokens=8, seed=8, stop=())
    assert a == b and a != c
    # Without a seed the global stream advances: two calls differ.
    torch.manual_seed(0)
    assert model.generate(["80:"], n=4, max_tokens=8, stop=()) != model.generate(["80:"], n=4, max_tokens=8, stop=())


def test_qwen_style_model_loads_and_generates(tmp_path: Path) -> None:
    m = HFModel(tiny_lm_dir(tmp_path / "q", "qwen2"), device="cpu")
    assert m.count_tokens("80:25 yes") == 7  # char-level, "yes" one token (its own tokenizer kept)
    out = m.generate(["80:25 5\n"], n=2, max_tokens=4, seed=0, stop=())
    assert len(out[0]) == 2 and all(c.tokens <= 4 for c in out[0])


# ------------------------------------------------ tasks: invalid steps never count


def test_countdown_steps_are_verified() -> None:
    assert COUNTDOWN.parse_step(CD, (), " 8-4=4:25 5 4 ") == "8-4=4:25 5 4"
    for bad in ["8-4=5:25 5 5", "9-4=5:25 5 8 5", "8-4=4:25 4 5", "8/3=2:25 5 4 2", "<0", "", "yes"]:
        assert COUNTDOWN.parse_step(CD, (), bad) is None, bad
    path = ("8-4=4:25 5 4", "25-5=20:4 20")
    assert COUNTDOWN.parse_step(CD, path, "4*20=80 x") is None  # wrong verdict
    assert COUNTDOWN.parse_step(CD, path, "4+20=24 =") is None
    assert COUNTDOWN.reward(CD, (*path, "4*20=80 =")) == 1.0
    assert COUNTDOWN.reward(CD, (*path, "4+20=24 x")) == 0.0
    assert COUNTDOWN.reward(CD, path) is None
    # A greedy continuation is read step by step up to the first rejected line.
    assert continue_steps(COUNTDOWN, CD, (), "8-4=4:25 5 4\n25-5=20:4 20\n4*20=80 =\n", 32) == (*path, "4*20=80 =")
    assert continue_steps(COUNTDOWN, CD, (), "8-4=4:25 5 4\n25-5=21:4 21\n4*20=80 =\n", 32) == path[:1]
    # A forged path (never through parse_step) is not scored solved either.
    assert COUNTDOWN.reward(CD, ("8-4=4:25 5 4", "25-5=20:4 20", "4+20=80 =")) == 0.0


def test_sudoku_steps_are_verified() -> None:
    assert SUDOKU.parse_step(SU, (), "34=3") == "34=3"
    assert SUDOKU.parse_step(SU, (), "?34=3") == "34=3"
    # A guess opens a new line in compact traces: the first token is the step.
    assert SUDOKU.parse_step(SU, (), "\n?34=3") == "34=3"
    assert SUDOKU.parse_step(SU, (), "34=3\n?44=2") == "34=3"
    for bad in ["11=3", "12=2", "12=1", "55=1", "12=5", "x", "!", "<1", "", "\n", "34=3x"]:
        assert SUDOKU.parse_step(SU, (), bad) is None, bad
    # A free continuation in the compact style (a guess on its own line) is read step by step.
    text = " ".join(SOLVED_SU[:4]) + "\n?" + " ".join(SOLVED_SU[4:]) + " !\n"
    assert continue_steps(SUDOKU, SU, (), text, 32) == SOLVED_SU
    assert SUDOKU.reward(SU, SOLVED_SU) == 1.0
    assert SUDOKU.reward(SU, SOLVED_SU[:-1]) is None


def test_garbage_proposals_are_rejected_never_solved(model: HFModel) -> None:
    # The random model writes garbage: no Countdown or Sudoku step it proposes is legal.
    for task, puzzle in (("countdown", CD), ("sudoku", SU)):
        env = StepEnv(task, model, k=8)
        root = env.root(puzzle)
        [(actions, priors, values)] = env.expand_batch([root])
        assert actions == [] and priors == [] and values == []
        assert env.legal_actions(root) == [] and not env.is_terminal(root)
        for algo in ("beam", "best_of_n", "mcts"):
            r = search(env, [puzzle], algo, max_tokens=2000, progress=False).results[0]
            assert not r.solved and r.steps == ()
    # A user's task whose model proposes garbage: only what parse_step accepts is a step.
    picky = Task(prompt=lambda p: f"{p}:", parse_step=lambda p, s, x: x if x == "never" else None,
                 reward=lambda p, s: 1.0 if s else None)
    env = StepEnv(picky, model, k=4)
    assert env.expand_batch([env.root("7")]) == [([], [], [])]
    assert not search(env, ["7"], "dfs", max_nodes=50, progress=False).results[0].solved


# ------------------------------------------------ StepEnv and the searches


def test_expand_batch_is_one_generate_and_one_value_pass(model: HFModel) -> None:
    env = StepEnv(anything_goes(), model, k=3)
    roots = [env.root(p) for p in ("1", "22", "333")]
    gen, judge = Spy(model, "generate"), Spy(model, "next_token_probs")
    try:
        out = env.expand_batch(roots)
        assert gen.calls == 1 and judge.calls == 1
        for actions, priors, values in out:
            assert 1 <= len(actions) <= 3 and sum(priors) == pytest.approx(1.0)
            assert all(0 <= v <= 1 for v in values)
        children = [env.step(r, a) for r, (acts, _, _) in zip(roots, out, strict=True) for a in acts]
        assert env.expand_batch(roots) == out and gen.calls == 1  # cached
        env.expand_batch(children)
        assert gen.calls == 2 and judge.calls == 2
        # legal_actions and heuristic read the cache.
        assert env.legal_actions(roots[0]) == out[0][0]
        assert env.heuristic(children[0]) == pytest.approx(1 - out[0][2][0])
        assert gen.calls == 2 and judge.calls == 2
    finally:
        del model.generate, model.next_token_probs


def test_retries_resample_only_the_dead_states(model: HFModel) -> None:
    # A task that accepts a proposal only from the second generate call on: with retries the
    # roots left without a valid proposal are sampled again, in one more call over them only.
    calls = {"n": 0}
    real = model.generate

    def counting(prompts, **kw):
        calls["n"] += 1
        calls.setdefault("rows", []).append(len(prompts))
        return real(prompts, **kw)

    later = Task(prompt=lambda p: f"{p}:", parse_step=lambda p, s, x: (x.strip() or "z") if calls["n"] >= 2 else None,
                 reward=lambda p, s: 1.0 if len(s) >= 3 else None)
    model.generate = counting  # type: ignore[method-assign]
    try:
        dead = StepEnv(later, model, k=2)
        [(actions, _, _)] = dead.expand_batch([dead.root("5")])
        assert actions == [] and calls["rows"] == [1]
        calls.clear()
        calls["n"] = 0
        env = StepEnv(later, model, k=2, retries=3)
        before = model.meter.tokens
        out = env.expand_batch([env.root("5"), env.root("66")])
        assert calls["rows"] == [2, 2] and all(acts for acts, _, _ in out)  # one retry round, then valid
        assert env.generate_calls == 2 and sum(env.tokens_by_prompt.values()) == model.meter.tokens - before
    finally:
        del model.generate
    with pytest.raises(clew.InputError):
        StepEnv("countdown", model, retries=-1)


def test_values_rollout_and_callable(model: HFModel) -> None:
    env = StepEnv(anything_goes(2), model, k=2, value="rollout")
    [(actions, _, values)] = env.expand_batch([env.root("5")])
    assert actions and all(v in (0.0, 1.0) for v in values)
    seen = []
    env = StepEnv(anything_goes(5), model, k=2, value=lambda texts: seen.extend(texts) or [0.25] * len(texts))
    [(actions, _, values)] = env.expand_batch([env.root("5")])
    assert values == [0.25] * len(actions) and all(t.startswith("5:") for t in seen)
    with pytest.raises(clew.InputError):
        StepEnv(anything_goes(), model, value="oracle")


@pytest.mark.parametrize("algorithm", SEARCHES)
def test_every_search_under_each_budget(model: HFModel, algorithm: str) -> None:
    env = StepEnv(anything_goes(), model, k=3, max_steps=6)
    run = search(env, ["1", "2"], algorithm, max_tokens=4000, progress=False, seed=1)
    assert run.solved == 2 and all(r.stop == "solved" and len(r.steps) == 3 for r in run.results)
    assert run.tokens == sum(r.tokens for r in run.results) > 0
    # The tokens budget: a task that never ends runs until the budget, overshooting it by
    # at most its last batch.
    endless = StepEnv(anything_goes(99), model, k=3, max_steps=50)
    r = search(endless, ["1"], algorithm, max_tokens=600, progress=False).results[0]
    assert not r.solved and r.stop == "tokens" and 600 <= r.tokens < 600 + endless.batch_tokens
    r = search(endless, ["1"], algorithm, max_nodes=6, progress=False).results[0]
    assert not r.solved and r.stop == "nodes" and r.nodes <= 6 + 3
    r = search(endless, ["1"], algorithm, max_seconds=0.3, simulations=10**6, progress=False).results[0]
    assert not r.solved and r.stop == "seconds" and 0.3 <= r.seconds < 5


@pytest.mark.skipif("expand_batch" not in (solve.__doc__ or ""), reason="this solve() expands state by state")
def test_solve_hands_a_beam_level_to_one_expand_batch(model: HFModel) -> None:
    env = StepEnv(anything_goes(99), model, k=3, max_steps=20)
    res = solve(env, env.root("1"), "beam", beam_width=2, max_nodes=30, record=True)
    expanded = res.tree["expand"] >= 0
    levels = len(set(res.tree["depth"][expanded].tolist()))
    assert expanded.sum() > levels  # several states a level ...
    assert env.generate_calls == levels  # ... one generate for each level


def test_cost_is_the_meters_spend(model: HFModel) -> None:
    env = StepEnv(anything_goes(99), model, k=3, max_steps=20)
    root = env.root("3")
    env.cost(root, 0)
    before = model.meter.tokens
    res = solve(env, root, "beam", beam_width=2, max_cost=1500)
    assert res.stop == "cost"
    assert res.cost + env.uncharged == model.meter.tokens - before
    before = model.meter.tokens
    r = search(env, ["3"], "beam", beam_width=2, max_tokens=1500, progress=False).results[0]
    assert r.stop == "tokens" and r.tokens == model.meter.tokens - before >= 1500


def test_mcts_evaluator_batches_without_single_state_generates(model: HFModel) -> None:
    env = StepEnv(anything_goes(99), model, k=3, max_steps=10)
    tree = EnvMCTS(env, [env.root("1"), env.root("2")], num_actions=3, rule="puct", seed=0)
    evaluate = env.mcts_evaluator()
    rounds = 0
    for _ in range(6):
        ids, obs = tree.ask(4)
        if len(ids):
            rounds += 1
            tree.tell(ids, *evaluate(obs))
    # One generate per round: legal_actions at tell time found every leaf expanded.
    assert env.generate_calls == rounds and env.value_calls == rounds
    # run_mcts_env (Python MCTS) expands each round's leaves in one batch too.
    python_mcts = StepEnv(anything_goes(99), model, k=3, max_steps=10)
    roots = [python_mcts.root(p) for p in ("1", "2", "3")]
    run_mcts_env(python_mcts, roots, python_mcts.mcts_evaluator(), 3, simulations=4)
    assert python_mcts.generate_calls == 5 and python_mcts.value_calls == 5  # the roots' round + 4
    # Traces name each step by its text.
    record = tree.export_trace(0)
    root = env.root("1")
    assert any(f"Let me try {env.describe_action(root, a)}." in record["trace"] for a in env.legal_actions(root))


def test_custom_task_end_to_end_and_deterministic(model: HFModel) -> None:
    env = StepEnv(anything_goes(), model, k=3)
    a = search(env, ["9"], "best_of_n", samples=4, max_tokens=3000, progress=False, seed=3).results[0]
    b = search(env, ["9"], "best_of_n", samples=4, max_tokens=3000, progress=False, seed=3).results[0]
    assert a.solved and a.steps == b.steps and a.tokens == b.tokens
    assert a.text == "9:" + "".join(s + "\n" for s in a.steps)


def test_greedy_decoding_and_compare_under_one_token_budget(model: HFModel) -> None:
    env = StepEnv("countdown", model, k=2)
    run = greedy_decoding(env, [CD, ((1, 2, 3), 6)], progress=False)
    assert len(run.results) == 2 and run.solved == 0 and all(r.tokens > 0 for r in run.results)
    env = StepEnv(anything_goes(), model, k=2, max_steps=5)
    roots = [env.root("4"), env.root("5")]
    cmp = compare(env, roots, [("mcts", compare_runner(env, "mcts")), ("beam", compare_runner(env, "beam", beam_width=2))],
                  budget="cost", limits=[200, 3000])
    rows = {row["algorithm"]: row for row in cmp.summary()}
    assert rows["mcts"]["coverage"] == 1.0 and rows["beam"]["coverage"] == 1.0
    assert np.all(cmp.runs["cost"][cmp.runs["limit"] == 200] < 200 + 400)


def test_bad_input_is_an_input_error(model: HFModel, capsys: pytest.CaptureFixture[str]) -> None:
    env = StepEnv("countdown", model, k=2)
    with pytest.raises(clew.InputError, match="algorithm"):
        search(env, [CD], "hill_climbing", progress=False)
    with pytest.raises(clew.InputError, match="Countdown puzzle"):
        env.root(80)
    with pytest.raises(clew.InputError, match="LanguageModel"):
        StepEnv("countdown", object())
    with pytest.raises(clew.InputError, match="task"):
        StepEnv("chess", model)
    with pytest.raises(clew.InputError, match="Sudoku"):
        StepEnv("sudoku", model).root("12345")
    # The progress bar reports solved / tokens / budget.
    search(StepEnv(anything_goes(1), model, k=2), ["1", "2"], "beam", max_tokens=500, progress=True)
    err = capsys.readouterr().err
    assert "solved 2/2" in err and "tokens" in err and "/1,000" in err
