"""Python classes as training scripts write them: trainer and model-wrapper classes.

Attributes of `self` live on the `Instance` (values.py), so `self.model` set in `__init__` or
`build()` is the same value in `freeze()`, `unfreeze()` and `fit()`, whatever order `main()`
calls them in. This module adds the class machinery around that:

- attribute lookup through the user base classes, with `@property` / `cached_property` getters
  run on access (a cached one stores its value on the instance), `@staticmethod` unbound and
  `@classmethod` bound to the class;
- `super().name` and `super(Cls, self).name`: the lookup starts after the class that defines the
  running method, so `super().__init__(model=model)` runs the base class's `__init__` on the
  same instance.

Anything it cannot place (a base class from a library, a `super()` outside a method) is UNKNOWN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from tllint.engine.imports import dotted_name
from tllint.engine.pixels import relative
from tllint.engine.values import UNKNOWN, ClassV, Func, Instance, Ref, Tensor, Value

if TYPE_CHECKING:  # pragma: no cover
    from tllint.engine.interpreter import Interpreter

MAX_BASE_DEPTH = 16  # inheritance chains deeper than this are not followed

_PROPERTY = {"property", "abstractproperty", "abc.abstractproperty"}
_CACHED = {"cached_property", "functools.cached_property"}


@dataclass(eq=False)
class SuperV(Value):
    """`super()` inside a method of `cls` running on `inst`: lookups start after `cls`."""

    inst: Instance
    cls: ClassV


def _decorators(node: cst.FunctionDef) -> set[str]:
    out = set()
    for decorator in node.decorators:
        name = dotted_name(decorator.decorator) if isinstance(decorator.decorator, (cst.Name, cst.Attribute)) else None
        if name:
            out.add(name)
    return out


def member(cls: ClassV, attr: str, depth: int = 0) -> tuple[Func, str] | None:
    """The class member `attr` of `cls` or its user bases (depth first, as single inheritance
    resolves), with its kind: "method", "property", "cached", "static" or "class"."""
    body = cls.node.body.body if isinstance(cls.node, cst.ClassDef) else ()
    for stmt in body:
        # The first def of a name decorated as a property is its getter (a later
        # `@name.setter` def replaces it in `cls.methods`).
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == attr:
            names = _decorators(stmt)
            if names & _PROPERTY:
                return Func(stmt, attr, module=cls.module), "property"
            if names & _CACHED:
                return Func(stmt, attr, module=cls.module), "cached"
    method = cls.methods.get(attr)
    if method is not None:
        names = _decorators(method.node) if isinstance(method.node, cst.FunctionDef) else set()
        if "staticmethod" in names:
            return method, "static"
        if "classmethod" in names:
            return method, "class"
        if any(name.endswith((".setter", ".deleter")) for name in names):
            return None  # a setter whose getter this class does not define: not followed
        return method, "method"
    return _first_in_bases(cls, lambda base, d: member(base, attr, d), depth)


def _first_in_bases(cls: ClassV, find, depth: int):
    """`find(base, depth + 1)` over the user's base classes in order: the first answer."""
    if depth >= MAX_BASE_DEPTH:
        return None
    for base in cls.bases:
        if isinstance(base, ClassV):
            found = find(base, depth + 1)
            if found is not None:
                return found
    return None


def has_library_base(cls: ClassV, names, depth: int = 0) -> bool:
    """Whether `cls` or one of its user base classes derives from a library class named in `names`
    (canonical names: `keras.Model`, `keras.utils.Sequence`, ...)."""
    if depth >= MAX_BASE_DEPTH:
        return False
    for base in cls.bases:
        if isinstance(base, Ref) and base.name in names:
            return True
        if isinstance(base, ClassV) and has_library_base(base, names, depth + 1):
            return True
    return False


def bind(interp: "Interpreter", inst: Instance, found: tuple[Func, str], node: cst.CSTNode) -> Value:
    """What `inst.attr` is for a class member: a bound method, or the value its getter returns."""
    func, kind = found
    if kind == "static":
        return Func(func.node, func.name, env=func.env, module=func.module)
    if kind == "class":
        return Func(func.node, func.name, env=func.env, bound_self=inst.cls, module=func.module)
    bound = Func(func.node, func.name, env=func.env, bound_self=inst, module=func.module)
    if kind == "method":
        return bound
    value = interp.call_function(bound, [], {}, node)
    if kind == "cached":
        inst.attrs[func.name] = value
    return value


def class_attribute(cls: ClassV, attr: str) -> Value:
    """`Cls.attr`: a method as a plain function (a classmethod bound to the class)."""
    found = member(cls, attr)
    if found is None or found[1] in ("property", "cached"):
        return UNKNOWN
    func, kind = found
    return Func(func.node, func.name, env=func.env, bound_self=cls if kind == "class" else None, module=func.module)


def instance_attribute(interp: "Interpreter", inst: Instance, attr: str, node: cst.CSTNode) -> Value | None:
    """`inst.attr` for a class member, None when the class defines no such member."""
    found = member(inst.cls, attr)
    return bind(interp, inst, found, node) if found is not None else None


def super_attribute(interp: "Interpreter", sup: SuperV, attr: str, node: cst.CSTNode) -> Value | None:
    """`super().attr`: the member of the first user base class (after `sup.cls`) that has it."""
    for base in sup.cls.bases:
        if isinstance(base, ClassV):
            found = member(base, attr)
            if found is not None:
                return bind(interp, sup.inst, found, node)
    return None


def run_keras_build(interp: "Interpreter", inst: Instance, node: cst.CSTNode) -> None:
    """Keras runs a subclassed model's own `build(input_shape)` before its first call; layers
    and backbones it creates on `self` belong to the model. Run it once after `__init__`, unless
    `__init__` calls `build` itself."""
    found = member(inst.cls, "build")
    if found is None or found[1] != "method":
        return
    init = member(inst.cls, "__init__")
    if init is not None and _calls_build(init[0].node):
        return
    bound = Func(found[0].node, "build", env=found[0].env, bound_self=inst, module=found[0].module)
    interp.call_function(bound, [UNKNOWN], {}, node)


def trace_keras_call(interp: "Interpreter", inst: Instance, model) -> None:
    """Walk a subclassed model's `call(inputs)` once on a symbolic image batch, as Keras traces it:
    the backbones it applies to its input become the model's feeds (pixels given to `fit` and
    `predict` then meet them), like a functional model's graph."""
    found = member(inst.cls, "call")
    if found is None or found[1] != "method" or model.feeds or model.input_ids:
        return
    origin = interp.new_input_id()
    bound = Func(found[0].node, "call", env=found[0].env, bound_self=inst, module=found[0].module)
    interp.call_function(bound, [Tensor(relative(), origin, rank=4)], {}, found[0].node)
    feeds = [f for f in interp.feeds if f.origin == origin]
    if feeds:
        model.input_ids = (origin,)
        model.feeds = feeds


MAX_OWN_METHODS = 12


def uncalled_methods(interp: "Interpreter", cls: ClassV) -> list[Func]:
    """Methods of a plain user class (a trainer, a model factory) defined here and never run: the
    file only defines them (another module drives them). Classes with a library base are left
    out: Keras calls their methods itself (`call`, `train_step`, `on_epoch_end`)."""
    if cls.module is not None and cls.module is not interp:
        return []
    if any(not isinstance(base, ClassV) and not (isinstance(base, Ref) and base.name in ("builtins.object", "object"))
           for base in cls.bases):
        return []
    if id(cls.node) in interp.__dict__.get("instantiated", ()):
        return []
    out = [m for name, m in cls.methods.items()
           if not name.startswith("__") and isinstance(m.node, cst.FunctionDef) and id(m.node) not in interp.called]
    return out[:MAX_OWN_METHODS]


def run_uncalled_classes(interp: "Interpreter") -> None:
    for name, value in list(interp.globals.items()):
        if not isinstance(value, ClassV):
            continue
        for method in uncalled_methods(interp, value):
            saved = interp.cond
            interp.cond = interp.cond + ((next(interp._if_ids), f"{name}.{method.name}"),)
            interp.standalone += 1
            try:
                run_on_own_instance(interp, value, method)
            finally:
                interp.standalone -= 1
            interp.cond = saved


def run_on_own_instance(interp: "Interpreter", cls: ClassV, method: Func) -> None:
    inst = interp.call_value(cls, [], {}, cls.node)
    if not isinstance(inst, Instance):
        return
    bound = Func(method.node, method.name, env=method.env, bound_self=inst, module=method.module)
    interp.call_function(bound, [], {}, method.node)


def _calls_build(fn: cst.CSTNode) -> bool:
    found = False

    class _Visitor(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            nonlocal found
            if isinstance(call.func, cst.Attribute) and call.func.attr.value == "build":
                found = True

    fn.visit(_Visitor())
    return found


def super_call(interp: "Interpreter", args: list[Value]) -> Value:
    """The value of `super(Cls, self)` or of a zero-argument `super()` in a running method."""
    if len(args) == 2:
        cls, inst = args
        if isinstance(cls, ClassV) and isinstance(inst, Instance):
            return SuperV(inst, cls)
        return UNKNOWN
    if args or not interp.call_stack:
        return UNKNOWN
    # Zero arguments: the running method's node identifies the class that defines it; its
    # first argument is the instance.
    running = interp.call_stack[-1]
    env = interp.frames[-1].env
    for inst in list(env.values()):
        if not isinstance(inst, Instance):
            continue
        cls = _defining_class(inst.cls, running)
        if cls is not None and env.get(_first_param(cls, running) or "") is inst:
            return SuperV(inst, cls)
    return UNKNOWN


def _defining_class(cls: ClassV, node_id: int, depth: int = 0) -> ClassV | None:
    if _def_node(cls, node_id) is not None:
        return cls
    return _first_in_bases(cls, lambda base, d: _defining_class(base, node_id, d), depth)


def _def_node(cls: ClassV, node_id: int) -> cst.FunctionDef | None:
    body = cls.node.body.body if isinstance(cls.node, cst.ClassDef) else ()
    return next((s for s in body if isinstance(s, cst.FunctionDef) and id(s) == node_id), None)


def _first_param(cls: ClassV, node_id: int) -> str | None:
    fn = _def_node(cls, node_id)
    if fn is None:
        return None
    params = list(fn.params.posonly_params) + list(fn.params.params)
    return params[0].name.value if params else None


__all__ = ["MAX_BASE_DEPTH", "SuperV", "bind", "has_library_base", "class_attribute", "run_keras_build", "instance_attribute", "member", "super_attribute", "super_call"]
