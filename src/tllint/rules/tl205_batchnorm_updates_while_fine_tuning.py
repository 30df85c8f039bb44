"""TL205: BatchNormalization layers of the backbone are trainable in a fine-tuning step.

Their moving mean/variance get updated with the small fine-tuning batches and the pretrained
statistics drift. `base(x, training=False)` prevents it on Keras 2 / tf_keras, in subclassed models
and on Keras 3.16+, but not in functional models on Keras 3.0 to 3.15, where `Functional.call`
overrides the recorded `training=False` with fit's `training=True` (keras-facts §0 item 1, §2(d)).
The fix that works on every version: after unfreezing, set `trainable = False` on each
BatchNormalization layer (a frozen BN always runs in inference mode), then recompile with a new
optimizer (keras-facts §2(d) row 6).
"""

from __future__ import annotations

from tllint.engine.layersets import bn_trainable
from tllint.engine.values import Const
from tllint.rules import Report, Rule
from tllint.rules._common import (
    captured_state,
    first_unfreeze_before,
    has_fresh_head,
    head_training_trains,
    step_phase,
    step_words,
    unit_label,
    versions_field,
    versions_to_check,
)
from tllint.rules._timeline_places import BUILT, CALLED, Places, compile_label, last_change, short_name, title


class BatchNormUpdatesWhileFineTuning(Rule):
    code = "TL205"
    name = "batchnorm-updates-while-fine-tuning"
    severity = "warning"
    summary = "BatchNormalization layers of the backbone update their statistics while fine-tuning."

    def check(self, script):
        reported: set[int] = set()
        for model in script.models:
            if not has_fresh_head(model):
                continue
            steps = script.steps(model)
            for step in steps:
                head_step = step_phase(script, model, step) == "head"
                for backbone in model.backbones:
                    if not backbone.pretrained:
                        continue
                    if head_step and head_training_trains(script, model, backbone, steps[0]) is None:
                        continue  # the first step trains only the head
                    result = self._affected(script, model, backbone, step)
                    if result is None:
                        continue
                    affected, training_false, verdict = result
                    cause = first_unfreeze_before(script, backbone, step)
                    node = cause.node if cause is not None else step.node
                    # One finding per root cause: the unfreeze, else the backbone left trainable
                    # (a second model fine-tuned on the same backbone in the same state adds none).
                    key = id(cause.node) if cause is not None else id(backbone)
                    if key in reported:
                        continue
                    reported.add(key)
                    yield self._report(script, model, backbone, step, cause, affected, training_false, verdict)

    def _affected(self, script, model, backbone, step):
        feeds = [f for f in model.feeds if f.backbone is backbone]
        if not feeds:
            feeds = [f for f in script.feeds if f.backbone is backbone]
        if not feeds and model.kind == "subclass":
            from tllint.engine.subclass import call_sites

            feeds = [s for s in call_sites(script, model) if s.callee is backbone]
        if not feeds:
            return None
        trainings = {self._training(f) for f in feeds}
        if "unknown" in trainings or len(trainings) != 1:
            return None
        training = trainings.pop()
        verdicts = []
        for major in versions_to_check(script.target):
            state = captured_state(script, backbone, model, step, major)
            verdict = bn_trainable(state, backbone, major)
            if verdict.trainable is not True:
                return None
            verdicts.append(verdict)
        training_false = training == "false"
        if not training_false:
            return {"2", "3"}, False, verdicts[0]
        # `base(x, training=False)`: honoured by Keras 2, by subclassed models and by Keras 3.16+.
        if model.kind != "functional":
            return None
        overridden = script.target.training_arg_overridden
        if overridden is False:
            return None
        return {"3"}, True, verdicts[0]

    @staticmethod
    def _training(feed) -> str:
        t = feed.training
        if t is None:
            return "none"
        if isinstance(t, Const) and t.value is False:
            return "false"
        if isinstance(t, Const) and t.value in (True, None):
            return "none"
        return "unknown"

    def _report(self, script, model, backbone, step, cause, affected, training_false, verdict):
        label = unit_label(backbone)
        step_line = script.line(step.node)
        step_word = step_words(step, step_line) if not step.implicit else f"the fine-tuning step of the compile at line {step_line}"
        var = backbone.var or "base_model"
        what = "all of it" if verdict.whole else f"{verdict.count} of its layers" if verdict.count else "part of it"
        if cause is not None:
            start = f"`{script.code(cause.node)}` (line {script.line(cause.node)}) leaves {label} trainable ({what}) in {step_word}, BatchNormalization layers included"
        else:
            start = f"{label} is trainable ({what}) in {step_word}, BatchNormalization layers included"
        if training_false:
            why = (
                f"`{var}(x, training=False)` does not keep them in inference mode here: on Keras 3.0 to 3.15 a functional "
                f"model overrides the recorded `training=False` with fit's `training=True`, so their moving mean and "
                f"variance are updated with the fine-tuning batches (Keras 2 / tf_keras and Keras 3.16+ honour "
                f"`training=False`)"
            )
        else:
            why = (
                "the backbone is called without `training=False`, so on every Keras version their moving mean and "
                "variance are re-estimated from the small fine-tuning batches and the pretrained statistics drift"
            )
        fix = (
            f"After unfreezing, freeze them again, which works on every version: "
            f"`for layer in {var}.layers: if isinstance(layer, keras.layers.BatchNormalization): layer.trainable = False`, "
            f"then recompile with a new optimizer."
        )
        message = f"{start}; {why}. {fix}"
        node = cause.node if cause is not None else step.node
        head_step = step_phase(script, model, step) == "head"
        return Report(node, message, keras=versions_field(affected),
                      data={"step_line": step_line, "training_false": training_false,
                            "unit": backbone, "model": model, "step": step, "cause": cause},
                      title=_title(backbone, training_false, head_step, verdict.whole),
                      related=_related(script, node, model, backbone, step, cause, training_false, head_step))


def _title(backbone, training_false: bool, head_step: bool, whole: bool = True) -> str:
    if head_step:
        when = "while it trains end to end" if whole else "while part of it trains with the new head"
    else:
        when = "during fine-tuning"
    despite = " despite training=False" if training_false else ""
    return title(f"{short_name(backbone, start=True)}'s BatchNorm layers update {when}{despite}",
                 f"BatchNorm layers update {when}{despite}")


def _related(script, node, model, backbone, step, cause, training_false, head_step):
    """(Called with training=False,) unfrozen, compiled, fine-tuned."""
    places = Places(script, node)
    if cause is None:
        places.add(backbone.node, "backbone built here", BUILT)
        cause = last_change(script, backbone, step, True)
        if cause is None:
            places.event(last_change(script, backbone, step, False), "only some of its layers frozen here")
    if training_false:
        feed = next((f for f in model.feeds if f.backbone is backbone and f.training is not None), None)
        if feed is not None:
            places.add(feed.node, "called with training=False here (overridden by fit on Keras 3.0-3.15)", CALLED)
    places.event(cause, "unfrozen here")
    compile_ev = script.last_compile_before(model, step)
    if compile_ev is not None:
        places.event(compile_ev, compile_label(script, compile_ev))
    places.step(step, "trained end to end here" if head_step else "fine-tuned here")
    return places.build()
