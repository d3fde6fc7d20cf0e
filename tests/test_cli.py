"""The ``clew`` command: SAT-competition output, exit codes, proofs, errors, demo."""

from __future__ import annotations

import lzma
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clew import __version__
from clew.cli import main, v_lines
from cnfgen import dimacs, php, random_ksat
from helpers import binary_drat_to_text, drat_check, satisfies


def clew(*args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clew", *args], input=stdin, capture_output=True, text=True, timeout=timeout
    )


def write(tmp_path: Path, name: str, num_vars: int, clauses: list[list[int]]) -> Path:
    path = tmp_path / name
    path.write_text(dimacs(num_vars, clauses))
    return path


def parse_output(stdout: str) -> tuple[list[str], list[int] | None]:
    """(s lines, model from the v lines or None); checks the v-line format."""
    s_lines = [line for line in stdout.splitlines() if line.startswith("s ")]
    v = [line for line in stdout.splitlines() if line.startswith("v")]
    for line in stdout.splitlines():
        assert line[:2] in ("c ", "s ", "v ") or line == "c", line
    if not v:
        return s_lines, None
    for line in v:
        assert line.startswith("v ") and len(line) <= 78, line
    lits = [int(tok) for line in v for tok in line.split()[1:]]
    assert lits[-1] == 0 and 0 not in lits[:-1]
    return s_lines, lits[:-1]


def test_sat_output_covers_header_variables(tmp_path: Path) -> None:
    # variables 4..12 appear in no clause; the v lines must still cover 1..12
    path = write(tmp_path, "sat.cnf", 12, [[1, -2], [2, 3], [-3]])
    result = clew("sat", str(path))
    assert result.returncode == 10, result.stderr
    s_lines, model = parse_output(result.stdout)
    assert s_lines == ["s SATISFIABLE"]
    assert model is not None and [abs(x) for x in model] == list(range(1, 13))
    assert satisfies([[1, -2], [2, 3], [-3]], model)
    assert "c " in result.stdout  # statistics as comments


def test_long_models_wrap(tmp_path: Path) -> None:
    import random

    num_vars, clauses = random_ksat(400, 1200, random.Random(5))
    path = write(tmp_path, "big.cnf", num_vars, clauses)
    result = clew("sat", str(path), "--quiet")
    assert result.returncode == 10
    s_lines, model = parse_output(result.stdout)
    assert s_lines == ["s SATISFIABLE"] and satisfies(clauses, model)
    assert [abs(x) for x in model or []] == list(range(1, 401))
    assert all(line[0] in "sv" for line in result.stdout.splitlines())
    assert sum(1 for line in result.stdout.splitlines() if line.startswith("v")) > 10


def test_unsat_with_text_proof(tmp_path: Path) -> None:
    num_vars, clauses = php(7, 6)
    path = write(tmp_path, "php.cnf", num_vars, clauses)
    proof = tmp_path / "php.drat"
    result = clew("sat", str(path), "--proof", str(proof))
    assert result.returncode == 20, result.stderr
    assert parse_output(result.stdout) == (["s UNSATISFIABLE"], None)
    check = drat_check(num_vars, clauses, proof.read_text())
    assert check.ok, check.reason


def test_unsat_with_binary_proof(tmp_path: Path) -> None:
    num_vars, clauses = php(6, 5)
    path = write(tmp_path, "php.cnf", num_vars, clauses)
    proof = tmp_path / "php.bdrat"
    result = clew("sat", str(path), "--proof", str(proof), "--binary-proof", "--config", "glucose")
    assert result.returncode == 20, result.stderr
    data = proof.read_bytes()
    assert data[:1] in (b"a", b"d")
    assert drat_check(num_vars, clauses, binary_drat_to_text(data)).ok


@pytest.mark.slow
def test_time_limit_gives_unknown(tmp_path: Path) -> None:
    path = write(tmp_path, "php11.cnf", *php(12, 11))
    started = time.perf_counter()
    result = clew("sat", str(path), "--time-limit", "0.5")
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert parse_output(result.stdout) == (["s UNKNOWN"], None)
    assert elapsed < 10


def test_malformed_input(tmp_path: Path) -> None:
    path = tmp_path / "bad.cnf"
    path.write_text("p cnf 3 1\nc comment\n1 4 0\n")
    result = clew("sat", str(path))
    assert result.returncode == 1
    assert "line 3: literal 4 exceeds the 3 variables declared" in result.stderr
    assert result.stderr.startswith("clew: error: ")
    assert "s " not in result.stdout


def test_unreadable_input(tmp_path: Path) -> None:
    result = clew("sat", str(tmp_path / "missing.cnf"))
    assert result.returncode == 1
    assert "missing.cnf" in result.stderr and "clew: error:" in result.stderr
    corrupt = tmp_path / "corrupt.cnf.xz"
    corrupt.write_bytes(lzma.compress(b"p cnf 1 1\n1 0\n" * 100)[:40])
    result = clew("sat", str(corrupt))
    assert result.returncode == 1 and "decompress" in result.stderr


def test_clause_count_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "count.cnf"
    path.write_text("p cnf 2 3\n1 0\n2 0\n")
    strict = clew("sat", str(path))
    assert strict.returncode == 1 and "line 3: the header declares 3 clauses but 2 were found" in strict.stderr
    relaxed = clew("sat", str(path), "--relaxed")
    assert relaxed.returncode == 10 and "warning" in relaxed.stderr


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["sat"],
        ["nosuchcommand"],
        ["sat", "x.cnf", "--bogus"],
        ["sat", "x.cnf", "--config", "nosuchconfig"],
        ["sat", "x.cnf", "--config", "default,nosuchoption=1"],
        ["sat", "x.cnf", "--config", "default,chrono=many"],
        ["sat", "x.cnf", "--time-limit", "-1"],
        ["sat", "x.cnf", "--time-limit", "soon"],
        ["sat", "x.cnf", "--binary-proof"],
    ],
)
def test_bad_usage(args: list[str]) -> None:
    result = clew(*args)
    assert result.returncode == 2, (args, result.stderr)
    assert "usage:" in result.stderr


def test_compressed_and_stdin(tmp_path: Path) -> None:
    num_vars, clauses = php(4, 3)
    path = tmp_path / "php.cnf.xz"
    path.write_bytes(lzma.compress(dimacs(num_vars, clauses).encode()))
    assert clew("sat", str(path), "-q").stdout == "s UNSATISFIABLE\n"
    result = clew("sat", "-", "-q", stdin=dimacs(3, [[1], [-2], [3]]))
    assert result.returncode == 10
    assert result.stdout == "s SATISFIABLE\nv 1 -2 3 0\n"


def test_version() -> None:
    result = clew("--version")
    assert result.returncode == 0
    assert result.stdout.startswith(f"clew {__version__}")


def test_demo() -> None:
    result = clew("demo")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "39989 x 49999 = 1999410011 (correct)" in result.stdout
    assert "(25-5)*(8-4) = 80 (correct)" in result.stdout
    assert "every step replayed: valid" in result.stdout
    assert "unique: yes" in result.stdout
    assert "UNSATISFIABLE" in result.stdout
    assert "VERIFIED" in result.stdout or "install dratify" in result.stdout


def test_bench_is_delegated() -> None:
    result = clew("bench", "sat", "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: clew bench sat" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_prints_unknown_and_dies_by_the_signal(tmp_path: Path, sig: signal.Signals) -> None:
    path = write(tmp_path, "php11.cnf", *php(12, 11))
    proof = tmp_path / "partial.drat"
    child = subprocess.Popen(
        [sys.executable, "-m", "clew", "sat", str(path), "--proof", str(proof)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    first = child.stdout.readline()  # the banner: the child is running
    assert first.startswith("c clew")
    time.sleep(1.0)
    sent = time.perf_counter()
    child.send_signal(sig)
    stdout, stderr = child.communicate(timeout=30)
    latency = time.perf_counter() - sent
    assert child.returncode == -sig, (child.returncode, stderr)
    assert latency < 2.0
    assert f"c caught signal {int(sig)} ({sig.name})" in stdout
    assert parse_output(first + stdout)[0] == ["s UNKNOWN"]
    assert "conflicts" in stdout
    assert proof.stat().st_size > 0  # the partial proof was flushed


# ---------------------------------------------------------------------------
# in-process
# ---------------------------------------------------------------------------


def test_main_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "u.cnf", 2, [[1, 2], [-1, 2], [1, -2], [-1, -2]])
    assert main(["sat", str(path)]) == 20
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "s UNSATISFIABLE"
    assert main(["sat", str(path), "--quiet", "--config", "luby"]) == 20
    assert capsys.readouterr().out == "s UNSATISFIABLE\n"
    assert main(["sat", str(path), "--quiet", "--config", "luby,chrono=1,stable=1"]) == 20
    assert capsys.readouterr().out == "s UNSATISFIABLE\n"
    with pytest.raises(SystemExit) as info:
        main(["sat"])
    assert info.value.code == 2


def test_v_lines() -> None:
    assert list(v_lines([])) == ["v 0"]
    assert list(v_lines([1, -2])) == ["v 1 -2 0"]
    model = [(-1) ** v * v for v in range(1, 2001)]
    lines = list(v_lines(model))
    assert all(len(line) <= 78 and line.startswith("v ") for line in lines)
    assert [int(t) for line in lines for t in line.split()[1:]] == [*model, 0]
