"""Helpers shared by rules: wording of Keras versions and of layers and backbones."""

from __future__ import annotations

from tllint.engine.values import Backbone, Model, Value
from tllint.versions import KerasTarget


def versions_field(affected: set[str]) -> str | None:
    """The JSON `keras` field: None when every version behaves alike."""
    if not affected or affected == {"2", "3"}:
        return None
    return ", ".join(sorted(affected))


def applies(target: KerasTarget, affected: set[str]) -> bool:
    """Report when the target is affected, or when the target is unknown and any version is."""
    if not affected:
        return False
    if target.major is None:
        return True
    return str(target.major) in affected


def unit_label(unit: Value) -> str:
    if isinstance(unit, Backbone):
        if unit.var and unit.var != unit.name:
            return f"`{unit.var}` ({unit.name})"
        return unit.name
    if isinstance(unit, Model):
        return f"`{unit.label}`"
    return "the layer"


# ---------------------------------------------------------------------- fine-tuning lifecycle
# Layers that carry freshly initialised weights (a "fresh head").
WEIGHTED = ("Dense", "Conv", "SeparableConv", "DepthwiseConv", "EinsumDense", "Embedding", "LSTM", "GRU")


def has_fresh_head(model: Model) -> bool:
    from tllint.engine.values import LayerV

    return any(isinstance(l, LayerV) and l.short.startswith(WEIGHTED) for l in model.head)


def captured_state(script, unit: Value, model: Model, step, major: int):
    """The trainable state `step` really trains with: Keras 3 captures it at the first training
    step after the last compile, Keras 2 / tf_keras at the compile itself (keras-facts §2(c))."""
    compile_ev = script.last_compile_before(model, step)
    if compile_ev is None:
        return script.state_at(unit, step)
    if major == 2:
        return script.state_at(unit, compile_ev)
    first = script.first_step_after(model, compile_ev, cond=step.cond) or step
    return script.state_at(unit, first)


def trainable_in(state, major: int) -> bool | None:
    """Is any part trainable? Keras 2 ignores inner layers re-enabled under a frozen parent."""
    if major == 2 and state.parent is False:
        return False
    return state.any_trainable


def versions_to_check(target: KerasTarget) -> tuple[int, ...]:
    return (target.major,) if target.major in (2, 3) else (2, 3)


def backbone_trainable(script, backbone, model, step) -> bool | None:
    """True when the backbone trains (partly) in `step` on the target (on every version when the
    target is unknown), False when frozen on the target (on some version when unknown)."""
    answers = [trainable_in(captured_state(script, backbone, model, step, v), v) for v in versions_to_check(script.target)]
    if any(a is None for a in answers):
        return None
    if all(answers):
        return True
    return False


def step_phase(script, model: Model, step) -> str:
    """"head" for the first training step of a model with a fresh head (the same statement walked
    again in a loop, and further steps under the same compile, too), "later" for any other step."""
    steps = script.steps(model)
    if not steps or not has_fresh_head(model):
        return "later"
    first = steps[0]
    if step is first or step.node is first.node:
        return "head"
    # More epochs under the head-training compile continue the head training (a trainable
    # backbone there is TL201's subject, a change without recompile TL202's).
    head_compile = script.last_compile_before(model, first)
    if head_compile is not None and script.last_compile_before(model, step) is head_compile:
        return "head"
    return "later"


def first_unfreeze_before(script, backbone, step):
    """The last `trainable = True` touching the backbone before the step (on a compatible path)."""
    from tllint.engine.timeline import TrainableEvent, compatible, unit_contains
    from tllint.engine.values import LayerSet

    found = None
    for ev in script.events:
        if ev.index >= step.index:
            break
        if not isinstance(ev, TrainableEvent) or ev.value is not True or not compatible(ev.cond, step.cond):
            continue
        t = ev.target
        if isinstance(t, LayerSet):
            hit = t.owner is backbone
        else:
            hit = t is backbone or (isinstance(t, Model) and unit_contains(t, backbone))
        if hit:
            found = ev
    return found
