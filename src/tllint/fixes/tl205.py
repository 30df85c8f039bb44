"""TL205 fix: after the unfreeze, set the backbone's BatchNormalization layers back to
`trainable = False` (a frozen BatchNormalization layer runs in inference mode on every version)."""

from __future__ import annotations

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
    nl = ctx.module.default_newline
    indent = ctx.module.default_indent
    loop = (
        f"for layer in {var}.layers:{nl}"
        f"{indent}if isinstance(layer, {bn}):{nl}"
        f"{indent}{indent}layer.trainable = False"
    )
    change.insert_after(stmt, [loop])
    return change.fix("unsafe", f"Keep the BatchNormalization layers of `{var}` frozen after the unfreeze")
