"""Models a script picks by name at run time: `importlib.import_module(f"models.{cfg.arch}")`,
`getattr(module, cfg["class"])()`.

A model zoo (one module of `keras.Model` subclasses, or one module per model) driven by a name from
the command line or a configuration file is common in research code. The name is unknown, the
candidates are not: the local modules the dotted pattern can import and the model classes they
define. Calling the choice builds every candidate, each in an arm of its own (as the arms of an
`if`), and gives one model that stands for all of them: what the script then does to the model
(compile, fit, a custom loop) is done to whichever the user picks, and what each candidate's
backbone is fed is judged for that backbone.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

from tllint.engine import classes, registry
from tllint.engine.api.support import kw
from tllint.engine.imports import canonicalize
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, Choice, ClassV, Const, Instance, LocalModule, Model, Ref, TextPattern, Value

# More candidates than this and the choice says too little to be worth building them all.
MAX_CANDIDATES = 16
_MODEL_BASES = ("keras.Model", "keras.models.Model")


@registry.function("importlib.import_module")
def _import_module(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    name = kw(args, kwargs, "name", 0)
    project = interp.project
    if isinstance(name, Const) and isinstance(name.value, str) and not name.value.startswith("."):
        local = project.resolve_import(interp, name.value) if project is not None else UNKNOWN
        if isinstance(local, LocalModule):
            return local
        canon = canonicalize(name.value)
        return Ref(canon.name, canon.flavour)
    if isinstance(name, TextPattern) and project is not None:
        modules = project.import_pattern(interp, name.pattern, MAX_CANDIDATES)
        if len(modules) == 1:
            return modules[0]
        if modules:
            return Choice(list(modules), node)
    return UNKNOWN


def attribute_by_name(interp: InterpreterApi, obj: Value, node) -> Value:
    """`getattr(module, name)` with a name known only at run time: the model classes the module
    (or each module the script may have imported) defines, else unknown."""
    modules = obj.options if isinstance(obj, Choice) else [obj]
    if interp.project is None or not modules or not all(isinstance(m, LocalModule) for m in modules):
        return UNKNOWN
    candidates: list[ClassV] = []
    for module in modules:
        for value in interp.project.module_globals(interp, module).values():
            if isinstance(value, ClassV) and value not in candidates and _defined_in(interp, value, module) \
                    and classes.has_library_base(value, _MODEL_BASES):
                candidates.append(value)
    if not candidates or len(candidates) > MAX_CANDIDATES:
        return UNKNOWN
    return candidates[0] if len(candidates) == 1 else Choice(candidates, node)


def _defined_in(interp: InterpreterApi, cls: ClassV, module: LocalModule) -> bool:
    """A class of the module itself, not one it imported."""
    own = getattr(cls.module, "_tllint_file", None)
    return own is not None and str(own) == module.name


def build_choice(interp: InterpreterApi, candidates: list[ClassV], args, kwargs, node: cst.Call) -> Value:
    """Every candidate model class built in an arm of its own; one model that stands for them."""
    from tllint.engine.api.models import instantiate

    built: list[Model] = []
    if_id = next(interp._if_ids)
    saved = interp.cond
    try:
        for cls in candidates:
            interp.cond = saved + ((if_id, cls.name),)
            inst = instantiate(interp, cls, args, kwargs, node)
            model = inst.attrs.get("__model__") if isinstance(inst, Instance) else None
            if isinstance(model, Model):
                built.append(model)
    finally:
        interp.cond = saved
    if not built:
        return UNKNOWN
    return _stand_in(interp, built, node)


def _stand_in(interp: InterpreterApi, built: list[Model], node) -> Model:
    """One model for the candidates: each candidate's feeds (moved onto one shared input), its
    backbones, sub-models and head layers (fresh or not; which one is last is not known, so the
    model has no known output). The candidates stay models of their own, never trained: what their
    classes do wrong by themselves (TL207) is still said of them."""
    merged = Model("subclass", node)
    origin = interp.new_input_id()
    for model in built:
        for feed in model.feeds:
            if feed.origin in model.input_ids:
                merged.feeds.append(dataclasses.replace(feed, origin=origin))
        merged.backbones.extend(b for b in model.backbones if b not in merged.backbones)
        merged.submodels.extend(m for m in model.submodels if m not in merged.submodels)
        merged.head.extend(model.head)
    if merged.feeds:
        merged.input_ids = (origin,)
    merged.__dict__["choices"] = built
    interp.models.append(merged)
    return merged
