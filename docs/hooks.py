"""MkDocs hooks.

* The nav lists every planned page. Pages other branches are writing
  (``PENDING``) are left out of the nav while absent, with a log line; any
  other missing page still fails `mkdocs build --strict`.
* Docstrings use Sphinx roles (``:func:`x` ``); markdown renders them as
  ``:func:<code>x</code>``, so the role prefix is dropped from the HTML.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.hooks.clew")
PENDING = frozenset({"cli.md", "development.md", "datasets-notes.md", "neural.md"})
_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|attr|data|exc|obj):<code>~?")


def _present(entries: list[Any], docs: Path) -> list[Any]:
    kept = []
    for entry in entries:
        if isinstance(entry, dict):
            (title, target), = entry.items()
            if isinstance(target, list):
                target = _present(target, docs)
                if target:
                    kept.append({title: target})
            elif target in PENDING and not (docs / target).is_file():
                log.info("nav: %s (%s) is not written yet, left out", title, target)
            else:
                kept.append(entry)
        else:
            kept.append(entry)
    return kept


def on_config(config: Any) -> Any:
    if config["nav"]:
        config["nav"] = _present(config["nav"], Path(config["docs_dir"]))
    return config


def on_page_content(html: str, **kwargs: Any) -> str:
    return _ROLE.sub("<code>", html)
