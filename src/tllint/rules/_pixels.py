"""Wording shared by the input-contract rules (TL101-TL103)."""

from __future__ import annotations

from tllint.engine import kb
from tllint.engine.pixels import Verdict, fmt_interval

CONTRACT_TEXT = {
    "tf": "[-1, 1]",
    "caffe": "caffe-style input (BGR, ImageNet mean subtracted, 0..255 scale)",
    "torch": "ImageNet mean/std-normalised input (about -2.1..2.6)",
    "raw": "raw [0, 255] pixels (its preprocessing is built in)",
    "unit": "[0, 1]",
}
CONTRACT_INTERVAL = {"tf": (-1.0, 1.0), "unit": (0.0, 1.0), "raw": (0.0, 255.0)}


def backbone_fix(backbone) -> str:
    contract = kb.contract_of(backbone)
    module = backbone.module or (backbone.entry.module if backbone.entry is not None else None)
    if backbone.kind == "hub":
        return "scale to [0, 1] with `keras.layers.Rescaling(1./255)`"
    if contract == "tf":
        return f"use `keras.applications.{module}.preprocess_input` or `keras.layers.Rescaling(1./127.5, offset=-1)`"
    if contract in ("caffe", "torch"):
        return f"use `keras.applications.{module}.preprocess_input`"
    if contract == "raw":
        return "feed raw 0..255 pixels and remove the extra scaling"
    return "use the backbone's own preprocessing"


def arrived_text(verdict: Verdict, script) -> str:
    if verdict.kind == "raw":
        return "raw pixels (0..255)"
    if verdict.kind == "affine" and verdict.interval is not None:
        step = verdict.last
        where = f" after `{step.what}` at line {script.line(step.node)}" if step is not None and step.node is not None else ""
        return f"pixels in {fmt_interval(verdict.interval)}{where}"
    if verdict.kind == "preprocess":
        step = verdict.first
        where = f" at line {script.line(step.node)}" if step is not None and step.node is not None else ""
        return f"pixels preprocessed by `{verdict.module}.preprocess_input` ({verdict.mode} mode){where}"
    return "pixels"


def source_text(arrival, script) -> str:
    src = arrival.encoding.source
    if src.node is not None:
        return f" from `{src.what}` (line {script.line(src.node)})"
    if arrival.data is None and arrival.model is not None:
        return " (no training data in sight: assuming images as decoded, 0..255)"
    return ""
