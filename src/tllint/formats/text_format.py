"""`path:LINE:COL: CODE message`, one per line, like flake8 and ruff's concise output."""

from __future__ import annotations

from tllint.finding import Finding
from tllint.formats import Context, location, message_with_confirmation

RESET = "\033[0m"
BOLD = "\033[1m"
STYLES = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m"}
CARET = "\033[1;31m"


def paint(text: str, style: str, on: bool) -> str:
    return f"{style}{text}{RESET}" if on else text


def render(findings: list[Finding], context: Context) -> str:
    out = []
    for f in findings:
        code = paint(f.code, STYLES.get(f.severity, BOLD), context.color)
        out.append(f"{paint(location(f), BOLD, context.color)}: {code} {message_with_confirmation(f)}")
        if context.show_source:
            out.extend(source_excerpt(f, context))
    return "".join(line + "\n" for line in out)


def source_excerpt(finding: Finding, context: Context) -> list[str]:
    """The source line and a caret under the column (or a run of them to the end column)."""
    if finding.cell is not None:
        return []
    source = context.sources.get(finding.path)
    if source is None:
        return []
    lines = source.splitlines()
    if not 1 <= finding.line <= len(lines):
        return []
    text = lines[finding.line - 1].expandtabs(1)
    start = max(finding.column - 1, 0)
    width = 1
    if finding.end_line == finding.line and finding.end_column > finding.column:
        width = finding.end_column - finding.column
    width = max(1, min(width, len(text) - start))
    gutter = f"{finding.line} | "
    marker = " " * len(str(finding.line)) + " | " + " " * start + paint("^" * width, CARET, context.color)
    return [gutter + text, marker]
