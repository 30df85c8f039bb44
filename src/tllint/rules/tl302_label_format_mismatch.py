"""TL302: the labels the data yields do not fit the loss or the number of output units."""

from __future__ import annotations

import libcst as cst

from tllint.engine.heads import labels_of
from tllint.rules import Report, Rule
from tllint.rules._common import Lazy
from tllint.rules._heads import compiled_heads, head_places, head_text, loss_name, loss_node

MODE_TEXT = {
    "int": "integer class indices",
    "categorical": "one-hot vectors",
    "binary": "a single 0/1 column",
}


def _kwarg_of(node) -> str | None:
    """The labels option a loader has (`label_mode` / `class_mode`), or None for to_categorical & co."""
    if isinstance(node, cst.Call):
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if name.startswith("image_dataset_from_directory") or name == "image_dataset":
            return "label_mode"
        if name.startswith("flow_from_"):
            return "class_mode"
    return None


_UNITS_KINDS = ("binary-units", "onehot-one-unit", "sparse-one-unit", "count")


def _labels_label(labels) -> str:
    option = _kwarg_of(labels.node)
    count = f"{labels.num_classes} classes" if labels.num_classes else ""
    if labels.mode == "categorical" and option is None:
        return f"labels one-hot encoded here{f' ({count})' if count else ''}"
    what = {"int": "integer labels", "categorical": "one-hot labels", "binary": "0/1 labels"}[labels.mode]
    notes = [_option_text(labels.node, option)] if option else []
    joined = ", ".join(n for n in notes + [count] if n)
    return f"{what} made here ({joined})" if joined else f"{what} made here"


def _option_text(call, option: str) -> str:
    """`label_mode='binary'` as written, `class_mode='categorical' by default` when left out."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == option:
            value = arg.value
            return f"{option}={value.value}" if isinstance(value, cst.SimpleString) else ""
    default = {"label_mode": "'int'", "class_mode": "'categorical'"}[option]
    return f"{option}={default} by default"


def _related(kind: str, head, labels, step) -> list[tuple]:
    """The labels' source, the final layer where the unit count matters, then the training step."""
    out: list[tuple] = []
    if labels.node is not None:
        out.append((labels.node, _labels_label(labels)))
    if kind in _UNITS_KINDS:
        out.extend(head_places(head))
    if step.node is not None and step.node is not labels.node:
        out.append((step.node, "trained here"))
    return out


def _title(kind: str, head, loss, labels) -> str:
    name, units, n = loss.name, head.units if head is not None else None, labels.num_classes
    titles = {
        "int-categorical": f"Integer labels trained with {name}, which expects one-hot",
        "onehot-sparse": f"One-hot labels trained with {name}, which expects integers",
        "binary-categorical": f"0/1 labels trained with {name}",
        "binary-units": f"0/1 labels, but the final layer has {units} units",
        "onehot-one-unit": "One-hot labels, but the model ends in a single unit",
        "sparse-one-unit": f"{name} on a single-unit output: label 1 is out of range",
        "int-binary": f"{n} integer classes trained with {name}",
        "count": f"The labels have {n} classes, but the final layer has {units} units",
    }
    return titles.get(kind, f"The labels do not fit {name}")


class LabelFormatMismatch(Rule):
    code = "TL302"
    name = "label-format-mismatch"
    severity = "error"
    summary = "The label format (integer, one-hot, binary) or class count does not match the loss and the output units."

    def check(self, script):
        reported: set[int] = set()
        for model, compile_ev, head, loss in compiled_heads(script):
            for step in script.steps(model, implicit=False):
                if script.last_compile_before(model, step) is not compile_ev:
                    continue
                labels = labels_of(step)
                if labels is None:
                    continue
                found = self._problem(script, head, loss, labels)
                if found is None or id(compile_ev) in reported:
                    continue
                reported.add(id(compile_ev))
                kind, message = found
                yield Report(loss_node(compile_ev.node), message,
                             data={"kind": kind, "labels": labels.mode, "loss": loss.name,
                                   "source_line": script.line(labels.node), "units": head.units if head else None},
                             title=_title(kind, head, loss, labels), related=_related(kind, head, labels, step))

    def _problem(self, script, head, loss, labels):
        units = head.units if head is not None else None
        act = head.activation if head is not None else None
        src_line = Lazy(lambda: script.line(labels.node))
        option = _kwarg_of(labels.node)
        note = ""
        if option == "label_mode" and labels.mode == "int":
            note = " (`label_mode='int'` is the default)"
        if option == "class_mode" and labels.mode == "categorical":
            note = " (`class_mode='categorical'` is the default)"
        what = Lazy(lambda: f"`{labels.source}` (line {src_line}) yields {MODE_TEXT[labels.mode]}{note}")
        lname = loss_name(loss)
        n = labels.num_classes

        if labels.mode == "int" and loss.kind == "categorical":
            alt = (f"`{option}='categorical'` at line {src_line}" if option
                   else "one-hot labels (`keras.utils.to_categorical(y, num_classes)`)")
            return ("int-categorical",
                    (f"{what}, but {lname} expects one-hot vectors: the shapes disagree and training fails or "
                    f"compares the wrong numbers. Use `sparse_categorical_crossentropy`, or {alt}."))
        if labels.mode == "categorical" and loss.kind == "sparse":
            alt = (f"`{option}='{'sparse' if option == 'class_mode' else 'int'}'` at line {src_line}" if option
                   else "integer labels (drop the `to_categorical` / `one_hot`)")
            return ("onehot-sparse",
                    (f"{what}, but {lname} expects one integer class index per sample: training fails with a shape "
                    f"error or reads the one-hot rows as class indices. Use `categorical_crossentropy`, or {alt}."))
        if labels.mode == "binary" and loss.kind == "categorical":
            return ("binary-categorical",
                    (f"{what}, but {lname} expects one-hot vectors over several classes: with one column the "
                    f"normalised target is always 1 and the loss is constant, with more units the shapes disagree. "
                    f"Use `binary_crossentropy` with `Dense(1, activation='sigmoid')`, or "
                    f"`{option or 'label_mode'}='categorical'` at line {src_line}."))
        if labels.mode == "binary" and loss.kind == "binary" and units is not None and units > 1:
            return ("binary-units",
                    (f"{what}, but {head_text(script, head)} has {units} units: Keras 3 stops at the first batch "
                    f"(target and output shapes differ), Keras 2 / tf_keras broadcasts the single label column over "
                    f"all {units} outputs, so every unit learns the same target and the predictions mean nothing. Use `Dense(1, activation='sigmoid')`, or "
                    f"`{option or 'label_mode'}='categorical'` at line {src_line} with `categorical_crossentropy`."))
        if labels.mode == "categorical" and loss.kind == "binary" and units == 1:
            alt = f"`{option}='binary'` at line {src_line}" if option else "0/1 labels instead of one-hot ones"
            return ("onehot-one-unit",
                    (f"{what}, but the model ends in one unit ({head_text(script, head)}): Keras 3 stops at the "
                    f"first batch (target and output shapes differ), Keras 2 / tf_keras makes {lname} broadcast the "
                    f"single output against every one-hot column, pushing it towards 0 and 1 at once, and it learns "
                    f"nothing useful. Use {alt}, or `Dense({n or 'num_classes'}, activation='softmax')` "
                    f"with `categorical_crossentropy`."))
        if loss.kind == "sparse" and units == 1 and labels.mode in ("int", "binary"):
            return ("sparse-one-unit",
                    (f"{what}, but {head_text(script, head)} has a single unit: {lname} needs one output per class, "
                    f"so label 1 is out of range (NaN loss or an error). Use `Dense(2, activation='softmax')`, or "
                    f"`Dense(1, activation='sigmoid')` with `binary_crossentropy`."))
        if labels.mode == "int" and loss.kind == "binary" and n is not None and n > 2:
            return ("int-binary",
                    (f"{what} over {n} classes, but {lname} treats them as 0/1 targets: classes above 1 are not "
                    f"valid probabilities and the model cannot separate them. Use "
                    f"`Dense({n}, activation='softmax')` with `sparse_categorical_crossentropy`."))
        if n is not None and units is not None and act in ("softmax", "linear"):
            if loss.kind == "categorical" and labels.mode == "categorical" and units != n:
                return ("count",
                        (f"{what} of length {n}, but {head_text(script, head)} has {units} units: the shapes "
                        f"disagree and training fails. Use `Dense({n}, ...)` (or derive the unit count from the "
                        f"data: `len(class_names)`)."))
            if loss.kind == "sparse" and labels.mode == "int" and units < n:
                return ("count",
                        (f"{what} for {n} classes, but {head_text(script, head)} has only {units} units: labels "
                        f"{units}..{n - 1} are out of range for {lname} (NaN loss or an error). Use `Dense({n}, ...)`."))
        return None
