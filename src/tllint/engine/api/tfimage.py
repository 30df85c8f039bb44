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
registry.function(
    "tensorflow.image.random_flip_left_right", "tensorflow.image.random_flip_up_down",
    "tensorflow.image.flip_left_right", "tensorflow.image.random_brightness", keeps_shape=True,
)(neutral)
# Same pixels, another shape.
registry.function(
    "tensorflow.image.resize_with_pad", "tensorflow.image.central_crop", "tensorflow.image.random_crop",
    "tensorflow.image.resize_with_crop_or_pad", "tensorflow.image.rot90", "tensorflow.image.crop_to_bounding_box",
)(neutral)

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
