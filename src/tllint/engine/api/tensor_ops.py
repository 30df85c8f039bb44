"""TensorFlow core and keras.ops tensor functions: casts, reshapes, conversions, clipping.

None of them changes the pixel range; a cast changes the element dtype, which decides what a
later `tf.image.convert_image_dtype` does (api/tfimage.py). A clip keeps the range when its bounds
hold it (`clip(x, 0., 1.)` on [0, 1] pixels), else the range is unknown.
"""

from __future__ import annotations

from tllint.engine import registry
from tllint.engine.api.support import dtype_of, kw, neutral, src
from tllint.engine.pixels import Step, describe
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, Data, Ref, Seq, Tensor, Value, is_number, retype, with_step

# Same pixels, same static shape.
registry.function(
    "tensorflow.identity", "tensorflow.ensure_shape", "tensorflow.convert_to_tensor", "keras.ops.convert_to_tensor",
    keeps_shape=True,
)(neutral)
# Same pixels, another (or unknown) shape.
registry.function(
    "tensorflow.reshape", "tensorflow.expand_dims", "tensorflow.squeeze", "keras.ops.expand_dims",
)(neutral)


@registry.function("tensorflow.constant")
def _constant(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """`tf.constant(x)`: pixels keep their range; a number, or a list of one number (`tf.constant([a])`,
    broadcast like the number), stays that number, so `a + (x - lo) * (b - a) / (hi - lo)` folds."""
    value = args[0] if args else kwargs.get("value", UNKNOWN)
    if isinstance(value, Seq) and len(value.items) == 1:
        value = value.items[0]
    if is_number(value) or isinstance(value, (Tensor, Data)):
        return value
    return UNKNOWN


@registry.function("tensorflow.cast", "tensorflow.dtypes.cast", "keras.ops.cast", keeps_shape=True)
def _cast(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    x = args[0] if args else kwargs.get("x", UNKNOWN)
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    return retype(x, dtype_of(args[1] if len(args) > 1 else kwargs.get("dtype", UNKNOWN)))


def clip(interp: InterpreterApi, x: Value, low: Value, high: Value, node) -> Value:
    """`tf.clip_by_value` / `np.clip`: bounds that hold the whole known range change nothing (the usual
    safety clamp after augmentation); bounds that cut into it, or a range not known, make it unknown."""
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    verdict = describe(x.encoding)
    interval = verdict.interval if verdict.kind in ("raw", "affine") else None
    if interval is not None and is_number(low) and is_number(high):
        lo, hi = interval
        slack = 0.01 * max(hi - lo, 1e-9)
        if float(low.value) <= lo + slack and float(high.value) >= hi - slack:
            return x
    return with_step(x, Step("opaque", src(interp, node), node))


@registry.function("tensorflow.clip_by_value", "keras.ops.clip", keeps_shape=True)
def _clip_by_value(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    return clip(interp, kw(args, kwargs, "t", 0) if "x" not in kwargs else kwargs["x"],
                kw(args, kwargs, "clip_value_min", 1) if "x_min" not in kwargs else kwargs["x_min"],
                kw(args, kwargs, "clip_value_max", 2) if "x_max" not in kwargs else kwargs["x_max"], node)
