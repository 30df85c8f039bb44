"""The package stays layered: no import circles, no import from a higher layer, short modules.

Imports are read with `ast` from every module of `src/tllint`: module-level imports, imports
inside functions, and literal `importlib.import_module("tllint...")` calls; imports under
`if TYPE_CHECKING:` are left out (they never run). docs/architecture.md draws the same layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "tllint"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 150

# Bottom to top. A module belongs to the first entry whose name equals it or is a package above it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("core", ("tllint", "tllint.finding", "tllint.settings", "tllint.config", "tllint.versions",
              "tllint.rule_base", "tllint.knowledge")),
    ("sources", ("tllint.discovery", "tllint.globs", "tllint.reading", "tllint.notebook_cells",
                 "tllint.local_imports", "tllint.prefilter", "tllint.hostile", "tllint.slicing")),
    ("parse", ("tllint.parse",)),
    ("engine", ("tllint.engine",)),
    ("rules", ("tllint.rules",)),
    ("report", ("tllint.noqa", "tllint.selection", "tllint.baseline", "tllint.formats", "tllint.placement",
                "tllint.rule_docs", "tllint.fixes")),
    ("pipeline", ("tllint.analysis", "tllint.linter", "tllint.runner", "tllint.parallel", "tllint.cache",
                  "tllint.project", "tllint.notebook")),
    ("drivers", ("tllint.cli", "tllint.cli_common", "tllint.fixes.cli", "tllint.lsp", "tllint.flake8_plugin",
                 "tllint.confirm", "tllint.__main__", "tllint.ipython_ext")),
]
# `%load_ext tllint` looks the IPython hooks up on the package itself: the package root's
# `load_ipython_extension` imports the driver when IPython calls it (never at `import tllint`).
UPWARD_ENTRY_HOOKS = {("tllint", "tllint.ipython_ext")}


def module_files() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = module_files()


def layer_of(module: str) -> int:
    best, best_len = None, -1
    for index, (_, names) in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best_len:
                best, best_len = index, len(name)
    if best is None:
        raise AssertionError(f"{module} is in no layer of tests/test_architecture.py")
    return best


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skipped.update(id(sub) for sub in ast.walk(child))
    return skipped


def _known(target: str) -> str | None:
    while target and target not in MODULES:
        if "." not in target:
            return None
        target = target.rsplit(".", 1)[0]
    return target or None


def imports_of(module: str) -> dict[str, int]:
    """Modules of the package that `module` imports, with the line of the first such import."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: dict[str, int] = {}

    def add(target: str, line: int) -> None:
        known = _known(target)
        if known is not None and known != module:
            out.setdefault(known, line)

    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("tllint"):
                continue
            for alias in node.names:
                add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target, node.lineno)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module":
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                if node.args[0].value.startswith("tllint"):
                    add(node.args[0].value, node.lineno)
    return out


GRAPH = {module: imports_of(module) for module in MODULES}


def circles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for succ in GRAPH[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles():
    assert circles() == []


def test_every_module_has_a_layer():
    assert [m for m in MODULES if not any(m == n or m.startswith(n + ".") for _, ns in LAYERS for n in ns)] == []


def test_no_import_from_a_higher_layer():
    upward = []
    for module, targets in sorted(GRAPH.items()):
        for target, line in sorted(targets.items()):
            if layer_of(target) > layer_of(module) and (module, target) not in UPWARD_ENTRY_HOOKS:
                upward.append(f"{MODULES[module].relative_to(SRC)}:{line}: {module} ({LAYERS[layer_of(module)][0]}) "
                              f"imports {target} ({LAYERS[layer_of(target)][0]})")
    assert upward == []


def test_modules_are_short():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_functions_are_short():
    long = []
    for module, path in sorted(MODULES.items()):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{module}.{node.name}: {length} lines")
    assert long == []


@pytest.mark.parametrize("source, expected", [
    ("import tllint.engine.values\n", {"tllint.engine.values"}),
    ("from tllint.engine import values\n", {"tllint.engine.values"}),
    ("def f():\n    from tllint.project import Project\n", {"tllint.project"}),
    ("import importlib\nimportlib.import_module('tllint.notebook')\n", {"tllint.notebook"}),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from tllint.project import Project\n", set()),
])
def test_import_reader(tmp_path, monkeypatch, source, expected):
    probe = PACKAGE / "engine" / "values.py"
    monkeypatch.setitem(MODULES, "tllint.probe_module", tmp_path / "probe_module.py")
    (tmp_path / "probe_module.py").write_text(source)
    assert probe.exists()
    found = set(imports_of("tllint.probe_module"))
    assert found == expected
