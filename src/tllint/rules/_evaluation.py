"""Helpers of the evaluation rules (TL401, TL404): whether a value defined in one arm of an `if`
reaches a use outside that arm (the engine joins the arms' values, keeping one of them)."""

from __future__ import annotations

import libcst as cst

from tllint.parse import is_main_guard, walk_nodes


def _parents(script) -> dict[int, cst.CSTNode]:
    cached = script.__dict__.get("_evaluation_parents")
    if cached is None:
        cached = {}
        for node in walk_nodes(script.module):
            for name in node.__dataclass_fields__:
                value = getattr(node, name)
                children = value if isinstance(value, (list, tuple)) else (value,)
                for child in children:
                    if isinstance(child, cst.CSTNode):
                        cached[id(child)] = node
        script.__dict__["_evaluation_parents"] = cached
    return cached


def _arms(script, node: cst.CSTNode) -> set[tuple[int, int]] | None:
    """The `if` arms holding `node` ((id of the If, 0 body / 1 else)); None: not in this file."""
    parents = _parents(script)
    if id(node) not in parents:
        return None
    out: set[tuple[int, int]] = set()
    child = node
    parent = parents.get(id(child))
    while parent is not None:
        if isinstance(parent, cst.If) and not is_main_guard(parent.test):
            if child is parent.body:
                out.add((id(parent), 0))
            elif child is parent.orelse:
                out.add((id(parent), 1))
        child, parent = parent, parents.get(id(parent))
    return out


def reaches(script, defining: cst.CSTNode, using: cst.CSTNode) -> bool:
    """False when `defining` sits in an arm of an `if` that `using` is not in: which arm's value the
    use sees depends on the run. True when that cannot be told (a node of another file)."""
    d, u = _arms(script, defining), _arms(script, using)
    if d is None or u is None:
        return True
    return d <= u
