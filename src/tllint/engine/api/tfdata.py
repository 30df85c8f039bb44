"""tf.data and tensorflow_datasets: datasets built from tensors, files or TFDS, and the Dataset
methods that keep or transform their elements (`map`, `batch`, `prefetch`...).

TFDS images are uint8 0..255; a dataset of file paths stays unknown until a `.map(load)`
decodes images (api/tfimage.py).
"""

from __future__ import annotations

from tllint.engine import registry
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
    "batch", "prefetch", "cache", "shuffle", "repeat", "take", "skip", "unbatch", "with_options", "filter",
    "padded_batch", "rebatch", "apply", "concatenate", "ignore_errors", "shard", "interleave", "as_numpy_iterator",
)


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
    if isinstance(x, (Tensor, Data)):
        enc = x.encoding
    else:
        # File paths or arrays we cannot follow: a later `.map(load)` may still decode images.
        enc = Encoding(Source("unknown", "Dataset.from_tensor_slices", node))
    data = Data(enc, labels, node, "from_tensor_slices", batched=False, paired=paired)
    interp.datas.append(data)
    return data


@registry.function("tensorflow.data.Dataset.list_files")
def _list_files(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    data = Data(Encoding(Source("unknown", "Dataset.list_files", node)), None, node, "list_files", batched=False, paired=False)
    interp.datas.append(data)
    return data


@registry.function("tensorflow_datasets.load")
def _tfds_load(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
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


# ---------------------------------------------------------------------- Dataset methods
@registry.hook("attribute", Data)
def _data_attribute(interp: InterpreterApi, obj: Data, attr: str, node) -> Value:
    return BoundMethod(obj, attr)


@registry.method(Data, *_PASSTHROUGH)
def _passthrough(interp: InterpreterApi, obj: Data, name: str, args, kwargs, node) -> Value:
    return obj


@registry.method(Data, "map")
def _map(interp: InterpreterApi, data: Data, name: str, args, kwargs, node) -> Value:
    fn = args[0] if args else kwargs.get("map_func", UNKNOWN)
    x = _element(data, Tensor(data.encoding, None, rank=4 if data.batched else 3))
    if data.paired and _arity(fn) != 1:
        result = apply_function(interp, fn, [x, data.labels or UNKNOWN], node)
    else:
        result = apply_function(interp, fn, [x], node)
    labels = data.labels
    if isinstance(result, Seq) and result.items:
        first = result.items[0]
        if len(result.items) > 1 and isinstance(result.items[1], Labels):
            labels = result.items[1]
        elif len(result.items) > 1 and labels is not None and result.items[1] is not labels:
            labels = Labels("unknown", node)  # the map rewrote the labels in a way we don't follow
        result = first
    if isinstance(result, (Tensor, Data)):
        out = Data(result.encoding, labels, node, data.what, data.batched, data.paired)
        interp.datas.append(out)
        return out
    return Data(data.encoding.then(Step("opaque", src(interp, node), node)), labels, node, data.what, data.batched, data.paired)


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
