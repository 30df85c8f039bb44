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
from tllint.engine.class_config import class_constant
from tllint.engine.imports import canonicalize, dotted_name
from tllint.engine.values import (
    UNKNOWN,
    BoundMethod,
    BuiltinRef,
    Choice,
    ClassV,
    Const,
    DictV,
    EnumerateOf,
    Func,
    Instance,
    LocalModule,
    Model,
    Ref,
    Seq,
    Stream,
    Tensor,
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
        return class_constant(interp, obj.cls, attr)  # `self.MODEL_MAP`: a class-body constant
    if isinstance(obj, ClassV):  # `Base.__init__(self, model)`: the function itself
        found = classes.class_attribute(obj, attr)
        return found if found is not UNKNOWN else class_constant(interp, obj, attr)
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
    handler = registry.setter_handler(obj, attr) or registry.setter_handler(obj, "*")
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
        note_unplaced(interp, list(args) + list(kwargs.values()), result)
        return result if entry.keeps_shape else drop_shape(result)
    handler = registry.prefix_handler(ref.name)
    if handler is not None:
        return handler(interp, ref, args, kwargs, node)
    return UNKNOWN


def note_unplaced(interp: "Interpreter", values: list, result: Value) -> None:
    """A function that made a symbolic tensor out of another: an operation tllint does not list among
    the model's layers (tf_keras makes it a TFOpLambda layer), so positions in `model.layers` of a
    model built on that input are not known (engine/outer_layers.py)."""
    if not isinstance(result, Tensor) or result.origin is None:
        return
    for value in values:
        if isinstance(value, Tensor) and value.origin is not None:
            interp.__dict__.setdefault("unplaced_origins", set()).add(value.origin)


def call_method(interp: "Interpreter", obj: Value, name: str, args, kwargs, node) -> Value:
    obj = _wrapped_model(obj) or obj
    handler = registry.method_handler(obj, name)
    return handler(interp, obj, name, args, kwargs, node) if handler is not None else UNKNOWN


# ---------------------------------------------------------------------- containers and loops
def _subscript_key(interp: "Interpreter", element) -> "Value | slice":
    if isinstance(element, cst.Slice):
        lower = interp.eval(element.lower) if element.lower is not None else Const(None)
        upper = interp.eval(element.upper) if element.upper is not None else Const(None)
        step = interp.eval(element.step) if element.step is not None else Const(None)
        return slice(lower, upper, step)
    return interp.eval(element.value)


MAX_CHOICES = 16


def subscript(interp: "Interpreter", obj: Value, node: cst.Subscript) -> Value:
    handler = registry.hook_handler("subscript", obj)
    if len(node.slice) != 1:
        # `x[..., ::-1]`, `X[i, :, :, :]`: the hook gets a tuple of keys.
        if handler is None:
            return UNKNOWN
        return handler(interp, obj, tuple(_subscript_key(interp, e.slice) for e in node.slice), node)
    key = _subscript_key(interp, node.slice[0].slice)
    if handler is not None:
        return handler(interp, obj, key, node)
    if isinstance(key, slice):
        if isinstance(obj, Seq):
            try:
                return Seq(obj.items[slice(const_value(key.start), const_value(key.stop), const_value(key.step))], obj.kind)
            except (TypeError, ValueError):
                return UNKNOWN
        return UNKNOWN
    i = const_value(key)
    if isinstance(obj, Seq) and isinstance(i, int):
        try:
            return obj.items[i]
        except IndexError:
            return UNKNOWN
    if isinstance(obj, Seq) and obj.kind == "list" and obj.items and not isinstance(key, Const):
        # `images[i]` with i unknown: whatever every element agrees on (a list of like images).
        joined = obj.items[0]
        for item in obj.items[1:]:
            joined = joined.join(item)
        return joined
    if isinstance(obj, DictV) and i in obj.items:
        return obj.items[i]
    if isinstance(obj, DictV) and not isinstance(key, Const) and 1 < len(obj.items) <= MAX_CHOICES:
        # `MODEL_MAP[self.model_name]`: a table of library constructors indexed by a run-time name.
        options = list(obj.items.values())
        if all(isinstance(o, Ref) for o in options):
            return Choice(options, node)
    return UNKNOWN


def store_item(interp: "Interpreter", obj: Value, target: cst.Subscript, value: Value) -> Value | None:
    """`obj[key] = value`: the container's new value from its library (registry "store" hook), or None."""
    handler = registry.hook_handler("store", obj)
    if handler is None:
        return None
    keys = tuple(_subscript_key(interp, e.slice) for e in target.slice)
    return handler(interp, obj, keys[0] if len(keys) == 1 else keys, value, target)


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


def loop_element(interp: "Interpreter", iterable: Value) -> Value:
    """What a loop or comprehension over `iterable` binds on every turn, as far as all turns agree."""
    if isinstance(iterable, Seq):
        if iterable.kind == "zip":
            return Seq([loop_element(interp, item) for item in iterable.items], "tuple")
        if not iterable.items:
            return UNKNOWN
        joined = iterable.items[0]
        for item in iterable.items[1:]:
            joined = joined.join(item)
        return joined
    if isinstance(iterable, EnumerateOf):
        return Seq([UNKNOWN, loop_element(interp, iterable.inner)], "tuple")
    if isinstance(iterable, Stream):
        return iterable.element
    handler = registry.hook_handler("element", iterable)
    return handler(interp, iterable) if handler is not None else UNKNOWN


def comprehension(interp: "Interpreter", node) -> Value:
    if node.for_in.inner_for_in is None:
        iterable = interp.eval(node.for_in.iter)
        handler = registry.hook_handler("comprehension", iterable)
        if handler is not None:
            return handler(interp, iterable, node)
        if isinstance(node, (cst.ListComp, cst.GeneratorExp)):
            return _collect(interp, node, loop_element(interp, iterable))
    return UNKNOWN


def record_yield(interp: "Interpreter", node: cst.Yield) -> Value:
    """`yield x` (`yield from xs`) in a function: remember the last value of each yield (a loop walked
    twice yields its steady state); the call then returns their stream (`generated`)."""
    if isinstance(node.value, cst.From):
        value = loop_element(interp, interp.eval(node.value.item))
    else:
        value = interp.eval(node.value) if node.value is not None else Const(None)
    if len(interp.frames) > 1:
        interp.frames[-1].yields[id(node)] = value
    return UNKNOWN


def generated(interp: "Interpreter", yields: list[Value], node) -> Value:
    """A generator function called: what its yields agree on, as a stream (registry "collect" hook)."""
    joined = yields[0]
    for other in yields[1:]:
        joined = joined.join(other)
    handler = registry.hook_handler("collect", joined)
    result = handler(interp, joined, node, "generator") if handler is not None else UNKNOWN
    return result if result is not UNKNOWN else Stream(joined)


def _bind_names(interp: "Interpreter", target: cst.BaseExpression, value: Value, saved: dict) -> None:
    if isinstance(target, cst.Name):
        saved.setdefault(target.value, interp.env.get(target.value, _MISSING))
        interp.env[target.value] = value
    elif isinstance(target, (cst.Tuple, cst.List)):
        elements = [e.value for e in target.elements]
        for element, item in zip(elements, unpack(interp, value, len(elements))):
            _bind_names(interp, element.value if isinstance(element, cst.StarredElement) else element, item, saved)


_MISSING = object()


def _collect(interp: "Interpreter", node, element: Value) -> Value:
    """`[cv2.imread(p) for p in paths]`: the element once, with the loop variable bound (and unbound
    after, as Python 3 scopes it); a registry "collect" hook says what a list of such elements is.
    An element that trains or builds something is not followed (its events are undone)."""
    saved: dict = {}
    marks = (len(interp.events), len(interp.backbones), len(interp.models), len(interp.datas), len(interp.feeds),
             len(interp.layers), len(interp.applications), set(interp.called))
    try:
        _bind_names(interp, node.for_in.target, element, saved)
        value = interp.eval(node.elt)
    finally:
        for name, old in saved.items():
            if old is _MISSING:
                interp.env.pop(name, None)
            else:
                interp.env[name] = old
    if (len(interp.events), len(interp.backbones), len(interp.models)) != marks[:3]:
        del interp.events[marks[0]:], interp.backbones[marks[1]:], interp.models[marks[2]:]
        del interp.datas[marks[3]:], interp.feeds[marks[4]:], interp.layers[marks[5]:], interp.applications[marks[6]:]
        interp.called.intersection_update(marks[7])
        return UNKNOWN
    handler = registry.hook_handler("collect", value)
    return handler(interp, value, node, "list") if handler is not None else UNKNOWN


def narrowing(interp: "Interpreter", test: cst.BaseExpression):
    """(name, value in the then-arm, value in the else-arm) when an `if` test narrows a variable."""
    for narrower in registry.narrowers():
        found = narrower(interp, test)
        if found is not None:
            return found
    return None
