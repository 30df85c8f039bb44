"""Fixture files in the style of flake8-bugbear: the expected findings are written in the file.

A line ending in `# expect: TL101` (or `# expect: TL101, TL205`) must get exactly those codes
on exactly that line; every other line of the file must get none of the codes under test
(the folder name, e.g. fixtures/TL101/, names the code; `# codes: TL201 TL202` in the header
widens it). `# target-keras: 2` in the header sets the Keras version for that fixture.
"""

from __future__ import annotations

import re
from pathlib import Path

from tllint.analysis import analyze_source
from tllint.rules import registry
from tllint.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
_TARGET = re.compile(r"^#\s*target-keras:\s*(\S+)", re.M)
_CODES = re.compile(r"^#\s*codes:\s*(.+)$", re.M)


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.py") if p.parent.name.startswith("TL"))


def codes_under_test(path: Path, text: str) -> set[str]:
    m = _CODES.search(text)
    if m:
        return set(m.group(1).replace(",", " ").split())
    return {path.parent.name}


def expected(text: str, codes: set[str]) -> set[tuple[str, int]]:
    out: set[tuple[str, int]] = set()
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = _EXPECT.search(line)
        if m:
            for code in m.group(1).replace(",", " ").split():
                if code in codes:
                    out.add((code, lineno))
    return out


def actual(path: Path, text: str, codes: set[str]) -> set[tuple[str, int]]:
    m = _TARGET.search(text)
    settings = Settings(target_keras=m.group(1) if m else "auto")
    enabled = set(registry())
    findings = analyze_source(text, str(path), settings, enabled=enabled)
    return {(f.code, f.line) for f in findings if f.code in codes or f.code in ("TL000", "TL999")}
