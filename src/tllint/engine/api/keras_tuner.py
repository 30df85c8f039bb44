"""KerasTuner: `tuner = kt.Hyperband(build_model, ...)`, `tuner.search(train_ds, validation_data=...)`.

A search builds the hypermodel (`build_model(hp)`, or a `HyperModel` subclass's `build`) and fits
each trial on the data given to `search`: one build with hyperparameters unknown (`hp.Choice(...)`
stays unknown, so a learning rate chosen by the tuner is not judged) and one `fit` on the search's
arguments stand for all trials. `get_best_models()` gives that model back; `hypermodel.build(hps)`
builds a fresh one, as the tuner does.
"""

from __future__ import annotations

from dataclasses import dataclass

from tllint.engine import classes, registry
from tllint.engine.api.support import kw
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, BoundMethod, Const, Func, Instance, Model, Ref, Seq, Value

_TUNERS = ("Hyperband", "RandomSearch", "BayesianOptimization", "GridSearch")
_NAMES = tuple(f"{package}.{name}" for package in ("keras_tuner", "keras_tuner.tuners", "kerastuner",
                                                    "kerastuner.tuners") for name in _TUNERS)


@dataclass(eq=False)
class Tuner(Value):
    hypermodel: Value
    model: Value = UNKNOWN  # what the last search built and trained


@dataclass(eq=False)
class HyperModelRef(Value):
    """`tuner.hypermodel`: `.build(hps)` builds a model again."""

    hypermodel: Value


@registry.function(*_NAMES)
def _tuner(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    return Tuner(kw(args, kwargs, "hypermodel", 0))


def build(interp: InterpreterApi, hypermodel: Value, node) -> Value:
    """One build of the hypermodel with hyperparameters unknown."""
    if isinstance(hypermodel, Func):
        return interp.call_value(hypermodel, [UNKNOWN], {}, node)
    if isinstance(hypermodel, Instance):
        method = classes.instance_attribute(interp, hypermodel, "build", node)
        return interp.call_value(method, [UNKNOWN], {}, node) if method is not None else UNKNOWN
    return UNKNOWN


@registry.hook("attribute", Tuner)
def _tuner_attribute(interp: InterpreterApi, tuner: Tuner, attr: str, node) -> Value:
    if attr == "hypermodel":
        return HyperModelRef(tuner.hypermodel)
    return BoundMethod(tuner, attr)


@registry.method(Tuner, "search")
def _search(interp: InterpreterApi, tuner: Tuner, name: str, args, kwargs, node) -> Value:
    model = build(interp, tuner.hypermodel, node)
    if isinstance(model, (Model, Instance)):
        tuner.model = model
        interp.call_method(model, "fit", list(args), dict(kwargs), node)
    return Const(None)


@registry.method(Tuner, "get_best_models")
def _best_models(interp: InterpreterApi, tuner: Tuner, name: str, args, kwargs, node) -> Value:
    return Seq([tuner.model], "list") if tuner.model is not UNKNOWN else UNKNOWN


@registry.hook("attribute", HyperModelRef)
def _hypermodel_attribute(interp: InterpreterApi, ref: HyperModelRef, attr: str, node) -> Value:
    return BoundMethod(ref, attr) if attr == "build" else UNKNOWN


@registry.method(HyperModelRef, "build")
def _build_again(interp: InterpreterApi, ref: HyperModelRef, name: str, args, kwargs, node) -> Value:
    return build(interp, ref.hypermodel, node)
