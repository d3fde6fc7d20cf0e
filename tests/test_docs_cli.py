"""docs/cli.md stays true: every command has its section, and the examples
that need no files (``clew sudoku``, ``clew countdown``) print what the page shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from clew.cli import main

PAGE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def examples() -> list[tuple[str, str]]:
    """(command line, the output shown after it) of each ``$ clew`` line in the page's console blocks."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", PAGE.read_text(), re.S):
        parts = re.split(r"^\$ ", block, flags=re.M)[1:]
        for part in parts:
            command, _, shown = part.partition("\n")
            found.append((command, shown))
    return found


def test_every_command_has_a_section(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    commands = re.findall(r"^    (\w+)", capsys.readouterr().out, re.M)
    text = PAGE.read_text()
    for command in commands:
        assert re.search(rf"^## .*clew {command}\b", text, re.M), command


@pytest.mark.parametrize("command,shown", [e for e in examples() if e[0].split()[1] in ("sudoku", "countdown")])
def test_puzzle_examples_print_what_the_page_shows(
    command: str, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(shlex.split(command)[1:])
    assert capsys.readouterr().out.rstrip("\n") == shown.rstrip("\n")
