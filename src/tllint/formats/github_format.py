"""GitHub Actions workflow commands: one annotation per finding.

`::error file=...,line=...,col=...,endLine=...,endColumn=...,title=CODE title::message`: the title
is the annotation's title, the message (and the chain's related places, one per line) its body.
"""

from __future__ import annotations

from tllint.finding import Finding
from tllint.formats import Context, message_with_confirmation, related_line

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: list[Finding], context: Context) -> str:
    out = []
    for f in findings:
        props = {
            "file": f.path.replace("\\", "/"),
            "line": f.line,
            "col": f.column,
            "endLine": f.end_line,
            "endColumn": f.end_column,
            # A finding without a short title keeps its name: the message is the body already.
            "title": f"{f.code} {f.title}" if f.title else f"{f.code} ({f.name})",
        }
        joined = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
        out.append(f"::{LEVELS.get(f.severity, 'error')} {joined}::{escape_data(body(f))}\n")
    return "".join(out)


def body(finding: Finding) -> str:
    """The annotation's text: the message, then one line per related place of the chain."""
    message = message_with_confirmation(finding)
    message = message if finding.cell is None else f"cell {finding.cell}: {message}"
    lines = [message]
    if finding.related:
        lines.append("")
        lines.extend(related_line(finding, r) for r in finding.related)
    return "\n".join(lines)
