"""Keras image loading: `image_dataset_from_directory`, `ImageDataGenerator` and its `flow*`
methods, `keras.datasets`, `load_img` / `img_to_array`.

Range facts (keras-facts §5): `image_dataset_from_directory` (every import path) yields float32
pixels in [0, 255]; `load_img` gives uint8 0..255 and `img_to_array` turns it into float32
0..255; a generator's `standardize` runs `preprocessing_function`, then `rescale`, then the
featurewise/samplewise normalisation.
"""

from __future__ import annotations

from tllint.engine import registry
from tllint.engine.api.support import apply_function, decoder, src
from tllint.engine.pixels import Encoding, Source, Step
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import (
    UNKNOWN,
    BoundMethod,
    Const,
    Data,
    Generator,
    Labels,
    Ref,
    Seq,
    Tensor,
    Value,
    const_value,
    is_number,
    retype,
    with_step,
)

_NORMALIZING = ("samplewise_center", "samplewise_std_normalization", "featurewise_center", "featurewise_std_normalization")


# ---------------------------------------------------------------------- image_dataset_from_directory
@registry.function(
    "keras.utils.image_dataset_from_directory",
    "keras.preprocessing.image_dataset_from_directory",
    "keras.preprocessing.image_dataset.image_dataset_from_directory",
    "keras.utils.image_dataset.image_dataset_from_directory",
    "keras.utils.image_dataset_utils.image_dataset_from_directory",
    "keras.utils.image_dataset",
)
def _image_dataset(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    result = _from_directory(interp, kwargs, node)
    if isinstance(result, Seq):
        result.items = [_float_data(d) for d in result.items]
        return result
    return _float_data(result)


def _from_directory(interp: InterpreterApi, kwargs, node) -> Value:
    mode = const_value(kwargs.get("label_mode", Const("int")))
    labels = Labels(mode if isinstance(mode, str) else "unknown", node)
    if "labels" in kwargs and not (isinstance(kwargs["labels"], Const) and kwargs["labels"].value == "inferred"):
        labels.mode = "none" if isinstance(kwargs["labels"], Const) and kwargs["labels"].value is None else "unknown"
    names = kwargs.get("class_names")
    if isinstance(names, Seq):
        labels.num_classes = len(names.items)
    data = Data(Encoding(Source("raw", "image_dataset_from_directory", node)), labels, node, "image_dataset_from_directory")
    interp.datas.append(data)
    subset = const_value(kwargs.get("subset", Const(None)))
    if subset == "both":
        return Seq([data, Data(data.encoding, labels, node, data.what)], "list")
    return data


def _float_data(data: Value) -> Value:
    if isinstance(data, Data):
        data.encoding = data.encoding.with_dtype("float")
    return data


@registry.hook("unpack", Data)
def _unpack(interp: InterpreterApi, value: Data, n: int) -> list | None:
    if n == 2 and value.what.startswith("image_dataset_from_directory"):
        return [value, value]
    return None


# ---------------------------------------------------------------------- ImageDataGenerator
@registry.function("keras.preprocessing.image.ImageDataGenerator")
def make_generator(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    gen = Generator(node)
    gen.rescale = kwargs.get("rescale")
    gen.preprocessing_function = kwargs.get("preprocessing_function")
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == "rescale":
            gen.rescale_node = arg
        if arg.keyword is not None and arg.keyword.value == "preprocessing_function":
            gen.pf_node = arg
    for key in _NORMALIZING:
        if const_value(kwargs.get(key, Const(False))) is True:
            gen.normalizes = True
    # A positional first argument is featurewise_center, not rescale: it needs `.fit()`, else
    # Keras warns and skips it.
    if args and const_value(args[0]) is True:
        gen.normalizes = True
    if node.args and node.args[0].keyword is None and node.args[0].star == "" and args:
        gen.__dict__["positional"] = node.args[0]
        gen.__dict__["positional_value"] = args[0]
        gen.normalizes = bool(const_value(kwargs.get("featurewise_std_normalization", Const(False)))) or any(
            const_value(kwargs.get(k, Const(False))) is True for k in ("samplewise_center", "samplewise_std_normalization"))
    return gen


@registry.hook("attribute", Generator)
def _generator_attribute(interp: InterpreterApi, obj: Generator, attr: str, node) -> Value:
    return BoundMethod(obj, attr)


@registry.method(Generator, "fit")
def _generator_fit(interp: InterpreterApi, gen: Generator, name: str, args, kwargs, node) -> Value:
    """`datagen.fit(x)`: featurewise statistics are computed, a positional first argument now applies."""
    if gen.__dict__.get("positional") is not None:
        gen.normalizes = True
    return UNKNOWN


@registry.method(Generator, "flow_from_directory", "flow_from_dataframe", "flow")
def _generator_flow(interp: InterpreterApi, gen: Generator, method: str, args, kwargs, node) -> Value:
    if method == "flow":
        x = args[0] if args else kwargs.get("x", UNKNOWN)
        if isinstance(x, (Data, Tensor)):
            enc = x.encoding
        else:
            return UNKNOWN
        y = args[1] if len(args) > 1 else kwargs.get("y", UNKNOWN)
        labels = y if isinstance(y, Labels) else None
    else:
        enc = Encoding(Source("raw", method, node))
        mode = const_value(kwargs.get("class_mode", Const("categorical")))
        labels = Labels(mode if isinstance(mode, str) else "unknown", node)
        classes = kwargs.get("classes")
        if isinstance(classes, Seq):
            labels.num_classes = len(classes.items)
    data = Data(enc, labels, node, f"ImageDataGenerator.{method}")
    pf = gen.preprocessing_function
    if pf is not None and not (isinstance(pf, Const) and pf.value is None):
        result = apply_function(interp, pf, [data], gen.pf_node or node)
        data = result if isinstance(result, Data) else with_step(data, Step("opaque", "preprocessing_function", gen.pf_node))
    if gen.rescale is not None:
        r = gen.rescale
        if is_number(r):
            text = src(interp, gen.rescale_node.value) if gen.rescale_node else r.value
            data = with_step(data, Step("affine", f"rescale={text}", gen.rescale_node or gen.node, scale=float(r.value)))
        elif not (isinstance(r, Const) and r.value is None):
            data = with_step(data, Step("opaque", "rescale", gen.rescale_node))
    if gen.normalizes:
        data = with_step(data, Step("normalize", "featurewise/samplewise normalisation", gen.node))
    data.node = node
    data.__dict__["generator"] = gen
    interp.datas.append(data)
    return data


# ---------------------------------------------------------------------- keras.datasets, single images
@registry.prefix("keras.datasets.")
def _dataset_arrays(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    if ref.name.rsplit(".", 1)[-1] != "load_data":
        return UNKNOWN
    x = Data(Encoding(Source("raw", ref.name.split(".")[2] + ".load_data()", node)), Labels("int", node), node,
             "keras.datasets", batched=False, paired=False)
    return Seq([Seq([x, Labels("int", node)], "tuple"), Seq([x, Labels("int", node)], "tuple")], "tuple")


registry.function("keras.utils.load_img", "keras.preprocessing.image.load_img")(decoder("load_img"))


@registry.function("keras.utils.img_to_array", "keras.preprocessing.image.img_to_array")
def _img_to_array(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    x = args[0] if args else kwargs.get("img", UNKNOWN)
    if isinstance(x, (Tensor, Data)):
        return retype(x, "float")
    return UNKNOWN
