"""`evaluate`, `predict`, `test_on_batch`, `predict_on_batch`: capped like `fit`, with the pixels
entering each backbone probed first. `predict` on arrays returns the original length, the capped
predictions repeated, so code after it keeps working."""

from __future__ import annotations

import inspect

from .backbones import probe_forward
from .capping import capped, is_array_like, length, rows_for, take_batches, tile
from .config import STEPS
from .events import emit, user_line
from .state import S, model_info
from .synthetic import resolve_classes

METHODS = ("evaluate", "predict", "test_on_batch", "predict_on_batch")


def install(Model) -> None:
    for name in METHODS:
        setattr(Model, name, _inference(name, getattr(Model, name)))


def _feed_capped(model, a):
    """Replace x / y / sample_weight in the bound arguments by a few small batches; returns (first
    batch's inputs, the original length when x holds arrays)."""
    x = a.get("x")
    rows, rank = rows_for(model)
    batches, feed, how, _fed_rows = take_batches(x, a.get("y"), a.get("sample_weight"), a.get("batch_size"), STEPS, rows, rank)
    full = None
    if how == "arrays":
        full = length(x)
        a["x"] = feed["x"]
        if "batch_size" in a:
            a["batch_size"] = feed["batch_size"]
        if "y" in a:
            a["y"] = feed["y"]
        if "sample_weight" in a:
            a["sample_weight"] = feed["sample_weight"]
    else:
        a["x"] = feed["x"]
        for k in ("y", "sample_weight", "batch_size"):
            if k in a:
                a[k] = None
        a["steps"] = None
    return (batches[0][0] if batches else None), full


def _inference(name, orig):
    sig = inspect.signature(orig)
    on_batch = name.endswith("_on_batch")

    def wrapper(self, *args, **kwargs):
        if S.depth:
            return orig(self, *args, **kwargs)
        line = user_line()
        key = (name, id(self), line)
        if on_batch and capped(key) and key in S.cached:
            return S.cached[key]
        if not on_batch:
            # the same predict/evaluate line in a loop: after 5*N real calls, reuse the result
            count = S.call_counts.get(key, 0)
            S.call_counts[key] = count + 1
            if count >= 5 * STEPS and key in S.cached:
                cached = S.cached[key]
                x0 = args[0] if args else kwargs.get("x")
                if name == "predict" and is_array_like(x0):
                    return tile(cached, length(x0))
                if name == "evaluate":
                    return cached
        bound = sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        a = dict(bound.arguments)
        a.pop("self", None)
        a.update(a.pop("kwargs", {}) or {})
        full = None
        if not on_batch:
            resolve_classes(self)
            xb, full = _feed_capped(self, a)
        else:
            xb = a.get("x")
        if xb is not None and S.backbones:
            pixels, out = probe_forward(self, xb)
            if pixels:
                for bid, st in pixels.items():
                    emit("pixels", bid=bid, line=line, stats=st, where=name)
        S.depth += 1
        try:
            result = orig(self, **a)
        except Exception as exc:
            emit("exception", mid=model_info(self)["mid"], line=line, where=name, type=type(exc).__name__, message=str(exc)[:4000])
            raise
        finally:
            S.depth -= 1
        if name == "predict" and full is not None:
            result = tile(result, full)
        if name in ("predict", "predict_on_batch"):
            shape = getattr(result, "shape", None)  # TL404: how many output units the predictions have
            if shape is not None:
                emit("predicted", line=line, shape=[int(d) if d is not None else None for d in shape])
        S.cached[key] = result
        return result

    return wrapper
