"""TL302 fix, where the correction is unambiguous: integer labels with a categorical loss get the
sparse loss, one-hot labels with a sparse loss get the categorical one. Safe: with the wrong one,
`fit` stops at the first batch on the label/output shape mismatch, so no working behaviour
changes; the loss keeps its spelling and its `from_logits`."""

from __future__ import annotations

from tllint.fixes._cst import Change
from tllint.fixes._losses import loss_value, swap_kind

_SWAP = {"int-categorical": "sparse", "onehot-sparse": "categorical"}


def fix(ctx, report):
    new_kind = _SWAP.get(report.data.get("kind"))
    expr = loss_value(report.node, ctx)
    units = report.data.get("units")
    if new_kind is None or expr is None or not isinstance(units, int) or units < 2:
        return None  # one output unit: the head is what needs to change, not the loss
    change = Change(ctx)
    written = swap_kind(change, ctx, expr, new_kind)
    if written is None:
        return None
    return change.fix("safe", f"Use the loss that matches the labels: `{written}`")
