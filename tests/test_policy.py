"""The policy/value network behind EnvMCTS: targets, training, evaluator, evaluation, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import clew
import numpy as np
import pytest
from clew import countdown, env_steps, search, sudoku
from clew.datasets._policy import make_policy_data
from clew.datasets._tasks import OptionError



# ---------------------------------------------------------------- torch-free: stepping and targets


def test_countdown_children_match_envmcts() -> None:
    """Action a of env_steps is EnvMCTS's action a: advancing along it reaches the same numbers."""
    rng = np.random.default_rng(1)
    for _ in range(15):
        nums = [int(v) for v in rng.integers(0, 12, int(rng.integers(2, 6)))]
        kids = env_steps.countdown_children(nums)
        tree = search.EnvMCTS(search.Countdown(24), [nums])
        assert len(kids) <= tree.num_actions
        for a in range(len(kids)):
            t = search.EnvMCTS(search.Countdown(24), [nums])
            t.advance([a])
            assert t._core.root_state(0) == kids[a], (nums, a)


def test_sudoku_choice_matches_envmcts() -> None:
    for seed in range(5):
        text = sudoku.generate(9, empty=45, seed=seed)
        cells = np.frombuffer(text.replace(".", "0").encode(), np.uint8) - ord("0")
        cell, cand = env_steps.sudoku_choice(cells, (3, 3))
        tree = search.EnvMCTS(search.Sudoku(), [text])
        tree.run(len(cand) + 1)  # uniform playouts: each legal child visited once
        visited = set(np.flatnonzero(tree.visit_counts()[0]))
        assert visited == {cell * 9 + d - 1 for d in cand}


def test_exact_targets_checked_against_the_solvers(tmp_path: Path) -> None:
    m = make_policy_data(tmp_path / "cd", task="countdown", n=12, numbers=4, seed=3, progress=False)
    assert m["total"] > 0
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "cd" / m["shards"][0]["path"]).to_pylist()
    for row in table:
        obs = np.asarray(row["observation"])
        nums, target = [int(v) for v in obs[:8] if v >= 0], int(obs[8])
        solvable = countdown.solve(nums, target) is not None
        assert row["value"] == float(solvable)
        kids = env_steps.countdown_children(nums)
        assert np.flatnonzero(row["legal"]).tolist() == list(range(len(kids)))
        good = [a for a, k in enumerate(kids) if (k[0] == target if len(k) == 1 else countdown.solve(k, target) is not None)]
        assert np.flatnonzero(row["policy"]).tolist() == good
        if good:
            assert abs(sum(row["policy"]) - 1) < 1e-5
    s = make_policy_data(tmp_path / "sd", task="sudoku", n=3, empty="30-35", progress=False)
    for row in pq.read_table(tmp_path / "sd" / s["shards"][0]["path"]).to_pylist():
        cells = np.asarray(row["observation"], np.uint8)
        for a in np.flatnonzero(row["policy"]):
            child = cells.copy()
            child[a // 9] = a % 9 + 1
            text = "".join("." if v == 0 else str(v) for v in child)
            assert sudoku.count_solutions(text, limit=1) == 1


def test_policy_data_is_deterministic_and_resumable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = make_policy_data(tmp_path / "a", task="countdown", n=9, shard_size=4, progress=False)
    b = make_policy_data(tmp_path / "b", task="countdown", n=9, shard_size=4, progress=False)
    assert [s["sha256"] for s in a["shards"]] == [s["sha256"] for s in b["shards"]]
    # a kill in the second shard: the rerun keeps the first and ends with the same bytes
    import clew.datasets._policy as policy_data

    real = policy_data._rows

    def killed(config: dict, j: int, num_actions: int) -> list:
        if j == 5:
            raise KeyboardInterrupt
        return real(config, j, num_actions)

    monkeypatch.setattr(policy_data, "_rows", killed)
    with pytest.raises(KeyboardInterrupt):
        make_policy_data(tmp_path / "c", task="countdown", n=9, shard_size=4, progress=False)
    assert not (tmp_path / "c" / "manifest.json").exists()
    monkeypatch.setattr(policy_data, "_rows", real)
    c = make_policy_data(tmp_path / "c", task="countdown", n=9, shard_size=4, progress=False)
    assert [s["sha256"] for s in c["shards"]] == [s["sha256"] for s in a["shards"]]
    with pytest.raises(OptionError, match="different"):
        make_policy_data(tmp_path / "c", task="countdown", n=9, shard_size=4, seed=1, progress=False)


def test_policy_data_bad_options(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="task"):
        make_policy_data(tmp_path / "x", task="chess", n=3)
    with pytest.raises(OptionError, match="target"):
        make_policy_data(tmp_path / "x", task="countdown", n=3, target="oracle")
    with pytest.raises(OptionError, match="empty"):
        make_policy_data(tmp_path / "x", task="sudoku", n=3, empty="50-40")


def test_search_targets_are_visit_distributions(tmp_path: Path) -> None:
    m = make_policy_data(tmp_path / "s", task="countdown", n=2, numbers=4, target="search", simulations=16, progress=False)
    import pyarrow.parquet as pq

    for row in pq.read_table(tmp_path / "s" / m["shards"][0]["path"]).to_pylist():
        p = np.asarray(row["policy"])
        assert abs(p.sum() - 1) < 1e-5 and (p[~np.asarray(row["legal"])] == 0).all()


# ---------------------------------------------------------------- torch


torch = pytest.importorskip("torch")
pytest.importorskip("safetensors")

from clew.neural.policy import CountdownNet, EvaluatorError, PolicyValue, train_policy
from clew.neural.policy_eval import eval_policy


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("policy")
    make_policy_data(root / "data", task="countdown", n=80, numbers=4, progress=False)
    torch.set_num_threads(1)
    train_policy(root / "data", root / "model", epochs=2, device="cpu", hidden=16, batch_size=64, progress=False)
    return root / "data", root / "model"


def test_network_legal_mask_is_envmcts_legal_actions() -> None:
    net = CountdownNet(40, 8)
    rng = np.random.default_rng(0)
    for _ in range(50):
        nums = [int(v) for v in rng.integers(0, 30, int(rng.integers(2, 6)))]
        _logits, legal, _v = net(torch.from_numpy(env_steps.countdown_observation(nums, 24)[None]))
        assert np.flatnonzero(legal[0].numpy()).tolist() == list(range(len(env_steps.countdown_children(nums))))


def test_training_lowers_the_loss_resumes_and_is_seeded(trained: tuple[Path, Path], tmp_path: Path) -> None:
    data, model = trained
    config = json.loads((model / "epoch-002" / "config.json").read_text())
    hist = config["history"]
    assert hist[-1]["train_loss"] < hist[0]["train_loss"]
    assert {"loss", "accuracy", "value_accuracy"} <= set(hist[-1])
    # same seed, same weights; resume: one epoch then rerun for two == two at once
    train_policy(data, tmp_path / "r", epochs=1, device="cpu", hidden=16, batch_size=64, progress=False)
    train_policy(data, tmp_path / "r", epochs=2, device="cpu", hidden=16, batch_size=64, progress=False)
    a = (model / "epoch-002" / "model.safetensors").read_bytes()
    assert (tmp_path / "r" / "epoch-002" / "model.safetensors").read_bytes() == a


def test_evaluator_drives_envmcts(trained: tuple[Path, Path]) -> None:
    import clew.neural

    _, model = trained
    ev = clew.neural.PolicyValue.load(model).evaluator("cpu")  # the public name
    tree = search.EnvMCTS(search.Countdown(24), [[4, 6, 2, 3], [1, 2, 3, 4]])
    tree.run(20, evaluator=ev)
    assert tree.visit_counts().sum(1).tolist() == [20, 20]
    priors, values = ev(np.stack([env_steps.countdown_observation([4, 6, 2, 3], 24)]))
    assert priors.shape == (1, 24) and priors.dtype == np.float32 and abs(priors.sum() - 1) < 1e-5
    assert 0 <= values[0] <= 1


def test_a_forcing_prior_makes_the_search_take_its_action() -> None:
    nums, forced = [4, 6, 2, 3], 7

    def evaluator(obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = np.full((len(obs), 24), 1e-6, np.float32)
        p[:, forced] = 1.0
        return p, np.full(len(obs), 0.5, np.float32)

    tree = search.EnvMCTS(search.Countdown(24), [nums], rule="puct")
    tree.run(30, evaluator=evaluator)
    assert int(tree.visit_counts()[0].argmax()) == forced


def test_bad_inputs(trained: tuple[Path, Path], tmp_path: Path) -> None:
    _, model = trained
    pv = PolicyValue.load(model)
    ev = pv.evaluator("cpu")
    with pytest.raises(clew.InputError, match="shape"):
        ev(np.zeros((3, 5), np.float32))
    with pytest.raises(clew.CheckpointError):
        pv.check("countdown", 60, 9)  # a model for 4 numbers, a search over 6
    with pytest.raises(clew.InputError, match="not sudoku"):
        eval_policy([model], "sudoku", 2, [2])
    with pytest.raises(clew.InputError, match="unknown task"):
        eval_policy([model], "chess", 2, [2])
    with pytest.raises(clew.CheckpointError):
        PolicyValue.load(tmp_path / "nothing")
    for p in pv.model.parameters():
        p.data.fill_(float("nan"))
    with pytest.raises(EvaluatorError):
        pv.evaluator("cpu")(np.stack([env_steps.countdown_observation([4, 6, 2, 3], 24)]))
    assert issubclass(EvaluatorError, clew.ClewError)


def test_cli_smoke_make_train_eval(tmp_path: Path) -> None:
    """CI's smoke run: make-policy-data -> train-policy -> eval-policy, well under a minute."""
    env = dict(os.environ)  # the clew this interpreter imports (CI: the installed wheel)
    cli = [sys.executable, "-m", "clew", "neural"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        out = subprocess.run([*cli, *args], capture_output=True, text=True, env=env, timeout=120, check=False)
        assert out.returncode == 0, out.stderr
        return out

    run("make-policy-data", "--task", "countdown", "--n", "20", "--numbers", "4", "--out", str(tmp_path / "d"))
    run("train-policy", str(tmp_path / "d"), "--out", str(tmp_path / "m"), "--epochs", "1", "--device", "cpu",
        "--hidden", "8", "--threads", "1")
    out = run("eval-policy", str(tmp_path / "m"), "--task", "countdown", "--n", "6", "--simulations", "2,4",
              "--device", "cpu", "--out", str(tmp_path / "e"), "--threads", "1")
    assert "uniform" in out.stdout and "heuristic" in out.stdout
    results = json.loads((tmp_path / "e" / "results.json").read_text())["results"]
    assert {r["prior"] for r in results} == {"learned:m", "uniform", "heuristic"}
    assert all(0 <= r["solved"] <= r["n"] == 6 for r in results)
    bad = subprocess.run([*cli, "eval-policy", str(tmp_path / "m"), "--task", "chess", "--n", "2"],
                         capture_output=True, text=True, env=env, timeout=60, check=False)
    assert bad.returncode != 0 and "unknown task" in bad.stderr and "Traceback" not in bad.stderr


def test_throughput_figure(trained: tuple[Path, Path]) -> None:
    from clew.neural.policy_eval import throughput

    row = throughput(trained[1], 8, 3, device="cpu")
    assert 0 < row["leaves"] <= 8 * 4 and row["evaluator_leaves_per_s"] > 0 and 0 < row["ratio"]


def test_improve_runs_and_resumes_per_iteration(tmp_path: Path) -> None:
    from clew.neural.policy_improve import improve

    torch.set_num_threads(1)
    kw: dict[str, Any] = {"seed": 0, "n": 6, "eval_n": 4, "numbers": 3, "epochs": 1, "hidden": 8, "device": "cpu"}
    first = improve("countdown", 2, 4, tmp_path / "imp", **kw)
    assert [r["iteration"] for r in first] == [1, 2]
    assert all(0 <= r["held_out_solved"] <= 4 and r["rows"] > 0 for r in first)
    assert first[1]["rows"] > first[0]["rows"]  # the replay buffer keeps iteration 1's rows
    weights = (tmp_path / "imp" / "iter-002" / "model" / "epoch-001" / "model.safetensors").read_bytes()
    assert improve("countdown", 2, 4, tmp_path / "imp", **kw) == first  # a rerun: nothing redone
    assert (tmp_path / "imp" / "iter-002" / "model" / "epoch-001" / "model.safetensors").read_bytes() == weights
    with pytest.raises(clew.InputError, match="another improve run"):
        improve("countdown", 2, 8, tmp_path / "imp", **kw)
