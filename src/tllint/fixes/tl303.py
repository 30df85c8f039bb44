"""TL303 fix: insert GlobalAveragePooling2D between the backbone's feature map and the Dense."""

from __future__ import annotations

import libcst as cst

from tllint.fixes._cst import Change
from tllint.fixes.tl101 import _prepend


def fix(ctx, report):
    dense = report.node
    if not isinstance(dense, cst.Call):
        return None
    change = Change(ctx)
    gap = f"{change.name('keras.layers.GlobalAveragePooling2D')}()"
    parent = ctx.parent(dense)
    if isinstance(parent, cst.Call) and parent.func is dense and parent.args and parent.args[0].keyword is None \
            and not parent.args[0].star:
        inner = parent.args[0].value
        change.replace(inner, ctx.parse_expr(f"{gap}({ctx.code(inner)})"))
        return change.fix("unsafe", f"Pool the feature map with `{gap}` before the Dense")
    add = ctx.parent(parent) if isinstance(parent, cst.Arg) else None
    if isinstance(add, cst.Call) and isinstance(add.func, cst.Attribute) and add.func.attr.value == "add" \
            and len(add.args) == 1:
        stmt = ctx.statement_of(add)
        if stmt is None or ctx.indexes_layers() or not isinstance(stmt.body[0], cst.Expr) or stmt.body[0].value is not add:
            return None
        change.insert_before(stmt, [f"{ctx.code(add.func.value)}.add({gap})"])
        return change.fix("unsafe", f"Add `{gap}` before the Dense")
    if isinstance(parent, cst.Element):
        if ctx.indexes_layers():
            return None  # `model.layers[i]` would point at another layer
        lst = ctx.parent(parent)
        if not isinstance(lst, cst.List):
            return None
        index = next(i for i, e in enumerate(lst.elements) if e is parent)
        if index == 0:
            return None
        change.replace(lst, lambda updated: _insert(updated, index, ctx.parse_expr(gap)))
        return change.fix("unsafe", f"Add `{gap}` before the Dense")
    return None


def _insert(lst: cst.List, index: int, value) -> cst.List:
    head = cst.List(elements=list(lst.elements[index:]))
    rest = _prepend(head, value, lst.elements[index - 1]).elements
    return lst.with_changes(elements=[*lst.elements[:index], *rest])
