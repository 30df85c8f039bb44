"""TL301: the final activation, the loss and `from_logits` disagree."""

from __future__ import annotations

from tllint.rules import Report, Rule
from tllint.rules._common import Lazy
from tllint.rules._heads import compiled_heads, head_places, head_text, loss_place, loss_name, loss_node, loss_title


class LossActivationMismatch(Rule):
    code = "TL301"
    name = "loss-activation-mismatch"
    severity = "error"
    summary = "The final layer's activation, the loss and `from_logits` disagree."

    def check(self, script):
        for model, compile_ev, head, loss in compiled_heads(script):
            if head is None or head.activation == "other":
                continue
            found = self._problem(script, head, loss)
            if found is None:
                continue
            kind, message, severity = found
            at = loss_node(compile_ev.node)
            yield Report(at, message, severity=severity,
                         data={"kind": kind, "activation": head.activation, "units": head.units,
                               "loss": loss.name, "from_logits": loss.from_logits, "head_line": script.line(head.node)},
                         title=_title(kind, head, loss), related=head_places(head) + loss_place(loss, at))

    def _problem(self, script, head, loss):
        act, units = head.activation, head.units
        where = Lazy(lambda: head_text(script, head))  # positions cost a metadata pass: only for a finding
        lname = loss_name(loss)
        if act == "softmax" and units == 1:
            return ("softmax-one-unit",
                    (f"{where} applies softmax over a single unit: its output is always 1.0, whatever the input, so "
                    f"{lname} has nothing to learn from (the loss never moves). For two classes use "
                    f"`Dense(1, activation='sigmoid')` with `binary_crossentropy`, or `Dense(2, activation='softmax')` "
                    f"with `sparse_categorical_crossentropy`."), None)
        if loss.from_logits is True and act in ("softmax", "sigmoid"):
            return ("logits-after-activation",
                    (f"{lname} expects raw logits, but {where} already applies `{act}`: the loss squashes the "
                    f"probabilities a second time, the gradients shrink and training stalls far from the optimum "
                    f"(Keras only prints an easy-to-miss warning). Remove the activation "
                    f"(`activation=None`) or set `from_logits=False`."), None)
        if loss.from_logits is False and act == "linear":
            fixed = {"categorical": "keras.losses.CategoricalCrossentropy(from_logits=True)",
                     "sparse": "keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
                     "binary": "keras.losses.BinaryCrossentropy(from_logits=True)"}[loss.kind]
            return ("linear-without-from-logits",
                    (f"{where} outputs raw logits (no activation), but {lname} uses `from_logits=False` "
                    f"(the default for strings and functions): it treats the logits as probabilities, clips them to "
                    f"[1e-7, 1 - 1e-7] and the gradients vanish or point the wrong way. Use `loss={fixed}`, or put "
                    f"the `{'sigmoid' if loss.kind == 'binary' else 'softmax'}` activation on the final layer."), None)
        if act == "sigmoid" and loss.kind in ("categorical", "sparse"):
            if units == 1 and loss.kind == "categorical":
                return ("sigmoid-categorical",
                        (f"{where} has one sigmoid unit, but {lname} normalises the outputs to sum to 1: with one unit "
                        f"that is always 1.0, the loss is 0 for every sample and nothing is learned. Use "
                        f"`binary_crossentropy` with labels 0/1 (`class_mode='binary'` / `label_mode='binary'`)."), None)
            return ("sigmoid-categorical",
                    (f"{where} uses `sigmoid` (independent per-class probabilities), but {lname} expects a softmax "
                    f"distribution over the classes: the outputs are renormalised behind your back and the gradients "
                    f"no longer match the model. Use `activation='softmax'` for single-label classes, or "
                    f"`binary_crossentropy` for multi-label targets."), None)
        if act == "softmax" and loss.kind == "binary" and units is not None and units > 2:
            return ("softmax-binary",
                    (f"{where} is a {units}-way softmax, but {lname} scores each of the {units} outputs as an "
                    f"independent yes/no: the loss no longer matches the softmax and `metrics=['accuracy']` becomes "
                    f"binary accuracy, about {100 * (units - 1) // units}% from predicting \"no\" everywhere. Use "
                    f"`categorical_crossentropy` (one-hot labels) or `sparse_categorical_crossentropy` (integer labels)."),
                    "warning")
        return None


def _title(kind: str, head, loss) -> str:
    act, units, name = head.activation, head.units, loss_title(loss)
    if kind == "softmax-one-unit":
        return "Softmax over a single unit: the output is always 1.0"
    if kind == "logits-after-activation":
        return f"{act.capitalize()} output trained with from_logits=True"
    if kind == "linear-without-from-logits":
        return f"Logits (no activation) trained with {name}, from_logits=False"
    if kind == "sigmoid-categorical" and units == 1 and loss.kind == "categorical":
        return f"One sigmoid unit trained with {name}: the loss is always 0"
    if kind == "sigmoid-categorical":
        return f"Sigmoid output trained with {name}, which expects a softmax"
    if kind == "softmax-binary":
        return f"{units}-way softmax trained with {name}"
    return f"The final activation does not match {name}"
