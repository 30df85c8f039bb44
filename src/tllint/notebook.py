"""Jupyter notebooks (.ipynb, nbformat 4): the code cells, in order, are one program.

IPython syntax is blanked before parsing so that line numbers hold: line magics (`%matplotlib
inline`), shell lines (`!pip install ...`, `files = !ls`), help lines (`model?`, `??fit`) and
cell magics (`%%time` keeps its Python body; `%%bash`, `%%writefile` and the other non-Python
cell magics blank the whole cell). Findings carry `cell` (1-based among ALL cells, markdown
included) and a line and column inside that cell. `# noqa` comments work per cell line.

A notebook that is not JSON or not nbformat 4 gives one TL000; a code cell that does not parse
gives TL000 at that cell and line, and the other cells are still analysed.
"""

from __future__ import annotations

import dataclasses
import re

import libcst as cst

from tllint.analysis import analyze_module
from tllint.prefilter import might_involve_keras
from tllint.rule_base import tool_finding
from tllint.finding import Finding
from tllint.noqa import apply_noqa, file_is_skipped
from tllint.notebook_cells import Cell, NotebookError, cell_at, combine, read_notebook
from tllint.settings import Settings

_LINE_REF = re.compile(r"\b(line|lines) (\d+)\b(?! in [\w.-]+\.py\b)")


def _cell_lines(message: str, cells: list[Cell]) -> str:
    """`line 12` of the combined program in a message becomes `cell 4, line 2`."""

    def repl(match: re.Match) -> str:
        cell = cell_at(cells, int(match.group(2)))
        if cell is None:
            return match.group(0)
        return f"cell {cell.index}, {match.group(1)} {int(match.group(2)) - cell.first_line + 1}"

    return _LINE_REF.sub(repl, message)


def _notebook_lines(message: str, cells: list[Cell], path: str) -> str:
    name = re.escape(path.replace("\\", "/").rsplit("/", 1)[-1])

    def repl(match: re.Match) -> str:
        cell = cell_at(cells, int(match.group(1)))
        if cell is None:
            return match.group(0)
        return f"cell {cell.index}, line {int(match.group(1)) - cell.first_line + 1} in {match.group(2)}"

    return re.sub(rf"\bline (\d+) in ({name})\b", repl, message)


def _to_cell(finding: Finding, cells: list[Cell]) -> Finding:
    if finding.code not in ("TL000", "TL001"):
        finding.message = _cell_lines(finding.message, cells)
    cell = cell_at(cells, finding.line)
    if cell is None:
        return finding
    finding.cell = cell.index
    finding.line = finding.line - cell.first_line + 1
    if cell.first_line <= finding.end_line < cell.first_line + cell.lines:
        finding.end_line = finding.end_line - cell.first_line + 1
    else:
        finding.end_line, finding.end_column = finding.line, finding.column
    if finding.fix is not None:
        from tllint.fixes.notebook import cell_fix  # the fix's edits, relative to the cell

        finding.fix = cell_fix(finding.fix, cell)
        if finding.fix is not None:
            finding.fix.description = _cell_lines(finding.fix.description, cells)
    finding.related = _related_to_cells(finding.related, cells, lambda r: r.path is None)
    return finding


def _related_to_cells(related: list, cells: list[Cell], in_notebook) -> list:
    """Related places of the joined cells as cell and line in the cell, like the primary position;
    a place in no cell (it cannot be shown) is left out."""
    out = []
    for r in related:
        if not in_notebook(r):
            out.append(r)
            continue
        cell = cell_at(cells, r.line)
        if cell is None:
            continue
        end_line, end_column = r.end_line - cell.first_line + 1, r.end_column
        if not cell.first_line <= r.end_line < cell.first_line + cell.lines:
            end_line, end_column = r.line - cell.first_line + 1, r.column
        out.append(dataclasses.replace(r, label=_cell_lines(r.label, cells), cell=cell.index,
                                       line=r.line - cell.first_line + 1, end_line=end_line, end_column=end_column))
    return out


def _parse(text: str):
    from tllint.hostile import nesting_problem

    problem = nesting_problem(text)  # the native parser would crash on it
    if problem is not None:
        return None, (problem.removeprefix("cannot parse: "), 1, 1)
    try:
        return cst.parse_module(text), None
    except cst.ParserSyntaxError as exc:
        message = exc.message.strip().rstrip(".") if getattr(exc, "message", None) else str(exc).splitlines()[0]
        return None, (message, exc.raw_line, exc.raw_column + 1)
    except RecursionError:
        return None, ("expression nested too deeply", 1, 1)
    except Exception as exc:  # noqa: BLE001 - libcst raises assorted errors on hostile input
        return None, (f"{type(exc).__name__}: {exc}".splitlines()[0], 1, 1)


def lint_notebook(path: str, text: str, settings: Settings | None = None, enabled: set[str] | None = None,
                  *, project=None, fixes: bool = True) -> list[Finding]:
    """Findings of one notebook, noqa applied (the runner applies selection and per-file-ignores).

    `enabled`: the codes of the run (rule codes and tool codes such as TL001); None: defaults.
    `fixes=False`: no automatic fixes (they cost a re-parse each; the IPython extension shows none).
    """
    settings = settings or Settings()
    try:
        notebook = read_notebook(text)
    except NotebookError as exc:
        return [tool_finding("TL000", str(exc), path, exc.line, exc.column)]
    cells = notebook.cells
    combined = combine(cells)
    if not cells or file_is_skipped(combined) or not might_involve_keras(combined):
        return []
    findings: list[Finding] = []
    module, error = _parse(combined)
    if module is None:
        # Find the cells that do not parse on their own; the others still form the program.
        good: list[Cell] = []
        for cell in cells:
            _, cell_error = _parse(cell.code if cell.code.endswith("\n") else cell.code + "\n")
            if cell_error is None:
                good.append(cell)
                continue
            message, line, column = cell_error
            message = re.sub(r"^parser error: error at \d+:\d+: ", "syntax error: ", message)
            last = max(len(cell.code.rstrip("\n").split("\n")), 1)
            if line > last:
                line, column = last, 1
            finding = tool_finding("TL000", f"cannot parse: {message}", path, line, column)
            finding.cell = cell.index
            findings.append(finding)
        if not findings:
            # Every cell parses alone but not together (a block split across cells).
            message, line, column = error
            finding = _to_cell(tool_finding("TL000", f"cannot parse: {message}", path, line, column), cells)
            return [finding]
        bad = {f.cell for f in findings}
        for cell in cells:
            if cell.index in bad:
                cell.code = "\n".join("" for _ in cell.code.split("\n"))
        combined = combine(cells)
        module, error = _parse(combined)
        if module is None:
            return findings
    if project is None:
        from tllint.project import Project

        project = Project()
    codes = set(enabled) if enabled is not None else None
    rule_codes = codes - {"TL000", "TL001", "TL999"} if codes is not None else None
    # Fixes are left out: their edits would be positions in the joined cells, not in the notebook.
    # Fixes are edits of the combined program; _to_cell maps them into the cell (tllint.fixes.notebook).
    analysed = analyze_module(module, combined, path, settings, enabled=rule_codes, project=project, fixes=fixes)
    own = [f for f in analysed if f.path == path]
    foreign = [f for f in analysed if f.path != path]
    own = apply_noqa(own, combined, report_unused=codes is not None and "TL001" in codes, path=path)
    findings.extend(_to_cell(f, cells) for f in own)
    _, foreign = project.split_foreign(path, foreign, settings, lambda f, ignored: _kept(f, ignored, codes))
    for finding in foreign:  # `line 9 in nb.ipynb` (the joined cells) becomes `cell 3, line 2 in nb.ipynb`
        finding.message = _notebook_lines(finding.message, cells, path)
        finding.related = _related_to_cells(finding.related, cells, lambda r: r.path == path)
    findings.extend(foreign)
    findings.sort(key=Finding.sort_key)
    return findings


def _kept(finding: Finding, ignored: tuple[str, ...], codes: set[str] | None) -> bool:
    from tllint.selection import code_matches_any

    return (codes is None or finding.code in codes) and not code_matches_any(finding.code, ignored)


lint_notebook.accepts_project = True  # the runner passes its run's Project (tllint.project)
