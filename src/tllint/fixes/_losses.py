"""Edits of a `compile(loss=...)` argument shared by the TL301 and TL302 fixes."""

from __future__ import annotations

import libcst as cst

from tllint.engine.imports import dotted_name
from tllint.fixes._cst import Change, keyword_arg
from tllint.knowledge.losses import LOSS_CLASSES, LOSS_TEXT

# String and function spellings are the same names (`"categorical_crossentropy"`,
# `keras.losses.categorical_crossentropy`); only the exact spellings are rewritten.
STRINGS = FUNCTIONS = LOSS_TEXT
CLASSES = LOSS_CLASSES
_KIND_OF = {**{v: k for k, v in STRINGS.items()}, **{v: k for k, v in CLASSES.items()}, "bce": "binary"}


def loss_value(node, ctx=None) -> cst.BaseExpression | None:
    """The loss expression of a `loss=` argument; a variable assigned once (in the same scope)
    and used only there resolves to its value."""
    expr = node.value if isinstance(node, cst.Arg) else None
    if isinstance(expr, cst.Name) and ctx is not None:
        return _single_assignment(ctx, expr)
    return expr


def _single_assignment(ctx, name: cst.Name):
    values, uses = [], 0
    stack = [ctx.module]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Assign):
            for t in node.targets:
                if isinstance(t.target, cst.Name) and t.target.value == name.value:
                    values.append(node)
        elif isinstance(node, cst.Name) and node.value == name.value:
            parent = ctx.parent(node)
            keyword = isinstance(parent, cst.Arg) and parent.keyword is node
            attribute = isinstance(parent, cst.Attribute) and parent.attr is node
            if not keyword and not attribute:
                uses += 1
        stack.extend(node.children)
    # uses: the assignment target and the one use
    if len(values) != 1 or uses != 2 or len(values[0].targets) != 1:
        return None
    assign = values[0]
    if ctx.scope_of(assign) is not ctx.scope_of(name) or ctx.line(assign) >= ctx.line(name):
        return None
    return assign.value if kind_of(assign.value) is not None else None


def kind_of(expr) -> tuple[str, str] | None:
    """(kind, form) of a literal loss: form is "string", "class" (a constructor call) or "ref"."""
    if isinstance(expr, cst.SimpleString):
        kind = _KIND_OF.get(expr.evaluated_value)
        return (kind, "string") if kind else None
    if isinstance(expr, cst.Call):
        last = (dotted_name(expr.func) or "").rsplit(".", 1)[-1]
        kind = _KIND_OF.get(last)
        return (kind, "class") if kind else None
    last = (dotted_name(expr) or "").rsplit(".", 1)[-1] if isinstance(expr, (cst.Name, cst.Attribute)) else ""
    kind = _KIND_OF.get(last)
    return (kind, "ref") if kind else None


def swap_kind(change: Change, ctx, expr, new_kind: str) -> str | None:
    """Same loss, other kind (categorical <-> sparse), in the form it is written; the new text."""
    found = kind_of(expr)
    if found is None:
        return None
    _, form = found
    if form == "string":
        quote = expr.quote
        text = f"{expr.prefix}{quote}{STRINGS[new_kind]}{quote}"
        change.replace(expr, cst.SimpleString(text))
        return STRINGS[new_kind]
    target = expr.func if form == "class" else expr
    if not isinstance(target, (cst.Name, cst.Attribute)):
        return None
    old_last = (dotted_name(target) or "").rsplit(".", 1)[-1]
    new_last = CLASSES[new_kind] if old_last[:1].isupper() else FUNCTIONS[new_kind]
    if isinstance(target, cst.Attribute):
        change.replace(target, lambda u: u.with_changes(attr=cst.Name(new_last)))
        spelled = f"{ctx.code(target.value)}.{new_last}"
    else:
        spelled = change.name(f"keras.losses.{new_last}")
        change.replace(target, ctx.parse_expr(spelled))
    return spelled if form == "ref" else f"{spelled}(...)"


def set_from_logits(change: Change, ctx, expr, value: bool) -> str | None:
    """`from_logits=<value>` on a literal loss (a string becomes its class)."""
    found = kind_of(expr)
    if found is None:
        return None
    kind, form = found
    flag = "True" if value else "False"
    if form == "string" or form == "ref":
        # A string, a class or a loss function passed uncalled: the class with from_logits.
        cls = change.name(f"keras.losses.{CLASSES[kind]}")
        text = f"{cls}(from_logits={flag})"
        change.replace(expr, ctx.parse_expr(text))
        return text
    arg = keyword_arg(expr, "from_logits")
    if arg is not None:
        change.replace(arg.value, cst.Name(flag))
        return f"from_logits={flag}"
    if any(a.keyword is None for a in expr.args):
        return None  # positional from_logits or other positional arguments: leave it
    change.replace(expr, lambda u: u.with_changes(args=[
        *u.args[:-1], *([u.args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))] if u.args else []),
        cst.Arg(cst.Name(flag), keyword=cst.Name("from_logits"),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))]))
    return f"from_logits={flag}"
