"""Output formats. Each module has `render(findings, context) -> str`."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from tllint.finding import Finding, Related

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


def headline_with_confirmation(finding: Finding) -> str:
    """The title (the message when the rule gives none), plus what --confirm observed."""
    if not finding.confirmation:
        return finding.headline()
    return f"{finding.headline()} [{format_confirmation(finding)}]"


def related_location(finding: Finding, related: Related) -> str:
    """`path:LINE:COL` of a related place (`nb.ipynb:cell 3:LINE:COL` in a notebook)."""
    path = related.path if related.path is not None else finding.path
    cell = f"cell {related.cell}:" if related.cell is not None else ""
    return f"{path}:{cell}{related.line}:{related.column}"


def related_line(finding: Finding, related: Related) -> str:
    """`line 14: pixels loaded here`, `cell 2, line 3: ...`, `data.py line 5: ...` for one-line formats."""
    where = f"line {related.line}"
    if related.cell is not None:
        where = f"cell {related.cell}, {where}"
    if related.path is not None:
        where = f"{related.path} {where}"
    return f"{where}: {related.label}"


# `... accuracy stalls. Fix: replace X with Y.`: the message's own fix sentence (the rules write it last).
_FIX_SENTENCE = re.compile(r"(?<=[.!?])\s+Fix:\s+(?=\S)")


def explanation_and_help(finding: Finding) -> tuple[str, str]:
    """(explanation, help) under a titled finding's source: the message, and the fix in words.

    help is the autofix's description, else the message's closing `Fix: ...` sentence (then left
    out of the explanation); never made up. Without a title the headline is the message itself,
    so only an autofix's description is added.
    """
    help_text = finding.fix.description if finding.fix is not None else ""
    if not finding.title:
        return "", help_text
    explanation = finding.message
    if not help_text:
        matches = list(_FIX_SENTENCE.finditer(explanation))
        if matches:
            last = matches[-1]
            explanation, help_text = explanation[: last.start()], explanation[last.end():]
    return explanation.strip(), help_text.strip()


def rule_url(code: str) -> str:
    return DOCS_URL.format(code=code)
