"""Linting one file or text with a run's settings: selection, per-file-ignores, noqa, notebooks
and the cross-file project (pipeline layer).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from tllint.analysis import analyze_source
from tllint.discovery import Target
from tllint.finding import Finding
from tllint.noqa import apply_noqa, file_is_skipped
from tllint.prefilter import might_involve_keras, reaches_keras_locally
from tllint.reading import Unreadable, read_source
from tllint.rule_base import TOOL_CODE_SET, tool_finding
from tllint.selection import code_matches_any, enabled_codes, per_file_ignored
from tllint.settings import Settings


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    # One message per file that could not be read or decoded (each is also a TL000 finding).
    errors: list[str] = field(default_factory=list)
    # Display paths of the files that could not be read or decoded.
    unreadable: set[str] = field(default_factory=set)
    # Display paths of every file checked, in order (JUnit lists passing files too).
    files: list[str] = field(default_factory=list)
    # Text of files with findings: --show-source and baseline fingerprints need their lines.
    sources: dict[str, str] = field(default_factory=dict)


def _notebook_linter() -> Callable | None:
    # The notebook reader is optional and lands separately; without it notebooks are skipped.
    try:
        module = importlib.import_module("tllint.notebook")
    except ImportError:
        return None
    return getattr(module, "lint_notebook", None)


def safe_analyze(text: str, display: str, settings: Settings, codes: set[str], project=None) -> list[Finding]:
    # analyze_source never raises by contract; this guard keeps a broken install (an engine
    # module failing to import) a TL999 finding per file rather than a traceback.
    try:
        return analyze_source(text, display, settings, enabled=codes, project=project)
    except Exception as exc:  # noqa: BLE001
        hint = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        return [tool_finding("TL999", f"internal error while analysing this file ({hint}); please report it", display)]


class Linter:
    """One run's shared state: settings and the enabled codes, computed once."""

    def __init__(self, settings: Settings, enabled: set[str] | None = None, project=None) -> None:
        self.settings = settings
        # Cross-file context for local imports (the engine's project object); None: files alone.
        self.project = project
        self.enabled = enabled if enabled is not None else enabled_codes(settings)
        self.rule_codes = self.enabled - TOOL_CODE_SET
        self._notebook: Callable | None | bool = False

    def keep(self, finding: Finding, ignored: tuple[str, ...]) -> bool:
        return finding.code in self.enabled and not code_matches_any(finding.code, ignored)

    def lint_text(self, text: str, display: str, *, path: Path | str | None = None, project=None) -> list[Finding]:
        """Findings for one Python text, with selection, per-file-ignores and noqa applied."""
        if file_is_skipped(text):
            return []
        if not might_involve_keras(text) and (path is None or not reaches_keras_locally(text, str(path), self.settings, project or self.project)):
            return []
        ignored = per_file_ignored(self.settings, path if path is not None else display)
        project = project or self.project
        findings = safe_analyze(text, display, self.settings, self.rule_codes, project)
        foreign: list[Finding] = []
        if project is not None:
            # Findings at statements of imported modules: their own file's noqa and ignores (tllint.project).
            findings, foreign = project.split_foreign(display, findings, self.settings, self.keep)
        findings = apply_noqa(findings, text, report_unused="TL001" in self.enabled, path=display)
        findings = [f for f in findings if self.keep(f, ignored)] + foreign
        findings.sort(key=Finding.sort_key)
        return findings

    def lint_target(self, target: Target, result: RunResult) -> None:
        if target.is_notebook and self.notebook_linter() is None:
            return
        result.files_checked += 1
        result.files.append(target.display)
        ignored = per_file_ignored(self.settings, target.path)
        try:
            text = read_source(target.path)
        except Unreadable as exc:
            result.errors.append(f"{target.display}: {exc}")
            result.unreadable.add(target.display)
            finding = tool_finding("TL000", str(exc), target.display, exc.line, exc.column)
            if self.keep(finding, ignored):
                result.findings.append(finding)
            return
        if target.is_notebook:
            findings = self._lint_notebook(target, text)
            findings = [f for f in findings if self.keep(f, ignored)]
        else:
            findings = self.lint_text(text, target.display, path=target.path)
        if findings:
            result.sources[target.display] = text
            result.findings.extend(findings)

    def notebook_linter(self) -> Callable | None:
        if self._notebook is False:
            self._notebook = _notebook_linter()
        return self._notebook  # type: ignore[return-value]

    def _lint_notebook(self, target: Target, text: str) -> list[Finding]:
        lint_notebook = self.notebook_linter()
        if lint_notebook is None:
            return []
        try:
            # The run's project, where the reader takes one (tllint.notebook does: local imports).
            extra = {"project": self.project} if self.project is not None and getattr(lint_notebook, "accepts_project", False) else {}
            return list(lint_notebook(target.display, text, self.settings, set(self.enabled), **extra))
        except Exception as exc:  # noqa: BLE001 - one notebook must never stop the run
            hint = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
            message = f"internal error while reading this notebook ({hint}); please report it"
            return [tool_finding("TL999", message, target.display)]


# Entry points looked for when a run names modules of a project but not the scripts that use them.
_PROJECT_FILES_LIMIT = 3000
_TARGETS_LIMIT = 200


# A module that trains sees its own training data; one that only builds models or pipelines
# (Keras words, no training step) is the one judged wrongly without the scripts that use it.
_TRAINS = re.compile(rb"\.\s*(?:fit|fit_generator|train_on_batch)\s*\(|apply_gradients|GradientTape")


def _needs_context(path: Path) -> bool:
    try:
        if not path.is_file():  # never open a FIFO or a device: reading it would block
            return False
        data = path.read_bytes()
    except OSError:
        return False
    return might_involve_keras(data) and _TRAINS.search(data) is None


def context_targets(targets: Iterable[Target], settings: Settings, project, cwd: Path | None = None) -> list[Target]:
    """The project's files that import a linted module and are not linted themselves.

    Pre-commit and editors lint one file at a time: a `model.py` that only builds and compiles the
    model sees no data, while `train.py`, which imports it, does. The run lints these entry points
    as context (tllint.project: their findings in the linted modules count, and a module's own
    analysis yields to theirs for the lines they ran); their findings elsewhere are not reported.
    """
    from tllint.discovery import project_files
    from tllint.local_imports import Dependencies, importers

    targets = list(targets)
    modules = [t.path for t in targets if t.path.suffix == ".py" and _needs_context(t.path)]
    if project is None or not hasattr(project, "root_of") or not modules or len(targets) > _TARGETS_LIMIT:
        return []
    cwd = cwd or Path.cwd()
    deps = Dependencies(settings.project_root)
    linted = {deps.real(t.path) for t in targets}
    roots = {project.root_of(deps.real(path)) for path in modules}
    candidates: list[Target] = []
    for root in sorted(roots):
        files = project_files(root, settings, cwd, _PROJECT_FILES_LIMIT)
        if files is None:
            continue  # too large a tree to scan on every run: the modules stay on their own
        candidates.extend(t for t in files if deps.real(t.path) not in linted)
    by_real = {deps.real(t.path): t for t in candidates}
    found = importers(modules, [t.path for t in candidates], deps)
    return [by_real[path] for path in found if path in by_real]


def new_project(settings: Settings, targets: Iterable[Target] = ()):
    """One run's cross-file context (tllint.project), or None where that module is absent."""
    try:
        module = importlib.import_module("tllint.project")
    except ImportError:
        return None
    project = module.Project(settings.project_root)
    for target in targets:
        project.register(target.path, target.display)
    return project


def lint_text(
    text: str, display_path: str, settings: Settings | None = None, *, enabled: set[str] | None = None, project=None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Finding]:
    """Findings for one text (stdin, the language server, the flake8 plugin).

    `project` (e.g. `new_project(settings)`) follows the file's local imports; findings in those
    modules are left out, as only this text is being reported on. `should_stop` (the language
    server: a newer edit arrived) is asked between the files linted; once it says True the
    result is incomplete and meant to be dropped.
    """
    settings = settings or Settings()
    linter = Linter(settings, enabled, project)
    path = Path(display_path)
    if project is not None and path.suffix == ".py" and path.is_file():
        project.register(path, display_path)
    findings = linter.lint_text(text, display_path)
    if project is not None and path.suffix == ".py" and path.is_file():
        # The project's entry points that import this module (an editor lints one file at a time).
        for target in context_targets([Target(path, display_path)], settings, project):
            if should_stop is not None and should_stop():
                return []
            context = RunResult()
            linter.lint_target(target, context)
            findings.extend(f for f in context.findings if f.path == display_path)
        findings = project.finalize(findings)
    return [f for f in findings if f.path == display_path]
