"""Which layers a `LayerSet` selects, with the layer counts of the knowledge base.

`base.layers[:100]`, `base.layers[-20:]`, `model.layers[0]`, `get_layer(name)`, the
`isinstance(layer, BatchNormalization)` and `layer.name` filters: resolved against the number of
layers each `keras.applications` model has (knowledge/applications.py, `layer_count`), so rules can
ask "does the trainable part of this backbone hold BatchNormalization layers?" or "does this slice
select anything at all?". Anything not known answers None: unknown never produces a finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from tllint.engine.values import Backbone, Const, LayerSet, Model, Value

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
    entry = backbone.entry
    weights_imagenet = backbone.weights == "imagenet"
    k3 = entry.layers_in("keras3", backbone.include_preprocessing, weights_imagenet)
    k2 = entry.layers_in("keras2", backbone.include_preprocessing, weights_imagenet)
    if backbone.flavour == "tf_keras" or keras_major == 2:
        return k2 if entry.keras2 else None
    if keras_major == 3:
        return k3
    return k3 if k3 == k2 else None


def bn_count(backbone: Value) -> int | None:
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
    if not state.overrides:
        if b is None:
            return BNVerdict(None)
        return BNVerdict(b > 0, None, True)
    if b == 0:
        return BNVerdict(False)
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
    low = LayerSet(of.owner, ("slice", None, cut), of.filters, of.node)
    high = LayerSet(of.owner, ("slice", cut, None), of.filters, of.node)
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
