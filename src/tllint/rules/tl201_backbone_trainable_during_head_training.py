"""TL201: the first training step of a model with a fresh head runs with the backbone trainable."""

from __future__ import annotations

from tllint.engine.timeline import TrainableEvent
from tllint.engine.values import Backbone, LayerV, Model
from tllint.engine.learning_rates import fmt, rate_at
from tllint.rules import Report, Rule
from tllint.rules._common import applies, unit_label, versions_field

# Layers that carry freshly initialised weights.
WEIGHTED = ("Dense", "Conv", "SeparableConv", "DepthwiseConv", "EinsumDense", "Embedding", "LSTM", "GRU")


def has_fresh_head(model: Model) -> bool:
    return any(isinstance(l, LayerV) and l.short.startswith(WEIGHTED) for l in model.head)


class BackboneTrainableDuringHeadTraining(Rule):
    code = "TL201"
    name = "backbone-trainable-during-head-training"
    severity = "error"
    summary = "The pretrained backbone is trainable while a freshly initialised head is trained."

    def check(self, script):
        for model in script.models:
            if not has_fresh_head(model):
                continue
            steps = script.steps(model)
            if not steps:
                continue
            first = steps[0]
            compile_ev = script.last_compile_before(model, first)
            for backbone in model.backbones:
                if not backbone.pretrained:
                    continue
                k3 = script.state_at(backbone, first)
                k2 = script.state_at(backbone, compile_ev) if compile_ev is not None else k3
                # Inner layers re-enabled inside a frozen backbone are TL206's subject.
                if (getattr(k3, "parent", k3.base) is False and k3.overrides) or (
                    getattr(k2, "parent", k2.base) is False and k2.overrides
                ):
                    continue
                affected = set()
                if k3.any_trainable:
                    affected.add("3")
                if k2.any_trainable:
                    affected.add("2")
                if not script.target.known and affected != {"2", "3"}:
                    continue  # the versions disagree: TL202 explains the difference
                if not applies(script.target, affected):
                    continue
                if _loop_conditional(script, backbone, first):
                    continue
                yield self._report(script, model, backbone, first, k3 if "3" in affected else k2, versions_field(affected))

    def _report(self, script, model, backbone: Backbone, first, state, keras):
        culprit = None
        partial = None
        for ev in script.events:
            if ev.index >= first.index:
                break
            if isinstance(ev, TrainableEvent) and ev.value and _touches(ev.target, backbone):
                culprit = ev
            if isinstance(ev, TrainableEvent) and ev.value is False and _touches(ev.target, backbone):
                partial = ev
        step_text = "the first `fit`" if first.method != "implicit" else "the first training step (here the `compile`)"
        line = script.line(first.node)
        label = unit_label(backbone)
        how = state.describe()
        if culprit is not None:
            node = culprit.node
            cause = f"`{script.code(culprit.node)}` at line {script.line(culprit.node)} leaves it {how}"
        elif backbone.kind == "hub":
            node = backbone.node
            cause = "it is created with `trainable=True`"
        elif state.base and state.overrides and partial is not None:
            node = backbone.node
            cause = (
                f"only some of its layers are frozen (`{script.code(partial.node)}` at line {script.line(partial.node)}), "
                f"the others train from the first step"
            )
        else:
            node = backbone.node
            cause = "it is never frozen (Keras layers are trainable by default)"
        var = backbone.var or "base_model"
        freeze = f"`{var}.trainable = False`" if backbone.kind != "hub" else "`hub.KerasLayer(..., trainable=False)`"
        message = (
            f"{label} is {how} during {step_text} at line {line}, while the new head is still random: "
            f"{cause}. The head's large early gradients flow into the pretrained weights and wreck them. "
            f"Freeze it before compiling ({freeze}), train the head, then unfreeze, "
            f"recompile with a new optimizer and a low learning rate (1e-5) to fine-tune."
        )
        severity = None
        rate = rate_at(script, model, first)
        if culprit is not None and culprit.value is True and rate is not None and not rate.default and rate.value <= 1e-4:
            # An explicit unfreeze with a fine-tuning rate is often deliberate end-to-end training:
            # the random head still disturbs the features, but far less than at 1e-3.
            severity = "warning"
            message += (
                f" If you fine-tune end to end on purpose, the low learning rate ({fmt(rate.value)}) limits the damage, "
                f"but a frozen warm-up of the head still gives better features."
            )
        if keras == "3":
            message += " (Keras 3 captures `trainable` at the first training step; Keras 2 / tf_keras at `compile`, where it was frozen.)"
        elif keras == "2":
            message += " (Keras 2 / tf_keras trains with the state at `compile`; Keras 3 captures it at the first training step, where it was frozen.)"
        return Report(node, message, severity=severity, keras=keras, data={"backbone": backbone.name, "step_line": line,
                      "unit": backbone, "model": model, "first": first, "culprit": culprit})


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
