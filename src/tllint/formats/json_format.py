"""A JSON array of findings (Finding.to_json)."""

from __future__ import annotations

import json

from tllint.finding import Finding
from tllint.formats import Context


def render(findings: list[Finding], context: Context) -> str:
    return json.dumps([f.to_json() for f in findings], indent=2) + "\n"
