"""tf.data and tensorflow_datasets: datasets built from tensors, files or TFDS, and the Dataset
methods that keep or transform their elements (`map`, `batch`, `prefetch`...).

TFDS images are uint8 0..255; a dataset of file paths stays unknown until a `.map(load)`
decodes images (api/tfimage.py).
"""

from __future__ import annotations

from tllint.engine import registry
from tllint.engine.api.evaluation import file_order_labels, pass_labels
from tllint.engine.api.support import apply_function, src
from tllint.engine.pixels import Encoding, Source, Step
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import (
    UNKNOWN,
    BoundMethod,
    Const,
    Data,
    DictV,
    Func,
    Labels,
    Ref,
    Seq,
    Tensor,
    Value,
    const_value,
)

# Dataset methods that hand the same elements on (batching and ordering do not touch pixels).
_PASSTHROUGH = (
    "batch", "prefetch", "repeat", "unbatch", "with_options", "filter",
    "padded_batch", "rebatch", "apply", "concatenate", "ignore_errors", "shard", "interleave", "as_numpy_iterator",
)
# Marks a dataset carries through `map`, `shuffle`, `take`... (read by TL401, TL402, TL403):
# `shuffled` (node, reshuffles every pass: True / False / None unknown), `cached` (a `.cache()` after a
# shuffle: later passes replay the first order), `cut` (("take" | "skip", node, the dataset cut)),
# `split` (the loader's folder, subset, seed: image_loaders.record_split), `augmented` ((map node,
# first random op node): a map that draws random transforms on every pass).
CARRIED = ("shuffled", "cached", "cut", "split", "augmented", "order")  # `order`: a loader that reshuffles (api/evaluation.py)


@registry.function("tensorflow.data.Dataset.from_tensor_slices", "tensorflow.data.Dataset.from_tensors")
def _from_tensor_slices(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    arg = args[0] if args else kwargs.get("tensors", UNKNOWN)
    labels = None
    paired = False
    if isinstance(arg, Seq) and len(arg.items) == 2:
        x, y = arg.items
        labels = y if isinstance(y, Labels) else None
        paired = True
    else:
        x = arg
    component = None
    if isinstance(x, (Seq, DictV)) and paired:
        # `((images, meta), labels)` / `({"image": images, "meta": meta}, labels)` for a multi-input
        # model: the one pixel component, and where it sits (engine/api/models.py image_component).
        parts = list(enumerate(x.items)) if isinstance(x, Seq) else list(x.items.items())
        pixels = [(k, v) for k, v in parts if isinstance(v, (Tensor, Data)) and v.encoding.source.kind != "unknown"]
        if len(pixels) == 1:
            component, x = pixels[0]
    if isinstance(x, (Tensor, Data)):
        enc = x.encoding
    else:
        # File paths or arrays we cannot follow: a later `.map(load)` may still decode images.
        enc = Encoding(Source("unknown", "Dataset.from_tensor_slices", node))
    data = Data(enc, labels, node, "from_tensor_slices", batched=False, paired=paired)
    if component is not None:
        data.__dict__["component"] = component
    interp.datas.append(data)
    return data


@registry.function("tensorflow.data.Dataset.list_files", "tensorflow.data.TFRecordDataset",
                   "tensorflow.data.TextLineDataset", "tensorflow.data.FixedLengthRecordDataset")
def _list_files(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    # File names or serialized records: unknown until a `.map` decodes images from them
    # (`tf.io.decode_jpeg(record["image"])` gives 0..255 whatever the record held).
    what = ref.name.rsplit(".", 1)[-1]
    shown = "Dataset.list_files" if what == "list_files" else what
    data = Data(Encoding(Source("unknown", shown, node)), None, node, what, batched=False, paired=False)
    interp.datas.append(data)
    return data


@registry.function("tensorflow_datasets.load")
def _tfds_load(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    data = Data(Encoding(Source("raw", "tfds.load", node)), Labels("int", node), node, "tfds.load", batched=False)
    split = kwargs.get("split")
    result: Value = Seq([data for _ in split.items], "list") if isinstance(split, Seq) else data
    if split is None:
        result = TfdsSplits(data)  # no split: a dict of every split, `ds["train"]`
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
    elif isinstance(result, TfdsSplits):
        fix(result.data)
    else:
        result = fix(result)
    if const_value(kwargs.get("with_info", Const(False))) is True:
        return Seq([result, UNKNOWN], "tuple")
    return result


class TfdsSplits(Value):
    """`tfds.load(name)` without `split=`: a dict of the dataset's splits, each one like the others."""

    def __init__(self, data: Data) -> None:
        self.data = data


@registry.hook("subscript", TfdsSplits)
def _split(interp: InterpreterApi, splits: TfdsSplits, key, node) -> Value:
    if isinstance(key, (slice, tuple)):
        return UNKNOWN
    out = Data(splits.data.encoding, splits.data.labels, node, "tfds.load", batched=False, paired=splits.data.paired)
    out.__dict__.update({k: v for k, v in splits.data.__dict__.items() if k not in out.__dict__})
    interp.datas.append(out)
    return out


# ---------------------------------------------------------------------- Dataset methods
@registry.hook("attribute", Data)
def _data_attribute(interp: InterpreterApi, obj: Data, attr: str, node) -> Value:
    if attr in ("classes", "labels") and obj.what.startswith("ImageDataGenerator.flow_from"):
        return file_order_labels(obj, attr, node)  # in file order, whatever order the passes take
    if attr == "values" and obj.what == "array":
        return obj  # a pandas column of images (api/pandas_frames.py): `df["image"].values`
    return BoundMethod(obj, attr)


@registry.method(Data, *_PASSTHROUGH)
def _passthrough(interp: InterpreterApi, obj: Data, name: str, args, kwargs, node) -> Value:
    return obj


@registry.method(Data, "map")
def _map(interp: InterpreterApi, data: Data, name: str, args, kwargs, node) -> Value:
    fn = args[0] if args else kwargs.get("map_func", UNKNOWN)
    x = _element(data, Tensor(data.encoding, None, rank=4 if data.batched else 3))
    log = random_log(interp)
    before, depth = len(log), interp.arm_depth
    out = _map_elements(interp, data, fn, x, node)
    out.__dict__.update({k: v for k, v in data.__dict__.items() if k in CARRIED and k not in out.__dict__})
    # A random op the function runs whatever its arguments (not in an arm the program leaves open).
    drawn = [op for op, at in log[before:] if at <= depth]
    if drawn and "augmented" not in out.__dict__:
        out.__dict__["augmented"] = (node, drawn[0])
    return out


def random_log(interp: InterpreterApi) -> list:
    """(node, arm depth) of every random image op run so far (api/tfimage.py appends to it)."""
    return interp.__dict__.setdefault("random_ops", [])


def _map_elements(interp: InterpreterApi, data: Data, fn: Value, x: Value, node) -> Data:
    if data.paired and _arity(fn) != 1:
        result = apply_function(interp, fn, [x, data.labels or UNKNOWN], node)
    else:
        result = apply_function(interp, fn, [x], node)
    labels = data.labels
    paired = data.paired
    if isinstance(result, Seq) and result.items:
        first = result.items[0]
        # `return image, label` (or `image, label, name`): the elements are tuples from here on.
        paired = paired or (result.kind == "tuple" and len(result.items) > 1)
        if len(result.items) > 1 and isinstance(result.items[1], Labels):
            labels = result.items[1]
        elif len(result.items) > 1 and labels is not None and result.items[1] is not labels:
            labels = Labels("unknown", node)  # the map rewrote the labels in a way we don't follow
        result = first
    if isinstance(result, (Tensor, Data)):
        out = Data(result.encoding, labels, node, data.what, data.batched, paired)
        interp.datas.append(out)
        return out
    return Data(data.encoding.then(Step("opaque", src(interp, node), node)), labels, node, data.what, data.batched, paired)


def _element(data: Data, x: Tensor) -> Value:
    """The element a `Dataset.map` function receives (a dict for `tfds.load` without as_supervised)."""
    if data.__dict__.get("elements") == "dict":
        return DictV({"image": x, "label": data.labels or UNKNOWN})
    return x


def _arity(fn: Value) -> int | None:
    if isinstance(fn, Func):
        params = fn.node.params
        return len(params.params) + len(params.posonly_params)
    return None


@registry.hook("element", Data)
def _data_element(interp: InterpreterApi, data: Data) -> Value:
    """What a loop over a dataset, generator or array binds: (images, labels) batches of a paired
    dataset, a tfds feature dict, else one image (or batch) of the same pixels."""
    x = Tensor(data.encoding, None, rank=4 if data.batched and data.what not in ("array", "list") else None)
    if data.__dict__.get("elements") == "dict":
        return _element(data, x)
    if data.paired and not (data.labels is not None and data.labels.mode == "none"):
        return Seq([x, pass_labels(data, data.labels, interp.stmt) or UNKNOWN], "tuple")  # the labels of this pass
    return x


@registry.function("tensorflow.data.Dataset.from_generator")
def _from_generator(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """`Dataset.from_generator(gen, output_signature=...)`: the elements are what `gen` yields."""
    gen = args[0] if args else kwargs.get("generator", UNKNOWN)
    gen_args = kwargs.get("args", args[3] if len(args) > 3 else None)
    call_args = list(gen_args.items) if isinstance(gen_args, Seq) else []
    if isinstance(gen, Data):  # an iterator object passed instead of a callable
        stream = gen
    else:
        stream = apply_function(interp, gen, call_args, node) if isinstance(gen, Func) or not call_args else UNKNOWN
    if not isinstance(stream, Data):
        return UNKNOWN
    data = Data(stream.encoding, stream.labels, node, "from_generator", batched=stream.batched, paired=stream.paired)
    interp.datas.append(data)
    return data


# ---------------------------------------------------------------------- shuffling and cutting (TL401, TL403)
def _copy(data: Data, **marks) -> Data:
    out = Data(data.encoding, data.labels, data.node, data.what, data.batched, data.paired)
    out.__dict__.update({k: v for k, v in data.__dict__.items() if k not in out.__dict__})
    out.__dict__.update(marks)
    return out


@registry.method(Data, "shuffle")
def _shuffle(interp: InterpreterApi, data: Data, name: str, args, kwargs, node) -> Value:
    """`ds.shuffle(n)`: a new order on every pass unless `reshuffle_each_iteration=False`
    (docs/facts/tl403_split_overlap.*.out); a seed does not stop it."""
    again = kwargs.get("reshuffle_each_iteration", args[2] if len(args) > 2 else Const(None))
    value = const_value(again)
    reshuffles = True if value is None and isinstance(again, Const) else value if isinstance(value, bool) else None
    out = _copy(data, shuffled=(node, reshuffles))
    out.__dict__.pop("cached", None)
    return out


@registry.method(Data, "cache")
def _cache(interp: InterpreterApi, data: Data, name: str, args, kwargs, node) -> Value:
    """`.cache()` after a shuffle: later passes replay the order of the first one."""
    return _copy(data, cached=node) if "shuffled" in data.__dict__ else data


@registry.method(Data, "take", "skip")
def _take_skip(interp: InterpreterApi, data: Data, name: str, args, kwargs, node) -> Value:
    """`ds.take(k)` / `ds.skip(k)`: the first k elements or the rest, of the order of each pass."""
    return _copy(data, cut=(name, node, data))

