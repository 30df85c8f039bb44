"""Cheap checks that keep hostile input away from the native parser.

LibCST's parser is native code without a depth limit: 5000 nested brackets or lambdas overflow
the C stack and kill the process (a segfault, no exception to catch). CPython itself refuses
more than 200 nested brackets ("too many nested parentheses") and fails on thousands of nested
lambdas, so such a file cannot run anyway: it becomes TL000 before LibCST sees it.

LibCST also parses long left-deep chains (`a.b.c...`, `x[0][0]...`, `1+1+...`) in quadratic time:
5000 links take a minute in native code, where no signal-based time budget can stop it. Python's
own parser gives up on such chains (RecursionError), so a file with a very long line is first
parsed with `ast`; if Python cannot parse it for depth, it is TL000 too.
"""

from __future__ import annotations

import re
import warnings

MAX_BRACKETS = 200  # CPython's tokenizer limit (MAXLEVEL)
MAX_LAMBDAS = 200
_BRACKETS = re.compile(r"[^()\[\]{}]+")
_LAMBDA_CHAIN = re.compile(r"(?:\blambda\b[\w\s,*=]*:\s*){%d}" % MAX_LAMBDAS)
LONG_LINE = 2000


def nesting_problem(source: str) -> str | None:
    """A TL000 message if the text nests deeper than Python allows, else None."""
    if source.count("(") + source.count("[") + source.count("{") > MAX_BRACKETS and _bracket_rise(source) > MAX_BRACKETS:
        # The scan ignores strings and comments; Python's own tokenizer decides.
        if _python_rejects_nesting(source):
            return f"cannot parse: too many nested parentheses (Python allows {MAX_BRACKETS})"
    if source.count("lambda") >= MAX_LAMBDAS and _LAMBDA_CHAIN.search(source):
        return f"cannot parse: more than {MAX_LAMBDAS} nested lambdas"
    if len(source) >= LONG_LINE and max(map(len, source.split("\n"))) >= LONG_LINE:
        return _python_depth_problem(source)
    return None


def _python_depth_problem(source: str) -> str | None:
    import ast

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except (RecursionError, MemoryError):
        return "cannot parse: expression nested too deeply (Python's parser gives up on it too)"
    except Exception:  # noqa: BLE001 - other syntax errors: LibCST reports them with positions
        return None
    return None


def _bracket_rise(source: str) -> int:
    """The largest rise of the bracket count above an earlier low (brackets in strings count)."""
    depth = low = rise = 0
    for char in _BRACKETS.sub("", source):
        if char in "([{":
            depth += 1
            if depth - low > rise:
                rise = depth - low
        else:
            depth -= 1
            if depth < low:
                low = depth
    return rise


def _python_rejects_nesting(source: str) -> bool:
    import io
    import tokenize

    depth = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.OP:
                if tok.string in "([{":
                    depth += 1
                    if depth > MAX_BRACKETS:
                        return True
                elif tok.string in ")]}":
                    depth -= 1
    except (tokenize.TokenError, SyntaxError, IndentationError, ValueError):
        return False
    return False


NESTED_DEPTH = 100


def deeply_nested(source: str, module=None, limit: int = NESTED_DEPTH) -> bool:
    """Whether the syntax tree is more than `limit` levels deep (a RecursionError's likely cause).

    Only called after a RecursionError: code this deep is what exhausts Python's recursion limit
    legitimately; in ordinary code the same error is an engine bug (TL999, not TL000). `module`
    (the LibCST tree) is measured too: LibCST nests `a and b and c ...`, `ast` does not.
    """
    import ast

    if module is not None:
        stack = [(module, 0)]
        while stack:
            node, depth = stack.pop()
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in node.children)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (RecursionError, MemoryError):
        return True
    except Exception:  # noqa: BLE001
        return False
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return False
