"""The installed wheel (CI's install, CLEW_EXPECT_INSTALLED=1): an abi3
extension, imported from site-packages, with no Rust toolchain in reach.
Skipped against a source tree or an editable install."""

from __future__ import annotations

import os
import shutil
import sysconfig
from importlib import metadata
from pathlib import Path

import pytest

import clew
from clew import _core

pytestmark = pytest.mark.skipif(
    os.environ.get("CLEW_EXPECT_INSTALLED") != "1", reason="checks an installed wheel (CLEW_EXPECT_INSTALLED=1)"
)


def test_clew_comes_from_site_packages() -> None:
    site = Path(sysconfig.get_paths()["platlib"]).resolve()
    assert site in Path(clew.__file__).resolve().parents
    assert site in Path(_core.__file__).resolve().parents


def test_extension_is_abi3() -> None:
    # One wheel for every CPython >= 3.10: the stable-ABI suffix, not cpython-3XY.
    assert Path(_core.__file__).name in ("_core.abi3.so", "_core.pyd"), _core.__file__
    wheel = metadata.distribution("clew").read_text("WHEEL") or ""
    tags = [line.split(": ", 1)[1] for line in wheel.splitlines() if line.startswith("Tag: ")]
    assert tags and all(tag.startswith("cp310-abi3-") for tag in tags), tags


def test_no_rust_toolchain_on_the_path() -> None:
    assert shutil.which("cargo") is None and shutil.which("rustc") is None
    assert "CARGO" not in os.environ
