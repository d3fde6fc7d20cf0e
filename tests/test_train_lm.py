"""clew neural train-lm: a tiny Qwen2-style model trained on generated traces, loaded back with
from_pretrained, resumed to the same weights, and the judge states labelled by clew's solvers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("transformers")
pytest.importorskip("tokenizers")
torch = pytest.importorskip("torch")

from safetensors.torch import load_file  # noqa: E402

import clew  # noqa: E402
from clew import countdown, datasets, sudoku  # noqa: E402
from clew.cli import main  # noqa: E402
from clew.neural.llm import formats  # noqa: E402
from clew.neural.llm.train_lm import (  # noqa: E402
    LMSettings, compact_states, read_dataset, record_prompt, train_lm,
)


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> None:
    torch.set_num_threads(1)


@pytest.fixture(scope="module")
def cd3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("data") / "cd3"
    datasets.generate("countdown", 200, out, style="compact", numbers=3, workers=1)
    return out


@pytest.fixture(scope="module")
def trained(cd3: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("models") / "m"
    settings = LMSettings(steps=30, batch_size=16, lr=2e-3)
    return out, train_lm(cd3, out, settings, device="cpu", eval_every=30, save_every=30, progress=False)


def test_the_directory_loads_with_from_pretrained_and_the_judge_words_are_single_tokens(trained) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out, summary = trained
    model = AutoModelForCausalLM.from_pretrained(out)
    tok = AutoTokenizer.from_pretrained(out)
    assert type(tok).__name__ == "TokenizersBackend"  # not a byte-level class chosen by model type
    assert model.config.model_type == "llama" and 0.5e6 < summary["parameters"] < 1e6
    assert tok.padding_side == "left"
    for word in (*formats.JUDGE_ANSWERS, formats.JUDGE_QUESTION):
        assert len(tok(word, add_special_tokens=False)["input_ids"]) == 1
    text = countdown.trace([25, 5, 8, 4], 80, style="compact")[:400] + formats.JUDGE_QUESTION + "yes\n"
    ids = tok(text)["input_ids"]
    assert ids[0] == tok.bos_token_id and tok.unk_token_id not in ids
    assert tok.decode(ids, skip_special_tokens=True) == text
    batch = tok(["1 2", "12:3 4 5\n"], padding=True, return_tensors="pt")
    assert batch["attention_mask"][0, 0] == 0  # left padding
    prompt = tok([formats.countdown_prompt([3, 4, 5], 12)], return_tensors="pt")
    generated = model.generate(**prompt, max_new_tokens=8, do_sample=False)
    assert generated.shape[1] <= prompt["input_ids"].shape[1] + 8


def test_validation_loss_falls_from_step_0_and_the_summary_says_so(trained) -> None:
    _, summary = trained
    assert summary["steps"] == 30 and summary["judge_examples"] > 0 and summary["dropped"] == 0
    assert summary["val_loss"] < summary["val_loss_start"]
    assert 0.0 <= summary["judge_acc"] <= 1.0


def test_a_rerun_after_an_interruption_ends_with_the_same_weights(cd3: Path, tmp_path: Path) -> None:
    settings = LMSettings(steps=8, batch_size=8, judge_per_trace=1)
    straight = tmp_path / "straight"
    train_lm(cd3, straight, settings, device="cpu", eval_every=2, save_every=2, progress=False)

    def stop_at_step_6(line: str) -> None:
        if line.startswith("step 6:"):  # logged before step 6's checkpoint: the last one is step 4
            raise KeyboardInterrupt

    broken = tmp_path / "broken"
    with pytest.raises(KeyboardInterrupt):
        train_lm(cd3, broken, settings, device="cpu", eval_every=2, save_every=2, progress=False, log=stop_at_step_6)
    resumed = train_lm(cd3, broken, settings, device="cpu", eval_every=2, save_every=2, progress=False)
    assert resumed["resumed_from"] == 4
    a, b = load_file(straight / "model.safetensors"), load_file(broken / "model.safetensors")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_bad_data_and_a_foreign_directory_are_clear_errors(cd3: Path, tmp_path: Path, trained) -> None:
    with pytest.raises(clew.InputError, match="not a clew generate dataset"):
        train_lm(tmp_path, tmp_path / "m", LMSettings(steps=1), device="cpu", progress=False)
    out, _ = trained
    with pytest.raises(clew.InputError, match="another train-lm run"):
        train_lm(cd3, out, LMSettings(steps=30, batch_size=16, lr=1e-3), device="cpu", progress=False)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(clew.InputError, match="holds no train-lm checkpoint"):
        train_lm(cd3, tmp_path / "other", LMSettings(steps=1), device="cpu", progress=False)
    assert main(["neural", "train-lm", str(tmp_path), "--out", str(tmp_path / "m2"), "--steps", "1"]) == 1


def test_the_prompt_of_a_record_is_the_first_line_of_its_compact_trace(cd3: Path, tmp_path: Path) -> None:
    _, splits = read_dataset(cd3)
    for r in splits["train"][:20]:
        assert r["trace"].startswith(record_prompt(r, "countdown"))
    datasets.generate("sudoku", 30, tmp_path / "sd", style="compact", size=4, empty=(8, 10), workers=1)
    _, splits = read_dataset(tmp_path / "sd")
    for r in splits["train"]:
        assert r["trace"].split("\n")[0] + "\n" == record_prompt(r, "sudoku")


def test_countdown_states_follow_returns_and_carry_the_exact_solvers_labels() -> None:
    trace = countdown.trace([25, 5, 8, 4], 80, style="compact")
    states = compact_states({"numbers": [25, 5, 8, 4], "target": 80, "trace": trace}, "countdown")
    steps = [line for line in trace.splitlines()[1:] if line and not line.startswith("<")]
    assert len(states) == 1 + len(steps)
    assert states[0] == ("80:25 5 8 4\n", True)
    assert states[1] == ("80:25 5 8 4\n25*4=100:5 8 100\n", countdown.solve([5, 8, 100], 80) is not None)
    assert states[4][0] == "80:25 5 8 4\n25*4=100:5 8 100\n5*8=40:100 40\n100+40=140 x\n"  # after "<2": the path is back at 2 steps
    last_text, last_label = states[-1]
    assert last_text.endswith("25-5=20:4 20\n4*20=80 =\n") and last_label
    assert not any(label for text, label in states if text.endswith(" x\n"))


def test_sudoku_states_are_step_tokens_and_a_wrong_guess_is_unsolvable() -> None:
    puzzle = "1..4......23...1"
    trace = sudoku.trace(puzzle, style="compact")
    states = compact_states({"puzzle": puzzle, "trace": trace}, "sudoku", (2, 2))
    assert states[0] == (puzzle + "\n", True)
    assert all(text.endswith((" ", "\n")) for text, _ in states)
    assert states[-1][0] == trace[: -len("!\n")]
    guessed = compact_states({"puzzle": puzzle, "trace": puzzle + "\n?12=3 x\n<0\n?12=2\n"}, "sudoku", (2, 2))
    assert [label for _, label in guessed] == [True, False, True]


def test_the_cli_trains_4x4_sudoku_and_prints_a_json_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    datasets.generate("sudoku", 60, tmp_path / "sd", style="compact", size=4, empty=(8, 10), workers=1)
    code = main(["neural", "train-lm", str(tmp_path / "sd"), "--out", str(tmp_path / "m"), "--steps", "4",
                 "--batch-size", "8", "--device", "cpu", "--threads", "1"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["task"] == "sudoku" and summary["steps"] == 4 and summary["judge_examples"] > 0
    assert (tmp_path / "m" / "generation_config.json").is_file()


def test_greedy_eval_replays_each_completion_with_the_validator(trained, cd3: Path) -> None:
    from clew.neural.llm.train_lm import greedy_eval

    out, _ = trained
    result = greedy_eval(out, cd3, split="validation", n=4, max_new_tokens=24, batch_size=4)
    assert result["records"] == 4
    assert 0 <= result["solved"] <= result["valid"] <= 1 and 0 <= result["tokens"] <= 24
