"""What fixers build with: the parsed module's structure, names spelled in the file's own import
style, and a `Change` that collects LibCST operations and renders them as a verified `Fix`."""

from __future__ import annotations

import ast
from typing import Callable, Iterator, Union

import libcst as cst

from tllint.engine.imports import canonicalize, dotted_name
from tllint.finding import Fix
from tllint.fixes._edits import edits_between

BODY = (cst.Module, cst.IndentedBlock)
SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
LOOPS = (cst.For, cst.While)
NodeOp = Callable[[cst.CSTNode], Union[cst.CSTNode, cst.FlattenSentinel, cst.RemovalSentinel]]


class FixContext:
    """Per-script helpers for fixers; built once per script (cached on it)."""

    def __init__(self, script) -> None:
        self.script = script
        self.module: cst.Module = script.module
        self.source: str = script.source
        self.settings = script.settings
        self._parents: dict[int, cst.CSTNode] | None = None
        self._partial: dict[int, tuple[cst.CSTNode, cst.CSTNode]] = {}
        self._imports: list[tuple[str, str]] | None = None

    @classmethod
    def of(cls, script) -> "FixContext":
        ctx = script.__dict__.get("_fix_context")
        if ctx is None:
            ctx = cls(script)
            script.__dict__["_fix_context"] = ctx
        return ctx

    # ------------------------------------------------------------------ structure
    @property
    def parents(self) -> dict[int, cst.CSTNode]:
        if self._parents is None:
            parents: dict[int, cst.CSTNode] = {}
            stack: list[cst.CSTNode] = [self.module]
            while stack:
                node = stack.pop()
                for child in node.children:
                    parents[id(child)] = node
                    stack.append(child)
            self._parents = parents
        return self._parents

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        if self._parents is not None:
            return self._parents.get(id(node))
        known = self._partial.get(id(node))
        if known is not None:
            return known[1]
        path = self._path_to(node)
        if path is None:
            return self.parents.get(id(node))
        for parent, child in zip(path, path[1:]):
            self._partial[id(child)] = (child, parent)
        return path[-2] if len(path) > 1 else None

    def _path_to(self, target: cst.CSTNode) -> list[cst.CSTNode] | None:
        """Root-to-node path, descending only into the child whose source range holds the node
        (the script's positions are already computed: no walk over the whole module)."""
        if target is self.module:
            return [self.module]
        where = self.script.position(target)
        if where is None:
            return None
        want = ((where.start.line, where.start.column), (where.end.line, where.end.column))
        path = [self.module]
        node: cst.CSTNode = self.module
        while node is not target:
            step = None
            for child in node.children:
                if child is target:
                    step = child
                    break
                pos = self.script.position(child)
                if pos is None:
                    continue
                start, end = (pos.start.line, pos.start.column), (pos.end.line, pos.end.column)
                if start < end and start <= want[0] and want[1] <= end:
                    step = child
                    break
            if step is None:
                return None
            path.append(step)
            node = step
        return path

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def statement_of(self, node: cst.CSTNode, *, compound: bool = False) -> cst.BaseStatement | None:
        """The statement (in a statement body) that holds `node`; None inside one-line suites.

        A node in the header of a compound statement (`for x in f(...)`) gives that statement only
        with `compound=True`.
        """
        current: cst.CSTNode | None = node
        while current is not None:
            parent = self.parent(current)
            if isinstance(current, cst.SimpleStatementLine):
                return current if isinstance(parent, BODY) else None
            if isinstance(current, cst.SimpleStatementSuite):
                return None
            if isinstance(current, cst.BaseCompoundStatement):
                if current is node or compound:
                    return current if isinstance(parent, BODY) else None
                return None
            current = parent
        return None

    def body_of(self, stmt: cst.BaseStatement) -> cst.CSTNode | None:
        parent = self.parent(stmt)
        return parent if isinstance(parent, BODY) else None

    def scope_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The nearest function, class or lambda around `node` (None: module level)."""
        for anc in self.ancestors(node):
            if isinstance(anc, SCOPES):
                return anc
        return None

    def loops_around(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        out = []
        for anc in self.ancestors(node):
            if isinstance(anc, SCOPES):
                break
            if isinstance(anc, LOOPS):
                out.append(anc)
        return out

    def same_scope(self, a: cst.CSTNode, b: cst.CSTNode) -> bool:
        return self.scope_of(a) is self.scope_of(b)

    def line(self, node: cst.CSTNode) -> int:
        return self.script.line(node)

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def parse_expr(self, text: str) -> cst.BaseExpression:
        return cst.parse_expression(text, config=self.module.config_for_parsing)

    def parse_stmt(self, text: str) -> cst.BaseStatement:
        return cst.parse_statement(text + self.module.default_newline, config=self.module.config_for_parsing)

    # ------------------------------------------------------------------ names in the file's style
    @property
    def top_imports(self) -> list[tuple[str, str]]:
        """(local name, full dotted name) of the imports at module level (also in top-level try/if)."""
        if self._imports is None:
            found: list[tuple[str, str]] = []
            for stmt in _top_statements(self.module.body):
                for small in stmt.body:
                    if isinstance(small, cst.Import):
                        for alias in small.names:
                            full = dotted_name(alias.name) or ""
                            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                                found.append((alias.asname.name.value, full))
                            elif full:
                                head = full.split(".")[0]
                                found.append((head, head))
                    elif isinstance(small, cst.ImportFrom) and not small.relative and not isinstance(small.names, cst.ImportStar):
                        base = dotted_name(small.module) if small.module is not None else None
                        if not base:
                            continue
                        for alias in small.names:
                            name = dotted_name(alias.name) or ""
                            local = name
                            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                                local = alias.asname.name.value
                            found.append((local, f"{base}.{name}"))
            self._imports = found
        return self._imports

    def spelling(self, canonical: str) -> str | None:
        """How the file can already say `canonical` (a `keras.*` name), or None."""
        best: tuple[int, str] | None = None
        tf_local = None
        for local, full in self.top_imports:
            if full == "tensorflow":
                tf_local = tf_local or local
                continue
            c = canonicalize(full)
            if c.flavour is None:
                continue
            if c.name == canonical:
                return local
            if canonical.startswith(c.name + ".") and full.endswith(c.name[len("keras"):]):
                score = len(c.name)
                if best is None or score > best[0]:
                    best = (score, local + canonical[len(c.name):])
        if best is not None:
            return best[1]
        if tf_local is not None and canonical.startswith("keras."):
            return f"{tf_local}.{canonical}"
        return None

    def keras_root(self) -> str:
        """The package the file imports Keras from: "tensorflow.keras", "tf_keras" or "keras"."""
        for _, full in self.top_imports:
            c = canonicalize(full)
            if c.flavour is not None and full.endswith(c.name[len("keras"):]):
                return full[: len(full) - (len(c.name) - len("keras"))]
        for _, full in self.top_imports:
            if full.split(".")[0] == "tensorflow":
                return "tensorflow.keras"
        return "keras"

    def indexes_layers(self) -> bool:
        """The file picks layers by position (`model.layers[0]`): inserting a layer would shift them."""
        import re

        backbones = {b.var for b in self.script.backbones if b.var}
        for m in re.finditer(r"([\w.\]\[]*?)(\w+)\.layers\s*\[\s*-?\s*\d", self.source):
            if m.group(2) not in backbones:
                return True  # (a backbone's own layers do not move)
        return False

    def local_bound(self, name: str) -> bool:
        return any(local == name for local, _ in self.top_imports)


def _top_statements(body) -> Iterator[cst.SimpleStatementLine]:
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            yield stmt
        elif isinstance(stmt, cst.Try):
            yield from _top_statements(stmt.body.body)
            for handler in stmt.handlers:
                yield from _top_statements(handler.body.body)
        elif isinstance(stmt, cst.If):
            yield from _top_statements(stmt.body.body)
            orelse = stmt.orelse
            while orelse is not None:
                yield from _top_statements(orelse.body.body)
                orelse = getattr(orelse, "orelse", None)


def _is_import_line(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
    )


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


class Change:
    """LibCST operations on one module, rendered as one verified Fix."""

    def __init__(self, ctx: FixContext) -> None:
        self.ctx = ctx
        self.ops: dict[int, tuple[cst.CSTNode, list[NodeOp]]] = {}
        self.imports: list[str] = []

    # ------------------------------------------------------------------ names
    def name(self, canonical: str) -> str:
        """Spell `canonical` (e.g. `keras.layers.GlobalAveragePooling2D`) in the file's style,
        scheduling an import when the file has none that reaches it."""
        spelled = self.ctx.spelling(canonical)
        if spelled is not None:
            return spelled
        root = self.ctx.keras_root()
        module, _, last = canonical.rpartition(".")
        uses_from = any(
            canonicalize(full).flavour is not None and "." in full and local == full.rsplit(".", 1)[-1]
            for local, full in self.ctx.top_imports
        )
        has_module_import = any(canonicalize(full).name == "keras" for _, full in self.ctx.top_imports)
        if uses_from and not has_module_import and not self.ctx.local_bound(last):
            self._import(f"from {root}{module[len('keras'):]} import {last}")
            return last
        if root == "keras":
            self._import("import keras")
        else:
            parent, _, leaf = root.rpartition(".")
            self._import(f"from {parent} import {leaf}" if parent else f"import {root}")
        return "keras" + canonical[len("keras"):]

    def _import(self, line: str) -> None:
        if line not in self.imports:
            self.imports.append(line)

    # ------------------------------------------------------------------ operations
    def _add(self, node: cst.CSTNode, op: NodeOp) -> None:
        self.ops.setdefault(id(node), (node, []))[1].append(op)

    def replace(self, node: cst.CSTNode, new: cst.CSTNode | NodeOp) -> None:
        self._add(node, new if callable(new) else (lambda _updated, new=new: new))

    def insert_before(self, stmt: cst.BaseStatement, lines: list[str]) -> None:
        new = [self.ctx.parse_stmt(line) for line in lines]

        def op(updated):
            if isinstance(updated, cst.FlattenSentinel):
                nodes = list(updated.nodes)
            else:
                nodes = [updated]
            first = nodes[0]
            moved = [new[0].with_changes(leading_lines=first.leading_lines), *new[1:]]
            return cst.FlattenSentinel([*moved, first.with_changes(leading_lines=()), *nodes[1:]])

        self._add(stmt, op)

    def insert_after(self, stmt: cst.BaseStatement, lines: list[str]) -> None:
        new = [self.ctx.parse_stmt(line) for line in lines]

        def op(updated):
            nodes = list(updated.nodes) if isinstance(updated, cst.FlattenSentinel) else [updated]
            return cst.FlattenSentinel([*nodes, *new])

        self._add(stmt, op)

    def remove(self, stmt: cst.BaseStatement) -> None:
        body = self.ctx.body_of(stmt)
        if isinstance(body, cst.IndentedBlock) and len(body.body) == 1:
            self.replace(stmt, lambda updated: cst.SimpleStatementLine([cst.Pass()], leading_lines=updated.leading_lines))
        else:
            self._add(stmt, lambda _updated: cst.RemovalSentinel.REMOVE)

    # ------------------------------------------------------------------ rendering
    def render(self) -> str | None:
        if not self.ops and not self.imports:
            return None
        new_module = self.ctx.module.visit(_Apply(self.ops, self._on_paths())) if self.ops else self.ctx.module
        if self.imports:
            new_module = _add_imports(new_module, [self.ctx.parse_stmt(line) for line in self.imports])
        return new_module.code

    def _on_paths(self) -> set[int] | None:
        """Ids of every node on the way to a target (None: visit everything)."""
        ids: set[int] = set()
        for node, _ops in self.ops.values():
            path = self.ctx._path_to(node)
            if path is None:
                return None
            ids.update(id(n) for n in path)
        return ids

    def fix(self, applicability: str, description: str) -> Fix | None:
        try:
            new = self.render()
        except Exception:  # noqa: BLE001 - a transformation that LibCST refuses is no fix
            return None
        if new is None or new == self.ctx.source or not parses(new, full=False):
            return None
        edits = edits_between(self.ctx.source, new)
        if not edits:
            return None
        return Fix(applicability, description, edits)


def parses(text: str, *, full: bool = True) -> bool:
    """The text parses (Python's parser; with `full`, LibCST's too, as before writing a file)."""
    try:
        ast.parse(text)
        if full:
            cst.parse_module(text)
    except Exception:  # noqa: BLE001
        return False
    return True


class _Apply(cst.CSTTransformer):
    def __init__(self, ops: dict[int, tuple[cst.CSTNode, list[NodeOp]]], paths: set[int] | None = None) -> None:
        super().__init__()
        self.ops = ops
        self.paths = paths

    def on_visit(self, node) -> bool:
        return self.paths is None or id(node) in self.paths

    def on_leave(self, original_node, updated_node):
        entry = self.ops.get(id(original_node))
        if entry is None or entry[0] is not original_node:
            return updated_node
        result = updated_node
        for op in entry[1]:
            if isinstance(result, cst.RemovalSentinel):
                break
            result = op(result)
        return result


def _add_imports(module: cst.Module, stmts: list[cst.BaseStatement]) -> cst.Module:
    body = list(module.body)
    index = 0
    for i, stmt in enumerate(body):
        if _is_import_line(stmt):
            index = i + 1
    if index == 0:
        # No import at the top: after the docstring and `from __future__` lines.
        while index < len(body) and _is_docstring(body[index]):
            index += 1
    if index == 0 and body and not body[0].leading_lines:
        body[0] = body[0].with_changes(leading_lines=(cst.EmptyLine(),))
    return module.with_changes(body=[*body[:index], *stmts, *body[index:]])


# ---------------------------------------------------------------------- small node helpers
def is_true(node: cst.CSTNode | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def call_receiver(call: cst.CSTNode) -> cst.BaseExpression | None:
    """`model` in `model.fit(...)`."""
    if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute):
        return call.func.value
    return None


def keyword_arg(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def fmt_number(value: float) -> str:
    text = repr(float(f"{float(value):.3g}"))
    if "e" in text:
        mantissa, exp = text.split("e")
        if mantissa.endswith(".0"):
            mantissa = mantissa[:-2]
        return f"{mantissa}e{int(exp)}"
    return text
