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
# Rules whose related places form a path: pixels loader -> transforms -> backbone (TL1xx) and the
# freeze -> compile -> fit timeline (TL2xx); their results get a codeFlows entry.
FLOW_PREFIXES = ("TL1", "TL2")


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


def region_of(line: int, column: int, end_line: int, end_column: int) -> dict:
    """A SARIF region (1-based; the end column is the one after the span) that is never empty."""
    end_line = max(end_line, line)
    if end_line == line:
        end_column = max(end_column, column + 1)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": max(end_column, 1)}


def physical(uri: str, region: dict) -> dict:
    return {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}


def link_text(label: str) -> str:
    """A label as the text of an embedded link `[text](id)` (SARIF 3.11.6 escapes brackets)."""
    return label.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def message_text(finding: Finding) -> str:
    """The title, then the message; then links to the related places (code scanning shows related
    locations only when the result's message links to them)."""
    text = finding.message  # what --confirm observed is in properties.confirmation
    if finding.title:
        title = finding.title if finding.title[-1:] in ".!?" else finding.title + "."
        text = f"{title} {text}"
    if finding.related:
        links = ", ".join(f"[{link_text(r.label)}]({i})" for i, r in enumerate(finding.related, 1))
        text = f"{text} Related: {links}."
    return text


def related_locations(finding: Finding, cwd: Path) -> list[dict]:
    out = []
    for i, r in enumerate(finding.related, 1):
        uri = artifact_uri(r.path if r.path is not None else finding.path, cwd)
        location = {"id": i, **physical(uri, region_of(r.line, r.column, r.end_line, r.end_column)),
                    "message": {"text": r.label}}
        if r.cell is not None:
            location["properties"] = {"cell": r.cell}
        out.append(location)
    return out


def code_flow(finding: Finding, primary: dict, related: list[dict]) -> dict:
    """One thread flow through the chain: the related places in the rule's order, the primary
    among them where the lines of one file put it (else last: the place where it goes wrong)."""
    # The same places as relatedLocations, without their ids (an id names one location of the result).
    steps = [{"location": {k: v for k, v in loc.items() if k != "id"}} for loc in related]
    lines = [r.line for r in finding.related]
    position = len(steps)
    if all(r.path is None and r.cell == finding.cell for r in finding.related) and lines == sorted(lines):
        position = sum(1 for line in lines if line <= finding.line)
    steps.insert(position, {"location": {**primary, "message": {"text": finding.headline()}}})
    return {"threadFlows": [{"locations": steps}]}


def fixes(finding: Finding, uri: str) -> list[dict]:
    """The autofix as replacements (not for notebook cells: their edits count lines in the cell)."""
    fix = finding.fix
    if fix is None or finding.cell is not None or not fix.edits:
        return []
    replacements = [
        {
            "deletedRegion": {"startLine": e.line, "startColumn": e.column, "endLine": e.end_line,
                              "endColumn": e.end_column},
            "insertedContent": {"text": e.text},
        }
        for e in fix.edits
    ]
    return [{
        "description": {"text": fix.description},
        "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": replacements}],
        "properties": {"applicability": fix.applicability},
    }]


def result(finding: Finding, index: int, fingerprint: str, cwd: Path) -> dict:
    uri = artifact_uri(finding.path, cwd)
    primary = physical(uri, region_of(finding.line, finding.column, finding.end_line, finding.end_column))
    out = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": LEVELS.get(finding.severity, "error"),
        "message": {"text": message_text(finding)},
        "locations": [primary],
        "partialFingerprints": {"tllint/v1": fingerprint},
    }
    related = related_locations(finding, cwd)
    if related:
        out["relatedLocations"] = related
        if finding.code.startswith(FLOW_PREFIXES):
            out["codeFlows"] = [code_flow(finding, primary, related)]
    fix_list = fixes(finding, uri)
    if fix_list:
        out["fixes"] = fix_list
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
