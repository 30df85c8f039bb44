"""Each rule's page in rules/: required sections, and its examples behave as documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tllint.analysis import analyze_source
from tllint.rules import registry, rule_classes
from tllint.settings import Settings

PAGES = Path(__file__).resolve().parents[1] / "rules"
SECTIONS = ("## What it does", "## Why it matters", "## Example", "## Use instead", "## Fix", "## Confirmation", "## References")


def code_blocks(text: str, heading: str) -> list[str]:
    part = text.split(heading, 1)[1]
    part = re.split(r"^## ", part, maxsplit=1, flags=re.M)[0]
    return re.findall(r"```python\n(.*?)```", part, flags=re.S)


def page(code: str) -> str:
    return (PAGES / f"{code}.md").read_text()


def target_of(text: str) -> str:
    m = re.search(r"<!-- target-keras: (\S+) -->", text)
    return m.group(1) if m else "auto"


@pytest.mark.parametrize("cls", rule_classes(), ids=lambda c: c.code)
def test_page_has_every_section(cls):
    text = page(cls.code)
    assert text.startswith(f"# {cls.code}: {cls.name}\n")
    for section in SECTIONS:
        assert section in text, f"{cls.code}.md lacks {section}"


@pytest.mark.parametrize("cls", rule_classes(), ids=lambda c: c.code)
def test_example_fires_and_use_instead_does_not(cls):
    text = page(cls.code)
    settings = Settings(target_keras=target_of(text))
    examples = code_blocks(text, "## Example")
    fixed = code_blocks(text, "## Use instead")
    assert examples and fixed
    for src in examples:
        codes = [f.code for f in analyze_source(src, "example.py", settings, enabled=set(registry()))]
        assert cls.code in codes, f"{cls.code} example does not fire: {codes}"
    for src in fixed:
        codes = [f.code for f in analyze_source(src, "example.py", settings, enabled=set(registry()))]
        assert cls.code not in codes and "TL000" not in codes and "TL999" not in codes, codes


def test_every_code_has_a_page():
    assert sorted(p.stem for p in PAGES.glob("TL*.md")) == sorted(registry())
