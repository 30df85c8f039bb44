"""`# noqa` comments with flake8 semantics, the file-level `# tllint: noqa`, and TL001.

Comments are found with tokenize so that `"# noqa"` inside a string never counts.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from tllint.finding import Edit, Finding, Fix

# flake8's form: `# noqa` alone is blanket; `# noqa: A1,B2` or `# noqa:A1 B2` lists codes.
# A bare `TL` or `TL2` is accepted as a prefix, as the codes tllint uses all start with TL.
NOQA = re.compile(
    r"#\s*noqa(?::[\s]?(?P<codes>(?:(?:TL\d*|[A-Z]+[0-9]+)(?:[,\s]+|$))+))?",
    re.IGNORECASE,
)
CODE = re.compile(r"TL\d*|[A-Z]+[0-9]+", re.IGNORECASE)
# Every directive holds these letters (NOQA matches case-insensitively, as this does).
_HINT = re.compile("noqa", re.IGNORECASE)
FILE_NOQA = re.compile(r"#\s*tllint\s*:\s*noqa\b", re.IGNORECASE)
FILE_NOQA_LINES = 5
# A parse error sits wherever the parser gave up, not on a line the author chose to exempt.
UNSUPPRESSIBLE = frozenset({"TL000"})


@dataclass
class Directive:
    line: int
    column: int  # 1-based column of the `#`
    codes: tuple[str, ...] | None  # None: blanket
    used: set[str] = field(default_factory=set)
    # Physical lines the directive covers: the whole logical line it ends (flake8 does this).
    lines: range = range(0)
    comment: str = ""  # the whole comment token
    comment_col0: int = 0
    span: tuple[int, int] = (0, 0)  # the directive within the comment
    code_end_col0: int = 0  # where the code before the comment ends (for deleting the comment)


@dataclass
class NoqaMap:
    directives: list[Directive]
    by_line: dict[int, list[Directive]]

    def suppresses(self, finding: Finding) -> bool:
        if finding.code in UNSUPPRESSIBLE:
            return False
        for directive in self.by_line.get(finding.line, ()):
            if directive.codes is None:
                return True
            for code in directive.codes:
                if finding.code.startswith(code):
                    directive.used.add(code)
                    return True
        return False


def _comments(source: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """(line, col0, text) of each comment and the (first, last) line of each logical line."""
    comments: list[tuple[int, int, str]] = []
    logical: list[tuple[int, int]] = []
    start: int | None = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments.append((tok.start[0], tok.start[1], tok.string))
            if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
                continue
            if tok.type == tokenize.NEWLINE or tok.type == tokenize.ENDMARKER:
                if start is not None:
                    logical.append((start, tok.start[0]))
                start = None
                continue
            if start is None:
                start = tok.start[0]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # Unparsable file: a best-effort scan of the text after a `#` that is not in quotes.
        comments = []
        for number, text in enumerate(source.splitlines(), 1):
            col = _naive_comment_column(text)
            if col is not None:
                comments.append((number, col, text[col:]))
        logical = []
    return comments, logical


def _naive_comment_column(text: str) -> int | None:
    quote = None
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#":
            return index
    return None


def parse_noqa(source: str) -> NoqaMap:
    if _HINT.search(source) is None:
        return NoqaMap([], {})  # no directive can match: skip tokenizing (an editor lints per keystroke)
    comments, logical = _comments(source)
    source_lines = source.splitlines()
    span_of: dict[int, range] = {}
    for first, last in logical:
        if last > first:
            for line in range(first, last + 1):
                span_of[line] = range(first, last + 1)
    directives: list[Directive] = []
    by_line: dict[int, list[Directive]] = {}
    for line, col0, text in comments:
        match = NOQA.search(text)
        if match is None:
            continue
        codes_text = match.group("codes")
        codes = tuple(c.upper() for c in CODE.findall(codes_text)) if codes_text else None
        text_before = source_lines[line - 1][:col0] if line <= len(source_lines) else ""
        directive = Directive(
            line,
            col0 + match.start() + 1,
            codes,
            lines=span_of.get(line, range(line, line + 1)),
            comment=text,
            comment_col0=col0,
            span=(match.start(), match.start() + len(match.group(0).rstrip(", \t"))),
            code_end_col0=len(text_before.rstrip()),
        )
        directives.append(directive)
        for covered in directive.lines:
            by_line.setdefault(covered, []).append(directive)
    return NoqaMap(directives, by_line)


def file_is_skipped(source: str) -> bool:
    """`# tllint: noqa` in the first lines, or on a comment-only line before the first statement."""
    lines = source.splitlines()
    for number, text in enumerate(lines, 1):
        stripped = text.strip()
        comment_only = stripped.startswith("#")
        if number <= FILE_NOQA_LINES:
            if comment_only and FILE_NOQA.search(stripped):
                return True
            continue
        if not stripped:
            continue
        if not comment_only:
            return False
        if FILE_NOQA.search(stripped):
            return True
    return False


def apply_noqa(findings: list[Finding], source: str, *, report_unused: bool, path: str) -> list[Finding]:
    """Findings left after the line directives, plus TL001 for TL codes that suppressed nothing."""
    noqa = parse_noqa(source)
    if not noqa.directives:
        return findings
    kept = [f for f in findings if not noqa.suppresses(f)]
    if report_unused:
        kept.extend(unused_noqa_findings(noqa, path))
    return kept


def unused_noqa_findings(noqa: NoqaMap, path: str) -> list[Finding]:
    from tllint.rule_base import tool_finding

    out = []
    for directive in noqa.directives:
        if directive.codes is None:
            continue
        unused = [c for c in directive.codes if c.startswith("TL") and c not in directive.used]
        if unused:
            finding = tool_finding(
                "TL001", f"unused `noqa` directive (unused: {', '.join(unused)})", path, directive.line, directive.column
            )
            finding.end_column = directive.column + directive.span[1] - directive.span[0]
            finding.fix = removal_fix(directive, unused)
            out.append(finding)
    return out


def removal_fix(directive: Directive, unused: list[str]) -> Fix:
    """Drop the unused codes; drop the directive (or the whole comment) when none is left."""
    start, end = directive.span
    kept = [c for c in directive.codes or () if c not in unused]
    comment = directive.comment
    line = directive.line
    if kept:
        new = f"# noqa: {', '.join(kept)}"
        return Fix(
            "safe",
            "Remove the unused codes from the `noqa` directive",
            [Edit(line, directive.comment_col0 + start + 1, line, directive.comment_col0 + end + 1, new)],
        )
    rest = (comment[:start] + comment[end:]).strip()
    if rest in ("", "#"):
        edit = Edit(line, directive.code_end_col0 + 1, line, directive.comment_col0 + len(comment) + 1, "")
    else:
        new_comment = rest if rest.startswith("#") else f"# {rest}"
        edit = Edit(line, directive.comment_col0 + 1, line, directive.comment_col0 + len(comment) + 1, new_comment)
    return Fix("safe", "Remove the unused `noqa` directive", [edit])
