"""Fix a notebook cell by cell: its code cells form one program (tllint.notebook), the fixes run
on that program, and each changed line goes back into the cell it came from. Outputs, metadata,
markdown and IPython lines (magics, shell escapes) stay as they are; the JSON keeps its layout.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass

from tllint.fixes._cst import parses
from tllint.fixes._edits import split_lines
from tllint.fixes.apply import TextFix, fix_text


@dataclass
class NotebookFix:
    result: TextFix  # original / fixed: the notebook JSON texts
    diff: str = ""


def fix_notebook_text(text: str, display: str, linter, *, unsafe: bool, path=None) -> NotebookFix | None:
    from tllint.notebook_cells import NotebookError, combine, read_notebook

    try:
        notebook = read_notebook(text)
        data = json.loads(text)
    except (NotebookError, ValueError, RecursionError):
        return None
    cells = notebook.cells
    if not cells:
        return None
    combined = combine(cells)
    if not parses(combined):
        return None  # a cell that does not parse: leave the notebook alone
    res = fix_text(combined, lambda t: linter.lint_text(t, display, path=path), unsafe=unsafe)
    unchanged = TextFix(text, text, [], res.remaining)
    if not res.changed:
        return NotebookFix(unchanged)
    sources = _split_back(cells, combined, res.fixed)
    if sources is None:
        return NotebookFix(unchanged)
    diffs = []
    for cell in cells:
        new = sources.get(cell.index)
        if new is None or new == cell.source:
            continue
        raw = data["cells"][cell.index - 1]
        raw["source"] = split_lines(new) if isinstance(raw.get("source"), list) else new
        diffs.append("".join(difflib.unified_diff(
            split_lines(_ended(cell.source)), split_lines(_ended(new)),
            fromfile=f"a/{display}:cell {cell.index}", tofile=f"b/{display}:cell {cell.index}")))
    fixed = _dump_like(data, text)
    return NotebookFix(TextFix(text, fixed, res.applied, res.remaining), "".join(diffs))


def _ended(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _split_back(cells, old: str, new: str) -> dict[int, str] | None:
    """New source of each cell; None when a change crosses cells or touches an IPython line."""
    a, b = split_lines(old), split_lines(new)
    owner: list = []
    source_lines: list[str] = []
    for cell in cells:
        lines = split_lines(_ended(cell.source))
        code = split_lines(_ended(cell.code))
        if len(lines) != cell.lines or len(code) != cell.lines:
            return None
        for src, blanked in zip(lines, code):
            owner.append((cell, src != blanked))
            source_lines.append(src)
    out: dict[int, list[str]] = {cell.index: [] for cell in cells}
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i1, i2):
                out[owner[k][0].index].append(source_lines[k])
            continue
        touched = [owner[k] for k in range(i1, i2)]
        if any(ipython for _, ipython in touched) or len({c.index for c, _ in touched}) > 1:
            return None
        cell = touched[0][0] if touched else (owner[i1][0] if i1 < len(owner) else cells[-1])
        out[cell.index].extend(b[j1:j2])
    result = {}
    for cell in cells:
        text = "".join(out[cell.index])
        if not cell.source.endswith("\n") and text.endswith("\n"):
            text = text[:-1]
        result[cell.index] = text
    return result


def _dump_like(data, original: str) -> str:
    """The notebook JSON in the layout the file had (nbformat's: indent 1, sorted keys)."""
    try:
        parsed = json.loads(original)
    except ValueError:
        parsed = None
    tail = "\n" if original.endswith("\n") else ""
    for indent in (1, 2, 4, None):
        for sort_keys in (True, False):
            for ensure_ascii in (False, True):
                if parsed is not None and json.dumps(parsed, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii) + tail == original:
                    return json.dumps(data, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii) + tail
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def cell_fix(fix, cell):
    """A fix of the combined program as edits of one cell's source (what JSON and editors show
    for a notebook finding); None when it reaches outside the cell or touches an IPython line."""
    from tllint.finding import Edit, Fix

    if fix is None:
        return None
    start, end = cell.first_line, cell.first_line + cell.lines
    src = split_lines(_ended(cell.source))
    code = split_lines(_ended(cell.code))
    edits = []
    for e in fix.edits:
        if not (start <= e.line < end and start <= e.end_line <= end) or (e.end_line == end and e.end_column != 1):
            return None
        last = e.end_line if e.end_column > 1 else e.end_line - 1
        if any(src[k - start] != code[k - start] for k in range(e.line, min(last, end - 1) + 1)):
            return None
        line, end_line, end_column, text = e.line - start + 1, e.end_line - start + 1, e.end_column, e.text
        if e.end_line == end and not cell.source.endswith("\n"):
            end_line, end_column = cell.lines, len(src[-1]) - 1 + 1
            if text.endswith("\n"):
                text = text[:-1]
        edits.append(Edit(line, e.column, end_line, end_column, text))
    return Fix(fix.applicability, fix.description, edits)
