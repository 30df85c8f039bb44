"""TL305: a backbone built with `weights=None` is frozen, so the head trains on random features."""

from __future__ import annotations

import re

from tllint.engine.timeline import TrainableEvent, compatible, unit_contains
from tllint.engine.values import LayerSet, Model
from tllint.rules import Report, Rule
from tllint.rules._common import unit_label

# Weights loaded after construction make the backbone pretrained after all: say nothing then.
_LOADS_WEIGHTS = re.compile(r"\.(load_weights|set_weights)\s*\(|load_model\s*\(|\.restore\s*\(")


def _touches(target, backbone) -> bool:
    if isinstance(target, LayerSet):
        return target.owner is backbone or (isinstance(target.owner, Model) and unit_contains(target.owner, backbone))
    return target is backbone or (isinstance(target, Model) and unit_contains(target, backbone))


class FrozenRandomBackbone(Rule):
    code = "TL305"
    name = "frozen-random-backbone"
    severity = "error"
    summary = "A backbone built with `weights=None` (random weights) is frozen while the head trains."

    def check(self, script):
        if _LOADS_WEIGHTS.search(script.source):
            return
        reported: set[int] = set()
        for model in script.models:
            for backbone in model.backbones:
                if backbone.kind != "applications" or backbone.weights != "none":
                    continue
                for step in script.steps(model):
                    state = script.state_at(backbone, step)
                    if state.fully_frozen is not True:
                        continue
                    compile_ev = script.last_compile_before(model, step)
                    if compile_ev is not None and script.state_at(backbone, compile_ev).fully_frozen is not True:
                        continue  # the versions disagree on the state: TL202's subject
                    if self._trained_before(script, backbone, step):
                        continue  # trained from scratch first, then frozen: the features are learned
                    freeze = None
                    for ev in script.events[: step.index]:
                        if (isinstance(ev, TrainableEvent) and ev.value is False and compatible(ev.cond, step.cond)
                                and _touches(ev.target, backbone)):
                            freeze = ev
                    if freeze is None or freeze.index in reported:
                        continue
                    reported.add(freeze.index)
                    step_text = (f"training (compiled at line {script.line(step.node)})" if step.implicit
                                 else f"`{step.method}` at line {script.line(step.node)}")
                    message = (
                        f"`{script.code(freeze.node)}` (line {script.line(freeze.node)}) freezes {unit_label(backbone)}, "
                        f"which was built with `weights=None` (line {script.line(backbone.node)}): its weights are random "
                        f"and stay random, so in {step_text} the head trains on random features and accuracy stays "
                        f"near chance. Load pretrained weights (`weights='imagenet'`), or keep the backbone trainable "
                        f"when training from scratch."
                    )
                    yield Report(freeze.node, message, data={"backbone": backbone.name, "backbone_line": script.line(backbone.node),
                                                          "unit": backbone},
                                 title=f"{backbone.name} with random weights (weights=None) is frozen while the head trains",
                                 related=[(backbone.node, f"{backbone.name} built here with weights=None (random weights)"),
                                          (step.node, "compiled here: training starts with random features frozen"
                                           if step.implicit else f"{step.method} here: the head trains on random features")])

    @staticmethod
    def _trained_before(script, backbone, step) -> bool:
        """Did an earlier training step (of any model holding the backbone) update it?"""
        from tllint.engine.timeline import TrainEvent

        for ev in script.events[: step.index]:
            if not isinstance(ev, TrainEvent) or ev.implicit or not compatible(ev.cond, step.cond):
                continue
            model = ev.model
            if not (isinstance(model, Model) and (unit_contains(model, backbone) or backbone in model.backbones)):
                continue
            if script.state_at(backbone, ev).any_trainable is not False:
                return True
        return False
