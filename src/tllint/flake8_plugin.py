"""flake8 plugin: `flake8 --select TL` runs tllint's rules.

flake8 applies `# noqa` itself, so only tllint's file-level `# tllint: noqa` is applied here.
flake8 does not read pyproject.toml, so `[tool.tllint]` (target-keras, select/ignore,
per-file-ignores) is read here from the file's folder upward.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from tllint import __version__

# TL001 judges noqa comments, which flake8 owns in this mode.
NOT_IN_FLAKE8 = frozenset({"TL001"})


def _settings_for(filename: str):
    from tllint.config import ConfigError, load_settings

    start = Path(filename).parent if filename not in ("-", "stdin") else Path.cwd()
    try:
        return load_settings(start=start), None
    except ConfigError as exc:
        return None, str(exc)


class TllintChecker:
    name = "tllint"
    version = __version__

    def __init__(self, tree, filename: str, lines: list[str]) -> None:
        # `tree` is unused (tllint parses with LibCST), but naming it keeps flake8 running the
        # plugin once per file rather than once per logical line.
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        from tllint.prefilter import might_involve_keras
        from tllint.noqa import file_is_skipped
        from tllint.linter import new_project, safe_analyze
        from tllint.selection import code_matches_any, enabled_codes, per_file_ignored

        text = "".join(self.lines)
        if file_is_skipped(text) or not might_involve_keras(text):
            return
        settings, error = _settings_for(self.filename)
        if settings is None:
            yield 1, 0, f"TL000 tllint configuration error: {error}", type(self)
            return
        enabled = enabled_codes(settings) - NOT_IN_FLAKE8
        ignored = per_file_ignored(settings, self.filename)
        rule_codes = enabled - {"TL000", "TL999"}
        # Local imports are followed; findings inside the imported modules belong to their own run.
        for finding in safe_analyze(text, self.filename, settings, rule_codes, new_project(settings)):
            if finding.path != self.filename or finding.code not in enabled or code_matches_any(finding.code, ignored):
                continue
            yield finding.line, max(finding.column - 1, 0), f"{finding.code} {finding.headline()}", type(self)
