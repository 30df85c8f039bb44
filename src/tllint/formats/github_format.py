"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from tllint.finding import Finding
from tllint.formats import Context, message_with_confirmation

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: list[Finding], context: Context) -> str:
    out = []
    for f in findings:
        message = message_with_confirmation(f)
        message = message if f.cell is None else f"cell {f.cell}: {message}"
        props = {
            "file": f.path.replace("\\", "/"),
            "line": f.line,
            "col": f.column,
            "endLine": f.end_line,
            "endColumn": f.end_column,
            "title": f"{f.code} ({f.name})",
        }
        joined = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
        out.append(f"::{LEVELS.get(f.severity, 'error')} {joined}::{escape_data(f'{f.code} {message}')}\n")
    return "".join(out)
