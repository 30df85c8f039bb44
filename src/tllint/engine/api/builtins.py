"""Python builtins scripts use around Keras objects: `enumerate` and `zip` over layer
collections, `len(base.layers)`, `float`/`int` of constants, `list.append` of images."""

from __future__ import annotations

import dataclasses
import keyword

import libcst as cst

from tllint.engine import registry
from tllint.engine.api.dynamic_imports import attribute_by_name
from tllint.engine.api.evaluation import joined_labels
from tllint.engine.layersets import layer_len
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, BoundMethod, Const, DictV, EnumerateOf, LayerSet, Seq, Value


@registry.builtin("enumerate")
def _enumerate(interp: InterpreterApi, ref, args, kwargs, node) -> Value:
    return EnumerateOf(args[0]) if args else UNKNOWN


@registry.builtin("zip")
def _zip(interp: InterpreterApi, ref, args, kwargs, node) -> Value:
    return Seq(list(args), "zip")  # a loop over it binds one element of each (calls.loop_element)


@registry.builtin("len")
def _len(interp: InterpreterApi, ref, args, kwargs, node) -> Value:
    if args and isinstance(args[0], Seq):
        return Const(len(args[0].items))
    if args and isinstance(args[0], LayerSet):
        return layer_len(args[0]) or UNKNOWN
    return UNKNOWN


@registry.builtin("float")
def _float(interp: InterpreterApi, ref, args, kwargs, node) -> Value:
    if args and isinstance(args[0], Const):
        try:
            return Const(float(args[0].value))
        except (TypeError, ValueError):
            return UNKNOWN
    return UNKNOWN


@registry.builtin("int")
def _int(interp: InterpreterApi, ref, args, kwargs, node) -> Value:
    if args and isinstance(args[0], Const):
        try:
            return Const(int(args[0].value))
        except (TypeError, ValueError):
            return UNKNOWN
    return UNKNOWN


@registry.hook("attribute", Seq)
def _seq_attribute(interp: InterpreterApi, obj: Seq, attr: str, node) -> Value:
    return BoundMethod(obj, attr)


@registry.method(Seq, "append", "extend")
def _append(interp: InterpreterApi, obj: Seq, name: str, args, kwargs, node) -> Value:
    if not args:
        return UNKNOWN
    if name == "extend":
        if joined_labels(args[0]) is None:
            return UNKNOWN  # only labels of a dataset pass are followed through `extend`
        obj.items.append(joined_labels(args[0]))  # one more batch of those labels (api/evaluation.py)
        return Const(None)
    obj.items.append(args[0])
    return Const(None)


# ---------------------------------------------------------------------- dicts the walk knows
@registry.hook("attribute", DictV)
def _dict_attribute(interp: InterpreterApi, obj: DictV, attr: str, node) -> Value:
    return BoundMethod(obj, attr)


@registry.method(DictV, "keys", "values", "items", "get", "copy")
def _dict_method(interp: InterpreterApi, obj: DictV, name: str, args, kwargs, node) -> Value:
    """`BACKBONES.items()` over a dict literal: its entries in order (a loop over them may be
    unrolled, engine/unroll.py); `cfg.get("backbone", "resnet50")`."""
    if name == "keys":
        return Seq([Const(k) for k in obj.items], "list")
    if name == "values":
        return Seq(list(obj.items.values()), "list")
    if name == "items":
        return Seq([Seq([Const(k), v], "tuple") for k, v in obj.items.items()], "list")
    if name == "copy":
        return DictV(dict(obj.items))
    key = args[0] if args else UNKNOWN
    if not isinstance(key, Const):
        return UNKNOWN
    try:
        found = obj.items.get(key.value)
    except TypeError:
        return UNKNOWN
    # A key the literal lacks: unknown (its `**spread` or computed keys were not kept).
    return found if found is not None else UNKNOWN


@registry.builtin("getattr")
def _getattr(interp: InterpreterApi, ref, args, kwargs, node) -> Value:
    """`getattr(keras.applications, name)` with a constant name: that attribute; else unknown.
    A default (third argument) makes it unknown: the attribute may be missing."""
    if len(args) == 2 and not isinstance(args[1], Const):
        return attribute_by_name(interp, args[0], node)  # `getattr(models, cfg.arch)`: a model class picked by name
    if len(args) != 2 or not isinstance(args[1], Const) or not isinstance(args[1].value, str):
        return UNKNOWN
    attr = args[1].value
    first = node.args[0] if isinstance(node, cst.Call) and node.args else None
    if not attr.isidentifier() or keyword.iskeyword(attr) or first is None or first.keyword is not None or first.star:
        return UNKNOWN
    if not _plain_reference(first.value):
        return UNKNOWN  # `getattr(make(), name)`: evaluating the object again could run code twice
    # The attribute as the script would spell it (`keras.applications.ResNet50`).
    return interp.eval(cst.Attribute(value=first.value, attr=cst.Name(attr)))


def _plain_reference(node) -> bool:
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


# ---------------------------------------------------------------------- str methods of known text
# Pure methods of a known string (`args.net.startswith("resnet")`, `name.lower()`): folded, so the
# tests they feed decide like any constant test. A command-line default stays marked as one
# (dataclasses.replace keeps the option it came from: engine/api/cli_args.Default).
_STR_METHODS = {
    "startswith", "endswith", "lower", "upper", "strip", "lstrip", "rstrip", "replace", "split",
    "rsplit", "casefold", "title", "capitalize", "removeprefix", "removesuffix", "isdigit", "isalpha",
}


@registry.hook("attribute", Const)
def _const_attribute(interp: InterpreterApi, obj: Const, attr: str, node) -> Value:
    return BoundMethod(obj, attr) if isinstance(obj.value, str) and attr in _STR_METHODS else UNKNOWN


@registry.method(Const, *sorted(_STR_METHODS))
def _str_method(interp: InterpreterApi, obj: Const, name: str, args, kwargs, node) -> Value:
    if kwargs or not all(isinstance(a, Const) and isinstance(a.value, (str, int, tuple)) for a in args):
        return UNKNOWN
    try:
        result = getattr(obj.value, name)(*(a.value for a in args))
    except (TypeError, ValueError):
        return UNKNOWN
    if isinstance(result, list):
        return Seq([Const(item) for item in result], "list")
    return dataclasses.replace(obj, value=result)
