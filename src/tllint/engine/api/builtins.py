"""Python builtins scripts use around Keras objects: `enumerate` and `zip` over layer
collections, `len(base.layers)`, `float`/`int` of constants, `list.append` of images."""

from __future__ import annotations

from tllint.engine import registry
from tllint.engine.layersets import layer_len
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, BoundMethod, Const, EnumerateOf, LayerSet, Seq, Value


@registry.builtin("enumerate")
def _enumerate(interp: InterpreterApi, ref, args, kwargs, node) -> Value:
    return EnumerateOf(args[0]) if args else UNKNOWN


@registry.builtin("zip")
def _zip(interp: InterpreterApi, ref, args, kwargs, node) -> Value:
    return Seq(list(args), "tuple")


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


@registry.method(Seq, "append")
def _append(interp: InterpreterApi, obj: Seq, name: str, args, kwargs, node) -> Value:
    if not args:
        return UNKNOWN
    obj.items.append(args[0])
    return Const(None)
