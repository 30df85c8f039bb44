"""The learning rate a training step runs with.

From the optimizer of the last `compile` before the step: a literal, a constant, a function
parameter's value, an optimizer default (`'adam'`, `Adam()`, `'rmsprop'`, `RMSprop()`: 1e-3;
`SGD()`: 0.01), `learning_rate=` or legacy `lr=`, a schedule (its initial rate); then changed by
`keras.backend.set_value(model.optimizer.learning_rate, ...)`,
`model.optimizer.learning_rate.assign(...)` or `opt.learning_rate = ...` before the step
(LearningRateEvent). None when any of it is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from tllint.engine.timeline import CompileEvent, LearningRateEvent, compatible
from tllint.engine.values import CallbackV, ModelOptimizer, Optimizer, Seq, Value
from tllint.knowledge.optimizers import RATE_KEEPING_CALLBACKS


@dataclass
class Rate:
    value: float
    node: cst.CSTNode  # where the rate is written (optimizer call, lr argument, set_value...)
    optimizer: Optimizer
    compile: CompileEvent | None  # None: a custom loop's optimizer, compiled nowhere
    default: bool = False  # the optimizer's default rate
    changed: bool = False  # set by a LearningRateEvent


def optimizer_of(script, compile_ev: CompileEvent, depth: int = 0) -> Optimizer | None:
    """The Optimizer value a compile uses (`model.optimizer` resolves to the previous compile's)."""
    opt: Value = compile_ev.optimizer
    if isinstance(opt, Optimizer):
        return opt
    if isinstance(opt, ModelOptimizer) and depth < 4:
        prev = script.last_compile_before(opt.model, compile_ev)
        if prev is not None:
            return optimizer_of(script, prev, depth + 1)
    return None


def _callbacks_may_set_rate(step) -> bool:
    """A callback of the step that may set the learning rate (a LearningRateScheduler, a class of
    the user's or a library's, anything not known): the rate the step runs at is unknown."""
    value = getattr(step, "kwargs", {}).get("callbacks")
    if value is None:
        return False
    items = value.items if isinstance(value, Seq) else [value]
    return not all(isinstance(item, CallbackV) and item.name in RATE_KEEPING_CALLBACKS for item in items)


def rate_at(script, model, step) -> Rate | None:
    compile_ev = script.last_compile_before(model, step)
    if compile_ev is None and getattr(step, "method", None) == "custom_loop":
        return _loop_rate(script, step)
    if compile_ev is None or _callbacks_may_set_rate(step):
        return None
    opt = optimizer_of(script, compile_ev)
    if opt is None or opt.lr is None:
        return None
    rate = Rate(float(opt.lr), opt.lr_node or opt.node, opt, compile_ev, default=opt.lr_default)
    for ev in script.events:
        if ev.index >= step.index:
            break
        if not isinstance(ev, LearningRateEvent) or not compatible(ev.cond, step.cond):
            continue
        on_opt = ev.optimizer is opt
        on_model = ev.model is model and ev.index > compile_ev.index
        if not on_opt and ev.model is not None:
            # `model.optimizer.learning_rate` changes the optimizer compiled then: the same object?
            current = script.last_compile_before(ev.model, ev)
            on_opt = current is not None and optimizer_of(script, current) is opt
        if not (on_opt or on_model):
            continue
        if ev.lr is None:
            return None
        rate = Rate(float(ev.lr), ev.node, opt, compile_ev, default=False, changed=True)
    return rate


def _loop_rate(script, step) -> Rate | None:
    """A custom loop's step runs at the rate of the optimizer that applies its gradients, as set
    before the step (`opt.learning_rate = ...`, `opt.learning_rate.assign(...)`)."""
    opt = step.__dict__.get("optimizer")
    if not isinstance(opt, Optimizer) or opt.lr is None:
        return None
    rate = Rate(float(opt.lr), opt.lr_node or opt.node, opt, None, default=opt.lr_default)
    for ev in script.events:
        if ev.index >= step.index:
            break
        if isinstance(ev, LearningRateEvent) and ev.optimizer is opt and compatible(ev.cond, step.cond):
            if ev.lr is None:
                return None
            rate = Rate(float(ev.lr), ev.node, opt, None, default=False, changed=True)
    return rate


def fmt(value: float) -> str:
    if value == 0:
        return "0"
    text = f"{value:.0e}" if value < 1e-2 else f"{value:g}"
    return text.replace("e-0", "e-")
