"""TL204 fix: fine-tune at a low learning rate (Settings.fine_tune_learning_rate, 1e-5 by default;
a tenth of the head-training rate when that is lower)."""

from __future__ import annotations

import libcst as cst

from tllint.engine.learning_rates import optimizer_of
from tllint.fixes._common import new_optimizer, optimizer_arg
from tllint.fixes._cst import Change, fmt_number


def fix(ctx, report):
    rate, head, model = report.data.get("rate"), report.data.get("head_rate"), report.data.get("model")
    if rate is None or model is None:
        return None
    lr = ctx.settings.fine_tune_learning_rate
    if head is not None and lr >= head.value:
        lr = head.value / 10
    number = fmt_number(lr)
    change = Change(ctx)
    opt = rate.optimizer
    if rate.changed:
        target = _set_value_target(rate.node)
        if target is None:
            return None
        change.replace(target, cst.Float(number))
        return change.fix("unsafe", f"Fine-tune at learning rate {number}")
    if rate.compile is None:
        return None  # a custom loop's optimizer: which steps share it is not followed
    # The optimizer is shared with another compile (the head phase): changing it would change
    # that phase too; TL203's fix gives the fine-tuning compile its own optimizer first.
    for other in ctx.script.compiles(model):
        if other is not rate.compile and optimizer_of(ctx.script, other) is opt:
            return None
    if opt.__dict__.get("from_string"):
        arg = optimizer_arg(rate.compile.node)
        if arg is None or not isinstance(arg.value, cst.SimpleString):
            return None
        new = new_optimizer(change, opt, lr)
        if new is None:
            return None
        change.replace(arg.value, ctx.parse_expr(new))
    elif opt.lr_node is not None and isinstance(opt.lr_node, cst.Arg):
        value = opt.lr_node.value
        if not _is_number(value) and not (isinstance(value, cst.Name) and not _is_parameter(ctx, value)):
            return None  # an expression or a function parameter: its definition is what to change
        change.replace(opt.lr_node.value, cst.Float(number))
    elif isinstance(opt.node, cst.Call) and not opt.lr_node and opt.lr_default:
        call = opt.node
        if any(a.star for a in call.args):
            return None
        change.replace(call, lambda updated: updated.with_changes(
            args=[*_with_comma(updated.args), cst.Arg(cst.Float(number), keyword=cst.Name("learning_rate"),
                                                       equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))]))
    else:
        return None
    return change.fix("unsafe", f"Fine-tune at learning rate {number}")


def _with_comma(args):
    args = list(args)
    if args:
        last = args[-1]
        if last.comma is cst.MaybeSentinel.DEFAULT:
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return args


def _set_value_target(node):
    """The value expression of `opt.learning_rate.assign(v)`, `K.set_value(lr, v)`, `opt.learning_rate = v`."""
    if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1:
        node = node.body[0]
    if isinstance(node, cst.Expr):
        node = node.value
    if isinstance(node, cst.Assign):
        return node.value if isinstance(node.value, (cst.Float, cst.Integer)) else None
    if isinstance(node, cst.Call) and isinstance(node.func, (cst.Attribute, cst.Name)):
        name = node.func.attr.value if isinstance(node.func, cst.Attribute) else node.func.value
        args = [a for a in node.args if a.keyword is None]
        if name == "assign" and len(args) == 1 and _is_number(args[0].value):
            return args[0].value
        if name == "set_value" and len(args) == 2 and _is_number(args[1].value):
            return args[1].value
    return None


def _is_number(node) -> bool:
    if isinstance(node, (cst.Float, cst.Integer)):
        return True
    if isinstance(node, cst.BinaryOperation):
        return _is_number(node.left) and _is_number(node.right)
    return isinstance(node, cst.UnaryOperation) and _is_number(node.expression)


def _is_parameter(ctx, name: cst.Name) -> bool:
    scope = ctx.scope_of(name)
    if isinstance(scope, (cst.FunctionDef, cst.Lambda)):
        params = scope.params
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        return any(p.name.value == name.value for p in every)
    return False
