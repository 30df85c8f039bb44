"""Where the library modules (engine/api/) say what their names and values do.

Every library module registers its handlers here when it is imported; the dispatcher
(engine/calls.py) only looks them up. Names are canonical (engine/imports.py), so one entry serves
every import spelling. Registering the same name, prefix, method or hook twice raises
`DuplicateRegistration` at import: two modules can never silently disagree about one API, and
no entry can shadow another.

Handler signatures (all receive the interpreter as an `InterpreterApi`; they call back only
through it, never by importing the dispatcher or the interpreter):

- `function(*names)` / `prefix(*prefixes)` / `builtin(*names)`: `(interp, ref, args, kwargs, node)`;
  `ref` is the called `Ref` (None for builtins). A prefix serves every name under it that has no
  entry of its own; the longest prefix wins. A function's result loses its static tensor shape
  unless it is registered with `keeps_shape=True` (prefix handlers decide shapes themselves).
- `method(value_type, *names)`: `(interp, obj, name, args, kwargs, node)`.
- `hook(kind, *value_types)` for what a value of that type does under one operation:
  "attribute" `(interp, obj, attr, node)`, "call" `(interp, func, args, kwargs, node)`,
  "subscript" `(interp, obj, key, node)` (key: a Value, or a `slice` of Values),
  "iterate" `(interp, iterable) -> Value | None` (the loop variable of a set operation),
  "comprehension" `(interp, iterable, node)`, "unpack" `(interp, value, n) -> list | None`,
  "store" `(interp, obj, key, value, node) -> Value | None` (`obj[key] = value`: the container's
  new value, None to leave it), "element" `(interp, iterable) -> Value` (what a comprehension over
  it binds), "collect" `(interp, element, node, kind) -> Value` (a list comprehension, kind "list",
  or a generator function's yields, kind "generator", whose every element is like `element`).
  "compare" `(interp, left, right, op, node) -> Value | None` (`a == b`, `a > b`: op is the LibCST
  operator's class name; looked up for the left operand, then the right; None: not handled).
- `setter(attr, *value_types)`: `(interp, obj, attr, value, target, value_node)`; with no types it
  applies to every value (before an instance attribute is stored). `setter("*", *value_types)`:
  any attribute of those types that has no setter of its own.
- `narrower(fn)`: `fn(interp, test) -> (name, then_value, else_value) | None` for an `if` test.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Protocol

if TYPE_CHECKING:  # pragma: no cover
    import libcst as cst

    from tllint.engine.timeline import Event
    from tllint.engine.values import Backbone, Data, Feed, LayerV, Model, Tensor, Value

HOOK_KINDS = ("attribute", "call", "subscript", "iterate", "comprehension", "unpack", "store", "element", "collect",
              "compare")


class InterpreterApi(Protocol):
    """What a handler may use of the interpreter it is given (engine/interpreter.py implements it)."""

    module: "cst.Module"  # the file being run (messages quote its source)
    stmt: "cst.CSTNode | None"  # the statement being run (events point at it)
    backbones: "list[Backbone]"
    models: "list[Model]"
    datas: "list[Data]"
    layers: "list[LayerV]"
    feeds: "list[Feed]"
    applications: "list[tuple[Value, Tensor, Tensor]]"  # (callee, input, output)

    @property
    def env(self) -> "dict[str, Value]":
        """The current frame's variables."""

    def eval(self, node: "cst.BaseExpression | None") -> "Value":
        """The value of an expression in the current frame (arguments a handler reads from the CST)."""

    def lookup(self, name: str) -> "Value":
        """The value a name has in the current frame."""

    def call_value(self, func: "Value", args: "list[Value]", kwargs: "dict[str, Value]", node: Any) -> "Value":
        """Call any value as the script would: a user function, a layer, a model, a library name."""

    def call_method(self, obj: "Value", name: str, args: "list[Value]", kwargs: "dict[str, Value]", node: Any) -> "Value":
        """`obj.name(*args, **kwargs)`, through the registered methods of obj's type."""

    def call_function(self, func: Any, args: "list[Value]", kwargs: "dict[str, Value]", node: Any) -> "Value":
        """Run a user function (a `Func`) inline."""

    def add_event(self, event: "Event") -> "Event":
        """Put a timeline event at the current point of execution."""

    def new_input_id(self) -> int:
        """A fresh id for a model input tensor."""


class DuplicateRegistration(ValueError):
    """Two registrations for one name, prefix, method or hook."""


@dataclass(frozen=True)
class FunctionEntry:
    handler: Callable
    keeps_shape: bool = False


_functions: dict[str, FunctionEntry] = {}
_prefixes: dict[str, Callable] = {}
_builtins: dict[str, Callable] = {}
_methods: dict[type, dict[str, Callable]] = {}
_hooks: dict[str, dict[type, Callable]] = {kind: {} for kind in HOOK_KINDS}
_setters: dict[tuple[type | None, str], Callable] = {}
_narrowers: list[Callable] = []
# Longest first, rebuilt on registration: the dispatcher walks it for names without an entry.
_prefix_order: list[str] = []
# Per value type, what its MRO resolves to (cleared on registration).
_type_cache: dict[tuple, object] = {}


def _claim(table: dict, key, value, what: str) -> None:
    if key in table:
        raise DuplicateRegistration(f"{what} {key!r} is registered twice")
    table[key] = value
    _type_cache.clear()


# ---------------------------------------------------------------------- registering
def function(*names: str, keeps_shape: bool = False) -> Callable[[Callable], Callable]:
    def register(handler: Callable) -> Callable:
        for name in names:
            _claim(_functions, name, FunctionEntry(handler, keeps_shape), "function")
        return handler

    return register


def prefix(*prefixes: str) -> Callable[[Callable], Callable]:
    def register(handler: Callable) -> Callable:
        for text in prefixes:
            _claim(_prefixes, text, handler, "prefix")
        _prefix_order[:] = sorted(_prefixes, key=len, reverse=True)
        return handler

    return register


def builtin(*names: str) -> Callable[[Callable], Callable]:
    def register(handler: Callable) -> Callable:
        for name in names:
            _claim(_builtins, name, handler, "builtin")
        return handler

    return register


def method(value_type: type, *names: str) -> Callable[[Callable], Callable]:
    def register(handler: Callable) -> Callable:
        table = _methods.setdefault(value_type, {})
        for name in names:
            _claim(table, name, handler, f"method of {value_type.__name__}")
        return handler

    return register


def hook(kind: str, *value_types: type) -> Callable[[Callable], Callable]:
    if kind not in _hooks:
        raise ValueError(f"unknown hook kind {kind!r}: one of {HOOK_KINDS}")

    def register(handler: Callable) -> Callable:
        for value_type in value_types:
            _claim(_hooks[kind], value_type, handler, f"{kind} hook of")
        return handler

    return register


def setter(attr: str, *value_types: type) -> Callable[[Callable], Callable]:
    def register(handler: Callable) -> Callable:
        for value_type in value_types or (None,):
            _claim(_setters, (value_type, attr), handler, "attribute setter")
        return handler

    return register


def narrower(handler: Callable) -> Callable:
    if handler in _narrowers:
        raise DuplicateRegistration(f"narrower {handler.__name__} is registered twice")
    _narrowers.append(handler)
    return handler


# ---------------------------------------------------------------------- looking up
def function_entry(name: str) -> FunctionEntry | None:
    return _functions.get(name)


def prefix_handler(name: str) -> Callable | None:
    for text in _prefix_order:
        if name.startswith(text):
            return _prefixes[text]
    return None


def builtin_handler(name: str) -> Callable | None:
    return _builtins.get(name)


def _by_type(table: dict, cls: type, key: tuple):
    try:
        return _type_cache[key]
    except KeyError:
        found = next((table[c] for c in cls.__mro__ if c in table), None)
        _type_cache[key] = found
        return found


def method_handler(obj: object, name: str) -> Callable | None:
    cls = type(obj)
    methods = _by_type(_methods, cls, ("method", cls))
    return methods.get(name) if methods else None


def hook_handler(kind: str, obj: object) -> Callable | None:
    cls = type(obj)
    return _by_type(_hooks[kind], cls, (kind, cls))


def setter_handler(obj: object | None, attr: str) -> Callable | None:
    """The setter of `attr` for any value (obj None), else for this value's type."""
    if obj is None:
        return _setters.get((None, attr))
    for cls in type(obj).__mro__:
        handler = _setters.get((cls, attr))
        if handler is not None:
            return handler
    return None


def narrowers() -> tuple[Callable, ...]:
    return tuple(_narrowers)


# ---------------------------------------------------------------------- tests
@contextmanager
def scope() -> Iterator[None]:
    """Registrations made inside the block are undone after it (a test's toy library)."""
    saved = (dict(_functions), dict(_prefixes), dict(_builtins), {t: dict(m) for t, m in _methods.items()},
             {k: dict(h) for k, h in _hooks.items()}, dict(_setters), list(_narrowers))
    try:
        yield
    finally:
        for table, old in zip((_functions, _prefixes, _builtins, _methods, _hooks, _setters), saved):
            table.clear()
            table.update(old)
        _narrowers[:] = saved[6]
        _prefix_order[:] = sorted(_prefixes, key=len, reverse=True)
        _type_cache.clear()
