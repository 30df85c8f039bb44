"""TL208: an assignment to a near-miss of `trainable` (`layer.trainabel = False`) or to `training`
on a Keras layer or model. Keras accepts any attribute, so the freeze silently does nothing; the
engine treats the store as the no-op it is (engine/api/layers.py `_other_attribute`), and the
consequences (TL201, TL205, ...) are reported by their own rules.
"""

from __future__ import annotations

import libcst as cst

from tllint.engine.timeline import AttributeEvent
from tllint.engine.values import Const
from tllint.rules import Report, Rule
from tllint.rules._timeline_places import Places, next_step, owner_of

TRAINABLE = "trainable"


def near_miss(attr: str) -> bool:
    """`attr` is `trainable` misspelled: another case, or one letter inserted, deleted, replaced or
    two neighbours swapped. Private names (`_trainable`, which Keras itself sets) are not."""
    if attr == TRAINABLE or attr.startswith("_"):
        return False
    return _osa_distance(attr.lower(), TRAINABLE) <= 1


def _osa_distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit."""
    if abs(len(a) - len(b)) > 1:
        return 2
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def _attribute_node(stmt: cst.CSTNode, attr: str) -> cst.Attribute | None:
    targets = []
    if isinstance(stmt, cst.Assign):
        targets = [t.target for t in stmt.targets]
    elif isinstance(stmt, cst.AnnAssign):
        targets = [stmt.target]
    for target in targets:
        if isinstance(target, cst.Attribute) and target.attr.value == attr:
            return target
    return None


class MisspelledTrainable(Rule):
    code = "TL208"
    name = "misspelled-trainable"
    severity = "error"
    summary = "An assignment to a misspelling of `trainable` (or to `training`) on a layer or model: it freezes nothing."

    def check(self, script):
        seen: set[int] = set()
        for ev in script.events:
            if not isinstance(ev, AttributeEvent) or not (ev.attr == "training" or near_miss(ev.attr)):
                continue
            node = _attribute_node(ev.node, ev.attr)
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            owner = script.code(node.value)
            value = script.code(ev.node.value) if isinstance(ev.node, (cst.Assign, cst.AnnAssign)) and ev.node.value else "..."
            line = script.line(node)
            if ev.attr == "training":
                message = (
                    f"`{owner}.training = {value}` (line {line}) sets an attribute Keras never reads: a layer or model "
                    f"has no `training` attribute, so this neither freezes `{owner}` nor switches it to inference mode. "
                    f"To freeze its weights, set `{owner}.trainable = False`; to run it in inference mode (BatchNorm "
                    f"statistics, dropout), call it with `training=False`.")
            else:
                message = (
                    f"`{owner}.{ev.attr} = {value}` (line {line}) is not `{owner}.trainable`: Keras accepts any attribute "
                    f"name on a layer or model and never reads this one, so `{owner}` keeps its trainable state and the "
                    f"freeze or unfreeze silently does nothing. Write `{owner}.trainable = {value}`.")
            yield Report(node, message, data={"attr": ev.attr, "attribute": node},
                         title=_title(ev), related=_related(script, node, ev))


def _title(ev) -> str:
    if ev.attr == "training":
        return "`training` is not a layer attribute: this neither freezes nor sets inference mode"
    value = ev.value.value if isinstance(ev.value, Const) else None
    what = "freeze" if value is False else "unfreeze" if value is True else "assignment"
    return f"`{ev.attr}` is not `trainable`: this {what} does nothing"


def _related(script, node, ev):
    """The next training step of a model holding the layer: it trains with the state unchanged."""
    owner = owner_of(ev.target)
    places = Places(script, node)
    step = next_step(script, owner, ev, implicit=True) if owner is not None else None
    if step is not None:
        places.event(step, ("compiled" if step.implicit else "trained") + " here, unaffected by that line")
    return places.build()
