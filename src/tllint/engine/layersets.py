"""Which layers a `LayerSet` selects, with the layers the knowledge base measured.

`base.layers[:100]`, `base.layers[-20:]`, `model.layers[0]`, `get_layer(name)`, the
`isinstance(layer, BatchNormalization)` and `layer.name` filters, the flag loop's "from the layer
named X on": resolved against the names, classes and BatchNormalization positions of each
`keras.applications` model (knowledge/layer_table.py, one layout per Keras version the script may
run on, all of which must agree), else against its layer count (knowledge/applications.py), so
rules can ask "does the trainable part of this backbone hold BatchNormalization layers?" or "does
this slice select anything at all?". Anything not known answers None: unknown never produces a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tllint.engine.values import Backbone, Const, LayerSet, Model, Tensor, Value
from tllint.knowledge import layer_table

BN = "BatchNormalization"
# BatchNormalization spellings that `isinstance` may name.
BN_NAMES = {"BatchNormalization", "SyncBatchNormalization", "BatchNormalizationV2", "BatchNormalizationV1"}
# Symbolic layer counts for a backbone whose count is unknown: a conclusion that holds for both is
# independent of the count (`layers[-20:]` is 20 layers whatever the model).
_SYMBOLIC = (5000, 7000)


def layer_count(backbone: Value, keras_major: int | None = None) -> int | None:
    """len(backbone.layers) when the knowledge base knows it for this build, else None."""
    if not isinstance(backbone, Backbone) or backbone.kind != "applications" or backbone.entry is None:
        return None
    if backbone.include_top is not False:
        return None  # include_top=True adds classifier layers whose count differs per family
    if not _plain_input(backbone):
        return None
    entry = backbone.entry
    weights_imagenet = backbone.weights == "imagenet"
    k3 = entry.layers_in("keras3", backbone.include_preprocessing, weights_imagenet)
    k2 = entry.layers_in("keras2", backbone.include_preprocessing, weights_imagenet)
    if backbone.flavour == "tf_keras" or keras_major == 2:
        return k2 if entry.keras2 else None
    if keras_major == 3:
        return k3
    return k3 if k3 == k2 else None


def _plain_input(backbone: Backbone) -> bool:
    """`input_tensor=` given a tensor that layers already processed puts those layers into
    `base.layers` too: counts and positions are then not the table's."""
    given = backbone.kwargs.get("input_tensor")
    if given is None or (isinstance(given, Const) and given.value is None):
        return True
    return isinstance(given, Tensor) and not given.encoding.steps and not given.layers


def layouts(backbone: Value, keras_major: int | None = None) -> list:
    """The measured layer layouts (knowledge/layer_table.py) `backbone` may have: one per Keras
    flavour it may run on (both when the target is unknown). Empty when one of them is not known.
    A backbone cut at one of its layers (`base.get_layer(n).output`) keeps the layers up to it."""
    if not isinstance(backbone, Backbone) or backbone.kind != "applications" or backbone.entry is None:
        return []
    top = backbone.include_top
    if top is None or not _plain_input(backbone):
        return []
    if top and any(k in backbone.kwargs for k in ("classes", "classifier_activation")):
        return []  # (the measured classifier: 1000 classes, default size)
    entry = backbone.entry
    if backbone.flavour == "tf_keras" or keras_major == 2:
        flavours = ["keras2"]
    elif keras_major == 3:
        flavours = ["keras3"]
    else:
        flavours = [f for f in ("keras3", "keras2") if entry.exists_in(f)]
    build = {"include_preprocessing": backbone.include_preprocessing, "weights_imagenet": backbone.weights == "imagenet",
             "include_top": bool(top)}
    found = [layer_table.layout_of(entry, f, **build) for f in flavours]
    if not found or any(lay is None for lay in found):
        return []
    cuts = backbone.__dict__.get("cuts")
    if cuts:
        if len(set(cuts)) != 1:
            return []
        kept = [resolve(next(iter(cuts)), lay) for lay in found]
        if any(not k or len(k) != 1 for k in kept):
            return []
        found = [_Prefix(lay, k[0] + 1) for lay, k in zip(found, kept)]
    return found


def bn_count(backbone: Value) -> int | None:
    choices = backbone.__dict__.get("choices") if isinstance(backbone, Backbone) else None
    if choices:
        # Picked at run time (api/backbone_choice.py): BN layers only if every choice has them.
        counts = [bn_count(b) for b in choices]
        return None if None in counts else min(counts)
    if isinstance(backbone, Backbone) and backbone.kind == "package":
        # The package says whether it has BN layers, not how many: 1 stands for "some".
        has = backbone.kwargs.get("__batchnorm__")
        return (1 if has.value else 0) if isinstance(has, Const) else None
    if not isinstance(backbone, Backbone) or backbone.kind != "applications" or backbone.entry is None:
        return None
    return backbone.entry.bn_layers


def layer_len(layers: Value) -> Value | None:
    """`len(base.layers)`: a constant when the layer count is known (None otherwise)."""
    if isinstance(layers, LayerSet) and layers.selector == ("all",) and not layers.filters:
        n = layer_count(layers.owner)
        if n is not None:
            return Const(n)
    return None


def indices(selector: tuple, n: int) -> list[int] | None:
    """Layer indices a selector picks out of n layers; None when not known."""
    kind = selector[0]
    if kind == "all":
        return list(range(n))
    if kind == "slice":
        lo, hi = selector[1], selector[2]
        if lo == "?" or hi == "?" or not all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in (lo, hi)):
            return None
        return list(range(*slice(lo, hi).indices(n)))
    if kind == "index":
        i = selector[1]
        if not isinstance(i, int):
            return None
        if -n <= i < n:
            return [i % n]
        return None
    return None


# ---------------------------------------------------------------------- positions with a known layout
_SUFFIX = re.compile(r"_\d+$")
NAME_FILTERS = ("name_contains", "name_startswith", "name_endswith", "name_eq", "name_in")


def _name_test(kind: str, text, name: str) -> bool:
    if kind == "name_contains":
        return text in name
    if kind == "name_startswith":
        return name.startswith(text)
    if kind == "name_endswith":
        return name.endswith(text)
    if kind == "name_eq":
        return name == text
    return name in text  # name_in: a tuple of names


def name_matches(kind: str, text, layout, i: int) -> bool | None:
    """Does the name of layer `i` of `layout` pass a name test? A name Keras generated
    (`rescaling_1`) may carry any number (or none) in the script: decided only when every
    spelling `base`, `base_<N>` agrees."""
    name = layout.names[i]
    if i not in layout.auto:
        return _name_test(kind, text, name)
    base = _SUFFIX.sub("", name)
    if kind in ("name_eq", "name_in"):
        texts = text if isinstance(text, tuple) else (text,)
        return None if any(_SUFFIX.sub("", t) == base for t in texts) else False
    if kind == "name_startswith":
        return True if base.startswith(text) else None if text.startswith(base) else False
    numbered = "_" in text or re.search(r"\d", text) is not None
    if kind == "name_contains":
        return True if text in base else None if numbered else False
    if kind == "name_endswith":
        return None if base.endswith(text) or numbered else False
    return None


def _match_at(filters: tuple, layout, i: int) -> bool | None:
    """Does layer `i` of `layout` pass every filter? None: not known."""
    result: bool | None = True
    for flt in filters:
        kind = flt[0]
        if kind == "isinstance":
            cls, negated = flt[1], flt[2]
            is_bn = i in layout.bn
            if cls in BN_NAMES:
                hit = is_bn
            elif layout.classes[i] == cls:
                hit = True
            elif is_bn:
                hit = False
            else:
                result = None  # (a subclass of another class: not decided)
                continue
            if hit == negated:
                return False
        elif kind in NAME_FILTERS:
            hit = name_matches(kind, flt[1], layout, i)
            if hit is None:
                result = None
            elif hit == flt[2]:
                return False
        else:
            result = None
    return result


def first_match(test: tuple, layout) -> int | None:
    """Position of the first layer whose name passes `test` (a name filter); len(layout) when
    certainly none does; None when not known."""
    kind, text = test[0], test[1]
    for i in range(len(layout)):
        hit = name_matches(kind, text, layout, i)
        if hit is None:
            return None
        if hit:
            return i
    return len(layout)


def resolve(selector: tuple, layout) -> list[int] | None:
    """Positions a selector picks out of a backbone with a known layout; None when not known."""
    kind = selector[0]
    n = len(layout)
    if kind == "name":
        i = layout.index_of(selector[1])
        if i is not None:
            return [i]
        return [] if layout.has_name(selector[1]) is False else None
    if kind in ("from", "upto"):
        # (engine/flag_loops.py: the layers from / before the first whose name passes a test)
        k = first_match(selector[1], layout)
        if k is None:
            return None
        k = min(n, k + (selector[2] if len(selector) > 2 else 0))
        return list(range(k, n)) if kind == "from" else list(range(k))
    if kind == "flat":
        # ("flat", cut, head, inner): the layers of an outer model built on the backbone's input
        # (`Model(base.input, ...)`), `cut` the last backbone layer it keeps, `head` the layers after it.
        cut, head, inner = selector[1], selector[2], selector[3]
        kept = n
        if cut is not None and not isinstance(layout, _Prefix):  # (a _Prefix is already cut there)
            last = resolve(cut, layout)
            if not last or len(last) != 1:
                return None
            kept = last[0] + 1
        if inner[0] == "index" and isinstance(inner[1], int) and inner[1] >= kept:
            return []  # a layer of the head
        if inner[0] in ("slice", "index"):
            if head is None and _negative(inner):
                return None
            picked = indices(inner, kept + (head or 0))
        else:
            picked = resolve(inner, _Prefix(layout, kept))
        return None if picked is None else [i for i in picked if i < kept]
    return indices(selector, n)


def _negative(selector: tuple) -> bool:
    if selector[0] in ("slice", "index"):
        return any(isinstance(b, int) and b < 0 for b in selector[1:])
    return False


class _Prefix:
    """The first `kept` layers of a layout (a backbone cut at one of its layers)."""

    is_prefix = True

    def __init__(self, layout, kept: int) -> None:
        self.layout, self.kept = layout, kept
        self.names = layout.names[:kept]
        self.auto = frozenset(i for i in layout.auto if i < kept)
        self.bn = frozenset(i for i in layout.bn if i < kept)
        self.classes = layout.classes[:kept]

    def __len__(self) -> int:
        return self.kept

    def index_of(self, name: str) -> int | None:
        i = self.layout.index_of(name)
        return i if i is not None and i < self.kept else None

    def has_name(self, name: str) -> bool | None:
        if self.index_of(name) is not None:
            return True
        # (a name of the layers cut away is certainly absent from the prefix)
        return None if self.layout.has_name(name) is None else False


def _layout_verdict(state, layout) -> "BNVerdict":
    flags: list[bool | None] = [state.base] * len(layout)
    for selector, filters, value in state.overrides:
        if value is None:
            return BNVerdict(None)
        picked = resolve(selector, layout)
        if picked is None:
            return BNVerdict(None)
        for i in picked:
            m = _match_at(filters, layout, i)
            if m is True:
                flags[i] = value
            elif m is None and flags[i] is not value:
                flags[i] = None
    bn = sorted(layout.bn)
    if not bn:
        return BNVerdict(False)
    trainable = [i for i in bn if flags[i] is True]
    if trainable:
        certain = sum(1 for f in flags if f is True)
        return BNVerdict(True, certain if certain == sum(1 for f in flags if f is not False) else None,
                         all(f is True for f in flags))
    if any(flags[i] is None for i in bn):
        return BNVerdict(None)
    return BNVerdict(False)


def bn_layers_trainable(state, backbone: Value, keras_major: int | None = None) -> "BNVerdict | None":
    """The BN verdict read off the measured layouts, when every layout the backbone may have agrees
    (None: no layout known, the caller falls back to counts)."""
    found = layouts(backbone, keras_major)
    if not found:
        return None
    verdicts = [_layout_verdict(state, lay) for lay in found]
    first = verdicts[0]
    if all(v.trainable == first.trainable for v in verdicts):
        if first.trainable is True:
            counts = {v.count for v in verdicts}
            return BNVerdict(True, counts.pop() if len(counts) == 1 else None, all(v.whole for v in verdicts))
        return first
    return BNVerdict(None)


def _matches(filters: tuple, is_bn: bool) -> bool | None:
    """Does a layer of this class (BN or not) pass every filter? None: some of them may."""
    result: bool | None = True
    for flt in filters:
        kind = flt[0]
        if kind == "isinstance":
            cls, negated = flt[1], flt[2]
            if cls in BN_NAMES:
                hit = is_bn != negated
                if not hit:
                    return False
            else:
                # Another class: a BN layer is never one; other layers may or may not be.
                if not negated:
                    if is_bn:
                        return False
                    result = None
        else:
            result = None  # name filters: some layers of either class match
    return result


@dataclass
class Coverage:
    """Trainable state of the layers of one backbone after its overrides."""

    n: int
    bn_trainable: int  # positions a BN layer may occupy that are certainly trainable
    bn_unknown: int
    other_trainable: int
    other_unknown: int


def _coverage(base: bool, overrides: tuple, n: int) -> Coverage | None:
    bn = [base] * n
    other = [base] * n
    for selector, filters, value in overrides:
        if value is None:
            return None
        if selector and selector[0] == "outer":
            return None  # a slice of an outer model: which inner layers it hits is unknown
        if selector[0] == "name":
            # One named layer: we don't know its class or position.
            for arr, is_bn in ((bn, True), (other, False)):
                if _matches(filters, is_bn) is False:
                    continue
                for i in range(n):
                    if arr[i] is not value:
                        arr[i] = None
            continue
        picked = indices(selector, n)
        if picked is None:
            return None
        for arr, is_bn in ((bn, True), (other, False)):
            m = _matches(filters, is_bn)
            if m is False:
                continue
            for i in picked:
                if m is True:
                    arr[i] = value
                elif arr[i] is not value:
                    arr[i] = None
    return Coverage(
        n,
        sum(1 for v in bn if v is True),
        sum(1 for v in bn if v is None),
        sum(1 for v in other if v is True),
        sum(1 for v in other if v is None),
    )


@dataclass
class BNVerdict:
    trainable: bool | None
    count: int | None = None  # trainable layer positions that may hold BN layers
    whole: bool = False  # the whole backbone is trainable


def bn_trainable(state, backbone: Value, keras_major: int | None = None) -> BNVerdict:
    """Are BatchNormalization layers of `backbone` trainable in `state` (a timeline.TrainState)?

    Keras 3 semantics: per-layer flags, later changes override earlier ones. A frozen parent with
    re-enabled inner layers is TL206's subject and answers None here.
    """
    if state.base is None:
        return BNVerdict(None)
    parent = getattr(state, "parent", state.base)
    if parent is False and state.overrides:
        return BNVerdict(None)
    if state.base is False and not state.overrides:
        return BNVerdict(False)
    b = bn_count(backbone)
    if isinstance(backbone, Backbone) and backbone.__dict__.get("cuts") and b:
        # A backbone cut at one of its layers: only the measured layers up to the cut count.
        return bn_layers_trainable(state, backbone, keras_major) or BNVerdict(None)
    if not state.overrides:
        if b is None:
            return BNVerdict(None)
        return BNVerdict(b > 0, None, True)
    if b == 0:
        return BNVerdict(False)
    measured = bn_layers_trainable(state, backbone, keras_major)
    if measured is not None:
        return measured  # positions of the BatchNormalization layers known for every flavour
    n = layer_count(backbone, keras_major)
    results = []
    for size in ([n] if n is not None else list(_SYMBOLIC)):
        cov = _coverage(state.base, state.overrides, size)
        if cov is None:
            return BNVerdict(None)
        results.append(cov)
    first = results[0]
    if any(r.bn_trainable != first.bn_trainable or r.bn_unknown != first.bn_unknown for r in results):
        # Depends on the unknown count: all of it trainable in each case?
        if all(r.bn_trainable == r.n for r in results):
            return BNVerdict(True if b else None, None, True)
        return BNVerdict(None)
    if first.bn_trainable == 0:
        return BNVerdict(False if first.bn_unknown == 0 else None)
    if b is None:
        return BNVerdict(None)
    if first.bn_trainable == first.n:
        return BNVerdict(True, first.n, True)
    # BN layers sit all along these networks (about one layer in three for MobileNetV2, ResNet,
    # EfficientNet): ten consecutive trainable positions always hold some.
    if first.bn_trainable >= 10 and (n is None or b * 10 >= n):
        return BNVerdict(True, first.bn_trainable)
    return BNVerdict(None)


def selection_size(layerset: LayerSet, keras_major: int | None = None) -> tuple[int, int] | None:
    """(selected, total) for a numeric slice/index of a backbone with a known layer count."""
    n = layer_count(layerset.owner, keras_major)
    if n is None:
        return None
    picked = indices(layerset.selector, n)
    if picked is None:
        return None
    return len(picked), n


def slice_bounds(layerset: LayerSet) -> tuple:
    if layerset.selector[0] == "slice":
        return layerset.selector[1], layerset.selector[2]
    return ()


def describe_selector(layerset: LayerSet) -> str:
    sel = layerset.selector
    if sel[0] == "all":
        text = "layers"
    elif sel[0] == "slice":
        lo = "" if sel[1] is None else sel[1]
        hi = "" if sel[2] is None else sel[2]
        text = f"layers[{lo}:{hi}]"
    elif sel[0] == "index":
        text = f"layers[{sel[1]}]"
    elif sel[0] == "name":
        text = f"get_layer({sel[1]!r})"
    else:
        text = "layers"
    return text


def outer_entries(model: Model) -> int | None:
    """len(model.layers) of an outer model when its graph is fully known (InputLayer included for
    functional models)."""
    if model.__dict__.get("unknown_graph") or not model.layers:
        return None
    n = len(model.layers)
    return n + 1 if model.kind == "functional" else n


class LayerIndex(Value):
    """The index of `for i, layer in enumerate(base.layers)`."""

    def __init__(self, of: LayerSet) -> None:
        self.of = of


_FLIP = {"LessThan": "GreaterThan", "LessThanEqual": "GreaterThanEqual", "GreaterThan": "LessThan", "GreaterThanEqual": "LessThanEqual"}


def index_narrowing(interp, test):
    """`if i < N:` inside `for i, layer in enumerate(base.layers)` narrows `layer` to a slice.

    Returns (loop variable name, then value, else value) like every registered narrower, or None.
    """
    import libcst as cst

    from tllint.engine.values import LayerElem

    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    op = type(test.comparisons[0].operator).__name__
    if op not in _FLIP:
        return None
    left = interp.eval(test.left)
    right = interp.eval(test.comparisons[0].comparator)
    if isinstance(right, LayerIndex) and not isinstance(left, LayerIndex):
        left, right, op = right, left, _FLIP[op]
    if not isinstance(left, LayerIndex) or not isinstance(right, Const):
        return None
    bound = right.value
    if not isinstance(bound, int) or isinstance(bound, bool):
        return None
    of = left.of
    if of.selector != ("all",):
        return None
    cut = {"LessThan": bound, "LessThanEqual": bound + 1, "GreaterThanEqual": bound, "GreaterThan": bound + 1}[op]
    if cut < 0:
        return None
    low = LayerSet(of.owner, ("slice", None, cut), of.filters, of.node, of.outer)
    high = LayerSet(of.owner, ("slice", cut, None), of.filters, of.node, of.outer)
    then_set, else_set = (low, high) if op in ("LessThan", "LessThanEqual") else (high, low)
    for name, value in interp.env.items():
        if isinstance(value, LayerElem) and value.of is of:
            return name, LayerElem(then_set), LayerElem(else_set)
    return None


def index_split(interp, value_node, elem) -> list | None:
    """`layer.trainable = i >= N` inside `for i, layer in enumerate(base.layers)`: two set
    operations, [(LayerSet, value), ...], or None."""
    import libcst as cst

    if elem.of.selector != ("all",) or value_node is None:
        return None
    node = value_node
    if not isinstance(node, cst.Comparison):
        return None
    if not any(value is elem for value in interp.env.values()):
        return None
    narrowed = index_narrowing(interp, node)
    if narrowed is None:
        return None
    _, then_v, else_v = narrowed
    return [(then_v.of, True), (else_v.of, False)]
