"""Findings to LSP diagnostics: positions (UTF-16), message, rule link, related places.

A diagnostic's message is the finding's title on the first line and its full message after it
(`title + "\\n" + message`): VS Code's Problems panel and Neovim's virtual text show the first
line, the hover shows the whole explanation. A finding without a title shows its message only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from tllint.config import ConfigError, load_settings
from tllint.finding import Finding, Related
from tllint.formats import rule_url

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


# The position encoding the session agreed on (pygls takes the client's first choice among
# utf-8, utf-16 and utf-32; utf-16 when the client names none). Set once, at initialize.
_ENCODING = ["utf-16"]


def set_position_encoding(kind: str | None) -> None:
    _ENCODING[0] = str(kind) if kind in ("utf-8", "utf-16", "utf-32") else "utf-16"


def _units(ch: str) -> int:
    encoding = _ENCODING[0]
    if encoding == "utf-8":
        return len(ch.encode("utf-8", "surrogatepass"))
    if encoding == "utf-32":
        return 1
    return 2 if ord(ch) > 0xFFFF else 1


def lsp_column(line_text: str, column0: int) -> int:
    """The LSP column (UTF-16 code units, or the session's encoding) of a character index."""
    prefix = line_text[:column0]
    if _ENCODING[0] == "utf-32" or prefix.isascii():
        return column0
    return sum(_units(ch) for ch in prefix) + max(column0 - len(line_text), 0)


def char_column(line_text: str, units: int) -> int:
    """The character index (0-based) of an LSP column."""
    seen = 0
    for index, ch in enumerate(line_text):
        if seen >= units:
            return index
        seen += _units(ch)
    return len(line_text)


def position(lines: list[str], line: int, column: int) -> types.Position:
    line0 = max(line - 1, 0)
    text = lines[line0] if line0 < len(lines) else ""
    return types.Position(line=line0, character=lsp_column(text, max(column - 1, 0)))


def to_range(lines: list[str], line: int, column: int, end_line: int, end_column: int) -> types.Range:
    start = position(lines, line, column)
    end = position(lines, end_line, end_column)
    if (end.line, end.character) <= (start.line, start.character):
        end = types.Position(line=start.line, character=start.character + 1)
    return types.Range(start=start, end=end)


def diagnostic_message(finding: Finding) -> str:
    title = finding.title.strip()
    if not title or title == finding.message.strip():
        return finding.message
    return f"{title}\n{finding.message}"


def document_path(uri: str) -> Path | None:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


def path_uri(path: str) -> str | None:
    """The uri of another file named by a finding (a display path: absolute in the server's runs)."""
    full = path if os.path.isabs(path) else os.path.abspath(path)
    return from_fs_path(full)


def related_information(
    finding: Finding, uri: str, lines: list[str], other_lines: Callable[[str], list[str] | None]
) -> list[types.DiagnosticRelatedInformation]:
    out = []
    for rel in finding.related:
        if rel.cell is not None:
            continue  # notebook cells: the server publishes plain Python documents only
        if rel.path is None or rel.path == finding.path:
            target, text_lines = uri, lines
        else:
            target = path_uri(rel.path)
            text_lines = other_lines(rel.path) or []
            if target is None:
                continue
        out.append(
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=target, range=_related_range(rel, text_lines)), message=rel.label
            )
        )
    return out


def _related_range(rel: Related, lines: list[str]) -> types.Range:
    return to_range(lines, rel.line, rel.column, rel.end_line, rel.end_column)


def to_diagnostic(
    finding: Finding,
    lines: list[str],
    uri: str = "",
    other_lines: Callable[[str], list[str] | None] | None = None,
) -> types.Diagnostic:
    data: dict[str, Any] | None = None
    if finding.fix is not None and finding.fix.edits:
        data = {"fix": finding.fix.to_json()}
    related = related_information(finding, uri, lines, other_lines or _read_lines) if finding.related else None
    return types.Diagnostic(
        range=to_range(lines, finding.line, finding.column, finding.end_line, finding.end_column),
        message=diagnostic_message(finding),
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Error),
        code=finding.code,
        code_description=types.CodeDescription(href=rule_url(finding.code)),
        source="tllint",
        related_information=related or None,
        data=data,
    )


def _read_lines(path: str) -> list[str] | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None


def config_error(lines: list[str], exc: ConfigError) -> types.Diagnostic:
    return types.Diagnostic(
        range=to_range(lines, 1, 1, 1, 1),
        message=f"tllint configuration error: {exc}",
        severity=types.DiagnosticSeverity.Error,
        code="TL000",
        source="tllint",
    )


def document_settings(uri: str):
    """The settings of the document's own folder (raises ConfigError)."""
    path = document_path(uri)
    return load_settings(start=path.parent if path else None)


def lint_findings(uri: str, text: str, settings, should_stop: Callable[[], bool] | None = None) -> list[Finding]:
    from tllint.linter import lint_text, new_project

    path = document_path(uri)
    # A fresh project per lint: the imported modules may have changed on disk since the last one.
    project = new_project(settings) if path else None
    return lint_text(text, str(path) if path else uri, settings, project=project, should_stop=should_stop)


def lint_document(uri: str, text: str, should_stop: Callable[[], bool] | None = None) -> list[types.Diagnostic]:
    """The diagnostics of one document's text (its folder's configuration applies)."""
    lines = text.splitlines()
    try:
        settings = document_settings(uri)
    except ConfigError as exc:
        return [config_error(lines, exc)]
    findings = lint_findings(uri, text, settings, should_stop)
    return [to_diagnostic(f, lines, uri) for f in findings]
