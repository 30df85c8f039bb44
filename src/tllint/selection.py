"""Which codes a run reports: select / extend-select / ignore with ruff's prefix semantics."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from tllint.globs import path_matches
from tllint.rules import registry
from tllint.settings import Settings


def matches(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def specificity(selector: str) -> int:
    return -1 if selector == "ALL" else len(selector)


def enabled_codes(settings: Settings, codes: Iterable[str] | None = None) -> set[str]:
    """Codes that are on. The most specific matching selector decides; on a tie ignore wins.

    Without `select`, the default-enabled codes form the base (TL001 is off by default), and
    only an explicit selector turns a default-off code on.
    """
    infos = registry()
    all_codes = list(codes) if codes is not None else list(infos)
    enabling = settings.select + settings.extend_select
    enabled = set()
    for code in all_codes:
        best_on = max((specificity(s) for s in enabling if matches(s, code)), default=None)
        best_off = max((specificity(s) for s in settings.ignore if matches(s, code)), default=None)
        if best_off is not None and (best_on is None or best_off >= best_on):
            continue
        if best_on is not None:
            enabled.add(code)
        elif not settings.select:
            info = infos.get(code)
            if info is not None and info.default_enabled:
                enabled.add(code)
    return enabled


def unknown_selectors(settings: Settings) -> list[str]:
    """Selectors that match no code (a typo such as TL210 would otherwise do nothing, silently)."""
    codes = list(registry())
    used = (*settings.select, *settings.extend_select, *settings.ignore)
    used += tuple(code for codes_ in settings.per_file_ignores.values() for code in codes_)
    return sorted({s for s in used if not any(matches(s, code) for code in codes)})


def code_matches_any(code: str, selectors: Iterable[str]) -> bool:
    return any(matches(s, code) for s in selectors)


def per_file_ignored(settings: Settings, path: str | Path) -> tuple[str, ...]:
    out: list[str] = []
    for pattern, codes in settings.per_file_ignores.items():
        if path_matches(pattern, path, settings.config_root or Path.cwd()):
            out.extend(codes)
    return tuple(out)
