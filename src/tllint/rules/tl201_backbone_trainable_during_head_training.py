"""TL201: the first training step of a model with a fresh head runs with the backbone trainable."""

from __future__ import annotations

from tllint.engine.timeline import TrainableEvent, compatible, state_of, unit_contains
from tllint.engine.values import Backbone, LayerSet
from tllint.engine.learning_rates import fmt, rate_at
from tllint.rules import Report, Rule
from tllint.rules._common import _touches, fresh_head_at, has_fresh_head, head_training_trains, unit_label, versions_field
from tllint.rules._timeline_places import BUILT, Places, compile_label, short_name

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
            if not fresh_head_at(script, model, first):
                continue  # weights restored into the head (load_weights) on some path: not fresh
            for backbone in model.backbones:
                trains = head_training_trains(script, model, backbone, first)
                if trains is None:
                    continue
                affected, state = trains
                yield self._report(script, model, backbone, first, state, versions_field(affected))

    def _report(self, script, model, backbone: Backbone, first, state, keras):
        culprit = None
        partial = None
        for ev in script.events:
            if ev.index >= first.index:
                break
            if isinstance(ev, TrainableEvent) and ev.value and _touches(ev.target, backbone):
                culprit = ev
            if isinstance(ev, TrainableEvent) and ev.value is False and _freezes_part_of(ev.target, backbone):
                partial = ev
        step_text = {"implicit": "the first training step (here the `compile`)",
                     "custom_loop": "the first step of the custom loop"}.get(first.method, "the first `fit`")
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
            node = partial.node  # the slice to widen is the fix, so the finding sits on it
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
            f"recompile with a new optimizer and a low learning rate (1e-5) to fine-tune. "
            f"If you train end to end on purpose, silence this finding (`# noqa: TL201`) and keep the "
            f"learning rate low and BatchNormalization frozen (TL204, TL205 check this step too)."
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
                      "unit": backbone, "model": model, "first": first, "culprit": culprit},
                      title=f"{short_name(backbone, start=True)} is {how} while the new head trains",
                      related=_related(script, node, backbone, model, first, culprit, partial))


def _related(script, node, backbone: Backbone, model, first, culprit, partial):
    """Built, (partly) frozen or unfrozen, compiled, trained: the head-training timeline."""
    places = Places(script, node).add(backbone.node, "backbone built here", BUILT)
    if culprit is None:
        places.event(partial, "only some of its layers frozen here")
    else:
        frozen = [ev for ev in script.events[: culprit.index] if isinstance(ev, TrainableEvent) and ev.value is False
                  and compatible(ev.cond, culprit.cond) and _touches(ev.target, backbone)]
        if frozen:
            whole = state_of(backbone, script.events, frozen[-1].index + 1, frozen[-1].cond).any_trainable is False
            places.event(frozen[-1], "frozen here" if whole else "some of its layers frozen here")
        places.event(culprit, "unfrozen here")
    compile_ev = script.last_compile_before(model, first)
    if compile_ev is not None:
        places.event(compile_ev, compile_label(script, compile_ev))
    places.step(first, "trained here (head)")
    return places.build()


def _freezes_part_of(target, backbone: Backbone) -> bool:
    """A freeze that reaches (some of) the backbone's layers: its own, or a slice of the layers of
    a model holding it (`model.layers[:15]` of a model built on `base.input`)."""
    if isinstance(target, LayerSet):
        return target.owner is backbone or unit_contains(target.owner, backbone)
    return _touches(target, backbone)
