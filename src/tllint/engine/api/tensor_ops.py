"""TensorFlow core and keras.ops tensor functions: casts, reshapes, conversions.

None of them changes the pixel range; a cast changes the element dtype, which decides what a
later `tf.image.convert_image_dtype` does (api/tfimage.py).
"""

from __future__ import annotations

from tllint.engine import registry
from tllint.engine.api.support import dtype_of, neutral
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, Data, Ref, Tensor, Value, retype

# Same pixels, same static shape.
registry.function(
    "tensorflow.identity", "tensorflow.ensure_shape", "tensorflow.convert_to_tensor", "keras.ops.convert_to_tensor",
    keeps_shape=True,
)(neutral)
# Same pixels, another (or unknown) shape.
registry.function(
    "tensorflow.reshape", "tensorflow.expand_dims", "tensorflow.squeeze", "tensorflow.constant", "keras.ops.expand_dims",
)(neutral)


@registry.function("tensorflow.cast", "keras.ops.cast", keeps_shape=True)
def _cast(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    x = args[0] if args else kwargs.get("x", UNKNOWN)
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    return retype(x, dtype_of(args[1] if len(args) > 1 else kwargs.get("dtype", UNKNOWN)))
