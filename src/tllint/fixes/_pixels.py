"""Edits on the pixel path shared by the TL101-TL103 fixes: remove a scaling step, or put the
backbone's own preprocessing in its place."""

from __future__ import annotations

import libcst as cst

from tllint.engine import kb
from tllint.engine.imports import dotted_name
from tllint.fixes._common import backbone_module
from tllint.fixes._cst import Change, FixContext

_RESCALING = {"tf": "1.0 / 127.5, offset=-1", "unit": "1.0 / 255"}


def own_preprocess(change: Change, backbone) -> str | None:
    """The file's spelling of the backbone family's `preprocess_input`, or None."""
    if backbone.kind != "applications" or kb.contract_of(backbone) not in ("tf", "caffe", "torch"):
        return None
    module = backbone_module(backbone)
    if module is None or kb.preprocess_mode(module) != kb.contract_of(backbone):
        return None
    return change.name(f"keras.applications.{module}.preprocess_input")


def is_rescaling(node) -> bool:
    return isinstance(node, cst.Call) and (dotted_name(node.func) or "").rsplit(".", 1)[-1] == "Rescaling"


def is_lambda_layer(node) -> bool:
    return isinstance(node, cst.Call) and (dotted_name(node.func) or "").rsplit(".", 1)[-1] == "Lambda"


def _applied(ctx: FixContext, ctor: cst.Call) -> cst.Call | None:
    """`Layer(...)(x)` around the constructor `Layer(...)`."""
    parent = ctx.parent(ctor)
    if isinstance(parent, cst.Call) and parent.func is ctor and parent.args and parent.args[0].keyword is None \
            and not parent.args[0].star:
        return parent
    return None


def _element(ctx: FixContext, node) -> cst.Element | None:
    parent = ctx.parent(node)
    if isinstance(parent, cst.Element) and isinstance(ctx.parent(parent), cst.List):
        return parent
    return None


def remove_step(change: Change, ctx: FixContext, node) -> bool:
    """Take one scaling step out of the pixel path; False when its shape is not understood."""
    if isinstance(node, cst.Arg):
        call = ctx.parent(node)
        if not isinstance(call, cst.Call) or node.keyword is None:
            return False
        change.replace(call, lambda updated, drop=node: _without_arg(updated, ctx, drop, call))
        return True
    if isinstance(node, cst.AugAssign):
        return _remove_statement(ctx, change, node)
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, (cst.Divide, cst.Multiply)) and _is_number(node.right):
            change.replace(node, ctx.parse_expr(ctx.code(node.left)))
            return True
        return False
    if isinstance(node, cst.Call):
        if is_rescaling(node) or is_lambda_layer(node):
            applied = _applied(ctx, node)
            if applied is not None:
                change.replace(applied, ctx.parse_expr(ctx.code(applied.args[0].value)))
                return True
            element = _element(ctx, node)
            if element is not None:
                change.replace(element, lambda _u: cst.RemovalSentinel.REMOVE)
                return True
            return False
        if is_lambda_layer(node.func):
            change.replace(node, ctx.parse_expr(ctx.code(node.args[0].value)) if node.args else node)
            return bool(node.args)
        name = (dotted_name(node.func) or "").rsplit(".", 1)[-1]
        if name == "preprocess_input" and node.args and node.args[0].keyword is None and not node.args[0].star:
            parent = ctx.parent(node)
            if isinstance(parent, cst.Expr):
                # A bare `preprocess_input(X)` that worked in place: the statement goes.
                return _remove_statement(ctx, change, node)
            change.replace(node, ctx.parse_expr(ctx.code(node.args[0].value)))
            return True
    return False


def replace_step(change: Change, ctx: FixContext, node, backbone) -> str | None:
    """Put the backbone's own preprocessing where `node` scales the 0..255 pixels; returns what
    was written (for the description), or None."""
    contract = kb.contract_of(backbone)
    pp = own_preprocess(change, backbone)
    if isinstance(node, cst.Arg) and node.keyword is not None:
        call = ctx.parent(node)
        if not isinstance(call, cst.Call):
            return None
        key = node.keyword.value
        if key == "rescale" and pp is not None:
            if any(a.keyword is not None and a.keyword.value == "preprocessing_function" for a in call.args):
                return None
            change.replace(node, lambda u: u.with_changes(keyword=cst.Name("preprocessing_function"), value=ctx.parse_expr(pp)))
            return f"preprocessing_function={pp}"
        if key == "preprocessing_function" and pp is not None:
            change.replace(node.value, ctx.parse_expr(pp))
            return pp
        return None
    if isinstance(node, cst.AugAssign) and pp is not None:
        stmt = ctx.statement_of(node)
        if stmt is None or len(stmt.body) != 1:
            return None
        target = ctx.code(node.target)
        change.replace(node, ctx.parse_stmt(f"{target} = {pp}({target})").body[0])
        return f"{pp}({target})"
    if isinstance(node, cst.BinaryOperation) and pp is not None:
        if isinstance(node.operator, (cst.Divide, cst.Multiply, cst.FloorDivide)) and _is_number(node.right):
            text = f"{pp}({ctx.code(node.left)})"
            change.replace(node, ctx.parse_expr(text))
            return text
        return None
    if isinstance(node, cst.Call):
        if is_rescaling(node):
            if contract in _RESCALING:
                rescaling = ctx.code(node.func)
                text = f"{rescaling}({_RESCALING[contract]})"
                change.replace(node, ctx.parse_expr(text))
                return text
            if pp is None:
                return None
            applied = _applied(ctx, node)
            if applied is not None:
                text = f"{pp}({ctx.code(applied.args[0].value)})"
                change.replace(applied, ctx.parse_expr(text))
                return text
            if _element(ctx, node) is not None:
                text = f"{change.name('keras.layers.Lambda')}({pp})"
                change.replace(node, ctx.parse_expr(text))
                return text
            return None
        if pp is None:
            return None
        if is_lambda_layer(node) and node.args:
            change.replace(node.args[0].value, ctx.parse_expr(pp))
            return pp
        if is_lambda_layer(node.func) and node.func.args:
            change.replace(node.func.args[0].value, ctx.parse_expr(pp))
            return pp
        name = (dotted_name(node.func) or "").rsplit(".", 1)[-1]
        if name == "preprocess_input":
            change.replace(node.func, ctx.parse_expr(pp))
            return pp
    return None


def _is_number(node) -> bool:
    if isinstance(node, (cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.BinaryOperation):
        return _is_number(node.left) and _is_number(node.right)
    if isinstance(node, cst.UnaryOperation):
        return _is_number(node.expression)
    return False


def _without_arg(updated: cst.Call, ctx, drop: cst.Arg, original: cst.Call) -> cst.Call:
    index = next(i for i, a in enumerate(original.args) if a is drop)
    args = list(updated.args)
    del args[index]
    if args and index == len(args):
        # The removed argument was the last one: the new last keeps the removed one's comma.
        args[-1] = args[-1].with_changes(comma=updated.args[index].comma)
    return updated.with_changes(args=args)


def _remove_statement(ctx, change, node) -> bool:
    """Remove the simple statement that holds `node`, when it is alone on its line."""
    stmt = ctx.statement_of(node)
    if stmt is None or len(stmt.body) != 1:
        return False
    change.remove(stmt)
    return True
