"""Titles and related locations of the input-contract findings (TL101-TL103).

A judgement of `_pixels.py` says in its message how the pixels travelled; this module gives the
same path as structure: a short title ("MobileNetV2 is fed [0, 1] pixels; it expects [-1, 1]")
and the chain's places in the order a reader follows them (loaded, transformed, backbone built,
fed), each from a node the engine kept on the arrival (source, steps, feed, backbone).
"""

from __future__ import annotations

from tllint.engine.pixels import BGR_SOURCES, fmt_interval
from tllint.rules._related import outside

# The contracts in a few words, for titles and labels.
CONTRACT_SHORT = {
    "tf": "[-1, 1]",
    "unit": "[0, 1]",
    "caffe": "caffe-style input",
    "torch": "mean/std-normalised input",
    "raw": "raw 0..255 pixels",
    "preset": "its preset's scaling",
}
# preprocess_input modes as an affine map of 0..255 pixels (as in _pixels.py, for labels only).
MODE_AFFINE = {"tf": (1 / 127.5, -1.0), "caffe": (1.0, -114.8), "torch": (1 / (255 * 0.226), -0.449 / 0.226)}
_PHASE_PREFIX = {"predict": "At prediction", "predict_on_batch": "At prediction", "evaluate": "At evaluation",
                 "test_on_batch": "At evaluation", "validation": "In the validation data", "__call__": "At call time"}
_PHASE_FEED = {"predict": "predicted here", "predict_on_batch": "predicted here", "evaluate": "evaluated here",
               "test_on_batch": "evaluated here", "validation": "validation data passed here", "__call__": "called here"}
TITLE_LIMIT = 100


def short_name(backbone) -> str:
    """The backbone as a title names it: "MobileNetV2", "the TF-Hub module", "ImageClassifier"."""
    if backbone.kind == "hub":
        return "the TF-Hub module"
    name = backbone.name or "the backbone"
    return name if len(name) <= 40 else "the backbone"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title(j, arrival) -> str:
    backbone = arrival.feed.backbone
    name = short_name(backbone)
    contract = j.data.get("contract")
    expects = CONTRACT_SHORT.get(contract, "other input")
    verdict = arrival.verdict
    if j.kind == "floor":
        return f"Pixels are floor-divided (`//`) before {name}: only 0 and 1 survive"
    if j.kind == "raw-assumed":
        return f"{_cap(name)} may get unscaled 0..255 pixels; it expects {expects}"
    if j.kind == "raw-preset":
        return f"{_cap(name)} is fed raw 0..255 pixels; it has no preprocessing of its own"
    if j.kind == "raw":
        return f"{_cap(name)} is fed raw 0..255 pixels; it expects {expects}"
    if j.kind == "other-family":
        module = verdict.module or "another family's"
        return f"{_cap(name)} is fed {module}.preprocess_input output; it expects {expects}"
    if j.kind == "affine" and verdict.interval is not None:
        # A warning: no data in sight, the images are assumed 0..255 as decoded.
        assumed = " if the images are 0..255" if j.severity == "warning" else ""
        modes = {step.mode for step in (verdict.first, verdict.last) if step is not None}
        if "statistics" in modes:
            return f"{_cap(name)} is fed pixels standardised by their own mean and std; it expects {expects}"
        if "per-channel" in modes:
            return f"{_cap(name)} is fed pixels normalised per channel (about {fmt_interval(verdict.interval)}); it expects {expects}"
        return f"{_cap(name)} is fed {fmt_interval(verdict.interval)} pixels{assumed}; it expects {expects}"
    if j.kind == "double":
        return f"Pixels are preprocessed twice before {name}"
    if j.kind == "builtin-double":
        landed = landing_interval(arrival.encoding)
        scaled = f"already scaled to {fmt_interval(landed)}" if landed is not None else "already scaled"
        return f"{_cap(name)} scales its input itself, but is fed pixels {scaled}"
    return f"The pixels fed to {name} do not match its pretrained weights"


def landing_interval(enc):
    """Where 0..255 pixels land after every scaling step (preprocess modes approximated)."""
    interval = enc.source.interval
    if interval is None:
        return None
    for step in enc.scaling_steps():
        interval = through(step, interval)
        if interval is None:
            return None
    return interval


def through(step, interval):
    if step.kind == "affine":
        a, b = step.scale, step.offset
    elif step.kind == "preprocess" and step.mode in MODE_AFFINE:
        a, b = MODE_AFFINE[step.mode]
    else:
        return None
    return tuple(sorted((interval[0] * a + b, interval[1] * a + b)))


def _fmt(interval) -> str:
    def f(v: float) -> str:
        return f"{v:.0f}" if abs(v - round(v)) < 1e-6 else f"{v:.4g}"

    return f"[{f(interval[0])}, {f(interval[1])}]"


def _source_label(source) -> str:
    if source.kind == "raw":
        return "pixels loaded here (0..255, BGR)" if source.what in BGR_SOURCES else "pixels loaded here (0..255)"
    if source.kind == "unit":
        return "pixels loaded here ([0, 1])"
    return "data loaded here"


def _step_label(step, after, floor: bool) -> str | None:
    """The label of one transform; `after`: where the pixels land after it (None: not known)."""
    if step.kind == "affine":
        if floor:
            return "floor-divided here (only 0 and 1 survive)"
        if not step.scales:
            return None
        return f"rescaled to {_fmt(after)} here" if after is not None else "rescaled here"
    if step.kind == "preprocess":
        if step.mode == "passthrough":
            return f"{step.what} here: a pass-through, it changes nothing"
        how = f" ({step.mode} mode)" if step.mode in MODE_AFFINE else ""
        return f"{step.what} applied here{how}{', in place' if step.in_place else ''}"
    if step.kind == "normalize":
        return "normalised here"
    if step.kind == "note":
        if step.mode == "discarded":
            return "preprocessed here, but the result is not used"
        return "converted here, but it changes nothing (already float)"
    if step.kind == "channels":
        return "converted to grey here" if step.mode == "gray" else "channel order swapped here"
    return None


def _backbone_label(backbone, contract: str | None) -> str:
    name = short_name(backbone)
    if contract == "raw":
        return f"{name} built here (it scales its input itself)"
    if contract == "preset":
        return f"{name} built here (no preprocessing in its graph)"
    return f"{name} built here (expects {CONTRACT_SHORT.get(contract, 'its own input range')})"


def _positional_arg(arrival):
    """`ImageDataGenerator(1./255)`: the positional argument that set featurewise_center."""
    data = arrival.data
    gen = data.__dict__.get("generator") if data is not None else None
    if gen is not None and gen.__dict__.get("positional") is not None and gen.rescale is None:
        return gen.__dict__["positional"]
    return None


def chain(j, arrival) -> list[tuple]:
    """(node, label) of the path's places other than the finding's own, in reading order."""
    enc = arrival.encoding
    backbone = arrival.feed.backbone
    out: list[tuple] = []
    if enc.source.node is not None:
        out.append((enc.source.node, _source_label(enc.source)))
    arg = _positional_arg(arrival)
    if arg is not None:
        out.append((arg, "first positional argument here: it sets featurewise_center, not rescale"))
    interval = enc.source.interval
    for step in enc.steps:
        floor = j.kind == "floor" and step.node is j.node
        if step.scales and interval is not None:
            interval = through(step, interval)
        label = _step_label(step, interval, floor)
        if label is not None and step.node is not None:
            out.append((step.node, label))
    if backbone.node is not None:
        out.append((backbone.node, _backbone_label(backbone, j.data.get("contract"))))
    phase = getattr(arrival, "phase", "train")
    feed = arrival.feed.node
    # `MobileNetV2(...)(inputs)`: fed where it is built, one place.
    if feed is not None and getattr(feed, "func", None) is not backbone.node:
        out.append((feed, _PHASE_FEED.get(phase, f"pixels reach {short_name(backbone)} here")))
    step = arrival.step
    if phase == "train" and step is not None and step.node is not None and not getattr(step, "implicit", False):
        out.append((step.node, "trained here"))
    ref = j.trained_like
    if ref is not None and ref.step is not None and ref.step.node is not None:
        out.append((ref.step.node, "trained here with the right preprocessing"))
    return outside(j.node, out)


def annotate(j, arrival) -> None:
    """Give a judgement its title and related places."""
    title = _title(j, arrival)
    prefix = _PHASE_PREFIX.get(getattr(arrival, "phase", "train"))
    if prefix:
        first = title.split(" ", 1)[0]
        lowered = title[0].lower() + title[1:] if first in ("Pixels", "The") else title
        if len(prefix) + 2 + len(lowered) <= TITLE_LIMIT:
            title = f"{prefix}: {lowered}"
    j.title = title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 3].rstrip() + "..."
    j.related = chain(j, arrival)
