"""TL204: a training step with (part of) the pretrained backbone trainable uses a high learning rate.

Fine-tuning wants a very low rate (Keras guide: Adam(1e-5); TF tutorial: the head rate / 10,
keras-facts §3.1 items 9, 11 and §3.2 item 15). Reported: a rate >= 1e-3 (optimizer defaults
included: 'adam', Adam(), 'rmsprop', RMSprop() are 1e-3, SGD() 0.01), or a rate not lower than the
one the head was trained with. The first training step counts too when the backbone trains in
it (TL201's subject: a script that trains end to end from the start still needs a low rate). Not
reported: scripts that only fine-tune at a low rate, unknown rates.
"""

from __future__ import annotations

from tllint.engine.learning_rates import fmt, rate_at
from tllint.rules import Report, Rule
from tllint.rules._common import (
    backbone_trainable,
    first_unfreeze_before,
    fresh_head_at,
    head_training_trains,
    step_phase,
    step_words,
    unit_label,
)
from tllint.rules._timeline_places import Places, compile_label, short_name, title

HIGH = 1e-3


class FineTuneLearningRateTooHigh(Rule):
    code = "TL204"
    name = "fine-tune-learning-rate-too-high"
    severity = "warning"
    summary = "The backbone is fine-tuned with a learning rate that wrecks its pretrained weights."

    def check(self, script):
        reported: set[int] = set()
        for model in script.models:
            steps = script.steps(model)
            if not steps or model.kind == "keras_hub_task":
                continue  # (a keras_hub task builds its own head: which phase a step is, is unknown)
            head_rate = None
            fresh = fresh_head_at(script, model, steps[0])
            if fresh:
                first = steps[0]
                if all(backbone_trainable(script, b, model, first) is False for b in model.backbones if b.pretrained):
                    head_rate = rate_at(script, model, first)
            for step in steps:
                head_step = step_phase(script, model, step) == "head"
                if step.implicit and not fresh:
                    # A pretrained model compiled with no head and no fit in sight is used for
                    # inference (compile before predict/evaluate, bottleneck features): no training.
                    continue
                if head_step:
                    # Training end to end from the first step: TL201's subject, and the rate still matters.
                    trainable = [b for b in model.backbones if head_training_trains(script, model, b, steps[0])]
                else:
                    trainable = [b for b in model.backbones if b.pretrained and backbone_trainable(script, b, model, step)]
                if not trainable:
                    continue
                rate = rate_at(script, model, step)
                if rate is None:
                    continue
                too_high = rate.value >= HIGH
                not_lower = head_rate is not None and rate.value >= head_rate.value and rate.optimizer is not head_rate.optimizer
                same_opt = head_rate is not None and rate.optimizer is head_rate.optimizer and not rate.changed
                if not (too_high or not_lower):
                    continue
                if same_opt and not too_high:
                    continue
                key = id(rate.node)
                if key in reported:
                    continue
                reported.add(key)
                partly = head_step and _partly(script, model, trainable[0], steps[0])
                yield self._report(script, model, step, trainable[0], rate, head_rate, too_high, fresh, head_step, partly)

    def _report(self, script, model, step, backbone, rate, head_rate, too_high, fresh, head_step=False, partly=False):
        lr_line = script.line(rate.node)
        step_line = script.line(step.node)
        if rate.changed:
            source = f"set at line {lr_line}"
        elif rate.default:
            name = rate.optimizer.cls
            spelled = f"`'{name.lower()}'`" if getattr(rate.optimizer, "from_string", False) else f"`{name}()`"
            source = f"the default of {spelled} (line {lr_line})"
            if getattr(rate.optimizer, "compile_default", False):
                source = f"`compile`'s default optimizer, {name} (line {lr_line})"
        else:
            source = f"line {lr_line}"
        step_word = step_words(step, step_line) if not step.implicit else f"the training step of the compile at line {step_line}"
        label = unit_label(backbone)
        why = f"{fmt(rate.value)} ({source})"
        if not too_high and head_rate is not None:
            why += f", not lower than the head-training rate {fmt(head_rate.value)} (line {script.line(head_rate.node)})"
        suggestion = fmt(min(1e-5, head_rate.value / 10) if head_rate is not None else 1e-5)
        message = (
            f"{label} is (partly) trainable in {step_word}, which runs at learning rate {why}. "
            f"Fine-tuning pretrained weights at this rate overwrites the features they learned within a few "
            f"steps (the Keras guide fine-tunes with Adam(1e-5), the TensorFlow tutorial with a tenth of the "
            f"head rate). {_advice(step)}, e.g. "
            f"`optimizer=keras.optimizers.Adam(learning_rate={suggestion})`."
        )
        node = script_node(step, rate)
        return Report(node, message, data={"learning_rate": rate.value, "step_line": step_line, "suggested": suggestion,
                                           "rate": rate, "head_rate": head_rate, "model": model, "step": step},
                      title=_title(backbone, rate, head_rate, too_high, head_step, partly),
                      related=_related(script, node, model, step, backbone, rate, head_rate, head_step))


def _advice(step) -> str:
    if step.method == "custom_loop":
        return "Give the loop that fine-tunes the backbone an optimizer of its own at a low rate"
    return "Compile the fine-tuning stage with a new optimizer at a low rate"


def _partly(script, model, backbone, first) -> bool:
    """Only some of the backbone's layers train with the new head (`layers[:-25]` frozen)."""
    trains = head_training_trains(script, model, backbone, first)
    return trains is not None and trains[1].describe() == "partly trainable"


def _title(backbone, rate, head_rate, too_high, head_step, partly=False) -> str:
    name = short_name(backbone)
    value = fmt(rate.value)
    if head_step and partly:
        text = f"Training part of {name} with its new head at a high learning rate ({value})"
    elif head_step:
        text = f"Training {name} end to end at a high learning rate ({value})"
    elif not too_high and head_rate is not None:
        how = "at" if rate.value == head_rate.value else "above"
        text = f"Fine-tuning {name} {how} the head's learning rate ({value})"
    elif rate.default and not rate.changed:
        text = f"Fine-tuning {name} at {rate.optimizer.cls}'s default learning rate ({value})"
    else:
        text = f"Fine-tuning {name} at a high learning rate ({value})"
    return title(text, f"Fine-tuning the backbone at a high learning rate ({value})")


def _related(script, node, model, step, backbone, rate, head_rate, head_step):
    """(Head compiled and trained,) unfrozen, compiled, (rate set,) fine-tuned."""
    places = Places(script, node)
    if head_rate is not None and not head_step:
        if head_rate.compile is not None:
            places.event(head_rate.compile, compile_label(script, head_rate.compile, "head compiled here"))
        first = script.steps(model)[0]
        places.step(first, "head trained here")
    places.event(first_unfreeze_before(script, backbone, step), "unfrozen here")
    if rate.compile is not None:
        places.event(rate.compile, compile_label(script, rate.compile))
    else:
        places.add(rate.node, f"optimizer made here (lr {fmt(rate.value)})", step.index - 0.5)
    if rate.changed:
        places.add(rate.node, f"learning rate set to {fmt(rate.value)} here", step.index - 0.5)
    what = "trained end to end here" if head_step else "fine-tuned here"
    places.step(step, f"{what} (lr {fmt(rate.value)})")
    return places.build()


def script_node(step, rate):
    """Point at the statement that set the rate when it changed between fits, else the compile."""
    if rate.changed or rate.compile is None:
        return rate.node  # (a custom loop: the optimizer that applies the gradients)
    return rate.compile.node
