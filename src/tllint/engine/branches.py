"""Which arm of an `if` runs, when the program fixes it: `if freeze:` with `freeze=False`.

`decide()` evaluates an `if` test to True or False only when every value it reads is a constant
the interpreter knows for certain (a literal, a module constant, an argument bound at a real call
site or a parameter default at such a call, an item of a constant config dict or of a config file
read with json/yaml (api/config_readers.py), an attribute of an instance or a class
(engine/class_config.py), the default of a command-line option (api/cli_args.py: the arm it picks
is recorded, and findings in it say they rest on that default)), combined with `and`/`or`/`not`,
comparisons and `in`. Anything else is None: both arms
are walked and joined, as before. It never decides:

- inside a loop whose iterations the interpreter does not unroll (a test that changes between
  iterations, `if epoch == 5:`), nor for a name assigned inside such a loop (`n += 1` leaves a
  count the walk does not know), nor for an attribute or dict item stored in an undecided arm or
  a loop (the interpreter does not join stores into objects);
- on a parameter's default while a function is analysed on its own (nobody calls it in the
  program: its callers' arguments are unknown), nor on a name declared `global`/`nonlocal` or an
  object that `setattr`, `vars()` or `.update()` may change behind the walk's back;
- on a test with a call or an assignment expression in it (side effects, unknown results).
"""

from __future__ import annotations

import re

from typing import TYPE_CHECKING, Any

import libcst as cst

from tllint.engine.values import ClassV, Const, DictV, Instance, Seq
from tllint.parse import walk_nodes

if TYPE_CHECKING:  # pragma: no cover
    from tllint.engine.interpreter import Interpreter

_SCALARS = (bool, int, float, str, type(None))
_MUTATORS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__setattr__"})


class _Undecided(Exception):
    pass


def decide(interp: "Interpreter", test: cst.BaseExpression, node: cst.If | None = None) -> bool | None:
    """True/False when the test's value is certain, else None. A test that reads the default of a
    command-line option (api/cli_args.py) is decided too; the arm it picks is recorded (`node`, the
    `if` statement) so findings inside it can say they rest on that default."""
    if interp.loop_depth > 0 or interp.outer_loop:
        return None
    interp.__dict__["_defaults_read"] = []
    try:
        result = bool(_value(interp, test))
    except _Undecided:
        return None
    except Exception:  # noqa: BLE001  (a comparison between odd constants)
        return None
    read = interp.__dict__.pop("_defaults_read", [])
    if read and node is not None:
        arm = node.body if result else node.orelse
        if arm is not None:
            notes = ", ".join(dict.fromkeys(f"{d.option} {d.value!r}" if not isinstance(d.value, str) else f"{d.option} {d.value}" for d in read))
            _DEFAULT_ARMS.setdefault(id(interp.events), []).append((interp.module, arm, notes))
    return result


# Arms decided by a command-line default, per program (keyed by its shared event list), until the
# script model takes them (`default_arms`).
_DEFAULT_ARMS: dict[int, list] = {}


def default_note(script, report) -> str:
    """" (With the default `--arch resnet50`; ...)" for a finding whose statement, or whose backbone
    (`data["unit"]`), lies in an arm a command-line default decided (`script`: the ScriptModel,
    whose positions place the nodes)."""
    arms = getattr(script, "default_arms", ())
    if not arms:
        return ""
    unit = report.data.get("unit") if isinstance(report.data, dict) else None
    nodes = [n for n in (report.node, getattr(unit, "node", None)) if isinstance(n, cst.CSTNode)]
    notes = []
    statement = None
    for module, arm, note in arms:
        if module is None:  # (("args.lr", 0.001), "--lr 0.001"): the statement reads that option
            read, value = arm
            facts = report.data.values() if isinstance(report.data, dict) else ()
            if not any(type(fact) is type(value) and fact == value for fact in facts):
                continue
            statement = script.statement_text(report.node) if statement is None else statement
            if re.search(r"(?<![\w.])" + re.escape(read) + r"\b", statement):
                notes.append(note)
            continue
        positions = script._positions if module is script.module else None
        if positions is None and script.interp.project is not None:
            positions = script.interp.project.positions_of(module)
        where = positions.get(arm) if positions else None
        if where is None:
            continue
        for node in nodes:
            inside = positions.get(node)
            if inside is not None and where.start.line <= inside.start.line <= where.end.line:
                notes.append(note)
    if not notes:
        return ""
    joined = ", ".join(f"`{n}`" for n in dict.fromkeys(notes))
    return f" (With the default {joined}; another value on the command line may change this.)"


def default_arms(interp: "Interpreter") -> list:
    """(module, arm node, "--arch resnet50") for every arm the program's defaults decided, and
    ("args.lr", "--lr 0.001") for every option default a namespace variable holds."""
    return _DEFAULT_ARMS.pop(id(interp.events), [])


def record_defaults(interp: "Interpreter", var: str, options: dict) -> None:
    """`args = parser.parse_args()`: a finding whose statement reads `args.lr` and whose facts hold
    that value (a learning rate of 0.001) rests on `--lr`'s default."""
    for dest, value in options.items():
        if getattr(value, "option", None) and isinstance(value.value, (float, str)):
            text = f"{value.option} {value.value}" if isinstance(value.value, str) else f"{value.option} {value.value!r}"
            _DEFAULT_ARMS.setdefault(id(interp.events), []).append((None, (f"{var}.{dest}", value.value), text))


def note_store(interp: "Interpreter", target: cst.BaseExpression) -> None:
    """Remember names, attributes and items whose stored value a later test may not trust."""
    in_loop = interp.loop_depth > 0 or interp.outer_loop
    if isinstance(target, cst.Name):
        if in_loop:
            interp.tainted.add(target.value)
    elif isinstance(target, cst.Attribute):
        if in_loop or interp.arm_depth > 0:
            interp.tainted.add("." + target.attr.value)
    elif isinstance(target, cst.Subscript):
        if in_loop or interp.arm_depth > 0:
            interp.tainted.add(_key_mark(target))


def _key_mark(node: cst.Subscript) -> str:
    """`[freeze]` for `d["freeze"]`; `[*]` for a key the text does not fix (`d[name]`)."""
    element = node.slice[0].slice if len(node.slice) == 1 else None
    if isinstance(element, cst.Index) and isinstance(element.value, (cst.SimpleString, cst.Integer)):
        try:
            key = element.value.evaluated_value
        except Exception:  # noqa: BLE001
            return "[*]"
        return f"[{key!r}]"
    return "[*]"


def _base_name(node: cst.BaseExpression) -> str | None:
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _unreliable(interp: "Interpreter") -> set[str]:
    """Names this module rebinds out of the walk's sight (cached per interpreter)."""
    names = interp.__dict__.get("_unreliable_names")
    if names is None:
        text = getattr(interp, "source_text", None)
        names = _rebound_in_text(text) if text is not None else _rebound_in_tree(interp.module)
        names |= _bound_in_handlers(interp.module)
        interp.__dict__["_unreliable_names"] = names
    return names


# The same facts read off the text (several times cheaper than walking every expression node;
# a match in a string or comment only makes a name less certain, never more).
_GLOBAL = re.compile(r"^[ \t]*(?:global|nonlocal)[ \t]+([\w \t,]+)", re.M)
_REFLECT = re.compile(r"\b(?:setattr|vars|delattr)\(\s*([A-Za-z_]\w*)?")
# `log_parameters(vars(args))`, `print(**vars(args))`: a namespace's dict handed to a call to read.
_VARS_READ = re.compile(r"(?:[(,]|\*\*)[ \t]*vars\([ \t]*[A-Za-z_]\w*[ \t]*\)[ \t]*[,)]")
_MUTATION = re.compile(r"\b([A-Za-z_]\w*)(?:\.\w+|\[[^\]\n]*\])*\.(?:" + "|".join(sorted(_MUTATORS)) + r")\(")


def _rebound_in_text(text: str) -> set[str]:
    names: set[str] = set()
    for group in _GLOBAL.findall(text):
        names.update(n.strip() for n in group.split(",") if n.strip())
    for base in _REFLECT.findall(_VARS_READ.sub("(0)", text)):
        names.add(base or "*")
    names.update(_MUTATION.findall(text))
    return names


def _rebound_in_tree(module: cst.CSTNode) -> set[str]:
    names: set[str] = set()
    for node in _walk(module):
        if isinstance(node, (cst.Global, cst.Nonlocal)):
            names.update(n.name.value for n in node.names)
        elif isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Name) and func.value in ("setattr", "vars", "delattr") and node.args:
                base = _base_name(node.args[0].value)
                names.add(base if base is not None else "*")
            elif isinstance(func, cst.Attribute) and func.attr.value in _MUTATORS:
                base = _base_name(func.value)
                if base is not None:
                    names.add(base)
    return names


def _bound_in_handlers(module: cst.Module) -> set[str]:
    """Names assigned in `except` handlers, which are not walked (`HAS_GPU = False`)."""
    names: set[str] = set()
    stack: list = list(module.body)
    while stack:  # statements only: handlers live in compound statements
        stmt = stack.pop()
        if isinstance(stmt, cst.Try):
            for handler in stmt.handlers:
                for inner in _walk(handler.body):
                    if isinstance(inner, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign)) and isinstance(inner.target, cst.Name):
                        names.add(inner.target.value)
        body = getattr(stmt, "body", None)
        if isinstance(body, cst.IndentedBlock):
            stack.extend(body.body)
        for extra in ("orelse", "finalbody"):
            part = getattr(stmt, extra, None)
            block = getattr(part, "body", None)
            if isinstance(block, cst.IndentedBlock):
                stack.extend(block.body)
            elif isinstance(part, cst.If):
                stack.append(part)
    return names


_walk = walk_nodes


def _check_name(interp: "Interpreter", name: str) -> None:
    unreliable = _unreliable(interp)
    if name in interp.tainted or name in unreliable or "*" in unreliable:
        raise _Undecided()
    if interp.standalone:
        # A function analysed on its own: only module constants are certain.
        for frame in reversed(interp.frames):
            if frame.env is interp.globals:
                break
            if name in frame.env:
                raise _Undecided()


def _const(value, interp: "Interpreter | None" = None) -> Any:
    if isinstance(value, Const) and isinstance(value.value, _SCALARS):
        if interp is not None and getattr(value, "option", None):  # a command-line default (api/cli_args.py)
            interp.__dict__.setdefault("_defaults_read", []).append(value)
        return value.value
    raise _Undecided()


def _value(interp: "Interpreter", node: cst.BaseExpression) -> Any:
    if isinstance(node, cst.Name):
        if node.value in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.value]
        value = _const(interp.lookup(node.value), interp)  # most names are not constants: no scan needed
        _check_name(interp, node.value)
        return value
    if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString)):
        return _const(interp.eval(node))
    if isinstance(node, cst.Attribute):
        if not isinstance(interp.eval(node.value), (Instance, ClassV)):  # `cfg.X`, `Config.X`
            raise _Undecided()
        value = _const(interp.eval(node), interp)
        _check_chain(interp, node)
        return value
    if isinstance(node, cst.Subscript):
        return _item(interp, node)
    if isinstance(node, cst.UnaryOperation):
        operand = _value(interp, node.expression)
        if isinstance(node.operator, cst.Not):
            return not operand
        if isinstance(node.operator, cst.Minus) and isinstance(operand, (int, float)):
            return -operand
        raise _Undecided()
    if isinstance(node, cst.BooleanOperation):
        return _boolean(interp, node)
    if isinstance(node, cst.Comparison):
        return _compare(interp, node)
    if isinstance(node, cst.Call):
        return _text_test(interp, node)
    raise _Undecided()


_TEXT_TESTS = ("startswith", "endswith", "isdigit", "isalpha")


def _text_test(interp: "Interpreter", node: cst.Call) -> bool:
    """`args.net.startswith("inception")` of a decided string, with literal arguments."""
    func = node.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in _TEXT_TESTS:
        raise _Undecided()
    text = _value(interp, func.value)
    if not isinstance(text, str) or any(a.keyword is not None or a.star for a in node.args):
        raise _Undecided()
    args = [_value(interp, a.value) for a in node.args]
    if not all(isinstance(a, str) for a in args) and func.attr.value in ("startswith", "endswith"):
        raise _Undecided()
    try:
        return bool(getattr(text, func.attr.value)(*args))
    except (TypeError, ValueError):
        raise _Undecided() from None


def _check_chain(interp: "Interpreter", node: cst.BaseExpression) -> None:
    """`self.cfg["lr"]`: no link of the chain was stored where the walk cannot join it."""
    base = _base_name(node)
    if base is None:
        raise _Undecided()
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        if isinstance(node, cst.Attribute) and "." + node.attr.value in interp.tainted:
            raise _Undecided()
        if isinstance(node, cst.Subscript) and _item_tainted(interp, node):
            raise _Undecided()
        node = node.value
    _check_name(interp, base)


def _item_tainted(interp: "Interpreter", node: cst.Subscript) -> bool:
    mark = _key_mark(node)
    if mark == "[*]":
        return any(t.startswith("[") for t in interp.tainted)
    return "[*]" in interp.tainted or mark in interp.tainted


def _item(interp: "Interpreter", node: cst.Subscript) -> Any:
    """`CONFIG["freeze"]`, `cfg["model"]["name"]`: an item of a dict (or tuple) the walk knows."""
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        raise _Undecided()
    if not isinstance(node.value, (cst.Name, cst.Attribute, cst.Subscript)):
        raise _Undecided()
    _check_chain(interp, node)
    key = _value(interp, node.slice[0].slice.value)
    container = interp.eval(node.value)
    if isinstance(container, DictV) and key in container.items:
        return _const(container.items[key], interp)
    if isinstance(container, Seq) and container.kind == "tuple" and isinstance(key, int) and -len(container.items) <= key < len(container.items):
        return _const(container.items[key], interp)
    raise _Undecided()


def _boolean(interp: "Interpreter", node: cst.BooleanOperation) -> Any:
    is_and = isinstance(node.operator, cst.And)
    try:
        left = _value(interp, node.left)
    except _Undecided:
        # `unknown and False` is False, `unknown or True` is True, whatever the left side holds.
        right = _value(interp, node.right)
        if is_and and not right:
            return False
        if not is_and and right:
            return True
        raise
    if is_and:
        return _value(interp, node.right) if left else left
    return left if left else _value(interp, node.right)


def _compare(interp: "Interpreter", node: cst.Comparison) -> Any:
    left = _value(interp, node.left)
    for target in node.comparisons:
        op = target.operator
        if isinstance(op, (cst.In, cst.NotIn)):
            right = _collection(interp, target.comparator)
            result = (left in right) if isinstance(op, cst.In) else (left not in right)
        else:
            right = _value(interp, target.comparator)
            result = _binary(op, left, right)
        if not result:
            return False
        left = right
    return True


def _binary(op: cst.BaseCompOp, left: Any, right: Any) -> bool:
    if isinstance(op, cst.Equal):
        return left == right
    if isinstance(op, cst.NotEqual):
        return left != right
    if isinstance(op, cst.Is):
        return left is right if right is None or isinstance(right, bool) else _undecided()
    if isinstance(op, cst.IsNot):
        return left is not right if right is None or isinstance(right, bool) else _undecided()
    if isinstance(left, str) != isinstance(right, str) or left is None or right is None:
        raise _Undecided()
    if isinstance(op, cst.LessThan):
        return left < right
    if isinstance(op, cst.LessThanEqual):
        return left <= right
    if isinstance(op, cst.GreaterThan):
        return left > right
    if isinstance(op, cst.GreaterThanEqual):
        return left >= right
    raise _Undecided()


def _undecided() -> bool:
    raise _Undecided()


def _collection(interp: "Interpreter", node: cst.BaseExpression) -> Any:
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        if any(isinstance(e, cst.StarredElement) for e in node.elements):
            raise _Undecided()
        return [_value(interp, e.value) for e in node.elements]
    value = _value(interp, node)
    if isinstance(value, str):
        return value
    raise _Undecided()


__all__ = ["decide", "default_arms", "default_note", "note_store", "record_defaults"]
