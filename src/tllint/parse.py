"""Parsing: Python's own syntax check, the TL000 findings of text that does not parse, and a
parsed module's positions and line ranges (parse layer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from tllint.finding import Finding
from tllint.rule_base import tool_finding


def python_parses(source: str) -> bool:
    """Python's own parser (C, ~10x faster than LibCST) accepts the text: no TL000 is being missed."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # `x is 1`, "\d": Python's warnings are not ours to print
            ast.parse(source)
    except Exception:  # noqa: BLE001 - SyntaxError, ValueError (NUL), RecursionError, MemoryError
        return False
    return True


LIBCST_GAP = "cannot analyse: Python accepts this file, but LibCST (the parser tllint uses) does not"


def parse_error_finding(exc: cst.ParserSyntaxError, path: str, source: str | None = None) -> Finding:
    """TL000 at LibCST's error position. With `source` given and accepted by CPython, the message
    says that only LibCST rejects it (never a bare "cannot parse" for a file Python compiles)."""
    finding = _libcst_error(exc, path)
    if source is not None and python_parses(source):
        finding.message = f"{LIBCST_GAP} ({finding.message.removeprefix('cannot parse: ')})"
    return finding


def _libcst_error(exc: cst.ParserSyntaxError, path: str) -> Finding:
    message = exc.message.strip().rstrip(".") if getattr(exc, "message", None) else str(exc).splitlines()[0]
    line, column = exc.raw_line, exc.raw_column + 1
    # The native parser's own "error at L:C" is exact where raw_line/raw_column can be a line late.
    where = re.search(r"error at (\d+):(\d+):\s*", message)
    if where:
        line, column = int(where.group(1)), int(where.group(2))
        message = message[where.end():] or message
    message = message.removeprefix("parser error: ")
    return tool_finding("TL000", f"cannot parse: {message}", path, line, column)


def python_syntax_error(source: str, path: str) -> Finding | None:
    """CPython's own message and position, clearer than the parser's token list."""
    try:
        compile(source, path, "exec", dont_inherit=True, flags=0x400)  # PyCF_ONLY_AST
    except SyntaxError as exc:
        return tool_finding("TL000", f"cannot parse: {exc.msg}", path, exc.lineno or 1, exc.offset or 1)
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


@dataclass
class ParsedModule:
    path: Path  # resolved path of the .py file
    source: str
    module: cst.Module
    _positions: Any = None

    _node_ids: Any = None

    @property
    def positions(self):
        if self._positions is None:
            self._positions = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider)
        return self._positions

    _ranges: Any = None

    def line_ranges(self) -> tuple[list[tuple[int, int]], dict[int, tuple[int, int]]]:
        """(lines of the top-level statements that run on import, lines of each function by id).

        From Python's own parser (many times cheaper than LibCST positions), its functions
        matched to LibCST's in document order; positions only where the two disagree.
        """
        if self._ranges is None:
            self._ranges = _line_ranges(self)
        return self._ranges

    def holds(self, node) -> bool:
        """Whether `node` is in this module (a walk several times cheaper than positions)."""
        if self._positions is not None:
            return node in self._positions
        if self._node_ids is None:
            self._node_ids = {id(current) for current in walk_nodes(self.module)}
        return id(node) in self._node_ids


def _line_ranges(parsed: ParsedModule) -> tuple[list[tuple[int, int]], dict[int, tuple[int, int]]]:
    import ast

    functions = list(_functions_in_order(parsed.module.body))
    try:
        tree = ast.parse(parsed.source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    if tree is not None:
        defs = list(_ast_functions_in_order(tree.body))
        if [f.name.value for f in functions] == [d.name for d in defs]:
            top = [
                (stmt.lineno, stmt.end_lineno or stmt.lineno)
                for stmt in tree.body
                if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not _ast_main_if(stmt)
            ]
            spans = {
                id(func): (min([d.lineno] + [x.lineno for x in d.decorator_list]), d.end_lineno or d.lineno)
                for func, d in zip(functions, defs)
            }
            return top, spans
    positions = parsed.positions
    top = []
    for stmt in parsed.module.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) or _is_main_if(stmt):
            continue
        pos = positions.get(stmt)
        if pos is not None:
            top.append((pos.start.line, pos.end.line))
    spans = {}
    for func in functions:
        pos = positions.get(func)
        if pos is not None:
            spans[id(func)] = (pos.start.line, pos.end.line)
    return top, spans


def _functions_in_order(body):
    """Every `def` of a LibCST statement list, in document order (pre-order)."""
    for stmt in body:
        if isinstance(stmt, cst.FunctionDef):
            yield stmt
        for block in _cst_blocks(stmt):
            yield from _functions_in_order(block)


def _cst_blocks(stmt):
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef, cst.With, cst.For, cst.While)):
        yield _body(stmt.body)
        orelse = getattr(stmt, "orelse", None)
        if orelse is not None:
            yield _body(orelse.body)
    elif isinstance(stmt, cst.If):
        yield _body(stmt.body)
        if isinstance(stmt.orelse, cst.If):
            yield [stmt.orelse]
        elif stmt.orelse is not None:
            yield _body(stmt.orelse.body)
    elif isinstance(stmt, (cst.Try, cst.TryStar)):
        yield _body(stmt.body)
        for handler in stmt.handlers:
            yield _body(handler.body)
        if stmt.orelse is not None:
            yield _body(stmt.orelse.body)
        if stmt.finalbody is not None:
            yield _body(stmt.finalbody.body)
    elif isinstance(stmt, cst.Match):
        for case in stmt.cases:
            yield _body(case.body)


def _body(block) -> list:
    return list(block.body) if isinstance(block, cst.IndentedBlock) else []


def _ast_functions_in_order(body):
    import ast

    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield stmt
        blocks = []
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            blocks = [stmt.body]
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            blocks = [stmt.body]
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While, ast.If)):
            blocks = [stmt.body, stmt.orelse]
        elif isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            blocks = [stmt.body] + [h.body for h in stmt.handlers] + [stmt.orelse, stmt.finalbody]
        elif isinstance(stmt, getattr(ast, "Match", ())):
            blocks = [case.body for case in stmt.cases]
        for block in blocks:
            yield from _ast_functions_in_order(block)


def _ast_main_if(stmt) -> bool:
    import ast

    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    test = stmt.test
    return (
        isinstance(test.left, ast.Name) and test.left.id == "__name__" and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value == "__main__"
    )


def is_main_guard(test: cst.BaseExpression) -> bool:
    """`__name__ == "__main__"`: the block runs when the file is the program, not on import."""
    return (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and test.left.value == "__name__"
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].comparator, cst.SimpleString)
        and "__main__" in test.comparisons[0].comparator.value
    )


def _is_main_if(stmt) -> bool:
    return isinstance(stmt, cst.If) and is_main_guard(stmt.test)


def walk_nodes(node: cst.CSTNode):
    """Every node under `node`, itself included, in no particular order: over the dataclass
    fields, several times cheaper than LibCST's `children` property or a visitor."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for name in current.__dataclass_fields__:
            value = getattr(current, name)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(v for v in value if isinstance(v, cst.CSTNode))


# ---------------------------------------------------------------------- text LibCST does not keep
# LibCST parses everything CPython accepts in the real code we measured (bench/parse_gaps.py), but
# it drops a few characters when it builds the tree: a line holding only a `\` continuation (all
# later lines move up by one) and form feeds at the start of a line (that line's columns move left).
# Positions then disagree with the file; `PositionMap` maps them back.
_DROPPED_HINT = re.compile(r"^[ \t\f]*\\\r?$|\f", re.M)
_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class PositionMap:
    """(line, column) in the text LibCST regenerates (`module.code`) -> the same place in the
    parsed text. Built only when the two differ."""

    def __init__(self, code: str, text: str) -> None:
        import difflib

        # Python's own line ends only: str.splitlines also breaks at form feeds and U+2028.
        code_lines, text_lines = _PHYSICAL_LINE.findall(code), _PHYSICAL_LINE.findall(text)
        self._lines: dict[int, tuple[int, int]] = {}  # code line -> (text line, column shift)
        matcher = difflib.SequenceMatcher(None, code_lines, text_lines, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
                for k in range(i2 - i1):
                    old, new = code_lines[i1 + k], text_lines[j1 + k]
                    shift = len(new) - len(old) if new.replace("\f", "") == old.replace("\f", "") else 0
                    self._lines[i1 + k + 1] = (j1 + k + 1, shift)
            elif tag == "replace":
                for k in range(i2 - i1):
                    self._lines[i1 + k + 1] = (min(j1 + k, j2 - 1) + 1, 0)
        self.last = len(text_lines)

    def map(self, line: int, column: int) -> tuple[int, int]:
        found = self._lines.get(line)
        if found is None:
            return min(line, max(self.last, 1)), column
        return found[0], column + found[1]


def position_map(module: cst.Module, text: str) -> PositionMap | None:
    """None when LibCST's positions are those of `text` (always, unless `_DROPPED_HINT` matches)."""
    if not _DROPPED_HINT.search(text):
        return None
    code = module.code
    return PositionMap(code, text) if code != text else None

