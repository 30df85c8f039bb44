"""Text output: `path:LINE:COL: CODE title`, one per line, like flake8 and ruff's concise output.

With `--show-source` (`--output-format full`) each finding also shows its source: the primary
span with a caret line, then every related location of its chain (in the order the rule gives
them) as a labelled snippet, `...` where lines are skipped, then the explanation and `help:`.
"""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

from tllint.finding import Finding
from tllint.formats import Context, explanation_and_help, headline_with_confirmation, location, related_location

RESET = "\033[0m"
BOLD = "\033[1m"
STYLES = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m"}
CARET = "\033[1;31m"
RELATED = "\033[1;34m"
GUTTER = "\033[1;34m"
HELP = "\033[1;32m"
WRAP = 100


def paint(text: str, style: str, on: bool) -> str:
    return f"{style}{text}{RESET}" if on else text


def render(findings: list[Finding], context: Context) -> str:
    out = []
    reader = SourceReader(context)
    for f in findings:
        code = paint(f.code, STYLES.get(f.severity, BOLD), context.color)
        out.append(f"{paint(location(f), BOLD, context.color)}: {code} {headline_with_confirmation(f)}")
        if context.show_source:
            out.extend(full_view(f, reader, context.color))
    return "".join(line + "\n" for line in out)


class SourceReader:
    """Lines of the files (and notebook cells) that findings point at."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self._files: dict[str, list[str] | None] = {}
        self._cells: dict[str, dict[int, list[str]] | None] = {}

    def line(self, path: str, cell: int | None, line: int) -> str | None:
        lines = self._cell_lines(path, cell) if cell is not None else self._file_lines(path)
        if lines is None or not 1 <= line <= len(lines):
            return None
        return lines[line - 1]

    def _text(self, path: str) -> str | None:
        text = self.context.sources.get(path)
        if text is not None:
            return text
        # A related place in another module of the project (its file was not reported on).
        file = Path(path)
        if not file.is_absolute():
            file = self.context.cwd / file
        try:
            return file.read_text(encoding="utf-8") if file.is_file() else None
        except (OSError, UnicodeDecodeError):
            return None

    def _file_lines(self, path: str) -> list[str] | None:
        if path not in self._files:
            text = None if path.endswith(".ipynb") else self._text(path)
            self._files[path] = text.splitlines() if text is not None else None
        return self._files[path]

    def _cell_lines(self, path: str, cell: int) -> list[str] | None:
        if path not in self._cells:
            self._cells[path] = None
            text = self._text(path)
            if text is not None:
                from tllint.notebook_cells import NotebookError, read_notebook

                try:
                    notebook = read_notebook(text)
                except NotebookError:
                    notebook = None
                if notebook is not None:
                    self._cells[path] = {c.index: c.source.splitlines() for c in notebook.cells}
        cells = self._cells[path]
        return None if cells is None else cells.get(cell)


def full_view(finding: Finding, reader: SourceReader, color: bool) -> list[str]:
    """The snippets (primary, then related), the explanation and `help:`."""
    places = [(finding.path, finding.cell, finding.line, finding.column, finding.end_line, finding.end_column, None)]
    for r in finding.related:
        path = r.path if r.path is not None else finding.path
        places.append((path, r.cell, r.line, r.column, r.end_line, r.end_column, r))
    width = max(len(str(p[2])) for p in places)
    pad = " " * width
    out: list[str] = []
    previous = None
    for path, cell, line, column, end_line, end_column, related in places:
        text = reader.line(path, cell, line)
        if related is not None:
            if previous is not None and (previous[0], previous[1]) == (path, cell) and line != previous[2] + 1:
                out.append(paint(f"{pad} ...", GUTTER, color))
            out.append(f"{pad}{paint('-->', GUTTER, color)} {related_location(finding, related)}")
        if text is None:
            if related is not None:
                out.append(f"{pad} {paint('=', GUTTER, color)} {related.label}")
            previous = (path, cell, line)
            continue
        bar = paint("|", GUTTER, color)
        text = text.expandtabs(1)
        start, carets = caret_span(text, line, column, end_line, end_column)
        start, carets = _cells(text[:start]), max(1, _cells(text[start : start + carets]))
        style = CARET if related is None else RELATED
        marker = paint("^" * carets + (f" - {related.label}" if related is not None else ""), style, color)
        out.append(f"{paint(str(line).rjust(width), GUTTER, color)} {bar} {text}".rstrip())
        out.append(f"{pad} {bar} {' ' * start}{marker}")
        previous = (path, cell, line)
    explanation, help_text = explanation_and_help(finding)
    if out and (explanation or help_text):
        out.append(f"{pad} {paint('|', GUTTER, color)}")
    eq = paint("=", GUTTER, color)
    if explanation:
        out.extend(_wrapped(explanation, f"{pad} {eq} ", f"{pad}   "))
    if help_text:
        out.extend(_wrapped(help_text, f"{pad} {eq} {paint('help', HELP, color)}: ", f"{pad}   "))
    return out


def caret_span(text: str, line: int, column: int, end_line: int, end_column: int) -> tuple[int, int]:
    """(offset, count) of the carets under the span's first line."""
    start = min(max(column - 1, 0), max(len(text) - 1, 0))
    if end_line == line and end_column > column:
        width = end_column - column
    elif end_line > line:
        width = len(text.rstrip()) - start
    else:
        width = 1
    return start, max(1, min(width, len(text) - start))


def _cells(text: str) -> int:
    """Terminal columns of a text: wide (CJK) characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    lines: list[str] = []
    for i, paragraph in enumerate(text.splitlines() or [""]):
        wrapped = textwrap.wrap(paragraph, WRAP, break_long_words=False, break_on_hyphens=False) or [""]
        for j, chunk in enumerate(wrapped):
            lines.append((first if i == 0 and j == 0 else rest) + chunk)
    return lines

