"""Linting a run's targets: in order here, or through `tllint.parallel` (pipeline layer)."""

from __future__ import annotations

from typing import Iterable

from tllint.discovery import Target
from tllint.finding import Finding
from tllint.linter import Linter, RunResult, context_targets, new_project
from tllint.settings import Settings


def lint_paths(
    targets: Iterable[Target], settings: Settings, *, enabled: set[str] | None = None, project=None, options=None
) -> RunResult:
    """Lint every target; the findings come back sorted by path, cell, line, column.

    `options` (a `tllint.parallel.Options`: jobs, cache, per-file time budget) runs the same lint
    through `tllint.parallel`, with the same result; None lints here, in order, uncached.
    """
    if options is not None:
        from tllint.parallel import run

        return run(targets, settings, options, enabled=enabled, project=project)
    targets = list(targets)
    if project is None:
        project = new_project(settings)
    project = project or None  # False: no cross-file context
    for target in targets if project is not None else ():
        project.register(target.path, target.display)
    linter = Linter(settings, enabled, project)
    result = RunResult()
    for target in targets:
        linter.lint_target(target, result)
    if project is not None:
        # Entry points that import a linted module: their findings in the linted files only.
        shown = {t.display for t in targets}
        for target in context_targets(targets, settings, project):
            context = RunResult()
            linter.lint_target(target, context)
            result.findings.extend(f for f in context.findings if f.path in shown)
    if project is not None:
        # Once per finding across files; a module's own analysis yields to its importers'.
        result.findings = project.finalize(result.findings)
        for display, source in project.sources(result.findings).items():
            result.sources.setdefault(display, source)
    result.findings.sort(key=Finding.sort_key)
    return result
