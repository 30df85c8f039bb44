"""TL404: `argmax` over the class axis of a model whose output has one unit.

`np.argmax(model.predict(x), axis=-1)` on the `(n, 1)` output of `Dense(1, activation="sigmoid")`
is 0 for every sample (docs/facts/tl404_argmax_single_output.*.out): the reported classes,
accuracy or submission are all "class 0". The engine records argmax over the class axis of
predictions (engine/api/evaluation.py); this rule asks the model's head for its unit count.
"""

from __future__ import annotations

from tllint.engine.api.evaluation import ArgmaxEvent
from tllint.engine.heads import final_head
from tllint.engine.values import Model
from tllint.rules import Report, Rule
from tllint.rules._evaluation import reaches


class ArgmaxOverSingleOutput(Rule):
    code = "TL404"
    name = "argmax-over-single-output"
    severity = "error"
    summary = "`argmax` over the last axis of a single-unit output (`Dense(1, activation=\"sigmoid\")`): always class 0."

    def check(self, script):
        seen: set[int] = set()
        for ev in script.events:
            if not isinstance(ev, ArgmaxEvent) or id(ev.node) in seen:
                continue
            seen.add(id(ev.node))
            preds = ev.predictions
            if not isinstance(preds.model, Model):
                continue  # a model loaded from a file: its head is not known
            head = final_head(script, preds.model)
            if head is None or head.units != 1 or head.from_backbone:
                continue
            layer = head.dense if head.dense is not None else head.layer
            if not reaches(script, layer.node, ev.node) or not reaches(script, preds.node, ev.node):
                continue  # a head built in one arm of an `if`, the argmax outside it
            head_text = f"`{script.code(layer.node)}` (line {script.line(layer.node)})"
            if head.activation == "sigmoid":
                fix = ("threshold the probability instead: `(probs[:, 0] > 0.5).astype(int)` "
                       "(one row: `int(probs[0][0] > 0.5)`)")
            elif head.activation == "linear":
                fix = "threshold the logit instead: `(logits[:, 0] > 0).astype(int)`"
            else:
                fix = (f"a one-unit {head.activation} does not give classes: give the head one unit per class, "
                       f"or use one sigmoid unit and threshold it at 0.5")
            message = (f"`{script.code(ev.node)}` takes the argmax over the class axis of "
                       f"`{script.code(preds.node)}` (line {script.line(preds.node)}), but the model ends in {head_text} "
                       f"with a single output unit: that axis has one entry, so the argmax is 0 for every sample and "
                       f"every prediction, metric or submission built from it says \"class 0\". Fix: {fix}.")
            yield Report(ev.node, message, data={"predict_line": script.line(preds.node), "units": 1,
                                                 "activation": head.activation, "call": ev.node,
                                                 "rank": preds.rank},
                         title="argmax over a single-unit output: every prediction is class 0",
                         related=[(layer.node, f"final layer here (1 unit, {'no activation' if head.activation == 'linear' else head.activation})"),
                                  (preds.node, "predictions made here, one column")])
