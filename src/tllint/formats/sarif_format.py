"""SARIF 2.1.0 for code scanning (GitHub upload-sarif and other viewers)."""

from __future__ import annotations

import json
from pathlib import Path

from tllint import __version__
from tllint.baseline import fingerprints
from tllint.finding import Finding
from tllint.formats import Context, rule_url
from tllint.rule_docs import rule_page
from tllint.rules import registry

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
INFORMATION_URI = "https://tllint.readthedocs.io"


def rule_descriptor(info) -> dict:
    page = rule_page(info.code)
    summary = info.summary or info.name
    descriptor = {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": summary},
        "helpUri": rule_url(info.code),
        "help": {"text": page or summary, **({"markdown": page} if page else {})},
        "defaultConfiguration": {"level": LEVELS.get(info.severity, "error")},
        "properties": {"severity": info.severity},
    }
    return descriptor


def artifact_uri(path: str, cwd: Path) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            return p.relative_to(cwd).as_posix()
        except ValueError:
            return p.as_uri()
    return p.as_posix()


def result(finding: Finding, index: int, fingerprint: str, cwd: Path) -> dict:
    end_line = max(finding.end_line, finding.line)
    end_column = finding.end_column
    if end_line == finding.line:
        end_column = max(end_column, finding.column + 1)
    region = {
        "startLine": finding.line,
        "startColumn": finding.column,
        "endLine": end_line,
        "endColumn": max(end_column, 1),
    }
    out = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": LEVELS.get(finding.severity, "error"),
        "message": {"text": finding.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(finding.path, cwd)}, "region": region}}
        ],
        "partialFingerprints": {"tllint/v1": fingerprint},
    }
    properties = {}
    if finding.cell is not None:
        properties["cell"] = finding.cell
    if finding.keras:
        properties["keras"] = finding.keras
    if finding.confirmation:
        properties["confirmation"] = finding.confirmation
    if finding.source != "static":
        properties["source"] = finding.source
    if properties:
        out["properties"] = properties
    return out


def render(findings: list[Finding], context: Context) -> str:
    infos = registry()
    codes = list(infos)
    for f in findings:
        if f.code not in infos:  # pragma: no cover - every finding's code is registered
            codes.append(f.code)
    index = {code: i for i, code in enumerate(codes)}
    rules = [rule_descriptor(infos[code]) for code in codes if code in infos]
    prints = fingerprints(findings, context.sources, context.cwd)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tllint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "results": [result(f, index[f.code], fp, context.cwd) for f, fp in zip(findings, prints)],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
