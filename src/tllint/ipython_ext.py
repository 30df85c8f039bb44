"""`%load_ext tllint`: IPython, Jupyter and Colab lint the session's cells before each one runs.

The cells run so far, in execution order, plus the cell about to run form one notebook program
(tllint.notebook: magics, `!` and help lines blanked, findings mapped to cells). A `pre_run_cell`
handler lints it before the cell runs and prints each new finding once, above the cell's output:

    tllint: cell 4, line 3: TL201 ResNet50 is trainable while the new head trains
        cell 4, line 1: compiled here (Adam, lr 1e-3)

A cell is named by its execution number (`In [4]` is cell 4). A finding is printed once per session:
its key is the code, the hash of its cell's source and the line, so re-running an unchanged cell
repeats nothing, and an edited cell may print its finding again. `%tllint` prints every current
finding; `%tllint off` / `%tllint on` stop and resume the automatic lint.

Cost: nothing is linted while no cell can involve Keras (tllint.prefilter). In a Keras session, a
cell that can produce no finding itself (no compile, fit, trainable, backbone, ... word; no import;
no call of a function or class an earlier cell defined) cannot change the findings of the cells
before it, whose findings are known already: it is not linted either. This module imports neither
IPython nor TensorFlow; IPython hands it the shell.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tllint.notebook_cells import blank_ipython
from tllint.prefilter import might_have_findings, might_involve_keras

# The program's name: a notebook in the working folder (local imports resolve from there). It is
# never read from disk.
PROGRAM_NAME = "ipython-session.ipynb"
_DEFINED = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_]\w*)", re.M)
_IMPORT = re.compile(r"\bimport\b|\b(?:exec|eval|__import__|import_module|runpy|run_path)\b")
_WORD = re.compile(r"[A-Za-z_]\w*")
# Codes the extension does not print: Python itself reports a cell that does not parse.
_NOT_PRINTED = frozenset({"TL000"})


@dataclass
class RunCell:
    label: int | None  # the execution number (`In [n]`); None for a cell run without history
    source: str
    code: str = ""  # IPython syntax blanked
    digest: str = ""

    def __post_init__(self) -> None:
        self.code = blank_ipython(self.source)
        self.digest = hashlib.sha1(self.source.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(eq=False)
class Session:
    """The extension's state for one shell."""

    shell: object
    cells: list[RunCell] = field(default_factory=list)
    enabled: bool = True
    keras: bool = False  # some cell can involve Keras
    pending: bool = False  # cells were added whose findings are not known yet
    defined: set[str] = field(default_factory=set)  # names of functions and classes defined so far
    printed: set[tuple] = field(default_factory=set)
    errors: set[str] = field(default_factory=set)  # internal errors said already
    # The notebook positions of the last lint: cell n at position n, None between (see _slots).
    _positions: list[RunCell | None] = field(default_factory=list)

    # -- history ---------------------------------------------------------------------------------
    def add(self, source: str, label: int | None) -> RunCell:
        cell = RunCell(label, source)
        cell_keras = might_involve_keras(cell.code)
        quiet = not self._may_change_findings(cell)
        self.cells.append(cell)
        self.defined.update(_DEFINED.findall(cell.code))
        self.keras = self.keras or cell_keras
        if not quiet:
            self.pending = True
        return cell

    def _may_change_findings(self, cell: RunCell) -> bool:
        code = cell.code
        if might_have_findings(code) or _IMPORT.search(code):
            return True
        return bool(self.defined) and any(word in self.defined for word in _WORD.findall(code))

    # -- linting ---------------------------------------------------------------------------------
    def findings(self) -> list:
        """The findings of the program the session ran (positions: see _slots); [] without Keras."""
        if not self.keras or not self.cells:
            return []
        from tllint.config import ConfigError, load_settings
        from tllint.notebook import lint_notebook
        from tllint.selection import enabled_codes

        try:
            settings = load_settings()
        except ConfigError as exc:
            from tllint.settings import Settings

            self.say_error(exc, what="configuration error, the defaults apply")
            settings = Settings()
        codes = enabled_codes(settings) - _NOT_PRINTED
        slots = self._slots()
        notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
            {"cell_type": "code", "metadata": {}, "source": cell.source} if cell is not None
            else {"cell_type": "markdown", "metadata": {}, "source": ""} for cell in slots]}
        found = lint_notebook(self.path(), json.dumps(notebook), settings, codes, fixes=False)
        self.pending = False
        return [f for f in found if f.code in codes]

    def _slots(self) -> list[RunCell | None]:
        """The cells at their notebook positions: cell n at position n (placeholders between), so
        that `cell n` in a message is `In [n]`."""
        slots: list[RunCell | None] = []
        for cell in self.cells:
            if cell.label is not None and cell.label > len(slots):
                slots.extend([None] * (cell.label - 1 - len(slots)))
            slots.append(cell)
        self._positions = slots
        return slots

    def path(self) -> str:
        return str(Path.cwd() / PROGRAM_NAME)

    def cell_at(self, position: int | None) -> RunCell | None:
        slots = self._positions
        if position is None or not 1 <= position <= len(slots):
            return None
        return slots[position - 1]

    def key(self, finding) -> tuple:
        if finding.path != self.path():
            return (finding.code, finding.path, finding.line)
        cell = self.cell_at(finding.cell)
        return (finding.code, cell.digest if cell is not None else None, finding.line)

    # -- output ----------------------------------------------------------------------------------
    def where(self, path: str | None, cell: int | None, line: int) -> str:
        if path is not None and path != self.path():
            return f"{_short(path)}, line {line}"
        run = self.cell_at(cell)
        name = "?" if run is None or run.label is None else str(run.label)
        return f"cell {name}, line {line}"

    def render(self, finding) -> list[str]:
        where = self.where(finding.path, finding.cell, finding.line)
        lines = [f"tllint: {where}: {finding.code} {finding.headline()}"]
        for related in finding.related:
            cell, line = related.cell, related.line
            if cell is None and related.path in (None, finding.path) and finding.path == self.path():
                cell, line = self._map_line(line)
            lines.append(f"    {self.where(related.path or finding.path, cell, line)}: {related.label}")
        return lines

    def _map_line(self, line: int) -> tuple[int | None, int]:
        """A line of the joined cells as (position, line in the cell)."""
        start = 1
        for position, cell in enumerate(self._positions, 1):
            if cell is None:  # a placeholder is no code cell: it has no lines in the program
                continue
            text = cell.code if cell.code.endswith("\n") else cell.code + "\n"
            count = text.count("\n")
            if start <= line < start + count:
                return position, line - start + 1
            start += count
        return None, line

    def report(self, findings: list, *, only_new: bool, quiet: bool = False) -> int:
        """Print the findings (only those not printed before, with `only_new`); the count printed.

        A cell run again gives its findings again: the listing keeps the latest run's.
        """
        latest: dict[tuple, object] = {}
        for finding in findings:
            key = self.key(finding)
            if not (only_new and key in self.printed):
                latest.pop(key, None)
                latest[key] = finding
        for key, finding in latest.items():
            self.printed.add(key)
            if not quiet:
                print("\n".join(self.render(finding)))
        if latest and not quiet:
            sys.stdout.flush()
        return len(latest)

    def say_error(self, exc: BaseException, what: str = "internal error, the cell runs normally") -> None:
        """One short line, once per distinct error (a broken install would repeat it at every cell)."""
        text = f"{type(exc).__name__}: {exc}".splitlines()[0][:160] if str(exc) else type(exc).__name__
        if text not in self.errors:
            self.errors.add(text)
            print(f"tllint: {what} ({text})")

    # -- IPython hooks ---------------------------------------------------------------------------
    def pre_run_cell(self, info=None) -> None:
        try:
            source = getattr(info, "raw_cell", None)
            if source is None or not source.strip():
                return
            self.add(source, self._next_label(info))
            if self.enabled and self.keras and self.pending:
                self.report(self.findings(), only_new=True)
        except Exception as exc:  # noqa: BLE001 - the user's cell must run whatever happens here
            self.say_error(exc)

    def _next_label(self, info) -> int | None:
        if info is not None and not getattr(info, "store_history", True):
            return None
        history = getattr(getattr(self.shell, "history_manager", None), "input_hist_raw", None)
        # The cell about to run is stored right after pre_run_cell: its number is the next index.
        return len(history) if isinstance(history, list) and history else None

    def magic(self, line: str = "") -> None:
        try:
            word = line.strip().lower()
            if word == "off":
                self.enabled = False
                print("tllint: off (%tllint on resumes)")
            elif word == "on":
                self.enabled = True
                # What the cells run while off would print is not printed at the next cell.
                missed = self.report(self.findings(), only_new=True, quiet=True) if self.pending else 0
                note = f" ({missed} finding(s) in cells run while off: %tllint lists them)" if missed else ""
                print(f"tllint: on{note}")
            elif word == "":
                findings = self.findings()
                if not self.report(findings, only_new=False):
                    print("tllint: no findings")
            else:
                print("tllint: usage: %tllint [on|off]")
        except Exception as exc:  # noqa: BLE001
            self.say_error(exc)


def _short(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


_SESSIONS: dict[int, Session] = {}


def load(shell) -> Session:
    """`%load_ext tllint`: one session per shell; loading twice keeps the first."""
    session = _SESSIONS.get(id(shell))
    if session is not None and session.shell is shell:
        return session
    session = Session(shell)
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None) or []
    for number, source in enumerate(history):
        if number and isinstance(source, str) and source.strip():
            session.add(source, number)
    _SESSIONS[id(shell)] = session
    shell.events.register("pre_run_cell", session.pre_run_cell)
    shell.register_magic_function(session.magic, magic_kind="line", magic_name="tllint")
    return session


def unload(shell) -> None:
    session = _SESSIONS.pop(id(shell), None)
    if session is None:
        return
    try:
        shell.events.unregister("pre_run_cell", session.pre_run_cell)
    except ValueError:
        pass
    shell.magics_manager.magics.get("line", {}).pop("tllint", None)
