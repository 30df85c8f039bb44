"""TL301 fix, where the correction is unambiguous: a linear head with a loss that expects
probabilities gets `from_logits=True`; `from_logits=True` after a softmax/sigmoid becomes False."""

from __future__ import annotations

from tllint.fixes._cst import Change
from tllint.fixes._losses import loss_value, set_from_logits


def fix(ctx, report):
    kind = report.data.get("kind")
    expr = loss_value(report.node, ctx)
    if expr is None:
        return None
    change = Change(ctx)
    if kind == "linear-without-from-logits":
        written = set_from_logits(change, ctx, expr, True)
    elif kind == "logits-after-activation":
        written = set_from_logits(change, ctx, expr, False)
    else:
        return None
    if written is None:
        return None
    return change.fix("unsafe", f"Make the loss match the head: `{written}`")
