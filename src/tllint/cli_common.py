"""What the lint and fix commands share: usage errors, argument discovery, the baseline, the
report and its summary line (drivers layer).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def discover_arguments(paths: list[str], settings, *, force_exclude: bool = False):
    """The files the PATH arguments name, or an exit code when there is nothing to lint."""
    from tllint.discovery import discover, print_warnings

    found = discover(paths, settings, force_exclude=force_exclude)
    print_warnings(found.warnings)
    if found.missing:
        for arg in found.missing:
            print(f"tllint: error: {arg}: no such file or folder", file=sys.stderr)
        return EXIT_USAGE
    if not found.targets:
        if not force_exclude:  # pre-commit passing only excluded files is not worth a warning
            print("tllint: warning: no Python files found under the given path(s)", file=sys.stderr)
        return EXIT_CLEAN
    return found.targets


def use_color(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def performance_options(args: argparse.Namespace):
    """--jobs, --no-cache and --timeout-per-file as tllint.parallel.Options."""
    from tllint.parallel import DEFAULT_TIMEOUT, Options

    if args.jobs is not None and args.jobs < 0:
        raise UsageError("--jobs must be 0 (the number of CPUs) or more")
    timeout = DEFAULT_TIMEOUT if args.timeout_per_file is None else args.timeout_per_file
    if timeout < 0:
        raise UsageError("--timeout-per-file must be 0 (no limit) or more")
    return Options(jobs=args.jobs or None, cache=not args.no_cache, timeout=timeout or None)


def apply_baseline(args, findings: list, result) -> tuple[list, int]:
    """Findings not recorded in `--baseline`, and how many it hid."""
    if not args.baseline:
        return findings, 0
    from tllint.baseline import BaselineError, filter_baseline

    try:
        return filter_baseline(findings, result.sources, Path(args.baseline))
    except BaselineError as exc:
        raise UsageError(str(exc)) from None


def write_report(args: argparse.Namespace, findings, result) -> None:
    from tllint.formats import Context, render

    show_source = args.show_source or getattr(args, "output_format", "concise") == "full"
    if args.output_file:
        # A report file is read by tools, never a terminal: no colour even with --color always.
        context = Context(files=result.files, sources=result.sources, color=False, show_source=show_source)
        text = statistics(findings, args.format) if args.statistics else render(args.format, findings, context)
        try:
            Path(args.output_file).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output_file}: {exc.strerror or exc}") from None
        return
    context = Context(
        files=result.files, sources=result.sources, color=use_color(args.color, sys.stdout), show_source=show_source
    )
    text = statistics(findings, args.format) if args.statistics else render(args.format, findings, context)
    sys.stdout.write(text)
    sys.stdout.flush()


def statistics(findings, fmt: str) -> str:
    from collections import Counter

    counts = Counter((f.code, f.name) for f in findings)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    if fmt == "json":
        import json

        return json.dumps([{"code": c, "name": n, "count": k} for (c, n), k in rows], indent=2) + "\n"
    width = max((len(str(k)) for _, k in rows), default=1)
    return "".join(f"{k:>{width}}\t{c}\t{n}\n" for (c, n), k in rows)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(findings, result, hidden: int = 0) -> str:
    notes = []
    # Unreadable: cannot be read, decoded or parsed (TL000), whether or not TL000 is shown.
    unreadable = set(result.unreadable) | {f.path for f in findings if f.code == "TL000"}
    if unreadable:
        notes.append(f"{plural(len(unreadable), 'file')} unreadable")
    if hidden:
        notes.append(f"{hidden} hidden by baseline")
    if not findings:
        return f"All checks passed ({', '.join([plural(result.files_checked, 'file'), *notes])})."
    tail = f" ({', '.join(notes)})" if notes else ""
    files = len({f.path for f in findings})
    return f"Found {plural(len(findings), 'finding')} in {plural(files, 'file')}{tail}."
