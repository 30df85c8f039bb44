"""Helpers shared by rules: wording of Keras versions and of layers and backbones."""

from __future__ import annotations

from tllint.engine.timeline import TrainableEvent
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


def has_fresh_head(model: Model, depth: int = 0) -> bool:
    """Weighted head layers created in the script: the model's own, or those of a model with a
    backbone that it wraps (`Sequential([model])` for the fine-tuning phase)."""
    from tllint.engine.values import LayerV

    if any(isinstance(l, LayerV) and l.short.startswith(WEIGHTED) for l in model.head):
        return True
    return depth < 2 and any(sub.backbones and has_fresh_head(sub, depth + 1) for sub in model.submodels)


def fresh_head_at(script, model: Model, step) -> bool:
    """A head with freshly initialised weights at `step`: weighted head layers, and no weights
    restored into them (or trained into a head model) before it on any path (engine/heads.py)."""
    from tllint.engine.heads import head_restored

    return has_fresh_head(model) and head_restored(script, model, step) is None


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
    if not steps or not fresh_head_at(script, model, steps[0]):
        return "later"
    first = steps[0]
    if step is first or (step.node is first.node and step.sites == first.sites):
        return "head"  # (the same statement walked again in a loop; a helper called again is another step)
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


def _touches(target, backbone: Backbone) -> bool:
    from tllint.engine.timeline import unit_contains
    from tllint.engine.values import LayerSet

    if isinstance(target, LayerSet):
        return target.owner is backbone
    return target is backbone or (isinstance(target, Model) and unit_contains(target, backbone))


def _loop_conditional(script, backbone: Backbone, first) -> bool:
    """An unfreeze in an `if` inside the same loop as the training step (`for epoch ...: if epoch == 5:
    base.trainable = True`): the first pass of the loop trains frozen, the static order can't tell."""
    culprit = None
    for ev in script.events:
        if ev.index >= first.index:
            break
        if isinstance(ev, TrainableEvent) and ev.value and _touches(ev.target, backbone):
            culprit = ev
    if culprit is None or len(culprit.cond) <= len(first.cond):
        return False
    walked_again = {id(ev.node) for ev in script.events if ev.iteration == 1}
    return id(first.node) in walked_again and id(culprit.node) in walked_again


def head_training_trains(script, model: Model, backbone, first):
    """(Keras majors, trainable state) when the pretrained backbone trains in `first`, the first
    training step of a model with a fresh head (TL201's subject, and the step in which TL204 and
    TL205 also apply); None when it does not, or when the answer depends on what tllint cannot
    see (inner layers re-enabled inside a frozen backbone are TL206's subject; versions that
    disagree are TL202's)."""
    if not isinstance(backbone, Backbone) or not backbone.pretrained:
        return None
    compile_ev = script.last_compile_before(model, first)
    k3 = script.state_at(backbone, first)
    k2 = script.state_at(backbone, compile_ev) if compile_ev is not None else k3
    if (getattr(k3, "parent", k3.base) is False and k3.overrides) or (
        getattr(k2, "parent", k2.base) is False and k2.overrides
    ):
        return None
    affected = set()
    if k3.any_trainable:
        affected.add("3")
    if k2.any_trainable:
        affected.add("2")
    if not script.target.known and affected != {"2", "3"}:
        return None
    if not applies(script.target, affected):
        return None
    if _loop_conditional(script, backbone, first):
        return None
    return affected, (k3 if "3" in affected else k2)


class Lazy:
    """Text computed when a message is formatted: positions cost a metadata pass over the file,
    so a rule that builds a message before it knows it will report one defers them."""

    def __init__(self, make) -> None:
        self._make = make

    def __format__(self, spec: str) -> str:
        return format(self._make(), spec)

    def __str__(self) -> str:
        return str(self._make())


def step_words(step, line: int) -> str:
    """How a message names an explicit training step: "`fit` at line 12", or the custom loop's
    "`apply_gradients` at line 12"."""
    if step.method == "custom_loop":
        return f"the custom loop's `apply_gradients` at line {line}"
    return f"`{step.method}` at line {line}"
