"""Output formats. Each module has `render(findings, context) -> str`."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from tllint.finding import Finding

FORMATS = ("text", "json", "sarif", "github", "junit")
DOCS_URL = "https://tllint.readthedocs.io/rules/{code}"


@dataclass
class Context:
    # Display paths of every file checked (JUnit reports passing files too).
    files: list[str] = field(default_factory=list)
    # Source text by display path, for --show-source and fingerprints.
    sources: dict[str, str] = field(default_factory=dict)
    color: bool = False
    show_source: bool = False
    cwd: Path = field(default_factory=Path.cwd)


def render(fmt: str, findings: list[Finding], context: Context) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    module = importlib.import_module(f"tllint.formats.{fmt}_format")
    return module.render(findings, context)


def location(finding: Finding) -> str:
    """`path:LINE:COL`, or `nb.ipynb:cell 3:LINE:COL` for a notebook cell."""
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    return f"{finding.path}:{cell}{finding.line}:{finding.column}"


def format_confirmation(finding: Finding) -> str:
    """`confirmed: pixels entering ...` (empty when confirm mode did not run)."""
    conf = finding.confirmation
    if not conf:
        return ""
    status = conf.get("status", "inconclusive")
    evidence = conf.get("evidence") or ""
    prefix = "confirmed at run time" if finding.source == "confirm" else status
    return f"{prefix}: {evidence}" if evidence else prefix


def message_with_confirmation(finding: Finding) -> str:
    """The message, plus what --confirm observed (`[confirmed: ...]`) once it ran."""
    if not finding.confirmation:
        return finding.message
    return f"{finding.message} [{format_confirmation(finding)}]"


def rule_url(code: str) -> str:
    return DOCS_URL.format(code=code)
