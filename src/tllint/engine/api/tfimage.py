"""tf.io and tf.image: decoding image files, resizing, flips and crops, dtype conversion.

Range facts (keras-facts §5): `tf.io.decode_*` give uint8 0..255; `tf.image.resize` returns
float32 (nearest-neighbour keeps the dtype) with the same range;
`tf.image.convert_image_dtype(x, tf.float32)` scales integer input to [0, 1] and leaves float
input untouched (so after `tf.image.resize` it does nothing); flips and crops keep the range.
"""

from __future__ import annotations

from tllint.engine import registry
from tllint.engine.api.support import decoder, dtype_of, neutral, src
from tllint.engine.pixels import Step
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, Const, Data, Ref, Tensor, Value, retype, with_step

_DECODERS = (
    ("tensorflow.io.decode_jpeg", "tf.io.decode_jpeg"), ("tensorflow.io.decode_png", "tf.io.decode_png"),
    ("tensorflow.io.decode_image", "tf.io.decode_image"), ("tensorflow.io.decode_bmp", "tf.io.decode_bmp"),
    ("tensorflow.image.decode_jpeg", "tf.image.decode_jpeg"), ("tensorflow.image.decode_png", "tf.image.decode_png"),
    ("tensorflow.image.decode_image", "tf.image.decode_image"),
)
for _name, _what in _DECODERS:
    registry.function(_name)(decoder(_what))

# Same pixels, same static shape.
registry.function("tensorflow.image.flip_left_right", keeps_shape=True)(neutral)
# Same pixels, another shape (a grey channel repeated three times, or RGB weighted to one grey
# channel with weights summing to 1: the range is kept).
registry.function(
    "tensorflow.image.grayscale_to_rgb", "tensorflow.image.rgb_to_grayscale",
)(neutral)
registry.function(
    "tensorflow.image.resize_with_pad", "tensorflow.image.central_crop",
    "tensorflow.image.resize_with_crop_or_pad", "tensorflow.image.rot90", "tensorflow.image.crop_to_bounding_box",
)(neutral)


def _drawn(handler):
    """A random transform, drawn anew on every call (every pass of a `Dataset.map`): logged for TL402
    with the depth of open `if` arms it runs in (api/tfdata.py random_log)."""
    def record(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
        interp.__dict__.setdefault("random_ops", []).append((node, interp.arm_depth))
        return handler(interp, ref, args, kwargs, node)
    return record


# Random flips, crops and brightness keep the range; the colour ones (contrast, saturation, hue,
# JPEG quality) change values in a way not followed here.
registry.function(
    "tensorflow.image.random_flip_left_right", "tensorflow.image.random_flip_up_down",
    "tensorflow.image.random_brightness", "tensorflow.image.stateless_random_flip_left_right",
    "tensorflow.image.stateless_random_flip_up_down", "tensorflow.image.stateless_random_brightness", keeps_shape=True,
)(_drawn(neutral))
registry.function("tensorflow.image.random_crop", "tensorflow.image.stateless_random_crop")(_drawn(neutral))
registry.function(
    "tensorflow.image.random_contrast", "tensorflow.image.random_saturation", "tensorflow.image.random_hue",
    "tensorflow.image.random_jpeg_quality", "tensorflow.image.stateless_random_contrast",
    "tensorflow.image.stateless_random_saturation", "tensorflow.image.stateless_random_hue",
    "tensorflow.image.stateless_random_jpeg_quality",
)(_drawn(lambda interp, ref, args, kwargs, node: UNKNOWN))

_FLOAT_METHODS = ("bilinear", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")


@registry.function("tensorflow.image.resize")
def _resize(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    x = args[0] if args else kwargs.get("images", UNKNOWN)
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    # float32 out, except nearest-neighbour resizing, which keeps the dtype.
    method = kwargs.get("method", args[2] if len(args) > 2 else None)
    if method is None:
        return retype(x, "float")
    if isinstance(method, Const) and method.value in _FLOAT_METHODS:
        return retype(x, "float")
    return retype(x, None)


@registry.function("tensorflow.image.convert_image_dtype")
def _convert_image_dtype(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    x = args[0] if args else kwargs.get("image", UNKNOWN)
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    target = dtype_of(args[1] if len(args) > 1 else kwargs.get("dtype", UNKNOWN))
    if target != "float":
        return with_step(x, Step("opaque", src(interp, node), node))
    if x.encoding.dtype == "float":
        # Float input: convert_image_dtype does nothing. A "note" step changes no range; messages cite it.
        return with_step(x, Step("note", src(interp, node), node))
    if x.encoding.dtype == "uint8":
        return with_step(x, Step("affine", src(interp, node), node, scale=1 / 255.0))
    return with_step(x, Step("opaque", src(interp, node), node))


@registry.function("tensorflow.image.per_image_standardization", keeps_shape=True)
def _per_image_standardization(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """Each image to zero mean and unit variance: not raw any more, its range not known (float out)."""
    x = args[0] if args else kwargs.get("image", UNKNOWN)
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    return with_step(x, Step("normalize", src(interp, node), node))


# The resize family (keras-facts §5: a resize keeps the pixel range). On a model's symbolic input
# (`smart_resize(inputs, size)` before the backbone) the backbone stays in sight.
@registry.function("keras.preprocessing.image.smart_resize", "tensorflow.image.resize_images",
                   "tensorflow.compat.v1.image.resize", "tensorflow.compat.v1.image.resize_images")
def _smart_resize(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """Bilinear by default: float32 out, the same range (nearest keeps the dtype)."""
    x = args[0] if args else kwargs.get("x", kwargs.get("images", UNKNOWN))
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    method = kwargs.get("interpolation", kwargs.get("method"))
    if method is None or (isinstance(method, Const) and method.value in _FLOAT_METHODS):
        return retype(x, "float")
    return retype(x, None)


@registry.function("keras.ops.image.resize")
def _ops_resize(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """keras.ops keeps the input dtype (uint8 in, uint8 out) and the range."""
    x = args[0] if args else kwargs.get("images", UNKNOWN)
    return x if isinstance(x, (Tensor, Data)) else UNKNOWN
