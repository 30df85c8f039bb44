"""TL205 fix: after the unfreeze, set the backbone's BatchNormalization layers back to
`trainable = False` (a frozen BatchNormalization layer runs in inference mode on every version)."""

from __future__ import annotations

import libcst as cst

from tllint.engine.values import Backbone
from tllint.fixes._cst import Change


def fix(ctx, report):
    backbone, cause, step = report.data.get("unit"), report.data.get("cause"), report.data.get("step")
    if not isinstance(backbone, Backbone) or cause is None or step is None:
        return None
    var = backbone.var
    if not var or not var.isidentifier():
        return None
    stmt = ctx.statement_of(cause.node)
    if stmt is None:
        return None
    # A loop that unfreezes layer by layer: freeze the BatchNormalization layers after the loop.
    step_loops = ctx.loops_around(step.node)
    for loop in ctx.loops_around(cause.node):
        if loop in step_loops:
            break
        outer = ctx.statement_of(loop)
        if outer is None:
            return None
        stmt = outer
    if ctx.line(stmt) >= ctx.line(step.node) and not step.implicit:
        return None
    if ctx.scope_of(stmt) is not ctx.scope_of(backbone.node) and ctx.scope_of(backbone.node) is not None:
        return None
    change = Change(ctx)
    bn = change.name("keras.layers.BatchNormalization")
    name = "layer" if not _bound_otherwise(ctx, "layer") else "bn_layer"
    nl = ctx.module.default_newline
    indent = ctx.module.default_indent
    loop = (
        f"for {name} in {var}.layers:{nl}"
        f"{indent}if isinstance({name}, {bn}):{nl}"
        f"{indent}{indent}{name}.trainable = False"
    )
    change.insert_after(stmt, [loop])
    return change.fix("unsafe", f"Keep the BatchNormalization layers of `{var}` frozen after the unfreeze")


def _bound_otherwise(ctx, name: str) -> bool:
    """`name` bound in the file other than as a `for` target (a variable the loop would clobber)."""
    for node in ctx.parents.values():
        if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            if any(isinstance(t, cst.Name) and t.value == name for t in targets):
                return True
        elif isinstance(node, cst.Param) and node.name.value == name:
            return True
    return False
