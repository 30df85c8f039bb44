"""Where pixels come from and what dtype they carry: loaders, casts and array building.

Hooked into `calls._HANDLERS` by `register()` (keyed by canonical names, so every import path of
a loader reaches the same handler). The range facts (keras-facts §5):

- `image_dataset_from_directory` (every import path) yields float32 pixels in [0, 255];
- `tf.io.decode_*`, `cv2.imread`, PIL images, `load_img`, `tfds.load` images: uint8 0..255;
  `img_to_array` turns them into float32 0..255;
- `tf.image.convert_image_dtype(x, tf.float32)` scales integer input to [0, 1] and leaves float
  input untouched (so after `tf.image.resize`, which returns float32, it does nothing);
- `np.load`, a function from an unknown module, a dataset passed in: unknown, never a finding.

A module summary from another file (cross-file analysis) can feed this by returning a `Data` or
`Tensor` whose `Encoding` starts from a `Source` ("raw", "unit" or "unknown"): every rule only
looks at encodings, never at how they were produced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import libcst as cst

from tllint.engine.imports import snippet
from tllint.engine.pixels import Encoding, Source, Step
from tllint.engine.values import UNKNOWN, Const, Data, DictV, Labels, Ref, Seq, Tensor, Value, const_value

if TYPE_CHECKING:  # pragma: no cover
    from tllint.engine.interpreter import Interpreter

_FLOAT_NAMES = {"float16", "float32", "float64", "bfloat16", "float", "half", "double"}
_UINT8_NAMES = {"uint8"}


def dtype_of(value: Value) -> str | None:
    """"float" | "uint8" | "int" | None for a dtype argument (`tf.float32`, `'float32'`, `np.uint8`)."""
    name = None
    if isinstance(value, Ref):
        name = value.name.rsplit(".", 1)[-1]
    elif isinstance(value, Const) and isinstance(value.value, str):
        name = value.value
    if name is None:
        return None
    if name in _FLOAT_NAMES:
        return "float"
    if name in _UINT8_NAMES:
        return "uint8"
    if name.startswith(("int", "uint")):
        return "int"
    return None


def _retype(value: Value, dtype: str | None) -> Value:
    if isinstance(value, Tensor):
        return Tensor(value.encoding.with_dtype(dtype), value.origin, value.rank, value.backbone, value.layers,
                      shape=value.shape)
    if isinstance(value, Data):
        out = Data(value.encoding.with_dtype(dtype), value.labels, value.node, value.what, value.batched, value.paired)
        out.__dict__.update({k: v for k, v in value.__dict__.items() if k not in out.__dict__})
        return out
    return value


def _src(interp: "Interpreter", node: cst.CSTNode) -> str:
    return snippet(interp.module, node)


# ---------------------------------------------------------------------- loaders
def _image_dataset(interp, ref, args, kwargs, node):
    from tllint.engine import calls

    result = calls.make_data_from_directory(interp, ref, args, kwargs, node)
    if isinstance(result, Seq):
        result.items = [_float_data(d) for d in result.items]
        return result
    return _float_data(result)


def _float_data(data: Value) -> Value:
    if isinstance(data, Data):
        data.encoding = data.encoding.with_dtype("float")
    return data


def _decoder(what: str, dtype: str | None = "uint8"):
    def handler(interp, ref, args, kwargs, node):
        return Tensor(Encoding(Source("raw", what, node), dtype=dtype), None, rank=3)

    return handler


def _img_to_array(interp, ref, args, kwargs, node):
    x = args[0] if args else kwargs.get("img", UNKNOWN)
    if isinstance(x, (Tensor, Data)):
        return _retype(x, "float")
    return UNKNOWN


def _tfds_load(interp, ref, args, kwargs, node):
    data = Data(Encoding(Source("raw", "tfds.load", node)), Labels("int", node), node, "tfds.load", batched=False)
    split = kwargs.get("split")
    result: Value = Seq([data for _ in split.items], "list") if isinstance(split, Seq) else data
    supervised = const_value(kwargs.get("as_supervised", Const(False)))
    if not isinstance(supervised, bool):
        return UNKNOWN

    def fix(data: Value) -> Value:
        if not isinstance(data, Data):
            return data
        data.encoding = data.encoding.with_dtype("uint8")
        data.paired = supervised
        if not supervised:
            # Elements are dicts: {"image": ..., "label": ...}.
            data.__dict__["elements"] = "dict"
        return data

    if isinstance(result, Seq):
        result = Seq([fix(d) for d in result.items], result.kind)
    else:
        result = fix(result)
    if const_value(kwargs.get("with_info", Const(False))) is True:
        return Seq([result, UNKNOWN], "tuple")
    return result


def map_element(data: Data, x: Tensor) -> Value:
    """The element a `Dataset.map` function receives (a dict for `tfds.load` without as_supervised)."""
    if data.__dict__.get("elements") == "dict":
        return DictV({"image": x, "label": data.labels or UNKNOWN})
    return x


def _from_tensor_slices(interp, ref, args, kwargs, node):
    arg = args[0] if args else kwargs.get("tensors", UNKNOWN)
    labels = None
    paired = False
    if isinstance(arg, Seq) and len(arg.items) == 2:
        x, y = arg.items
        labels = y if isinstance(y, Labels) else None
        paired = True
    else:
        x = arg
    if isinstance(x, (Tensor, Data)):
        enc = x.encoding
    else:
        # File paths or arrays we cannot follow: a later `.map(load)` may still decode images.
        enc = Encoding(Source("unknown", "Dataset.from_tensor_slices", node))
    data = Data(enc, labels, node, "from_tensor_slices", batched=False, paired=paired)
    interp.datas.append(data)
    return data


def _list_files(interp, ref, args, kwargs, node):
    data = Data(Encoding(Source("unknown", "Dataset.list_files", node)), None, node, "list_files", batched=False, paired=False)
    interp.datas.append(data)
    return data


# ---------------------------------------------------------------------- dtype changes
def _cast(interp, ref, args, kwargs, node):
    x = args[0] if args else kwargs.get("x", UNKNOWN)
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    return _retype(x, dtype_of(args[1] if len(args) > 1 else kwargs.get("dtype", UNKNOWN)))


def _resize(interp, ref, args, kwargs, node):
    x = args[0] if args else kwargs.get("images", UNKNOWN)
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    # float32 out, except nearest-neighbour resizing, which keeps the dtype.
    method = kwargs.get("method", args[2] if len(args) > 2 else None)
    if method is None:
        return _retype(x, "float")
    if isinstance(method, Const) and method.value in ("bilinear", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic"):
        return _retype(x, "float")
    return _retype(x, None)


def _convert_image_dtype(interp, ref, args, kwargs, node):
    from tllint.engine import calls

    x = args[0] if args else kwargs.get("image", UNKNOWN)
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    target = dtype_of(args[1] if len(args) > 1 else kwargs.get("dtype", UNKNOWN))
    if target != "float":
        return calls._with_step(x, Step("opaque", _src(interp, node), node))
    if x.encoding.dtype == "float":
        # Float input: convert_image_dtype does nothing. A "note" step changes no range; messages cite it.
        return calls._with_step(x, Step("note", _src(interp, node), node))
    if x.encoding.dtype == "uint8":
        return calls._with_step(x, Step("affine", _src(interp, node), node, scale=1 / 255.0))
    return calls._with_step(x, Step("opaque", _src(interp, node), node))


def _array(dtype_kw: bool = True, force: str | None = None):
    def handler(interp, ref, args, kwargs, node):
        x = args[0] if args else kwargs.get("object", UNKNOWN)
        dtype = force or (dtype_of(kwargs.get("dtype", UNKNOWN)) if dtype_kw and "dtype" in kwargs else None)
        if isinstance(x, Seq):
            x = _stack(x.items, node)
        if not isinstance(x, (Tensor, Data)):
            return UNKNOWN
        return _retype(x, dtype) if dtype else x

    return handler


def _stack(items: list[Value], node) -> Value:
    """A list of images built in a loop becomes one array of them (same encoding for all)."""
    tensors = [i for i in items if isinstance(i, (Tensor, Data))]
    if not tensors or len(tensors) != len(items):
        return UNKNOWN
    first = tensors[0].encoding
    if any(t.encoding != first for t in tensors[1:]):
        return UNKNOWN
    return Data(first, None, node, "array", batched=True, paired=False)


def method(interp: "Interpreter", obj: Value, name: str, args, kwargs, node) -> Value:
    """Methods on images and lists: PIL `.convert('RGB')`/`.resize()`, numpy `.astype()`,
    `images.append(img)`."""
    if isinstance(obj, Seq) and name == "append" and args:
        obj.items.append(args[0])
        return Const(None)
    if isinstance(obj, Tensor):
        if name in ("convert", "resize", "copy", "reshape", "numpy", "squeeze"):
            return obj
        if name == "astype" and args:
            return _retype(obj, dtype_of(args[0]))
    return UNKNOWN


def _generator(interp, ref, args, kwargs, node):
    """ImageDataGenerator; remembers a positional first argument, which is featurewise_center
    (needs `.fit()`, else Keras warns and skips it), not rescale."""
    from tllint.engine import calls

    gen = calls.make_generator(interp, ref, args, kwargs, node)
    if node.args and node.args[0].keyword is None and node.args[0].star == "" and args:
        gen.__dict__["positional"] = node.args[0]
        gen.__dict__["positional_value"] = args[0]
        gen.normalizes = bool(const_value(kwargs.get("featurewise_std_normalization", Const(False)))) or any(
            const_value(kwargs.get(k, Const(False))) is True for k in ("samplewise_center", "samplewise_std_normalization"))
    return gen


def generator_fit(gen) -> None:
    """`datagen.fit(x)`: featurewise statistics are computed, a positional first argument now applies."""
    if gen.__dict__.get("positional") is not None:
        gen.normalizes = True


def register(handlers: dict[str, Callable]) -> None:
    handlers["keras.preprocessing.image.ImageDataGenerator"] = _generator
    for path in (
        "keras.utils.image_dataset_from_directory",
        "keras.preprocessing.image_dataset_from_directory",
        "keras.preprocessing.image_dataset.image_dataset_from_directory",
        "keras.utils.image_dataset.image_dataset_from_directory",
        "keras.utils.image_dataset_utils.image_dataset_from_directory",
    ):
        handlers[path] = _image_dataset
    for path, what in (
        ("tensorflow.io.decode_jpeg", "tf.io.decode_jpeg"), ("tensorflow.io.decode_png", "tf.io.decode_png"),
        ("tensorflow.io.decode_image", "tf.io.decode_image"), ("tensorflow.io.decode_bmp", "tf.io.decode_bmp"),
        ("tensorflow.image.decode_jpeg", "tf.image.decode_jpeg"), ("tensorflow.image.decode_png", "tf.image.decode_png"),
        ("tensorflow.image.decode_image", "tf.image.decode_image"), ("cv2.imread", "cv2.imread"),
        ("keras.utils.load_img", "load_img"), ("keras.preprocessing.image.load_img", "load_img"),
        ("PIL.Image.open", "PIL.Image.open"), ("imageio.imread", "imageio.imread"),
        ("imageio.v2.imread", "imageio.imread"), ("skimage.io.imread", "skimage.io.imread"),
    ):
        handlers[path] = _decoder(what)
    handlers["keras.utils.img_to_array"] = _img_to_array
    handlers["keras.preprocessing.image.img_to_array"] = _img_to_array
    handlers["tensorflow_datasets.load"] = _tfds_load
    handlers["tensorflow.data.Dataset.from_tensor_slices"] = _from_tensor_slices
    handlers["tensorflow.data.Dataset.from_tensors"] = _from_tensor_slices
    handlers["tensorflow.data.Dataset.list_files"] = _list_files
    handlers["tensorflow.cast"] = _cast
    handlers["keras.ops.cast"] = _cast
    handlers["tensorflow.image.resize"] = _resize
    handlers["tensorflow.image.convert_image_dtype"] = _convert_image_dtype
    handlers["numpy.array"] = _array()
    handlers["numpy.asarray"] = _array()
    handlers["numpy.stack"] = _array()
    handlers["numpy.vstack"] = _array()
    handlers["numpy.float32"] = _array(force="float")
