"""The package reads bottom up: its import graph has no cycles and follows the layers.

Layers, bottom up (ARCHITECTURE.md): ``_core`` -> engines (``sat``, ``sudoku``,
``countdown``) -> ``traces``, ``score`` -> ``search`` -> ``neural`` ->
``datasets``, ``bench``, ``experiments`` -> ``cli``. A module may import its
own layer or the layers below; an import that runs upwards, even one inside a
function, fails here. Every import is counted: module level, function level,
``TYPE_CHECKING`` blocks and ``importlib.import_module("clew....")`` with a
literal name, so a cycle cannot hide in a lazy import.

The source parsed is the imported package's (``clew.__file__``), so the check
also holds for an installed wheel.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import clew

ROOT = Path(clew.__file__).parent

# Module (or package prefix) -> layer. A module missing here fails the test:
# place every new module deliberately.
LAYERS: dict[str, int] = {
    "clew._core": 0,
    "clew._table": 0,  # plain text/markdown tables, no clew imports
    "clew._validation": 0,  # clew.traces.Validation, which the engines return too
    "clew._io": 0,  # sha256 and the progress bar that datasets and neural share
    "clew.sat": 1,
    "clew.sudoku": 1,
    "clew.countdown": 1,
    "clew.graph": 1,  # a formula's graph as arrays, next to the SAT engine
    "clew.traces": 2,
    "clew.score": 2,
    "clew.families": 2,  # formula generators, built on clew.sat
    "clew.env_steps": 2,
    "clew.pysat_bridge": 2,  # use_in_pysat's stand-ins, subclasses of clew.sat.Solver  # Python steps of the Countdown and Sudoku environments (EnvMCTS action indices)
    "clew.search": 3,
    "clew": 4,  # the package's __init__: the public API, re-exported from the layers below
    "clew.neural": 5,
    "clew.datasets": 6,
    "clew.bench": 6,
    "clew.experiments": 6,
    "clew.cli": 7,
    "clew.__main__": 7,
}

# Imports allowed to run upwards, as (importer, imported), each with its reason.
# Each must be lazy (inside a function), so it
# runs on first use, never while the importer loads; the cycle check leaves it
# out. Every entry is a debt: prefer moving the shared piece down.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {
    ("clew.sat", "clew.pysat_bridge"): (
        "clew.sat.use_in_pysat is the public name; the bridge's stand-in classes subclass "
        "clew.sat.Solver, so they sit above it, and use_in_pysat imports them when called"
    ),
    ("clew.sat", "clew.bench.sweep"): (
        "clew.sat.sweep is a public name for bench's sweep harness (forked runs, "
        "PySAT anchors, families), which cannot move down into the engine; "
        "clew.sat.sweep imports it when called"
    ),
}


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (the extension by its stub)."""
    found: dict[str, Path] = {}
    for path in sorted(ROOT.rglob("*.py*")):
        if path.suffix not in (".py", ".pyi") or "__pycache__" in path.parts:
            continue
        parts = ["clew", *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if path.suffix == ".py" or name not in found:
            found[name] = path
    return found


MODULES = _modules()


def _layer(module: str) -> int | None:
    """The layer of the longest LAYERS prefix of `module`."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        layer = LAYERS.get(".".join(parts[:end]))
        if layer is not None:
            return layer
    return None


def _package(module: str) -> str:
    path = MODULES[module]
    return module if path.name.startswith("__init__.") else module.rpartition(".")[0]


def _imports(module: str) -> dict[str, bool]:
    """The clew modules `module` imports anywhere in its body, each with
    whether every import of it is lazy (inside a function)."""
    if MODULES[module].suffix == ".pyi":
        return {}
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"), filename=str(MODULES[module]))
    targets: dict[str, bool] = {}
    package = _package(module)

    def add(name: str, lazy: bool) -> None:
        if not (name == "clew" or name.startswith("clew.")):
            return
        # `import clew.a.b` needs clew.a.b; an unknown tail is an attribute.
        while name not in MODULES and "." in name:
            name = name.rpartition(".")[0]
        found = [name]
        # Importing clew.a.b from outside clew.a runs clew.a's __init__ first:
        # a cycle through it is as real as a direct one.
        parent = name.rpartition(".")[0]
        while parent and parent != "clew" and not (module + ".").startswith(parent + "."):
            found.append(parent)
            parent = parent.rpartition(".")[0]
        for target in found:
            if target != module:
                targets[target] = targets.get(target, True) and lazy

    def visit(node: ast.AST, lazy: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, lazy)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                # `from clew import sat` imports the module clew.sat, not clew's __init__.
                sub = f"{source}.{alias.name}"
                add(sub if sub in MODULES else source, lazy)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            add(node.args[0].value, lazy)
        inner = lazy or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return targets


GRAPH = {module: _imports(module) for module in MODULES}


def _allowed(importer: str, imported: str) -> bool:
    """Whether ALLOWED_UPWARD lets `importer` import `imported` (or the
    packages above it, whose __init__ that import runs)."""
    return any(a == importer and (b == imported or b.startswith(imported + ".")) for a, b in ALLOWED_UPWARD)


def test_parser_sees_the_package() -> None:
    # Guards the check itself: a parser that found nothing would pass vacuously.
    assert {"clew", "clew.sat", "clew.search", "clew.cli", "clew._core"} <= set(MODULES)
    assert "clew.sat" in GRAPH["clew.cli"]
    assert "clew._core" in GRAPH["clew.sat"]
    # `from clew import countdown` counts as clew.countdown; a function-level import counts, as lazy.
    assert GRAPH["clew.datasets._tasks"]["clew.countdown"] is True
    assert GRAPH["clew.datasets._tasks"]["clew.search"] is True
    assert GRAPH["clew.sat"]["clew._core"] is False
    # Importing a package's module from outside it runs the package's __init__ too.
    assert "clew.bench" in GRAPH["clew.sat"]
    assert "clew.search" not in GRAPH["clew.search._compare"]


def test_every_module_has_a_layer() -> None:
    missing = sorted(m for m in MODULES if _layer(m) is None)
    assert not missing, f"place these modules in LAYERS: {missing}"


def test_imports_follow_the_layers() -> None:
    upward = []
    for importer, imported in sorted((a, b) for a, targets in GRAPH.items() for b in targets):
        below, above = _layer(importer), _layer(imported)
        assert below is not None and above is not None
        if above > below and not _allowed(importer, imported):
            upward.append(f"{importer} (layer {below}) imports {imported} (layer {above})")
    assert not upward, "imports that run upwards:\n" + "\n".join(upward)


def test_allowed_exceptions_are_lazy_and_still_needed() -> None:
    stale = [edge for edge in ALLOWED_UPWARD if edge[1] not in GRAPH.get(edge[0], {})]
    assert not stale, f"remove these from ALLOWED_UPWARD: {stale}"
    eager = [edge for edge in ALLOWED_UPWARD if not GRAPH[edge[0]][edge[1]]]
    assert not eager, f"these upward imports must be inside a function: {eager}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    graph = {a: {b for b in targets if not _allowed(a, b)} for a, targets in GRAPH.items()}
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_public_names_stay_where_users_import_them() -> None:
    import clew.sudoku
    from clew.sat import sweep
    from clew.search import MCTS, Comparison, EnvMCTS, compare, pass_at_k, solve  # noqa: F401
    from clew.traces import Validation

    with pytest.raises(ValueError, match="sweep needs at least one configuration"):
        sweep({}, [])  # bench's implementation answers
    verdict = clew.sudoku.validate("not a trace", "1...\n..2.\n.3..\n...4", style="compact")
    assert isinstance(verdict, Validation) and not verdict.valid
    assert clew.traces.validate("not a trace", puzzle="1...\n..2.\n.3..\n...4", style="compact") == verdict


@pytest.mark.parametrize(
    ("first", "absent"),
    [
        ("clew.sat", "clew.bench"),  # sweep comes on first use only
        ("clew.search._compare", "clew.datasets"),
        ("clew.traces", "clew.datasets"),
        ("clew.datasets._ray", "clew.bench"),
        ("clew.bench.sweep", "clew.cli"),
    ],
)
def test_each_module_imports_first_in_a_fresh_interpreter(first: str, absent: str) -> None:
    # What the static check claims, at run time: no partially initialised
    # module whichever one a user imports first, and nothing loaded from the
    # layers above clew's __init__ (which itself loads the engines to search).
    code = f"import sys, {first}; assert {absent!r} not in sys.modules, sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
