"""The finding: what every rule reports and every output format prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass
class Edit:
    """Replace the text between two 1-based (line, column) positions; columns count characters."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "text": self.text,
        }


@dataclass
class Fix:
    applicability: str  # "safe" | "unsafe"
    description: str
    edits: list[Edit] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "applicability": self.applicability,
            "description": self.description,
            "edits": [e.to_json() for e in self.edits],
        }


@dataclass
class Related:
    """Another place in the finding's chain: where the pixels were loaded, the fit before an unfreeze..."""

    label: str
    line: int
    column: int
    end_line: int
    end_column: int
    # None: the finding's own file.
    path: str | None = None
    # 1-based notebook cell, like Finding.cell.
    cell: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "label": self.label,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }
        if self.path is not None:
            data["path"] = self.path
        if self.cell is not None:
            data["cell"] = self.cell
        return data


@dataclass
class Finding:
    code: str
    name: str
    severity: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    # Keras versions the finding applies to ("2", "3", "3.0-3.15", ...) or None when it does not depend on them.
    keras: str | None = None
    # 1-based index among all cells of a notebook; None for plain files.
    cell: int | None = None
    fix: Fix | None = None
    # {"status": "confirmed|refuted|inconclusive", "evidence": "..."} once --confirm ran.
    confirmation: dict[str, Any] | None = None
    # "static" for the linter, "confirm" for problems only seen at run time.
    source: str = "static"
    # Normalised text of the statement the finding points at: the baseline fingerprints it.
    statement: str = ""
    # Short statement of what is wrong (<= 100 characters, no line numbers); "" falls back to the message.
    title: str = ""
    # The other places of the chain, in the order a reader follows them.
    related: list[Related] = field(default_factory=list)

    def headline(self) -> str:
        return self.title or self.message

    def sort_key(self) -> tuple:
        return (self.path, self.cell or 0, self.line, self.column, self.code)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "keras": self.keras,
            # The short statement (the message when the rule gives none) and the chain's other places.
            "title": self.headline(),
            "related": [r.to_json() for r in self.related],
        }
        if self.cell is not None:
            data["cell"] = self.cell
        if self.fix is not None:
            data["fix"] = self.fix.to_json()
        if self.confirmation is not None:
            data["confirmation"] = self.confirmation
        if self.source != "static":
            data["source"] = self.source
        return data
