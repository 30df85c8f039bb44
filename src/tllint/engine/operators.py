"""Python operators on abstract values: constants fold, arithmetic on images is a pixel step.

`x / 255.`, `x * 2 - 1`, `127.5 - x`: an affine step on the pixels' encoding, remembered with its
source text; any other arithmetic on images makes their range unknown (an opaque step).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import libcst as cst

from tllint.engine import registry
from tllint.engine.imports import snippet
from tllint.engine.pixels import Step
from tllint.engine.values import UNKNOWN, Const, Data, Statistic, Tensor, TextPattern, Value, is_number, with_step

if TYPE_CHECKING:  # pragma: no cover
    from tllint.engine.interpreter import Interpreter


def binary(interp: "Interpreter", op: str, left: Value, right: Value, node: cst.CSTNode) -> Value:
    if isinstance(left, Const) and isinstance(right, Const):
        return _fold(op, left.value, right.value)
    text = snippet(interp.module, node)
    if isinstance(left, (Tensor, Data)) and is_number(right):
        step = _affine_step(op, float(right.value), text, node, tensor_left=True)
        return with_step(left, _estimated(step, right) if step is not None else Step("opaque", text, node))
    if isinstance(right, (Tensor, Data)) and is_number(left):
        step = _affine_step(op, float(left.value), text, node, tensor_left=False)
        return with_step(right, _estimated(step, left) if step is not None else Step("opaque", text, node))
    if isinstance(left, (Tensor, Data)):
        return with_step(left, Step("opaque", text, node))
    if isinstance(right, (Tensor, Data)):
        return with_step(right, Step("opaque", text, node))
    if op == "Add":
        return _text_concat(left, right)
    return UNKNOWN


def _estimated(step: Step, operand: Value) -> Step:
    """A step by the pixels' own mean or std (engine/api/statistics.py): its numbers are estimates."""
    if isinstance(operand, Statistic) and operand.estimated:
        return dataclasses.replace(step, mode="statistics")
    return step


def _text_concat(left: Value, right: Value) -> Value:
    """`"models." + name`: text known in part, a pattern like an f-string's (`*` for the unknown)."""
    parts = []
    for side in (left, right):
        if isinstance(side, Const) and isinstance(side.value, str):
            parts.append(side.value)
        elif isinstance(side, TextPattern):
            parts.append(side.pattern)
        elif side is UNKNOWN:
            parts.append("*")
        else:
            return UNKNOWN
    if all(p == "*" for p in parts):
        return UNKNOWN
    return TextPattern("".join(parts))


def _fold(op: str, a: Any, b: Any) -> Value:
    try:
        if op == "Add":
            return Const(a + b)
        if op == "Subtract":
            return Const(a - b)
        if op == "Multiply":
            if isinstance(a, str) or isinstance(b, str):
                return UNKNOWN
            return Const(a * b)
        if op == "Divide":
            return Const(a / b)
        if op == "FloorDivide":
            return Const(a // b)
        if op == "Power":
            if abs(b) > 64:
                return UNKNOWN
            return Const(a ** b)
        if op == "Modulo" and not isinstance(a, str):
            return Const(a % b)
    except Exception:  # noqa: BLE001
        return UNKNOWN
    return UNKNOWN


def _affine_step(op: str, c: float, text: str, node, tensor_left: bool) -> Step | None:
    if op == "Divide" and tensor_left and c != 0:
        return Step("affine", text, node, scale=1.0 / c)
    if op == "FloorDivide" and tensor_left and c != 0:
        return Step("affine", text, node, scale=1.0 / c)
    if op == "Multiply":
        return Step("affine", text, node, scale=c)
    if op == "Add":
        return Step("affine", text, node, offset=c)
    if op == "Subtract":
        if tensor_left:
            return Step("affine", text, node, offset=-c)
        return Step("affine", text, node, scale=-1.0, offset=c)
    return None


def compare(interp: "Interpreter", node: cst.Comparison) -> Value:
    if len(node.comparisons) != 1:
        return UNKNOWN
    left = interp.eval(node.left)
    right = interp.eval(node.comparisons[0].comparator)
    if isinstance(left, Const) and isinstance(right, Const):
        op = node.comparisons[0].operator
        try:
            if isinstance(op, cst.Equal):
                return Const(left.value == right.value)
            if isinstance(op, cst.NotEqual):
                return Const(left.value != right.value)
        except Exception:  # noqa: BLE001
            return UNKNOWN
    # Library values compared (`preds == labels`, `probs > 0.5`): registry "compare" hook.
    op_name = type(node.comparisons[0].operator).__name__
    for value in (left, right):
        handler = registry.hook_handler("compare", value)
        result = handler(interp, left, right, op_name, node) if handler is not None else None
        if result is not None:
            return result
    return UNKNOWN


def formatted(interp: "Interpreter", node: cst.FormattedString) -> Value:
    """An f-string: its text when every part is a known scalar, else the pattern of its literal
    parts (`f"efficientnetb{v}_notop.h5"` is still a weights file path: api/applications.py)."""
    parts: list[str] = []
    known = True
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            parts.append(part.value)
            continue
        value = interp.eval(part.expression)
        if isinstance(value, Const) and isinstance(value.value, (str, int, float, bool)) and not part.format_spec and part.conversion is None:
            parts.append(str(value.value))
        else:
            known = False
            parts.append("*")
    text = "".join(parts)
    return Const(text) if known else TextPattern(text)
