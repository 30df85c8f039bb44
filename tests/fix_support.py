"""Helpers for the fix tests: lint and fix a text the way `tllint --fix --unsafe-fixes` does."""

from __future__ import annotations

import re
from pathlib import Path

from tllint.fixes.apply import fix_text
from tllint.rules import registry
from tllint.linter import Linter
from tllint.settings import Settings

FIX_FIXTURES = Path(__file__).parent / "fix_fixtures"
_TARGET = re.compile(r"^#\s*target-keras:\s*(\S+)", re.M)


def settings_for(text: str) -> Settings:
    m = _TARGET.search(text)
    return Settings(target_keras=m.group(1) if m else "auto")


def linter_for(text: str) -> Linter:
    return Linter(settings_for(text), enabled=set(registry()))


def lint(text: str, name: str = "fixture.py"):
    return linter_for(text).lint_text(text, name)


def fix(text: str, name: str = "fixture.py", *, unsafe: bool = True):
    linter = linter_for(text)
    return fix_text(text, lambda t: linter.lint_text(t, name), unsafe=unsafe)


def fix_fixture_pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for before in sorted(FIX_FIXTURES.rglob("*.py")):
        if before.name.endswith(".fixed.py"):
            continue
        pairs.append((before, before.with_name(before.name[: -len(".py")] + ".fixed.py")))
    return pairs
