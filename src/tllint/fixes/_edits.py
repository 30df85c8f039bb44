"""Text edits: from a before/after pair of texts, and applied back onto a text.

Positions are 1-based (line, column) with columns counting characters, as in `Finding`.
"""

from __future__ import annotations

import difflib

from tllint.finding import Edit


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def split_lines(text: str) -> list[str]:
    """Lines with their ends, split on "\n" only (as the positions count them)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _position(lines: list[str], index: int) -> tuple[int, int]:
    """1-based position of the start of line `index` (0-based); past the end: the end of the text."""
    if index < len(lines):
        return index + 1, 1
    if not lines:
        return 1, 1
    last = lines[-1]
    if last.endswith("\n"):
        return len(lines) + 1, 1
    return len(lines), len(last) + 1


def edits_between(old: str, new: str) -> list[Edit]:
    """The line-level edits that turn `old` into `new`, top to bottom."""
    a = split_lines(old)
    b = split_lines(new)
    edits: list[Edit] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        line, column = _position(a, i1)
        end_line, end_column = _position(a, i2)
        edits.append(Edit(line, column, end_line, end_column, "".join(b[j1:j2])))
    return edits


def offset(text: str, starts: list[int], line: int, column: int) -> int:
    if line - 1 >= len(starts):
        return len(text)
    return min(starts[line - 1] + column - 1, len(text))


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (bottom-up, so positions stay valid)."""
    starts = _line_starts(text)
    spans = []
    for e in edits:
        begin = offset(text, starts, e.line, e.column)
        end = offset(text, starts, e.end_line, e.end_column)
        spans.append((begin, end, e.text))
    spans.sort(key=lambda s: (s[0], s[1]))
    for (b1, e1, _), (b2, e2, _) in zip(spans, spans[1:]):
        if b2 < e1 or (b2 == b1 and e2 == e1 == b1):
            raise ValueError("overlapping edits")
    out = text
    for begin, end, new in reversed(spans):
        out = out[:begin] + new + out[end:]
    return out


def spans(text: str, edits: list[Edit]) -> list[tuple[int, int]]:
    starts = _line_starts(text)
    return [(offset(text, starts, e.line, e.column), offset(text, starts, e.end_line, e.end_column)) for e in edits]


def overlaps(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    """Two edit sets touch the same text (insertions at one point count as touching)."""
    for b1, e1 in a:
        for b2, e2 in b:
            if b1 < e2 and b2 < e1:
                return True
            if b1 == b2 or (b1 == e1 and b2 <= b1 <= e2) or (b2 == e2 and b1 <= b2 <= e1):
                return True
    return False
