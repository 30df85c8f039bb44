"""Code actions: a finding's own fix, "disable for this line" (`# noqa: TLxxx`), and every safe
fix of the document at once (`source.fixAll.tllint`, also offered as a quick fix).

The per-finding fix comes with the diagnostic (its `data`); the noqa edit is made so that
tllint's own noqa parser reads it back as suppressing the finding (checked before it is offered);
"fix all" runs `--fix`'s rounds (tllint.fixes.apply.fix_text) on the document's text, which keeps
only fixes whose result parses and re-lints clean.
"""

from __future__ import annotations

import io
import tokenize
from typing import Any, Callable

from lsprotocol import types

from tllint.finding import Edit, Finding
from tllint.lsp.convert import position

FIX_ALL_KIND = "source.fixAll.tllint"
FIX_ALL_TITLE = "Fix all safe tllint findings"
# TL000 (a parse error) cannot be suppressed; TL001 reports unused noqa codes itself.
NOT_SUPPRESSIBLE = frozenset({"TL000", "TL001"})


def text_edits(text: str, edits: list[Edit]) -> list[types.TextEdit]:
    lines = text.splitlines()
    return [
        types.TextEdit(
            range=types.Range(start=position(lines, e.line, e.column), end=position(lines, e.end_line, e.end_column)),
            new_text=e.text,
        )
        for e in edits
    ]


def _fix_of(diagnostic: types.Diagnostic) -> dict[str, Any] | None:
    if diagnostic.source != "tllint" or not isinstance(diagnostic.data, dict):
        return None
    fix = diagnostic.data.get("fix")
    return fix if isinstance(fix, dict) and fix.get("edits") else None


def quick_fixes(uri: str, text: str, diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
    """The fix each finding carries (safe ones preferred)."""
    actions = []
    for diagnostic in diagnostics:
        fix = _fix_of(diagnostic)
        if fix is None:
            continue
        try:
            edits = [Edit(**e) for e in fix["edits"]]
        except TypeError:
            continue  # not data this server wrote
        actions.append(
            types.CodeAction(
                title=f"{diagnostic.code}: {fix['description']}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=fix.get("applicability") == "safe",
                edit=types.WorkspaceEdit(changes={uri: text_edits(text, edits)}),
            )
        )
    return actions


# ---------------------------------------------------------------------- noqa
def _logical_line(text: str, line: int) -> tuple[int, int] | None:
    """(first, last) physical line of the logical line holding `line`; None when it does not tokenize."""
    start: int | None = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
                continue
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if start is not None and start <= line <= tok.start[0]:
                    return start, tok.start[0]
                start = None
                continue
            if start is None:
                start = tok.start[0]
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


def noqa_edit(text: str, code: str, line: int) -> Edit | None:
    """The edit that makes tllint's noqa parser suppress `code` on `line`; None if none is safe.

    An existing `# noqa: A, B` covering the line gets the code added; otherwise `  # noqa: CODE`
    goes at the end of the statement's last line (a directive covers its whole logical line, and
    nothing but the end of a statement is sure to be outside a string).
    """
    from tllint.noqa import parse_noqa
    from tllint.parse import python_parses

    noqa = parse_noqa(text)
    lines = text.split("\n")
    for directive in noqa.by_line.get(line, ()):
        if directive.codes is None:
            return None  # a blanket noqa already covers every code
        if any(code.startswith(c) for c in directive.codes):
            return None
        begin, end = directive.span
        new = f"# noqa: {', '.join((*directive.codes, code))}"
        col = directive.comment_col0
        edit = Edit(directive.line, col + begin + 1, directive.line, col + end + 1, new)
        break
    else:
        span = _logical_line(text, line)
        if span is None or span[1] > len(lines):
            return None
        last = span[1]
        body = lines[last - 1].rstrip("\r")
        stripped = body.rstrip()
        if stripped.endswith("\\"):
            return None
        edit = Edit(last, len(stripped) + 1, last, len(body) + 1, f"  # noqa: {code}")
    from tllint.fixes._edits import apply_edits

    try:
        new_text = apply_edits(text, [edit])
    except ValueError:
        return None
    probe = Finding(code, "", "info", "", "", line, 1, line, 1)
    if not parse_noqa(new_text).suppresses(probe):
        return None
    if python_parses(text) and not python_parses(new_text):
        return None
    return edit


def noqa_actions(uri: str, text: str, diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
    actions = []
    done: set[tuple[str, int]] = set()
    for diagnostic in diagnostics:
        code = diagnostic.code
        if diagnostic.source != "tllint" or not isinstance(code, str) or code in NOT_SUPPRESSIBLE:
            continue
        line = diagnostic.range.start.line + 1
        if (code, line) in done:
            continue
        done.add((code, line))
        edit = noqa_edit(text, code, line)
        if edit is None:
            continue
        actions.append(
            types.CodeAction(
                title=f"{code}: Disable for this line (`# noqa: {code}`)",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(changes={uri: text_edits(text, [edit])}),
            )
        )
    return actions


# ---------------------------------------------------------------------- fix all
def safe_fix_count(diagnostics: list[types.Diagnostic]) -> int:
    return sum(1 for d in diagnostics if (_fix_of(d) or {}).get("applicability") == "safe")


def fix_all_edits(text: str, lint: Callable[[str], list[Finding]]) -> list[Edit]:
    """Line edits from the document's text to its text with every safe fix applied ([] if none)."""
    from tllint.fixes._edits import edits_between
    from tllint.fixes.apply import fix_text
    from tllint.parse import python_parses

    result = fix_text(text, lint, unsafe=False)
    if not result.changed or not python_parses(result.fixed):
        return []
    return edits_between(text, result.fixed)


def fix_all_action(uri: str, kind: str, edits: list[Edit] | None, text: str, version: int | None) -> types.CodeAction:
    """The action; `edits` None leaves the edit to codeAction/resolve (its data says which document)."""
    action = types.CodeAction(title=FIX_ALL_TITLE, kind=kind)
    if edits is None:
        action.data = {"fixAll": uri, "version": version}
    else:
        action.edit = types.WorkspaceEdit(changes={uri: text_edits(text, edits)})
    return action


def wanted(only: list[str] | None, kind: str) -> bool:
    """LSP's `only` filter: a kind matches itself and the kinds it is a prefix of (`source` > `source.fixAll`)."""
    if not only:
        return True
    return any(kind == k or kind.startswith(k + ".") for k in only)
