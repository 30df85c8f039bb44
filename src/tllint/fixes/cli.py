"""`tllint --fix`, `--diff` and `--unsafe-fixes` (called by `tllint.cli.check_command`).

--fix writes the fixed files (atomically; a file that changed on disk meanwhile is left alone),
then reports what remains; --diff prints a unified diff per file and writes nothing. Unsafe fixes
(they change what training does) need --unsafe-fixes. Exit code: 0 when nothing remains (with
--diff: 0 when there is nothing to change), else 1.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from tllint.cli_common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    UsageError,
    apply_baseline,
    discover_arguments,
    performance_options,
    plural,
    summary,
    write_report,
)
from tllint.fixes.apply import ChangedOnDisk, TextFix, digest, fix_text, source_encoding, unified_diff, write_atomic


@dataclass
class Outcome:
    display: str
    fixed: int = 0
    diff: str = ""
    written: bool = False


def fix_summary(fixed: int, remaining, unsafe: bool, *, would: bool = False) -> str:
    hidden = 0 if unsafe else sum(1 for f in remaining if f.fix is not None and f.fix.applicability == "unsafe")
    verb = "Would fix" if would else "Fixed"
    text = f"{verb} {plural(fixed, 'finding')}, {len(remaining)} remaining"
    if hidden:
        text += f" ({hidden} fixable with --unsafe-fixes)"
    return text + "."


def fix_command(args, settings, paths: list[str]) -> int:
    from tllint.linter import Linter, RunResult
    from tllint.reading import Unreadable, decode_source
    from tllint.runner import lint_paths

    if args.write_baseline:
        raise UsageError("--write-baseline cannot be combined with --fix or --diff")
    unsafe = bool(args.unsafe_fixes)
    linter = Linter(settings)

    if "-" in paths:
        if paths != ["-"]:
            raise UsageError("`-` (stdin) cannot be combined with other paths")
        display = args.stdin_filename or "-"
        data = sys.stdin.buffer.read()
        try:
            text = decode_source(data)
        except Unreadable as exc:
            print(f"tllint: error: {display}: {exc}", file=sys.stderr)
            if not args.diff:
                sys.stdout.buffer.write(data)
            return EXIT_FINDINGS
        res = fix_text(text, lambda t: linter.lint_text(t, display, path=args.stdin_filename or display), unsafe=unsafe)
        if args.diff:
            sys.stdout.write(unified_diff(res.original, res.fixed, display))
            print(fix_summary(len(res.applied), res.remaining, unsafe, would=True), file=sys.stderr)
            return EXIT_FINDINGS if res.changed else EXIT_CLEAN
        sys.stdout.write(res.fixed)
        sys.stdout.flush()
        print(fix_summary(len(res.applied), res.remaining, unsafe), file=sys.stderr)
        return EXIT_FINDINGS if res.remaining and not args.exit_zero else EXIT_CLEAN

    force_exclude = bool(getattr(args, "force_exclude", False))
    targets = discover_arguments(paths, settings, force_exclude=force_exclude)
    if isinstance(targets, int):
        return targets

    from tllint.linter import new_project

    # Local imports are followed as in a plain run (tllint.project); fixes only edit the file itself.
    linter = Linter(settings, project=new_project(settings, targets))
    total_fixed = 0
    changed = False
    pending = []
    for target in targets:
        outcome = fix_target(target, linter, unsafe=unsafe, write=not args.diff)
        if outcome is None:
            continue
        total_fixed += outcome.fixed
        if outcome.diff:
            changed = True
            if args.diff:
                sys.stdout.write(outcome.diff)
        pending.append(outcome)
    sys.stdout.flush()

    options = performance_options(args)
    result: RunResult = lint_paths(targets, settings, options=options) if options is not None else lint_paths(targets, settings)
    findings = result.findings
    if args.diff:
        text = f"Would fix {plural(total_fixed, 'finding')}"
        more = 0 if unsafe else sum(1 for f in findings if f.fix is not None and f.fix.applicability == "unsafe")
        if more:
            text += f" ({more} more fixable with --unsafe-fixes)"
        print(text + ".", file=sys.stderr)
        return EXIT_FINDINGS if changed else EXIT_CLEAN
    findings, hidden = apply_baseline(args, findings, result)
    write_report(args, findings, result)
    if total_fixed or findings:
        print(fix_summary(total_fixed, findings, unsafe), file=sys.stderr)
    else:
        print(summary(findings, result, hidden), file=sys.stderr)
    if findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def fix_target(target, linter, *, unsafe: bool, write: bool) -> Outcome | None:
    """Fix one file (or notebook); None when it cannot be read."""
    try:
        data = Path(target.path).read_bytes()
    except OSError:
        return None
    if target.is_notebook:
        from tllint.fixes.notebook import fix_notebook_text

        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
        nb = fix_notebook_text(text, target.display, linter, unsafe=unsafe, path=target.path)
        if nb is None:
            return Outcome(target.display)
        res = nb.result
        new_bytes = res.fixed.encode("utf-8")
        if data.startswith(b"\xef\xbb\xbf"):
            new_bytes = b"\xef\xbb\xbf" + new_bytes
    else:
        from tllint.reading import Unreadable, decode_source

        try:
            text = decode_source(data)
        except Unreadable:
            return None
        res = fix_text(text, lambda t: linter.lint_text(t, target.display, path=target.path), unsafe=unsafe)
        try:
            new_bytes = res.fixed.encode(source_encoding(data))
        except (LookupError, UnicodeEncodeError):
            return Outcome(target.display)
    outcome = Outcome(target.display, fixed=len(res.applied))
    if not res.changed:
        outcome.fixed = 0
        return outcome
    outcome.diff = nb.diff if target.is_notebook else unified_diff(res.original, res.fixed, target.display)
    if write:
        try:
            write_atomic(Path(target.path), new_bytes, digest(data))
            outcome.written = True
        except ChangedOnDisk as exc:
            print(f"tllint: warning: {target.display}: not fixed: {exc}", file=sys.stderr)
            outcome.fixed = 0
        except OSError as exc:
            print(f"tllint: warning: {target.display}: not fixed: cannot write it ({exc.strerror or exc})", file=sys.stderr)
            outcome.fixed = 0
    return outcome


__all__ = ["fix_command", "fix_summary", "fix_target", "TextFix"]
