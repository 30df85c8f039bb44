"""Wording and lookups shared by the head / objective rules (TL301-TL306)."""

from __future__ import annotations

import libcst as cst

from tllint.engine.heads import LOSS_TEXT, final_head, loss_node, resolve_loss
from tllint.rules._related import outside


def compiled_heads(script):
    """(model, compile event, head, loss) for every compile whose loss and final layer are known."""
    for model in script.models:
        head = None
        head_done = False
        for compile_ev in script.compiles(model):
            loss = resolve_loss(compile_ev.loss)
            if loss is None:
                continue
            if not head_done:
                head = final_head(script, model)
                head_done = True
            yield model, compile_ev, head, loss


def head_text(script, head) -> str:
    if head is None:
        return "the final layer"
    if head.from_backbone:
        b = head.layer
        return f"{b.name}'s own {head.units or '?'}-way `{head.activation}` classifier (`include_top=True`, line {script.line(b.node)})"
    code = script.code(head.node)
    return f"`{code}` (line {script.line(head.node)})"


def head_places(head) -> list[tuple]:
    """(node, label) of the final layer (and its Dense, when a separate layer applies the
    activation) for a finding's related places."""
    if head is None or head.node is None:
        return []
    if head.from_backbone:
        return [(head.node, f"{head.layer.name} built here with its {head.units or '?'}-way {head.activation} classifier")]
    units = head.units
    count = f"{units} unit{'s' if units != 1 else ''}" if units is not None else ""
    what = "no activation" if head.activation == "linear" else head.activation
    if head.dense is not None and head.dense is not head.layer and head.dense.node is not None:
        return [(head.dense.node, f"final Dense here ({count or 'its units'})"), (head.node, f"{what} applied here")]
    return [(head.node, f"final layer here ({count + ', ' if count else ''}{what})")]


def loss_place(loss, at) -> list[tuple]:
    """The loss object's own constructor, when it is built away from the compile call `at`."""
    node = getattr(loss, "node", None)
    if node is None or not isinstance(at, cst.CSTNode):
        return []
    logits = {True: " with from_logits=True", False: ""}.get(loss.from_logits, "")
    return outside(at, [(node, f"loss built here{logits}")])


def loss_title(loss) -> str:
    """The loss as a title names it: `categorical_crossentropy`, `from_logits=True` included."""
    return f"{loss.name}" + (" (from_logits=True)" if loss.from_logits else "")


def loss_name(loss) -> str:
    return f"`{loss.name}`" + (" with `from_logits=True`" if loss.from_logits else "")


__all__ = ["LOSS_TEXT", "compiled_heads", "head_places", "loss_place", "head_text", "loss_name", "loss_node", "loss_title"]
