"""keras.Model and keras.Sequential: building a graph from tensors or a list of layers, a model
used as a layer, subclasses of keras.Model, and the model methods that make the timeline
(compile, fit, predict, get_layer...)."""

from __future__ import annotations

import libcst as cst

from tllint.engine import classes, outer_layers, registry
from tllint.engine.api.evaluation import predictions
from tllint.engine.api.image_loaders import sequence_batches
from tllint.engine.api.keras_hub import task_backbone
from tllint.engine.api.layers import PIXEL_LAYERS
from tllint.engine.api.optimizers import compiled_optimizer
from tllint.engine.api.support import kw
from tllint.engine.pixels import relative
from tllint.engine.registry import InterpreterApi
from tllint.engine.timeline import CompileEvent, RestoreEvent, TrainEvent
from tllint.engine.values import (
    UNKNOWN,
    Backbone,
    BoundMethod,
    ClassV,
    Const,
    Data,
    DictV,
    Feed,
    Func,
    History,
    Instance,
    LayerSet,
    LayerV,
    Model,
    ModelOptimizer,
    Ref,
    Seq,
    Tensor,
    TrainableVars,
    Value,
    const_value,
    find_method,
)

_MODEL_BASES = ("keras.Model", "keras.models.Model")


# ---------------------------------------------------------------------- building models
@registry.function("keras.Model", "keras.models.Model", "keras.Sequential", "keras.models.Sequential")
def make_model(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    short = ref.name.rsplit(".", 1)[-1]
    if short == "Sequential":
        model = Model("sequential", node)
        interp.models.append(model)
        layers = kw(args, kwargs, "layers", 0, Seq([], "list"))
        model.__dict__["_tensor"] = Tensor(relative(), interp.new_input_id(), rank=4)
        model.input_ids = (model.__dict__["_tensor"].origin,)
        if isinstance(layers, Seq):
            # Each layer of the list is reported at its own element, not at `Sequential(`.
            elems = [e.value for e in node.args[0].value.elements] if node.args and isinstance(node.args[0].value, (cst.List, cst.Tuple)) else []
            for i, layer in enumerate(layers.items):
                sequential_add(interp, model, layer, elems[i] if len(elems) == len(layers.items) else node)
        else:
            model.__dict__["_tensor"] = None
        return model
    # Keras 1 spelled them `input=` / `output=` (Keras 2 still accepted them with a warning).
    inputs = kw(args, kwargs, "inputs", 0, kwargs.get("input", UNKNOWN))
    outputs = kw(args, kwargs, "outputs", 1, kwargs.get("output", UNKNOWN))
    model = Model("functional", node)
    interp.models.append(model)
    in_tensors = _tensors(inputs)
    out_tensors = _tensors(outputs)
    if not in_tensors or not out_tensors:
        model.__dict__["unknown_graph"] = True
        return model
    model.input_ids = tuple(t.origin for t in in_tensors if t.origin is not None)
    model.__dict__["input_tensors"] = in_tensors  # their static shapes (TL306)
    if len(in_tensors) > 1:
        # Multi-input: a dict `x` reaches the inputs by their dict key or `Input(name=...)`.
        keys = list(inputs.items) if isinstance(inputs, DictV) else [None] * len(in_tensors)
        model.__dict__["input_keys"] = [k if k is not None else t.__dict__.get("input_name") for k, t in zip(keys, in_tensors)]
    _attach_graph(interp, model)
    model.output = out_tensors[0]
    model.head = list(out_tensors[0].layers)
    return model


def _tensors(value: Value) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, Seq):
        return [t for t in value.items if isinstance(t, Tensor)]
    if isinstance(value, DictV):
        return [t for t in value.items.values() if isinstance(t, Tensor)]
    return []


def _attach_graph(interp: InterpreterApi, model: Model) -> None:
    ids = set(model.input_ids)
    for feed in interp.feeds:
        if feed.origin in ids and feed not in model.feeds:
            model.feeds.append(feed)
            if feed.backbone not in model.backbones:
                model.backbones.append(feed.backbone)
    for callee, x, _out in interp.applications:
        if x.origin in ids:
            if isinstance(callee, Model) and callee is not model and callee not in model.submodels:
                model.submodels.append(callee)
            if isinstance(callee, (LayerV, Backbone, Model)) and callee not in model.layers:
                model.layers.append(callee)


def sequential_add(interp: InterpreterApi, model: Model, layer: Value, node) -> None:
    tensor = model.__dict__.get("_tensor")
    if isinstance(layer, Tensor):
        # `Sequential([Input(...), ...])`
        model.__dict__["_tensor"] = Tensor(relative(), tensor.origin if tensor else interp.new_input_id(), rank=layer.rank, shape=layer.shape)
        return
    model.layers.append(layer)
    if tensor is None:
        return
    if isinstance(layer, (Backbone, LayerV, Model)):
        out = interp.call_value(layer, [tensor], {}, node)
    else:
        out = UNKNOWN
    if isinstance(layer, Backbone):
        if layer not in model.backbones:
            model.backbones.append(layer)
        model.feeds = [f for f in interp.feeds if f.origin in model.input_ids]
    elif isinstance(layer, Model):
        if layer not in model.submodels:
            model.submodels.append(layer)
        model.feeds = [f for f in interp.feeds if f.origin in model.input_ids]
        for b in layer.backbones:
            if b not in model.backbones:
                model.backbones.append(b)
    if isinstance(out, Tensor):
        model.__dict__["_tensor"] = out
        model.output = out
        model.head = list(out.layers)
    else:
        model.__dict__["_tensor"] = None
        model.__dict__["unknown_graph"] = True


@registry.hook("call", Model)
def _call_model(interp: InterpreterApi, model: Model, args, kwargs, node) -> Value:
    x = args[0] if args else UNKNOWN
    if isinstance(x, Tensor) and x.origin is None and x.encoding.source.kind != "input" and model.backbones:
        # A batch drawn from a dataset (`for images, labels in ds: step(images)`) given to a network:
        # data, not a graph. (A Sequential of pixel layers mapped over a dataset stays a transform.)
        x = Data(x.encoding, None, node, "tensor", paired=False)
        args = [x, *args[1:]]
    if isinstance(x, Data):
        # `model(images, training=True)` in a custom loop, `model(batch)` at inference: data, not a graph.
        return _predict(interp, model, "__call__", args, kwargs, node)
    return apply_model(interp, model, x, kwargs, node)


def apply_model(interp: InterpreterApi, model: Model, x: Value, kwargs, node) -> Value:
    if not isinstance(x, Tensor):
        return UNKNOWN
    # A model used as a layer: its own feeds re-based onto this tensor.
    for feed in list(model.feeds):
        enc = feed.encoding.after(x.encoding) if feed.origin in model.input_ids else feed.encoding
        interp.feeds.append(Feed(feed.backbone, enc, x.origin, node, feed.training, nested=True))
    if not model.backbones and model.kind == "sequential" and model.layers:
        out: Value = x
        for layer in model.layers:
            if isinstance(layer, LayerV):
                out = interp.call_value(layer, [out], {}, node)
            else:
                out = UNKNOWN
            if not isinstance(out, Tensor):
                break
        if isinstance(out, Tensor) and all(isinstance(layer, LayerV) and layer.short in PIXEL_LAYERS for layer in model.layers):
            interp.applications.append((model, x, out))
            return out
    rank = model.output.rank if model.output is not None else None
    if not model.backbones and isinstance(model.output, Tensor) and not model.__dict__.get("unknown_graph"):
        # A head model (`top_model(base.output)`, the Keras blog recipe): its layers extend the head
        # of the tensor it is applied to (engine/heads.py tells whether they are fresh or restored).
        out_t = Tensor(x.encoding, x.origin, rank, x.backbone, x.layers + tuple(model.head))
        interp.applications.append((model, x, out_t))
        return out_t
    out_t = Tensor(x.encoding, x.origin, rank, model.backbones[-1] if model.backbones else None, ())
    interp.applications.append((model, x, out_t))
    return out_t


# ---------------------------------------------------------------------- subclasses of keras.Model
@registry.hook("call", ClassV)
def instantiate(interp: InterpreterApi, cls: ClassV, args, kwargs, node) -> Value:
    """A user class called: its `__init__` runs on a new instance; a keras.Model subclass's
    instance stands for a model (attrs["__model__"]) whose backbones are its attributes."""
    inst = Instance(cls)
    interp.__dict__.setdefault("instantiated", set()).add(id(cls.node))
    if _is_keras_model_class(cls):
        model = Model("subclass", node)
        model.__dict__["class"] = cls
        inst.attrs["__model__"] = model
        model.instance = inst
        interp.models.append(model)
    init = find_method(cls, "__init__")
    if init is not None:
        interp.call_function(Func(init.node, "__init__", bound_self=inst, module=init.module), args, kwargs, node)
    model = inst.attrs.get("__model__")
    if isinstance(model, Model):
        classes.run_keras_build(interp, inst, node)  # Keras builds the model before its first call
        classes.trace_keras_call(interp, inst, model)
        for value in list(inst.attrs.values()):
            if isinstance(value, Backbone) and value not in model.backbones:
                model.backbones.append(value)
            if isinstance(value, Model) and value is not model and value not in model.submodels:
                model.submodels.append(value)
            if isinstance(value, LayerV):
                model.head.append(value)
    return inst


def _is_keras_model_class(cls: ClassV) -> bool:
    return classes.has_library_base(cls, _MODEL_BASES)


# ---------------------------------------------------------------------- the model value
@registry.hook("attribute", Model)
def _attribute(interp: InterpreterApi, obj: Model, attr: str, node) -> Value:
    if attr == "layers":
        return LayerSet(obj, ("all",), (), node, outer_layers.snapshot(obj, interp))
    if attr in ("trainable_weights", "trainable_variables"):
        return TrainableVars(obj)
    if attr == "optimizer":
        return ModelOptimizer(obj)
    if attr == "input" or attr == "inputs":
        return UNKNOWN
    if attr == "backbone" and obj.kind == "keras_hub_task":
        return task_backbone(interp, obj)
    return BoundMethod(obj, attr)


@registry.hook("attribute", History)
def _history_attribute(interp: InterpreterApi, obj: History, attr: str, node) -> Value:
    return BoundMethod(obj, attr)


@registry.method(Model, "compile")
def _compile(interp: InterpreterApi, model: Model, name: str, args, kwargs, node) -> Value:
    opt = kw(args, kwargs, "optimizer", 0, Const("rmsprop"))
    if isinstance(opt, Const) and isinstance(opt.value, str):
        opt = compiled_optimizer(opt.value, node, "optimizer" not in kwargs and not args)
    loss = kw(args, kwargs, "loss", 1, UNKNOWN)
    interp.add_event(CompileEvent(node, (), model=model, optimizer=opt, loss=loss, kwargs=dict(kwargs)))
    model.__dict__["compiled"] = True
    return Const(None)


@registry.method(Model, "fit", "fit_generator", "train_on_batch")
def _fit(interp: InterpreterApi, model: Model, name: str, args, kwargs, node) -> Value:
    # Keras 2's fit_generator names its data `generator=`; fit and train_on_batch call it `x`.
    data = kw(args, kwargs, "generator" if name == "fit_generator" else "x", 0, UNKNOWN)
    data = sequence_batches(interp, data, node)  # a keras.utils.Sequence subclass: its __getitem__ batches
    if name == "fit_generator":
        interp.flavours.add("keras2-api")  # removed in Keras 3: the script runs on Keras 2
    pixels = image_component(model, data, node)  # of a multi-input model's data, what reaches its backbone
    apart = pixels is not data and isinstance(data, (Data, Tensor))
    if pixels is not data and not apart:
        data = pixels  # `[X_img, X_meta]`, `{"image": ...}`: its image part stands for it
    if isinstance(data, Tensor):
        data = Data(data.encoding, None, node, "tensor")
    event = interp.add_event(TrainEvent(node, (), model=model, data=data, method=name, kwargs=dict(kwargs),
                                        y=kw(args, kwargs, "y", 1, None) if name != "fit_generator" else None))
    if apart:
        # One array or dataset for several inputs: the step keeps its data, the pixel rules judge
        # only what reaches the backbone (engine/script.py arrivals).
        event.__dict__["pixels"] = pixels
    val = kwargs.get("validation_data")
    if val is not None and len(model.input_ids) > 1:
        val_x = val.items[0] if isinstance(val, Seq) and len(val.items) in (2, 3) else val
        event.__dict__["validation_pixels"] = image_component(model, val_x, node)
    return History(model)


@registry.method(Model, "add")
def _add(interp: InterpreterApi, model: Model, name: str, args, kwargs, node) -> Value:
    if args:
        sequential_add(interp, model, args[0], node)
    return Const(None)


@registry.method(Model, "get_layer")
def _get_layer(interp: InterpreterApi, model: Model, name: str, args, kwargs, node) -> Value:
    layer_name = const_value(kw(args, kwargs, "name", 0, UNKNOWN))
    for layer in model.layers + list(model.backbones):
        if isinstance(layer, Backbone) and layer_name is not None and isinstance(layer.kwargs.get("name"), Const) and layer.kwargs["name"].value == layer_name:
            return layer
    if isinstance(layer_name, str):
        return LayerSet(model, ("name", layer_name), (), node)
    return UNKNOWN


@registry.method(Model, "predict", "evaluate", "__call__", "predict_on_batch", "test_on_batch",
                 "predict_generator", "evaluate_generator")
def _predict(interp: InterpreterApi, model: Model, name: str, args, kwargs, node) -> Value:
    # Keras 2's predict_generator / evaluate_generator (removed in Keras 3) name their data `generator=`.
    x = kw(args, kwargs, "generator" if name.endswith("_generator") else "x", 0, UNKNOWN)
    x = sequence_batches(interp, x, node)
    if name.endswith("_generator"):
        interp.flavours.add("keras2-api")
        name = name.removesuffix("_generator")
    if isinstance(x, Tensor) and x.origin is not None:
        return apply_model(interp, model, x, kwargs, node)
    # Inference on data: what the model is fed outside training (ScriptModel.arrivals); of a
    # multi-input model's data, the part that reaches its backbone.
    model.__dict__.setdefault("uses", []).append((name, image_component(model, x, node), node))
    if name in ("predict", "predict_on_batch") or (name == "__call__" and isinstance(x, (Data, Tensor))):
        return predictions(model, x, node)  # the model's outputs (engine/api/evaluation.py)
    return UNKNOWN


def image_component(model: Model, x: Value, node) -> Value:
    """The part of a multi-input model's `x` that reaches its backbone: `[X_img, X_meta]` by position,
    `{"image": X_img, "meta": X_meta}` by key, a dataset of `((image, meta), label)` by the position it
    recorded (`component`). Unknown when several inputs reach a backbone or the match is not certain;
    a single-input model's data are returned as they are."""
    ids = model.input_ids
    if len(ids) < 2:
        return x
    fed = [i for i, oid in enumerate(ids) if any(f.origin == oid for f in model.feeds)]
    if len(fed) != 1:
        return UNKNOWN if isinstance(x, (Seq, DictV)) else x
    i = fed[0]
    keys = model.__dict__.get("input_keys") or [None] * len(ids)
    if isinstance(x, Seq):
        item = x.items[i] if len(x.items) == len(ids) else UNKNOWN
    elif isinstance(x, DictV):
        item = x.items.get(keys[i], UNKNOWN) if keys[i] is not None else UNKNOWN
    elif isinstance(x, Data) and "component" in x.__dict__:
        comp = x.__dict__["component"]
        return x if comp == i or (comp is not None and comp == keys[i]) else UNKNOWN
    else:
        # One array or dataset for several inputs: its structure is not in sight.
        return UNKNOWN if isinstance(x, (Data, Tensor)) else x
    if isinstance(item, Tensor) and item.origin is None:
        return Data(item.encoding, None, node, "tensor", paired=False)
    return item if isinstance(item, Data) else UNKNOWN


@registry.method(Model, "load_weights")
def _load_weights(interp: InterpreterApi, model: Model, name: str, args, kwargs, node) -> Value:
    # Trained weights for every layer of the model, its head included (engine/heads.py head_restored).
    interp.add_event(RestoreEvent(node, (), target=model, method=name))
    return UNKNOWN


@registry.method(Model, "save", "save_weights", "export")
def _save(interp: InterpreterApi, model: Model, name: str, args, kwargs, node) -> Value:
    model.__dict__.setdefault("uses", []).append((name, UNKNOWN, node))
    return UNKNOWN
