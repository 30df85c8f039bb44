"""Turn the child's events into verdicts on static findings, plus findings only seen at run time."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from tllint.finding import Finding

from .runner import RunResult

CONFIRMED, REFUTED, INCONCLUSIVE = "confirmed", "refuted", "inconclusive"

# What the pretrained weights of each keras.applications backbone expect (keras-facts.md §1).
_TF = ("tf", "-1..1")
_CAFFE = ("caffe", "caffe-style input (BGR, ImageNet mean subtracted, about -124..152)")
_TORCH = ("torch", "ImageNet mean/std normalised input (about -2.1..2.6)")
_RAW = ("raw", "raw 0..255 pixels (it rescales internally)")

CONTRACTS: dict[str, tuple[str, str]] = {}
for _n in ("MobileNet", "MobileNetV2", "ResNet50V2", "ResNet101V2", "ResNet152V2", "InceptionV3",
           "InceptionResNetV2", "Xception", "NASNetMobile", "NASNetLarge"):
    CONTRACTS[_n] = _TF
for _n in ("VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet152"):
    CONTRACTS[_n] = _CAFFE
for _n in ("DenseNet121", "DenseNet169", "DenseNet201"):
    CONTRACTS[_n] = _TORCH
for _n in ("MobileNetV3Small", "MobileNetV3Large", "ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase",
           "ConvNeXtLarge", "ConvNeXtXLarge") + tuple(f"EfficientNetB{i}" for i in range(8)) + tuple(
    f"EfficientNetV2{s}" for s in ("B0", "B1", "B2", "B3", "S", "M", "L")
):
    CONTRACTS[_n] = _RAW


def contract(backbone: dict) -> tuple[str, str] | None:
    name = backbone.get("name") or ""
    base = CONTRACTS.get(name)
    if base is None and (name.startswith("RegNet") or name.startswith("ResNetRS")):
        base = _RAW
    if base == _RAW and backbone.get("include_preprocessing") is False:
        if name.startswith("MobileNetV3") or name.startswith("EfficientNetV2") and name[-1] in "SML":
            return _TF
        return _TORCH
    return base


def classify(stats: dict) -> str:
    lo, hi = stats.get("min"), stats.get("max")
    if lo is None or hi is None:
        return "unknown"
    span = hi - lo
    if span < 0.1 and max(abs(lo), abs(hi)) < 3.0:
        return "collapsed"
    if lo >= -0.5 and hi > 3.0:
        return "raw"
    if lo < -5.0:
        return "caffe"
    if lo >= -1e-3 and hi <= 1.0 + 1e-3:
        return "unit"
    if lo >= -1.0 - 1e-3 and hi <= 1.0 + 1e-3:
        return "tf"
    if lo >= -2.6 and hi <= 3.0:
        return "torch"
    return "other"


def short_error(message: str, limit: int = 240) -> str:
    """An exception message without tensor dumps (torch prints the variable's values)."""
    msg = re.sub(r", value=[\s\S]*?\]\]>", ">", message or "")
    if ", value=" in msg:
        msg = msg.split(", value=")[0] + ">"
    msg = " ".join(msg.split())
    return msg if len(msg) <= limit else msg[: limit - 3] + "..."


def _fmt(v: float | None) -> str:
    if v is None:
        return "?"
    if abs(v) >= 1000 or (v != 0 and abs(v) < 0.01):
        return f"{v:.3g}"
    return f"{v:.2f}"


def _lr(v: float | None) -> str:
    return "?" if v is None else f"{v:.3g}"


CANON_LOSS = {
    "categorical_crossentropy": "categorical_crossentropy",
    "categoricalcrossentropy": "categorical_crossentropy",
    "sparse_categorical_crossentropy": "sparse_categorical_crossentropy",
    "sparsecategoricalcrossentropy": "sparse_categorical_crossentropy",
    "binary_crossentropy": "binary_crossentropy",
    "binarycrossentropy": "binary_crossentropy",
    "categorical_focal_crossentropy": "categorical_crossentropy",
    "categoricalfocalcrossentropy": "categorical_crossentropy",
    "binary_focal_crossentropy": "binary_crossentropy",
    "binaryfocalcrossentropy": "binary_crossentropy",
}


def canon_loss(loss: dict | None) -> str | None:
    if not loss:
        return None
    return CANON_LOSS.get(str(loss.get("name", "")).lower())


@dataclass
class Timeline:
    """The run's events, indexed for the verdicts."""

    run: RunResult
    backbones: dict[int, dict] = field(default_factory=dict)
    calls: list[dict] = field(default_factory=list)  # training calls, each with its steps
    compiles: list[dict] = field(default_factory=list)
    trainable_sets: list[dict] = field(default_factory=list)
    dense: list[dict] = field(default_factory=list)
    pixels: list[dict] = field(default_factory=list)  # {"bid", "stats", "line", "seq"}
    exceptions: list[dict] = field(default_factory=list)
    synthetic: list[dict] = field(default_factory=list)
    end: dict | None = None
    meta: dict | None = None

    @classmethod
    def build(cls, run: RunResult) -> "Timeline":
        t = cls(run)
        by_call: dict[int, dict] = {}
        for e in run.events:
            k = e.get("kind")
            if k == "backbone":
                t.backbones[e["bid"]] = dict(e, call_lines=[], fallback=None)
            elif k == "weights_fallback" and e.get("bid") in t.backbones:
                t.backbones[e["bid"]]["fallback"] = e
            elif k == "backbone_call" and e.get("bid") in t.backbones:
                if e.get("line"):
                    t.backbones[e["bid"]]["call_lines"].append(e["line"])
            elif k == "compile":
                t.compiles.append(e)
            elif k == "trainable_set":
                t.trainable_sets.append(e)
            elif k == "dense_build":
                t.dense.append(e)
            elif k == "train_call":
                call = dict(e, begins=[], ends=[], exception=None, finished=False)
                by_call[e["call"]] = call
                t.calls.append(call)
            elif k == "step_begin" and e.get("call") in by_call:
                by_call[e["call"]]["begins"].append(e)
                for bid, st in (e.get("pixels") or {}).items():
                    t.pixels.append({"bid": int(bid), "stats": st, "line": by_call[e["call"]].get("line"), "seq": e["seq"]})
            elif k == "step_end" and e.get("call") in by_call:
                by_call[e["call"]]["ends"].append(e)
            elif k == "train_call_end" and e.get("call") in by_call:
                by_call[e["call"]]["finished"] = True
            elif k == "pixels":
                t.pixels.append({"bid": int(e["bid"]), "stats": e.get("stats") or {}, "line": e.get("line"), "seq": e["seq"]})
            elif k == "exception":
                t.exceptions.append(e)
                if e.get("call") in by_call:
                    by_call[e["call"]]["exception"] = e
            elif k == "data_synthetic":
                t.synthetic.append(e)
            elif k == "end":
                t.end = e
            elif k == "meta":
                t.meta = e
        return t

    # ---- what happened to the run ---------------------------------------------------------------
    def run_status(self) -> str:
        r = self.run
        if r.skipped:
            return r.skipped
        if r.timed_out or (self.end or {}).get("status") == "timeout":
            return f"the script was killed at the confirm timeout ({r.timeout:g} s)" if r.timeout else "the script was killed at the confirm timeout"
        if self.end is None:
            tail = (r.stderr_tail or "").strip().splitlines()
            hint = f" ({tail[-1][:200]})" if tail else ""
            return f"the script's process ended abnormally (exit code {r.returncode}){hint}"
        if self.end.get("status") == "error":
            where = f" at line {self.end['line']}" if self.end.get("line") else ""
            return f"the script failed{where}: {self.end.get('type')}: {short_error(str(self.end.get('message', '')), 300)}"
        if self.end.get("status") == "exit":
            return f"the script exited with code {self.end.get('code')}"
        return "the script finished without reaching it"

    def not_observed(self, what: str) -> tuple[str, str]:
        return INCONCLUSIVE, f"{what} was not observed: {self.run_status()}"

    # ---- lookups ------------------------------------------------------------------------------
    def backbone_near(self, line: int) -> dict | None:
        if not self.backbones:
            return None

        def distance(b):
            lines = [b.get("line") or 10**6] + list(b.get("call_lines") or [])
            return min(abs(line - x) for x in lines if x is not None)

        return min(self.backbones.values(), key=distance)

    def backbone_label(self, b: dict) -> str:
        return str(b.get("name") or "the backbone")

    def fallback_note(self, b: dict | None) -> str:
        if b and b.get("fallback"):
            looked = b["fallback"].get("looked_in") or "the Keras cache"
            return f" ({b['name']} was built with weights=None: no cached imagenet weights in {looked})"
        return ""

    def data_note(self) -> str:
        if not self.synthetic:
            return ""
        s = self.synthetic[0]
        return f" [synthetic 0..255 batches: {s.get('loader')}('{s.get('path')}') found no data]"

    def calls_after(self, seq: int, bid: int | None = None, mid: int | None = None) -> list[dict]:
        out = []
        for c in self.calls:
            if c["seq"] <= seq:
                continue
            if bid is not None and bid not in (c.get("backbones") or []):
                continue
            if mid is not None and c.get("mid") != mid:
                continue
            out.append(c)
        return out

    @staticmethod
    def bb_stats(call: dict, bid: int) -> dict | None:
        """Backbone counts over a training call: the maximum per step."""
        best = None
        for end in call.get("ends", []):
            st = (end.get("backbones") or {}).get(str(bid))
            if st is None:
                continue
            if best is None:
                best = dict(st)
            else:
                for key in ("changed", "flagged", "flagged_changed", "changed_not_flagged", "bn_moving_changed"):
                    best[key] = max(best.get(key) or 0, st.get(key) or 0)
        return best

    @staticmethod
    def head_stats(call: dict) -> dict | None:
        best = None
        for end in call.get("ends", []):
            st = end.get("head")
            if st and (best is None or st.get("changed", 0) > best.get("changed", 0)):
                best = st
        return best

    @staticmethod
    def where(call: dict) -> str:
        kind = call.get("call_kind", "fit")
        return f"the {kind} at line {call['line']}" if call.get("line") else f"the {kind}"

    def group_sets(self, line: int, tolerance: int = 0) -> list[dict]:
        exact = [e for e in self.trainable_sets if e.get("line") == line]
        if exact or not tolerance:
            return exact
        near = sorted({e["line"] for e in self.trainable_sets if abs(e["line"] - line) <= tolerance}, key=lambda x: abs(x - line))
        return [e for e in self.trainable_sets if near and e["line"] == near[0]]


# ------------------------------------------------------------------------------------------------
# per-rule verdicts
# ------------------------------------------------------------------------------------------------

Verdict = tuple[str, str]


def _pixel_obs(t: Timeline, b: dict) -> dict | None:
    for p in t.pixels:
        if p["bid"] == b["bid"] and p["stats"].get("min") is not None:
            return p
    return None


def _pixel_text(b: dict, obs: dict, expect: tuple[str, str]) -> str:
    st = obs["stats"]
    return f"pixels entering {b['name']} ranged {_fmt(st['min'])}..{_fmt(st['max'])} (mean {_fmt(st.get('mean'))}); its weights expect {expect[1]}"


def _pixel_common(t: Timeline, f: Finding) -> tuple[dict | None, dict | None, tuple[str, str] | None, str | None]:
    b = t.backbone_near(f.line)
    if b is None:
        return None, None, None, None
    obs = _pixel_obs(t, b)
    expect = contract(b)
    kind = classify(obs["stats"]) if obs else None
    return b, obs, expect, kind


def _pixels_seen(t: Timeline, f: Finding, unknown_contract=None):
    """(early verdict or None, kind, expected contract, evidence text) for the pixels at the
    finding's backbone; the early verdict is set when they were not observed or the contract
    is unknown."""
    b, obs, expect, kind = _pixel_common(t, f)
    if b is None:
        return t.not_observed("a backbone construction"), None, None, ""
    if obs is None:
        return t.not_observed(f"the input of {b['name']}"), None, None, ""
    if expect is None:
        if unknown_contract is None:
            stats = obs["stats"]
            early = INCONCLUSIVE, (
                f"pixels entering {b['name']} ranged {_fmt(stats['min'])}..{_fmt(stats['max'])}; "
                "tllint does not know this backbone's input contract"
            )
            return early, None, None, ""
        expect = unknown_contract
    return None, kind, expect, _pixel_text(b, obs, expect) + t.fallback_note(b) + t.data_note()


def verdict_tl101(t: Timeline, f: Finding) -> Verdict:
    early, kind, expect, text = _pixels_seen(t, f)
    if early is not None:
        return early
    if kind == "raw" and expect[0] != "raw":
        return CONFIRMED, text
    return REFUTED, text


def verdict_tl102(t: Timeline, f: Finding) -> Verdict:
    early, kind, expect, text = _pixels_seen(t, f)
    if early is not None:
        return early
    if kind == expect[0]:
        return REFUTED, text
    if kind == "raw":
        return REFUTED, text + " (the pixels are not transformed at all: missing preprocessing, TL101)"
    return CONFIRMED, text


def verdict_tl103(t: Timeline, f: Finding) -> Verdict:
    early, kind, expect, text = _pixels_seen(t, f, unknown_contract=("?", "an unknown range"))
    if early is not None:
        return early
    if kind == "collapsed":
        return CONFIRMED, text + " (the range collapsed: scaled twice)"
    if expect[0] == "raw" and kind in ("unit", "tf", "torch", "collapsed"):
        return CONFIRMED, text + " (already scaled before its built-in preprocessing)"
    if kind == expect[0]:
        return REFUTED, text
    if kind == "raw":
        return REFUTED, text + " (not scaled at all)"
    return INCONCLUSIVE, text + " (the range is wrong, but not in the way double scaling produces)"


def _first_call_for(t: Timeline, b: dict) -> dict | None:
    for c in t.calls:
        if b["bid"] in (c.get("backbones") or []) and c.get("first"):
            return c
    return None


def verdict_tl201(t: Timeline, f: Finding) -> Verdict:
    b = t.backbone_near(f.line)
    if b is None:
        return t.not_observed("a backbone construction")
    call = _first_call_for(t, b)
    if call is None:
        return t.not_observed(f"a training step of a model containing {b['name']}")
    st = t.bb_stats(call, b["bid"])
    if st is None:
        if call.get("exception"):
            ex = call["exception"]
            return INCONCLUSIVE, f"{t.where(call)} failed before its first step ended: {ex['type']}: {short_error(ex['message'], 200)}"
        return t.not_observed(f"a finished step of {t.where(call)}")
    head = t.head_stats(call) or {}
    which = "first fit" if call.get("call_kind") == "fit" else f"first {call.get('call_kind')}"
    where = f"during the {which} (line {call['line']})" if call.get("line") else f"during the {which}"
    note = t.fallback_note(b)
    if st["changed"] > 0:
        return CONFIRMED, (
            f"{where}, {st['changed']} of {st['n_vars']} {b['name']} variables changed while the head was new "
            f"({head.get('changed', 0)} of {head.get('n_vars', 0)} head variables changed){note}"
        )
    return REFUTED, f"{where}, 0 of {st['n_vars']} {b['name']} variables changed: only the head trained ({head.get('changed', 0)} of {head.get('n_vars', 0)} head variables changed){note}"


def _sets_for(t: Timeline, f: Finding) -> list[dict]:
    sets = t.group_sets(f.line, tolerance=0)
    if not sets:
        sets = t.group_sets(f.line, tolerance=6)
    return sets


def _affected_bid(t: Timeline, sets: list[dict], f: Finding) -> int | None:
    for e in sets:
        if e.get("bid"):
            return e["bid"]
        if e.get("contains"):
            return e["contains"][0]
    b = t.backbone_near(f.line)
    return b["bid"] if b else None


def verdict_tl202(t: Timeline, f: Finding) -> Verdict:
    sets = _sets_for(t, f)
    if not sets:
        return t.not_observed(f"a `trainable` assignment near line {f.line}")
    bid = _affected_bid(t, sets, f)
    last = max(e["seq"] for e in sets)
    line = sets[0]["line"]
    value = sets[-1]["value"]
    calls = t.calls_after(last, bid=bid) if bid else t.calls_after(last)
    if not calls:
        return t.not_observed(f"a training step after the change at line {line}")
    call = calls[0]
    b = t.backbones.get(bid) if bid else None
    name = b["name"] if b else "backbone"
    change = "unfreeze" if value else "freeze"
    if call.get("exception") and not call.get("ends"):
        ex = call["exception"]
        return CONFIRMED, f"after the {change} at line {line}, {t.where(call)} failed: {ex['type']}: {short_error(ex['message'])}"
    st = t.bb_stats(call, bid) if bid else None
    if st is None:
        return t.not_observed(f"a finished step after the change at line {line}")
    grp = None
    for end in call.get("ends", []):
        grp = (end.get("groups") or {}).get(str(line)) or grp
    note = t.fallback_note(b)
    base = f"after the {change} at line {line}, {st['changed']} of {st['n_vars']} {name} variables changed in {t.where(call)}"
    if value and st["flagged"] > 0 and st["flagged_changed"] == 0:
        return CONFIRMED, f"{base}, although {st['flagged']} were flagged trainable{note}"
    if not value and st["changed_not_flagged"] > 0:
        return CONFIRMED, f"{base}, although only {st['flagged']} were flagged trainable: the freeze was not applied{note}"
    if grp and value and grp["flagged"] > 0 and grp["changed"] == 0:
        return CONFIRMED, f"after the {change} at line {line}, 0 of {grp['n_vars']} variables of the layers set there changed in {t.where(call)}{note}"
    return REFUTED, f"{base}: the change was applied{note}"


def _compile_near(t: Timeline, line: int) -> dict | None:
    if not t.compiles:
        return None
    exact = [c for c in t.compiles if c.get("line") == line]
    if exact:
        return exact[-1]
    return min(t.compiles, key=lambda c: abs((c.get("line") or 10**6) - line))


def _is_unknown_var(ex: dict | None) -> bool:
    if not ex:
        return False
    msg = ex.get("message", "")
    return (
        "Unknown variable" in msg  # Keras 3 (TensorFlow, torch backends)
        or "cannot recognize variable" in msg  # Keras 2
        or "originally built with" in msg
        or "the optimizer was built with" in msg  # Keras 3 JAX backend
    )


def verdict_tl203(t: Timeline, f: Finding) -> Verdict:
    comp = _compile_near(t, f.line)
    if comp is None:
        return t.not_observed("the recompile")
    calls = t.calls_after(comp["seq"], mid=comp["mid"])
    if not calls:
        return t.not_observed(f"a training step after the recompile at line {comp['line']}")
    call = calls[0]
    ex = call.get("exception")
    reuse = " (the optimizer object had already been built by an earlier training step)" if comp.get("opt_reused_built") else ""
    if _is_unknown_var(ex):
        return CONFIRMED, f"{t.where(call)} after the recompile at line {comp['line']} failed: {ex['type']}: {short_error(ex['message'])}{reuse}"
    if ex:
        return INCONCLUSIVE, f"{t.where(call)} after the recompile at line {comp['line']} failed for another reason: {ex['type']}: {short_error(ex['message'], 200)}"
    if call.get("ends"):
        return REFUTED, f"{t.where(call)} after the recompile at line {comp['line']} ran without error with {comp.get('optimizer')}"
    return t.not_observed(f"a finished step after the recompile at line {comp['line']}")


def verdict_tl204(t: Timeline, f: Finding) -> Verdict:
    comp = _compile_near(t, f.line)
    if comp is None:
        return t.not_observed("the compile")
    later = [c for c in t.compiles if c["seq"] > comp["seq"] and c["mid"] == comp["mid"]]
    stop = later[0]["seq"] if later else 10**12
    calls = [c for c in t.calls_after(comp["seq"], mid=comp["mid"]) if c["seq"] < stop]
    if not calls:
        return t.not_observed(f"a training step compiled at line {comp['line']}")
    head_lr = None
    for c in t.calls:
        if c["seq"] < comp["seq"] and c.get("mid") == comp["mid"] and c.get("begins"):
            head_lr = c["begins"][0].get("lr")
    for call in calls:
        for bid in call.get("backbones") or []:
            st = t.bb_stats(call, bid)
            if st and st["changed"] > 0:
                lr = next((bg.get("lr") for bg in call.get("begins", []) if bg.get("lr") is not None), comp.get("lr"))
                opt = next((bg.get("optimizer") for bg in call.get("begins", []) if bg.get("optimizer")), comp.get("optimizer"))
                name = t.backbones.get(bid, {}).get("name", "backbone")
                text = f"learning rate {_lr(lr)} ({opt}) while {st['changed']} of {st['n_vars']} {name} variables changed in {t.where(call)}"
                too_high = lr is not None and (lr >= 1e-3 or (head_lr is not None and lr >= head_lr))
                if too_high:
                    if head_lr is not None and lr < 1e-3:
                        text += f" (not lower than the head-training rate {_lr(head_lr)})"
                    return CONFIRMED, text
                return REFUTED, text
    call = calls[0]
    if call.get("ends"):
        return REFUTED, f"no backbone variable changed in the training compiled at line {comp['line']} ({t.where(call)}): the rate {_lr(comp.get('lr'))} only trains the head"
    if call.get("exception"):
        ex = call["exception"]
        return INCONCLUSIVE, f"{t.where(call)} failed: {ex['type']}: {short_error(ex['message'], 200)}"
    return t.not_observed(f"a finished step compiled at line {comp['line']}")


def verdict_tl205(t: Timeline, f: Finding) -> Verdict:
    sets = _sets_for(t, f)
    seq = max(e["seq"] for e in sets) if sets else 0
    bid = _affected_bid(t, sets, f) if sets else None
    if bid is None:
        b = t.backbone_near(f.line)
        bid = b["bid"] if b else None
    if bid is None:
        return t.not_observed("a backbone")
    b = t.backbones[bid]
    calls = t.calls_after(seq, bid=bid)
    fine = [c for c in calls if (t.bb_stats(c, bid) or {}).get("changed", 0) > 0]
    call = fine[0] if fine else (calls[0] if sets and calls else None)
    if call is None:
        return t.not_observed(f"a fine-tuning step of {b['name']}")
    st = t.bb_stats(call, bid)
    if st is None:
        return t.not_observed(f"a finished step of {t.where(call)}")
    after = f" after the unfreeze at line {sets[0]['line']}" if sets else ""
    if not fine and st["bn_moving_changed"] == 0:
        return INCONCLUSIVE, (
            f"no {b['name']} variable trained in {t.where(call)}{after}, so no fine-tuning step was observed"
            " (the unfreeze did not take effect: see TL202)"
        )
    text = f"during {t.where(call)}{after}, the moving mean/variance of {st['bn_moving_changed']} of {st['n_bn']} {b['name']} BatchNormalization layers changed ({st['changed']} of {st['n_vars']} backbone variables trained)"
    return (CONFIRMED if st["bn_moving_changed"] > 0 else REFUTED), text + t.fallback_note(b)


def verdict_tl206(t: Timeline, f: Finding) -> Verdict:
    sets = _sets_for(t, f)
    if not sets:
        return t.not_observed(f"a `trainable` assignment near line {f.line}")
    line = sets[0]["line"]
    names = sorted({e["layer"] for e in sets})
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    n_vars = sum(e.get("n_vars", 0) for e in sets)
    values = {e["value"] for e in sets}
    value_txt = "/".join(str(v) for v in sorted(values))
    bid = _affected_bid(t, sets, f)
    calls = t.calls_after(max(e["seq"] for e in sets), bid=bid) if bid else t.calls_after(max(e["seq"] for e in sets))
    call = calls[0] if calls else None
    st = t.bb_stats(call, bid) if call and bid else None
    b = t.backbones.get(bid) if bid else None
    after = ""
    if st is not None:
        after = f"; in {t.where(call)}, {st['flagged']} of {st['n_vars']} {b['name']} variables were trainable and {st['changed']} changed"
    if n_vars == 0:
        owns = "owns" if len(names) == 1 else "own"
        return CONFIRMED, f"the assignment at line {line} set trainable={value_txt} on {shown}, which {owns} no variables{after}"
    whole = [e for e in sets if e.get("role") in ("backbone",) or e.get("contains")]
    if whole and len(sets) > 1:
        return CONFIRMED, (
            f"the assignment at line {line} reached {b['name'] if b else 'the backbone'} as one layer of the outer model "
            f"(layers touched: {shown}): all {n_vars} of their variables got trainable={value_txt}{after}"
        )
    inner_on = [e for e in sets if e.get("role") == "backbone_layer" and e["value"]]
    if inner_on and st is not None and not st.get("backbone_trainable_flag", True):
        return CONFIRMED, (
            f"line {line} re-enabled {len(inner_on)} layers inside {b['name']} while {b['name']}.trainable is False"
            f"{after} (Keras 3 trains them although {b['name']}.trainable_weights is empty)"
        )
    if st is None:
        return t.not_observed(f"a training step after the assignment at line {line}")
    grp = None
    for end in call.get("ends", []):
        grp = (end.get("groups") or {}).get(str(line)) or grp
    if grp is not None:
        wanted_on = True in values and False not in values
        ok = (grp["changed"] > 0) if wanted_on else (grp["changed"] == 0)
        text = f"the assignment at line {line} set trainable={value_txt} on {len(names)} layers owning {grp['n_vars']} variables; {grp['changed']} of them changed in {t.where(call)}"
        return (REFUTED if ok else CONFIRMED), text
    return REFUTED, f"the assignment at line {line} set trainable={value_txt} on {shown} ({n_vars} variables){after}"


def _output_and_loss(t: Timeline, f: Finding) -> tuple[dict | None, dict | None]:
    calls = sorted(t.calls, key=lambda c: abs((c.get("line") or 0) - f.line))
    calls = [c for c in t.calls]  # first training call is the reference
    for c in calls:
        if c.get("output") or c.get("loss"):
            return c, c.get("output")
    return None, None


def verdict_tl301(t: Timeline, f: Finding) -> Verdict:
    call, out = _output_and_loss(t, f)
    if call is None:
        comp = _compile_near(t, f.line)
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
        obs = f", outputs ranged {_fmt(outputs['min'])}..{_fmt(outputs['max'])}"
        if outputs.get("rowsum_mean") is not None and (units or 0) > 1:
            obs += f" (rows sum to {_fmt(outputs['rowsum_mean'])})"
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
    call, out = _output_and_loss(t, f)
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
    rng = f"{int(lo)}..{int(hi)}" if labels.get("integral") and lo is not None and hi is not None else f"{_fmt(lo)}..{_fmt(hi)}"
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


VERDICTS: dict[str, Callable[[Timeline, Finding], Verdict]] = {
    "TL101": verdict_tl101,
    "TL102": verdict_tl102,
    "TL103": verdict_tl103,
    "TL201": verdict_tl201,
    "TL202": verdict_tl202,
    "TL203": verdict_tl203,
    "TL204": verdict_tl204,
    "TL205": verdict_tl205,
    "TL206": verdict_tl206,
    "TL301": verdict_tl301,
    "TL302": verdict_tl302,
    "TL303": verdict_tl303,
}


def judge(t: Timeline, finding: Finding) -> dict[str, Any]:
    fn = VERDICTS.get(finding.code)
    if fn is None:
        return {"status": INCONCLUSIVE, "evidence": f"{finding.code} is not checked at run time"}
    try:
        status, evidence = fn(t, finding)
    except Exception as exc:  # noqa: BLE001 - a verdict must never stop the run
        status, evidence = INCONCLUSIVE, f"tllint could not evaluate the run for {finding.code}: {type(exc).__name__}: {exc}"
    return {"status": status, "evidence": evidence}


# ------------------------------------------------------------------------------------------------
# problems seen at run time that the static pass did not report
# ------------------------------------------------------------------------------------------------

_NAMES = {
    "TL101": ("missing-preprocessing", "error"),
    "TL102": ("wrong-preprocessing", "error"),
    "TL103": ("double-preprocessing", "error"),
    "TL201": ("backbone-trainable-during-head-training", "warning"),
    "TL203": ("recompile-reuses-optimizer", "error"),
}


def _new_finding(code: str, path: str, line: int, message: str, evidence: str) -> Finding:
    name, severity = _NAMES[code]
    try:
        from tllint.rules import registry

        info = registry().get(code)
        if info is not None:
            name, severity = info.name, info.severity
    except Exception:  # noqa: BLE001
        pass
    line = max(int(line or 1), 1)
    return Finding(
        code=code,
        name=name,
        severity=severity,
        message=message,
        path=path,
        line=line,
        column=1,
        end_line=line,
        end_column=1,
        confirmation={"status": CONFIRMED, "evidence": evidence},
        source="confirm",
    )


def runtime_findings(t: Timeline, findings: list[Finding], path: str) -> list[Finding]:
    out: list[Finding] = []
    codes = {f.code for f in findings}
    pixel_claimed: set[int] = set()
    for f in findings:
        if f.code in ("TL101", "TL102", "TL103"):
            b = t.backbone_near(f.line)
            if b:
                pixel_claimed.add(b["bid"])
    for b in t.backbones.values():
        if b["bid"] in pixel_claimed:
            continue
        obs = _pixel_obs(t, b)
        expect = contract(b)
        if obs is None or expect is None:
            continue
        kind = classify(obs["stats"])
        if kind == expect[0] or kind in ("unknown",):
            continue
        if kind == "raw":
            code, msg = "TL101", f"raw pixels reach {b['name']}, whose weights expect {expect[1]} (seen at run time)"
        elif kind == "collapsed" or (expect[0] == "raw" and kind in ("unit", "tf", "torch")):
            code, msg = "TL103", f"the input of {b['name']} is scaled twice (seen at run time)"
        else:
            code, msg = "TL102", f"the input of {b['name']} is preprocessed for another contract than its weights' {expect[1]} (seen at run time)"
        line = (b.get("call_lines") or [None])[0] or b.get("line") or 1
        out.append(_new_finding(code, path, line, msg, _pixel_text(b, obs, expect) + t.fallback_note(b) + t.data_note()))
    if "TL201" not in codes:
        for b in t.backbones.values():
            call = _first_call_for(t, b)
            st = t.bb_stats(call, b["bid"]) if call else None
            if st and st["changed"] > 0 and b.get("weights_requested") not in (None, "None"):
                line = b.get("line") or 1
                text = verdict_tl201(t, Finding("TL201", "", "", "", path, line, 1, line, 1))[1]
                out.append(_new_finding("TL201", path, line, f"{b['name']} trains together with a new head in the first training step (seen at run time)", text))
    if "TL203" not in codes:
        for c in t.calls:
            if _is_unknown_var(c.get("exception")):
                comps = [k for k in t.compiles if k["seq"] < c["seq"] and k["mid"] == c["mid"]]
                if not comps or not comps[-1].get("opt_reused_built"):
                    continue  # no recompile with a built optimizer: an ignored trainable change (TL202)
                line = comps[-1]["line"] or c.get("line") or 1
                ex = c["exception"]
                out.append(
                    _new_finding(
                        "TL203", path, line,
                        "the recompile reuses an optimizer built for other variables (seen at run time)",
                        f"{t.where(c)} failed: {ex['type']}: {short_error(ex['message'])}",
                    )
                )
                break
    return out
