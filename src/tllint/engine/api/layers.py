"""keras.layers: layer objects, what applying one does to pixels and shapes, and `model.layers`
collections (slices, loops, `isinstance`/name filters, `trainable` assignments).

Which layers a collection covers once resolved against the knowledge base is engine/layersets.py.
"""

from __future__ import annotations

import dataclasses
import libcst as cst

from tllint.engine import registry
from tllint.engine.api.support import apply_function, kw, src
from tllint.engine.layersets import LayerIndex, index_narrowing, index_split
from tllint.engine.pixels import Step, relative
from tllint.engine.registry import InterpreterApi
from tllint.engine.timeline import AttributeEvent, TrainableEvent
from tllint.engine.values import (
    UNKNOWN,
    Backbone,
    BoundMethod,
    Const,
    Data,
    EnumerateOf,
    Instance,
    LayerElem,
    LayerSet,
    LayerV,
    Model,
    Ref,
    Seq,
    Tensor,
    Value,
    const_value,
    is_number,
    unknown_shape,
    with_step,
)

# Layers that never change the pixel range (augmentation, resizing, casting).
RANGE_NEUTRAL_LAYERS = {
    "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomCrop", "RandomContrast",
    "RandomBrightness", "RandomHeight", "RandomWidth", "Resizing", "CenterCrop", "RandomApply",
    "InputLayer", "Reshape", "Permute", "Cropping2D", "ZeroPadding2D", "RandomGrayscale",
    "RandomShear", "RandomPerspective", "RandomElasticTransform", "AutoContrast", "RandomHue",
    "RandomSaturation", "RandomSharpness", "RandomColorJitter", "RandomErasing", "RandomInvert",
    "RandomPosterization", "Solarization", "RandomColorDegeneration", "AugMix", "RandAugment",
    "MixUp", "CutMix", "RandomGaussianBlur", "Equalization", "Pipeline",
}
# Layers that act on pixels only: a model made of them passes its input's encoding through.
PIXEL_LAYERS = RANGE_NEUTRAL_LAYERS | {"Rescaling", "Normalization", "Lambda"}
# Range-neutral layers that change the static shape of what passes through them.
SHAPE_CHANGING = {"Resizing", "CenterCrop", "RandomCrop", "Reshape", "Cropping2D", "ZeroPadding2D"}
POOLING_LAYERS = {"GlobalAveragePooling2D", "GlobalMaxPooling2D", "GlobalAvgPool2D", "GlobalMaxPool2D", "Flatten"}
_RANK_KEEPING = ("Activation", "Softmax", "Dropout", "BatchNormalization", "LayerNormalization", "Dense", "ReLU",
                 "LeakyReLU", "GaussianNoise", "SpatialDropout2D", "ActivityRegularization")
_RANK_KEEPING_FAMILIES = ("Conv", "SeparableConv", "DepthwiseConv", "MaxPool", "AveragePooling", "MaxPooling",
                          "AvgPool", "UpSampling")


# ---------------------------------------------------------------------- making layers
@registry.prefix("keras.layers.")
def make_layer(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    short = ref.name.rsplit(".", 1)[-1]
    if short == "Input" or short == "InputLayer":
        return make_input(interp, ref, args, kwargs, node)
    layer = LayerV(ref.name, node, list(args), dict(kwargs))
    if short == "Lambda":
        layer.fn = args[0] if args else kwargs.get("function", UNKNOWN)
    interp.layers.append(layer)
    return layer


@registry.function("keras.Input", "keras.layers.Input", "keras.models.Input", keeps_shape=True)  # models.Input: Keras 2
def make_input(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    shape = kw(args, kwargs, "shape", 0, UNKNOWN)
    if not isinstance(shape, Seq):
        shape = kwargs.get("input_shape", shape)  # InputLayer(input_shape=...)
    rank = len(shape.items) + 1 if isinstance(shape, Seq) else None
    static = tuple(i.value if isinstance(i, Const) and (i.value is None or is_number(i)) else None for i in shape.items) if isinstance(shape, Seq) else None
    tensor = Tensor(relative(), interp.new_input_id(), rank=rank, shape=static)
    name = const_value(kwargs.get("name", UNKNOWN))
    if isinstance(name, str):
        tensor.__dict__["input_name"] = name  # a dict `x` of fit/predict is matched by input name
    return tensor


# ---------------------------------------------------------------------- applying layers
@registry.hook("call", LayerV)
def _call_layer(interp: InterpreterApi, layer: LayerV, args, kwargs, node) -> Value:
    return apply_layer(interp, layer, args[0] if args else kwargs.get("inputs", UNKNOWN), node)


def apply_layer(interp: InterpreterApi, layer: LayerV, x: Value, node) -> Value:
    short = layer.short
    if isinstance(x, Seq):
        # Concatenate/Add over several tensors: keep the first tensor's origin, opaque encoding.
        tensors = [t for t in x.items if isinstance(t, Tensor)]
        if not tensors:
            return UNKNOWN
        x = tensors[0]
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    if short in PIXEL_LAYERS and isinstance(x, Tensor) and x.origin is not None:
        # (not listed among the model's layers: their positions are then not known, outer_layers.py)
        interp.__dict__.setdefault("unplaced_origins", set()).add(x.origin)
    if short == "Rescaling":
        scale = kw(layer.args, layer.kwargs, "scale", 0, UNKNOWN)
        offset = kw(layer.args, layer.kwargs, "offset", 1, Const(0.0))
        if is_number(scale) and is_number(offset):
            step = Step("affine", src(interp, layer.node), layer.node, scale=float(scale.value), offset=float(offset.value))
        else:
            step = Step("opaque", src(interp, layer.node), layer.node)
        return with_step(x, step)
    if short == "Normalization":
        return with_step(x, _normalization_step(interp, layer))
    if short == "Lambda":
        result = apply_function(interp, layer.fn, [x], node)
        if isinstance(result, (Tensor, Data)):
            return result
        return unknown_shape(with_step(x, Step("opaque", src(interp, layer.node), layer.node)))
    if short in RANGE_NEUTRAL_LAYERS:
        if isinstance(x, Tensor) and short in SHAPE_CHANGING:
            return reshaped(layer, x)
        return x
    if isinstance(x, Data):
        return UNKNOWN
    if short in POOLING_LAYERS:
        rank = 2
    elif short in _RANK_KEEPING or short.startswith(_RANK_KEEPING_FAMILIES):
        rank = x.rank
    else:
        rank = None
    out = Tensor(x.encoding, x.origin, rank, x.backbone, x.layers + (layer,))
    interp.applications.append((layer, x, out))
    return out


def reshaped(layer: LayerV, x: Tensor) -> Tensor:
    """The tensor after a shape-changing, range-neutral layer (Resizing, CenterCrop, Reshape...)."""
    short = layer.short
    channels = x.shape[-1] if x.shape else None
    if short in ("Resizing", "CenterCrop", "RandomCrop"):
        h, w = _int(kw(layer.args, layer.kwargs, "height", 0)), _int(kw(layer.args, layer.kwargs, "width", 1))
        shape = (h, w, channels) if h is not None and w is not None else None
        return dataclasses.replace(x, shape=shape)
    if short == "Reshape":
        target = kw(layer.args, layer.kwargs, "target_shape", 0)
        if isinstance(target, Seq):
            dims = tuple(_int(i) for i in target.items)
            return dataclasses.replace(x, rank=len(dims) + 1, shape=dims)
        return dataclasses.replace(x, rank=None, shape=None)
    return dataclasses.replace(x, shape=None)


def _int(v: Value) -> int | None:
    x = const_value(v)
    return x if isinstance(x, int) and not isinstance(x, bool) else None


@registry.method(LayerV, "adapt")
def _adapt(interp: InterpreterApi, obj: LayerV, name: str, args, kwargs, node) -> Value:
    return Const(None)


@registry.hook("attribute", LayerV, LayerSet)
def _bound(interp: InterpreterApi, obj: Value, attr: str, node) -> Value:
    if attr == "output" and isinstance(obj, LayerSet):
        cut = cut_output(interp, obj)
        if cut is not None:
            return cut
    return BoundMethod(obj, attr)


def cut_output(interp: InterpreterApi, ls: LayerSet) -> Value | None:
    """`base.get_layer("block4_pool").output` / `base.layers[-6].output`: the backbone cut at that
    layer. It keeps the backbone's input and weights, so a head on it still sits on the backbone."""
    backbone = ls.owner
    if not isinstance(backbone, Backbone) or ls.filters or ls.selector[0] not in ("name", "index"):
        return None
    handler = registry.hook_handler("attribute", backbone)
    whole = handler(interp, backbone, "output", ls.node) if handler is not None else None
    if not isinstance(whole, Tensor):
        return None
    out = Tensor(whole.encoding, whole.origin, rank=None, backbone=backbone)
    out.__dict__["cut"] = ls.selector
    backbone.__dict__.setdefault("cuts", []).append(ls.selector)
    return out


# ---------------------------------------------------------------------- layer collections
class LayerName(Value):
    """`layer.name` of a loop variable over a layer collection (name filters narrow on it)."""

    def __init__(self, elem: LayerElem) -> None:
        self.elem = elem


@registry.hook("attribute", LayerElem)
def _element_attribute(interp: InterpreterApi, obj: LayerElem, attr: str, node) -> Value:
    if attr == "name":
        return LayerName(obj)
    return UNKNOWN


@registry.hook("subscript", LayerSet)
def _select(interp: InterpreterApi, obj: LayerSet, key, node) -> Value:
    if obj.selector != ("all",):
        return UNKNOWN
    if isinstance(key, slice):
        lower, upper = key.start, key.stop
        lo, hi = const_value(lower), const_value(upper)
        if (lo is None or isinstance(lo, int)) and (hi is None or isinstance(hi, int)) and isinstance(lower, Const) and isinstance(upper, Const):
            return dataclasses.replace(obj, selector=("slice", lo, hi), node=node)
        return dataclasses.replace(obj, selector=("slice", "?", "?"), node=node)
    i = const_value(key)
    if not isinstance(i, int) or isinstance(i, bool):
        return UNKNOWN
    if isinstance(obj.owner, Model) and obj.owner.layers and not (obj.owner.kind == "functional" and i >= 0):
        # (a functional model's layers[0] is its InputLayer: positive indices stay a LayerSet)
        try:
            return obj.owner.layers[i]
        except IndexError:
            pass
    return dataclasses.replace(obj, selector=("index", i), node=node)


@registry.hook("iterate", LayerSet)
def _each_layer(interp: InterpreterApi, iterable: LayerSet) -> Value | None:
    return LayerElem(iterable)


@registry.hook("iterate", EnumerateOf)
def _each_indexed_layer(interp: InterpreterApi, iterable: EnumerateOf) -> Value | None:
    if isinstance(iterable.inner, LayerSet):
        return Seq([LayerIndex(iterable.inner), LayerElem(iterable.inner)], "tuple")
    return None


@registry.hook("comprehension", LayerSet)
def _layer_comprehension(interp: InterpreterApi, iterable: LayerSet, node) -> Value:
    # `[l for l in base.layers if isinstance(l, BatchNormalization)]` is a layer set.
    return iterable if isinstance(node.for_in.target, cst.Name) else UNKNOWN


@registry.narrower
def _narrow_layers(interp: InterpreterApi, test: cst.BaseExpression):
    """`if isinstance(layer, BatchNormalization):`, `if "bn" in layer.name:`, `if i < 100:` inside
    a loop over a layer collection narrow the loop variable to a filtered set in each arm."""
    by_index = index_narrowing(interp, test)
    if by_index is not None:
        return by_index
    negated = False
    node = test
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        negated = True
        node = node.expression
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "isinstance" and len(node.args) == 2:
        found = _isinstance_narrowing(interp, node, negated)
        if found is not None:
            return found
    if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
        op = node.comparisons[0].operator
        if isinstance(op, (cst.In, cst.NotIn)):
            text = interp.eval(node.left)
            holder = interp.eval(node.comparisons[0].comparator)
            if isinstance(text, Const) and isinstance(text.value, str) and isinstance(holder, LayerName):
                return _name_filter(interp, holder, "name_contains", text.value, negated ^ isinstance(op, cst.NotIn))
            if isinstance(text, LayerName) and isinstance(holder, Seq) and holder.items \
                    and all(isinstance(t, Const) and isinstance(t.value, str) for t in holder.items):
                # `if layer.name in ["block5_conv1", "block5_conv2"]:`
                names = tuple(t.value for t in holder.items)
                return _name_filter(interp, text, "name_in", names, negated ^ isinstance(op, cst.NotIn))
        if isinstance(op, (cst.Equal, cst.NotEqual)):
            left, right = interp.eval(node.left), interp.eval(node.comparisons[0].comparator)
            if isinstance(right, LayerName):
                left, right = right, left
            if isinstance(left, LayerName) and isinstance(right, Const) and isinstance(right.value, str):
                return _name_filter(interp, left, "name_eq", right.value, negated ^ isinstance(op, cst.NotEqual))
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in ("startswith", "endswith"):
        holder = interp.eval(node.func.value)
        if isinstance(holder, LayerName) and node.args:
            text = interp.eval(node.args[0].value)
            if isinstance(text, Const) and isinstance(text.value, str):
                return _name_filter(interp, holder, "name_" + node.func.attr.value, text.value, negated)
    return None


def _isinstance_narrowing(interp: InterpreterApi, node: cst.Call, negated: bool):
    arg = node.args[0].value
    if not isinstance(arg, cst.Name):
        return None
    elem = interp.lookup(arg.value)
    if not isinstance(elem, LayerElem):
        return None
    cls = interp.eval(node.args[1].value)
    names: list[str] = []
    if isinstance(cls, Ref):
        names = [cls.name.rsplit(".", 1)[-1]]
    elif isinstance(cls, Seq) and all(isinstance(c, Ref) for c in cls.items):
        names = [c.name.rsplit(".", 1)[-1] for c in cls.items]
    if len(names) != 1:
        return None
    then_v = LayerElem(elem.of.with_filter(("isinstance", names[0], negated)))
    else_v = LayerElem(elem.of.with_filter(("isinstance", names[0], not negated)))
    return arg.value, then_v, else_v


def _name_filter(interp: InterpreterApi, holder: LayerName, kind: str, text: str, negated: bool):
    name = _loop_var_name(interp, holder.elem)
    if not name:
        return None
    then_v = LayerElem(holder.elem.of.with_filter((kind, text, negated)))
    else_v = LayerElem(holder.elem.of.with_filter((kind, text, not negated)))
    return name, then_v, else_v


def _loop_var_name(interp: InterpreterApi, elem: LayerElem) -> str | None:
    for name, value in interp.env.items():
        if value is elem:
            return name
    return None


# ---------------------------------------------------------------------- trainable
@registry.setter("trainable")
def _trainable_assignment(interp: InterpreterApi, obj: Value, attr: str, value: Value, target, value_node) -> None:
    if isinstance(interp.stmt, (cst.Assign, cst.AugAssign, cst.AnnAssign)):
        target = interp.stmt
    flag = const_value(value)
    if not isinstance(flag, bool):
        flag = None
    if isinstance(obj, LayerElem):
        # `layer.trainable = not isinstance(layer, BatchNormalization)` is two set operations.
        split = _isinstance_value(interp, value_node, obj)
        if split is not None:
            cls, negated = split
            interp.add_event(TrainableEvent(target, (), target=obj.of.with_filter(("isinstance", cls, False)), value=not negated))
            interp.add_event(TrainableEvent(target, (), target=obj.of.with_filter(("isinstance", cls, True)), value=negated))
            return
        if flag is None:
            # `layer.trainable = i >= 100` in `for i, layer in enumerate(base.layers)`: two slices.
            parts = index_split(interp, value_node, obj)
            if parts is not None:
                for layerset, part_value in parts:
                    interp.add_event(TrainableEvent(target, (), target=layerset, value=part_value))
                return
        interp.add_event(TrainableEvent(target, (), target=obj.of, value=flag))
        return
    if isinstance(obj, Instance) and isinstance(obj.attrs.get("__model__"), Model):
        obj = obj.attrs["__model__"]
    if isinstance(obj, (Backbone, Model, LayerSet)):
        interp.add_event(TrainableEvent(target, (), target=obj, value=flag))


@registry.setter("*", Backbone, Model, LayerSet, LayerElem, LayerV)
def _other_attribute(interp: InterpreterApi, obj: Value, attr: str, value: Value, target, value_node) -> None:
    """Any other attribute of a layer or model: Keras accepts it and, unless it is one Keras reads,
    ignores it (`layer.trainabel = False` freezes nothing). Recorded for the rules (TL208)."""
    if isinstance(interp.stmt, (cst.Assign, cst.AnnAssign)):
        target = interp.stmt
    interp.add_event(AttributeEvent(target, (), target=obj, attr=attr, value=value))


def _isinstance_value(interp: InterpreterApi, node, elem: LayerElem):
    negated = False
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        negated = True
        node = node.expression
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "isinstance" and len(node.args) == 2:
        if interp.eval(node.args[0].value) is elem:
            cls = interp.eval(node.args[1].value)
            if isinstance(cls, Ref):
                return cls.name.rsplit(".", 1)[-1], negated
    return None


def _normalization_step(interp: InterpreterApi, layer: LayerV) -> Step:
    """`Normalization(mean=127.5, variance=127.5**2)`: one mean and variance for every channel is an
    affine map, (x - mean) / sqrt(variance). Per-channel values (`mean=[0.485, 0.456, 0.406]`) are
    close to the affine map of their averages (the step is marked `per-channel`: its range is
    approximate). Statistics learnt with `adapt()` are a normalisation whose range is not followed."""
    means = _numbers(kw(layer.args, layer.kwargs, "mean", 1, UNKNOWN))
    variances = _numbers(kw(layer.args, layer.kwargs, "variance", 2, UNKNOWN))
    inverted = kw(layer.args, layer.kwargs, "invert", 3, Const(False))
    what = src(interp, layer.node)
    if not means or not variances or min(variances) <= 0 or len(means) != len(variances) and 1 not in (len(means), len(variances)) \
            or not (isinstance(inverted, Const) and inverted.value is False):
        return Step("normalize", what, layer.node)
    mean = sum(means) / len(means)
    std = (sum(variances) / len(variances)) ** 0.5
    per_channel = len(set(means)) > 1 or len(set(variances)) > 1
    return Step("affine", what, layer.node, scale=1.0 / std, offset=-mean / std, mode="per-channel" if per_channel else None)


def _numbers(value: Value) -> list[float]:
    """A number, or a list of at most 4 (one per channel); empty when not known."""
    if isinstance(value, Seq) and 0 < len(value.items) <= 4 and all(is_number(v) for v in value.items):
        return [float(v.value) for v in value.items]
    return [float(value.value)] if is_number(value) else []
