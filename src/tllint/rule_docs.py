"""Rule pages (`rules/TLxxx.md`): shipped as `tllint/rule_pages/` in the wheel, `rules/` in a checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def page_folders() -> list[Path]:
    # Installed package data first, then the repository's rules/ beside src/ (editable installs).
    return [PACKAGE_DIR / "rule_pages", PACKAGE_DIR.parent.parent / "rules"]


def rule_page(code: str) -> str | None:
    for folder in page_folders():
        page = folder / f"{code}.md"
        if page.is_file():
            try:
                return page.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
    return None
