"""clew.neural on the CPU with tiny models: training, checkpoints, resume, determinism, the
predictor seeding a solver, every bad input; and a make-phase-data -> train-phases -> eval-phases smoke."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("safetensors")

import clew  # noqa: E402
from clew.cli import main  # noqa: E402
from clew.datasets import make_phase_data  # noqa: E402
from clew.neural import PhasePredictor, Prediction, checkpoint, phase_model  # noqa: E402
from clew.neural.phases import collate, load_phase_data, phase_loss, train_phases  # noqa: E402
from clew.sat import Solver, write_dimacs  # noqa: E402
from cnfgen import random_ksat  # noqa: E402

TINY = {"dim": 8, "rounds": 2}


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def cnf_dir(path: Path, count: int = 24, num_vars: int = 20, seed: int = 3) -> Path:
    rng = random.Random(seed)
    path.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        nv, clauses = random_ksat(num_vars, int(num_vars * 3.8), rng)
        write_dimacs(nv, clauses, path / f"f{i:03d}.cnf")
    return path


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("phase")
    out = root / "data"
    make_phase_data(out, source_dir=cnf_dir(root / "cnf"), shard_size=8, progress=False)
    return out


def weights(model_dir: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return load_file(str(checkpoint.resolve(model_dir) / checkpoint.WEIGHTS))


def same_weights(a: Path, b: Path) -> bool:
    wa, wb = weights(a), weights(b)
    return wa.keys() == wb.keys() and all(np.array_equal(wa[k], wb[k]) for k in wa)


# --------------------------------------------------------------------------- phase data


def test_phase_data_rows_and_backbones(data: Path) -> None:
    manifest = json.loads((data / "manifest.json").read_text())
    assert manifest["candidates"] == 24
    assert manifest["total"] + sum(manifest["dropped"].values()) == 24
    assert manifest["total"] > 0 and manifest["dropped"]["unsat"] > 0
    import pyarrow.parquet as pq

    table = pq.read_table(data / manifest["shards"][0]["path"])
    assert table.column_names == [
        "source", "num_vars", "num_clauses", "literals", "clause_offsets", "backbone", "backbone_seconds"
    ]
    row = table.slice(0, 1).to_pylist()[0]
    offsets = row["clause_offsets"]
    clauses = [row["literals"][a:b] for a, b in zip(offsets[:-1], offsets[1:])]
    assert len(clauses) == row["num_clauses"]
    assert row["backbone"] == clew.sat.backbone(clauses)


def rows_without_times(out: Path) -> list[dict]:
    import pyarrow.parquet as pq

    manifest = json.loads((out / "manifest.json").read_text())
    rows = []
    for s in manifest["shards"]:
        rows += pq.read_table(out / s["path"]).drop(["backbone_seconds"]).to_pylist()
    return rows


def test_phase_data_resumes_after_a_kill_with_the_same_rows(tmp_path: Path, data: Path, monkeypatch) -> None:
    import clew.datasets._phases as phases_data

    src = cnf_dir(tmp_path / "cnf")
    real = phases_data._write
    calls = []

    def dying(rows, final):
        calls.append(final)
        if len(calls) == 2:
            real(rows, final.with_name("." + final.name + ".123.tmp"))  # half-written, never renamed
            raise KeyboardInterrupt
        real(rows, final)

    monkeypatch.setattr(phases_data, "_write", dying)
    with pytest.raises(KeyboardInterrupt):
        make_phase_data(tmp_path / "d", source_dir=src, shard_size=8, progress=False)
    assert not (tmp_path / "d" / "manifest.json").exists()
    monkeypatch.setattr(phases_data, "_write", real)
    manifest = make_phase_data(tmp_path / "d", source_dir=src, shard_size=8, progress=False)
    assert not list((tmp_path / "d" / "data").glob(".*"))
    assert rows_without_times(tmp_path / "d") == rows_without_times(data)
    assert manifest["dropped"] == json.loads((data / "manifest.json").read_text())["dropped"]


def test_phase_data_drops_formulas_past_the_budget(tmp_path: Path) -> None:
    manifest = make_phase_data(tmp_path / "d", source_dir=cnf_dir(tmp_path / "cnf", 6, 60), conf_budget=0,
                               progress=False)
    assert manifest["dropped"]["budget"] + manifest["dropped"]["unsat"] > 0
    assert manifest["total"] + sum(manifest["dropped"].values()) == 6


def test_phase_data_bad_options(tmp_path: Path) -> None:
    from clew.datasets import OptionError

    with pytest.raises(OptionError):
        make_phase_data(tmp_path / "x", progress=False)
    with pytest.raises(OptionError):
        make_phase_data(tmp_path / "x", source_dir=tmp_path / "missing", progress=False)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(OptionError):
        make_phase_data(tmp_path / "x", source_dir=empty, progress=False)
    assert not (tmp_path / "x").exists()


# --------------------------------------------------------------------------- training


def test_a_few_training_steps_lower_the_loss(data: Path) -> None:
    items, _ = load_phase_data(data)
    torch.manual_seed(0)
    model = phase_model.PhaseGNN(phase_model.architecture(dim=16, rounds=3))
    batch = collate(items[:8], torch.device("cpu"))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    first = float(phase_loss(model, batch).detach())
    for _ in range(30):
        opt.zero_grad()
        phase_loss(model, batch).backward()
        opt.step()
    assert float(phase_loss(model, batch).detach()) < 0.8 * first


def test_same_seed_same_weights_other_seed_other_weights(data: Path, tmp_path: Path) -> None:
    for name, seed in (("a", 0), ("b", 0), ("c", 1)):
        train_phases(data, tmp_path / name, epochs=2, seed=seed, device="cpu", progress=False, **TINY)
    assert same_weights(tmp_path / "a", tmp_path / "b")
    assert not same_weights(tmp_path / "a", tmp_path / "c")


def test_checkpoint_round_trip_and_resume(data: Path, tmp_path: Path) -> None:
    full = train_phases(data, tmp_path / "full", epochs=3, seed=4, device="cpu", progress=False, **TINY)
    assert [h["epoch"] for h in full] == [1, 2, 3]
    assert all(0 <= h["balanced_accuracy"] <= 1 for h in full)
    train_phases(data, tmp_path / "part", epochs=1, seed=4, device="cpu", progress=False, **TINY)
    resumed = train_phases(data, tmp_path / "part", epochs=3, seed=4, device="cpu", progress=False, **TINY)
    assert same_weights(tmp_path / "full", tmp_path / "part")
    assert [h["epoch"] for h in resumed] == [1, 2, 3]
    # Done already: rerunning changes nothing.
    again = train_phases(data, tmp_path / "part", epochs=3, seed=4, device="cpu", progress=False, **TINY)
    assert again == resumed
    assert sorted(p.name for p in (tmp_path / "part").iterdir()) == [
        "checkpoint.json", "epoch-001", "epoch-002", "epoch-003"
    ]
    # The loaded predictor is the trained network.
    items, _ = load_phase_data(data)
    p = PhasePredictor.load(tmp_path / "full", device="cpu")
    model = phase_model.PhaseGNN(phase_model.architecture(**TINY))
    checkpoint.load(tmp_path / "full", model)
    batch = collate(items[:1], torch.device("cpu"))
    with torch.no_grad():
        _, logit = model(batch.edge_index, batch.edge_sign, batch.node_type)
    lits, offs = first_row_flat(data)
    clauses = [lits[a:b] for a, b in zip(offs[:-1], offs[1:])]
    pred = p.predict(clauses, items[0].graph.num_vars)
    assert np.array_equal(pred.phase, np.where(logit.numpy() >= 0, 1, -1))


def first_row_flat(data: Path) -> tuple[list[int], list[int]]:
    import pyarrow.parquet as pq

    manifest = json.loads((data / "manifest.json").read_text())
    row = pq.read_table(data / manifest["shards"][0]["path"]).slice(0, 1).to_pylist()[0]
    return row["literals"], row["clause_offsets"]


def test_a_killed_checkpoint_write_leaves_the_previous_epoch(data: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "m"
    train_phases(data, out, epochs=1, seed=0, device="cpu", progress=False, **TINY)
    real = checkpoint.save_file

    def dying(tensors, path, metadata=None):
        real(tensors, path, metadata=metadata)
        raise KeyboardInterrupt  # killed after the first file of epoch 2

    monkeypatch.setattr(checkpoint, "save_file", dying)
    with pytest.raises(KeyboardInterrupt):
        train_phases(data, out, epochs=2, seed=0, device="cpu", progress=False, **TINY)
    monkeypatch.setattr(checkpoint, "save_file", real)
    assert checkpoint.resolve(out).name == "epoch-001"
    PhasePredictor.load(out, device="cpu")  # still a good checkpoint
    train_phases(data, out, epochs=2, seed=0, device="cpu", progress=False, **TINY)
    train_phases(data, tmp_path / "ref", epochs=2, seed=0, device="cpu", progress=False, **TINY)
    assert same_weights(out, tmp_path / "ref")
    assert not list(out.glob(".*"))


def test_training_refuses_another_run_in_the_same_dir(data: Path, tmp_path: Path) -> None:
    train_phases(data, tmp_path / "m", epochs=1, seed=0, device="cpu", progress=False, **TINY)
    with pytest.raises(clew.InputError, match="another training run"):
        train_phases(data, tmp_path / "m", epochs=1, seed=1, device="cpu", progress=False, **TINY)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(clew.InputError, match="holds no clew checkpoint"):
        train_phases(data, tmp_path / "other", epochs=1, device="cpu", progress=False, **TINY)
    with pytest.raises(clew.InputError, match="no manifest"):
        train_phases(tmp_path / "other", tmp_path / "m2", epochs=1, device="cpu", progress=False)


# --------------------------------------------------------------------------- the predictor


def fixed_model(path: Path, phase_bias: float, backbone_bias: float = 5.0, **arch) -> Path:
    """A phase network whose heads ignore the formula: every variable gets the same phase and confidence."""
    torch.manual_seed(0)
    config = phase_model.architecture(**{**TINY, **arch})
    model = phase_model.PhaseGNN(config)
    with torch.no_grad():
        last = model.head[-1]
        last.weight.zero_()
        last.bias.copy_(torch.tensor([backbone_bias, phase_bias]))
    checkpoint.save(path, 1, model, None, {"architecture": config})
    return path


def positive_model_formula(num_vars: int = 40, seed: int = 1) -> list[list[int]]:
    """Random 3-clauses, each with a positive literal: all-true is a model, the default phases find another."""
    rng = random.Random(seed)
    clauses = []
    while len(clauses) < 3 * num_vars:
        _, (c,) = random_ksat(num_vars, 1, rng)
        if any(lit > 0 for lit in c) and not all(lit > 0 for lit in c):
            clauses.append(c)
    return clauses


def test_predicted_phases_drive_the_first_decisions(tmp_path: Path) -> None:
    clauses = positive_model_formula()
    p = PhasePredictor.load(fixed_model(tmp_path / "pos", phase_bias=6.0), device="cpu")
    pred = p.predict(clauses)
    assert isinstance(pred, Prediction)
    assert pred.phase.dtype == np.int8 and pred.confidence.dtype == np.float32
    assert (pred.phase == 1).all() and (pred.confidence > 0.9).all()
    everything_true = list(range(1, 41))
    with Solver(bootstrap_with=clauses) as s:
        assert p.set_phases(s, clauses) == everything_true
        assert s.solve() is True
        assert s.get_model() == everything_true
        assert s.accum_stats()["conflicts"] == 0
    with Solver(bootstrap_with=clauses) as s:
        assert s.solve() is True
        assert s.get_model() != everything_true
    # Below the threshold nothing is seeded: the default phases decide.
    unsure = PhasePredictor.load(fixed_model(tmp_path / "unsure", phase_bias=6.0, backbone_bias=-5.0), device="cpu")
    with Solver(bootstrap_with=clauses) as s:
        assert unsure.set_phases(s, clauses, threshold=0.9) == []
        assert s.solve() is True
        assert s.get_model() != everything_true


def test_predict_batch_is_predict_per_formula(data: Path, tmp_path: Path) -> None:
    train_phases(data, tmp_path / "m", epochs=1, seed=0, device="cpu", progress=False, **TINY)
    p = PhasePredictor.load(tmp_path / "m", device="cpu")
    rng = random.Random(9)
    formulas = [random_ksat(n, 4 * n, rng)[1] for n in (10, 25, 17)]
    batch = p.predict_batch(formulas)
    for f, b in zip(formulas, batch):
        one = p.predict(f)
        assert np.array_equal(one.phase, b.phase)
        assert np.allclose(one.confidence, b.confidence, atol=1e-5)
    assert p.predict_batch([]) == []


def test_clew_sat_with_phases(tmp_path: Path, capsys) -> None:
    clauses = positive_model_formula()
    cnf = tmp_path / "f.cnf"
    write_dimacs(40, clauses, cnf)
    model = fixed_model(tmp_path / "pos", phase_bias=6.0)
    assert main(["sat", str(cnf), "--phases", str(model)]) == 10
    out = capsys.readouterr().out
    assert "c phases: 40 of 40 variables seeded" in out
    model_tokens = [t for line in out.splitlines() if line.startswith("v ") for t in line.split()[1:]]
    assert model_tokens == [str(v) for v in range(1, 41)] + ["0"]
    assert main(["sat", str(cnf), "--phases", str(tmp_path / "nothing")]) == 1
    assert "--phases" in capsys.readouterr().err
    empty = tmp_path / "empty.cnf"
    empty.write_text("p cnf 0 0\n")
    assert main(["sat", str(empty), "--phases", str(model)]) == 10
    assert "phases: none seeded" in capsys.readouterr().out


# --------------------------------------------------------------------------- bad input


def test_bad_formulas(tmp_path: Path) -> None:
    p = PhasePredictor.load(fixed_model(tmp_path / "m", phase_bias=1.0, max_vars=30), device="cpu")
    with pytest.raises(clew.InputError, match="empty"):
        p.predict([])
    with pytest.raises(clew.InputError, match="no variables"):
        p.predict([[]])
    with pytest.raises(clew.InputError, match="at most 30"):
        p.predict([[31, 1]])
    with pytest.raises(clew.InputError, match="at most 30"):
        p.predict_batch([[[1, 2]], [[40]]])
    with pytest.raises(clew.InputError):
        p.predict([[0, 1]])
    with pytest.raises(clew.InputError, match="threshold"):
        p.set_phases(Solver(), [[1]], threshold=1.5)


def test_bad_checkpoints(tmp_path: Path) -> None:
    good = fixed_model(tmp_path / "good", phase_bias=1.0)
    with pytest.raises(clew.CheckpointError, match="does not exist"):
        PhasePredictor.load(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(clew.CheckpointError, match="holds no checkpoint"):
        PhasePredictor.load(tmp_path / "empty")
    import shutil

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(good, target)
        return checkpoint.resolve(target)

    weights_file = copy("truncated") / checkpoint.WEIGHTS
    weights_file.write_bytes(weights_file.read_bytes()[:-100])
    with pytest.raises(clew.CheckpointError, match="truncated or was changed"):
        PhasePredictor.load(tmp_path / "truncated")
    weights_file = copy("tampered") / checkpoint.WEIGHTS
    raw = bytearray(weights_file.read_bytes())
    raw[-1] ^= 0x01
    weights_file.write_bytes(bytes(raw))
    with pytest.raises(clew.CheckpointError, match="sha256"):
        PhasePredictor.load(tmp_path / "tampered")
    (copy("gone") / checkpoint.WEIGHTS).unlink()
    with pytest.raises(clew.CheckpointError, match="missing"):
        PhasePredictor.load(tmp_path / "gone")
    (copy("badjson") / checkpoint.CONFIG).write_text("{not json")
    with pytest.raises(clew.CheckpointError, match="not valid JSON"):
        PhasePredictor.load(tmp_path / "badjson")
    # Another architecture: by name, or the same name with weights of other shapes.
    config_file = copy("other") / checkpoint.CONFIG
    config = json.loads(config_file.read_text())
    config["architecture"]["name"] = "policy-value"
    config_file.write_text(json.dumps(config))
    with pytest.raises(clew.CheckpointError, match="another architecture"):
        PhasePredictor.load(tmp_path / "other")
    config_file = copy("shapes") / checkpoint.CONFIG
    config = json.loads(config_file.read_text())
    config["architecture"]["dim"] = 16
    config_file.write_text(json.dumps(config))
    with pytest.raises(clew.CheckpointError, match="does not fit this architecture"):
        PhasePredictor.load(tmp_path / "shapes")
    with pytest.raises(clew.CheckpointError):
        PhasePredictor.load(tmp_path / "shapes" / "epoch-001" / checkpoint.WEIGHTS)
    assert isinstance(clew.CheckpointError("x"), clew.ClewError)


# --------------------------------------------------------------------------- the CLI smoke


def test_smoke_make_phase_data_train_eval(tmp_path: Path, capsys) -> None:
    d, m, e = tmp_path / "data", tmp_path / "model", tmp_path / "eval"
    assert main(["neural", "make-phase-data", "--family", "sr:n=8", "--n", "24", "--out", str(d), "--seed", "3"]) == 0
    assert json.loads((d / "manifest.json").read_text())["total"] > 0
    train = ["neural", "train-phases", str(d), "--out", str(m), "--epochs", "2", "--dim", "8", "--rounds", "2",
             "--device", "cpu"]
    assert main(train) == 0
    assert main(train) == 0  # done already: resumes at the end
    assert main(["neural", "eval-phases", str(m), "--family", "sr:n=12", "--n", "4", "--out", str(e),
                 "--device", "cpu", "--time-limit", "5"]) == 0
    out = capsys.readouterr().out
    assert "| predicted |" in out and "| default |" in out and "| random |" in out
    results = json.loads((e / "results.json").read_text())
    assert len(results["runs"]) == 4
    assert all(r[mode]["status"] == "sat" for r in results["runs"] for mode in ("predicted", "default", "random"))
    assert (e / "conflicts.png").stat().st_size > 0
    assert main(["neural", "eval-phases", str(tmp_path / "nothing"), "--family", "sr:n=12", "--n", "2"]) == 1
    assert "CheckpointError" not in capsys.readouterr().err
    assert main(["neural", "make-phase-data", "--family", "nosuch", "--n", "2", "--out", str(tmp_path / "x")]) == 2
    assert main(["neural", "make-phase-data", "--family", "sr:n=0", "--n", "2", "--out", str(tmp_path / "x")]) == 2
    assert main(["neural", "make-phase-data", "--family", "sr:size=3", "--n", "2", "--out", str(tmp_path / "x")]) == 2
    assert not (tmp_path / "x").exists()


def test_training_on_a_mix_of_data_sets(data: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    make_phase_data(other, source_dir=cnf_dir(tmp_path / "cnf", 8, 12, seed=8), progress=False)
    items, fingerprint = load_phase_data([data, other])
    assert len(items) == len(load_phase_data(data)[0]) + len(load_phase_data(other)[0])
    assert fingerprint != load_phase_data(data)[1]
    history = train_phases([data, other], tmp_path / "m", epochs=1, device="cpu", progress=False, **TINY)
    assert len(history) == 1
