"""Titles and related places of the timeline rules (TL2xx).

A TL2xx finding is a chain of events: the backbone is built, frozen, compiled, trained, unfrozen,
trained again. `Places` collects the other places of that chain as (node, label) in execution
order (the timeline's event index; places that are no event, such as where a backbone is built,
come at the position the rule gives them), without the finding's own place; the runner turns the
nodes into positions (engine/script.py `to_finding`), in another module of the project too.
"""

from __future__ import annotations

from tllint.engine.learning_rates import fmt, optimizer_of
from tllint.engine.timeline import Event, TrainableEvent, TrainEvent, compatible, state_of, unit_contains
from tllint.engine.values import Backbone, LayerElem, LayerSet, Model

# Order of places that are no event of the timeline: built before anything happens to them.
BUILT = -2.0
CALLED = -1.0
TITLE_LIMIT = 100


def short_name(unit, *, start: bool = False) -> str:
    """A unit as a title names it: `ResNet50`, `model` (in backticks), the TF-Hub backbone."""
    if isinstance(unit, Backbone):
        if unit.kind == "hub" or len(unit.name) > 30:
            return "The backbone" if start else "the backbone"
        return unit.name
    if isinstance(unit, Model):
        return f"`{unit.label}`"
    return "The layer" if start else "the layer"


def title(text: str, fallback: str) -> str:
    """The title, or the shorter fallback when it would pass the limit."""
    return text if len(text) <= TITLE_LIMIT else fallback[:TITLE_LIMIT]


def compile_label(script, compile_ev, lead: str = "compiled here") -> str:
    """`compiled here (Adam, lr 1e-3)`: the optimizer and its rate as far as known."""
    opt = optimizer_of(script, compile_ev)
    parts: list[str] = []
    if opt is not None:
        if opt.cls:
            parts.append(opt.cls)
        if opt.lr is not None:
            parts.append(f"lr {fmt(float(opt.lr))}")
    return f"{lead} ({', '.join(parts)})" if parts else lead


def next_step(script, model, after: Event, cond=None, *, implicit: bool = False) -> TrainEvent | None:
    """The first explicit training step of `model` (or of a model holding it) after an event
    (with `implicit`, a compile standing for one counts too)."""
    cond = after.cond if cond is None else cond
    for ev in script.events[after.index + 1:]:
        if not isinstance(ev, TrainEvent) or (ev.implicit and not implicit) or not compatible(ev.cond, cond):
            continue
        if ev.model is model or (isinstance(ev.model, Model) and unit_contains(ev.model, model)):
            return ev
    return None


def owner_of(target):
    """The backbone or model a `trainable` target belongs to (a layer selection's owner)."""
    if isinstance(target, LayerElem):
        target = target.of
    if isinstance(target, LayerSet):
        target = target.owner
    return target if isinstance(target, (Backbone, Model)) else None


def last_change(script, unit, before: Event, value: bool = True):
    """The last `trainable = value` before an event (compatible path) that changes `unit` and leaves
    some of it trainable: on it, on some of its layers, or on a model (or a selection of its
    layers) holding it. With False: a freeze of only some of its layers."""
    found = None
    for ev in script.events[: before.index]:
        if not isinstance(ev, TrainableEvent) or ev.value is not value or not compatible(ev.cond, before.cond):
            continue
        owner = owner_of(ev.target)
        if owner is None or not unit_contains(owner, unit):
            continue
        # (a selection of an outer model's layers may miss the unit: only a change of its state counts)
        after = state_of(unit, script.events, ev.index + 1, ev.cond)
        if after != state_of(unit, script.events, ev.index, ev.cond) and after.any_trainable:
            found = ev
    return found


class Places:
    """The related places of one finding, in execution order, its own place left out."""

    def __init__(self, script, primary) -> None:
        self.script = script
        self.primary = primary
        self._items: list[tuple[float, int, object, str]] = []

    def add(self, node, label: str, at=None) -> "Places":
        """`at`: the Event the place is (its index orders it), or a number (BUILT, CALLED...)."""
        if node is None:
            return self
        order = float(at.index) if isinstance(at, Event) else float(at if at is not None else 1e9)
        self._items.append((order, len(self._items), node, label))
        return self

    def event(self, ev, label: str) -> "Places":
        if ev is not None:
            self.add(ev.node, label, ev)
        return self

    def step(self, ev, label: str) -> "Places":
        """A training step: left out when implicit (a compile standing for one has its own place)."""
        if ev is not None and not ev.implicit:
            self.add(ev.node, label, ev)
        return self

    def _start(self, node):
        found = self.script.origin(node)
        if found is None or found[1] is None:
            return None
        return found[0], found[1].start.line, found[1].start.column

    def build(self) -> list[tuple[object, str]]:
        seen_nodes = {id(self.primary)}
        primary_start = self._start(self.primary)
        seen_starts = {primary_start} if primary_start is not None else set()
        out: list[tuple[object, str]] = []
        for _, _, node, label in sorted(self._items, key=lambda item: (item[0], item[1])):
            if id(node) in seen_nodes:
                continue
            seen_nodes.add(id(node))
            start = self._start(node)
            if start is None or start in seen_starts:
                continue
            seen_starts.add(start)
            out.append((node, label))
        return out
