"""TL102 fix: replace the scaling into the wrong range with the backbone family's own
preprocessing (correct Rescaling parameters; in generators preprocessing_function for rescale;
the right family's preprocess_input)."""

from __future__ import annotations

from tllint.fixes._cst import Change
from tllint.fixes._pixels import replace_step


def fix(ctx, report):
    backbone, enc = report.data.get("unit"), report.data.get("encoding")
    if backbone is None or enc is None or enc.source.kind != "raw":
        return None
    steps = enc.scaling_steps()
    # Unambiguous only when this step is the one scaling of the 0..255 pixels.
    if len(steps) != 1 or steps[0].node is not report.node:
        return None
    change = Change(ctx)
    written = replace_step(change, ctx, report.node, backbone)
    if written is None:
        return None
    return change.fix("unsafe", f"Scale the pixels for {backbone.name} with `{written}`")
