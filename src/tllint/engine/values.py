"""Abstract values the interpreter tracks. Anything not understood is UNKNOWN, and UNKNOWN
never produces a finding."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import Any, Callable

import libcst as cst

from tllint.engine.pixels import Encoding, Step

_ids = itertools.count(1)


class Value:
    """Base of all abstract values. Identity matters: two backbones are two objects."""

    def join(self, other: "Value") -> "Value":
        return self if other is self else UNKNOWN


class _Unknown(Value):
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def join(self, other: Value) -> Value:
        return self


UNKNOWN = _Unknown()


@dataclass(eq=False)
class Const(Value):
    value: Any

    def join(self, other: Value) -> Value:
        if isinstance(other, Const) and other.value == self.value and type(other.value) is type(self.value):
            return self
        return UNKNOWN


@dataclass(eq=False)
class Choice(Value):
    """One of several values that the program picks at run time by a key it does not fix:
    `MODEL_MAP[args.arch]` over a dict of constructors (engine/api/backbone_choice.py)."""

    options: list[Value]
    node: cst.CSTNode | None = None


@dataclass(eq=False)
class Statistic(Const):
    """A statistic of pixels whose range is known (`x.mean()`, `np.std(x)`, `x.max()`): a number,
    estimated from that range for natural images (min and max are its ends; mean and std are
    `estimated`, and arithmetic with them marks the step, engine/operators.py)."""

    kind: str = "mean"  # mean | std | min | max
    estimated: bool = False


@dataclass(eq=False)
class TextPattern(Value):
    """A string known only in part: an f-string with unknown fields, `*` standing for each."""

    pattern: str


@dataclass(eq=False)
class Ref(Value):
    """A name from a library: `keras.applications.MobileNetV2`, `numpy.asarray`."""

    name: str
    flavour: str | None = None

    def join(self, other: Value) -> Value:
        return self if isinstance(other, Ref) and other.name == self.name else UNKNOWN


@dataclass(eq=False)
class LocalModule(Value):
    """A module of the user's project (`import data`, `from . import model`)."""

    name: str


@dataclass(eq=False)
class Seq(Value):
    items: list[Value]
    kind: str = "list"

    def join(self, other: Value) -> Value:
        if isinstance(other, Seq) and len(other.items) == len(self.items):
            return Seq([a.join(b) for a, b in zip(self.items, other.items)], self.kind)
        return UNKNOWN


@dataclass(eq=False)
class DictV(Value):
    items: dict[Any, Value]


@dataclass(eq=False)
class Func(Value):
    node: cst.FunctionDef | cst.Lambda
    name: str
    # Frame the function was defined in (closures see it).
    env: dict[str, Value] | None = None
    bound_self: Value | None = None
    module: Any = None  # the Interpreter module context that defined it


@dataclass(eq=False)
class ClassV(Value):
    node: cst.ClassDef
    name: str
    bases: list[Value]
    methods: dict[str, Func]
    module: Any = None


@dataclass(eq=False)
class Instance(Value):
    cls: ClassV
    attrs: dict[str, Value] = field(default_factory=dict)


@dataclass(eq=False)
class Backbone(Value):
    """A pretrained model: keras.applications, keras_hub preset, or a TF-Hub KerasLayer."""

    kind: str  # "applications" | "hub" | "keras_hub_backbone" | "keras_hub_task"
    name: str  # "MobileNetV2", the hub handle, the preset
    node: cst.Call
    entry: Any = None  # knowledge.applications entry
    module: str | None = None  # applications submodule, e.g. "mobilenet_v2"
    flavour: str | None = None
    weights: str = "imagenet"  # "imagenet" | "none" | "file" | "unknown"
    include_top: bool | None = True
    pooling: str | None = None  # None | "avg" | "max" | "unknown"
    input_shape: tuple | None = None
    include_preprocessing: bool | None = None
    kwargs: dict[str, Value] = field(default_factory=dict)
    trainable_default: bool = True
    var: str | None = None  # the variable name it was first bound to
    id: int = field(default_factory=lambda: next(_ids))

    @property
    def pretrained(self) -> bool:
        return self.weights in ("imagenet", "file")

    def join(self, other: Value) -> Value:
        # `if v == 3: base = EfficientNetB3(...) elif v == 4: base = EfficientNetB4(...)`: one family,
        # the same input contract and build options on every arm, so what the rules ask of it agrees.
        if other is self:
            return self
        if getattr(other, "from_file", False):
            # `base = load_model(args.pretrained) if args.pretrained else NASNetMobile(...)`: the built
            # backbone is what the script runs with by default (as values.Model.join).
            self.__dict__["maybe_loaded"] = other
            return self
        if isinstance(other, Backbone) and _same_contract(self, other):
            self.__dict__.setdefault("alternatives", []).append(other)
            return self
        return UNKNOWN

    @property
    def label(self) -> str:
        return self.var or self.name


def _same_contract(a: "Backbone", b: "Backbone") -> bool:
    if a.kind != "applications" or b.kind != "applications" or a.entry is None or b.entry is None:
        return False
    ea, eb = a.entry, b.entry
    return (ea.family, ea.contract, ea.builtin_flag, ea.contract_without_builtin) == (
        eb.family, eb.contract, eb.builtin_flag, eb.contract_without_builtin
    ) and (a.weights, a.include_top, a.pooling, a.include_preprocessing, a.flavour) == (
        b.weights, b.include_top, b.pooling, b.include_preprocessing, b.flavour)


@dataclass(eq=False)
class LayerV(Value):
    """A layer object created in the script (`Dense(10, activation='softmax')`)."""

    cls: str  # canonical, e.g. "keras.layers.Dense"
    node: cst.Call
    args: list[Value] = field(default_factory=list)
    kwargs: dict[str, Value] = field(default_factory=dict)
    fn: Value | None = None  # Lambda layers: the wrapped function
    id: int = field(default_factory=lambda: next(_ids))

    @property
    def short(self) -> str:
        return self.cls.rsplit(".", 1)[-1]


@dataclass(eq=False)
class Feed:
    """A backbone applied to a tensor: the point where pixels meet the pretrained weights."""

    backbone: Backbone
    encoding: Encoding  # relative to `origin`
    origin: int | None  # id of the model input the tensor derives from
    node: cst.CSTNode
    training: Value | None = None  # the `training=` argument of the call, if given
    nested: bool = True


@dataclass(eq=False)
class Tensor(Value):
    """A symbolic tensor in a functional graph, or a batch of images in a pipeline."""

    encoding: Encoding
    origin: int | None = None  # model input id (None: not derived from an Input)
    rank: int | None = None  # 4 for image batches and feature maps, 2 for pooled features
    backbone: Backbone | None = None  # produced by this backbone (feature map)
    layers: tuple = ()  # layers applied after the last backbone (the head), in order
    id: int = field(default_factory=lambda: next(_ids))
    # Static shape without the batch axis, e.g. (160, 160, 3); None entries are dynamic. None: unknown.
    shape: tuple | None = None

    def join(self, other: Value) -> Value:
        if isinstance(other, Tensor) and other.encoding == self.encoding and other.origin == self.origin:
            return self
        return UNKNOWN


@dataclass(eq=False)
class Labels(Value):
    """Labels of a dataset: mode is int | categorical | binary | unknown."""

    mode: str
    node: cst.CSTNode | None = None
    num_classes: int | None = None


@dataclass(eq=False)
class Data(Value):
    """A dataset, generator flow or array of images, with the encoding of its pixels."""

    encoding: Encoding
    labels: Labels | None = None
    node: cst.CSTNode | None = None
    what: str = ""
    batched: bool = True
    paired: bool = True  # yields (x, y)

    def join(self, other: Value) -> Value:
        if isinstance(other, Data) and other.encoding == self.encoding:
            return self
        # An array still blank (`np.zeros`) on one path and filled with images on the other (`X[i] = img`
        # in an `if`): the images are all it ever holds (engine/api/arrays.py).
        if isinstance(other, Data) and self.__dict__.get("blank") != other.__dict__.get("blank"):
            return other if self.__dict__.get("blank") else self
        return UNKNOWN


@dataclass(eq=False)
class Generator(Value):
    """An ImageDataGenerator: its `standardize` runs preprocessing_function, then rescale."""

    node: cst.Call
    rescale: Value | None = None
    preprocessing_function: Value | None = None
    normalizes: bool = False  # samplewise_*/featurewise_* options
    rescale_node: cst.CSTNode | None = None
    pf_node: cst.CSTNode | None = None


@dataclass(eq=False)
class Optimizer(Value):
    cls: str  # "Adam", "SGD", ...
    node: cst.CSTNode
    lr: float | None = None
    lr_node: cst.CSTNode | None = None
    lr_default: bool = False
    id: int = field(default_factory=lambda: next(_ids))


@dataclass(eq=False)
class Model(Value):
    """A Keras model built in the script."""

    kind: str  # "functional" | "sequential" | "subclass" | "keras_hub_task"
    node: cst.CSTNode
    feeds: list[Feed] = field(default_factory=list)
    backbones: list[Backbone] = field(default_factory=list)
    # Head layers created in the script after the (last) backbone, in order.
    head: list[LayerV] = field(default_factory=list)
    layers: list[Value] = field(default_factory=list)  # outer `model.layers`, as far as known
    output: Tensor | None = None
    input_ids: tuple[int, ...] = ()
    submodels: list["Model"] = field(default_factory=list)
    instance: Instance | None = None
    var: str | None = None
    id: int = field(default_factory=lambda: next(_ids))

    @property
    def label(self) -> str:
        return self.var or "model"

    def join(self, other: Value) -> Value:
        # The other arm resumes from a saved file (api/evaluation.LoadedModel): follow the model built
        # here, whose head may hold trained weights (heads.head_restored).
        if getattr(other, "from_file", False):
            self.__dict__["maybe_loaded"] = other
            return self
        return super().join(other)

    def units(self) -> list[Value]:
        """Things whose `trainable` flag matters for this model: its backbones and sub-models."""
        out: list[Value] = list(self.backbones)
        for sub in self.submodels:
            if sub not in out:
                out.append(sub)
        return out


@dataclass(eq=False)
class LayerSet(Value):
    """A selection of layers: `base.layers[:100]`, BatchNormalization layers of `base`, ...

    owner: the Backbone or Model whose layers are selected. selector: ("all",) | ("slice", a, b)
    | ("index", i) | ("name", str) ; filters: (("isinstance", cls, negated) | ("name", text, negated), ...)
    """

    owner: Value
    selector: tuple = ("all",)
    filters: tuple = ()
    node: cst.CSTNode | None = None
    # For a Model owner: what `model.layers` held when the script read it (layersets.OuterLayers),
    # so positions are those of that moment; None: not known.
    outer: Any = None

    def with_filter(self, flt: tuple) -> "LayerSet":
        return LayerSet(self.owner, self.selector, self.filters + (flt,), self.node, self.outer)


@dataclass(eq=False)
class LayerElem(Value):
    """The loop variable of `for layer in <LayerSet>`."""

    of: LayerSet


@dataclass(eq=False)
class History(Value):
    model: Model


@dataclass(eq=False)
class BoundMethod(Value):
    obj: Value
    name: str


@dataclass(eq=False)
class LossV(Value):
    """A Keras loss: kind is categorical | sparse | binary | other."""

    kind: str
    name: str
    from_logits: bool | None = False  # None: not known statically
    node: cst.CSTNode | None = None


class TrainableVars(Value):
    """`model.trainable_weights`: custom training loops name the model they train through it."""

    def __init__(self, owner: Value) -> None:
        self.owner = owner


class ModelOptimizer(Value):
    """`model.optimizer`: whichever optimizer the model's last compile gave it."""

    def __init__(self, model: Model) -> None:
        self.model = model


class LearningRateRef(Value):
    """`opt.learning_rate` / `model.optimizer.learning_rate`, the target of a rate change."""

    def __init__(self, model: Model | None, optimizer: Optimizer | None) -> None:
        self.model = model
        self.optimizer = optimizer


class EnumerateOf(Value):
    """`enumerate(x)`: a loop over it may still be a loop over a layer collection."""

    def __init__(self, inner: Value) -> None:
        self.inner = inner


class Stream(Value):
    """What calling a generator function gives when its yields are not a dataset: a loop over it
    binds what every yield agrees on (`for train, val in folds():`)."""

    def __init__(self, element: Value) -> None:
        self.element = element


class BuiltinRef(Value):
    """A Python builtin the engine models (`len`, `zip`...), with its handler."""

    def __init__(self, name: str, fn: Callable) -> None:
        self.name = name
        self.fn = fn


def const_value(v: Value) -> Any:
    return v.value if isinstance(v, Const) else None


def is_number(v: Value) -> bool:
    return isinstance(v, Const) and isinstance(v.value, (int, float)) and not isinstance(v.value, bool)


def find_method(cls: ClassV, name: str) -> Func | None:
    """A method of a user class or of one of its user base classes."""
    if name in cls.methods:
        return cls.methods[name]
    for base in cls.bases:
        if isinstance(base, ClassV):
            found = find_method(base, name)
            if found is not None:
                return found
    return None


# ---------------------------------------------------------------------- pixels through values
def with_step(value: Value, step: Step) -> Value:
    """Pixels after one more transform (arithmetic, a layer, a preprocess function)."""
    if isinstance(value, Tensor):
        return Tensor(value.encoding.then(step), value.origin, value.rank, value.backbone, value.layers, shape=value.shape)
    if isinstance(value, Data):
        return Data(value.encoding.then(step), value.labels, value.node, value.what, value.batched, value.paired)
    return value


def retype(value: Value, dtype: str | None) -> Value:
    """The same pixels with another element dtype (a cast, `astype`, `img_to_array`)."""
    if isinstance(value, Tensor):
        return Tensor(value.encoding.with_dtype(dtype), value.origin, value.rank, value.backbone, value.layers,
                      shape=value.shape)
    if isinstance(value, Data):
        out = Data(value.encoding.with_dtype(dtype), value.labels, value.node, value.what, value.batched, value.paired)
        out.__dict__.update({k: v for k, v in value.__dict__.items() if k not in out.__dict__})
        return out
    return value


def drop_shape(value: Value) -> Value:
    """A tensor whose static shape a call does not vouch for: same pixels, shape unknown."""
    if isinstance(value, Tensor) and value.shape is not None:
        return dataclasses.replace(value, shape=None)
    return value


def unknown_shape(value: Value) -> Value:
    """A tensor through an opaque transformation (a Lambda we cannot follow): rank and shape unknown."""
    if isinstance(value, Tensor):
        return dataclasses.replace(value, rank=None, shape=None)
    return value


@dataclass(eq=False)
class CallbackV(Value):
    """A `keras.callbacks.X(...)` object passed to a training step (only its class matters)."""

    name: str
