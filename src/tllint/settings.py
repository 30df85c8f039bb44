"""Effective settings of a run: command line over `[tool.tllint]` over defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "build",
    "dist",
    "__pycache__",
    "node_modules",
    "site-packages",
    ".ipynb_checkpoints",
)


@dataclass
class Settings:
    select: tuple[str, ...] = ()  # empty: every default-enabled rule
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    # "auto", "2", "3", "3.15", "3.16", ...
    target_keras: str = "auto"
    # Learning rate the TL204 fix writes.
    fine_tune_learning_rate: float = 1e-5
    # Confirm mode's sandbox: "auto" (the OS mechanisms there are; refuse without any) or "python".
    confirm_isolation: str = "auto"
    # The language server's wait after an edit before linting (ms); None: its default.
    lsp_debounce_ms: int | None = None
    # Folder the config came from; per-file-ignores and excludes are relative to it.
    config_root: Path | None = None
    # Project root for local imports (None: found from the linted file).
    project_root: Path | None = None
