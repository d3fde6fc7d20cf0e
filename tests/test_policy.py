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


def _sudoku_walk_states(n: int, empty: int, seed: int = 0) -> np.ndarray:
    """Every state of random walks (any legal child) from ``n`` puzzles: dead ends included."""
    rng = np.random.default_rng(seed)
    states = []
    for j in range(n):
        text = sudoku.generate(9, empty=empty, seed=seed * 1000 + j)
        s = np.frombuffer(text.replace(".", "0").encode(), np.uint8) - ord("0")
        while True:
            states.append(s.copy())
            choice = env_steps.sudoku_choice(s, (3, 3))
            if choice is None or not choice[1]:
                break
            s[choice[0]] = rng.choice(choice[1])
    return np.stack(states).astype(np.float32)


def test_vectorised_sudoku_uniform_priors_match_the_branching_rule() -> None:
    obs = _sudoku_walk_states(6, 55)
    slow = np.zeros((len(obs), 729), np.float32)
    for i, o in enumerate(obs):
        choice = env_steps.sudoku_choice(o.astype(np.uint8), (3, 3))
        if choice is not None and choice[1]:
            slow[i, [choice[0] * 9 + d - 1 for d in choice[1]]] = 1 / len(choice[1])
    assert np.array_equal(env_steps.heuristic_priors("sudoku", obs, 729), slow)


def test_sudoku_playouts_rewards_and_rate_match_envmcts() -> None:
    rng = np.random.default_rng(0)
    solved = sudoku.solve(sudoku.generate(9, empty=40, seed=1))
    full = np.frombuffer(solved.encode(), np.uint8) - ord("0")
    one_blank, clash = full.copy(), full.copy()
    one_blank[5] = 0
    clash[1] = clash[0]  # a digit twice in row 0
    dead = np.zeros(81, np.uint8)
    dead[:8] = np.arange(1, 9)
    dead[9 + 8] = 9  # cell 8 has no candidate left
    values = env_steps.sudoku_playouts(np.stack([full, one_blank, clash, dead]).astype(np.float32), rng)
    assert values.tolist() == [1.0, 1.0, 0.0, 0.0]
    # the success rate of one playout per root equals EnvMCTS's own playouts (its roots' first value)
    texts = [sudoku.generate(9, empty=50, seed=100 + j) for j in range(40)]
    obs = np.stack([np.frombuffer(t.replace(".", "0").encode(), np.uint8) - ord("0") for t in texts]).astype(np.float32)
    ours = np.mean([env_steps.sudoku_playouts(obs, rng) for _ in range(25)])
    theirs = []
    for rep in range(25):
        tree = search.EnvMCTS(search.Sudoku(), texts, seed=rep)
        tree.run(0)
        theirs += [tree.export_values(t)["value"][0] for t in range(len(texts))]
    assert 0.05 < ours < 0.95 and abs(ours - float(np.mean(theirs))) < 0.08, (ours, np.mean(theirs))


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


# ---------------------------------------------------------------- Sudoku: the cover network, playout values, the cache


def test_cover_network_masks_scores_children_and_sees_dead_ends() -> None:
    from clew.neural.policy import SudokuCoverNet, SudokuNet

    torch.manual_seed(0)
    net, mlp = SudokuCoverNet(729, 16).eval(), SudokuNet(729, 16).eval()
    obs = torch.from_numpy(_sudoku_walk_states(4, 58, seed=2))
    logits, legal, value = net(obs)
    assert torch.equal(legal, mlp(obs)[1]) and torch.equal(torch.isfinite(logits), legal)
    assert value.shape == (len(obs),)
    # the prior of digit d is the score of the child that places it
    multi = int(np.flatnonzero(legal.sum(1).numpy() >= 2)[0])
    actions = torch.nonzero(legal[multi]).flatten()
    cells = obs[multi].clone()
    for a in actions.tolist():
        child = cells.clone()
        child[a // 9] = a % 9 + 1
        peers_cand = net._features(*_cand_placed(net, child))
        emb = net.embed(peers_cand)
        assert torch.allclose(net.score(emb).squeeze(), logits[multi, a], atol=1e-5)
    # a digit with no place left in a row is a dead end in the features, though every cell has a
    # candidate (the branching rule does not see it)
    row = torch.zeros(81)
    row[:7] = torch.arange(1, 8).float()
    row[9 + 7] = 9  # 9 in box 2 and column 7: row 0's empty cells 7 and 8 both lose it
    cand, placed = _cand_placed(net, row)
    assert cand[0, 7].tolist() == cand[0, 8].tolist() == [0.0] * 7 + [1.0, 0.0]  # both only 8
    net.rounds = 0
    feats = net._features(cand, placed)
    dead, clash = feats[0, 324:648], feats[0, 1296:1620]  # open with no candidate left; met twice
    assert dead[81 + 0 * 9 + 8] == 1 and dead.sum() == 1 and clash.sum() == 0  # row 0, digit 9
    # one round of propagation places both naked singles: 8 twice in row 0 and in box 2
    net.rounds = 1
    clash = net._features(cand, placed)[0, 1296:1620]
    assert clash[81 + 7] == 1 and clash[243 + 2 * 9 + 7] == 1 and clash.sum() == 2  # digit 8: row 0, box 2
    # singles alone solve an easy puzzle: enough rounds meet all 324 constraints once each
    easy = torch.from_numpy(_sudoku_walk_states(1, 30, seed=5)[0])
    net.rounds = 40
    feats = net._features(*_cand_placed(net, easy))[0]
    assert feats[:324].sum() == 324 and feats[1296:1620].sum() == 0


def _cand_placed(net: Any, cells: Any) -> tuple[Any, Any]:
    from clew.neural.policy import _sudoku_inputs

    _c, onehot, cand, _legal, _branch = _sudoku_inputs(cells[None], net.peers)
    return cand.float(), onehot[..., 1:]


def test_architectures_old_checkpoints_and_bad_choices(tmp_path: Path) -> None:
    from clew.neural.policy import SudokuCoverNet, SudokuNet, architecture, build

    old = {"name": "policy-value", "task": "sudoku", "num_actions": 729, "obs_dim": 81, "hidden": 8}  # no "arch"
    assert isinstance(build(old), SudokuNet)
    assert isinstance(build(architecture("sudoku", 729, 81, arch="cover", hidden=8)), SudokuCoverNet)
    assert architecture("sudoku", 729, 81)["arch"] == "cover"  # train-policy's default
    assert architecture("sudoku", 729, 81, arch="mlp") == {**old, "hidden": 512}  # as the first release stored it
    assert "arch" not in architecture("countdown", 40, 9)  # likewise: those runs resume
    with pytest.raises(clew.CheckpointError, match="no 'cover' network for countdown"):
        architecture("countdown", 40, 9, arch="cover")
    with pytest.raises(clew.CheckpointError):
        build({**old, "arch": "transformer"})


@pytest.fixture(scope="module")
def sudoku_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sudoku-policy")
    make_policy_data(root / "data", task="sudoku", n=10, empty="45-50", progress=False)
    torch.set_num_threads(1)
    train_policy(root / "data", root / "model", epochs=1, device="cpu", arch="cover", hidden=8, batch_size=64,
                 weight_decay=0.01, progress=False)
    return root / "model"


def test_cover_model_loads_evaluates_with_cache_and_playouts(sudoku_model: Path) -> None:
    pv = PolicyValue.load(sudoku_model)
    assert pv.architecture["arch"] == "cover"
    obs = _sudoku_walk_states(3, 50, seed=4)
    obs = np.concatenate([obs, obs[::2]])  # repeats: answered from the cache
    plain, cached = pv.evaluator("cpu"), pv.evaluator("cpu", cache=10)
    seen: list[int] = []
    real = pv.model.forward

    def counting(x: Any) -> Any:
        seen.append(len(x))
        return real(x)

    pv.model.forward = counting  # type: ignore[method-assign]
    p0, v0 = plain(obs)
    p1, v1 = cached(obs[:20])
    p2, v2 = cached(obs)  # the cache holds 10: some of the first 20 are asked again
    assert np.allclose(p0[:20], p1, atol=1e-6) and np.allclose(p0, p2, atol=1e-6) and np.allclose(v0, v2, atol=1e-6)
    distinct, first = len({r.tobytes() for r in obs}), len({r.tobytes() for r in obs[:20]})
    # the network sees each distinct row once per miss; the cache kept the last 10 of the first call
    assert seen == [len(obs), first, distinct - min(10, first)]
    playouts = pv.evaluator("cpu", value="playouts", seed=3)
    p3, v3 = playouts(obs)
    assert np.allclose(p3, p0, atol=1e-6) and set(np.unique(v3)) <= {0.0, 1.0}
    assert np.array_equal(v3, pv.evaluator("cpu", value="playouts", seed=3)(obs)[1])  # seeded
    tree = search.EnvMCTS(search.Sudoku(), [env_steps._text(o.astype(np.uint8)) for o in obs[:3]], rule="puct")
    tree.run(8, evaluator=playouts)
    assert tree.visit_counts().sum(1).tolist() == [8, 8, 8]
    with pytest.raises(clew.InputError, match="value="):
        pv.evaluator("cpu", value="oracle")


def test_eval_policy_both_values(sudoku_model: Path, trained: tuple[Path, Path]) -> None:
    summary = eval_policy([sudoku_model], "sudoku", 3, [2], device="cpu", value="both", empty=(40, 42))
    names = ["learned:model", "learned+playouts:model", "uniform", "heuristic"]
    assert [r["prior"] for r in summary["results"]] == names
    assert all(0 <= r["solved"] <= 3 for r in summary["results"])
    with pytest.raises(clew.InputError, match="Sudoku"):
        eval_policy([trained[1]], "countdown", 2, [2], device="cpu", value="playouts")


def test_train_policy_on_several_data_directories(trained: tuple[Path, Path], tmp_path: Path) -> None:
    data, _model = trained
    make_policy_data(tmp_path / "more", task="countdown", n=20, numbers=4, seed=9, progress=False)
    history = train_policy([data, tmp_path / "more"], tmp_path / "m", epochs=1, device="cpu", hidden=8,
                           batch_size=64, progress=False)
    assert len(history) == 1
    stored = json.loads((tmp_path / "m" / "epoch-001" / "config.json").read_text())["data"]
    assert [c["seed"] for c in stored["configs"]] == [0, 9]
    make_policy_data(tmp_path / "sd", task="sudoku", n=2, empty="30-31", progress=False)
    with pytest.raises(clew.InputError, match="another task"):
        train_policy([data, tmp_path / "sd"], tmp_path / "bad", epochs=1, device="cpu", progress=False)


def test_cli_sudoku_cover_and_values(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "clew", "neural"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        out = subprocess.run([*cli, *args], capture_output=True, text=True, timeout=120, check=False)
        assert out.returncode == 0, out.stderr
        return out

    run("make-policy-data", "--task", "sudoku", "--n", "4", "--empty", "40-42", "--out", str(tmp_path / "d"))
    run("train-policy", str(tmp_path / "d"), "--out", str(tmp_path / "m"), "--epochs", "1", "--device", "cpu",
        "--arch", "cover", "--hidden", "8", "--rounds", "1", "--weight-decay", "0.01", "--threads", "1")
    config = json.loads((tmp_path / "m" / "epoch-001" / "config.json").read_text())
    assert config["architecture"]["arch"] == "cover" and config["architecture"]["rounds"] == 1
    out = run("eval-policy", str(tmp_path / "m"), "--task", "sudoku", "--n", "2", "--simulations", "2",
              "--value", "both", "--device", "cpu", "--threads", "1")
    assert "learned+playouts:m" in out.stdout and "learned:m" in out.stdout
