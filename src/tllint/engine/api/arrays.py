"""numpy, OpenCV, PIL and other image readers: images loaded as arrays, arrays built from lists
of images, and the array methods scripts call on them (`astype`, `reshape`, PIL `convert`...).

`cv2.imread`, PIL images, `imageio`/`skimage` reads are uint8 0..255; `np.load` and arrays from
unknown places stay unknown and never give a finding.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from tllint.engine import registry
from tllint.engine.api.evaluation import joined_labels
from tllint.engine.api.support import decoder, dtype_of, kw, neutral, src
from tllint.engine.api.tensor_ops import clip
from tllint.engine.pixels import Encoding, Source, Step, describe
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, BoundMethod, Const, Data, Labels, Ref, Seq, Tensor, Value, retype, with_step

for _name, _what in (
    ("PIL.Image.open", "PIL.Image.open"), ("imageio.imread", "imageio.imread"),
    ("imageio.v2.imread", "imageio.imread"), ("skimage.io.imread", "skimage.io.imread"),
):
    registry.function(_name)(decoder(_what))


@registry.function("cv2.imread")
def _imread(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """0..255 in BGR channel order; `cv2.imread(path, 0)` / `cv2.IMREAD_GRAYSCALE` reads one channel."""
    image = decoder("cv2.imread")(interp, ref, args, kwargs, node)
    flag = kw(args, kwargs, "flags", 1, Const(None))
    if (isinstance(flag, Const) and flag.value == 0) or (isinstance(flag, Ref) and flag.name.endswith("IMREAD_GRAYSCALE")):
        return with_step(image, Step("channels", "cv2.IMREAD_GRAYSCALE", node, mode="gray"))
    return image

registry.function("numpy.copy", keeps_shape=True)(neutral)
registry.function("numpy.expand_dims", "numpy.squeeze", "cv2.resize")(neutral)


def _array(force: str | None = None) -> Callable:
    def handler(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
        x = args[0] if args else kwargs.get("object", UNKNOWN)
        if joined_labels(x) is not None:
            return joined_labels(x)  # the labels of one pass over a dataset (api/evaluation.py)
        dtype = force or (dtype_of(kwargs.get("dtype", UNKNOWN)) if "dtype" in kwargs else None)
        if isinstance(x, Seq):
            x = _stack(x.items, node)
        if not isinstance(x, (Tensor, Data)):
            return UNKNOWN
        return retype(x, dtype) if dtype else x

    return handler


registry.function("numpy.array", "numpy.asarray", keeps_shape=True)(_array())
registry.function("numpy.stack")(_array())
registry.function("numpy.float32", keeps_shape=True)(_array(force="float"))


def _stack(items: list[Value], node) -> Value:
    """A list of images built in a loop becomes one array of them (same encoding for all)."""
    if not all(isinstance(i, (Tensor, Data)) for i in items):
        return UNKNOWN
    enc = _joined(Seq(items, "list"))
    if enc is None:
        return UNKNOWN
    return Data(enc, None, node, "array", batched=True, paired=False)


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
    if name == "astype" and args:
        # The dtype matters downstream: preprocess_input works in place on float arrays only.
        return retype(obj, dtype_of(args[0]))
    return obj


# ---------------------------------------------------------------------- colour conversions
# cv2.cvtColor codes whose output is in another colour space (another range per channel).
_OTHER_SPACES = ("HSV", "HLS", "LAB", "LUV", "YCRCB", "YUV", "XYZ", "BAYER")


@registry.function("cv2.cvtColor", keeps_shape=True)
def _cvt_color(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """RGB/BGR/gray conversions keep 0..255 (BGR <-> RGB swaps the channel order); other colour
    spaces change the range per channel: unknown."""
    x = kw(args, kwargs, "src", 0)
    code = kw(args, kwargs, "code", 1)
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    name = code.name.rsplit(".", 1)[-1].upper() if isinstance(code, Ref) and code.name.startswith("cv2.COLOR_") else None
    if name is None or "2" not in name or any(space in name for space in _OTHER_SPACES):
        return with_step(x, Step("opaque", src(interp, node), node))
    before, after = name[len("COLOR_"):].split("2", 1)
    if after.startswith("GRAY") and not before.startswith("GRAY"):
        return with_step(x, Step("channels", src(interp, node), node, mode="gray"))  # one channel: no order
    if before.startswith(("BGR", "RGB")) and after.startswith(("BGR", "RGB")) and before[:3] != after[:3]:
        return with_step(x, Step("channels", src(interp, node), node))
    return x


# ---------------------------------------------------------------------- arrays joined, filled, indexed
def _joined(value: Value) -> Encoding | None:
    """The one encoding of everything in `value` (an array, an image, a list or tuple of them)."""
    if isinstance(value, (Tensor, Data)):
        return value.encoding
    if isinstance(value, Seq) and value.items:
        encodings = [_joined(item) for item in value.items]
        if encodings[0] is not None and all(e is not None and _alike(e, encodings[0]) for e in encodings):
            return encodings[0]
    return None


def _alike(a: Encoding, b: Encoding) -> bool:
    """Parts of one array made alike on separate lines (`frame_1`, `frame_2` each read, resized and
    converted): the same range, steps of the same kinds and the same channel order."""
    if a == b:
        return True
    va, vb = describe(a), describe(b)
    return (va.kind != "unknown" and (va.kind, va.interval, va.mode) == (vb.kind, vb.interval, vb.mode)
            and a.source.kind == b.source.kind and a.bgr == b.bgr and a.dtype == b.dtype
            and [s.kind for s in a.steps] == [s.kind for s in b.steps])


@registry.function("numpy.concatenate", "numpy.vstack", "numpy.hstack", "numpy.row_stack", "numpy.append")
def _concatenate(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """`np.concatenate((a, b))`, `np.vstack([x1, x2])`, `np.append(a, b, axis=0)`: one array of
    images when every part carries the same pixels."""
    parts = Seq(list(args[:2]), "tuple") if ref.name == "numpy.append" else kw(args, kwargs, "arrays" if ref.name != "numpy.vstack" else "tup", 0)
    if joined_labels(parts) is not None:
        return joined_labels(parts)  # label batches of one pass over a dataset (api/evaluation.py)
    enc = _joined(parts)
    if enc is None:
        return UNKNOWN
    return Data(enc, None, node, "array", batched=True, paired=False)


def _blank(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """`np.zeros((n, 224, 224, 3))`: an array to be filled by `X[i] = img` (nothing known yet)."""
    dtype = dtype_of(kw(args, kwargs, "dtype", 1)) or ("float" if ref.name != "numpy.ndarray" else None)
    data = Data(Encoding(Source("unknown", ref.name.replace("numpy.", "np."), node), dtype=dtype), None, node, "array",
                batched=True, paired=False)
    data.__dict__["blank"] = True
    return data


registry.function("numpy.zeros", "numpy.empty", "numpy.ndarray", "numpy.ones")(_blank)


def _full_slice(target) -> bool:
    """`X[:]`, `X[...]`, `X[:, :, :, :]`: a store that replaces every element."""
    for element in target.slice:
        inner = element.slice
        if isinstance(inner, cst.Slice):
            if inner.lower is not None or inner.upper is not None or inner.step is not None:
                return False
        elif not (isinstance(inner, cst.Index) and isinstance(inner.value, cst.Ellipsis)):
            return False
    return True


@registry.hook("store", Data, Tensor)
def _store(interp: InterpreterApi, obj: Value, key, value: Value, target) -> Value | None:
    """`X[i] = img` fills an array: a blank one takes the pixels stored into it; storing other pixels
    into part of a known array (`x[..., 0] -= 103.939`) makes its range unknown."""
    if isinstance(value, (Tensor, Data)) and (obj.__dict__.get("blank") or _full_slice(target)):
        # The array keeps its own element dtype (np.zeros: float64 unless told otherwise).
        enc = value.encoding.with_dtype(obj.encoding.dtype) if obj.__dict__.get("blank") else value.encoding
        return Data(enc, None, obj.node, "array", batched=True, paired=False)
    if obj.__dict__.get("blank"):
        return None  # zeros stored into zeros, or something unknown: still nothing known
    if isinstance(value, (Tensor, Data)) and value.encoding == obj.encoding:
        return None
    return with_step(obj, Step("opaque", src(interp, target), target))


def _channel_flip(node) -> bool:
    """`x[..., ::-1]`, `x[:, :, ::-1]`: the last (channel) axis reversed, RGB <-> BGR."""
    if len(node.slice) < 2:
        return False
    last = node.slice[-1].slice
    if not isinstance(last, cst.Slice) or last.lower is not None or last.upper is not None or last.step is None:
        return False
    step = last.step
    return isinstance(step, cst.UnaryOperation) and isinstance(step.operator, cst.Minus) and \
        isinstance(step.expression, cst.Integer) and step.expression.value == "1"


@registry.hook("subscript", Data, Tensor)
def _index(interp: InterpreterApi, obj: Value, key, node) -> Value:
    """Indexing, slicing and masks select pixels and keep their range: `x[idx]`, `X[:5000]`,
    `X[mask]`, `x[..., ::-1]` (which swaps the channel order)."""
    if isinstance(obj, Tensor) and (obj.backbone is not None or obj.layers or obj.origin is not None):
        return UNKNOWN  # a graph tensor (a feature map, a model input): not pixels held in an array
    if isinstance(obj, Data) and (obj.paired or obj.__dict__.get("blank")):
        if obj.paired and isinstance(key, Const) and isinstance(key.value, int):
            # One batch of a Keras iterator or Sequence: (x, y).
            return Seq([Tensor(obj.encoding, None, rank=4), obj.labels or UNKNOWN], "tuple")
        return UNKNOWN
    out = with_step(obj, Step("channels", src(interp, node), node)) if _channel_flip(node) else obj
    if isinstance(out, Data) and isinstance(key, Const) and isinstance(key.value, int):
        return Tensor(out.encoding, None, rank=3)  # one image of the array
    return out


@registry.hook("collect", Tensor, Data, Seq)
def _collect(interp: InterpreterApi, element: Value, node, kind: str) -> Value:
    """A list comprehension of images (`[cv2.imread(p) for p in paths]`) is an array of them; a
    generator function yielding images, or (images, labels), is a stream of batches."""
    if kind == "list":
        if isinstance(element, (Tensor, Data)):
            return Data(element.encoding, None, node, "list", batched=True, paired=False)
        return UNKNOWN
    x, y, paired = element, None, False
    if isinstance(element, Seq):
        if len(element.items) not in (2, 3):
            return UNKNOWN
        x, y, paired = element.items[0], element.items[1], True
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    data = Data(x.encoding, y if isinstance(y, Labels) else None, node, "generator", batched=True, paired=paired)
    interp.datas.append(data)
    return data


@registry.function("numpy.clip", keeps_shape=True)
def _np_clip(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    return clip(interp, kw(args, kwargs, "a", 0), kw(args, kwargs, "a_min", 1), kw(args, kwargs, "a_max", 2), node)


# ---------------------------------------------------------------------- video frames
class VideoCapture(Value):
    """`cv2.VideoCapture(path)`: `read()` gives `(ok, frame)`, frames being BGR uint8 0..255 like `cv2.imread`."""


@registry.function("cv2.VideoCapture")
def _video_capture(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    return VideoCapture()


@registry.hook("attribute", VideoCapture)
def _video_attribute(interp: InterpreterApi, obj: VideoCapture, attr: str, node) -> Value:
    return BoundMethod(obj, attr)


@registry.method(VideoCapture, "read", "retrieve")
def _video_read(interp: InterpreterApi, obj: VideoCapture, name: str, args, kwargs, node) -> Value:
    frame = decoder("cv2.VideoCapture.read")(interp, None, args, kwargs, node)
    return Seq([UNKNOWN, frame], "tuple")


# ---------------------------------------------------------------------- arrays through .npy files
def _npy_path(value: Value) -> str | None:
    path = value.value if isinstance(value, Const) and isinstance(value.value, str) else None
    if path is None:
        return None
    return path if path.endswith(".npy") else path + ".npy"


@registry.function("numpy.save")
def _np_save(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """`np.save("X_train.npy", X)`: a later `np.load` of that very path in this program reads these pixels."""
    path = _npy_path(kw(args, kwargs, "file", 0))
    if path is not None:
        saved = interp.__dict__.setdefault("saved_arrays", {})
        arr = kw(args, kwargs, "arr", 1)
        saved[path] = arr if isinstance(arr, (Tensor, Data)) else UNKNOWN
    return Const(None)


@registry.function("numpy.load")
def _np_load(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """`np.load(path)`: what this program saved there before, else unknown (a file made elsewhere)."""
    path = _npy_path(kw(args, kwargs, "file", 0))
    arr = interp.__dict__.get("saved_arrays", {}).get(path) if path is not None else None
    if not isinstance(arr, (Tensor, Data)):
        # A file made elsewhere: its range is unknown (pixels.describe reads a later `/ 255` as 0..255).
        return Data(Encoding(Source("unknown", "np.load", node)), None, node, "array", batched=True, paired=False)
    return Data(arr.encoding, None, node, "array", batched=True, paired=False)
