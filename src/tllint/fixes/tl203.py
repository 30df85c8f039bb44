"""TL203 fix: give the recompile a new optimizer instance instead of the one already used.

The new instance repeats the original constructor call (same class and settings) when it is
written in the same scope before the compile, else it has the same class and learning rate.
Unsafe either way: the new optimizer starts with fresh moment estimates and iteration count."""

from __future__ import annotations

import libcst as cst

from tllint.engine.values import Optimizer
from tllint.fixes._common import new_optimizer, optimizer_arg
from tllint.fixes._cst import Change


def fix(ctx, report):
    compile_ev, opt = report.data.get("compile"), report.data.get("optimizer")
    if compile_ev is None or not isinstance(opt, Optimizer) or not isinstance(compile_ev.node, cst.Call):
        return None
    arg = optimizer_arg(compile_ev.node)
    if arg is None:
        return None
    change = Change(ctx)
    if isinstance(opt.node, cst.Call) and not opt.__dict__.get("from_string") and ctx.same_scope(opt.node, compile_ev.node) \
            and ctx.line(opt.node) < ctx.line(compile_ev.node):
        new = ctx.code(opt.node)  # the same constructor call: a new instance with the same settings
        applicability = "unsafe"
    elif opt.lr is not None:
        new = new_optimizer(change, opt, opt.lr)  # same class and rate, other settings at their defaults
        applicability = "unsafe"
    else:
        return None
    if new is None:
        return None
    change.replace(arg.value, ctx.parse_expr(new))
    return change.fix(applicability, f"Compile with a new optimizer instance (`{new}`)")
