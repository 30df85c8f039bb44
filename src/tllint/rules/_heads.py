"""Wording and lookups shared by the head / objective rules (TL301-TL306)."""

from __future__ import annotations

from tllint.engine.heads import LOSS_TEXT, final_head, loss_node, resolve_loss


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


def loss_name(loss) -> str:
    return f"`{loss.name}`" + (" with `from_logits=True`" if loss.from_logits else "")


__all__ = ["LOSS_TEXT", "compiled_heads", "head_text", "loss_name", "loss_node"]
