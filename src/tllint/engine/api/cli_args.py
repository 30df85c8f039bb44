"""argparse: the options a script declares, and their defaults as the values `parse_args()` gives.

`parser.add_argument("--arch", default="resnet50")` then `args = parser.parse_args()` makes
`args.arch` the constant "resnet50" (a `Default`, which remembers the option it came from), so
`if args.arch == "resnet50":` and `BACKBONES[args.arch]` are decided the way engine/branches.py
decides constant tests. A user may pass another value on the command line; findings that rest on
a decided default say so (engine/branches.py records the arm, engine/script.py adds the note).

What argparse itself does with defaults is followed: `--model-name` is stored as `model_name`
(or `dest=`), a string default passes through `type=int`/`type=float`. Only a choice among values
(a str, int or float default) stands as its default; a switch stays unknown, so both arms of
`if args.resume:` / `if args.full:` are walked as before: `store_true`/`store_false`, a bool
default, an option with no default (None). Unknown too: a positional or `required=True`
argument, a `type=` the engine cannot apply, a custom action, `parse_args(sys.argv[1:])` or any
other explicit argument list (`parse_args([])` and `parse_args(args=[])` give the defaults as
plain constants), sub-parsers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from tllint.engine import branches, registry
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, BoundMethod, ClassV, Const, Instance, Ref, Seq, Value

_SENTINEL_NODE = cst.ClassDef(name=cst.Name("Namespace"), body=cst.IndentedBlock([]))
NAMESPACE = ClassV(_SENTINEL_NODE, "Namespace", [], {}, module=None)


@dataclass(eq=False)
class Default(Const):
    """The default of a command-line option: `option` is how the user would override it."""

    option: str = ""


@dataclass(eq=False)
class Parser(Value):
    """An `argparse.ArgumentParser` (or one of its argument groups, sharing `options`)."""

    options: dict[str, Value] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)  # dest -> the flag the user types
    broken: list[bool] = field(default_factory=lambda: [False])  # shared: a sub-parser was added


@registry.function("argparse.ArgumentParser")
def _parser(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    return Parser()


@registry.hook("attribute", Parser)
def _parser_attribute(interp: InterpreterApi, obj: Parser, attr: str, node) -> Value:
    return BoundMethod(obj, attr)


@registry.method(Parser, "add_argument_group", "add_mutually_exclusive_group")
def _group(interp: InterpreterApi, obj: Parser, name: str, args, kwargs, node) -> Value:
    return Parser(obj.options, obj.flags, obj.broken)


@registry.method(Parser, "add_subparsers", "add_parser")
def _subparsers(interp: InterpreterApi, obj: Parser, name: str, args, kwargs, node) -> Value:
    obj.broken[0] = True  # which sub-command runs is the user's choice: nothing is certain
    return UNKNOWN


@registry.method(Parser, "set_defaults")
def _set_defaults(interp: InterpreterApi, obj: Parser, name: str, args, kwargs, node) -> Value:
    for dest, value in kwargs.items():
        obj.options[dest] = _as_default(value, "--" + dest.replace("_", "-"))
    return Const(None)


@registry.method(Parser, "add_argument")
def _add_argument(interp: InterpreterApi, obj: Parser, name: str, args, kwargs, node) -> Value:
    flags = [a.value for a in args if isinstance(a, Const) and isinstance(a.value, str)]
    if len(flags) != len(args) or not flags:
        return UNKNOWN
    long = next((f for f in flags if f.startswith("--")), flags[0])
    dest_value = kwargs.get("dest")
    if isinstance(dest_value, Const) and isinstance(dest_value.value, str):
        dest = dest_value.value
    elif long.startswith("-"):
        dest = long.lstrip("-").replace("-", "_")
    else:
        obj.options[long] = UNKNOWN  # a positional argument: the user must give it
        return Const(None)
    obj.flags[dest] = long
    obj.options[dest] = _default_of(kwargs, long, _type_name(node))
    return Const(None)


def _type_name(node) -> str | None:
    """"int" for `type=int` as the call spells it (None: no `type=`; "?" for anything else)."""
    for arg in getattr(node, "args", ()):
        if arg.keyword is not None and arg.keyword.value == "type":
            return arg.value.value if isinstance(arg.value, cst.Name) else "?"
    return None


def _default_of(kwargs: dict[str, Value], flag: str, kind: str | None) -> Value:
    required = kwargs.get("required")
    if required is not None and not (isinstance(required, Const) and required.value is False):
        return UNKNOWN
    action = kwargs.get("action")
    action_name = action.value if isinstance(action, Const) else (None if action is None else "?")
    if "default" in kwargs:
        value = kwargs["default"]
    elif action_name == "store_true":
        value = Const(False)
    elif action_name == "store_false":
        value = Const(True)
    elif action_name in (None, "store", "store_const", "append", "count", "extend"):
        value = Const(None)
    else:
        return UNKNOWN
    if action_name not in (None, "store", "store_true", "store_false", "store_const", "append", "count", "extend"):
        return UNKNOWN  # a custom Action class may store anything
    if kind is not None and isinstance(value, Const) and isinstance(value.value, str):
        # argparse passes a string default through `type`.
        converter = {"int": int, "float": float, "str": str}.get(kind)
        if converter is None:
            return UNKNOWN
        try:
            value = Const(converter(value.value))
        except ValueError:
            return UNKNOWN
    return _as_default(value, flag)


def _as_default(value: Value, flag: str) -> Value:
    """A choice among values (`--arch resnet50`, `--size 224`) stands as its default. A switch
    (`store_true`, a bool or None default: `if args.resume:`, `if args.full:`) turns on a path the
    author wrote to be run: its value stays unknown, so both arms are walked."""
    if isinstance(value, Const) and isinstance(value.value, (int, float, str)) and not isinstance(value.value, bool):
        return Default(value.value, option=flag)
    return UNKNOWN if isinstance(value, Const) else value


@registry.method(Parser, "parse_args", "parse_known_args")
def _parse_args(interp: InterpreterApi, obj: Parser, name: str, args, kwargs, node) -> Value:
    given = args[0] if args else kwargs.get("args")
    if obj.broken[0] or (given is not None and not (isinstance(given, Seq) and not given.items)
                         and not (isinstance(given, Const) and given.value is None)):
        return UNKNOWN
    exact = given is not None and isinstance(given, Seq)  # `parse_args([])`: the defaults, certainly
    attrs = {dest: (Const(v.value) if exact and isinstance(v, Default) else v) for dest, v in obj.options.items()}
    namespace = Instance(NAMESPACE, attrs)
    stmt = interp.stmt
    if not exact and isinstance(stmt, cst.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0].target, cst.Name):
        # `args = parser.parse_args()`: findings whose statement reads `args.lr` say it is a default.
        branches.record_defaults(interp, stmt.targets[0].target.value, attrs)
    if name == "parse_known_args":
        return Seq([namespace, UNKNOWN], "tuple")
    return namespace


__all__ = ["Default", "NAMESPACE", "Parser"]
