"""The classifier built on a backbone: final activation, loss, label format, input shape.

Used by TL301..TL306. Everything here answers "unknown" (None) unless the script states the fact
statically; rules say nothing on None.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import libcst as cst

from tllint.engine.values import (
    UNKNOWN,
    Backbone,
    Const,
    Data,
    Labels,
    LayerV,
    Model,
    Ref,
    Seq,
    Tensor,
    Value,
    const_value,
)

# Range-neutral layers that change the static shape of what passes through them.
SHAPE_CHANGING = {"Resizing", "CenterCrop", "RandomCrop", "Reshape", "Cropping2D", "ZeroPadding2D"}


def _arg(layer: LayerV, name: str, pos: int | None, default: Value = UNKNOWN) -> Value:
    if name in layer.kwargs:
        return layer.kwargs[name]
    if pos is not None and pos < len(layer.args):
        return layer.args[pos]
    return default


def _int(v: Value) -> int | None:
    x = const_value(v)
    return x if isinstance(x, int) and not isinstance(x, bool) else None


def reshaped(layer: LayerV, x: Tensor) -> Tensor:
    """The tensor after a shape-changing, range-neutral layer (Resizing, CenterCrop, Reshape...)."""
    short = layer.short
    channels = x.shape[-1] if x.shape else None
    if short in ("Resizing", "CenterCrop", "RandomCrop"):
        h, w = _int(_arg(layer, "height", 0)), _int(_arg(layer, "width", 1))
        shape = (h, w, channels) if h is not None and w is not None else None
        return dataclasses.replace(x, shape=shape)
    if short == "Reshape":
        target = _arg(layer, "target_shape", 0)
        if isinstance(target, Seq):
            dims = tuple(_int(i) for i in target.items)
            return dataclasses.replace(x, rank=len(dims) + 1, shape=dims)
        return dataclasses.replace(x, rank=None, shape=None)
    return dataclasses.replace(x, shape=None)


# ---------------------------------------------------------------------------------------- losses
@dataclass(eq=False)
class LossV(Value):
    """A Keras loss: kind is categorical | sparse | binary | other."""

    kind: str
    name: str
    from_logits: bool | None = False  # None: not known statically
    node: cst.CSTNode | None = None


_LOSS_NAMES = {
    "categorical_crossentropy": "categorical",
    "categoricalcrossentropy": "categorical",
    "categorical_focal_crossentropy": "categorical",
    "categoricalfocalcrossentropy": "categorical",
    "sparse_categorical_crossentropy": "sparse",
    "sparsecategoricalcrossentropy": "sparse",
    "binary_crossentropy": "binary",
    "binarycrossentropy": "binary",
    "bce": "binary",
    "binary_focal_crossentropy": "binary",
    "binaryfocalcrossentropy": "binary",
}

# The class, function and string spellings users write, for messages.
LOSS_TEXT = {
    "categorical": "categorical_crossentropy",
    "sparse": "sparse_categorical_crossentropy",
    "binary": "binary_crossentropy",
}


def _loss_kind(name: str) -> str:
    return _LOSS_NAMES.get(name.lower(), "other")


def make_loss(name: str, args, kwargs, node) -> Value:
    """`keras.losses.SparseCategoricalCrossentropy(from_logits=True)` and friends."""
    last = name.rsplit(".", 1)[-1]
    if last in ("get", "deserialize", "Loss", "Reduction", "serialize") or not last[:1].isupper():
        # A loss function called on tensors (inside a custom loss) or a registry helper.
        return UNKNOWN
    kind = _loss_kind(last)
    fl = kwargs.get("from_logits", args[0] if args else Const(False))
    flag = const_value(fl) if isinstance(fl, Const) and isinstance(fl.value, bool) else None
    return LossV(kind, last, flag, node)


def resolve_loss(value: Value) -> LossV | None:
    """The loss passed to compile, or None when it is not statically known (dicts, custom functions)."""
    if isinstance(value, LossV):
        return value if value.kind != "other" else None
    if isinstance(value, Const) and isinstance(value.value, str):
        kind = _loss_kind(value.value)
        return LossV(kind, value.value, False) if kind != "other" else None
    if isinstance(value, Ref) and value.name.startswith("keras.losses."):
        last = value.name.rsplit(".", 1)[-1]
        kind = _loss_kind(last)
        if kind == "other":
            return None
        # A class passed uncalled is instantiated by Keras with defaults; a function uses from_logits=False.
        return LossV(kind, last, False)
    return None


def loss_node(compile_node: cst.CSTNode) -> cst.CSTNode:
    """The `loss=` argument of a compile call (what a user edits), else the call itself."""
    if isinstance(compile_node, cst.Call):
        for i, arg in enumerate(compile_node.args):
            if arg.keyword is not None and arg.keyword.value == "loss":
                return arg
        positional = [a for a in compile_node.args if a.keyword is None and a.star == ""]
        if len(positional) > 1:
            return positional[1]
    return compile_node


# ---------------------------------------------------------------------------------------- head
_TRANSPARENT = {"Dropout", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization"}
_ACT_NAMES = {"softmax": "softmax", "sigmoid": "sigmoid", "linear": "linear", "log_softmax": "other"}


def activation_of(value: Value) -> str | None:
    """softmax | sigmoid | linear | other, None when unknown."""
    if isinstance(value, Const):
        if value.value is None:
            return "linear"
        if isinstance(value.value, str):
            return _ACT_NAMES.get(value.value.lower(), "other")
        return None
    if isinstance(value, Ref):
        head, _, last = value.name.rpartition(".")
        if head in ("keras.activations", "tensorflow.nn", "tensorflow.math", "keras.ops", "keras.backend",
                    "keras.ops.nn", "tensorflow.keras.activations"):
            return _ACT_NAMES.get(last, "other")
        return None
    if isinstance(value, LayerV):
        if value.short == "Softmax":
            return "softmax"
        if value.short == "Activation":
            return activation_of(_arg(value, "activation", 0))
        return None
    return None


@dataclass
class Head:
    activation: str  # softmax | sigmoid | linear | other
    units: int | None
    layer: Any  # LayerV giving the activation, or the Backbone whose classifier is the output
    dense: LayerV | None  # the last Dense (units)
    from_backbone: bool = False  # the output is an include_top=True classifier

    @property
    def node(self) -> cst.CSTNode:
        return self.layer.node


def single_output(model: Model) -> bool:
    node = model.node
    if model.kind == "functional" and isinstance(node, cst.Call):
        outs = None
        for i, arg in enumerate(node.args):
            if (arg.keyword is not None and arg.keyword.value == "outputs") or (arg.keyword is None and i == 1):
                outs = arg.value
        if isinstance(outs, (cst.List, cst.Tuple, cst.Set)) and len(outs.elements) != 1:
            return False
        if isinstance(outs, cst.Dict):
            return False
    return True


def backbone_outputs(interp) -> set[int]:
    """ids of tensors a backbone call produced (its predictions / feature map)."""
    return {id(out) for callee, _x, out in interp.applications if isinstance(callee, Backbone)}


def final_head(script, model: Model) -> Head | None:
    out = model.output
    if not isinstance(out, Tensor) or model.__dict__.get("unknown_graph") or not single_output(model):
        return None
    layers = list(out.layers)
    if not layers:
        b = out.backbone
        if (
            isinstance(b, Backbone) and b.kind == "applications" and b.include_top is True
            and id(out) in backbone_outputs(script.interp)
        ):
            act = activation_of(b.kwargs.get("classifier_activation", Const("softmax")))
            units = _int(b.kwargs.get("classes", Const(1000)))
            if act is None:
                return None
            return Head(act, units, b, None, from_backbone=True)
        return None
    act: str | None = None
    act_layer = None
    dense = None
    for layer in reversed(layers):
        if not isinstance(layer, LayerV):
            return None
        short = layer.short
        if short in _TRANSPARENT:
            continue
        if short in ("Activation", "Softmax") and act is None and dense is None:
            act = activation_of(layer)
            act_layer = layer
            if act is None:
                return None
            continue
        if short in ("ReLU", "LeakyReLU", "PReLU", "ELU") and act is None:
            return Head("other", None, layer, None)
        if short == "Dense":
            dense = layer
            own = activation_of(_arg(layer, "activation", 1, Const(None)))
            if own is None:
                return None
            if act is None:
                act, act_layer = own, layer
            elif own != "linear":
                return None  # Dense(…, activation=x) followed by Activation(y): leave it alone
            break
        return None
    if dense is None or act is None:
        return None
    return Head(act, _int(_arg(dense, "units", 0)), act_layer, dense)


# ---------------------------------------------------------------------------------------- labels
@dataclass
class LabelInfo:
    mode: str  # int | categorical | binary
    num_classes: int | None
    node: cst.CSTNode | None
    source: str  # what produced them, for messages
    data: Data | None = None


_MODES = {"int": "int", "sparse": "int", "categorical": "categorical", "binary": "binary"}


def labels_of(step) -> LabelInfo | None:
    y = getattr(step, "y", None)
    if y is not None:
        if not isinstance(y, Labels):
            return None
        labels, data = y, None
    else:
        data = step.data
        if not isinstance(data, Data) or not data.paired:
            return None
        labels = data.labels
    if not isinstance(labels, Labels):
        return None
    mode = _MODES.get(labels.mode)
    if mode is None:
        return None
    return LabelInfo(mode, labels.num_classes, labels.node, _source_name(labels.node), data)


def _source_name(node) -> str:
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Attribute):
            return func.attr.value
        if isinstance(func, cst.Name):
            return func.value
    return "the data"


# ---------------------------------------------------------------------------------------- shapes
@dataclass
class ShapeSource:
    shape: tuple
    how: str  # "input_shape" | "input_tensor" | "call"
    node: cst.CSTNode | None


def input_shapes(script, backbone: Backbone) -> list[ShapeSource]:
    out: list[ShapeSource] = []
    if backbone.input_shape is not None:
        out.append(ShapeSource(tuple(_dim(d) for d in backbone.input_shape), "input_shape", backbone.node))
    tensor = backbone.kwargs.get("input_tensor")
    if isinstance(tensor, Tensor) and tensor.shape is not None and backbone.input_shape is None:
        out.append(ShapeSource(tuple(_dim(d) for d in tensor.shape), "input_tensor", backbone.node))
    if backbone.input_shape is None and not isinstance(tensor, Tensor):
        seen: set[tuple] = set()
        for callee, x, _out in script.interp.applications:
            if callee is backbone and isinstance(x, Tensor) and x.shape is not None:
                shape = tuple(_dim(d) for d in x.shape)
                if shape not in seen:
                    seen.add(shape)
                    out.append(ShapeSource(shape, "call", None))
    return [s for s in out if len(s.shape) == 3]


def _dim(d: Any) -> int | None:
    return d if isinstance(d, int) and not isinstance(d, bool) else None


# TF / NumPy calls that keep the static shape of what they are given (the others in
# calls.RANGE_NEUTRAL_TF resize, crop, reshape or stack it).
_SHAPE_KEEPING_TF = {
    "tensorflow.cast", "tensorflow.identity", "tensorflow.ensure_shape", "tensorflow.convert_to_tensor",
    "tensorflow.image.random_flip_left_right", "tensorflow.image.random_flip_up_down",
    "tensorflow.image.flip_left_right", "tensorflow.image.random_brightness", "keras.ops.cast",
    "keras.ops.convert_to_tensor", "numpy.float32", "numpy.copy", "numpy.asarray", "numpy.array",
}


def after_tf_op(name: str, value: Value) -> Value:
    """The result of a range-neutral TF call: same pixels, shape unknown unless the op keeps it."""
    if isinstance(value, Tensor) and value.shape is not None and name not in _SHAPE_KEEPING_TF:
        return dataclasses.replace(value, shape=None)
    return value


def unknown_shape(value: Value) -> Value:
    """A tensor through an opaque transformation (a Lambda we cannot follow): rank and shape unknown."""
    if isinstance(value, Tensor):
        return dataclasses.replace(value, rank=None, shape=None)
    return value


_SHAPE_SETTING = {"keras.Input", "keras.layers.Input", "keras.layers.InputLayer"}


def after_call(name: str, value: Value) -> Value:
    """A known call's result: only `Input` and shape-keeping ops vouch for a static shape."""
    if name in _SHAPE_SETTING:
        return value
    return after_tf_op(name, value)
