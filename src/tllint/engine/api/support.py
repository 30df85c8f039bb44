"""Helpers the library modules share; not a library itself.

Argument lookup as Python binds it, the source text messages quote, element dtypes, decoded
images, and calling a user function back through the interpreter (never through the dispatcher:
handlers only know the interpreter object they are given).
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from tllint.engine.imports import snippet
from tllint.engine.pixels import Encoding, Source
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, Backbone, BoundMethod, Const, Data, Func, LayerV, Model, Ref, Tensor, Value

_FLOAT_NAMES = {"float16", "float32", "float64", "bfloat16", "float", "half", "double"}
_UINT8_NAMES = {"uint8"}


def kw(args: list[Value], kwargs: dict[str, Value], name: str, pos: int | None, default: Value = UNKNOWN) -> Value:
    """The argument bound to parameter `name` (keyword, else position `pos`), else `default`."""
    if name in kwargs:
        return kwargs[name]
    if pos is not None and pos < len(args):
        return args[pos]
    return default


def src(interp: InterpreterApi, node: cst.CSTNode) -> str:
    return snippet(interp.module, node)


def apply_function(interp: InterpreterApi, fn: Value, args: list[Value], node) -> Value:
    """A function value handed to a library (a Lambda layer's, `Dataset.map`'s, a
    `preprocessing_function`), applied to the library's values."""
    if isinstance(fn, (Func, Ref, LayerV, Model, Backbone, BoundMethod)):
        return interp.call_value(fn, args, {}, node)
    return UNKNOWN


def dtype_of(value: Value) -> str | None:
    """"float" | "uint8" | "int" | None for a dtype argument (`tf.float32`, `'float32'`, `np.uint8`)."""
    name = None
    if isinstance(value, Ref):
        name = value.name.rsplit(".", 1)[-1]
    elif isinstance(value, Const) and isinstance(value.value, str):
        name = value.value
    if name is None:
        return None
    if name in _FLOAT_NAMES:
        return "float"
    if name in _UINT8_NAMES:
        return "uint8"
    if name.startswith(("int", "uint")):
        return "int"
    return None


def decoder(what: str, dtype: str | None = "uint8") -> Callable:
    """A handler for an image decoder or file loader: one image of raw 0..255 pixels."""

    def handler(interp, ref, args, kwargs, node):
        return Tensor(Encoding(Source("raw", what, node), dtype=dtype), None, rank=3)

    return handler


def neutral(interp, ref, args, kwargs, node) -> Value:
    """A call that keeps the pixel range of its first argument (casts, flips, crops, reshapes)."""
    return args[0] if args and isinstance(args[0], (Tensor, Data)) else UNKNOWN
