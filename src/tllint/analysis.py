"""Analyse one source text: parse, build the script model, run the rules.

This is the single entry point that the CLI, the flake8 plugin, the language server and the
notebook reader share. It never raises: unreadable input becomes TL000, a crash TL999.
"""

from __future__ import annotations

import traceback
from typing import Iterable

import libcst as cst

from tllint.finding import Finding
from tllint.fixes import attach_fix
from tllint.parse import LIBCST_GAP, parse_error_finding, position_map, python_parses, python_syntax_error
from tllint.prefilter import may_import_locally, might_have_findings
from tllint.rule_base import tool_finding
from tllint.rules import Report, rule_classes
from tllint.settings import Settings

def enabled_rules(enabled: set[str] | None) -> list:
    out = []
    for cls in rule_classes():
        if enabled is None:
            if cls.default_enabled:
                out.append(cls)
        elif cls.code in enabled:
            out.append(cls)
    return out


def analyze_source(
    source: str,
    path: str,
    settings: Settings | None = None,
    *,
    enabled: set[str] | None = None,
    project=None,
) -> list[Finding]:
    """Findings for one Python source text, unfiltered by noqa (the runner applies it).

    `enabled` restricts which rules run (None: the default-enabled ones). `project` is the
    cross-file context (local imports); None analyses the file alone.
    """
    settings = settings or Settings()
    if not might_have_findings(source) and not may_import_locally(source, path, settings, project) and python_parses(source):
        return []  # no rule can report anything here (see might_have_findings); parsing is the cost
    from tllint.hostile import nesting_problem

    problem = nesting_problem(source)  # LibCST's native parser would overflow the C stack
    if problem is not None:
        return [tool_finding("TL000", problem, path)]
    from tllint.slicing import slice_source

    try:
        # Big files: definitions no rule can look at are blanked first, lines and columns kept
        # (tllint.slicing). A sliced module is not shared: importers need the whole module.
        sliced = slice_source(source)
        parsed_text = sliced
        if sliced is not source:
            module = cst.parse_module(sliced)
        else:
            # A project parses each file once per run, whether linted or imported (tllint.project).
            module = project.parse_source(source, path) if project is not None else cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        module, blanked = _without_ipython(source)
        if module is None:
            # With IPython lines blanked, the error left is the real one (lines are kept).
            return [python_syntax_error(blanked, path) or parse_error_finding(exc, path, blanked)]
        source = parsed_text = blanked
    except RecursionError:
        return [tool_finding("TL000", "cannot parse: expression nested too deeply", path)]
    except Exception as exc:  # noqa: BLE001 - libcst raises assorted errors on hostile input
        why = f"{type(exc).__name__}: {exc}".splitlines()[0]
        return [tool_finding("TL000", f"{LIBCST_GAP} ({why})" if python_parses(source) else f"cannot parse: {why}", path)]
    moved = position_map(module, parsed_text)
    if moved is None:
        return analyze_module(module, source, path, settings, enabled=enabled, project=project)
    # LibCST dropped a `\`-only line or a form feed (tllint.parse.PositionMap): analyse its text,
    # report at the file's own positions, and offer no fix (its edits would be for the other text).
    findings = analyze_module(module, module.code, path, settings, enabled=enabled, project=project, fixes=False)
    for finding in findings:
        if finding.path == path:
            finding.line, finding.column = moved.map(finding.line, finding.column)
            finding.end_line, finding.end_column = moved.map(finding.end_line, finding.end_column)
    return findings


def _without_ipython(source: str) -> tuple[cst.Module | None, str]:
    """A Colab or Jupyter "download as .py" export: `!pip install ...`, `%matplotlib inline`,
    `model?` lines blanked (an indented one becomes `pass`), as in notebook cells, so that every
    other line keeps its number and columns. (None, blanked text) when it still does not parse."""
    from tllint.notebook_cells import blank_ipython

    blanked = blank_ipython(source)
    if blanked == source:
        return None, source
    try:
        return cst.parse_module(blanked), blanked
    except Exception:  # noqa: BLE001 - still not Python
        return None, blanked


def analyze_module(
    module: cst.Module,
    source: str,
    path: str,
    settings: Settings,
    *,
    enabled: set[str] | None = None,
    project=None,
    fixes: bool = True,
) -> list[Finding]:
    from tllint.engine.script import build_script_model

    try:
        script = build_script_model(module, source, path, settings, project=project)
        findings: list[Finding] = []
        seen: set[tuple] = set()
        for cls in enabled_rules(enabled):
            for report in cls().check(script) or ():
                finding = script.to_finding(cls, report)
                # Fixes edit this text: none for a finding in an imported module (tllint.project)
                # or where the caller maps positions itself (notebook cells: fixes=False).
                if fixes and finding.path == path:
                    attach_fix(script, report, finding)
                key = (finding.path, finding.code, finding.line, finding.column, finding.message)
                if key not in seen:
                    seen.add(key)
                    findings.append(finding)
        findings.sort(key=Finding.sort_key)
        return findings
    except RecursionError:
        from tllint.hostile import deeply_nested

        if deeply_nested(source, module):
            # Valid but deeply nested code (thousands of chained operators): not an engine crash.
            return [tool_finding("TL000", "cannot analyse: code nested too deeply (Python's recursion limit reached)", path)]
        # Ordinary code: the engine recursed without end, a bug to report.
        return [tool_finding("TL999", "internal error: endless recursion while analysing this file; please report it", path)]
    except Exception as exc:  # noqa: BLE001 - one file must never stop the run
        where = traceback.extract_tb(exc.__traceback__)[-1]
        hint = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        return [
            tool_finding(
                "TL999",
                f"internal error while analysing this file ({hint} at {where.filename.rsplit('/', 1)[-1]}:{where.lineno}); please report it",
                path,
            )
        ]


def iter_reports(script, rules: Iterable) -> Iterable[tuple[type, Report]]:
    for cls in rules:
        for report in cls().check(script) or ():
            yield cls, report
