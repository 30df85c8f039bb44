"""TL103 fix: remove the redundant scaling (the one that is not the backbone's own)."""

from __future__ import annotations

from tllint.engine import kb
from tllint.fixes._cst import Change
from tllint.fixes._pixels import remove_step


def fix(ctx, report):
    backbone, enc = report.data.get("unit"), report.data.get("encoding")
    if backbone is None or enc is None or enc.source.kind != "raw":
        return None
    steps = enc.scaling_steps()
    contract = kb.contract_of(backbone)
    if contract == "raw":
        # Built-in preprocessing: every scaling in front of it is redundant.
        redundant = steps
    elif len(steps) == 2:
        first, second = steps
        if second.kind == "preprocess" and second.mode == contract:
            redundant = [first]
        elif first.kind == "preprocess" and first.mode == contract:
            redundant = [second]
        else:
            return None
    else:
        return None
    if not redundant or any(s.node is None for s in redundant):
        return None
    change = Change(ctx)
    for step in redundant:
        if not remove_step(change, ctx, step.node):
            return None
    what = ", ".join(f"`{s.what}`" for s in redundant)
    return change.fix("unsafe", f"Remove the redundant scaling {what}")
