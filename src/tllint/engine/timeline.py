"""The timeline: freeze / compile / train events in execution order, with the branch each ran in.

Events from the two arms of one `if` exclude each other; `compatible()` says whether two events
can happen in the same run. Trainable state is folded from the events compatible with a point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import libcst as cst

from tllint.engine.layersets import layer_count
from tllint.engine.outer_layers import SKIP, UNSURE, WHOLE, project
from tllint.engine.values import Backbone, LayerSet, Model, Value

Cond = tuple  # ((if_id, arm), ...)


@dataclass(eq=False)
class Event:
    node: cst.CSTNode
    cond: Cond
    index: int = 0
    iteration: int = 0  # 1 for the second walk of a loop body
    # Function call chain that led here (names), for messages.
    where: tuple[str, ...] = ()
    sites: tuple[int, ...] = ()  # the calls that led here: one helper run twice is two steps


@dataclass(eq=False)
class TrainableEvent(Event):
    target: Value = None  # Backbone | Model | LayerSet
    value: bool | None = None


@dataclass(eq=False)
class CompileEvent(Event):
    model: Model = None
    optimizer: Value = None
    loss: Value = None
    kwargs: dict = field(default_factory=dict)


@dataclass(eq=False)
class TrainEvent(Event):
    model: Model = None
    data: Value = None
    method: str = "fit"  # fit | train_on_batch | fit_generator | custom_loop | implicit
    kwargs: dict = field(default_factory=dict)
    y: Value = None  # the `y` argument of fit (keyword or second positional), if given

    @property
    def implicit(self) -> bool:
        return self.method == "implicit"


@dataclass(eq=False)
class RestoreEvent(Event):
    """Weights read from a file into a model or backbone (`model.load_weights(path)`): from here
    on its layers hold trained weights, a head among them is no longer fresh."""

    target: Value = None  # Model | Backbone
    method: str = "load_weights"


@dataclass(eq=False)
class AttributeEvent(Event):
    """An attribute stored on a layer, model or layer selection that Keras never reads
    (`layer.trainabel = False`, `layer.training = False`): the store changes nothing."""

    target: Value = None  # Backbone | Model | LayerSet | LayerElem | LayerV
    attr: str = ""
    value: Value = None


@dataclass(eq=False)
class LearningRateEvent(Event):
    model: Model | None = None
    optimizer: Value = None
    lr: float | None = None


def compatible(a: Cond, b: Cond) -> bool:
    """True unless the two branch paths took different arms of the same `if`."""
    if not a or not b:
        return True
    arms = dict(a)
    for if_id, arm in b:
        if if_id in arms and arms[if_id] != arm:
            return False
    return True


@dataclass(frozen=True)
class TrainState:
    """`trainable` of one unit: a whole-unit flag then overrides on layer subsets, in order."""

    base: bool | None
    overrides: tuple = ()  # ((selector, filters, value), ...)
    # `base` came from setting every inner layer (`for layer in base.layers: layer.trainable = x`):
    # the unit's own flag is then `own`, untouched (a frozen-by-layers backbone is not a frozen parent).
    layerwise: bool = False
    own: bool | None = None

    @property
    def parent(self) -> bool | None:
        """The unit's own `trainable` attribute (Keras 2 ignores inner flags under a False parent)."""
        return self.own if self.layerwise else self.base

    def apply(self, selector: tuple, filters: tuple, value: bool | None) -> "TrainState":
        if selector == ("all",) and not filters:
            return TrainState(value, (), True, self.parent)
        return TrainState(self.base, self.overrides + ((selector, filters, value),), self.layerwise, self.own)

    @property
    def known(self) -> bool:
        return self.base is not None and all(v is not None for *_, v in self.overrides)

    @property
    def any_trainable(self) -> bool | None:
        if not self.known:
            return None
        if self.base:
            # Only an override of all layers without filter turns everything off again, and
            # `apply` already folds that into `base`.
            return True
        return any(v for *_, v in self.overrides)

    @property
    def fully_frozen(self) -> bool | None:
        t = self.any_trainable
        return None if t is None else not t

    def describe(self) -> str:
        if self.base is None:
            return "unknown"
        if not self.overrides:
            return "trainable" if self.base else "frozen"
        return "partly trainable"


def unit_contains(container: Value, unit: Value, depth: int = 0) -> bool:
    if container is unit:
        return True
    if isinstance(container, Model) and depth < 8:
        return any(unit_contains(u, unit, depth + 1) for u in container.units())
    return False


def _outer_applied(state: TrainState, target: LayerSet, unit: Value, value: bool | None) -> TrainState:
    """A selection of an outer model's layers, as far as it reaches `unit` (engine/outer_layers.py):
    its own layers in a flat model, the unit as one entry of a model it is nested in."""
    projected = project(target, unit, layer_count(unit))
    if projected == SKIP:
        return state
    if projected == WHOLE:
        return TrainState(value, ())
    if projected == UNSURE:
        return state.apply(("outer",) + target.selector, target.filters, None)
    if projected is None:
        # Which inner layers it hits is not known.
        return state.apply(("outer",) + target.selector, target.filters, value)
    return state.apply(projected, target.filters, value)


def state_of(
    unit: Value,
    events: Iterable[Event],
    upto: int,
    cond: Cond,
    *,
    default: bool = True,
) -> TrainState:
    """Trainable state of `unit` just before event index `upto` on branch path `cond`."""
    state = TrainState(getattr(unit, "trainable_default", default))
    for ev in events:
        if ev.index >= upto:
            break
        if not isinstance(ev, TrainableEvent) or not compatible(ev.cond, cond):
            continue
        target = ev.target
        if isinstance(target, LayerSet):
            if target.owner is unit:
                state = state.apply(target.selector, target.filters, ev.value)
            elif isinstance(target.owner, Model) and unit_contains(target.owner, unit) and target.owner is not unit:
                state = _outer_applied(state, target, unit, ev.value)
        elif target is unit or (isinstance(target, (Model, Backbone)) and unit_contains(target, unit)):
            state = TrainState(ev.value, ())
    return state
