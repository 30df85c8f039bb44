"""Class attributes used as configuration: `class Config: BACKBONE = "efficientnet"`, `Config.BACKBONE`,
`cfg = Config(); cfg.BACKBONE`, `self.MODEL_MAP[self.model_name](...)`.

The interpreter keeps a class's methods; `class_constant()` answers a data attribute of the class
body (or of a user base class) when the walk can trust it:
- the class body assigns the name exactly once, with a plain `NAME = value` (or annotated) at its
  top level (not in an `if`, a loop or a method);
- the value is a literal, or a list/tuple/dict of literals and names of the module (imports such
  as `ResNet50`, module constants), evaluated in the module's globals;
- no statement of the module stores an attribute of that name or an item of it, or mutates it
  (`Config.BACKBONE = ...`, `cfg.MODEL_MAP["x"] = ...`, `.MODEL_MAP.update(...)`, `setattr`):
  an object whose attribute may be changed behind the walk's back is not a constant. An instance attribute set in `__init__` wins, as in Python.
Anything else is UNKNOWN.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import libcst as cst

from tllint.engine.values import UNKNOWN, ClassV, Value
from tllint.parse import walk_nodes

if TYPE_CHECKING:  # pragma: no cover
    from tllint.engine.interpreter import Interpreter

_MAX_BASES = 8


def class_constant(interp: "Interpreter", cls: ClassV, attr: str, depth: int = 0) -> Value:
    """The value of data attribute `attr` in the body of `cls` (or a user base), else UNKNOWN."""
    if depth > _MAX_BASES or not isinstance(cls.node, cst.ClassDef) or not attr.isidentifier():
        return UNKNOWN
    module_interp = cls.module if cls.module is not None else interp
    found = _assigned_once(cls.node, attr)
    if found is _MANY:
        return UNKNOWN
    if found is not None:
        if _stored_elsewhere(module_interp, attr) or not _literal_enough(found):
            return UNKNOWN
        return _eval_in_globals(module_interp, found)
    for base in cls.bases:
        if isinstance(base, ClassV):
            value = class_constant(interp, base, attr, depth + 1)
            if value is not UNKNOWN:
                return value
    return UNKNOWN


_MANY = object()


def _assigned_once(node: cst.ClassDef, attr: str):
    found = None
    for stmt in node.body.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) and stmt.name.value == attr:
            return _MANY
        if isinstance(stmt, (cst.If, cst.For, cst.While, cst.Try, cst.With)):
            if any(isinstance(n, cst.Name) and n.value == attr for n in walk_nodes(stmt)):
                return _MANY  # assigned (or read) under a condition: not one certain value
            continue
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            targets: list = []
            value = None
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
                value = small.value
            elif isinstance(small, cst.AnnAssign):
                targets = [small.target]
                value = small.value
            elif isinstance(small, cst.AugAssign):
                targets = [small.target]
            for target in targets:
                if isinstance(target, cst.Name) and target.value == attr:
                    if found is not None or value is None:
                        return _MANY
                    found = value
                elif isinstance(target, (cst.Tuple, cst.List)) and any(
                        isinstance(e.value, cst.Name) and e.value.value == attr for e in target.elements):
                    return _MANY
    return found


def _literal_enough(node: cst.BaseExpression) -> bool:
    """Literals, names, dotted names and containers of them: nothing that runs code."""
    for inner in walk_nodes(node):
        if isinstance(inner, (cst.Call, cst.Lambda, cst.ListComp, cst.DictComp, cst.SetComp, cst.GeneratorExp,
                              cst.NamedExpr, cst.Await, cst.Yield, cst.Subscript)):
            return False
    return True


def _stored_elsewhere(interp: "Interpreter", attr: str) -> bool:
    text = getattr(interp, "source_text", None)
    if text is None:
        text = interp.module.code
    cache = interp.__dict__.setdefault("_class_config_stores", {})
    if attr not in cache:
        store = re.compile(
            r"\.\s*" + re.escape(attr) + r"\s*(?:\[[^\]\n]*\]\s*)*(?:[-+*/%|&^]|//|\*\*)?=(?!=)"  # `.X = `, `.X["k"] = `
            r"|\.\s*" + re.escape(attr) + r"\s*\.\s*(?:update|setdefault|pop|popitem|clear|append|extend|insert|remove)\("
            r"|\b(?:setattr|vars|__dict__)\b")
        cache[attr] = store.search(text) is not None
    return cache[attr]


def _eval_in_globals(interp: "Interpreter", node: cst.BaseExpression) -> Value:
    frame_type = type(interp.frames[0])
    interp.frames.append(frame_type(interp.globals))  # the class body sees the module's names
    try:
        return interp.eval(node)
    finally:
        interp.frames.pop()


__all__ = ["class_constant"]
