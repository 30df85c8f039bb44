"""Parse less of big files: blank out the function and class definitions that cannot matter.

LibCST's parse dominates tllint's cost (about 9x `ast`), and on big library or test modules
(the keras package's own sources: 12,000-line test files with one `model.compile` at the end)
most of the text is definitions that no rule can look at. Before LibCST sees a file of more
than MIN_LINES lines, `ast` (fast, C) finds its top-level statements, and a top-level `def` or
`class` is replaced by blank lines unless

- its text holds one of the names every rule needs (prefilter.might_have_findings: a compile or
  training step, `trainable`, a backbone name ...), or
- it is linked by name to kept code: kept code uses the name it defines (a call from the main
  block, from a kept function ...), or it uses the name of a kept definition (a caller of a
  kept function), transitively. Module-level names (imports, constants) link nothing backwards:
  every definition uses them.

All other top-level statements (imports, assignments, calls, `if __name__ == "__main__":`) are
always kept. Blanked lines stay as empty lines, so every kept node keeps its line and column,
and the original text is what messages, noqa and fixes read. A file `ast` cannot parse is not
sliced (LibCST reports the error with its position).
"""

from __future__ import annotations

import ast
import re
import warnings

from tllint.prefilter import FINDING_HINT_TEXT
from tllint.reading import physical_lines

MIN_LINES = 400
_HINT = re.compile(FINDING_HINT_TEXT)


def slice_source(source: str) -> str:
    """The source with irrelevant top-level definitions blanked; the source itself if no gain."""
    if source.count("\n") < MIN_LINES:
        return source
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return source
    body = tree.body
    if not body:
        return source
    lines = physical_lines(source)  # numbered as `ast` numbers them (form feeds stay inside a line)
    spans = [(_first_line(stmt), stmt.end_lineno or stmt.lineno) for stmt in body]
    candidates = [isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for stmt in body]
    if not any(candidates):
        return source
    defines = [_defined(stmt) for stmt in body]
    uses = [_used(stmt) for stmt in body]
    keep = [not candidate for candidate in candidates]
    for i, stmt in enumerate(body):
        if candidates[i] and _HINT.search("".join(lines[spans[i][0] - 1: spans[i][1]])):
            keep[i] = True
    # Close over name links in both directions; statements sharing a line stay together.
    changed = True
    while changed:
        changed = False
        # Reverse links only through kept definitions: every def uses the module's imports and
        # constants, which would keep everything.
        kept_defines = set().union(*(defines[i] for i in range(len(body)) if keep[i] and candidates[i]))
        kept_uses = set().union(*(uses[i] for i in range(len(body)) if keep[i]))
        kept_lines = [spans[i] for i in range(len(body)) if keep[i]]
        for i in range(len(body)):
            if keep[i]:
                continue
            first, last = spans[i]
            if (defines[i] & kept_uses) or (uses[i] & kept_defines) or any(a <= last and first <= b for a, b in kept_lines):
                keep[i] = True
                changed = True
    out = list(lines)
    for i, kept in enumerate(keep):
        if not kept:
            _blank(out, *spans[i])
    # Inside kept classes, unittest methods (`test_*`) that nobody calls are dropped the same way
    # (test files are half of a library's sources). Other methods stay: Keras calls `call`,
    # `build`, `train_step` ... implicitly.
    kept_uses = set().union(*(uses[i] for i in range(len(body)) if keep[i]))
    changed_inside = False
    for i, stmt in enumerate(body):
        if not (keep[i] and isinstance(stmt, ast.ClassDef)):
            continue
        for member in stmt.body:
            if not isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) or not member.name.startswith("test"):
                continue
            first, last = _first_line(member), member.end_lineno or member.lineno
            if member.name in kept_uses:  # called by name somewhere kept: a helper, keep it
                continue
            if _HINT.search("".join(lines[first - 1: last])):
                continue
            _blank(out, first, last)
            # The class body must not become empty: a `pass` where the method started.
            out[first - 1] = " " * member.col_offset + "pass\n"
            changed_inside = True
    if all(keep) and not changed_inside:
        return source
    return "".join(out)


def _blank(out: list[str], first: int, last: int) -> None:
    for n in range(first - 1, last):
        out[n] = "\n" if out[n].endswith("\n") else ""



def _first_line(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", None) or ()
    return min([stmt.lineno, *(d.lineno for d in decorators)])


def _defined(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    names: set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
    return names


def _used(stmt: ast.stmt) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)  # `self.helper()`, `module.thing`: link by the attribute name too
    return names
