"""Verdicts on the head, the loss and the labels (TL301, TL302, TL303)."""

from __future__ import annotations

from tllint.finding import Finding
from tllint.knowledge.losses import canonical_loss

from .timeline import CONFIRMED, INCONCLUSIVE, REFUTED, Timeline, Verdict, fmt_number, short_error


def canon_loss(loss: dict | None) -> str | None:
    """The message spelling of an observed loss (`CategoricalFocalCrossentropy` ->
    `categorical_crossentropy`), None for a loss tllint does not check."""
    if not loss:
        return None
    return canonical_loss(str(loss.get("name", "")))


def _output_and_loss(t: Timeline) -> tuple[dict | None, dict | None]:
    """The first training call that saw an output layer or a loss (the reference), and its output."""
    for c in t.calls:
        if c.get("output") or c.get("loss"):
            return c, c.get("output")
    return None, None


def verdict_tl301(t: Timeline, f: Finding) -> Verdict:
    call, out = _output_and_loss(t)
    if call is None:
        comp = t.compile_near(f.line)
        if comp is None:
            return t.not_observed("the compiled loss and the output layer")
        return t.not_observed("a training step (output activation)")
    loss = call.get("loss") or {}
    lname = canon_loss(loss)
    act = (out or {}).get("activation")
    units = (out or {}).get("units")
    logits = bool(loss.get("from_logits"))
    outputs = next((bg.get("outputs") for bg in call.get("begins", []) if bg.get("outputs")), None) or {}
    obs = ""
    if outputs.get("min") is not None:
        obs = f", outputs ranged {fmt_number(outputs['min'])}..{fmt_number(outputs['max'])}"
        if outputs.get("rowsum_mean") is not None and (units or 0) > 1:
            obs += f" (rows sum to {fmt_number(outputs['rowsum_mean'])})"
    text = f"the output layer '{(out or {}).get('layer')}' has {units} units with {act} activation{obs}; loss {loss.get('name')} (from_logits={logits})"
    if lname is None or act is None:
        return INCONCLUSIVE, text + ": not a loss/activation pair tllint checks"
    bad = False
    if logits and act in ("softmax", "sigmoid"):
        bad = True
    elif not logits and act in ("linear", None) and lname in ("categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy"):
        bad = True
    elif lname == "binary_crossentropy" and act == "softmax" and (units or 0) > 2:
        bad = True
    elif lname in ("categorical_crossentropy", "sparse_categorical_crossentropy") and act == "sigmoid" and (units or 0) > 1:
        bad = True
    elif lname in ("categorical_crossentropy", "sparse_categorical_crossentropy") and act == "softmax" and units == 1:
        bad = True
    return (CONFIRMED if bad else REFUTED), text


def verdict_tl302(t: Timeline, f: Finding) -> Verdict:
    call, out = _output_and_loss(t)
    if call is None:
        return t.not_observed("a training step (labels and loss)")
    loss = call.get("loss") or {}
    lname = canon_loss(loss)
    labels = next((bg.get("labels") for bg in call.get("begins", []) if bg.get("labels")), None)
    units = (out or {}).get("units")
    act = (out or {}).get("activation")
    ex = call.get("exception")
    if labels is None:
        if ex:
            return CONFIRMED if "shape" in ex.get("message", "").lower() else INCONCLUSIVE, f"{t.where(call)} failed: {ex['type']}: {short_error(ex['message'])}"
        return t.not_observed("the labels of a training batch")
    shape = tuple(labels.get("shape") or ())
    lo, hi = labels.get("min"), labels.get("max")
    rng = f"{int(lo)}..{int(hi)}" if labels.get("integral") and lo is not None and hi is not None else f"{fmt_number(lo)}..{fmt_number(hi)}"
    text = f"labels {labels.get('dtype')} of shape {shape} (values {rng}) with loss {loss.get('name')} and a {units}-unit {act} output"
    int_coded = labels.get("integral") and not labels.get("onehot") and (len(shape) == 1 or (len(shape) == 2 and shape[-1] == 1))
    onehot = labels.get("onehot")
    bad = None
    if lname == "categorical_crossentropy" and int_coded and (units or 0) > 1:
        bad = "integer labels need sparse_categorical_crossentropy (or one-hot labels)"
    elif lname == "sparse_categorical_crossentropy" and onehot:
        bad = "one-hot labels need categorical_crossentropy"
    elif onehot and units and shape and shape[-1] != units:
        bad = f"{shape[-1]} one-hot classes but {units} output units"
    elif int_coded and units and units > 1 and labels.get("max") is not None and labels["max"] >= units:
        bad = f"label {int(labels['max'])} does not fit {units} output units"
    elif int_coded and act == "softmax" and (units or 0) > 2 and labels.get("distinct") == 2 and labels.get("max") == 1:
        bad = "binary labels with a multi-unit softmax"
    if ex and "shape" in ex.get("message", "").lower():
        return CONFIRMED, text + f"; {t.where(call)} failed: {ex['type']}: {short_error(ex['message'], 200)}"
    if bad:
        return CONFIRMED, f"{text}: {bad}"
    return REFUTED, text


def verdict_tl303(t: Timeline, f: Finding) -> Verdict:
    if not t.dense:
        return t.not_observed("a Dense layer being built")
    d = min(t.dense, key=lambda e: abs((e.get("line") or 10**6) - f.line))
    shape = tuple(d.get("input_shape") or ())
    text = f"Dense '{d['layer']}' (line {d.get('line')}) received a rank-{d.get('rank')} input {shape}"
    if (d.get("rank") or 0) > 2:
        return CONFIRMED, text + ": it is applied at every spatial position instead of once per image"
    return REFUTED, text

