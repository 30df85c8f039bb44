"""The layer calls of a subclassed model's `call()`, in execution order.

The interpreter records the Instance of a `keras.Model` subclass (its `__init__` ran, so
`self.base`, `self.drop` are known values) but does not walk `call()`. Here its CST is read in
execution order (inner calls before outer ones, statements top to bottom; both arms of an `if`
in source order) and each call is resolved to what it calls: `self.<attr>` through the instance's
attributes, inline `layers.Dropout(0.2)(x)` through the import table.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from tllint.engine.imports import canonicalize, dotted_name
from tllint.engine.values import Backbone, Const, LayerV, Model, Value, find_method


@dataclass
class CallSite:
    node: cst.Call
    callee: Value | None  # Backbone, Model, LayerV or None
    layer_class: str | None  # short class name of an inline or attribute layer ("Dropout")
    training: Value | None  # the explicit `training=` argument, if any
    training_text: str | None


class _Collector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.calls: list[cst.Call] = []
        self.depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return self.depth == 1  # nested helper functions are not part of the straight-line call

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def leave_Call(self, original_node: cst.Call) -> None:
        self.calls.append(original_node)


def call_method(model: Model):
    cls = model.__dict__.get("class")
    if cls is None:
        return None
    return find_method(cls, "call")


def call_sites(script, model: Model) -> list[CallSite]:
    method = call_method(model)
    if method is None or model.instance is None:
        return []
    fn = method.node
    collector = _Collector()
    fn.visit(collector)
    params = fn.params.params
    self_name = params[0].name.value if params else "self"
    attrs = model.instance.attrs
    imports = script.interp.imports
    out: list[CallSite] = []
    for call in collector.calls:
        callee: Value | None = None
        layer_class = None
        func = call.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == self_name:
            callee = attrs.get(func.attr.value)
        elif isinstance(func, cst.Call):
            name = dotted_name(func.func)
            if name:
                head, _, rest = name.partition(".")
                resolved = imports.resolve(head)
                if resolved:
                    full = canonicalize(resolved + ("." + rest if rest else "")).name
                    if full.startswith("keras.layers."):
                        layer_class = full.rsplit(".", 1)[-1]
        if isinstance(callee, LayerV):
            layer_class = callee.short
        if isinstance(callee, Model) and callee.backbones and not callee.head:
            callee = callee.backbones[0]
        training = None
        text = None
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "training":
                text = script.module.code_for_node(arg.value)
                if isinstance(arg.value, cst.Name) and arg.value.value in ("True", "False", "None"):
                    training = Const({"True": True, "False": False, "None": None}[arg.value.value])
                else:
                    training = Value()
        if callee is None and layer_class is None:
            continue
        out.append(CallSite(call, callee, layer_class, training, text))
    return out


def is_backbone_call(site: CallSite) -> bool:
    return isinstance(site.callee, (Backbone, Model))
