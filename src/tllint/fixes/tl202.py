"""TL202 fix: recompile with a new optimizer instance right before the next training step."""

from __future__ import annotations

import libcst as cst

from tllint.engine.values import Optimizer
from tllint.fixes._common import arg_text, new_optimizer
from tllint.fixes._cst import Change, call_receiver, fmt_number


def fix(ctx, report):
    data = report.data
    step, compile_ev, change_ev = data.get("step"), data.get("compile"), data.get("change")
    if data.get("kind") not in ("after-fit", "before-first") or step is None or compile_ev is None or change_ev is None:
        return None
    if step.method not in ("fit", "fit_generator") or not isinstance(compile_ev.node, cst.Call):
        return None
    stmt = ctx.statement_of(step.node)
    receiver = call_receiver(step.node)
    if stmt is None or receiver is None or not ctx.same_scope(stmt, compile_ev.node):
        return None
    change_loops = ctx.loops_around(change_ev.node)
    if any(loop not in change_loops for loop in ctx.loops_around(stmt)):
        return None  # the step repeats without the change: a recompile there would run every time
    change = Change(ctx)
    opt = compile_ev.optimizer
    if not isinstance(opt, Optimizer):
        return None
    unfreeze = data.get("kind") == "after-fit" and change_ev.value is True
    if unfreeze:
        lr = ctx.settings.fine_tune_learning_rate
        new = new_optimizer(change, opt, lr)
        what = f"a new {opt.cls} at learning rate {fmt_number(lr)}"
    elif opt.__dict__.get("from_string"):
        new = ""  # `optimizer="adam"` builds a new instance at every compile: keep the arguments
        what = f"a new {opt.cls}"
    elif isinstance(opt.node, cst.Call) and ctx.same_scope(opt.node, stmt):
        new = ctx.code(opt.node)  # the same constructor call: a new instance with the same settings
        what = f"a new {opt.cls}"
    else:
        new = None
    if new is None:
        return None
    args: list[str] = []
    placed = False
    for i, arg in enumerate(compile_ev.node.args):
        is_opt = (arg.keyword is not None and arg.keyword.value == "optimizer") or (i == 0 and arg.keyword is None and not arg.star)
        if is_opt and new:
            args.append(f"optimizer={new}" if arg.keyword is not None else new)
            placed = True
        else:
            args.append(arg_text(ctx, arg))
    if not placed and new:
        args.insert(0, f"optimizer={new}")
    model = ctx.code(receiver)
    line = f"{model}.compile({', '.join(args)})"
    change.insert_before(stmt, [line])
    return change.fix("unsafe", f"Recompile `{model}` with {what} before the training step at line {ctx.line(stmt)}")
