"""Evaluation: what `model.predict` gives, the labels it is scored against, and the scoring
(`sklearn.metrics`, `tf.math.confusion_matrix`, `preds == labels`, `argmax`).

Order facts (docs/facts/tl401_shuffle_passes.py): `flow_from_directory` / `flow_from_dataframe` /
`flow` shuffle by default and every pass (also after `reset()`) draws a new order, while `.classes`
stays in file order; `image_dataset_from_directory` (shuffle=True default, seed or not) and
`Dataset.shuffle` (reshuffle_each_iteration=True default) reshuffle on every pass; the validation
half of `subset="both"` is built unshuffled; `.cache()` after the shuffle keeps the first order.
A source that reshuffles carries an `Order` (`order_of`); predictions of one pass over it and
labels of another pass (or its file-order `.classes`) are recorded as a `ScoreEvent` when scored
together. `argmax` over the class axis of predictions is an `ArgmaxEvent` (TL404 asks the model's head).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import libcst as cst

from tllint.engine import registry
from tllint.engine.api.support import kw
from tllint.engine.registry import InterpreterApi
from tllint.engine.timeline import Event
from tllint.engine.values import UNKNOWN, Backbone, BoundMethod, Const, Data, DictV, Labels, Model, Ref, Seq, Value, const_value


# ---------------------------------------------------------------------- order of a source across passes
@dataclass(eq=False)
class Order:
    """A data source that yields its elements in a new random order on every pass."""

    node: cst.CSTNode  # the call that shuffles: the loader, or `.shuffle(...)`
    what: str  # for messages: "`flow_from_directory` (shuffle defaults to True)"
    source: cst.CSTNode | None = None  # the loader call that can take `shuffle=False` (the fix); None: no such fix


def order_of(value: Value) -> Order | None:
    """The reshuffling order of a source: its loader's (`order`, set here), else a `.shuffle(...)`
    call's (`shuffled`, engine/api/tfdata.py); None after a `.cache()` or when not known to reshuffle."""
    if not isinstance(value, Data) or "cached" in value.__dict__:
        return None
    if value.__dict__.get("order") is not None:
        return value.__dict__["order"]
    shuffled = value.__dict__.get("shuffled")
    if isinstance(shuffled, tuple) and shuffled[1] is True and isinstance(shuffled[0], cst.Call) and \
            isinstance(shuffled[0].func, cst.Attribute) and shuffled[0].func.attr.value == "shuffle":
        return Order(shuffled[0], "`.shuffle(...)` (reshuffle_each_iteration defaults to True)")
    return None


def set_order(data: Value, order: Order | None) -> Value:
    if isinstance(data, Data):
        data.__dict__["order"] = order
    return data


def shuffle_kwarg(interp: InterpreterApi, kwargs: dict, node) -> bool | None:
    """The `shuffle=` a loader call gets: True/False when known (absent: the default True), None when
    it may come from elsewhere (a variable, an unknown `**options`)."""
    if "shuffle" in kwargs:
        value = const_value(kwargs["shuffle"])
        return value if isinstance(value, bool) else None
    for arg in getattr(node, "args", ()):
        if arg.star == "**":
            mapping = interp.lookup(arg.value.value) if isinstance(arg.value, cst.Name) else UNKNOWN
            if not isinstance(mapping, DictV):
                return None
    return True


def loader_order(interp: InterpreterApi, data: Value, kwargs: dict, node, what: str, fixable: bool = True) -> Value:
    """Tag a loader's result (`flow_from_directory`, `image_dataset_from_directory`) when it reshuffles."""
    if shuffle_kwarg(interp, kwargs, node) is True:
        text = f"`{what}` ({'shuffle=True' if 'shuffle' in kwargs else 'shuffle defaults to True'})"
        set_order(data, Order(node, text, node if fixable else None))
    return data


# ---------------------------------------------------------------------- labels of one pass
def pass_labels(data: Data, labels: Labels | None, at: cst.CSTNode | None = None, file_order: bool = False) -> Labels | None:
    """The labels of a reshuffling source as one pass (a loop over it, at statement `at`) or its
    `.classes` (file order) give them. Other sources' labels as they are."""
    order = order_of(data)
    if order is None:
        return labels
    out = Labels(labels.mode, labels.node, labels.num_classes) if isinstance(labels, Labels) else Labels("unknown")
    out.__dict__.update(order=order, file_order=file_order, at=at, source=data)
    return out


def file_order_labels(data: Data, attr: str, node) -> Value:
    """`gen.classes` / `gen.labels` of a generator flow: the labels in file order."""
    labels = pass_labels(data, data.labels, node, file_order=True)
    if labels is None or labels.__dict__.get("order") is None:
        return BoundMethod(data, attr)
    return labels


def _labels_order(value: Value) -> Order | None:
    return value.__dict__.get("order") if isinstance(value, Labels) else None


def same_order(a: Order | None, b: Order | None) -> bool:
    return a is not None and b is not None and a.node is b.node


@registry.hook("collect", Labels)
def _collect_labels(interp: InterpreterApi, element: Labels, node, kind: str) -> Value:
    """`[y for x, y in ds]`: the labels of that pass, as a list."""
    return element if kind == "list" and _labels_order(element) is not None else UNKNOWN


@registry.method(Labels, "numpy", "tolist", "flatten", "ravel", "astype", "reshape", "squeeze", "argmax")
def _labels_method(interp: InterpreterApi, labels: Labels, name: str, args, kwargs, node) -> Value:
    return labels if _labels_order(labels) is not None else UNKNOWN


def joined_labels(value: Value) -> Labels | None:
    """`y_list` after `y_list.append(y)` in a loop over a pass, or one such labels value: those labels."""
    if isinstance(value, Labels) and _labels_order(value) is not None:
        return value
    if isinstance(value, Seq) and value.items and all(isinstance(i, Labels) for i in value.items):
        orders = {id(_labels_order(i).node) if _labels_order(i) is not None else 0 for i in value.items}
        if len(orders) == 1 and _labels_order(value.items[0]) is not None:
            return value.items[0]
    return None


# ---------------------------------------------------------------------- predictions
@dataclass(eq=False)
class Predictions(Value):
    """What `model.predict(x)` returns: probabilities (rank 2: samples x units), one row of them
    (rank 1, `preds[0]`), or classes after an argmax / threshold."""

    model: Model | None  # None: a model loaded from a file
    node: cst.CSTNode  # the predict call
    order: Order | None = None  # the reshuffling source this pass ran over
    rank: int = 2
    classes: bool = False  # no class axis left (classes, a threshold, one column): argmax is not recorded


def predictions(model: Model, x: Value, node) -> Predictions:
    out = Predictions(model, node, order_of(x))
    out.__dict__["source"] = x
    return out


@registry.hook("attribute", Predictions)
def _predictions_attribute(interp: InterpreterApi, obj: Predictions, attr: str, node) -> Value:
    return BoundMethod(obj, attr)


@registry.method(Predictions, "numpy", "tolist", "flatten", "ravel", "astype", "reshape", "squeeze", "round", "copy")
def _predictions_same(interp: InterpreterApi, preds: Predictions, name: str, args, kwargs, node) -> Value:
    if name in ("flatten", "ravel", "reshape", "squeeze"):
        return dataclasses.replace(preds, rank=1 if preds.rank == 2 else preds.rank, classes=True) \
            if preds.classes or name != "reshape" else UNKNOWN
    return dataclasses.replace(preds, classes=preds.classes or name in ("round", "astype"))


@registry.method(Predictions, "argmax")
def _predictions_argmax(interp: InterpreterApi, preds: Predictions, name: str, args, kwargs, node) -> Value:
    return argmax(interp, preds, kw(args, kwargs, "axis", 0, Const(None)), node)


@registry.hook("subscript", Predictions)
def _predictions_index(interp: InterpreterApi, preds: Predictions, key, node) -> Value:
    """`preds[0]`: one sample's row; `preds[:, 1]`: one column for every sample (same order)."""
    if preds.classes:
        return UNKNOWN
    if isinstance(key, Const) and isinstance(key.value, int) and preds.rank == 2:
        return dataclasses.replace(preds, rank=1, order=None)
    if isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], slice) and \
            all(const_value(v) is None and isinstance(v, Const) for v in (key[0].start, key[0].stop, key[0].step)):
        # One column for every sample: no class axis left to take an argmax over (`classes`).
        return dataclasses.replace(preds, rank=1, classes=True) if isinstance(key[1], Const) else UNKNOWN
    return UNKNOWN


@dataclass(eq=False)
class ArgmaxEvent(Event):
    """`argmax` over the class axis of a model's predictions."""

    predictions: Predictions = None
    axis: str = ""  # as written, for messages


@dataclass(eq=False)
class ScoreEvent(Event):
    """Predictions of one pass over a reshuffling source scored against labels of another pass
    (or of its file order)."""

    predictions: Predictions = None
    labels: Labels = None
    what: str = ""  # "confusion_matrix", "==", ...


def _axis_text(axis: Value, node) -> str:
    value = const_value(axis)
    return "no axis" if value is None else f"axis={value}"


def argmax(interp: InterpreterApi, x: Value, axis: Value, node) -> Value:
    """`np.argmax(preds, axis=-1)`: the class of every sample. Over the class axis it is recorded
    (TL404: one unit makes it always 0)."""
    if isinstance(x, Labels) or joined_labels(x) is not None:
        return joined_labels(x) or x
    if not isinstance(x, Predictions) or x.classes:
        return UNKNOWN
    value = const_value(axis)
    if not (isinstance(axis, Const) and (value is None or isinstance(value, int))):
        return UNKNOWN
    over_units = value in (-1, 1) if x.rank == 2 else value in (None, 0, -1)
    if over_units:
        interp.add_event(ArgmaxEvent(node, (), predictions=x, axis=_axis_text(axis, node)))
        return dataclasses.replace(x, classes=True, rank=x.rank - 1 if x.rank == 2 else 0)
    return UNKNOWN


@registry.function("numpy.argmax", "tensorflow.argmax", "tensorflow.math.argmax", "keras.ops.argmax",
                   "keras.backend.argmax")
def _argmax(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    x = kw(args, kwargs, "a" if ref.name == "numpy.argmax" else "input", 0, UNKNOWN)
    if ref.name != "numpy.argmax" and "x" in kwargs:
        x = kwargs["x"]
    # tf.argmax's axis defaults to 0, keras.ops/backend's to None / -1.
    default = {"numpy.argmax": None, "keras.ops.argmax": None, "keras.backend.argmax": -1}.get(ref.name, 0)
    return argmax(interp, x, kw(args, kwargs, "axis", 1, Const(default)), node)


@registry.function("numpy.round", "numpy.rint", "numpy.around")
def _round(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    x = kw(args, kwargs, "a", 0, UNKNOWN)
    return dataclasses.replace(x, classes=True) if isinstance(x, Predictions) else UNKNOWN


@registry.hook("compare", Predictions, Labels)
def _compare(interp: InterpreterApi, left: Value, right: Value, op: str, node) -> Value | None:
    """`probs > 0.5`: classes in the same order; `preds == labels`: a score."""
    if isinstance(left, Predictions) and op in ("GreaterThan", "GreaterThanEqual", "LessThan", "LessThanEqual"):
        return dataclasses.replace(left, classes=True)
    if op in ("Equal", "NotEqual"):
        score(interp, left, right, "`==` comparison" if op == "Equal" else "`!=` comparison", node)
    return None


def score(interp: InterpreterApi, a: Value, b: Value, what: str, node) -> None:
    """Labels and predictions scored together: a ScoreEvent when they come from two passes over one
    reshuffling source."""
    for preds, other in ((a, b), (b, a)):
        labels = joined_labels(other)
        if isinstance(preds, Predictions) and preds.order is not None and labels is not None \
                and same_order(_labels_order(labels), preds.order):
            interp.add_event(ScoreEvent(node, (), predictions=preds, labels=labels, what=what))
            return


_METRICS = (
    "confusion_matrix", "classification_report", "accuracy_score", "f1_score", "precision_score", "recall_score",
    "precision_recall_fscore_support", "balanced_accuracy_score", "cohen_kappa_score", "matthews_corrcoef",
    "multilabel_confusion_matrix", "roc_auc_score", "roc_curve", "precision_recall_curve", "average_precision_score",
    "top_k_accuracy_score", "log_loss", "hamming_loss", "jaccard_score", "zero_one_loss",
)


def _metric(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    last = ref.name.rsplit(".", 1)[-1]
    first = kw(args, kwargs, "y_true", 0, kwargs.get("labels", kwargs.get("y1", UNKNOWN)))
    second = kw(args, kwargs, "y_pred", 1, kwargs.get("y_score", kwargs.get("y_prob", kwargs.get(
        "predictions", kwargs.get("y2", kwargs.get("probas_pred", UNKNOWN))))))
    score(interp, first, second, f"`{last}`", node)
    return UNKNOWN


registry.function(*(f"sklearn.metrics.{name}" for name in _METRICS), "sklearn.metrics.ConfusionMatrixDisplay.from_predictions",
                  "tensorflow.math.confusion_matrix")(_metric)


@registry.setter("shuffle", Data)
def _set_shuffle(interp: InterpreterApi, data: Data, attr: str, value: Value, target, value_node) -> None:
    """`gen.shuffle = False` (then `gen.reset()`): the next pass takes the file order; any other
    value leaves the order unknown. Either way no reshuffling order is claimed from here on."""
    set_order(data, None)


# ---------------------------------------------------------------------- models loaded from a file
class LoadedModel(Value):
    """`keras.models.load_model(path)`: nothing is known of its layers or head; only what its
    predictions are scored against is followed (TL401). Every other use stays unknown."""

    from_file = True  # values.Model.join: the other arm of a resume-or-build `if`

    def __init__(self, node) -> None:
        self.node = node

    def join(self, other: Value) -> Value:
        # `model = load_model(path) if resuming else build()`: the built model is what a first run
        # trains; what the file holds is unknown anyway (values.Model.join).
        return other.join(self) if isinstance(other, (Model, Backbone)) else super().join(other)


@registry.function("keras.models.load_model", "keras.saving.load_model")
def _load_model(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    return LoadedModel(node)


@registry.hook("attribute", LoadedModel)
def _loaded_attribute(interp: InterpreterApi, obj: LoadedModel, attr: str, node) -> Value:
    return BoundMethod(obj, attr) if attr in ("predict", "predict_generator", "predict_on_batch") else UNKNOWN


@registry.method(LoadedModel, "predict", "predict_generator", "predict_on_batch")
def _loaded_predict(interp: InterpreterApi, obj: LoadedModel, name: str, args, kwargs, node) -> Value:
    x = kw(args, kwargs, "generator" if name == "predict_generator" else "x", 0, UNKNOWN)
    out = Predictions(None, node, order_of(x))
    out.__dict__["source"] = x
    return out
