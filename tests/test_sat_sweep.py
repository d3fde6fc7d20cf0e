"""clew.sat.sweep: configurations over families, a table and a cactus plot,
with every answer checked like `clew bench sat`."""

from __future__ import annotations

import random

import pytest

import clew
from clew.sat import sweep
from cnfgen import dimacs, php, random_ksat


def _formulas() -> dict[str, tuple[int, list[list[int]]]]:
    rng = random.Random(5)
    out: dict[str, tuple[int, list[list[int]]]] = {}
    for i in range(4):
        nv, cls = random_ksat(40, 170, rng)
        out[f"r{i}"] = (nv, cls)
    nv, cls = php(6, 5)
    out["php6"] = (nv, cls)
    return out


def test_sweep_formulas_table_and_answers() -> None:
    pytest.importorskip("pysat")
    sw = sweep(_formulas(), {"base": "default", "luby": "default,restart=luby", "plain": "minisat22"}, anchors=["minisat22"], time_limit=20, clock="cpu")
    assert sw.configs == ("base", "luby", "plain", "minisat22")
    assert sw.alarms == ()
    assert len(sw.results) == 5 * 4
    by = {(r.instance, r.solver): r.status for r in sw.results}
    for name in _formulas():
        # every configuration agrees with MiniSat; PHP(6,5) is UNSAT
        assert {by[name, c] for c in sw.configs} == {by[name, "minisat22"]}
    assert by["php6", "base"] == "UNSAT"
    table = sw.table()
    lines = table.splitlines()
    assert lines[0] == "| family | config | solved | SAT/UNSAT | PAR-2 cpu (s) | median conflicts | PAR-2 / base |"
    assert len(lines) == 2 + 4  # one family: no ALL rows
    assert all("5/5" in line for line in lines[2:])
    assert sw.to_arrow().num_rows == 20


def test_sweep_folder_files_and_cactus(tmp_path) -> None:
    pytest.importorskip("matplotlib")
    fam = tmp_path / "fam"
    fam.mkdir()
    for name, (nv, cls) in _formulas().items():
        (fam / f"{name}.cnf").write_text(dimacs(nv, cls))
    sw = sweep(tmp_path, ["default", "default,chrono=0"], time_limit=20)
    assert {r.family for r in sw.results} == {"fam"}
    assert all(r.status in ("SAT", "UNSAT") for r in sw.results)
    png = sw.cactus(tmp_path / "cactus.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    one = sweep(fam / "php6.cnf", ["default"], time_limit=20)
    assert [r.status for r in one.results] == ["UNSAT"]


def test_sweep_rejects_bad_input_before_running(tmp_path) -> None:
    with pytest.raises(clew.InputError):
        sweep(_formulas(), ["default,no_such_option=1"])
    with pytest.raises(ValueError, match="unknown anchors"):
        sweep(_formulas(), ["default"], anchors=["lingeling9"])
    with pytest.raises(FileNotFoundError):
        sweep(tmp_path / "missing", ["default"])
    with pytest.raises(ValueError, match="no CNF instances"):
        sweep(tmp_path, ["default"])
