"""TL302 fix, where the correction is unambiguous: integer labels with a categorical loss get the
sparse loss, one-hot labels with a sparse loss get the categorical one."""

from __future__ import annotations

from tllint.fixes._cst import Change
from tllint.fixes._losses import loss_value, swap_kind

_SWAP = {"int-categorical": "sparse", "onehot-sparse": "categorical"}


def fix(ctx, report):
    new_kind = _SWAP.get(report.data.get("kind"))
    expr = loss_value(report.node)
    if new_kind is None or expr is None:
        return None
    change = Change(ctx)
    written = swap_kind(change, ctx, expr, new_kind)
    if written is None:
        return None
    return change.fix("unsafe", f"Use the loss that matches the labels: `{written}`")
