"""Verdicts on the evaluation rules (TL4xx) from the child's `predicted` events (the shape of what
`predict` / `predict_on_batch` returned, per line)."""

from __future__ import annotations

import re

from tllint.finding import Finding

from .timeline import CONFIRMED, INCONCLUSIVE, REFUTED, Timeline, Verdict

_PREDICT_LINE = re.compile(r"\(line (\d+)\), but the model ends in")


def verdict_tl404(t: Timeline, f: Finding) -> Verdict:
    """Confirmed when the flagged predict call returned predictions with one entry on the last axis."""
    m = _PREDICT_LINE.search(f.message)
    line = int(m.group(1)) if m else f.line
    shapes = [e.get("shape") for e in t.run.of_kind("predicted") if e.get("line") == line and e.get("shape")]
    if not shapes:
        return t.not_observed(f"the predict call at line {line}")
    shape = shapes[-1]
    text = f"`predict` at line {line} returned an array of shape {tuple(shape)}"
    if len(shape) >= 2 and shape[-1] == 1:
        return CONFIRMED, text + ": its last axis has one entry, so the argmax over it is 0 for every sample"
    if len(shape) >= 2 and (shape[-1] or 0) > 1:
        return REFUTED, text + f": {shape[-1]} entries on the last axis"
    return INCONCLUSIVE, text
