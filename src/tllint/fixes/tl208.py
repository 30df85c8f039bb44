"""TL208 fix: spell `trainable` where a near-miss was written (`layer.trainabel = False` ->
`layer.trainable = False`). Safe: the statement then does what it was written to do. An
assignment to `training` has no fix: whether a freeze or inference mode was meant is unclear."""

from __future__ import annotations

import libcst as cst

from tllint.fixes._cst import Change


def fix(ctx, report):
    node = report.data.get("attribute")
    if not isinstance(node, cst.Attribute) or report.data.get("attr") == "training":
        return None
    change = Change(ctx)
    change.replace(node.attr, cst.Name("trainable"))
    return change.fix("safe", f"Rename `{node.attr.value}` to `trainable`")
