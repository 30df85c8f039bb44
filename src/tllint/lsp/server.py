"""The language server: documents, debounced lints in a worker thread, the LSP features.

Latency: a didChange waits `debounceMs` (default 100 ms; the editor's `tllint.debounceMs`, else
`[tool.tllint] lsp-debounce-ms`) before its lint starts; open and save lint at once. Every lint,
hover and "fix all" runs in one worker thread (the engine is not shared between threads), so
the server keeps reading messages while it works. Each document has a generation counter: an
edit bumps it, and a lint whose generation is no longer current stops at its next check (before
it starts, between the files of a project) and its result is dropped: only the latest text's
diagnostics are published.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from tllint import __version__
from tllint.config import ConfigError
from tllint.lsp import actions
from tllint.lsp.convert import (
    char_column,
    document_path,
    document_settings,
    lint_document,
    set_position_encoding,
    to_range,
)

DEFAULT_DEBOUNCE_MS = 100
MAX_DEBOUNCE_MS = 10_000
# The engine recurses deeply on some code; a worker thread gets the stack the main thread has.
WORKER_STACK = 64 * 1024 * 1024
WARM_UP = "import keras\nbase = keras.applications.MobileNetV2(weights='imagenet')\nbase.trainable = False\n"
log = logging.getLogger(__name__)


def parse_debounce(value: Any) -> float | None:
    """Milliseconds from a setting: a number in 0..10000, else None (ignored)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not 0 <= value <= MAX_DEBOUNCE_MS:
        return None
    return float(value)


def debounce_from(options: Any) -> tuple[bool, float | None]:
    """(present, value) of `debounceMs` in initializationOptions or a `tllint` settings section;
    the value is None when it is not a number of milliseconds in range.

    Accepts `{"debounceMs": N}` and `{"tllint": {"debounceMs": N}}`."""
    if isinstance(options, dict) and isinstance(options.get("tllint"), dict):
        options = options["tllint"]
    if not isinstance(options, dict) or "debounceMs" not in options:
        return False, None
    return True, parse_debounce(_raw_debounce(options))


def _raw_debounce(options: Any) -> Any:
    if isinstance(options, dict) and isinstance(options.get("tllint"), dict):
        options = options["tllint"]
    return options.get("debounceMs") if isinstance(options, dict) else None


class TllintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("tllint", __version__)
        self.editor_debounce_ms: float | None = None
        self.generations: dict[str, int] = {}
        self.timers: dict[str, asyncio.TimerHandle] = {}
        # uri -> (version, diagnostics) of the last publish: code actions trust only current ones.
        self.results: dict[str, tuple[int | None, list[types.Diagnostic]]] = {}
        self.lazy_edits = False  # the client resolves code actions (codeAction/resolve)
        # Worker-thread caches, one text each: the script model hovers read, the "fix all" edits.
        self._hover_cache: tuple[tuple, Any] | None = None
        self._fix_all_cache: tuple[tuple, list] | None = None
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tllint-worker")
        try:
            previous = threading.stack_size(WORKER_STACK)
        except (ValueError, RuntimeError):
            previous = None
        try:
            self.worker.submit(lambda: None).result()  # its one thread starts now, with that stack
        finally:
            if previous is not None:
                threading.stack_size(previous)

    # ------------------------------------------------------------------ settings
    def set_debounce(self, options: Any, origin: str) -> None:
        present, value = debounce_from(options)
        if not present:
            return
        if value is None and _raw_debounce(options) is None:
            self.editor_debounce_ms = None  # unset: the project's or the default applies again
            return
        if value is None:
            self.log_to_client(f"tllint: ignoring {origin} debounceMs: expected a number of milliseconds (0..{MAX_DEBOUNCE_MS})")
            return
        self.editor_debounce_ms = value

    def debounce_s(self, uri: str) -> float:
        if self.editor_debounce_ms is not None:
            return self.editor_debounce_ms / 1000
        try:
            configured = getattr(document_settings(uri), "lsp_debounce_ms", None)
        except ConfigError:
            configured = None
        return (configured if configured is not None else DEFAULT_DEBOUNCE_MS) / 1000

    async def pull_configuration(self) -> None:
        workspace = getattr(self.client_capabilities, "workspace", None)
        if not getattr(workspace, "configuration", False):
            return
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="tllint")])
            )
        except Exception as exc:  # noqa: BLE001 - a client that cannot answer keeps the defaults
            log.info("workspace/configuration failed: %s", exc)
            return
        if result:
            self.set_debounce(result[0], "workspace configuration")

    def log_to_client(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    # ------------------------------------------------------------------ linting
    def is_current(self, uri: str, generation: int) -> Callable[[], bool]:
        return lambda: self.generations.get(uri) == generation

    def request_lint(self, uri: str, delay_s: float) -> None:
        """Lint the document after `delay_s`; any earlier request for it is cancelled."""
        generation = self.generations[uri] = self.generations.get(uri, 0) + 1
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        if delay_s <= 0:
            self.start_lint(uri, generation)
        else:
            self.timers[uri] = asyncio.get_running_loop().call_later(delay_s, self.start_lint, uri, generation)

    def start_lint(self, uri: str, generation: int) -> None:
        self.timers.pop(uri, None)
        if self.generations.get(uri) != generation:
            return
        try:
            document = self.workspace.get_text_document(uri)
            text, version = document.source, document.version
        except Exception as exc:  # noqa: BLE001
            log.exception("cannot read %s", uri)
            self.log_to_client(f"tllint: {exc}", types.MessageType.Error)
            return
        asyncio.ensure_future(self.lint_and_publish(uri, generation, text, version))

    async def lint_and_publish(self, uri: str, generation: int, text: str, version: int | None) -> None:
        current = self.is_current(uri, generation)

        def job():
            return lint_document(uri, text, should_stop=lambda: not current()) if current() else None

        try:
            diagnostics = await asyncio.get_running_loop().run_in_executor(self.worker, job)
        except Exception as exc:  # noqa: BLE001 - a crash must not take the editor's server down
            log.exception("tllint failed on %s", uri)
            self.log_to_client(f"tllint: {exc}", types.MessageType.Error)
            return
        if diagnostics is None or not current():
            return  # a newer edit came in: its own lint publishes
        self.results[uri] = (version, diagnostics)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def forget(self, uri: str) -> None:
        self.generations[uri] = self.generations.get(uri, 0) + 1
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.results.pop(uri, None)

    async def in_worker(self, job: Callable[[], Any]) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.worker, job)

    def published_for(self, uri: str, version: int | None) -> list[types.Diagnostic] | None:
        found = self.results.get(uri)
        return found[1] if found is not None and found[0] == version else None

    # ------------------------------------------------------------------ code actions and hover
    def fix_all_job(self, uri: str, text: str) -> Callable[[], list]:
        def job() -> list:
            from tllint.linter import Linter, new_project

            key = (uri, len(text), hash(text))
            if self._fix_all_cache is not None and self._fix_all_cache[0] == key:
                return self._fix_all_cache[1]  # the editor asks again for the same text
            try:
                settings = document_settings(uri)
            except ConfigError:
                return []
            path = document_path(uri)
            display = str(path) if path else uri
            linter = Linter(settings, None, new_project(settings) if path else None)
            edits = actions.fix_all_edits(text, lambda t: linter.lint_text(t, display, path=path))
            self._fix_all_cache = (key, edits)
            return edits

        return job

    def hover_job(self, uri: str, text: str, version: int | None, line: int, column0: int) -> Callable[[], Any]:
        def job():
            from tllint.linter import new_project
            from tllint.lsp.hover import build_script, hover_at_script
            from tllint.prefilter import might_involve_keras

            key = (uri, version, len(text), hash(text))
            if self._hover_cache is not None and self._hover_cache[0] == key:
                script = self._hover_cache[1]
            else:
                if not might_involve_keras(text):
                    return None
                try:
                    settings = document_settings(uri)
                except ConfigError:
                    return None
                path = document_path(uri)
                display = str(path) if path else uri
                project = new_project(settings) if path else None
                if project is not None and path.suffix == ".py" and path.is_file():
                    project.register(path, display)
                script = build_script(text, display, settings, project)
                self._hover_cache = (key, script)
            return hover_at_script(script, line, column0) if script is not None else None

        return job


def create_server() -> TllintServer:
    server = TllintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: TllintServer, params: types.InitializeParams) -> None:
        set_position_encoding(ls.workspace.position_encoding)
        ls.set_debounce(params.initialization_options, "initializationOptions")
        text_document = getattr(params.capabilities, "text_document", None)
        support = getattr(getattr(text_document, "code_action", None), "resolve_support", None)
        ls.lazy_edits = "edit" in (getattr(support, "properties", None) or [])

    @server.feature(types.INITIALIZED)
    async def initialized(ls: TllintServer, params: types.InitializedParams) -> None:
        # Import the rules and the engine now rather than on the first keystroke (~0.5 s).
        ls.worker.submit(_warm_up)
        await ls.pull_configuration()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: TllintServer, params: types.DidChangeConfigurationParams) -> None:
        present, _ = debounce_from(params.settings)
        if present:
            ls.set_debounce(params.settings, "workspace configuration")
        else:
            await ls.pull_configuration()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: TllintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.request_lint(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: TllintServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.request_lint(uri, ls.debounce_s(uri))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: TllintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.request_lint(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TllintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    register_code_actions(server)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: TllintServer, params: types.HoverParams) -> types.Hover | None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        lines = document.lines
        if params.position.line >= len(lines):
            return None
        column0 = char_column(lines[params.position.line], params.position.character)
        job = ls.hover_job(document.uri, document.source, document.version, params.position.line + 1, column0)
        found = await ls.in_worker(job)
        if found is None:
            return None
        markdown, (start, end) = found
        text_lines = document.source.splitlines()
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
            range=to_range(text_lines, start[0], start[1] + 1, end[0], end[1] + 1),
        )

    return server


def register_code_actions(server: TllintServer) -> None:
    kinds = [types.CodeActionKind.QuickFix, actions.FIX_ALL_KIND]

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=kinds, resolve_provider=True),
    )
    async def code_action(ls: TllintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        document = ls.workspace.get_text_document(uri)
        text, only = document.source, params.context.only
        published = ls.published_for(uri, document.version)
        if published is None:
            return []  # positions of an older text: the next publish brings current ones
        out: list[types.CodeAction] = []
        quick = actions.wanted(only, types.CodeActionKind.QuickFix)
        if quick:
            out.extend(actions.quick_fixes(uri, text, params.context.diagnostics))
        fix_all = [k for k in (types.CodeActionKind.QuickFix, actions.FIX_ALL_KIND) if actions.wanted(only, k)]
        if fix_all and actions.safe_fix_count(published):
            edits = None if ls.lazy_edits else await ls.in_worker(ls.fix_all_job(uri, text))
            if edits is None or edits:
                out.extend(actions.fix_all_action(uri, kind, edits, text, document.version) for kind in fix_all)
        if quick:
            out.extend(actions.noqa_actions(uri, text, params.context.diagnostics))
        return out

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(ls: TllintServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("fixAll")
        if not isinstance(uri, str) or action.edit is not None:
            return action
        document = ls.workspace.get_text_document(uri)
        text = document.source
        edits = await ls.in_worker(ls.fix_all_job(uri, text))
        action.edit = types.WorkspaceEdit(changes={uri: actions.text_edits(text, edits)})
        return action


def _warm_up() -> None:
    try:
        from tllint.linter import lint_text

        lint_text(WARM_UP, "<warm-up>.py")
    except Exception:  # noqa: BLE001 - only a head start
        log.debug("warm-up failed", exc_info=True)
    # What is loaded now lives as long as the server: keep it out of the garbage collector's
    # full collections, which otherwise walk it during lints (the slowest edits: 370 ms -> 180 ms).
    gc.collect()
    gc.freeze()


def serve() -> None:
    create_server().start_io()


__all__ = ["TllintServer", "create_server", "serve"]
