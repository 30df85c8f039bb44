"""TL201 fix: freeze the backbone before the first compile (or the first training step)."""

from __future__ import annotations

import libcst as cst

from tllint.engine.values import Backbone, LayerSet, Model
from tllint.fixes._common import trainable_assign
from tllint.fixes._cst import Change, is_true, keyword_arg


def fix(ctx, report):
    data = report.data
    backbone, model, first, culprit = data.get("unit"), data.get("model"), data.get("first"), data.get("culprit")
    if not isinstance(backbone, Backbone) or not isinstance(model, Model) or first is None:
        return None
    change = Change(ctx)
    if culprit is None and backbone.kind == "hub":
        arg = keyword_arg(backbone.node, "trainable")
        if arg is None or not is_true(arg.value):
            return None
        change.replace(arg.value, cst.Name("False"))
        return change.fix("unsafe", "Create the hub layer with `trainable=False` to train the head first")
    # `base.trainable = True` (or every layer of the backbone set trainable) before the first step.
    if culprit is not None:
        assign = trainable_assign(culprit.node)
        whole = culprit.target is backbone or (
            isinstance(culprit.target, LayerSet) and culprit.target.owner is backbone
            and culprit.target.selector == ("all",) and not culprit.target.filters
        )
        if assign is not None and whole and is_true(assign.value) and culprit.value is True:
            change.replace(assign.value, cst.Name("False"))
            return change.fix("unsafe", f"Freeze {backbone.var or backbone.name} instead (`trainable = False`) to train the head first")
    var = backbone.var
    if not var or not var.isidentifier():
        return None
    made = ctx.statement_of(backbone.node)
    if not _binds(made, var, backbone.node):
        return None
    compile_ev = ctx.script.last_compile_before(model, first) if not first.implicit else None
    compile_node = compile_ev.node if compile_ev is not None else first.node
    line = f"{var}.trainable = False"
    where = ctx.statement_of(compile_node)
    if culprit is not None:
        at = ctx.statement_of(culprit.node)
        if at is None or ctx.line(at) < ctx.line(made) or not ctx.same_scope(at, made) or ctx.loops_around(at):
            return None
        if where is not None and ctx.line(culprit.node) < ctx.line(compile_node):
            # The culprit comes before the compile: freeze right before the compile.
            pass
        else:
            change.insert_after(at, [line])
            return change.fix("unsafe", f"Freeze `{var}` after line {ctx.line(at)} (`{line}`) to train the head first")
    if where is not None and ctx.same_scope(where, made) and ctx.line(where) > ctx.line(made) and not _in_new_loop(ctx, where, made):
        change.insert_before(where, [line])
        return change.fix("unsafe", f"Freeze `{var}` before the first compile (`{line}`)")
    if culprit is None:
        change.insert_after(made, [line])
        return change.fix("unsafe", f"Freeze `{var}` right after it is created (`{line}`)")
    return None


def _binds(stmt, var: str, call) -> bool:
    """`var = <call>` as a whole statement."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    assign = stmt.body[0]
    return (
        isinstance(assign, cst.Assign)
        and len(assign.targets) == 1
        and isinstance(assign.targets[0].target, cst.Name)
        and assign.targets[0].target.value == var
        and assign.value is call
    )


def _in_new_loop(ctx, where, made) -> bool:
    return any(loop not in ctx.loops_around(made) for loop in ctx.loops_around(where))
