"""clew without torch: everything outside clew.neural imports, clew.neural names the extra.

This blocks torch in a subprocess (``sys.modules['torch'] = None``); CI also runs the suite in a
real venv without torch, where tests/test_neural.py is skipped and this file still runs.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


def test_clew_imports_without_torch_and_clew_neural_names_the_extra() -> None:
    r = run(
        """
        import sys
        sys.modules["torch"] = None  # import torch now raises ImportError
        import clew, clew.sat, clew.graph, clew.datasets, clew.cli
        assert "torch" not in [m for m in sys.modules if sys.modules[m] is not None]
        try:
            import clew.neural
        except ImportError as exc:
            print("ERR", exc)
        else:
            raise SystemExit("clew.neural imported without torch")
        """
    )
    assert r.returncode == 0, r.stderr
    assert "pip install 'clew[neural]'" in r.stdout


def test_clew_neural_commands_without_torch_exit_1_naming_the_extra(tmp_path) -> None:
    r = run(
        f"""
        import sys
        sys.modules["torch"] = None
        from clew.cli import main
        code = main(["neural", "train-phases", {str(tmp_path)!r}, "--out", {str(tmp_path / "m")!r}])
        print("EXIT", code)
        """
    )
    assert "EXIT 1" in r.stdout, r.stdout + r.stderr
    assert "pip install 'clew[neural]'" in r.stderr
    assert "Traceback" not in r.stderr


def test_make_phase_data_needs_no_torch(tmp_path) -> None:
    src = tmp_path / "cnf"
    src.mkdir()
    (src / "a.cnf").write_text("p cnf 3 2\n1 2 0\n-1 3 0\n")
    r = run(
        f"""
        import sys, json
        sys.modules["torch"] = None
        from clew.cli import main
        print("EXIT", main(["neural", "make-phase-data", "--from", {str(src)!r}, "--out", {str(tmp_path / "d")!r}]))
        """
    )
    assert "EXIT 0" in r.stdout, r.stdout + r.stderr
    assert (tmp_path / "d" / "manifest.json").exists()
