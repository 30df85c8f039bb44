"""Related places of a finding (Report.related): the chain's other nodes, without the ones that
lie inside the finding's own span (they add nothing) or repeat an earlier one."""

from __future__ import annotations


def subtree(node) -> set[int]:
    """ids of a node and of everything under it."""
    out: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        out.add(id(current))
        stack.extend(getattr(current, "children", ()))
    return out


def outside(primary, pairs) -> list[tuple]:
    """The (node, label) pairs whose node is neither inside `primary` nor an earlier pair's node."""
    seen = subtree(primary)
    out: list[tuple] = []
    for node, label in pairs:
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        out.append((node, label))
    return out
