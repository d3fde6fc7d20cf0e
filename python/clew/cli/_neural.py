"""``clew neural ...``: registered here, defined in :mod:`clew.neural.cli`, which is
imported only when ``clew neural`` runs (it needs torch, the ``neural`` extra).

``clew.neural.cli`` provides ``add_arguments(parser)`` (its own actions, each
with ``set_defaults(func=...)``), as the ``clew bench`` modules do.
"""

from __future__ import annotations

import importlib

from clew.cli._common import Subparsers, add_command

HELP = "train and use neural models on clew's tasks (needs the neural extra: pip install 'clew[neural]')"


class NeuralUnavailable(Exception):
    """``clew neural`` cannot run here; the message says why and what to install."""


def add_parser(subparsers: Subparsers, load: bool) -> None:
    """Register ``clew neural``; with ``load``, import its module and let it add its actions."""
    parser = add_command(subparsers, "neural", help=HELP, description=HELP)
    if not load:
        return
    try:
        module = importlib.import_module("clew.neural.cli")
    except ModuleNotFoundError as exc:
        if exc.name is not None and exc.name.startswith("clew"):
            raise NeuralUnavailable(f"clew neural is not part of this build ({exc.name} is missing)") from None
        raise NeuralUnavailable(f"clew neural needs the neural extra ({exc}); try: pip install 'clew[neural]'") from None
    except ImportError as exc:
        raise NeuralUnavailable(f"clew neural needs the neural extra ({exc}); try: pip install 'clew[neural]'") from None
    module.add_arguments(parser)


__all__ = ["NeuralUnavailable", "add_parser"]
