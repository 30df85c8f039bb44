"""scikit-learn steps scripts put between loading images and training: splits and shuffles (every
output keeps the pixels of its input) and scalers (`MinMaxScaler` puts every column in its
feature_range, [0, 1] by default; `StandardScaler` standardises each column: not raw any more, its
range not known).
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from tllint.engine import registry
from tllint.engine.api.pandas_frames import split_rows
from tllint.engine.api.support import kw, src
from tllint.engine.pixels import Step, describe
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, BoundMethod, Data, Labels, Ref, Seq, Tensor, Value, is_number, with_step


def _same_pixels(value: Value, node) -> Value:
    """One output of a split or shuffle: the same pixels (a list of images becomes an array of them)."""
    if isinstance(value, Data):
        return Data(value.encoding, value.labels, node, value.what, value.batched, value.paired)
    if isinstance(value, (Tensor, Labels)):
        return value
    rows = split_rows(value)  # a pandas frame: the same columns
    if rows is not None:
        return rows
    if isinstance(value, Seq) and value.items:
        encodings = [item.encoding if isinstance(item, (Tensor, Data)) else None for item in value.items]
        if encodings[0] is not None and all(e == encodings[0] for e in encodings):
            return Data(encodings[0], None, node, "list", batched=True, paired=False)
    return UNKNOWN


@registry.function("sklearn.model_selection.train_test_split", "sklearn.cross_validation.train_test_split")
def _train_test_split(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """`X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)`."""
    if not args:
        return UNKNOWN
    out: list[Value] = []
    for array in args:
        out += [_same_pixels(array, node), _same_pixels(array, node)]
    return Seq(out, "list")


@registry.function("sklearn.utils.shuffle", "sklearn.utils.resample")
def _shuffle(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """`X, y = shuffle(X, y, random_state=0)`: the same arrays, reordered."""
    if not args:
        return UNKNOWN
    if len(args) == 1:
        return _same_pixels(args[0], node)
    return Seq([_same_pixels(a, node) for a in args], "list")


# ---------------------------------------------------------------------- scalers
@dataclass(eq=False)
class Scaler(Value):
    """A sklearn scaler, fitted or not: kind "minmax" (to `feature_range`) or "standard"."""

    kind: str
    node: cst.CSTNode
    low: float = 0.0
    high: float = 1.0


@registry.function("sklearn.preprocessing.MinMaxScaler")
def _min_max_scaler(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    bounds = kw(args, kwargs, "feature_range", 0, Seq([], "tuple"))
    if isinstance(bounds, Seq) and not bounds.items:
        return Scaler("minmax", node)
    if isinstance(bounds, Seq) and len(bounds.items) == 2 and all(is_number(b) for b in bounds.items):
        return Scaler("minmax", node, float(bounds.items[0].value), float(bounds.items[1].value))
    return UNKNOWN


@registry.function("sklearn.preprocessing.StandardScaler")
def _standard_scaler(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    return Scaler("standard", node)


@registry.hook("attribute", Scaler)
def _scaler_attribute(interp: InterpreterApi, scaler: Scaler, attr: str, node) -> Value:
    return BoundMethod(scaler, attr)


@registry.method(Scaler, "fit", "partial_fit")
def _scaler_fit(interp: InterpreterApi, scaler: Scaler, name: str, args, kwargs, node) -> Value:
    return scaler


@registry.method(Scaler, "fit_transform", "transform")
def _scaler_transform(interp: InterpreterApi, scaler: Scaler, name: str, args, kwargs, node) -> Value:
    x = kw(args, kwargs, "X", 0)
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    if scaler.kind == "standard":
        return with_step(x, Step("normalize", src(interp, node), node))
    verdict = describe(x.encoding)
    if verdict.kind not in ("raw", "affine") or verdict.interval is None or verdict.interval[1] <= verdict.interval[0]:
        return with_step(x, Step("opaque", src(interp, node), node))  # a range tllint cannot follow
    lo, hi = verdict.interval
    # Every column is min-max scaled into feature_range: one affine step from the range it had.
    scale = (scaler.high - scaler.low) / (hi - lo)
    return with_step(x, Step("affine", src(interp, node), node, scale=scale, offset=scaler.low - lo * scale))


__all__ = ["Scaler"]
