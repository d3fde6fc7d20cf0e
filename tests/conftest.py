"""Shared test configuration: hypothesis profiles, and which clew is tested.

Select with HYPOTHESIS_PROFILE=...: ``ci`` (default; derandomized, the example
counts the suite is sized for), ``dev`` (a quick pass, 1/5 of the examples)
and ``thorough`` (10x the examples, for a long local run). Test modules scale
their example counts with ``helpers.examples``.

With CLEW_EXPECT_INSTALLED=1 (CI, ``./dev install-wheel``) the session refuses
to start unless ``clew`` is imported from the environment's site-packages,
so a source tree on ``sys.path`` cannot stand in for the installed wheel.
"""

from __future__ import annotations

import os
import signal
import sys
import sysconfig
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

for _name in ("ci", "dev", "thorough"):
    settings.register_profile(
        _name,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# A shell without job control starts background commands with SIGINT ignored, and
# then Python installs no KeyboardInterrupt handler: the Ctrl-C tests (which use
# _thread.interrupt_main) would hang. Give the session Python's usual handler.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CLEW_EXPECT_INSTALLED") != "1":
        return
    import clew

    where = Path(clew.__file__).resolve()
    site = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
    if not any(s in where.parents for s in site):
        raise pytest.UsageError(f"CLEW_EXPECT_INSTALLED=1 but clew is imported from {where}, not from {sorted(map(str, site))}")
