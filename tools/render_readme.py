"""Regenerate the README's rule table and output samples (run after changing rules, titles or examples;
tests/test_structured_findings.py checks the samples)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_readme import render_rule_table  # noqa: E402


def sample(*args: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "tllint", "--no-cache", *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    body = run.stdout.rstrip("\n")
    summary = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
    return f"```console\n$ tllint {' '.join(args)}\n{body}\n{summary}\n```"


def replace(text: str, name: str, content: str) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{content}\n{end}{tail}"


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    text = replace(text, "rules", render_rule_table())
    text = replace(text, "sample", sample("examples/"))
    text = replace(text, "show-source", sample("--show-source", "examples/rescale_then_mobilenet.py"))
    readme.write_text(text)


if __name__ == "__main__":
    main()
