"""The import table: every local alias mapped to one canonical dotted name.

Keras is reachable under many spellings (`tensorflow.keras`, `tf.keras`, `tf_keras`, `keras`,
`keras.src`); rules only ever see the canonical `keras.*` name plus the flavour it came from,
so `from tensorflow.keras import layers as L; L.Dense` and `keras.layers.Dense` are the same.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

import libcst as cst

# Longest prefixes first: (prefix, canonical replacement, flavour).
_PREFIXES: tuple[tuple[str, str, str], ...] = (
    ("tensorflow.python.keras", "keras", "tf_keras"),
    ("tensorflow.compat.v1.keras", "keras", "tf.keras"),
    ("tensorflow.compat.v2.keras", "keras", "tf.keras"),
    ("tensorflow.keras", "keras", "tf.keras"),
    ("keras.api._v2.keras", "keras", "tf_keras"),
    ("tf_keras.src", "keras", "tf_keras"),
    ("tf_keras", "keras", "tf_keras"),
    ("keras.src.legacy", "keras", "keras"),
    ("keras._tf_keras.keras", "keras", "tf.keras"),
    ("keras.src", "keras", "keras"),
    ("keras", "keras", "keras"),
)

# Sub-packages whose members are known by their last name alone (layers.core.Dense == layers.Dense).
_FLAT_PACKAGES = ("keras.layers.", "keras.optimizers.", "keras.losses.", "keras.callbacks.", "keras.metrics.")


@dataclass(frozen=True)
class Canonical:
    name: str
    flavour: str | None  # "keras", "tf.keras", "tf_keras" or None for non-Keras names


def canonicalize(dotted: str) -> Canonical:
    for prefix, repl, flavour in _PREFIXES:
        if dotted == prefix or dotted.startswith(prefix + "."):
            name = repl + dotted[len(prefix):]
            name = _flatten(name)
            return Canonical(name, flavour)
    return Canonical(dotted, None)


def _flatten(name: str) -> str:
    for pkg in _FLAT_PACKAGES:
        if name.startswith(pkg):
            rest = name[len(pkg):]
            if "." in rest:
                parts = rest.split(".")
                # keras.optimizers.schedules.ExponentialDecay keeps its sub-package.
                if parts[0] == "schedules":
                    return pkg + rest
                return pkg + parts[-1]
    if name.startswith("keras.preprocessing.image.") or name.startswith("keras.legacy.preprocessing.image."):
        return "keras.preprocessing.image." + name.rsplit(".", 1)[-1]
    return name


def dotted_name(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def snippet(module: cst.Module, node: cst.CSTNode, limit: int = 60) -> str:
    """The node's source on one line, shortened for messages."""
    try:
        text = module.code_for_node(node)
    except Exception:  # noqa: BLE001 - a node from another module, or a synthetic one
        return "?"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _module_name(node: cst.BaseExpression | None) -> str:
    if node is None:
        return ""
    return dotted_name(node) or ""


# Heads whose `from X import *` the engine follows (a star import of a local module is not).
STAR_HEADS = frozenset({"keras", "tensorflow", "tf_keras", "tensorflow_hub", "keras_hub"})
_BUILTIN_NAMES = frozenset(dir(builtins))


@dataclass
class ImportTable:
    """Local name -> full dotted name it was imported as. Relative imports keep their dots."""

    names: dict[str, str]
    # Modules imported relatively or absolutely that may be local to the project.
    modules: set[str]
    # Framework modules imported with `from X import *`, in file order.
    stars: list[str] = field(default_factory=list)

    def resolve(self, local: str) -> str | None:
        found = self.names.get(local)
        if found is None and self.stars:
            found = self._from_star(local)
        return found

    def _from_star(self, local: str) -> str | None:
        """`Dense` after `from keras.layers import *`: a name the engine knows under one of the
        star-imported modules. A name some module is known to hold (a registered function, an
        application, an optimizer) wins over a class that a family handler would take (any
        `keras.layers.X`); among equals the last import wins, as in Python. Unknown names and
        Python's builtins stay unresolved."""
        from tllint.engine import registry
        from tllint.knowledge.applications import lookup
        from tllint.knowledge.optimizers import DEFAULT_LR

        if local in _BUILTIN_NAMES:
            return None
        family = None
        for base in reversed(self.stars):
            dotted = f"{base}.{local}"
            name = canonicalize(dotted).name
            if registry.function_entry(name) is not None:
                return dotted
            if name.startswith("keras.applications."):
                if lookup(name) is not None:
                    return dotted
            elif name.startswith("keras.optimizers."):
                if local in DEFAULT_LR:
                    return dotted
            elif family is None and local[:1].isupper() and registry.prefix_handler(name) is not None:
                family = dotted
        return family


def build_import_table(module: cst.Module) -> ImportTable:
    """Collect imports anywhere in the file (function-level ones too: scripts import lazily)."""
    table = ImportTable({}, set())
    _Collector(table).walk(module)
    return table


class _Collector:
    def __init__(self, table: ImportTable) -> None:
        self.table = table

    def walk(self, node: cst.CSTNode) -> None:
        # Iterative walk over statements only: imports never live inside expressions.
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.Import):
                self._import(current)
            elif isinstance(current, cst.ImportFrom):
                self._import_from(current)
            elif isinstance(current, (cst.Module, cst.IndentedBlock)):
                stack.extend(reversed(current.body))
            elif isinstance(current, cst.SimpleStatementLine):
                stack.extend(reversed(current.body))
            elif isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.With, cst.For, cst.While)):
                stack.append(current.body)
                orelse = getattr(current, "orelse", None)
                if orelse is not None:
                    stack.append(orelse.body)
            elif isinstance(current, cst.If):
                stack.append(current.body)
                if current.orelse is not None:
                    stack.append(current.orelse)
            elif isinstance(current, cst.Else):
                stack.append(current.body)
            elif isinstance(current, cst.Try):
                stack.append(current.body)
                for handler in current.handlers:
                    stack.append(handler.body)
                if current.orelse is not None:
                    stack.append(current.orelse.body)
                if current.finalbody is not None:
                    stack.append(current.finalbody.body)
            elif isinstance(current, cst.SimpleStatementSuite):
                stack.extend(current.body)

    def _import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = _module_name(alias.name)
            if not full:
                continue
            self.table.modules.add(full)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.table.names[alias.asname.name.value] = full
            else:
                head = full.split(".")[0]
                self.table.names.setdefault(head, head)

    def _import_from(self, node: cst.ImportFrom) -> None:
        dots = "." * len(node.relative)
        base = dots + _module_name(node.module)
        self.table.modules.add(base)
        if isinstance(node.names, cst.ImportStar):
            if not dots and base.split(".")[0] in STAR_HEADS:
                self.table.stars.append(base)
            return
        for alias in node.names:
            name = _module_name(alias.name)
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            joined = f"{base}.{name}" if not base.endswith(".") else f"{base}{name}"
            self.table.names[local] = joined
