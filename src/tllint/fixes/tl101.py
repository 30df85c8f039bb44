"""TL101 fix: put the backbone family's own preprocessing on the tensor that feeds the backbone
(`base(preprocess_input(x))`), or a preprocessing layer in front of it in a `Sequential` list."""

from __future__ import annotations

import libcst as cst

from tllint.engine import kb
from tllint.engine.imports import dotted_name
from tllint.fixes._common import preprocess_wrap
from tllint.fixes._cst import Change
from tllint.fixes._pixels import own_preprocess


def fix(ctx, report):
    found = _model_side(ctx, report)
    if found is None:
        found = _generator_side(ctx, report)
    return found


def _generator_side(ctx, report):
    """The generator that loads the pixels gets `preprocessing_function=`: a positional
    `ImageDataGenerator(preprocess_input)` (featurewise_center!) becomes the keyword; otherwise the
    keyword is added, when the file builds only that one generator (validation data included)."""
    data, backbone = report.data.get("data"), report.data.get("unit")
    gen = data.__dict__.get("generator") if data is not None else None
    if gen is None or backbone is None or gen.rescale is not None or gen.pf_node is not None:
        return None
    call = gen.node
    if not isinstance(call, cst.Call):
        return None
    change = Change(ctx)
    positional = gen.__dict__.get("positional")
    if isinstance(positional, cst.Arg):
        name = (dotted_name(positional.value) or "").rsplit(".", 1)[-1]
        if name != "preprocess_input" or len([a for a in call.args if a.keyword is None]) != 1:
            return None
        change.replace(positional, lambda u: u.with_changes(
            keyword=cst.Name("preprocessing_function"),
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))))
        return change.fix("unsafe", "Pass the function as `preprocessing_function=` (the first positional argument is featurewise_center)")
    if ctx.source.count("ImageDataGenerator(") != 1 or any(a.keyword is None or a.star for a in call.args):
        return None
    pp = own_preprocess(change, backbone)
    if pp is None:
        return None
    arg = cst.Arg(ctx.parse_expr(pp), keyword=cst.Name("preprocessing_function"),
                  equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
    change.replace(call, lambda u: u.with_changes(args=[*_with_comma(u.args), arg]))
    return change.fix("unsafe", f"Preprocess in the generator: `preprocessing_function={pp}`")


def _with_comma(args):
    args = list(args)
    if args and not isinstance(args[-1].comma, cst.Comma):
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return args


def _model_side(ctx, report):
    feed = report.data.get("feed")
    backbone = report.data.get("unit")
    if feed is None or backbone is None:
        return None
    node = report.node
    change = Change(ctx)
    element = _first_sequential_element(ctx, node)
    if element is not None:
        if ctx.indexes_layers():
            return None
        layer = _preprocessing_layer(change, backbone)
        if layer is None:
            return None
        change.replace(ctx.parent(element), lambda updated: _prepend(updated, ctx.parse_expr(layer)))
        return change.fix("unsafe", f"Add `{layer}` in front of {backbone.name}")
    if not feed.nested or not isinstance(node, cst.Call) or node is backbone.node or not node.args:
        return None
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value == "add":
        return _before_first_add(ctx, change, node, backbone)
    if not (isinstance(func, cst.Name) or (isinstance(func, cst.Attribute) and (
            func.attr.value in ("predict", "predict_on_batch") or isinstance(func.value, cst.Name) and func.value.value == "self"))):
        return None
    first = node.args[0]
    if first.keyword is not None or first.star:
        return None
    wrapped = preprocess_wrap(change, backbone, ctx.code(first.value))
    if wrapped is None:
        return None
    expr, what = wrapped
    change.replace(first.value, ctx.parse_expr(expr))
    return change.fix("unsafe", f"Apply {what} to the pixels before {backbone.name}")


def _preprocessing_layer(change, backbone) -> str | None:
    contract = kb.contract_of(backbone)
    if contract == "tf" or (backbone.kind == "hub" and contract == "unit"):
        args = "1.0 / 127.5, offset=-1" if contract == "tf" else "1.0 / 255"
        return f"{change.name('keras.layers.Rescaling')}({args})"
    pp = own_preprocess(change, backbone)
    if pp is None:
        return None
    return f"{change.name('keras.layers.Lambda')}({pp})"


def _before_first_add(ctx, change, call, backbone):
    """`model.add(base)` as the model's first layer: add the preprocessing layer before it."""
    stmt = ctx.statement_of(call)
    body = ctx.body_of(stmt) if stmt is not None else None
    if body is None or not isinstance(stmt.body[0], cst.Expr) or stmt.body[0].value is not call:
        return None
    receiver = ctx.code(call.func.value)
    if ctx.indexes_layers():
        return None
    for other in body.body:
        if other is stmt:
            break
        if f"{receiver}.add(" in ctx.code(other):
            return None  # not the first layer
    layer = _preprocessing_layer(change, backbone)
    if layer is None:
        return None
    change.insert_before(stmt, [f"{receiver}.add({layer})"])
    return change.fix("unsafe", f"Add `{layer}` as the first layer, in front of {backbone.name}")


def _first_sequential_element(ctx, node) -> cst.Element | None:
    element = ctx.parent(node)
    if not isinstance(element, cst.Element):
        return None
    lst = ctx.parent(element)
    if not isinstance(lst, cst.List) or not lst.elements or lst.elements[0] is not element:
        return None
    arg = ctx.parent(lst)
    call = ctx.parent(arg) if isinstance(arg, cst.Arg) else None
    if not isinstance(call, cst.Call) or call.args[0] is not arg or arg.keyword is not None:
        return None
    if (dotted_name(call.func) or "").rsplit(".", 1)[-1] != "Sequential":
        return None
    return element


def _prepend(lst: cst.List, value: cst.BaseExpression, template: cst.Element | None = None) -> cst.List:
    """`value` as the first element, separated from the next one like `template` (default: the
    first element) is from its successor."""
    first = template or lst.elements[0]
    space = first.comma.whitespace_after if isinstance(first.comma, cst.Comma) else None
    if isinstance(space, cst.ParenthesizedWhitespace):
        after = cst.ParenthesizedWhitespace(indent=space.indent, last_line=space.last_line)
    else:
        after = cst.SimpleWhitespace(" ")
    new = cst.Element(value, comma=cst.Comma(whitespace_after=after))
    return lst.with_changes(elements=[new, *lst.elements])
