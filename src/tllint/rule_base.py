"""The rule base: what a rule is and says, and the codes the tool itself reports.

Core layer: rules (above) subclass `Rule`; the pipeline turns `Report`s into `Finding`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Iterable

from tllint.finding import Finding

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
    # Short statement of what is wrong (<= 100 characters, no line numbers).
    title: str = ""
    # (node, label) for the other places of the chain; the runner adds their positions.
    related: list[tuple["cst.CSTNode", str]] = field(default_factory=list)


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

_TOOL_INFOS = {info.code: info for info in TOOL_CODES}
TOOL_CODE_SET = frozenset(_TOOL_INFOS)


def tool_finding(code: str, message: str, path: str, line: int = 1, column: int = 1) -> Finding:
    """A finding of the tool itself (TL000, TL001, TL999)."""
    info = _TOOL_INFOS[code]
    return Finding(
        code=code,
        name=info.name,
        severity=info.severity,
        message=message,
        path=path,
        line=max(line, 1),
        column=max(column, 1),
        end_line=max(line, 1),
        end_column=max(column, 1),
    )
