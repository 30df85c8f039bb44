"""The cells of a Jupyter notebook (.ipynb, nbformat 4) as one program (sources layer).

Code cells are read in order and IPython syntax is blanked so that line numbers hold; each cell
remembers where its lines start in the combined program.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field


# Cell magics whose body is Python (IPython runs it as code).
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "tensorflow_version", "memit",
                                "skip", "cython_inline", "autoreload", "pypy", "local"})
_MAGIC_LINE = re.compile(r"^\s*(%|!|\?)")
_SHELL_ASSIGN = re.compile(r"^\s*[A-Za-z_][\w\s,.\[\]()]*?=\s*[!%](?!=)")
# IPython's automagic: `pip install x`, `cd data` without `%` (no Python statement starts so).
_AUTOMAGIC = re.compile(r"^\s*(?:pip|cd|ls|pwd|conda|mkdir|wget|unzip|cp|mv|rm|cat|git|apt-get)(?:\s+[\w\-/~.'\"]|\s*$)")
_HELP_LINE = re.compile(r"^\s*[\w.\[\]()'\"]+\?{1,2}\s*$")


@dataclass
class Cell:
    index: int  # 1-based among all cells
    source: str  # as written
    code: str  # IPython syntax blanked
    first_line: int = 0  # 1-based line of the cell's first line in the combined program
    lines: int = 0


@dataclass
class Notebook:
    cells: list[Cell] = field(default_factory=list)  # code cells only
    total_cells: int = 0


class NotebookError(Exception):
    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def read_notebook(text: str) -> Notebook:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"not a valid notebook: invalid JSON ({exc.msg})", exc.lineno, exc.colno) from None
    except (ValueError, RecursionError) as exc:
        raise NotebookError(f"not a valid notebook: {exc}") from None
    if not isinstance(data, dict):
        raise NotebookError("not a valid notebook: the top level is not a JSON object")
    major = data.get("nbformat")
    if major != 4:
        raise NotebookError(f"unsupported notebook format: nbformat {major!r} (tllint reads nbformat 4)")
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise NotebookError("not a valid notebook: no `cells` list")
    notebook = Notebook(total_cells=len(cells))
    for index, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        notebook.cells.append(Cell(index, source, blank_ipython(source)))
    return notebook


def blank_ipython(source: str) -> str:
    """The cell's text with IPython-only lines blanked (indented ones become `pass`)."""
    lines = source.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(None, 1)
        name = magic[0] if magic else ""
        if name not in PYTHON_CELL_MAGICS:
            return "\n".join("" for _ in lines)
        lines[0] = ""
    out = []
    continued = False  # the previous IPython line ended in `\`: this one belongs to it
    for line in lines:
        if (continued or _MAGIC_LINE.match(line) or _SHELL_ASSIGN.match(line) or _AUTOMAGIC.match(line)
                or (_HELP_LINE.match(line) and "#" not in line)):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + "pass" if indent and not continued else "")
            continued = line.rstrip().endswith("\\")
        else:
            out.append(line)
    return "\n".join(out)


def combine(cells: list[Cell]) -> str:
    parts = []
    line = 1
    for cell in cells:
        text = cell.code
        if not text.endswith("\n"):
            text += "\n"
        cell.first_line = line
        cell.lines = text.count("\n")
        line += cell.lines
        parts.append(text)
    return "".join(parts)


def cell_at(cells: list[Cell], line: int) -> Cell | None:
    lo, hi = 0, len(cells) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        cell = cells[mid]
        if line < cell.first_line:
            hi = mid - 1
        elif line >= cell.first_line + cell.lines:
            lo = mid + 1
        else:
            return cell
    return None
