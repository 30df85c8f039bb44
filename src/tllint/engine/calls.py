"""What known calls, attributes and operators do to abstract values.

Keyed by canonical names from the import table, so every spelling of a Keras API reaches the
same handler. Unknown callees return UNKNOWN and never invent facts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import libcst as cst

from tllint.engine import heads, kb
from tllint.engine.imports import canonicalize, dotted_name, snippet
from tllint.engine.pixels import Encoding, Source, Step, relative
from tllint.engine.timeline import CompileEvent, LearningRateEvent, TrainableEvent, TrainEvent
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
    Generator,
    History,
    Instance,
    Labels,
    LayerElem,
    LayerSet,
    LayerV,
    LocalModule,
    Model,
    Optimizer,
    Ref,
    Seq,
    Tensor,
    Value,
    const_value,
    is_number,
)

if TYPE_CHECKING:  # pragma: no cover
    from tllint.engine.interpreter import Interpreter

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
POOLING_LAYERS = {"GlobalAveragePooling2D", "GlobalMaxPooling2D", "GlobalAvgPool2D", "GlobalMaxPool2D", "Flatten"}
RANGE_NEUTRAL_TF = {
    "tensorflow.cast", "tensorflow.image.resize", "tensorflow.image.resize_with_pad", "tensorflow.image.random_flip_left_right",
    "tensorflow.image.random_flip_up_down", "tensorflow.image.flip_left_right", "tensorflow.image.central_crop",
    "tensorflow.image.random_crop", "tensorflow.image.resize_with_crop_or_pad", "tensorflow.reshape",
    "tensorflow.expand_dims", "tensorflow.squeeze", "tensorflow.identity", "tensorflow.image.rot90",
    "tensorflow.image.crop_to_bounding_box", "tensorflow.ensure_shape", "numpy.array", "numpy.asarray",
    "numpy.float32", "numpy.expand_dims", "numpy.stack", "numpy.concatenate", "numpy.squeeze",
    "tensorflow.convert_to_tensor", "tensorflow.constant", "numpy.vstack", "cv2.resize", "numpy.copy",
    "keras.ops.cast", "keras.ops.convert_to_tensor", "keras.ops.expand_dims", "keras.utils.img_to_array",
    "keras.preprocessing.image.img_to_array", "tensorflow.image.random_brightness",
}
RAW_LOADERS = {
    "tensorflow.io.decode_jpeg": "tf.io.decode_jpeg", "tensorflow.io.decode_png": "tf.io.decode_png",
    "tensorflow.io.decode_image": "tf.io.decode_image", "tensorflow.image.decode_jpeg": "tf.image.decode_jpeg",
    "tensorflow.image.decode_png": "tf.image.decode_png", "tensorflow.image.decode_image": "tf.image.decode_image",
    "tensorflow.io.decode_bmp": "tf.io.decode_bmp", "cv2.imread": "cv2.imread",
    "keras.utils.load_img": "load_img", "keras.preprocessing.image.load_img": "load_img",
    "PIL.Image.open": "PIL.Image.open", "imageio.imread": "imageio.imread", "skimage.io.imread": "skimage.io.imread",
}
DATASET_PASSTHROUGH = {
    "batch", "prefetch", "cache", "shuffle", "repeat", "take", "skip", "unbatch", "with_options", "filter",
    "padded_batch", "rebatch", "apply", "concatenate", "astype", "reshape", "copy", "squeeze", "ignore_errors",
    "shard", "interleave", "as_numpy_iterator",
}
MODEL_CLASSES = {"keras.Model", "keras.models.Model", "keras.Sequential", "keras.models.Sequential"}
DEFAULT_LR = {"Adam": 1e-3, "RMSprop": 1e-3, "SGD": 1e-2, "Adagrad": 1e-3, "Adadelta": 1e-3, "Adamax": 1e-3,
              "Nadam": 1e-3, "AdamW": 1e-3, "Ftrl": 1e-3, "Lion": 1e-3, "Lamb": 1e-3, "Adafactor": 1e-3}
OPTIMIZER_STRINGS = {"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD", "adagrad": "Adagrad", "adadelta": "Adadelta",
                     "adamax": "Adamax", "nadam": "Nadam", "adamw": "AdamW", "ftrl": "Ftrl", "lion": "Lion"}


# ---------------------------------------------------------------------- names and imports
def import_value(interp: "Interpreter", dotted: str) -> Value:
    if dotted.startswith("."):
        return _local_import(interp, dotted)
    head = dotted.split(".")[0]
    if interp.project is not None and head not in ("tensorflow", "keras", "tf_keras", "numpy", "tensorflow_hub", "keras_hub"):
        local = _local_import(interp, dotted)
        if local is not UNKNOWN:
            return local
    canon = canonicalize(dotted)
    return Ref(canon.name, canon.flavour)


def _local_import(interp: "Interpreter", dotted: str) -> Value:
    project = interp.project
    if project is None:
        return UNKNOWN
    return project.resolve_import(interp, dotted)


def bind_import(interp: "Interpreter", node: cst.CSTNode) -> None:
    """Imports inside functions bind in the local frame; module ones are in the import table."""
    if len(interp.frames) <= 1:
        return
    if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        for alias in node.names:
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else dotted_name(alias.name)
            if local:
                dotted = interp.imports.resolve(local)
                if dotted:
                    interp.env[local] = import_value(interp, dotted)


def get_attribute(interp: "Interpreter", obj: Value, attr: str, node: cst.CSTNode) -> Value:
    if isinstance(obj, Ref):
        canon = canonicalize(obj.name + "." + attr)
        return Ref(canon.name, canon.flavour or obj.flavour)
    if isinstance(obj, LocalModule):
        if interp.project is not None:
            return interp.project.module_attribute(interp, obj, attr)
        return UNKNOWN
    if isinstance(obj, Backbone):
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
    if isinstance(obj, Model):
        if attr == "layers":
            return LayerSet(obj, ("all",), (), node)
        if attr in ("trainable_weights", "trainable_variables"):
            return TrainableVars(obj)
        if attr == "optimizer":
            return ModelOptimizer(obj)
        if attr == "input" or attr == "inputs":
            return UNKNOWN
        return BoundMethod(obj, attr)
    if isinstance(obj, ModelOptimizer):
        if attr in ("learning_rate", "lr"):
            return LearningRateRef(obj.model, None)
        return BoundMethod(obj, attr)
    if isinstance(obj, Optimizer):
        if attr in ("learning_rate", "lr"):
            return LearningRateRef(None, obj)
        return BoundMethod(obj, attr)
    if isinstance(obj, LearningRateRef):
        return BoundMethod(obj, attr)
    if isinstance(obj, Instance):
        if attr in obj.attrs:
            return obj.attrs[attr]
        method = _find_method(obj.cls, attr)
        if method is not None:
            return Func(method.node, method.name, env=method.env, bound_self=obj, module=method.module)
        model = obj.attrs.get("__model__")
        if isinstance(model, Model):
            return get_attribute(interp, model, attr, node)
        return UNKNOWN
    if isinstance(obj, LayerElem):
        if attr == "name":
            return LayerName(obj)
        return UNKNOWN
    if isinstance(obj, (Data, Generator, LayerV, Tensor, Seq, Labels, History, LayerSet)):
        if isinstance(obj, Tensor) and attr == "shape":
            return UNKNOWN
        return BoundMethod(obj, attr)
    return UNKNOWN


def _find_method(cls: ClassV, name: str) -> Func | None:
    if name in cls.methods:
        return cls.methods[name]
    for base in cls.bases:
        if isinstance(base, ClassV):
            found = _find_method(base, name)
            if found is not None:
                return found
    return None


class TrainableVars(Value):
    def __init__(self, owner: Value) -> None:
        self.owner = owner


class ModelOptimizer(Value):
    def __init__(self, model: Model) -> None:
        self.model = model


class LearningRateRef(Value):
    def __init__(self, model: Model | None, optimizer: Optimizer | None) -> None:
        self.model = model
        self.optimizer = optimizer


class LayerName(Value):
    def __init__(self, elem: LayerElem) -> None:
        self.elem = elem


class Tape(Value):
    pass


def context_value(interp: "Interpreter", value: Value) -> Value:
    if isinstance(value, Ref) and value.name.endswith("GradientTape"):
        return Tape()
    return value


# ---------------------------------------------------------------------- attributes set
def set_attribute(interp: "Interpreter", obj: Value, attr: str, value: Value, target: cst.CSTNode, value_node) -> None:
    if attr == "trainable":
        _trainable_assignment(interp, obj, value, target, value_node)
        return
    if isinstance(obj, Instance):
        obj.attrs[attr] = value
        return
    if isinstance(obj, (ModelOptimizer, Optimizer)) and attr in ("learning_rate", "lr"):
        lr = const_value(value)
        interp.add_event(LearningRateEvent(target, (), model=getattr(obj, "model", None),
                                           optimizer=obj if isinstance(obj, Optimizer) else None,
                                           lr=lr if isinstance(lr, (int, float)) else None))


def _trainable_assignment(interp: "Interpreter", obj: Value, value: Value, target, value_node) -> None:
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
            from tllint.engine.layersets import index_split

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


def _isinstance_value(interp: "Interpreter", node, elem: LayerElem):
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


def narrowing(interp: "Interpreter", test: cst.BaseExpression):
    """`if isinstance(layer, BatchNormalization):` inside a layer loop narrows the layer set."""
    from tllint.engine.layersets import index_narrowing

    by_index = index_narrowing(interp, test)
    if by_index is not None:
        return by_index
    negated = False
    node = test
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        negated = True
        node = node.expression
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "isinstance" and len(node.args) == 2:
        arg = node.args[0].value
        if isinstance(arg, cst.Name):
            elem = interp.lookup(arg.value)
            if isinstance(elem, LayerElem):
                cls = interp.eval(node.args[1].value)
                names: list[str] = []
                if isinstance(cls, Ref):
                    names = [cls.name.rsplit(".", 1)[-1]]
                elif isinstance(cls, Seq) and all(isinstance(c, Ref) for c in cls.items):
                    names = [c.name.rsplit(".", 1)[-1] for c in cls.items]
                if len(names) == 1:
                    name = names[0]
                    then_v = LayerElem(elem.of.with_filter(("isinstance", name, negated)))
                    else_v = LayerElem(elem.of.with_filter(("isinstance", name, not negated)))
                    return arg.value, then_v, else_v
    if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
        op = node.comparisons[0].operator
        left = node.left
        right = node.comparisons[0].comparator
        if isinstance(op, (cst.In, cst.NotIn)):
            text = interp.eval(left)
            holder = interp.eval(right)
            if isinstance(text, Const) and isinstance(text.value, str) and isinstance(holder, LayerName):
                neg = negated ^ isinstance(op, cst.NotIn)
                name = _loop_var_name(interp, holder.elem)
                if name:
                    then_v = LayerElem(holder.elem.of.with_filter(("name_contains", text.value, neg)))
                    else_v = LayerElem(holder.elem.of.with_filter(("name_contains", text.value, not neg)))
                    return name, then_v, else_v
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in ("startswith", "endswith"):
        holder = interp.eval(node.func.value)
        if isinstance(holder, LayerName) and node.args:
            text = interp.eval(node.args[0].value)
            if isinstance(text, Const) and isinstance(text.value, str):
                name = _loop_var_name(interp, holder.elem)
                kind = "name_" + node.func.attr.value
                if name:
                    then_v = LayerElem(holder.elem.of.with_filter((kind, text.value, negated)))
                    else_v = LayerElem(holder.elem.of.with_filter((kind, text.value, not negated)))
                    return name, then_v, else_v
    return None


def _loop_var_name(interp: "Interpreter", elem: LayerElem) -> str | None:
    for name, value in interp.env.items():
        if value is elem:
            return name
    return None


def iteration_element(interp: "Interpreter", iterable: Value) -> Value | None:
    if isinstance(iterable, LayerSet):
        return LayerElem(iterable)
    if isinstance(iterable, EnumerateOf) and isinstance(iterable.inner, LayerSet):
        from tllint.engine.layersets import LayerIndex

        return Seq([LayerIndex(iterable.inner), LayerElem(iterable.inner)], "tuple")
    return None


class EnumerateOf(Value):
    def __init__(self, inner: Value) -> None:
        self.inner = inner


# ---------------------------------------------------------------------- operators
def binary(interp: "Interpreter", op: str, left: Value, right: Value, node: cst.CSTNode) -> Value:
    if isinstance(left, Const) and isinstance(right, Const):
        return _fold(op, left.value, right.value)
    text = _src(interp, node)
    if isinstance(left, (Tensor, Data)) and is_number(right):
        c = float(right.value)
        step = _affine_step(op, c, text, node, tensor_left=True)
        if step is not None:
            return _with_step(left, step)
        return _with_step(left, Step("opaque", text, node))
    if isinstance(right, (Tensor, Data)) and is_number(left):
        c = float(left.value)
        step = _affine_step(op, c, text, node, tensor_left=False)
        if step is not None:
            return _with_step(right, step)
        return _with_step(right, Step("opaque", text, node))
    if isinstance(left, (Tensor, Data)):
        return _with_step(left, Step("opaque", text, node))
    if isinstance(right, (Tensor, Data)):
        return _with_step(right, Step("opaque", text, node))
    return UNKNOWN


def _fold(op: str, a: Any, b: Any) -> Value:
    try:
        if op == "Add":
            return Const(a + b)
        if op == "Subtract":
            return Const(a - b)
        if op == "Multiply":
            if isinstance(a, str) or isinstance(b, str):
                return UNKNOWN
            return Const(a * b)
        if op == "Divide":
            return Const(a / b)
        if op == "FloorDivide":
            return Const(a // b)
        if op == "Power":
            if abs(b) > 64:
                return UNKNOWN
            return Const(a ** b)
        if op == "Modulo" and not isinstance(a, str):
            return Const(a % b)
    except Exception:  # noqa: BLE001
        return UNKNOWN
    return UNKNOWN


def _affine_step(op: str, c: float, text: str, node, tensor_left: bool) -> Step | None:
    if op == "Divide" and tensor_left and c != 0:
        return Step("affine", text, node, scale=1.0 / c)
    if op == "FloorDivide" and tensor_left and c != 0:
        return Step("affine", text, node, scale=1.0 / c)
    if op == "Multiply":
        return Step("affine", text, node, scale=c)
    if op == "Add":
        return Step("affine", text, node, offset=c)
    if op == "Subtract":
        if tensor_left:
            return Step("affine", text, node, offset=-c)
        return Step("affine", text, node, scale=-1.0, offset=c)
    return None


def _with_step(value: Value, step: Step) -> Value:
    if isinstance(value, Tensor):
        return Tensor(value.encoding.then(step), value.origin, value.rank, value.backbone, value.layers, shape=value.shape)
    if isinstance(value, Data):
        return Data(value.encoding.then(step), value.labels, value.node, value.what, value.batched, value.paired)
    return value


def _src(interp: "Interpreter", node: cst.CSTNode) -> str:
    return snippet(interp.module, node)


def compare(interp: "Interpreter", node: cst.Comparison) -> Value:
    if len(node.comparisons) != 1:
        return UNKNOWN
    left = interp.eval(node.left)
    right = interp.eval(node.comparisons[0].comparator)
    if isinstance(left, Const) and isinstance(right, Const):
        op = node.comparisons[0].operator
        try:
            if isinstance(op, cst.Equal):
                return Const(left.value == right.value)
            if isinstance(op, cst.NotEqual):
                return Const(left.value != right.value)
        except Exception:  # noqa: BLE001
            return UNKNOWN
    return UNKNOWN


def comprehension(interp: "Interpreter", node) -> Value:
    # `[l for l in base.layers if isinstance(l, BatchNormalization)]` is a layer set; others unknown.
    if len(node.for_in.__class__.__mro__) and node.for_in.inner_for_in is None:
        iterable = interp.eval(node.for_in.iter)
        if isinstance(iterable, LayerSet) and isinstance(node.for_in.target, cst.Name):
            return iterable
    return UNKNOWN


def subscript(interp: "Interpreter", obj: Value, node: cst.Subscript) -> Value:
    if len(node.slice) != 1:
        return UNKNOWN
    element = node.slice[0].slice
    if isinstance(element, cst.Slice):
        lower = interp.eval(element.lower) if element.lower is not None else Const(None)
        upper = interp.eval(element.upper) if element.upper is not None else Const(None)
        lo, hi = const_value(lower), const_value(upper)
        if isinstance(obj, LayerSet) and obj.selector == ("all",):
            if (lo is None or isinstance(lo, int)) and (hi is None or isinstance(hi, int)) and not (
                element.lower is not None and not isinstance(lower, Const) or element.upper is not None and not isinstance(upper, Const)
            ):
                return LayerSet(obj.owner, ("slice", lo, hi), obj.filters, node)
            return LayerSet(obj.owner, ("slice", "?", "?"), obj.filters, node)
        if isinstance(obj, Seq):
            try:
                return Seq(obj.items[slice(lo, hi)], obj.kind)
            except TypeError:
                return UNKNOWN
        return UNKNOWN
    index = interp.eval(element.value)
    i = const_value(index)
    if isinstance(obj, LayerSet) and obj.selector == ("all",) and isinstance(i, int) and not isinstance(i, bool):
        if isinstance(obj.owner, Model) and obj.owner.layers and not (obj.owner.kind == "functional" and i >= 0):
            # (a functional model's layers[0] is its InputLayer: positive indices stay a LayerSet)
            try:
                return obj.owner.layers[i]
            except IndexError:
                pass
        return LayerSet(obj.owner, ("index", i), obj.filters, node)
    if isinstance(obj, Seq) and isinstance(i, int):
        try:
            return obj.items[i]
        except IndexError:
            return UNKNOWN
    if isinstance(obj, DictV) and i in obj.items:
        return obj.items[i]
    return UNKNOWN


def unpack(interp: "Interpreter", value: Value, n: int) -> list[Value]:
    if isinstance(value, Seq) and len(value.items) == n:
        return value.items
    if isinstance(value, Data) and n == 2 and value.what.startswith("image_dataset_from_directory"):
        return [value, value]
    return [UNKNOWN] * n


# ---------------------------------------------------------------------- calls
def call(interp: "Interpreter", func: Value, args: list[Value], kwargs: dict[str, Value], node: cst.Call) -> Value:
    if isinstance(func, BuiltinRef):
        return func.fn(interp, None, args, kwargs, node)
    if isinstance(func, Func):
        return interp.call_function(func, args, kwargs, node)
    if isinstance(func, Ref):
        return call_ref(interp, func, args, kwargs, node)
    if isinstance(func, BoundMethod):
        return call_method(interp, func.obj, func.name, args, kwargs, node)
    if isinstance(func, Backbone):
        return apply_backbone(interp, func, args, kwargs, node)
    if isinstance(func, LayerV):
        return apply_layer(interp, func, args[0] if args else kwargs.get("inputs", UNKNOWN), node)
    if isinstance(func, Model):
        return apply_model(interp, func, args[0] if args else UNKNOWN, kwargs, node)
    if isinstance(func, ClassV):
        return instantiate(interp, func, args, kwargs, node)
    if isinstance(func, Instance):
        model = func.attrs.get("__model__")
        if isinstance(model, Model):
            return apply_model(interp, model, args[0] if args else UNKNOWN, kwargs, node)
        call_method_ = _find_method(func.cls, "__call__")
        if call_method_ is not None:
            return interp.call_function(Func(call_method_.node, "__call__", bound_self=func, module=call_method_.module), args, kwargs, node)
    return UNKNOWN


def call_ref(interp: "Interpreter", ref: Ref, args, kwargs, node: cst.Call) -> Value:
    name = ref.name
    handler = _HANDLERS.get(name)
    if handler is not None:
        return heads.after_call(name, handler(interp, ref, args, kwargs, node))
    last = name.rsplit(".", 1)[-1]
    if name.startswith("keras.applications."):
        if last == "preprocess_input":
            return _preprocess(interp, ref, args, kwargs, node)
        entry = kb.lookup_loose(last)
        if entry is not None:
            return make_backbone(interp, ref, entry, args, kwargs, node)
        return UNKNOWN
    if name.startswith("keras.layers."):
        return make_layer(interp, name, args, kwargs, node)
    if name.startswith("keras.losses."):
        return heads.make_loss(name, args, kwargs, node)
    if name.startswith("keras.optimizers.") and not name.startswith("keras.optimizers.schedules."):
        return make_optimizer(interp, last, args, kwargs, node)
    if name.startswith("keras.optimizers.schedules."):
        initial = kwargs.get("initial_learning_rate", args[0] if args else UNKNOWN)
        return Schedule(const_value(initial) if is_number(initial) else None)
    if name in RANGE_NEUTRAL_TF:
        return heads.after_tf_op(name, args[0] if args and isinstance(args[0], (Tensor, Data)) else (args[0] if args and isinstance(args[0], Data) else UNKNOWN))
    if name in RAW_LOADERS:
        return Tensor(Encoding(Source("raw", RAW_LOADERS[name], node)), None, rank=3)
    if (name.startswith("keras_hub.") or name.startswith("keras_nlp.") or name.startswith("keras_cv.")) and last == "from_preset":
        return make_keras_hub(interp, ref, args, kwargs, node)
    if name.startswith("keras.datasets.") and last == "load_data":
        x = Data(Encoding(Source("raw", name.split(".")[2] + ".load_data()", node)), Labels("int", node), node, "keras.datasets", batched=False, paired=False)
        return Seq([Seq([x, Labels("int", node)], "tuple"), Seq([x, Labels("int", node)], "tuple")], "tuple")
    return UNKNOWN


class Schedule(Value):
    def __init__(self, initial: float | None) -> None:
        self.initial = initial


def _kw(args: list[Value], kwargs: dict[str, Value], name: str, pos: int | None, default: Value = UNKNOWN) -> Value:
    if name in kwargs:
        return kwargs[name]
    if pos is not None and pos < len(args):
        return args[pos]
    return default


def make_backbone(interp: "Interpreter", ref: Ref, entry, args, kwargs, node: cst.Call) -> Value:
    weights = _kw(args, kwargs, "weights", 1, Const("imagenet"))
    w = const_value(weights)
    if isinstance(weights, Const):
        if w is None:
            weights_s = "none"
        elif w == "imagenet" or (isinstance(w, str) and w.startswith("imagenet")):
            weights_s = "imagenet"
        elif isinstance(w, str):
            weights_s = "file"
        else:
            weights_s = "unknown"
    else:
        weights_s = "unknown"
    include_top = const_value(_kw(args, kwargs, "include_top", 0, Const(True)))
    pooling_v = _kw(args, kwargs, "pooling", None, Const(None))
    pooling = const_value(pooling_v) if isinstance(pooling_v, Const) else "unknown"
    shape_v = _kw(args, kwargs, "input_shape", None, Const(None))
    shape = tuple(const_value(i) for i in shape_v.items) if isinstance(shape_v, Seq) else None
    prep_v = kwargs.get("include_preprocessing", Const(True))
    module = ref.name.split(".")[2] if ref.name.count(".") >= 3 else None
    backbone = Backbone(
        "applications", entry.name, node, entry=entry, module=module or entry.module, flavour=ref.flavour,
        weights=weights_s, include_top=include_top if isinstance(include_top, bool) else None,
        pooling=pooling if isinstance(pooling, (str, type(None))) else "unknown", input_shape=shape,
        include_preprocessing=const_value(prep_v) if isinstance(prep_v, Const) else None, kwargs=dict(kwargs),
    )
    interp.backbones.append(backbone)
    tensor = kwargs.get("input_tensor")
    if isinstance(tensor, Tensor):
        # Inlined backbone: its layers join the graph of `input_tensor`.
        interp.feeds.append(Feed(backbone, tensor.encoding, tensor.origin, node, None, nested=False))
        backbone.kwargs["__input_origin__"] = Const(tensor.origin)
    return backbone


def make_keras_hub(interp: "Interpreter", ref: Ref, args, kwargs, node) -> Value:
    cls = ref.name.rsplit(".", 2)[-2]
    preset = const_value(args[0]) if args else const_value(kwargs.get("preset", UNKNOWN))
    kind = "keras_hub_task" if cls.endswith(("Classifier", "Detector", "Segmenter", "Task")) else "keras_hub_backbone"
    if not cls.endswith(("Backbone", "Classifier", "Detector", "Segmenter")):
        return UNKNOWN
    backbone = Backbone(kind, cls, node, weights="imagenet", include_top=None, flavour="keras_hub", pooling=None)
    backbone.kwargs = dict(kwargs)
    backbone.kwargs["__preset__"] = Const(preset)
    interp.backbones.append(backbone)
    if kind == "keras_hub_task":
        model = Model("keras_hub_task", node, backbones=[backbone])
        interp.models.append(model)
        return model
    return backbone


def _backbone_input(interp: "Interpreter", backbone: Backbone) -> Tensor:
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


def apply_backbone(interp: "Interpreter", backbone: Backbone, args, kwargs, node) -> Value:
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


def make_layer(interp: "Interpreter", name: str, args, kwargs, node) -> Value:
    short = name.rsplit(".", 1)[-1]
    if short == "Input" or short == "InputLayer":
        return make_input(interp, args, kwargs, node)
    layer = LayerV(name, node, list(args), dict(kwargs))
    if short == "Lambda":
        layer.fn = args[0] if args else kwargs.get("function", UNKNOWN)
    interp.layers.append(layer)
    return layer


def make_input(interp: "Interpreter", args, kwargs, node) -> Value:
    shape = _kw(args, kwargs, "shape", 0, UNKNOWN)
    if not isinstance(shape, Seq):
        shape = kwargs.get("input_shape", shape)  # InputLayer(input_shape=...)
    rank = len(shape.items) + 1 if isinstance(shape, Seq) else None
    static = tuple(i.value if isinstance(i, Const) and (i.value is None or is_number(i)) else None for i in shape.items) if isinstance(shape, Seq) else None
    return Tensor(relative(), interp.new_input_id(), rank=rank, shape=static)


def apply_layer(interp: "Interpreter", layer: LayerV, x: Value, node) -> Value:
    short = layer.short
    if isinstance(x, Seq):
        # Concatenate/Add over several tensors: keep the first tensor's origin, opaque encoding.
        tensors = [t for t in x.items if isinstance(t, Tensor)]
        if not tensors:
            return UNKNOWN
        x = tensors[0]
    if not isinstance(x, (Tensor, Data)):
        return UNKNOWN
    if short == "Rescaling":
        scale = _kw(layer.args, layer.kwargs, "scale", 0, UNKNOWN)
        offset = _kw(layer.args, layer.kwargs, "offset", 1, Const(0.0))
        if is_number(scale) and is_number(offset):
            step = Step("affine", _src(interp, layer.node), layer.node, scale=float(scale.value), offset=float(offset.value))
        else:
            step = Step("opaque", _src(interp, layer.node), layer.node)
        return _with_step(x, step)
    if short == "Normalization":
        return _with_step(x, Step("normalize", _src(interp, layer.node), layer.node))
    if short == "Lambda":
        result = apply_function(interp, layer.fn, [x], node)
        if isinstance(result, (Tensor, Data)):
            return result
        return heads.unknown_shape(_with_step(x, Step("opaque", _src(interp, layer.node), layer.node)))
    if short in RANGE_NEUTRAL_LAYERS:
        if isinstance(x, Tensor) and short in heads.SHAPE_CHANGING:
            return heads.reshaped(layer, x)
        return x
    if isinstance(x, Data):
        return UNKNOWN
    rank = x.rank
    if short in POOLING_LAYERS:
        rank = 2
    elif short in ("Activation", "Softmax", "Dropout", "BatchNormalization", "LayerNormalization", "Dense", "ReLU", "LeakyReLU", "GaussianNoise", "SpatialDropout2D", "ActivityRegularization"):
        rank = x.rank
    elif short.startswith(("Conv", "SeparableConv", "DepthwiseConv", "MaxPool", "AveragePooling", "MaxPooling", "AvgPool", "UpSampling")):
        rank = x.rank
    else:
        rank = None
    out = Tensor(x.encoding, x.origin, rank, x.backbone, x.layers + (layer,))
    interp.applications.append((layer, x, out))
    return out


def apply_function(interp: "Interpreter", fn: Value, args: list[Value], node) -> Value:
    if isinstance(fn, Func):
        return interp.call_function(fn, args, {}, node)
    if isinstance(fn, Ref):
        return call_ref(interp, fn, args, {}, node)
    if isinstance(fn, (LayerV, Model, Backbone, BoundMethod)):
        return call(interp, fn, args, {}, node)
    return UNKNOWN


def _preprocess(interp: "Interpreter", ref: Ref, args, kwargs, node) -> Value:
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
        return _with_step(x, Step("opaque", _src(interp, node), node))
    return _with_step(x, Step("preprocess", f"{module}.preprocess_input" if module else "preprocess_input", node, mode=mode, module=module))


def make_optimizer(interp: "Interpreter", cls: str, args, kwargs, node) -> Value:
    if cls in ("Optimizer", "get", "deserialize", "serialize"):
        return UNKNOWN
    lr_v = kwargs.get("learning_rate", kwargs.get("lr", args[0] if args else None))
    lr: float | None
    default = False
    if lr_v is None:
        lr = DEFAULT_LR.get(cls)
        default = True
    elif is_number(lr_v):
        lr = float(lr_v.value)
    elif isinstance(lr_v, Schedule):
        lr = lr_v.initial
    else:
        lr = None
    lr_node = None
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value in ("learning_rate", "lr"):
            lr_node = arg
    if lr_node is None and node.args and node.args[0].keyword is None:
        lr_node = node.args[0]
    return Optimizer(cls, node, lr, lr_node, default)


def make_data_from_directory(interp: "Interpreter", ref: Ref, args, kwargs, node) -> Value:
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


def make_generator(interp: "Interpreter", ref: Ref, args, kwargs, node) -> Value:
    gen = Generator(node)
    gen.rescale = kwargs.get("rescale")
    gen.preprocessing_function = kwargs.get("preprocessing_function")
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == "rescale":
            gen.rescale_node = arg
        if arg.keyword is not None and arg.keyword.value == "preprocessing_function":
            gen.pf_node = arg
    for key in ("samplewise_center", "samplewise_std_normalization", "featurewise_center", "featurewise_std_normalization"):
        if const_value(kwargs.get(key, Const(False))) is True:
            gen.normalizes = True
    # A positional first argument is featurewise_center, not rescale.
    if args and const_value(args[0]) is True:
        gen.normalizes = True
    return gen


def _generator_flow(interp: "Interpreter", gen: Generator, method: str, args, kwargs, node) -> Value:
    if method == "flow":
        x = args[0] if args else kwargs.get("x", UNKNOWN)
        if isinstance(x, Data):
            enc = x.encoding
        elif isinstance(x, Tensor):
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
        data = result if isinstance(result, Data) else _with_step(data, Step("opaque", "preprocessing_function", gen.pf_node))
    if gen.rescale is not None:
        r = gen.rescale
        if is_number(r):
            data = _with_step(data, Step("affine", f"rescale={_src(interp, gen.rescale_node.value) if gen.rescale_node else r.value}", gen.rescale_node or gen.node, scale=float(r.value)))
        elif not (isinstance(r, Const) and r.value is None):
            data = _with_step(data, Step("opaque", "rescale", gen.rescale_node))
    if gen.normalizes:
        data = _with_step(data, Step("normalize", "featurewise/samplewise normalisation", gen.node))
    data.node = node
    data.__dict__["generator"] = gen
    interp.datas.append(data)
    return data


def make_model(interp: "Interpreter", ref: Ref, args, kwargs, node) -> Value:
    short = ref.name.rsplit(".", 1)[-1]
    if short == "Sequential":
        model = Model("sequential", node)
        interp.models.append(model)
        layers = _kw(args, kwargs, "layers", 0, Seq([], "list"))
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
    inputs = _kw(args, kwargs, "inputs", 0, UNKNOWN)
    outputs = _kw(args, kwargs, "outputs", 1, UNKNOWN)
    model = Model("functional", node)
    interp.models.append(model)
    in_tensors = _tensors(inputs)
    out_tensors = _tensors(outputs)
    if not in_tensors or not out_tensors:
        model.__dict__["unknown_graph"] = True
        return model
    model.input_ids = tuple(t.origin for t in in_tensors if t.origin is not None)
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


def _attach_graph(interp: "Interpreter", model: Model) -> None:
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


def sequential_add(interp: "Interpreter", model: Model, layer: Value, node) -> None:
    tensor = model.__dict__.get("_tensor")
    if isinstance(layer, Tensor):
        # `Sequential([Input(...), ...])`
        model.__dict__["_tensor"] = Tensor(relative(), tensor.origin if tensor else interp.new_input_id(), rank=layer.rank, shape=layer.shape)
        return
    model.layers.append(layer)
    if tensor is None:
        return
    if isinstance(layer, Backbone):
        out = apply_backbone(interp, layer, [tensor], {}, node)
        if layer not in model.backbones:
            model.backbones.append(layer)
        model.feeds = [f for f in interp.feeds if f.origin in model.input_ids]
    elif isinstance(layer, LayerV):
        out = apply_layer(interp, layer, tensor, node)
    elif isinstance(layer, Model):
        out = apply_model(interp, layer, tensor, {}, node)
        if layer not in model.submodels:
            model.submodels.append(layer)
        model.feeds = [f for f in interp.feeds if f.origin in model.input_ids]
        for b in layer.backbones:
            if b not in model.backbones:
                model.backbones.append(b)
    else:
        out = UNKNOWN
    if isinstance(out, Tensor):
        model.__dict__["_tensor"] = out
        model.output = out
        model.head = list(out.layers)
    else:
        model.__dict__["_tensor"] = None
        model.__dict__["unknown_graph"] = True


def apply_model(interp: "Interpreter", model: Model, x: Value, kwargs, node) -> Value:
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
                out = apply_layer(interp, layer, out, node)
            else:
                out = UNKNOWN
            if not isinstance(out, Tensor):
                break
        if isinstance(out, Tensor) and all(isinstance(l, LayerV) and l.short in RANGE_NEUTRAL_LAYERS | {"Rescaling", "Normalization", "Lambda"} for l in model.layers):
            interp.applications.append((model, x, out))
            return out
    rank = model.output.rank if model.output is not None else None
    out_t = Tensor(x.encoding, x.origin, rank, model.backbones[-1] if model.backbones else None, ())
    interp.applications.append((model, x, out_t))
    return out_t


def instantiate(interp: "Interpreter", cls: ClassV, args, kwargs, node) -> Value:
    inst = Instance(cls)
    if _is_keras_model_class(cls):
        model = Model("subclass", node)
        model.__dict__["class"] = cls
        inst.attrs["__model__"] = model
        model.instance = inst
        interp.models.append(model)
    init = _find_method(cls, "__init__")
    if init is not None:
        interp.call_function(Func(init.node, "__init__", bound_self=inst, module=init.module), args, kwargs, node)
    model = inst.attrs.get("__model__")
    if isinstance(model, Model):
        for value in list(inst.attrs.values()):
            if isinstance(value, Backbone) and value not in model.backbones:
                model.backbones.append(value)
            if isinstance(value, Model) and value is not model and value not in model.submodels:
                model.submodels.append(value)
            if isinstance(value, LayerV):
                model.head.append(value)
        return model if False else inst
    return inst


def _is_keras_model_class(cls: ClassV, depth: int = 0) -> bool:
    for base in cls.bases:
        if isinstance(base, Ref) and base.name in ("keras.Model", "keras.models.Model"):
            return True
        if isinstance(base, ClassV) and depth < 8 and _is_keras_model_class(base, depth + 1):
            return True
    return False


def call_method(interp: "Interpreter", obj: Value, name: str, args, kwargs, node) -> Value:
    if isinstance(obj, Instance) and isinstance(obj.attrs.get("__model__"), Model):
        obj = obj.attrs["__model__"]
    if isinstance(obj, Model):
        return _model_method(interp, obj, name, args, kwargs, node)
    if isinstance(obj, Backbone):
        if name == "get_layer":
            layer_name = const_value(_kw(args, kwargs, "name", 0, UNKNOWN))
            index = const_value(kwargs.get("index", Const(None)))
            if isinstance(layer_name, str):
                return LayerSet(obj, ("name", layer_name), (), node)
            if isinstance(index, int):
                return LayerSet(obj, ("index", index), (), node)
            return UNKNOWN
        if name in ("predict", "__call__"):
            return apply_backbone(interp, obj, args, kwargs, node)
        if name in ("compile", "fit", "train_on_batch"):
            # A backbone trained directly (no head): treat as a model of its own (one per backbone,
            # so its compile and its fit meet on the timeline).
            model = obj.__dict__.get("_as_model")
            if model is None:
                model = Model("functional", node, backbones=[obj])
                model.var = obj.var
                obj.__dict__["_as_model"] = model
            return _model_method(interp, model, name, args, kwargs, node)
        return UNKNOWN
    if isinstance(obj, Data):
        if name == "map":
            fn = args[0] if args else kwargs.get("map_func", UNKNOWN)
            return _map(interp, obj, fn, node)
        if name in DATASET_PASSTHROUGH:
            return obj
        return UNKNOWN
    if isinstance(obj, Generator):
        if name in ("flow_from_directory", "flow_from_dataframe", "flow"):
            return _generator_flow(interp, obj, name, args, kwargs, node)
        if name == "fit":
            data_sources.generator_fit(obj)
        return UNKNOWN
    if isinstance(obj, LayerV) and name == "adapt":
        return Const(None)
    if isinstance(obj, Optimizer) and name == "apply_gradients":
        return _apply_gradients(interp, obj, args, kwargs, node)
    if isinstance(obj, ModelOptimizer) and name == "apply_gradients":
        return _apply_gradients(interp, obj, args, kwargs, node)
    if isinstance(obj, LearningRateRef) and name == "assign":
        lr = const_value(args[0]) if args else None
        interp.add_event(LearningRateEvent(node, (), model=obj.model, optimizer=obj.optimizer,
                                           lr=lr if isinstance(lr, (int, float)) else None))
        return UNKNOWN
    if isinstance(obj, Tensor) and name in ("astype",) and not args:
        return obj
    if isinstance(obj, (Tensor, Seq)):
        return data_sources.method(interp, obj, name, args, kwargs, node)
    return UNKNOWN


def _apply_gradients(interp: "Interpreter", opt: Value, args, kwargs, node) -> Value:
    pairs = args[0] if args else kwargs.get("grads_and_vars", UNKNOWN)
    owner = None
    if isinstance(pairs, Seq):
        for item in pairs.items:
            if isinstance(item, TrainableVars):
                owner = item.owner
    if isinstance(owner, Instance):
        owner = owner.attrs.get("__model__")
    if isinstance(owner, (Model, Backbone)):
        model = owner if isinstance(owner, Model) else Model("functional", node, backbones=[owner])
        interp.add_event(TrainEvent(node, (), model=model, data=UNKNOWN, method="custom_loop"))
    return UNKNOWN


def _map(interp: "Interpreter", data: Data, fn: Value, node) -> Value:
    x = Tensor(data.encoding, None, rank=4 if data.batched else 3)
    x = data_sources.map_element(data, x)
    params = _arity(fn)
    if data.paired and params != 1:
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
    out = Data(data.encoding.then(Step("opaque", _src(interp, node), node)), labels, node, data.what, data.batched, data.paired)
    return out


def _arity(fn: Value) -> int | None:
    if isinstance(fn, Func):
        params = fn.node.params
        return len(params.params) + len(params.posonly_params)
    return None


def _model_method(interp: "Interpreter", model: Model, name: str, args, kwargs, node) -> Value:
    if name == "compile":
        opt = _kw(args, kwargs, "optimizer", 0, Const("rmsprop"))
        if isinstance(opt, Const) and isinstance(opt.value, str):
            cls = OPTIMIZER_STRINGS.get(opt.value.lower())
            opt = Optimizer(cls, node, DEFAULT_LR.get(cls), None, True) if cls else UNKNOWN
            if isinstance(opt, Optimizer):
                opt.__dict__["from_string"] = True
                opt.__dict__["compile_default"] = "optimizer" not in kwargs and not args
        loss = _kw(args, kwargs, "loss", 1, UNKNOWN)
        interp.add_event(CompileEvent(node, (), model=model, optimizer=opt, loss=loss, kwargs=dict(kwargs)))
        model.__dict__["compiled"] = True
        return Const(None)
    if name in ("fit", "fit_generator", "train_on_batch"):
        data = _kw(args, kwargs, "x", 0, UNKNOWN)
        if isinstance(data, Tensor):
            data = Data(data.encoding, None, node, "tensor")
        interp.add_event(TrainEvent(node, (), model=model, data=data, method=name, kwargs=dict(kwargs),
                                    y=_kw(args, kwargs, "y", 1, None) if name != "fit_generator" else None))
        return History(model)
    if name == "add":
        if args:
            sequential_add(interp, model, args[0], node)
        return Const(None)
    if name == "get_layer":
        layer_name = const_value(_kw(args, kwargs, "name", 0, UNKNOWN))
        for layer in model.layers + list(model.backbones):
            if isinstance(layer, Backbone) and layer_name is not None and isinstance(layer.kwargs.get("name"), Const) and layer.kwargs["name"].value == layer_name:
                return layer
        if isinstance(layer_name, str):
            return LayerSet(model, ("name", layer_name), (), node)
        return UNKNOWN
    if name in ("predict", "evaluate", "__call__", "predict_on_batch", "test_on_batch"):
        x = _kw(args, kwargs, "x", 0, UNKNOWN)
        if isinstance(x, Tensor) and x.origin is not None:
            return apply_model(interp, model, x, kwargs, node)
        # Inference on data: what the model is fed outside training (ScriptModel.arrivals).
        model.__dict__.setdefault("uses", []).append((name, x, node))
        return UNKNOWN
    if name in ("save", "save_weights", "export"):
        model.__dict__.setdefault("uses", []).append((name, UNKNOWN, node))
    return UNKNOWN


def _image_dataset(interp, ref, args, kwargs, node):
    return make_data_from_directory(interp, ref, args, kwargs, node)


def _hub_layer(interp: "Interpreter", ref: Ref, args, kwargs, node) -> Value:
    handle = const_value(_kw(args, kwargs, "handle", 0, UNKNOWN))
    trainable = const_value(kwargs.get("trainable", Const(False)))
    backbone = Backbone("hub", handle if isinstance(handle, str) else "TF-Hub module", node, weights="imagenet",
                        include_top=None, pooling="avg", flavour="tf_keras", kwargs=dict(kwargs))
    backbone.trainable_default = bool(trainable) if isinstance(trainable, bool) else True
    if not isinstance(trainable, bool):
        backbone.trainable_default = None  # type: ignore[assignment]
    interp.backbones.append(backbone)
    return backbone


def _to_categorical(interp, ref, args, kwargs, node):
    n = _kw(args, kwargs, "num_classes", 1, UNKNOWN)
    return Labels("categorical", node, const_value(n) if is_number(n) else None)


def _one_hot(interp, ref, args, kwargs, node):
    n = _kw(args, kwargs, "depth", 1, UNKNOWN)
    return Labels("categorical", node, const_value(n) if is_number(n) else None)


def _enumerate(interp, ref, args, kwargs, node):
    return EnumerateOf(args[0]) if args else UNKNOWN


def _zip(interp, ref, args, kwargs, node):
    return Seq(list(args), "tuple")


def _len(interp, ref, args, kwargs, node):
    if args and isinstance(args[0], Seq):
        return Const(len(args[0].items))
    if args and isinstance(args[0], LayerSet):
        from tllint.engine.layersets import layer_len

        return layer_len(args[0]) or UNKNOWN
    return UNKNOWN


def _float(interp, ref, args, kwargs, node):
    if args and isinstance(args[0], Const):
        try:
            return Const(float(args[0].value))
        except (TypeError, ValueError):
            return UNKNOWN
    return UNKNOWN


def _int(interp, ref, args, kwargs, node):
    if args and isinstance(args[0], Const):
        try:
            return Const(int(args[0].value))
        except (TypeError, ValueError):
            return UNKNOWN
    return UNKNOWN


def _set_value(interp, ref, args, kwargs, node):
    if len(args) >= 2 and isinstance(args[0], LearningRateRef):
        lr = const_value(args[1])
        interp.add_event(LearningRateEvent(node, (), model=args[0].model, optimizer=args[0].optimizer,
                                           lr=lr if isinstance(lr, (int, float)) else None))
    return UNKNOWN


def _isinstance_builtin(interp, ref, args, kwargs, node):
    return UNKNOWN


def _builtin(name: str) -> str:
    return "builtins." + name


_HANDLERS: dict[str, Callable] = {
    "keras.utils.image_dataset_from_directory": _image_dataset,
    "keras.preprocessing.image_dataset_from_directory": _image_dataset,
    "keras.utils.image_dataset": _image_dataset,
    "keras.preprocessing.image.ImageDataGenerator": make_generator,
    "keras.Model": make_model,
    "keras.models.Model": make_model,
    "keras.Sequential": make_model,
    "keras.models.Sequential": make_model,
    "keras.Input": lambda i, r, a, k, n: make_input(i, a, k, n),
    "keras.layers.Input": lambda i, r, a, k, n: make_input(i, a, k, n),
    "tensorflow_hub.KerasLayer": _hub_layer,
    "keras.utils.to_categorical": _to_categorical,
    "keras.utils.np_utils.to_categorical": _to_categorical,
    "tensorflow.one_hot": _one_hot,
    "keras.backend.set_value": _set_value,
}


def builtin_value(name: str) -> Value:
    fn = _BUILTINS.get(name)
    return BuiltinRef(name, fn) if fn else UNKNOWN


class BuiltinRef(Value):
    def __init__(self, name: str, fn: Callable) -> None:
        self.name = name
        self.fn = fn


_BUILTINS: dict[str, Callable] = {
    "enumerate": _enumerate,
    "zip": _zip,
    "len": _len,
    "float": _float,
    "int": _int,
}


from tllint.engine import data_sources  # noqa: E402  (loaders and dtypes: engine/data_sources.py)

data_sources.register(_HANDLERS)
