"""TL101 fix: put the backbone family's own preprocessing on the tensor that feeds the backbone."""

from __future__ import annotations

import libcst as cst

from tllint.fixes._common import preprocess_wrap
from tllint.fixes._cst import Change


def fix(ctx, report):
    feed = report.data.get("feed")
    backbone = report.data.get("unit")
    if feed is None or backbone is None or not feed.nested:
        return None
    call = report.node
    if not isinstance(call, cst.Call) or call is backbone.node or not call.args:
        return None
    first = call.args[0]
    if first.keyword is not None or first.star:
        return None
    change = Change(ctx)
    wrapped = preprocess_wrap(change, backbone, ctx.code(first.value))
    if wrapped is None:
        return None
    expr, what = wrapped
    change.replace(first.value, ctx.parse_expr(expr))
    return change.fix("unsafe", f"Apply {what} to the pixels before {backbone.name}")
