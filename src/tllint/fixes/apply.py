"""Apply fixes to a text and to files: fix → re-lint rounds, verification, atomic writes.

Each round lints the text, takes the first fix the run allows (safe ones; unsafe ones too with
`--unsafe-fixes`), applies it, and keeps the result only when it parses and re-linting shows the
finding gone and nothing new (no code more frequent than before, no TL000/TL999; a finding the
fix uncovered is allowed when it has a fix of its own, and the end of the run checks that no code
is more frequent than at the start). A fix that fails the check is dropped for the rest of the
run (its finding remains). Rounds stop when nothing is left to apply: a second run changes
nothing.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import stat
import tempfile
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tllint.finding import Finding
from tllint.fixes._cst import parses
from tllint.fixes._edits import apply_edits

MAX_ROUNDS = 30
Lint = Callable[[str], list[Finding]]


@dataclass
class TextFix:
    original: str
    fixed: str
    applied: list[Finding] = field(default_factory=list)  # the findings whose fixes were applied
    remaining: list[Finding] = field(default_factory=list)  # findings of the fixed text

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def allowed(finding: Finding, unsafe: bool) -> bool:
    fix = finding.fix
    return fix is not None and bool(fix.edits) and (fix.applicability == "safe" or unsafe)


def _key(finding: Finding) -> tuple:
    return (finding.code, finding.statement, finding.fix.applicability if finding.fix else None)


def verified(before: list[Finding], after: list[Finding], applied: list[Finding], unsafe: bool = False) -> bool:
    """Every applied finding gone (its code less frequent) and nothing new, except findings the
    fix uncovered that the next round can fix (an unfreeze that now takes effect shows its
    BatchNormalization problem); the run's end checks that those were fixed too."""
    if any(f.code in ("TL000", "TL999") for f in after):
        return False
    count_before = Counter(f.code for f in before)
    count_after = Counter(f.code for f in after)
    for code in count_after:
        if count_after[code] > count_before[code]:
            if not all(allowed(f, unsafe) for f in after if f.code == code):
                return False
    fixed_codes = Counter(f.code for f in applied)
    return all(count_after[code] <= count_before[code] - 1 for code in fixed_codes)


def no_worse(initial: list[Finding], final: list[Finding]) -> bool:
    start = Counter(f.code for f in initial)
    end = Counter(f.code for f in final)
    return all(end[code] <= start[code] for code in end)


def fix_text(text: str, lint: Lint, *, unsafe: bool = False, max_rounds: int = MAX_ROUNDS) -> TextFix:
    findings = lint(text)
    initial = findings
    result = TextFix(text, text)
    rejected: set[tuple] = set()
    applied: list[Finding] = []
    history = [(text, findings, 0)]
    for _ in range(max_rounds):
        candidates = [f for f in findings if allowed(f, unsafe) and _key(f) not in rejected]
        if not candidates:
            break
        # One fix per round, top to bottom: the next finding is judged on the fixed text (two
        # rules often point at one mistake; fixing it once is enough).
        chosen = [candidates[0]]
        attempt = _try(text, chosen, findings, lint, unsafe)
        if attempt is None:
            rejected.add(_key(chosen[0]))
            continue
        text, findings = attempt
        applied.extend(chosen)
        history.append((text, findings, len(applied)))
    # Nothing new in the end: step back to the last state no worse than the start.
    for text, findings, count in reversed(history):
        if no_worse(initial, findings):
            break
    result.fixed = text
    result.remaining = findings
    result.applied = applied[:count]
    return result


def _try(text: str, chosen: list[Finding], before: list[Finding], lint: Lint, unsafe: bool = False):
    try:
        new = apply_edits(text, [e for f in chosen for e in f.fix.edits])
    except ValueError:
        return None
    if new == text or not parses(new):
        return None
    after = lint(new)
    if not verified(before, after, chosen, unsafe):
        return None
    return new, after


def unified_diff(old: str, new: str, display: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=f"a/{display}", tofile=f"b/{display}"
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


# ---------------------------------------------------------------------- files
class ChangedOnDisk(Exception):
    """The file's content changed between reading it and writing the fix."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_encoding(data: bytes) -> str:
    import io

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    return encoding


def write_atomic(path: Path, data: bytes, expected_digest: str | None) -> None:
    """Replace `path` with `data` through a temporary file in the same folder and `os.replace`,
    keeping the file's permissions; refuse when its content no longer has `expected_digest`."""
    path = Path(path)
    if expected_digest is not None:
        try:
            current = path.read_bytes()
        except OSError as exc:
            raise ChangedOnDisk(f"cannot read it again: {exc.strerror or exc}") from None
        if digest(current) != expected_digest:
            raise ChangedOnDisk("it changed on disk during the run")
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tllint-tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
