"""Verdicts on what enters a backbone (TL101, TL102, TL103): the observed pixel range against the
input contract of the backbone's weights."""

from __future__ import annotations

from tllint.finding import Finding
from tllint.knowledge.applications import CONTRACTS, contract_of, lookup

from .timeline import CONFIRMED, INCONCLUSIVE, REFUTED, Timeline, Verdict, fmt_number

# How the evidence words a contract ("its weights expect -1..1"); docs/confirm.md quotes these.
# Other contracts fall back to the knowledge base's own range text.
_EXPECTATION = {
    "tf": "-1..1",
    "caffe": "caffe-style input (BGR, ImageNet mean subtracted, about -124..152)",
    "torch": "ImageNet mean/std normalised input (about -2.1..2.6)",
    "raw": "raw 0..255 pixels (it rescales internally)",
}


def contract(backbone: dict) -> tuple[str, str] | None:
    """(contract key, how the evidence words it) for an observed backbone, None when its
    constructor is not a known `keras.applications` model."""
    entry = lookup(backbone.get("name") or "")
    if entry is None:
        return None
    key = contract_of(entry, backbone.get("include_preprocessing"))
    return key, _EXPECTATION.get(key) or CONTRACTS[key].range_text


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


def pixel_obs(t: Timeline, b: dict) -> dict | None:
    for p in t.pixels:
        if p["bid"] == b["bid"] and p["stats"].get("min") is not None:
            return p
    return None


def pixel_text(b: dict, obs: dict, expect: tuple[str, str]) -> str:
    st = obs["stats"]
    return f"pixels entering {b['name']} ranged {fmt_number(st['min'])}..{fmt_number(st['max'])} (mean {fmt_number(st.get('mean'))}); its weights expect {expect[1]}"


def _pixel_common(t: Timeline, f: Finding) -> tuple[dict | None, dict | None, tuple[str, str] | None, str | None]:
    b = t.backbone_near(f.line)
    if b is None:
        return None, None, None, None
    obs = pixel_obs(t, b)
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
                f"pixels entering {b['name']} ranged {fmt_number(stats['min'])}..{fmt_number(stats['max'])}; "
                "tllint does not know this backbone's input contract"
            )
            return early, None, None, ""
        expect = unknown_contract
    return None, kind, expect, pixel_text(b, obs, expect) + t.fallback_note(b) + t.data_note()


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
