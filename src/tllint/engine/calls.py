"""The dispatcher: what a name, attribute, call, subscript or loop does to abstract values.

Python's own semantics (user functions and classes, instances, lists, dicts, imports) live here;
everything a library does is looked up in engine/registry.py, where the modules of engine/api/
register it by canonical name (engine/imports.py), so every spelling of an API reaches the same
handler. Unknown callees return UNKNOWN and never invent facts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from tllint.engine import api as _libraries  # noqa: F401  (importing it registers every library)
from tllint.engine import classes, registry
from tllint.engine.imports import canonicalize, dotted_name
from tllint.engine.values import (
    UNKNOWN,
    BoundMethod,
    BuiltinRef,
    ClassV,
    Const,
    DictV,
    Func,
    Instance,
    LocalModule,
    Model,
    Ref,
    Seq,
    Value,
    const_value,
    drop_shape,
    find_method,
)
from tllint.knowledge.frameworks import EXTERNAL_HEADS

if TYPE_CHECKING:  # pragma: no cover
    from tllint.engine.interpreter import Interpreter


# ---------------------------------------------------------------------- names and imports
def import_value(interp: "Interpreter", dotted: str) -> Value:
    if dotted.startswith("."):
        return _local_import(interp, dotted)
    if interp.project is not None and dotted.split(".")[0] not in EXTERNAL_HEADS:
        local = _local_import(interp, dotted)
        if local is not UNKNOWN:
            return local
    canon = canonicalize(dotted)
    return Ref(canon.name, canon.flavour)


def _local_import(interp: "Interpreter", dotted: str) -> Value:
    project = interp.project
    if project is None:
        return UNKNOWN
    return project.resolve_import(interp, dotted)


def bind_import(interp: "Interpreter", node: cst.CSTNode) -> None:
    """Imports inside functions bind in the local frame; module ones are in the import table."""
    if len(interp.frames) <= 1:
        return
    if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        for alias in node.names:
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else dotted_name(alias.name)
            if local:
                dotted = interp.imports.resolve(local)
                if dotted:
                    interp.env[local] = import_value(interp, dotted)


def builtin_value(name: str) -> Value:
    if name == "super":
        return BuiltinRef("super", _super)
    fn = registry.builtin_handler(name)
    return BuiltinRef(name, fn) if fn else UNKNOWN


def _super(interp: "Interpreter", ref, args, kwargs, node) -> Value:
    return classes.super_call(interp, args)


def _wrapped_model(obj: Value) -> Model | None:
    """The model an instance of a keras.Model subclass stands for (api/models.py)."""
    model = obj.attrs.get("__model__") if isinstance(obj, Instance) else None
    return model if isinstance(model, Model) else None


# ---------------------------------------------------------------------- attributes
def get_attribute(interp: "Interpreter", obj: Value, attr: str, node: cst.CSTNode) -> Value:
    if isinstance(obj, Ref):
        canon = canonicalize(obj.name + "." + attr)
        return Ref(canon.name, canon.flavour or obj.flavour)
    if isinstance(obj, LocalModule):
        if interp.project is not None:
            return interp.project.module_attribute(interp, obj, attr)
        return UNKNOWN
    if isinstance(obj, Instance):
        if attr in obj.attrs:
            return obj.attrs[attr]
        member = classes.instance_attribute(interp, obj, attr, node)
        if member is not None:
            return member
        model = _wrapped_model(obj)
        if model is not None:
            return get_attribute(interp, model, attr, node)
        return UNKNOWN
    if isinstance(obj, ClassV):  # `Base.__init__(self, model)`: the function itself
        return classes.class_attribute(obj, attr)
    if isinstance(obj, classes.SuperV):
        member = classes.super_attribute(interp, obj, attr, node)
        if member is not None:
            return member
        model = _wrapped_model(obj.inst)  # `super().fit(...)` of a keras.Model subclass
        return get_attribute(interp, model, attr, node) if model is not None else UNKNOWN
    handler = registry.hook_handler("attribute", obj)
    return handler(interp, obj, attr, node) if handler is not None else UNKNOWN


def set_attribute(interp: "Interpreter", obj: Value, attr: str, value: Value, target: cst.CSTNode, value_node) -> None:
    handler = registry.setter_handler(None, attr)
    if handler is not None:
        handler(interp, obj, attr, value, target, value_node)
        return
    if isinstance(obj, Instance):
        obj.attrs[attr] = value
        return
    handler = registry.setter_handler(obj, attr)
    if handler is not None:
        handler(interp, obj, attr, value, target, value_node)


# ---------------------------------------------------------------------- calls
def call(interp: "Interpreter", func: Value, args: list[Value], kwargs: dict[str, Value], node: cst.Call) -> Value:
    if isinstance(func, BuiltinRef):
        return func.fn(interp, None, args, kwargs, node)
    if isinstance(func, Func):
        return interp.call_function(func, args, kwargs, node)
    if isinstance(func, Ref):
        return call_ref(interp, func, args, kwargs, node)
    if isinstance(func, BoundMethod):
        return call_method(interp, func.obj, func.name, args, kwargs, node)
    if isinstance(func, Instance):
        model = _wrapped_model(func)
        if model is not None:
            return call(interp, model, args, kwargs, node)
        dunder = find_method(func.cls, "__call__")
        if dunder is not None:
            return interp.call_function(Func(dunder.node, "__call__", bound_self=func, module=dunder.module), args, kwargs, node)
        return UNKNOWN
    handler = registry.hook_handler("call", func)
    return handler(interp, func, args, kwargs, node) if handler is not None else UNKNOWN


def call_ref(interp: "Interpreter", ref: Ref, args, kwargs, node: cst.Call) -> Value:
    entry = registry.function_entry(ref.name)
    if entry is not None:
        result = entry.handler(interp, ref, args, kwargs, node)
        return result if entry.keeps_shape else drop_shape(result)
    handler = registry.prefix_handler(ref.name)
    if handler is not None:
        return handler(interp, ref, args, kwargs, node)
    return UNKNOWN


def call_method(interp: "Interpreter", obj: Value, name: str, args, kwargs, node) -> Value:
    obj = _wrapped_model(obj) or obj
    handler = registry.method_handler(obj, name)
    return handler(interp, obj, name, args, kwargs, node) if handler is not None else UNKNOWN


# ---------------------------------------------------------------------- containers and loops
def subscript(interp: "Interpreter", obj: Value, node: cst.Subscript) -> Value:
    if len(node.slice) != 1:
        return UNKNOWN
    element = node.slice[0].slice
    key: Value | slice
    if isinstance(element, cst.Slice):
        lower = interp.eval(element.lower) if element.lower is not None else Const(None)
        upper = interp.eval(element.upper) if element.upper is not None else Const(None)
        key = slice(lower, upper)
    else:
        key = interp.eval(element.value)
    handler = registry.hook_handler("subscript", obj)
    if handler is not None:
        return handler(interp, obj, key, node)
    if isinstance(key, slice):
        if isinstance(obj, Seq):
            try:
                return Seq(obj.items[slice(const_value(key.start), const_value(key.stop))], obj.kind)
            except TypeError:
                return UNKNOWN
        return UNKNOWN
    i = const_value(key)
    if isinstance(obj, Seq) and isinstance(i, int):
        try:
            return obj.items[i]
        except IndexError:
            return UNKNOWN
    if isinstance(obj, DictV) and i in obj.items:
        return obj.items[i]
    return UNKNOWN


def unpack(interp: "Interpreter", value: Value, n: int) -> list[Value]:
    if isinstance(value, Seq) and len(value.items) == n:
        return value.items
    handler = registry.hook_handler("unpack", value)
    items = handler(interp, value, n) if handler is not None else None
    return items if items is not None else [UNKNOWN] * n


def iteration_element(interp: "Interpreter", iterable: Value) -> Value | None:
    """The loop variable of a loop that is one set operation (over a layer collection), else None."""
    handler = registry.hook_handler("iterate", iterable)
    return handler(interp, iterable) if handler is not None else None


def comprehension(interp: "Interpreter", node) -> Value:
    if node.for_in.inner_for_in is None:
        iterable = interp.eval(node.for_in.iter)
        handler = registry.hook_handler("comprehension", iterable)
        if handler is not None:
            return handler(interp, iterable, node)
    return UNKNOWN


def narrowing(interp: "Interpreter", test: cst.BaseExpression):
    """(name, value in the then-arm, value in the else-arm) when an `if` test narrows a variable."""
    for narrower in registry.narrowers():
        found = narrower(interp, test)
        if found is not None:
            return found
    return None
