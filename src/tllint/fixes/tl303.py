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
    if isinstance(parent, cst.Element):
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
