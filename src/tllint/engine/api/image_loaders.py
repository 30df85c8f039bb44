"""Keras image loading: `image_dataset_from_directory`, `ImageDataGenerator` and its `flow*`
methods, `keras.datasets`, `load_img` / `img_to_array`, `keras.utils.Sequence` / `PyDataset` subclasses.

Range facts (keras-facts §5): `image_dataset_from_directory` (every import path) yields float32
pixels in [0, 255]; `load_img` gives uint8 0..255 and `img_to_array` turns it into float32
0..255; a generator's `standardize` runs `preprocessing_function`, then `rescale`, then the
featurewise/samplewise normalisation.
"""

from __future__ import annotations

from tllint.engine import classes, registry
from tllint.engine.api.evaluation import loader_order
from tllint.engine.api.support import apply_function, decoder, src
from tllint.engine.pixels import Encoding, Source, Step
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import (
    UNKNOWN,
    BoundMethod,
    ClassV,
    Const,
    Data,
    Func,
    Generator,
    Instance,
    Labels,
    Ref,
    Seq,
    Tensor,
    Value,
    const_value,
    find_method,
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
    record_split(interp, result, args, kwargs, node, "image_dataset_from_directory", None)
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
    _record_size(data, kwargs, "image_size", node)
    interp.datas.append(data)
    subset = const_value(kwargs.get("subset", Const(None)))
    # Shuffled files reshuffle on every pass; the validation half of subset="both" is built unshuffled.
    # `shuffle=False` also changes which files a split takes: no fix where there is one.
    loader_order(interp, data, kwargs, node, "image_dataset_from_directory",
                 fixable=not ({"subset", "validation_split"} & set(kwargs)))
    if subset == "both":
        other = Data(data.encoding, labels, node, data.what)
        _record_size(other, kwargs, "image_size", node)
        return Seq([data, other], "list")
    return data


def _record_size(data: Data, kwargs, keyword: str, node) -> None:
    """The (height, width) every image is resized to, when statically known: `image_size=` /
    `target_size=`, default (256, 256) for both (keras-facts §5). Read by TL306. Unknown with
    `*args` / `**config` or positional arguments after the first."""
    call_args = getattr(node, "args", None)
    if call_args is None or any(a.star for a in call_args) or sum(a.keyword is None for a in call_args) > 1:
        return
    size = kwargs.get(keyword)
    if size is None:
        data.__dict__["image_size"] = ((256, 256), f"the default `{keyword}=(256, 256)`")
        return
    if isinstance(size, Seq) and len(size.items) == 2 and all(is_number(i) and isinstance(i.value, int) for i in size.items):
        data.__dict__["image_size"] = ((size.items[0].value, size.items[1].value), f"`{keyword}=({size.items[0].value}, {size.items[1].value})`")


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
    gen.__dict__["augment"] = generator_augmentation(gen, kwargs)
    gen.__dict__["validation_split"] = kwargs.get("validation_split", Const(None))
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
        elif gen.__dict__.get("augment"):
            # Arrays tllint cannot follow, through a generator that augments them (TL402): the
            # flow is known, its pixels are not.
            enc = Encoding(Source("unknown", "flow", node))
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
    if method != "flow":
        _record_size(data, kwargs, "target_size", node)
    record_split(interp, data, args, kwargs, node, method, gen)
    loader_order(interp, data, kwargs, node, method)  # shuffle defaults to True (engine/api/evaluation.py)
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


# ---------------------------------------------------------------------- keras.utils.Sequence / PyDataset subclasses
_SEQUENCE_BASES = (
    "keras.utils.Sequence", "keras.utils.PyDataset", "keras.utils.data_utils.Sequence", "keras.utils.all_utils.Sequence",
    "keras.utils.py_dataset_adapter.PyDataset", "keras.utils.Sequence.Sequence",
)


def _is_sequence_class(cls: ClassV) -> bool:
    return classes.has_library_base(cls, _SEQUENCE_BASES)


def sequence_batches(interp: InterpreterApi, value: Value, node) -> Value:
    """A `keras.utils.Sequence` / `PyDataset` subclass instance handed to fit or predict: its batches
    are what its `__getitem__` returns (run once, with the instance as it is then). Other values as given."""
    if not isinstance(value, Instance) or not _is_sequence_class(value.cls):
        return value
    cached = value.__dict__.get("batches")
    if cached is not None:
        return cached
    getitem = find_method(value.cls, "__getitem__")
    result: Value = UNKNOWN
    if getitem is not None:
        batch = interp.call_function(Func(getitem.node, "__getitem__", bound_self=value, module=getitem.module),
                                     [UNKNOWN], {}, node)
        collect = registry.hook_handler("collect", batch)
        result = collect(interp, batch, getitem.node, "generator") if collect is not None else UNKNOWN
    if isinstance(result, Data):
        result.what = f"{value.cls.name}.__getitem__"
    value.__dict__["batches"] = result
    return result


# ---------------------------------------------------------------------- subsets, splits and augmentation (TL402, TL403)
# ImageDataGenerator arguments that draw a random transform for every image, on every subset and
# every flow of the generator (docs/facts/tl402_augmented_evaluation.*.out).
AUGMENTING = ("rotation_range", "width_shift_range", "height_shift_range", "brightness_range", "shear_range",
              "zoom_range", "channel_shift_range", "horizontal_flip", "vertical_flip")


def _augmenting(value: Value) -> bool:
    """A constant argument value that turns its transform on (0, 0.0, False, None, [1, 1] do not)."""
    if isinstance(value, Const):
        return value.value is True or (is_number(value) and value.value != 0)
    if isinstance(value, Seq) and value.items and all(is_number(i) for i in value.items):
        return len({i.value for i in value.items}) > 1
    return False


def generator_augmentation(gen: Generator, kwargs) -> list[str]:
    """The augmentation arguments of `ImageDataGenerator(...)` that are on, as written."""
    return [key for key in AUGMENTING if key in kwargs and _augmenting(kwargs[key])]


def _directory_key(interp: InterpreterApi, args, kwargs, node) -> str | None:
    """The folder a loader reads, when it is a known string (trailing slashes dropped)."""
    value = args[0] if args else kwargs.get("directory", UNKNOWN)
    text = const_value(value)
    if isinstance(text, str) and text.strip("/"):
        return text.rstrip("/")
    return None


def record_split(interp: InterpreterApi, result: Value, args, kwargs, node, method: str, gen: Generator | None) -> None:
    """What TL403 compares between the training and validation sources: the folder, the subset, the
    split fraction, the seed and whether the files are shuffled; `shuffled` (TL401, TL403) is set on an
    `image_dataset_from_directory` dataset that reshuffles on every pass (the validation half of
    `subset="both"` is built unshuffled)."""
    if method in ("flow", "flow_from_dataframe") or not isinstance(result, (Data, Seq)):
        if isinstance(result, Data) and gen is not None:
            result.__dict__["split"] = {"loader": method, "generator": gen, "subset": const_value(kwargs.get("subset", Const(None)))}
        return
    subset = const_value(kwargs.get("subset", Const(None)))
    shuffle = kwargs.get("shuffle", Const(True))
    facts = {
        "loader": method,
        "generator": gen,
        "directory": _directory_key(interp, args, kwargs, node),
        "subset": subset if isinstance(subset, str) or subset is None else UNKNOWN,
        "split": gen.__dict__.get("validation_split") if gen is not None else kwargs.get("validation_split", Const(None)),
        "seed": kwargs.get("seed", Const(None)),
        "shuffle": const_value(shuffle) if isinstance(shuffle, Const) else None,
        "node": node,
    }
    parts = result.items if isinstance(result, Seq) else [result]
    for index, part in enumerate(parts):
        if not isinstance(part, Data):
            continue
        part.__dict__["split"] = dict(facts, subset=("training", "validation")[index] if isinstance(result, Seq) else facts["subset"],
                                      both=isinstance(result, Seq))
        if method == "image_dataset_from_directory" and facts["shuffle"] is not False and not (isinstance(result, Seq) and index == 1):
            part.__dict__.setdefault("shuffled", (node, True))
