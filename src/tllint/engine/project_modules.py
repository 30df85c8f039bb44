"""Cross-file analysis as the engine sees it: the project it is handed, and lines in other files.

The engine never imports the pipeline. A run that follows local imports (tllint.project) hands
the interpreter an object with the methods of `ProjectModules`; a file linted alone gets None.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Mapping, Protocol

if TYPE_CHECKING:  # pragma: no cover
    import libcst as cst
    from libcst.metadata import CodeRange

    from tllint.engine.values import LocalModule, Value


class ProjectModules(Protocol):
    """The modules of the user's project, loaded and run on the engine's behalf."""

    def resolve_import(self, interp: Any, dotted: str) -> "Value":
        """The value of an imported dotted name when it names a local module (or a name in
        one), else UNKNOWN."""

    def import_pattern(self, interp: Any, pattern: str, limit: int) -> list["LocalModule"]:
        """The local modules a dotted name known only in part (`*` for each unknown piece) can
        import, loaded; empty when none or more than `limit` match."""

    def module_globals(self, interp: Any, module: "LocalModule") -> Mapping[str, "Value"]:
        """The names a local module's top level bound."""

    def module_attribute(self, interp: Any, module: "LocalModule", attr: str) -> "Value":
        """`module.attr` of a local module."""

    def positions_of(self, module: "cst.Module") -> Mapping | None:
        """The positions of a module the project parsed (shared with its importers), else None."""

    def locate(self, interp: Any, node: "cst.CSTNode") -> tuple[str, "CodeRange", str] | None:
        """(display path, position, source) of a node that lives in an imported module."""

    def qualify_lines(self, message: str, path: str) -> str:
        """A message about this file shown in another: bare `line N` names this file."""

    def read_config(self, interp: Any, path: str) -> str | None:
        """The text of a configuration file (YAML, JSON) a module opens by a literal relative
        path, found in the project the way a run from the module's folder or the project root
        would find it; None when it is not there (or ambiguous, or too big)."""


class ForeignLine(int):
    """A line number in another file: compares and computes as an int, prints `12 in data.py`."""

    file: str = ""

    def __str__(self) -> str:
        return f"{int(self)} in {self.file}"

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else format(int(self), spec)


def foreign_line(found) -> int:
    """The line of `found` ((path, position, source) from `ProjectModules.locate`), 0 if unknown."""
    if found is None or found[1] is None:
        return 0
    line = ForeignLine(found[1].start.line)
    line.file = os.path.basename(found[0])
    return line
