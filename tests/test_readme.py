"""The README stays true: its rule table equals the registry, its test command is CI's."""

from __future__ import annotations

import re
from pathlib import Path

from tllint.rules import registry

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def render_rule_table() -> str:
    lines = ["| Code | Name | Severity | What it catches |", "|---|---|---|---|"]
    for info in registry().values():
        default = "" if info.default_enabled else " (off by default)"
        lines.append(f"| [{info.code}](rules/{info.code}.md) | {info.name} | {info.severity} | {info.summary}{default} |")
    return "\n".join(lines)


def test_rule_table_matches_registry():
    block = README.split("<!-- rules:start -->", 1)[1].split("<!-- rules:end -->", 1)[0].strip()
    assert block == render_rule_table()


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```(?:sh|bash|console)\n(.*?)```", README, flags=re.S)
    test_command = [c.strip() for c in commands if "pytest" in c]
    assert len(test_command) == 1
    ci = (ROOT / ".ci" / "run").read_text()
    last_line = test_command[0].splitlines()[-1]
    assert last_line in ci


def test_readme_has_exactly_two_setup_commands():
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"```(?:sh|bash)\n", setup)) == 2
