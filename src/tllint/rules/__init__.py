"""Rule registry: every module in this package that defines a `Rule` subclass is a rule.

Adding a rule means adding one module; nothing central is edited.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from tllint.rule_base import TOOL_CODES, Report, Rule, RuleInfo

__all__ = ["TOOL_CODES", "Report", "Rule", "RuleInfo", "registry", "rule_classes"]


@lru_cache(maxsize=1)
def rule_classes() -> tuple[type[Rule], ...]:
    found: list[type[Rule]] = []
    for mod in pkgutil.iter_modules(__path__):
        if mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and value.code:
                if value.__module__ == module.__name__:
                    found.append(value)
    return tuple(sorted(found, key=lambda c: c.code))


@lru_cache(maxsize=1)
def registry() -> dict[str, RuleInfo]:
    """Every code tllint can report, sorted, with its name, severity and summary."""
    infos = {info.code: info for info in TOOL_CODES}
    for cls in rule_classes():
        infos[cls.code] = RuleInfo(cls.code, cls.name, cls.severity, cls.summary, cls.default_enabled, cls)
    return dict(sorted(infos.items()))
