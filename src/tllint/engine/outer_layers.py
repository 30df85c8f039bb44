"""`model.layers` of an outer model, mapped onto the backbones inside it.

Two shapes (keras-facts: functional models list their layers in graph order, the InputLayer first;
Sequential models list their layers without one):

- flat: `Model(base.input, head(base.output))` holds the backbone's layers directly,
  `model.layers[i]` IS `base.layers[i]` for every backbone position, then the head's layers follow
  (also for a backbone cut at one of its layers: `Model(base.input, base.get_layer(n).output)`);
- nested: `base(x)` / `Sequential([base, ...])`: the backbone is ONE entry of `model.layers`, and
  setting that entry's `trainable` sets the backbone's (and Keras applies it to every sublayer).

A position is known exactly or not at all: any layer or operation tllint cannot place (a branch,
a NumPy-style operation on a symbolic tensor, a second input) makes the mapping unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tllint.engine.layersets import indices, layouts, resolve
from tllint.engine.values import Backbone, LayerSet, LayerV, Model, Tensor, Value

SKIP = ("skip",)  # the selection misses the unit
WHOLE = ("whole",)  # the selection sets the unit's own flag (a nested backbone)
UNSURE = ("unsure",)  # the selection reaches the unit, which of its layers is not known


@dataclass(frozen=True, eq=False)
class OuterLayers:
    """What `model.layers` held when the script read it."""

    flat: Backbone | None = None
    cut: tuple | None = None  # flat: ("name", n) | ("index", i), the backbone's last kept layer
    head: int | None = None  # flat: layers after the backbone's; None: not known exactly
    positions: dict = field(default_factory=dict)  # nested: id(unit) -> index in model.layers
    total: int | None = None  # nested: len(model.layers)


def snapshot(model: Model, interp=None) -> OuterLayers | None:
    if model.__dict__.get("unknown_graph"):
        return None
    flat = _flat(model, interp)
    if flat is not None:
        return flat
    unplaced = getattr(interp, "unplaced_origins", None) or set() if interp is not None else set()
    if model.kind == "functional" and any(origin in unplaced for origin in model.input_ids):
        return None
    return _nested(model)


def _flat(model: Model, interp) -> OuterLayers | None:
    if model.kind != "functional" or len(model.input_ids) != 1:
        return None
    origin = model.input_ids[0]
    hits = [f.backbone for f in model.feeds if not f.nested and f.origin == origin]
    if len(hits) != 1 or any(f.nested for f in model.feeds):
        return None
    backbone = hits[0]
    out = model.output
    if not isinstance(out, Tensor):
        return None
    if out.backbone is not backbone:
        # A head model applied to the backbone's output (`top_model(base.output)`) whose graph is not
        # known: the model still holds the backbone's layers, the head's count is not known.
        fed = [x for callee, x, o in (getattr(interp, "applications", None) or ()) if o is out]
        if len(fed) != 1 or fed[0].backbone is not backbone or out.backbone is not None:
            return None
        return OuterLayers(flat=backbone, cut=fed[0].__dict__.get("cut"), head=None)
    head = len(out.layers)
    unplaced = getattr(interp, "unplaced_origins", None) or set()
    exact = (list(model.layers) == list(out.layers) and all(isinstance(layer, LayerV) for layer in out.layers)
             and origin not in unplaced)
    start = _head_start(out, interp)
    if start is None:
        return None
    return OuterLayers(flat=backbone, cut=start.__dict__.get("cut"), head=head if exact else None)


def _head_start(out: Tensor, interp) -> Tensor | None:
    """The backbone output the head was applied to (a cut travels on it), back along the head."""
    apps = getattr(interp, "applications", None) or ()
    t = out
    for _ in range(1000):
        if not t.layers:
            return t
        fed = [x for _callee, x, o in apps if o is t]
        if len(fed) != 1:
            return None
        t = fed[0]
    return None


def _nested(model: Model) -> OuterLayers | None:
    entries = list(model.layers)
    if not all(isinstance(layer, (LayerV, Backbone, Model)) for layer in entries):
        return None
    if model.kind == "functional":
        if len(model.input_ids) != 1 or not _linear(model, entries):
            return None
        offset = 1  # the InputLayer
    elif model.kind == "sequential":
        offset = 0
    else:
        return None
    positions: dict = {}
    for i, layer in enumerate(entries):
        if isinstance(layer, (Backbone, Model)):
            if id(layer) in positions:
                return None  # the same model applied twice: one entry in Keras
            positions[id(layer)] = i + offset
    return OuterLayers(positions=positions, total=len(entries) + offset)


def _linear(model: Model, entries: list) -> bool:
    """A functional model whose layers form one chain that tllint saw in full: every entry fed
    by the previous one, no operation between them that would be a layer of its own."""
    out = model.output
    if not isinstance(out, Tensor):
        return False
    units = [i for i, layer in enumerate(entries) if isinstance(layer, (Backbone, Model))]
    if len(units) != 1:
        return False
    before, unit, after = entries[: units[0]], entries[units[0]], entries[units[0] + 1:]
    if list(out.layers) != after:
        return False
    feeds = [f for f in model.feeds if f.backbone is unit or (isinstance(unit, Model) and f.backbone in unit.backbones)]
    if not feeds:
        return not before  # (a sub-model without backbone: only when it comes first)
    nodes = {id(layer.node) for layer in before if isinstance(layer, LayerV)}
    # Every transform between the input and the backbone came from one of those layers.
    return all(id(step.node) in nodes for f in feeds for step in f.encoding.steps) and len(nodes) == len(before)


def project(ls: LayerSet, unit: Value, count: int | None = None):
    """The selection `ls` (over an outer model's layers) as seen by `unit`: SKIP, WHOLE, a selector
    over the unit's own layers, or None when not known. `count`: len(unit.layers) when the same
    on every Keras version."""
    outer = ls.outer
    if not isinstance(outer, OuterLayers):
        return None
    if outer.flat is not None:
        return _settled(_project_flat(ls, outer, unit, count), unit, outer) if outer.flat is unit else None
    p = outer.positions.get(id(unit))
    if p is None or outer.total is None:
        return None
    if ls.selector[0] == "name":
        return None  # (an outer name: the backbone's own is not known here)
    picked = indices(ls.selector, outer.total)
    if picked is None:
        return None
    if p not in picked:
        return SKIP
    for flt in ls.filters:
        # A nested model is never a BatchNormalization layer; other filters are not decided.
        if not (flt[0] == "isinstance" and "BatchNormalization" in flt[1] and not flt[2]):
            return None
        return SKIP
    return WHOLE


def _settled(selector, unit: Value, outer: OuterLayers):
    """A selection of a flat model's backbone layers that picks all of them (or none) on every
    layout the backbone may have is one operation on the whole backbone (or none)."""
    if selector is None or selector in (SKIP, WHOLE) or selector == ("all",):
        return selector if selector is not None or outer.cut is None else UNSURE
    found = layouts(unit)
    picks = [resolve(selector, lay) for lay in found]
    if found and all(p is not None for p in picks):
        if all(not p for p in picks):
            return SKIP
        if all(p == list(range(len(_kept(lay, outer)))) for p, lay in zip(picks, found)):
            return ("all",)
        return selector
    # (a cut backbone: positions need the measured names; otherwise not known)
    return UNSURE if outer.cut is not None else selector


def _kept(layout, outer: OuterLayers):
    """The backbone layers a flat model keeps: all of them, or those up to its cut."""
    if outer.cut is None or getattr(layout, "is_prefix", False):
        return layout
    last = resolve(outer.cut, layout)
    return range(last[0] + 1) if last and len(last) == 1 else layout


def _project_flat(ls: LayerSet, outer: OuterLayers, unit: Value, count: int | None):
    sel = ls.selector
    if outer.cut is not None:
        return ("flat", outer.cut, outer.head, sel)
    kind = sel[0]
    head = outer.head
    if kind == "all":
        return sel
    if kind in ("name", "from", "upto"):
        return sel
    if kind == "index":
        i = sel[1]
        if not isinstance(i, int):
            return None
        if i >= 0:
            return SKIP if count is not None and i >= count else sel
        if head is None:
            return None
        return ("index", i + head) if i + head < 0 else SKIP
    if kind == "slice":
        lo, hi = sel[1], sel[2]
        if not all(b is None or (isinstance(b, int) and not isinstance(b, bool)) for b in (lo, hi)):
            # `model.layers[k:]` with k unknown: it may stop short of the backbone (head layers only).
            return UNSURE
        if (lo is not None and lo < 0) or (hi is not None and hi < 0):
            if head is None:
                return None
            if lo is not None and lo < 0:
                if lo + head >= 0:
                    return SKIP  # starts inside the head
                lo = lo + head
            if hi is not None and hi < 0:
                hi = hi + head if hi + head < 0 else None
        if lo is not None and count is not None and lo >= count:
            return SKIP
        if lo in (None, 0) and hi is None:
            return ("all",)
        return ("slice", lo, hi)
    return None
