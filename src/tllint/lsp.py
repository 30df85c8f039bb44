"""`tllint server`: a language server over stdio (pygls), imported only by that subcommand.

Diagnostics on open and save, and ~300 ms after the last change; a quick fix for each finding
that carries a Fix. The configuration is resolved from each document's own folder.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from tllint import __version__
from tllint.config import ConfigError, load_settings
from tllint.finding import Edit, Finding
from tllint.formats import rule_url

DEBOUNCE_S = 0.3
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
log = logging.getLogger(__name__)


def utf16_column(line_text: str, column0: int) -> int:
    """LSP counts UTF-16 code units; tllint counts characters."""
    prefix = line_text[:column0]
    return column0 + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def position(lines: list[str], line: int, column: int) -> types.Position:
    line0 = max(line - 1, 0)
    text = lines[line0] if line0 < len(lines) else ""
    return types.Position(line=line0, character=utf16_column(text, max(column - 1, 0)))


def to_range(lines: list[str], line: int, column: int, end_line: int, end_column: int) -> types.Range:
    start = position(lines, line, column)
    end = position(lines, end_line, end_column)
    if (end.line, end.character) <= (start.line, start.character):
        end = types.Position(line=start.line, character=start.character + 1)
    return types.Range(start=start, end=end)


def to_diagnostic(finding: Finding, lines: list[str]) -> types.Diagnostic:
    data = None
    if finding.fix is not None and finding.fix.edits:
        data = {"fix": finding.fix.to_json()}
    return types.Diagnostic(
        range=to_range(lines, finding.line, finding.column, finding.end_line, finding.end_column),
        message=finding.message,
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Error),
        code=finding.code,
        code_description=types.CodeDescription(href=rule_url(finding.code)),
        source="tllint",
        data=data,
    )


def document_path(uri: str) -> Path | None:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


def lint_document(uri: str, text: str) -> list[types.Diagnostic]:
    from tllint.linter import lint_text, new_project

    path = document_path(uri)
    lines = text.splitlines()
    try:
        settings = load_settings(start=path.parent if path else None)
    except ConfigError as exc:
        return [
            types.Diagnostic(
                range=to_range(lines, 1, 1, 1, 1),
                message=f"tllint configuration error: {exc}",
                severity=types.DiagnosticSeverity.Error,
                code="TL000",
                source="tllint",
            )
        ]
    # A fresh project per lint: the imported modules may have changed on disk since the last one.
    project = new_project(settings) if path else None
    findings = lint_text(text, str(path) if path else uri, settings, project=project)
    return [to_diagnostic(f, lines) for f in findings]


def quick_fixes(uri: str, text: str, diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
    lines = text.splitlines()
    actions = []
    for diagnostic in diagnostics:
        fix = (diagnostic.data or {}).get("fix") if isinstance(diagnostic.data, dict) else None
        if not fix or diagnostic.source != "tllint":
            continue
        edits = [Edit(**e) for e in fix["edits"]]
        text_edits = [
            types.TextEdit(
                range=types.Range(
                    start=position(lines, e.line, e.column), end=position(lines, e.end_line, e.end_column)
                ),
                new_text=e.text,
            )
            for e in edits
        ]
        actions.append(
            types.CodeAction(
                title=f"{diagnostic.code}: {fix['description']}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=fix.get("applicability") == "safe",
                edit=types.WorkspaceEdit(changes={uri: text_edits}),
            )
        )
    return actions


class TllintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("tllint", __version__)
        self.pending: dict[str, asyncio.TimerHandle] = {}

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        try:
            document = self.workspace.get_text_document(uri)
            diagnostics = lint_document(uri, document.source)
        except Exception as exc:  # noqa: BLE001 - a crash must not take the editor's server down
            log.exception("tllint failed on %s", uri)
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=f"tllint: {exc}"))
            return
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version)
        )

    def schedule(self, uri: str) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(DEBOUNCE_S, self.publish, uri)


def create_server() -> TllintServer:
    server = TllintServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: TllintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: TllintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: TllintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: TllintServer, params: types.DidCloseTextDocumentParams) -> None:
        handle = ls.pending.pop(params.text_document.uri, None)
        if handle is not None:
            handle.cancel()
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(ls: TllintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        document = ls.workspace.get_text_document(params.text_document.uri)
        return quick_fixes(params.text_document.uri, document.source, params.context.diagnostics)

    return server


def serve() -> None:
    create_server().start_io()
