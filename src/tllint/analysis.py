"""Analyse one source text: parse, build the script model, run the rules.

This is the single entry point that the CLI, the flake8 plugin, the language server and the
notebook reader share. It never raises: unreadable input becomes TL000, a crash TL999.
"""

from __future__ import annotations

import re
import traceback
from typing import Iterable

import libcst as cst

from tllint.finding import Finding
from tllint.fixes import attach_fix
from tllint.rules import Report, registry, rule_classes
from tllint.settings import Settings

# Names whose presence makes a file worth parsing. A file without any of them cannot involve
# Keras (local imports of such files are followed from the files that do).
_KERAS_HINT = re.compile(
    rb"keras|tensorflow|tf_keras|tensorflow_hub|keras_hub|keras_cv|\btf\b|applications|\.fit\(|\.compile\(|trainable"
)


# Literal pre-checks: `in` (memchr-fast) before the regexes, which scan big files slowly.
_KERAS_WORDS = ("keras", "tensorflow", "applications", ".fit(", ".compile(", "trainable")
_KERAS_WORDS_B = tuple(w.encode() for w in _KERAS_WORDS)
_FINDING_WORDS = ("compile", "fit", "train_on_batch", "evaluate", "predict", "trainable", "applications", "hub",
                  "keras_cv", "keras_nlp", "from_preset", "GradientTape", "apply_gradients", "noqa", "tllint")
_FINDING_WORDS_B = tuple(w.encode() for w in _FINDING_WORDS)


def might_involve_keras(source: str | bytes) -> bool:
    words = _KERAS_WORDS if isinstance(source, str) else _KERAS_WORDS_B
    if any(word in source for word in words):
        return True
    if ("tf" if isinstance(source, str) else b"tf") not in source:
        return False
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    return _KERAS_HINT.search(data) is not None


# Second pre-filter, for files that do mention Keras. Every rule needs an event of the file's
# own program: a compile or training step, a trainable flag, a custom training loop, or a
# backbone (keras.applications, TF-Hub, keras_hub/keras_cv/keras_nlp presets). Without any of
# these names, and without local imports that could bring them in (may_import_locally),
# parsing cannot lead to a finding; Python's own parser still checks the syntax (TL000). Library code (most of the keras package itself) stops here.
_FINDING_HINT = re.compile(
    rb"\.\s*(?:compile|fit|fit_generator|train_on_batch|evaluate|predict)\s*\(|trainable|applications|\bhub\b"
    rb"|keras_hub|keras_cv|keras_nlp|from_preset|GradientTape|apply_gradients|noqa\s*:\s*TL|tllint"
)


def might_have_findings(source: str | bytes) -> bool:
    words = _FINDING_WORDS if isinstance(source, str) else _FINDING_WORDS_B
    if not any(word in source for word in words):
        return False
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    return _FINDING_HINT.search(data) is not None


def may_import_locally(source: str, path: str, settings: Settings, project=None) -> bool:
    """Whether the file may import a module found beside it or under the project root.

    A text without a file on disk (stdin, an unsaved editor buffer) cannot be resolved: yes.
    """
    from pathlib import Path

    from tllint.cache import Dependencies

    file = Path(path)
    try:
        if not file.is_file():
            return True
        deps = None
        if project is not None:  # memoised for the run
            deps = project.__dict__.setdefault("_tllint_dependencies", Dependencies(settings.project_root))
        deps = deps or Dependencies(settings.project_root)
        return bool(deps.direct(file, source.encode("utf-8", "surrogatepass")))
    except Exception:  # noqa: BLE001 - when unsure, analyse
        return True


def python_parses(source: str) -> bool:
    """Python's own parser (C, ~10x faster than LibCST) accepts the text: no TL000 is being missed."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # `x is 1`, "\d": Python's warnings are not ours to print
            ast.parse(source)
    except Exception:  # noqa: BLE001 - SyntaxError, ValueError (NUL), RecursionError, MemoryError
        return False
    return True


def tool_finding(code: str, message: str, path: str, line: int = 1, column: int = 1) -> Finding:
    info = registry()[code]
    return Finding(
        code=code,
        name=info.name,
        severity=info.severity,
        message=message,
        path=path,
        line=max(line, 1),
        column=max(column, 1),
        end_line=max(line, 1),
        end_column=max(column, 1),
    )


def parse_error_finding(exc: cst.ParserSyntaxError, path: str) -> Finding:
    message = exc.message.strip().rstrip(".") if getattr(exc, "message", None) else str(exc).splitlines()[0]
    line, column = exc.raw_line, exc.raw_column + 1
    # The native parser's own "error at L:C" is exact where raw_line/raw_column can be a line late.
    where = re.search(r"error at (\d+):(\d+):\s*", message)
    if where:
        line, column = int(where.group(1)), int(where.group(2))
        message = message[where.end():] or message
    message = message.removeprefix("parser error: ")
    return tool_finding("TL000", f"cannot parse: {message}", path, line, column)


def python_syntax_error(source: str, path: str) -> Finding | None:
    """CPython's own message and position, clearer than the parser's token list."""
    try:
        compile(source, path, "exec", dont_inherit=True, flags=0x400)  # PyCF_ONLY_AST
    except SyntaxError as exc:
        return tool_finding("TL000", f"cannot parse: {exc.msg}", path, exc.lineno or 1, exc.offset or 1)
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


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
        if sliced is not source:
            module = cst.parse_module(sliced)
        else:
            # A project parses each file once per run, whether linted or imported (tllint.project).
            module = project.parse_source(source, path) if project is not None else cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return [python_syntax_error(source, path) or parse_error_finding(exc, path)]
    except RecursionError:
        return [tool_finding("TL000", "cannot parse: expression nested too deeply", path)]
    except Exception as exc:  # noqa: BLE001 - libcst raises assorted errors on hostile input
        return [tool_finding("TL000", f"cannot parse: {type(exc).__name__}: {exc}".splitlines()[0], path)]
    return analyze_module(module, source, path, settings, enabled=enabled, project=project)


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
