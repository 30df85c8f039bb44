"""Which `for` loops the interpreter runs once per element, with the element bound exactly.

A loop over a small collection the program spells out (`for name, ctor in {"vgg": VGG16,
"res": ResNet50}.items():`, `for name in BACKBONES.keys():`, `for base in [vgg, resnet]:`)
trains one model per element: each iteration builds its own backbone and runs its own compile
and fit. Walking such a body twice with an unknown loop variable loses the backbone, so the
interpreter unrolls it instead: the body runs once per element, in order, with the element bound,
and findings name each iteration's backbone.

A loop is unrolled when (`items_to_unroll`):
- its iterable is a list, tuple, dict view or dict (its keys) the walk knows element by element,
  of at most `MAX_UNROLL` elements (past the bound: the ordinary walk with an unknown loop variable);
- and either an element is (or holds) a backbone, model or data value, or every element is a
  constant-like value (a literal, a library name such as `keras.applications.VGG16`, a user
  function or class, or a tuple of those) and either an element is a callable (a constructor to
  call) or the loop body trains or compiles something (`fit`, `compile`, `train_on_batch`, ...)
  or calls a function of the program (which may do so).

A body with `break` or `continue` is not unrolled (the walk would run statements Python skips).
Loops over anything else (ranges, generators, data, layer collections, `enumerate(KFold(...).split(x))`)
are walked as before (engine/interpreter.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import libcst as cst

from tllint.engine.values import Backbone, ClassV, Const, Data, DictV, Func, Model, Ref, Seq, Value
from tllint.parse import walk_nodes

if TYPE_CHECKING:  # pragma: no cover
    from tllint.engine.interpreter import Interpreter

MAX_UNROLL = 8  # elements; a longer collection is walked as an ordinary loop
MAX_CONST_DEPTH = 3

_TRAINING = frozenset({"fit", "fit_generator", "train_on_batch", "compile", "train_step"})


def items_to_unroll(interp: "Interpreter", iterable: Value, node: cst.For) -> Iterator[Value] | None:
    """The elements to bind one by one (each backbone built in an iteration remembers which: its
    findings say so, `iteration_note`), or None for the ordinary walk."""
    items = _items(interp, iterable, node)
    return _labelled(interp, items, node) if items else None


def _labelled(interp: "Interpreter", items: list[Value], node: cst.For) -> Iterator[Value]:
    target = _text(interp, node.target)
    for item in items:
        start = len(interp.backbones)
        yield item
        shown = _shown(item)
        if shown is None:
            continue
        for backbone in interp.backbones[start:]:
            backbone.__dict__.setdefault("iteration", f"{target} = {shown}")


def _text(interp: "Interpreter", node: cst.CSTNode) -> str:
    try:
        text = interp.module.code_for_node(node)
    except Exception:  # noqa: BLE001
        return "..."
    return text if len(text) <= 40 else text[:37] + "..."


def _shown(item: Value) -> str | None:
    """`'xception'` for a key, the first constant of a `(name, ctor)` pair."""
    if isinstance(item, Const) and isinstance(item.value, (str, int, float)):
        return repr(item.value)
    if isinstance(item, Seq):
        for inner in item.items:
            if isinstance(inner, Const) and isinstance(inner.value, (str, int)):
                return "(" + repr(inner.value) + ", ...)"
    if isinstance(item, Ref):
        return item.name.rsplit(".", 1)[-1]
    return None


def iteration_note(report) -> str:
    """" (In the loop's iteration `name = 'xception'`.)" for a finding on a backbone built in an
    unrolled loop: the same line runs for every element, and one finding per line is reported."""
    unit = report.data.get("unit") if isinstance(report.data, dict) else None
    label = getattr(unit, "__dict__", {}).get("iteration") if unit is not None else None
    return f" (In the loop's iteration `{label}`.)" if label else ""


def _items(interp: "Interpreter", iterable: Value, node: cst.For) -> list[Value] | None:
    if isinstance(iterable, DictV) and all(isinstance(k, (str, int)) for k in iterable.items):
        # `for name in BASE_MODELS:` iterates the keys; the loop trains when the values are callables
        # or models (looked up with `BASE_MODELS[name]`), or when the body trains.
        keys: list[Value] = [Const(k) for k in iterable.items]
        if 0 < len(keys) <= MAX_UNROLL and not _jumps(interp, node) and (
            any(isinstance(v, (Backbone, Model)) or _callable_in(v, 0) for v in iterable.items.values())
            or _body_trains(interp, node)
        ):
            return keys
        return None
    if not isinstance(iterable, Seq) or iterable.kind == "zip" or not iterable.items or len(iterable.items) > MAX_UNROLL:
        return None
    items = iterable.items
    if any(isinstance(i, (Backbone, Model, Data)) for i in items):
        return items
    if not all(_constant_like(i, 0) for i in items) or _jumps(interp, node):
        return None
    if any(_callable_in(i, 0) for i in items) or _body_trains(interp, node):
        return items
    return None


def _constant_like(value: Value, depth: int) -> bool:
    if isinstance(value, (Const, Ref, Func, ClassV)):
        return True
    if isinstance(value, Seq) and value.kind in ("tuple", "list") and depth < MAX_CONST_DEPTH:
        return all(_constant_like(i, depth + 1) for i in value.items)
    return False


def _callable_in(value: Value, depth: int) -> bool:
    if isinstance(value, (Ref, Func, ClassV)):
        return True
    if isinstance(value, Seq) and depth < MAX_CONST_DEPTH:
        return any(_callable_in(i, depth + 1) for i in value.items)
    return False


def _jumps(interp: "Interpreter", node: cst.For) -> bool:
    """A `break`/`continue` in the body (the walk runs every statement): not unrolled."""
    cache = interp.__dict__.setdefault("_unroll_jump_cache", {})
    if id(node) not in cache:
        cache[id(node)] = any(isinstance(n, (cst.Break, cst.Continue)) for n in walk_nodes(node.body))
    return cache[id(node)]


def _body_trains(interp: "Interpreter", node: cst.For) -> bool:
    """The body calls a training method or a function of the program (cached per loop)."""
    cache = interp.__dict__.setdefault("_unroll_body_cache", {})
    key = id(node)
    if key not in cache:
        found = False
        for inner in walk_nodes(node.body):
            if not isinstance(inner, cst.Call):
                continue
            func = inner.func
            if isinstance(func, cst.Attribute) and func.attr.value in _TRAINING:
                found = True
                break
            if isinstance(func, cst.Name) and isinstance(interp.lookup(func.value), (Func, ClassV)):
                found = True
                break
        cache[key] = found
    return cache[key]


__all__ = ["MAX_UNROLL", "items_to_unroll", "iteration_note"]
