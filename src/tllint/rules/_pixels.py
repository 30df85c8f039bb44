"""The input contract shared by TL101-TL103: what arrives at each backbone against what its
pretrained weights expect, with the wording of the messages.

`judgements(script)` compares every arrival (engine/script.py `arrivals()`, plus keras_hub tasks
trained through `fit`) with the backbone's contract (knowledge base via engine/kb.py) and returns
at most one judgement per arrival:

- TL101: raw 0..255 pixels at a backbone that expects scaled input (reported where they are fed);
- TL102: scaled into another contract's range, or `preprocess_input` of another family, or
  `//` floor division of pixels (reported at the last transform: the statement to edit);
- TL103: scaled twice, or any scaling in front of built-in preprocessing (reported at the
  redundant scaling).

Unknown sources and opaque transforms never produce a judgement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from tllint.engine import kb
from tllint.engine.imports import dotted_name
from tllint.engine.pixels import Encoding, Step, Verdict, close, describe, fmt_interval, relative
from tllint.engine.values import Backbone, Data, Feed, Func, Model, Ref, Tensor
from tllint.knowledge.applications import CONTRACTS
from tllint.rules._pixel_chain import annotate, landing_interval

CONTRACT_TEXT = {
    "tf": "[-1, 1]",
    "caffe": "caffe-style input (0..255 pixels flipped to BGR with the ImageNet mean subtracted, about -124..152)",
    "torch": "ImageNet mean/std-normalised input (`x / 255`, then mean/std: about -2.1..2.6)",
    "raw": "raw [0, 255] pixels (its preprocessing is built in)",
    "unit": "[0, 1]",
}
CONTRACT_INTERVAL = {"tf": (-1.0, 1.0), "unit": (0.0, 1.0), "raw": (0.0, 255.0), "torch": (-2.1179, 2.64),
                     "caffe": (-123.68, 151.061)}
# preprocess_input modes as an affine map of 0..255 pixels (caffe/torch are per channel: a mean
# offset/scale is close enough to say where the values land).
_STANDARD = {"unit": (0.0, 1.0), "tf": (-1.0, 1.0)}


@dataclass
class Judgement:
    code: str
    node: cst.CSTNode
    message: str
    data: dict[str, Any] = field(default_factory=dict)
    keras: str | None = None  # the Keras versions the finding applies to (None: all)
    severity: str | None = None  # None: the rule's own; "warning" where it rests on data not in sight
    kind: str = ""  # which wording: raw, raw-assumed, raw-preset, floor, other-family, affine, double, builtin-double
    title: str = ""  # short statement, and the chain's places (node, label): _pixel_chain.py
    related: list = field(default_factory=list)
    trained_like: Any = None  # a serving finding: the training arrival fed right


# ---------------------------------------------------------------------- wording
def _line(script, node) -> int:
    return script.line(node) if node is not None else 0


def step_text(step: Step, script) -> str:
    line = _line(script, step.node)
    if step.in_place:
        # A bare `preprocess_input(x)` (or one whose result went elsewhere) changed the float array x.
        return f"`{step.what}` ({f'line {line}, ' if line else ''}in place: it writes into its float NumPy argument)"
    return f"`{step.what}` (line {line})" if line else f"`{step.what}`"


def backbone_text(backbone: Backbone) -> str:
    name = backbone.name
    if backbone.kind == "hub":
        name = f"the TF-Hub module `{backbone.name}`"
    elif backbone.kind in ("keras_hub_task", "keras_hub_backbone"):
        name = f"the keras_hub `{backbone.name}`"
    if backbone.var and backbone.var != backbone.name:
        return f"{name} (`{backbone.var}`)"
    return name


def _module_of(backbone: Backbone) -> str | None:
    return backbone.module or (backbone.entry.module if backbone.entry is not None else None)


def family_fix(backbone: Backbone, contract: str) -> str:
    """The one-line fix that produces this backbone's contract from 0..255 pixels."""
    module = _module_of(backbone)
    own = kb.preprocess_mode(module) if module else None
    if backbone.kind == "package":
        return f"`{backbone.module}.preprocess_input` on the 0..255 pixels"
    if backbone.kind == "hub" or contract == "unit":
        return "`keras.layers.Rescaling(1./255)` on the 0..255 pixels"
    if contract == "tf":
        if own == "tf":
            return f"`keras.applications.{module}.preprocess_input` or `keras.layers.Rescaling(1./127.5, offset=-1)` on the 0..255 pixels"
        return "`keras.layers.Rescaling(1./127.5, offset=-1)` on the 0..255 pixels (or leave include_preprocessing at its default True and feed 0..255)"
    if contract == "caffe":
        return f"`keras.applications.{module}.preprocess_input` on the 0..255 RGB pixels (it flips to BGR and subtracts the ImageNet mean)"
    if contract == "torch":
        if own == "torch":
            return f"`keras.applications.{module}.preprocess_input` on the 0..255 pixels"
        return f"`{CONTRACTS['torch'].fix_layer}` on the 0..255 pixels (or leave include_preprocessing at its default True and feed 0..255)"
    if contract == "raw":
        return "feed the 0..255 pixels unscaled"
    return "use the backbone's own preprocessing"


def _bgr_note(arrival) -> str:
    # OpenCV decodes to BGR: preprocess_input and the weights both assume RGB input.
    if arrival.encoding.bgr:
        return " (cv2.imread gives BGR: convert with `cv2.cvtColor(img, cv2.COLOR_BGR2RGB)` first)"
    return ""


def backbone_fix(backbone) -> str:
    """Kept for other callers: the fix for a backbone's own contract."""
    contract = kb.contract_of(backbone)
    return family_fix(backbone, contract) if contract else "use the backbone's own preprocessing"


def source_text(arrival, script) -> str:
    src = arrival.encoding.source
    if src.node is not None:
        return f" from `{src.what}` (line {script.line(src.node)})"
    if assumed(arrival):
        return " (no training data in sight: assuming images as decoded, 0..255)"
    return ""


def assumed(arrival) -> bool:
    """The pixels' range is not seen but assumed: a model compiled with no data in sight
    (engine/script.py `arrivals`). A finding resting on it is a warning that says so."""
    return arrival.data is None and arrival.model is not None and arrival.encoding.source.node is None


def arrived_text(verdict: Verdict, script) -> str:
    if verdict.kind == "raw":
        return "raw pixels (0..255)"
    if verdict.kind == "affine" and verdict.interval is not None:
        step = verdict.last
        where = f" after {step_text(step, script)}" if step is not None else ""
        if _by_statistics(verdict):
            return f"pixels standardised with their own mean and std (about {fmt_interval(verdict.interval)}){where}"
        if _per_channel(verdict):
            return f"pixels normalised per channel (about {fmt_interval(verdict.interval)}){where}"
        return f"pixels in {fmt_interval(verdict.interval)}{where}"
    if verdict.kind == "preprocess":
        step = verdict.first
        where = f" at line {script.line(step.node)}" if step is not None and step.node is not None else ""
        return f"pixels preprocessed by `{verdict.module}.preprocess_input` ({verdict.mode} mode){where}"
    return "pixels"


def _by_statistics(verdict: Verdict) -> bool:
    """Scaled by the pixels' own mean or std (engine/api/statistics.py): the range is an estimate."""
    return any(step is not None and step.mode == "statistics" for step in (verdict.first, verdict.last))


def _per_channel(verdict: Verdict) -> bool:
    """Normalised with a mean and variance per channel (a `Normalization` layer): the range is approximate."""
    return any(step is not None and step.mode == "per-channel" for step in (verdict.first, verdict.last))


def _is_floor(step: Step) -> bool:
    node = step.node
    if isinstance(node, cst.AugAssign):
        return isinstance(node.operator, cst.FloorDivideAssign)
    if isinstance(node, cst.BinaryOperation):
        return isinstance(node.operator, cst.FloorDivide)
    return False


# ---------------------------------------------------------------------- judging
def judgements(script) -> list[Judgement]:
    cached = script.__dict__.get("_input_contract")
    if cached is not None:
        return cached
    out: list[Judgement] = []
    seen: set[tuple[str, int]] = set()
    arrivals = list(script.arrivals()) + list(task_arrivals(script))
    judged = []
    for arrival in arrivals:
        j = judge(arrival, script)
        if j is not None and getattr(arrival, "phase", "train") != "train":
            j = _serving(arrival, j, arrivals, script)
        if j is not None:
            judged.append((j, arrival))
    _per_backbone(judged, arrivals)
    for j, arrival in judged:
        annotate(j, arrival)
        entry = arrival.feed.backbone.entry
        if entry is not None and not entry.keras3:
            j.keras = "2"  # RegNet, ResNetRS: tf_keras only
        key = (j.code, id(j.node))
        if key in seen:
            continue
        seen.add(key)
        out.append(j)
    script.__dict__["_input_contract"] = out
    return out


def _per_backbone(judged: list[tuple[Judgement, Any]], arrivals: list) -> None:
    """One transform that feeds backbones of different input contracts (a model zoo picked at run
    time, an ensemble) has no one fix: each backbone's finding goes where its pixels reach it,
    the transform staying in its chain. Backbones of one contract keep the finding on the
    transform, where one edit fixes them all."""
    contracts: dict[int, set] = {}
    for arrival in arrivals:
        contract = kb.contract_of(arrival.feed.backbone)
        for step in arrival.encoding.steps:
            if step.node is not None and contract is not None:
                contracts.setdefault(id(step.node), set()).add(contract)
    for j, arrival in judged:
        if j.kind not in ("affine", "other-family", "floor", "double") or j.node is arrival.feed.node:
            continue
        place = arrival.feed.node if arrival.feed.node is not None else arrival.feed.backbone.node
        if len(contracts.get(id(j.node), ())) > 1 and place is not None:
            j.node = place


_PHASE_TEXT = {"predict": "this prediction", "predict_on_batch": "this prediction", "evaluate": "this evaluation",
               "test_on_batch": "this evaluation", "validation": "the validation data", "__call__": "this call"}


def _same_input(a: Verdict, b: Verdict) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind == "affine":
        return a.interval is not None and b.interval is not None and close(a.interval, b.interval)
    return a.mode == b.mode


def _serving(arrival, j: Judgement, arrivals, script) -> Judgement | None:
    """A judgement on data fed by predict/evaluate/validation. Data prepared like the training data
    are the training's finding (reported once, there); where the training is right, the message
    names the training path, since train and serve preprocessing differ."""
    trained = [a for a in arrivals if getattr(a, "phase", "train") == "train" and a.model is arrival.model
               and a.feed.backbone is arrival.feed.backbone and a.data is not None]
    if any(_same_input(a.verdict, arrival.verdict) for a in trained):
        return None
    good = [a for a in trained if a.verdict.kind not in ("unknown", "double") and judge(a, script) is None]
    what = _PHASE_TEXT.get(arrival.phase, "this call")
    if good and len(good) == len(trained):
        ref = good[0]
        j.trained_like = ref
        where = f" at line {script.line(ref.step.node)}" if ref.step is not None and ref.step.node is not None else ""
        j.message = (
            f"train and serve preprocessing differ: the training{where} feeds {_fed_text(ref, script)}; "
            f"{what} feeds {_fed_text(arrival, script, origin=False)}. " + j.message[0].upper() + j.message[1:]
        )
    return j


def _fed_text(arrival, script, origin: bool = True) -> str:
    verdict, enc = arrival.verdict, arrival.encoding
    src = enc.source
    origin = f" from `{src.what}` (line {script.line(src.node)})" if src.node is not None and origin else ""
    if verdict.kind == "raw":
        return f"raw 0..255 pixels{origin}"
    if verdict.kind == "preprocess" and verdict.first is not None:
        contract = CONTRACT_TEXT.get(verdict.mode or "", f"{verdict.mode} mode")
        return f"{contract} via {step_text(verdict.first, script)}"
    landed = landing_interval(enc)
    if landed is not None and verdict.last is not None:
        return f"{fmt_interval(landed)} via {step_text(verdict.last, script)}"
    return "other pixels" + origin


@dataclass
class TaskArrival:
    feed: Feed
    model: Model | None
    step: Any
    data: Data | None
    encoding: Encoding
    verdict: Verdict
    phase: str = "train"


def task_arrivals(script):
    """keras_hub tasks (`ImageClassifier.from_preset`) run their preset's preprocessing inside
    fit/predict/evaluate: what their training data carries arrives at that built-in scaling."""
    for model in script.models:
        if model.kind != "keras_hub_task" or not model.backbones or not _from_keras_hub(script, model.backbones[0]):
            continue
        for step in script.steps(model, implicit=False):
            if isinstance(step.data, Data):
                feed = Feed(model.backbones[0], relative(), None, step.node)
                yield TaskArrival(feed, model, step, step.data, step.data.encoding, describe(step.data.encoding))
        # Its predict/evaluate run the same preprocessor (KH utils/pipeline_model.py).
        for name, x, node in model.__dict__.get("uses", []):
            if isinstance(x, Tensor) and x.origin is None:
                x = Data(x.encoding, None, node, "tensor", paired=False)
            if isinstance(x, Data) and name in _PHASE_TEXT:
                feed = Feed(model.backbones[0], relative(), None, node)
                yield TaskArrival(feed, model, None, x, x.encoding, describe(x.encoding), phase=name)


def _from_keras_hub(script, backbone: Backbone) -> bool:
    """keras_hub (or its former name keras_nlp) only: KerasCV tasks carry no preset preprocessor
    (keras-facts §4 covers keras_hub)."""
    node = backbone.node
    name = dotted_name(node.func) if isinstance(node, cst.Call) else None
    if not name:
        return False
    head = name.split(".")[0]
    full = script.interp.imports.resolve(head) or head
    return full.split(".")[0] in ("keras_hub", "keras_nlp")


def judge(arrival, script) -> Judgement | None:
    backbone: Backbone = arrival.feed.backbone
    if not backbone.pretrained:
        return None
    contract = kb.contract_of(backbone)
    if contract == "preset":
        return _bare_keras_hub(arrival, backbone, script)
    if contract is None or contract not in CONTRACT_TEXT:
        return None
    enc: Encoding = arrival.encoding
    verdict: Verdict = arrival.verdict
    data = {"backbone": backbone.name, "contract": contract, "expected": CONTRACT_INTERVAL.get(contract),
            "unit": backbone, "feed": arrival.feed, "encoding": enc, "data": arrival.data}  # the last four: for the fixes
    name = backbone_text(backbone)

    floor = _floor_division(enc)
    if floor is not None:
        msg = (
            f"{step_text(floor, script)} floor-divides the 0..255 pixels: only the values 0 and 1 survive (every "
            f"pixel below the divisor becomes 0), so {name} sees near-black images and cannot learn. Fix: divide with "
            f"`/` instead, or better drop it and use {family_fix(backbone, contract)}."
        )
        return Judgement("TL102", floor.node, msg, data, kind="floor")
    if verdict.kind == "unknown":
        return None
    if verdict.kind == "raw":
        if contract == "raw":
            return None
        if assumed(arrival):
            # Nothing seen about the data: say what the model lacks, at warning severity.
            msg = (
                f"{name} gets the model's input unchanged: the model holds no preprocessing, and the data it "
                f"is fed are not in sight (it is compiled, but no training step or loader shows them), so tllint "
                f"cannot tell whether they are scaled. Its pretrained weights expect {CONTRACT_TEXT[contract]}; images as decoded "
                f"(0..255) would make the features garbage. Fix: if the data are not scaled elsewhere, "
                f"{family_fix(backbone, contract)}, before the backbone."
            )
            return Judgement("TL101", arrival.feed.node, msg, data, severity="warning", kind="raw-assumed")
        msg = (
            f"raw pixels (0..255){source_text(arrival, script)} reach {name}, whose "
            f"pretrained weights expect {CONTRACT_TEXT[contract]}; nothing on the way scales them"
            f"{_raw_notes(arrival, script)}, so the features are garbage and accuracy plateaus. "
            f"Fix: {family_fix(backbone, contract)}, before the backbone{_bgr_note(arrival)}."
        )
        return Judgement("TL101", arrival.feed.node, msg, data, kind="raw")
    if contract == "raw":
        return _builtin_double(arrival, backbone, enc, verdict, script, data)
    if verdict.kind == "double":
        return _double(backbone, contract, enc, verdict.first, verdict.second, script, data)
    if verdict.kind == "preprocess":
        if verdict.mode == contract:
            return None
        own = kb.preprocess_mode(_module_of(backbone)) if _module_of(backbone) else None
        expect = CONTRACT_TEXT[contract]
        msg = (
            f"{arrived_text(verdict, script)} reach {name}, whose pretrained weights expect {expect}"
            f"{'' if own != contract else f', what `{_module_of(backbone)}.preprocess_input` produces'}: "
            f"this is the preprocess_input of another family, so the input lands in the wrong range"
            f"{' and channel order' if 'caffe' in (contract, verdict.mode) else ''} and the pretrained features are off. "
            f"Fix: use {family_fix(backbone, contract)} instead."
        )
        return Judgement("TL102", verdict.first.node, msg, data, kind="other-family")
    if verdict.kind == "affine" and verdict.interval is not None:
        lo, hi = verdict.interval
        target = CONTRACTS[contract]
        if target.matches(lo, hi) or (contract == "unit" and close((lo, hi), (0.0, 1.0))):
            return None
        if _by_statistics(verdict) and contract == "torch":
            # Standardised by the data's own mean and std: close to the ImageNet mean/std normalisation
            # the weights expect. (Into [-1, 1] it is about twice the spread, whatever the photos.)
            return None
        steps = enc.scaling_steps()
        # Scaled twice: an intermediate result already had a standard range ([0, 1], [-1, 1]), then a
        # scaling meant for 0..255 pixels (a division by ~100 or more) shrank it again.
        if enc.source.kind == "raw":
            interval = enc.source.interval
            for i, step in enumerate(steps[:-1]):
                interval = tuple(sorted((interval[0] * step.scale + step.offset, interval[1] * step.scale + step.offset)))
                after = steps[i + 1]
                if any(close(interval, std) for std in _STANDARD.values()) and abs(after.scale) <= 0.01:
                    return _double(backbone, contract, enc, step, after, script, data)
        last = verdict.last
        if last is None or last.node is None:
            return None
        msg = (
            f"{arrived_text(verdict, script)}{_assumed(arrival)} reach {name}, whose pretrained weights expect "
            f"{CONTRACT_TEXT[contract]}: the input is scaled, but into another range than the one the weights were trained on, so the "
            f"pretrained features are off and accuracy stalls well below what the backbone can do. "
            f"Fix: replace {step_text(last, script)} with {family_fix(backbone, contract)}."
        )
        return Judgement("TL102", last.node, msg, data, severity="warning" if assumed(arrival) else None, kind="affine")
    return None


def _bare_keras_hub(arrival, backbone: Backbone, script) -> Judgement | None:
    """A keras_hub backbone (`Backbone.from_preset`, `task.backbone`) has no preprocessing in its graph:
    every preset's ImageConverter scales the pixels (1/255 with mean/std, or to [-1, 1]), and only a task's
    fit/predict/evaluate runs it. Raw pixels there are TL101; a scaled range may be the preset's: unknown."""
    if arrival.verdict.kind != "raw" or assumed(arrival):
        return None
    preset = backbone.kwargs.get("__preset__")
    preset_text = f'"{preset.value}"' if isinstance(getattr(preset, "value", None), str) else "<preset>"
    if backbone.kind == "keras_hub_task":
        via = "`preprocessor=None` turns off the preset's preprocessing in the task's fit/predict/evaluate"
    elif backbone.name.endswith(".backbone"):
        via = "taken from a task, it bypasses the task's preprocessor, which runs only inside the task's own fit/predict/evaluate"
    else:
        via = "unlike a task (`ImageClassifier.from_preset`), a backbone has no preprocessor"
    msg = (
        f"raw pixels (0..255){source_text(arrival, script)} reach {backbone_text(backbone)}, which has no "
        f"preprocessing in its graph ({via}); its pretrained weights expect what the preset's ImageConverter "
        f"makes of the pixels (scaled by 1/255 with the ImageNet mean/std, or to [-1, 1], per preset), so the "
        f"features are garbage. Fix: apply `keras_hub.layers.ImageConverter.from_preset({preset_text})` to the "
        f"0..255 pixels before the backbone."
    )
    data = {"backbone": backbone.name, "contract": "preset", "unit": backbone, "feed": arrival.feed,
            "encoding": arrival.encoding, "data": arrival.data}
    return Judgement("TL101", arrival.feed.node, msg, data, kind="raw-preset")


def _assumed(arrival) -> str:
    if assumed(arrival):
        return " (no training data in sight: assuming images as decoded, 0..255)"
    return ""


def _raw_notes(arrival, script) -> str:
    notes = []
    data = arrival.data
    gen = data.__dict__.get("generator") if isinstance(data, Data) else None
    if gen is not None and gen.__dict__.get("positional") is not None and gen.rescale is None:
        arg = gen.__dict__["positional"]
        text = script.code(arg.value)
        if isinstance(gen.__dict__.get("positional_value"), (Ref, Func)):
            meant = f"not preprocessing_function: write `preprocessing_function={text}`"
        else:
            meant = "not rescale: write `rescale=` or, better, use the backbone's preprocessing"
        notes.append(
            f" (`ImageDataGenerator({text})` at line {script.line(arg)} sets featurewise_center, "
            f"its first positional argument, {meant})"
        )
    for step in arrival.encoding.steps:
        line = _line(script, step.node)
        at = f" at line {line}" if line else ""
        if step.kind == "note" and step.mode == "discarded":
            notes.append(f" (`{step.what}`{at} returns a new array and its result is not used: a uint8 array is never changed in place)")
        elif step.kind == "note":
            notes.append(f" (`{step.what}`{at} does nothing: its input is already float, e.g. after `tf.image.resize`)")
        elif step.kind == "preprocess" and step.mode == "passthrough":
            notes.append(f" (`{step.what}`{at} is a pass-through: it returns its input unchanged)")
    return "".join(notes)


def _floor_division(enc: Encoding) -> Step | None:
    if enc.source.kind != "raw":
        return None
    for step in enc.steps:
        if step.kind == "affine" and _is_floor(step):
            if step.scale <= 0.5:
                return step
            return None
        if step.kind in ("opaque", "preprocess", "normalize") or (step.kind == "affine" and step.scales):
            return None
    return None


def _double(backbone, contract, enc, first: Step, second: Step, script, data) -> Judgement | None:
    if second is None or second.node is None:
        return None
    name = backbone_text(backbone)
    landed = landing_interval(enc)
    where = f"; they arrive in about {fmt_interval(landed)} instead of {CONTRACT_TEXT[contract]}" if landed else ""
    order = ""
    if isinstance(first.node, cst.Arg) and isinstance(second.node, cst.Arg) and "rescale" in second.what:
        order = " (ImageDataGenerator runs preprocessing_function first, then rescale)"
    if second.kind == "preprocess" and second.mode == contract:
        fix = f"drop {step_text(first, script)} and let `{second.what}` see the 0..255 pixels"
    elif first.kind == "preprocess" and first.mode == contract:
        fix = f"drop {step_text(second, script)}: `{first.what}` already produces what {backbone.name} expects"
    else:
        fix = f"scale once, with {family_fix(backbone, contract)}"
    msg = (
        f"the pixels are scaled twice on the way to {name}: {step_text(first, script)}, then again by "
        f"{step_text(second, script)}{order}, which expects 0..255 input{where}. The pretrained features are off and "
        f"accuracy stalls. Fix: {fix}."
    )
    return Judgement("TL103", second.node, msg, data, kind="double")


def _builtin_double(arrival, backbone, enc, verdict, script, data) -> Judgement | None:
    steps = enc.scaling_steps()
    if not steps:
        return None
    if verdict.kind == "affine" and verdict.interval is not None and close(verdict.interval, (0.0, 255.0)):
        return None
    last = steps[-1]
    if last.node is None:
        return None
    name = backbone_text(backbone)
    if backbone.kind == "keras_hub_task":
        builtin = "its preset's ImageConverter (run by `fit`/`predict`/`evaluate`)"
        fix = "remove the scaling and feed 0..255 pixels (the preset scales them itself)"
    else:
        entry = backbone.entry
        layers = entry.builtin_layers if entry is not None and entry.builtin_layers else "its first layers"
        builtin = f"built-in preprocessing ({layers})"
        fix = "remove it and feed 0..255 pixels"
        if entry is not None and entry.builtin_flag == "include_preprocessing":
            fix += f" (or pass `include_preprocessing=False` and produce {CONTRACT_TEXT.get(entry.contract_without_builtin, 'its range')})"
    arrived = _arrival_phrase(enc, verdict, script)
    msg = (
        f"{arrived} reach {name}, which scales its input itself with {builtin} and expects raw 0..255 pixels: "
        f"the extra scaling makes it preprocess twice, so the pretrained features are off. Fix: {fix}."
    )
    return Judgement("TL103", last.node, msg, data, kind="builtin-double")


def _arrival_phrase(enc: Encoding, verdict: Verdict, script) -> str:
    steps = enc.scaling_steps()
    landed = landing_interval(enc)
    chain = ", then ".join(step_text(s, script) for s in steps)
    if landed is not None:
        return f"pixels in about {fmt_interval(landed)} after {chain}"
    return f"pixels scaled by {chain}"
