"""The classifier built on a backbone: final activation, loss, label format, input shape.

Used by TL301..TL306. Everything here answers "unknown" (None) unless the script states the fact
statically; rules say nothing on None.
"""

from __future__ import annotations

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
    LossV,
    Model,
    Ref,
    Tensor,
    Value,
    const_value,
)
from tllint.engine.timeline import RestoreEvent, TrainEvent, compatible, unit_contains
from tllint.knowledge.losses import LOSS_TEXT, loss_kind

__all__ = ["LOSS_TEXT", "LossV", "Head", "LabelInfo", "ShapeSource", "activation_of", "final_head", "input_shapes",
           "head_restored", "labels_of", "loss_node", "resolve_loss", "single_output", "backbone_outputs"]


def _arg(layer: LayerV, name: str, pos: int | None, default: Value = UNKNOWN) -> Value:
    if name in layer.kwargs:
        return layer.kwargs[name]
    if pos is not None and pos < len(layer.args):
        return layer.args[pos]
    return default


def _int(v: Value) -> int | None:
    x = const_value(v)
    return x if isinstance(x, int) and not isinstance(x, bool) else None


# ---------------------------------------------------------------------------------------- losses
def resolve_loss(value: Value) -> LossV | None:
    """The loss passed to compile, or None when it is not statically known (dicts, custom functions)."""
    if isinstance(value, LossV):
        return value if value.kind != "other" else None
    if isinstance(value, Const) and isinstance(value.value, str):
        kind = loss_kind(value.value)
        return LossV(kind, value.value, False) if kind != "other" else None
    if isinstance(value, Ref) and value.name.startswith("keras.losses."):
        last = value.name.rsplit(".", 1)[-1]
        kind = loss_kind(last)
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


def head_restored(script, model: Model, step) -> Any:
    """The event before `step`, on a path that can lead to it, after which the model's head holds
    trained weights: `load_weights` into the model (or a model containing it), into a head model
    attached to it (`top_model.load_weights(...)`, then `top_model(base.output)`), or a training
    step of such a head model (trained on bottleneck features first). None: the head is fresh.

    One path is enough (`if args.resume: model.load_weights(...)`): a fresh head on every path is
    what TL201 needs, so a restore on any of them leaves it silent."""
    # Head models (no backbone), and wrapped models whose own head trains with them (`full =
    # Sequential([model])` after `model.fit`: the wrapped model's head is trained by then).
    heads = [m for m in model.submodels if not m.backbones or m.head]
    found = None
    for ev in script.events:
        if ev.index >= step.index:
            break
        if not compatible(ev.cond, step.cond):
            continue
        if isinstance(ev, RestoreEvent):
            target = ev.target
            if isinstance(target, Model) and (unit_contains(target, model) or any(target is h for h in heads)):
                found = ev
        elif isinstance(ev, TrainEvent) and not ev.implicit and any(ev.model is h for h in heads):
            found = ev
    # `model = load_model(path) if resuming else build()` (values.Model.join): resumed, the head is trained.
    return found if found is not None else model.__dict__.get("maybe_loaded")
