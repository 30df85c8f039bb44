"""numpy, OpenCV, PIL and other image readers: images loaded as arrays, arrays built from lists
of images, and the array methods scripts call on them (`astype`, `reshape`, PIL `convert`...).

`cv2.imread`, PIL images, `imageio`/`skimage` reads are uint8 0..255; `np.load` and arrays from
unknown places stay unknown and never give a finding.
"""

from __future__ import annotations

from typing import Callable

from tllint.engine import registry
from tllint.engine.api.support import decoder, dtype_of, neutral
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, BoundMethod, Data, Ref, Seq, Tensor, Value, retype

for _name, _what in (
    ("cv2.imread", "cv2.imread"), ("PIL.Image.open", "PIL.Image.open"), ("imageio.imread", "imageio.imread"),
    ("imageio.v2.imread", "imageio.imread"), ("skimage.io.imread", "skimage.io.imread"),
):
    registry.function(_name)(decoder(_what))

registry.function("numpy.copy", keeps_shape=True)(neutral)
registry.function("numpy.expand_dims", "numpy.concatenate", "numpy.squeeze", "cv2.resize")(neutral)


def _array(force: str | None = None) -> Callable:
    def handler(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
        x = args[0] if args else kwargs.get("object", UNKNOWN)
        dtype = force or (dtype_of(kwargs.get("dtype", UNKNOWN)) if "dtype" in kwargs else None)
        if isinstance(x, Seq):
            x = _stack(x.items, node)
        if not isinstance(x, (Tensor, Data)):
            return UNKNOWN
        return retype(x, dtype) if dtype else x

    return handler


registry.function("numpy.array", "numpy.asarray", keeps_shape=True)(_array())
registry.function("numpy.stack", "numpy.vstack")(_array())
registry.function("numpy.float32", keeps_shape=True)(_array(force="float"))


def _stack(items: list[Value], node) -> Value:
    """A list of images built in a loop becomes one array of them (same encoding for all)."""
    tensors = [i for i in items if isinstance(i, (Tensor, Data))]
    if not tensors or len(tensors) != len(items):
        return UNKNOWN
    first = tensors[0].encoding
    if any(t.encoding != first for t in tensors[1:]):
        return UNKNOWN
    return Data(first, None, node, "array", batched=True, paired=False)


# ---------------------------------------------------------------------- methods of arrays and images
@registry.hook("attribute", Tensor)
def _tensor_attribute(interp: InterpreterApi, obj: Tensor, attr: str, node) -> Value:
    if attr == "shape":
        return UNKNOWN
    return BoundMethod(obj, attr)


@registry.method(Tensor, "convert", "resize", "copy", "reshape", "numpy", "squeeze")
def _same_pixels(interp: InterpreterApi, obj: Value, name: str, args, kwargs, node) -> Value:
    """PIL `.convert('RGB')`/`.resize()`, numpy `.copy()`/`.reshape()`, EagerTensor `.numpy()`."""
    return obj


@registry.method(Tensor, "astype")
def _astype(interp: InterpreterApi, obj: Tensor, name: str, args, kwargs, node) -> Value:
    if not args:
        return obj
    return retype(obj, dtype_of(args[0]))


@registry.method(Data, "astype", "reshape", "copy", "squeeze")
def _array_passthrough(interp: InterpreterApi, obj: Data, name: str, args, kwargs, node) -> Value:
    return obj
