"""keras.applications: pretrained backbones, their `preprocess_input`, and what a backbone value
does (its layers, inputs and outputs, being called on images, being trained on its own).

Backbones made by keras_hub and tensorflow_hub (api/keras_hub.py, api/tensorflow_hub.py) are the
same `Backbone` value and behave as described here once made.
"""

from __future__ import annotations

import libcst as cst

from tllint.engine import kb, registry
from tllint.engine.api.support import kw, src
from tllint.engine.pixels import Step, relative
from tllint.engine.registry import InterpreterApi
from tllint.engine.timeline import RestoreEvent
from tllint.engine.values import (
    UNKNOWN,
    TextPattern,
    Backbone,
    BoundMethod,
    Const,
    Data,
    Feed,
    LayerSet,
    Model,
    Ref,
    Seq,
    Tensor,
    TrainableVars,
    Value,
    const_value,
    with_step,
)


@registry.prefix("keras.applications.")
def _application(interp: InterpreterApi, ref: Ref, args, kwargs, node: cst.Call) -> Value:
    last = ref.name.rsplit(".", 1)[-1]
    if last == "preprocess_input":
        return _preprocess(interp, ref, args, kwargs, node)
    entry = kb.lookup_loose(last)
    if entry is not None:
        return make_backbone(interp, ref, entry, args, kwargs, node)
    return UNKNOWN


_WEIGHT_FILES = (".h5", ".hdf5", ".keras", ".ckpt", ".weights.h5")


def weights_kind(weights: Value, pretrained: tuple[str, ...] = ("imagenet",)) -> str:
    """"imagenet" (a pretrained set by name), "file" (a path), "none" or "unknown"."""
    if isinstance(weights, TextPattern) and weights.pattern.lower().endswith(_WEIGHT_FILES):
        return "file"
    if not isinstance(weights, Const):
        return "unknown"
    w = weights.value
    if w is None:
        return "none"
    if isinstance(w, str):
        return "imagenet" if w in pretrained or w.startswith("imagenet") else "file"
    return "unknown"


def make_backbone(interp: InterpreterApi, ref: Ref, entry, args, kwargs, node: cst.Call) -> Value:
    return register_backbone(interp, build_backbone(ref, entry, args, kwargs, node), kwargs, node)


def build_backbone(ref: Ref, entry, args, kwargs, node: cst.Call) -> Backbone:
    """The Backbone value of a constructor call, not yet known to the script (register_backbone)."""
    weights_s = weights_kind(kw(args, kwargs, "weights", 1, Const("imagenet")))
    include_top = const_value(kw(args, kwargs, "include_top", 0, Const(True)))
    pooling_v = kw(args, kwargs, "pooling", None, Const(None))
    pooling = const_value(pooling_v) if isinstance(pooling_v, Const) else "unknown"
    shape_v = kw(args, kwargs, "input_shape", None, Const(None))
    shape = tuple(const_value(i) for i in shape_v.items) if isinstance(shape_v, Seq) else None
    prep_v = kwargs.get("include_preprocessing", Const(True))
    module = ref.name.split(".")[2] if ref.name.count(".") >= 3 else None
    backbone = Backbone(
        "applications", entry.name, node, entry=entry, module=module or entry.module, flavour=ref.flavour,
        weights=weights_s, include_top=include_top if isinstance(include_top, bool) else None,
        pooling=pooling if isinstance(pooling, (str, type(None))) else "unknown", input_shape=shape,
        include_preprocessing=const_value(prep_v) if isinstance(prep_v, Const) else None, kwargs=dict(kwargs),
    )
    return backbone


def register_backbone(interp: InterpreterApi, backbone: Backbone, kwargs, node: cst.Call) -> Backbone:
    """A backbone just built: known to the script, and fed by its `input_tensor=` if it has one."""
    interp.backbones.append(backbone)
    tensor = kwargs.get("input_tensor")
    if isinstance(tensor, Tensor):
        # Inlined backbone: its layers join the graph of `input_tensor`.
        interp.feeds.append(Feed(backbone, tensor.encoding, tensor.origin, node, None, nested=False))
        backbone.kwargs["__input_origin__"] = Const(tensor.origin)
    return backbone


def _preprocess(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    x = args[0] if args else kwargs.get("x", UNKNOWN)
    parts = ref.name.split(".")
    module = parts[2] if len(parts) >= 4 else None
    mode = kb.preprocess_mode(module) if module else "caffe"
    if module == "imagenet_utils":
        m = const_value(kwargs.get("mode", Const("caffe")))
        mode = m if isinstance(m, str) else None
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    if mode is None:
        return with_step(x, Step("opaque", src(interp, node), node))
    what = f"{module}.preprocess_input" if module else "preprocess_input"
    out = with_step(x, Step("preprocess", what, node, mode=mode, module=module))
    _in_place(interp, x, what, mode, module, node)
    return out


# Loaders whose images are NumPy arrays (PIL images become arrays through img_to_array / np.array).
_NUMPY_SOURCES = ("cv2.imread", "cv2.VideoCapture.read", "PIL.Image.open", "imageio.imread", "skimage.io.imread",
                  "load_img")


def _numpy_float(x: Value) -> bool:
    """A float NumPy array of pixels, as far as the script shows: preprocess_input changes it in place."""
    if not isinstance(x, (Tensor, Data)) or (isinstance(x, Tensor) and x.origin is not None):
        return False
    enc = x.encoding
    source = enc.source.what
    numpy = source in _NUMPY_SOURCES or source.endswith(".load_data()")
    return numpy and enc.dtype == "float" and not any(s.what.startswith(("tf.", "tensorflow.")) for s in enc.steps)


def _in_place(interp: InterpreterApi, x: Value, what: str, mode: str, module: str | None, node) -> None:
    """`preprocess_input(x)` on a float NumPy array writes its result into `x` for every mode but the
    pass-through (caffe subtracts the means in place and leaves `x` in RGB order: the range is the
    same); uint8 arrays and tensors are never changed (docs/facts/preprocess_in_place.*.out). The
    variables bound to `x` are rebound; a bare statement on an array of unknown kind or dtype makes
    them unknown, and on a uint8 array leaves a note for the message (its result is thrown away)."""
    if mode == "passthrough" or not isinstance(node, cst.Call) or not node.args:
        return
    arg = node.args[0].value
    if not isinstance(arg, cst.Name) or (isinstance(x, Tensor) and x.origin is not None):
        return
    stmt = getattr(interp, "stmt", None)
    bare = isinstance(stmt, cst.Expr) and stmt.value is node
    if _numpy_float(x):
        new = with_step(x, Step("preprocess", src(interp, node), node, mode=mode, module=module, in_place=True))
    elif not bare:
        return
    elif x.encoding.dtype == "uint8":
        new = with_step(x, Step("note", what, node, mode="discarded"))
    else:
        new = with_step(x, Step("opaque", f"{src(interp, node)} (in place?)", node))
    if interp.env.get(arg.value) is x:
        interp.env[arg.value] = new
    # The caller's variable when `x` is a parameter (`def prep(X): preprocess_input(X)`): the same
    # array. Other names of the current frame may hold copies (`X.copy()` is the same value here).
    for frame in (getattr(interp, "frames", None) or [])[:-1]:
        for name, value in list(frame.env.items()):
            if value is x:
                frame.env[name] = new


# ---------------------------------------------------------------------- the backbone value
@registry.hook("attribute", Backbone)
def _attribute(interp: InterpreterApi, obj: Backbone, attr: str, node) -> Value:
    if attr == "layers":
        return LayerSet(obj, ("all",), (), node)
    if attr == "input" or attr == "inputs":
        return _backbone_input(interp, obj)
    if attr == "output" or attr == "outputs":
        inp = _backbone_input(interp, obj)
        return Tensor(inp.encoding, inp.origin, rank=_feature_rank(obj), backbone=obj)
    if attr in ("trainable_weights", "trainable_variables"):
        return TrainableVars(obj)
    return BoundMethod(obj, attr)


def _backbone_input(interp: InterpreterApi, backbone: Backbone) -> Tensor:
    origin = backbone.kwargs.get("__input_origin__")
    if isinstance(origin, Const):
        return Tensor(relative(), origin.value, rank=4)
    oid = interp.new_input_id()
    backbone.kwargs["__input_origin__"] = Const(oid)
    interp.feeds.append(Feed(backbone, relative(), oid, backbone.node, None, nested=False))
    return Tensor(relative(), oid, rank=4)


def _feature_rank(backbone: Backbone) -> int | None:
    if backbone.kind == "hub":
        return 2
    if backbone.include_top:
        return 2
    if backbone.pooling in ("avg", "max"):
        return 2
    if backbone.pooling is None:
        return 4
    return None


@registry.hook("call", Backbone)
def apply_backbone(interp: InterpreterApi, backbone: Backbone, args, kwargs, node) -> Value:
    x = args[0] if args else kwargs.get("inputs", UNKNOWN)
    if not isinstance(x, Tensor):
        if isinstance(x, Data):
            # `base(images)` / `base.predict(images)` on a batch of data: a feed outside a model.
            interp.feeds.append(Feed(backbone, x.encoding, None, node, kwargs.get("training"), nested=True))
        return UNKNOWN
    interp.feeds.append(Feed(backbone, x.encoding, x.origin, node, kwargs.get("training"), nested=True))
    out = Tensor(x.encoding, x.origin, rank=_feature_rank(backbone), backbone=backbone)
    interp.applications.append((backbone, x, out))
    return out


@registry.method(Backbone, "get_layer")
def _get_layer(interp: InterpreterApi, obj: Backbone, name: str, args, kwargs, node) -> Value:
    layer_name = const_value(kw(args, kwargs, "name", 0, UNKNOWN))
    index = const_value(kwargs.get("index", Const(None)))
    if isinstance(layer_name, str):
        return LayerSet(obj, ("name", layer_name), (), node)
    if isinstance(index, int):
        return LayerSet(obj, ("index", index), (), node)
    return UNKNOWN


@registry.method(Backbone, "predict", "__call__", "predict_generator")
def _predict(interp: InterpreterApi, obj: Backbone, name: str, args, kwargs, node) -> Value:
    if name == "predict_generator":  # Keras 2 (removed in Keras 3): its data is `generator=`
        interp.flavours.add("keras2-api")
        if not args and "generator" in kwargs:
            args, kwargs = [kwargs["generator"]], {k: v for k, v in kwargs.items() if k != "generator"}
    return apply_backbone(interp, obj, args, kwargs, node)


@registry.method(Backbone, "load_weights")
def _load_weights(interp: InterpreterApi, obj: Backbone, name: str, args, kwargs, node) -> Value:
    # `ResNet50(weights=None, ...)` then `base.load_weights("resnet50_notop.h5")`: pretrained weights
    # from a file, with the family's input contract, like `weights="path.h5"`.
    if obj.kind == "applications" and obj.weights == "none":
        obj.weights = "file"
    interp.add_event(RestoreEvent(node, (), target=obj, method=name))
    return UNKNOWN


@registry.method(Backbone, "compile", "fit", "train_on_batch")
def _train_alone(interp: InterpreterApi, obj: Backbone, name: str, args, kwargs, node) -> Value:
    # A backbone trained directly (no head): treat as a model of its own (one per backbone,
    # so its compile and its fit meet on the timeline).
    model = obj.__dict__.get("_as_model")
    if model is None:
        model = Model("functional", node, backbones=[obj])
        model.var = obj.var
        obj.__dict__["_as_model"] = model
    return interp.call_method(model, name, args, kwargs, node)
