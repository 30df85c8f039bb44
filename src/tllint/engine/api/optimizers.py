"""keras.optimizers: optimizer objects and their learning rates (defaults, schedules, the
string spellings `compile` accepts), changes of the rate, and custom training loops
(`optimizer.apply_gradients` over a model's trainable weights)."""

from __future__ import annotations

from tllint.engine import registry
from tllint.engine.registry import InterpreterApi
from tllint.engine.timeline import LearningRateEvent, TrainEvent
from tllint.engine.values import (
    CallbackV,
    UNKNOWN,
    Backbone,
    BoundMethod,
    Data,
    Instance,
    LearningRateRef,
    Model,
    ModelOptimizer,
    Optimizer,
    Ref,
    Seq,
    TrainableVars,
    Value,
    const_value,
    is_number,
)
from tllint.knowledge.optimizers import DEFAULT_LR, OPTIMIZER_STRINGS

_LR_NAMES = ("learning_rate", "lr")


class Schedule(Value):
    """A learning-rate schedule: the rate a step runs with starts at `initial`."""

    def __init__(self, initial: float | None) -> None:
        self.initial = initial


@registry.prefix("keras.optimizers.")
def make_optimizer(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    cls = ref.name.rsplit(".", 1)[-1]
    if cls in ("Optimizer", "get", "deserialize", "serialize"):
        return UNKNOWN
    lr_v = kwargs.get("learning_rate", kwargs.get("lr", args[0] if args else None))
    if "lr" in kwargs and "learning_rate" not in kwargs:
        interp.flavours.add("keras2-api")  # Keras 3 raises "Argument(s) not recognized: {'lr': ...}"
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
        if arg.keyword is not None and arg.keyword.value in _LR_NAMES:
            lr_node = arg
    if lr_node is None and node.args and node.args[0].keyword is None:
        lr_node = node.args[0]
    return Optimizer(cls, node, lr, lr_node, default)


@registry.prefix("keras.optimizers.schedules.")
def _schedule(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    initial = kwargs.get("initial_learning_rate", args[0] if args else UNKNOWN)
    return Schedule(const_value(initial) if is_number(initial) else None)


def compiled_optimizer(text: str, node, compile_default: bool) -> Value:
    """The optimizer `compile(optimizer="adam")` makes: the class's default rate."""
    cls = OPTIMIZER_STRINGS.get(text.lower())
    if not cls:
        return UNKNOWN
    opt = Optimizer(cls, node, DEFAULT_LR.get(cls), None, True)
    opt.__dict__["from_string"] = True
    opt.__dict__["compile_default"] = compile_default
    return opt


# ---------------------------------------------------------------------- learning-rate changes
@registry.hook("attribute", ModelOptimizer)
def _model_optimizer_attribute(interp: InterpreterApi, obj: ModelOptimizer, attr: str, node) -> Value:
    if attr in _LR_NAMES:
        return LearningRateRef(obj.model, None)
    return BoundMethod(obj, attr)


@registry.hook("attribute", Optimizer)
def _optimizer_attribute(interp: InterpreterApi, obj: Optimizer, attr: str, node) -> Value:
    if attr in _LR_NAMES:
        return LearningRateRef(None, obj)
    return BoundMethod(obj, attr)


@registry.hook("attribute", LearningRateRef)
def _rate_attribute(interp: InterpreterApi, obj: LearningRateRef, attr: str, node) -> Value:
    return BoundMethod(obj, attr)


@registry.setter("learning_rate", Optimizer, ModelOptimizer)
@registry.setter("lr", Optimizer, ModelOptimizer)
def _set_rate(interp: InterpreterApi, obj: Value, attr: str, value: Value, target, value_node) -> None:
    lr = const_value(value)
    interp.add_event(LearningRateEvent(target, (), model=getattr(obj, "model", None),
                                       optimizer=obj if isinstance(obj, Optimizer) else None,
                                       lr=lr if isinstance(lr, (int, float)) else None))


@registry.method(LearningRateRef, "assign")
def _assign(interp: InterpreterApi, obj: LearningRateRef, name: str, args, kwargs, node) -> Value:
    lr = const_value(args[0]) if args else None
    interp.add_event(LearningRateEvent(node, (), model=obj.model, optimizer=obj.optimizer,
                                       lr=lr if isinstance(lr, (int, float)) else None))
    return UNKNOWN


@registry.function("keras.backend.set_value")
def _set_value(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    if len(args) >= 2 and isinstance(args[0], LearningRateRef):
        lr = const_value(args[1])
        interp.add_event(LearningRateEvent(node, (), model=args[0].model, optimizer=args[0].optimizer,
                                           lr=lr if isinstance(lr, (int, float)) else None))
    return UNKNOWN


# ---------------------------------------------------------------------- custom training loops
@registry.method(Optimizer, "apply_gradients")
@registry.method(ModelOptimizer, "apply_gradients")
def _apply_gradients(interp: InterpreterApi, opt: Value, name: str, args, kwargs, node) -> Value:
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
        # The batch the loop ran the model on (`model(images, training=True)` under the tape) is its data.
        calls = [x for use, x, _ in model.__dict__.get("uses", ()) if use == "__call__"]
        data = calls[-1] if calls and isinstance(calls[-1], Data) else UNKNOWN
        event = interp.add_event(TrainEvent(node, (), model=model, data=data, method="custom_loop"))
        # The optimizer that applies the gradients sets the step's learning rate (no compile needed).
        event.__dict__["optimizer"] = opt if isinstance(opt, Optimizer) else None
    return UNKNOWN


@registry.prefix("keras.callbacks.")
def _callback(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    """`EarlyStopping(...)`, `LearningRateScheduler(...)`: which callback, for the rate a step runs at."""
    return CallbackV(ref.name.rsplit(".", 1)[-1])
