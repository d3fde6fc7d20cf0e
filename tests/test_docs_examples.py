"""Every ```python block of README.md and docs/*.md runs as written.

A page's blocks run in order in one namespace (later blocks use earlier
names), in a fresh temporary directory. Conventions (docs/index.md, "Examples
in these docs"):

* ``expr  # -> expected`` checks ``expr == expected`` (numbers compared with
  ``math.isclose``); ``name = expr  # -> expected`` checks ``name``. The text
  after ``# ->`` must be a Python expression: a description belongs in an
  ordinary comment.
* ``<!-- no-test: reason -->`` on the line before a fence skips that block; the
  reason is required.

The README's relative links must name files of the repository.
"""

from __future__ import annotations

import ast
import io
import math
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
ARROW = "# ->"
NO_TEST = re.compile(r"^<!--\s*no-test:\s*(?P<reason>.*?)\s*-->$")


@dataclass
class Block:
    path: Path
    line: int  # 1-based line of the first code line
    code: str
    skip: str | None  # the no-test reason, if marked


def blocks(path: Path) -> list[Block]:
    """The ```python blocks of a markdown page, with their no-test markers."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        fence = lines[i].strip()
        if fence.startswith("```"):
            lang = fence[3:].strip()
            start = i + 1
            j = start
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            if j == len(lines):
                raise AssertionError(f"{path.name}:{i + 1}: unclosed code fence")
            if lang == "python":
                prev = next((lines[k].strip() for k in range(i - 1, -1, -1) if lines[k].strip()), "")
                marker = NO_TEST.match(prev)
                if marker and not marker["reason"]:
                    raise AssertionError(f"{path.name}:{i}: a no-test marker needs a reason")
                found.append(Block(path, start + 1, "\n".join(lines[start:j]) + "\n", marker["reason"] if marker else None))
            i = j + 1
        else:
            i += 1
    return found


def _arrows(code: str) -> dict[int, str]:
    """Line number -> the expected-value source of each ``# -> ...`` comment."""
    out = {}
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.COMMENT and tok.string.startswith(ARROW):
            out[tok.start[0]] = tok.string[len(ARROW) :].strip()
    return out


def _equal(actual: object, expected: object) -> bool:
    numbers = (int, float)
    if isinstance(actual, numbers) and isinstance(expected, numbers) and not isinstance(actual, bool):
        return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12)
    return bool(actual == expected)


def _check(actual: object, expected: object, where: str) -> None:
    assert _equal(actual, expected), f"{where}: got {actual!r}, the doc says {expected!r}"


class _Arrows(ast.NodeTransformer):
    """Turns each statement that ends on a ``# ->`` line into a checked one."""

    def __init__(self, arrows: dict[int, str], block: Block) -> None:
        self.arrows = arrows
        self.block = block
        self.used: set[int] = set()

    def _call(self, value: ast.expr, line: int) -> ast.stmt:
        src = self.arrows[line]
        try:
            expected = ast.parse(src, mode="eval").body
        except SyntaxError:
            raise AssertionError(f"{self._where(line)}: '# -> {src}' is not a Python expression") from None
        self.used.add(line)
        call = ast.Call(ast.Name("__check__", ast.Load()), [value, expected, ast.Constant(self._where(line))], [])
        return ast.Expr(call)

    def _where(self, line: int) -> str:
        return f"{_page_id(self.block.path)}:{self.block.line + line - 1}"

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        if node.end_lineno in self.arrows:
            return ast.copy_location(self._call(node.value, node.end_lineno), node)
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.AST | list[ast.stmt]:
        if node.end_lineno in self.arrows:
            if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
                raise AssertionError(f"{self._where(node.end_lineno)}: '# ->' after an assignment needs one plain name")
            check = self._call(ast.Name(node.targets[0].id, ast.Load()), node.end_lineno)
            return [node, ast.copy_location(check, node)]
        return node


def compile_block(block: Block) -> object:
    """The block's code, with every ``# ->`` comment turned into a check."""
    tree = ast.parse(block.code, filename=str(block.path))
    arrows = _arrows(block.code)
    rewriter = _Arrows(arrows, block)
    tree = ast.fix_missing_locations(rewriter.visit(tree))
    stray = sorted(set(arrows) - rewriter.used)
    assert not stray, f"{rewriter._where(stray[0])}: '# ->' must end an expression or a 'name = ...' statement"
    # Offset line numbers so tracebacks point into the markdown page.
    ast.increment_lineno(tree, block.line - 1)
    return compile(tree, str(block.path), "exec")


def _page_id(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


@pytest.mark.parametrize("page", [p for p in PAGES if blocks(p)], ids=_page_id)
def test_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__", "__check__": _check}
    for block in blocks(page):
        if block.skip is None:
            exec(compile_block(block), namespace)


def test_arrow_convention_catches_a_wrong_value(tmp_path: Path) -> None:
    wrong = Block(tmp_path / "x.md", 1, "x = 1 + 1  # -> 3\n", None)
    with pytest.raises(AssertionError, match="got 2, the doc says 3"):
        exec(compile_block(wrong), {"__check__": _check})
    right = Block(tmp_path / "x.md", 1, "0.1 + 0.2  # -> 0.3\nlen('ab')  # -> 2\n", None)
    exec(compile_block(right), {"__check__": _check})
    stray = Block(tmp_path / "x.md", 1, "for i in range(2):  # -> 1\n    pass\n", None)
    with pytest.raises(AssertionError, match="must end an expression"):
        compile_block(stray)


def test_no_test_markers_name_a_reason(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("<!-- no-test: needs /work/shared -->\n```python\n1/0\n```\n\n```python\nx = 1\n```\n")
    found = blocks(page)
    assert [b.skip for b in found] == ["needs /work/shared", None]
    page.write_text("<!-- no-test: -->\n```python\n1/0\n```\n")
    with pytest.raises(AssertionError, match="needs a reason"):
        blocks(page)


LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_readme_links_resolve() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    assert targets, "the README links to nothing in the repository"
    missing = [t for t in targets if not (ROOT / t.split("#")[0]).exists()]
    assert not missing, f"README links to files that do not exist: {missing}"
