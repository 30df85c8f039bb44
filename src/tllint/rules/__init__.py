"""Rule registry: every module in this package that defines a `Rule` subclass is a rule.

Adding a rule means adding one module; nothing central is edited.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, Iterable

if TYPE_CHECKING:  # pragma: no cover
    import libcst as cst

    from tllint.engine.script import ScriptModel
    from tllint.finding import Fix


@dataclass
class Report:
    """What a rule says: the node it points at and the message. The runner adds positions."""

    node: "cst.CSTNode"
    message: str
    severity: str | None = None  # None: the rule's default
    keras: str | None = None
    fix: "Fix | None" = None
    # Extra data for --confirm and --fix (backbone name, line numbers...).
    data: dict[str, Any] = field(default_factory=dict)


class Rule:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[str] = "error"
    summary: ClassVar[str] = ""
    # Off unless selected explicitly (like ruff's RUF100).
    default_enabled: ClassVar[bool] = True

    def check(self, script: "ScriptModel") -> Iterable[Report]:  # pragma: no cover - interface
        return ()


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    severity: str
    summary: str
    default_enabled: bool
    cls: type | None = None


# Codes the tool itself reports (not rule modules).
TOOL_CODES = (
    RuleInfo("TL000", "unreadable-source", "error", "A file cannot be read, decoded or parsed.", True),
    RuleInfo("TL001", "unused-noqa", "info", "A `# noqa: TLxxx` comment that suppresses nothing.", False),
    RuleInfo("TL999", "internal-error", "error", "The analysis of one file crashed; the run goes on.", True),
)


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
