"""The `tllint` command: `tllint [options] PATH...`, `tllint rule CODE`, `tllint server`.

Exit codes: 0 no findings, 1 findings, 2 usage error, bad configuration or missing path.
Findings go to stdout (or --output-file); the one-line summary and warnings go to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tllint import __version__
from tllint.cli_common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_USAGE,
    UsageError,
    apply_baseline,
    discover_arguments,
    performance_options,
    plural,
    summary,
    write_report,
)
from tllint.config import ConfigError, load_settings, merge_cli, parse_selectors, parse_target_keras, split_codes



class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would sys.exit; main() returns codes instead
        raise UsageError(f"{message}\n{self.format_usage().rstrip()}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tllint",
        description="Lint Keras transfer-learning training scripts.",
        epilog="Subcommands: `tllint rule CODE` (or `--all`) shows rule documentation; "
        "`tllint server` starts the language server.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to lint (default: .); `-` reads stdin")
    parser.add_argument("--version", action="version", version=f"tllint {__version__}")
    out = parser.add_argument_group("output")
    out.add_argument("--format", choices=("text", "json", "sarif", "github", "junit"), default="text")
    out.add_argument("--output-file", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    out.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    out.add_argument(
        "--show-source", action="store_true",
        help="text format: show the source with a caret under the span, each related place of the finding's "
        "chain with its label, the explanation and the fix (the same as --output-format full)",
    )
    out.add_argument(
        "--output-format", choices=("concise", "full"), default="concise",
        help="text format: one line per finding (concise) or with the source, related places and help (full)",
    )
    out.add_argument("--statistics", action="store_true", help="print the count of each code instead of the findings")
    out.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    sel = parser.add_argument_group("rule selection")
    sel.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to enable (replaces the config's)")
    sel.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes to disable")
    sel.add_argument("--extend-select", metavar="CODES", help="codes or prefixes to enable on top of the selection")
    cfg = parser.add_argument_group("configuration")
    cfg.add_argument("--config", metavar="FILE", help="use FILE instead of the nearest pyproject.toml with [tool.tllint]")
    cfg.add_argument("--target-keras", metavar="VERSION", help='"auto", "2", "3" or a minor version such as 3.16')
    cfg.add_argument("--stdin-filename", metavar="NAME", help="the name under which stdin (`-`) is reported")
    cfg.add_argument(
        "--force-exclude", action="store_true", help="apply the exclude patterns to paths named on the command line too"
    )
    base = parser.add_argument_group("baseline")
    base.add_argument("--baseline", metavar="FILE", help="hide the findings recorded in FILE")
    base.add_argument("--write-baseline", metavar="FILE", help="record the current findings in FILE and exit 0")
    # Parallel jobs, the per-file cache and the per-file time budget (tllint.parallel, tllint.cache).
    perf = parser.add_argument_group("performance")
    perf.add_argument(
        "--no-cache", action="store_true",
        help="do not read or write the per-file cache (TLLINT_CACHE_DIR, default ~/.cache/tllint)",
    )
    perf.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: the number of CPUs)")
    perf.add_argument(
        "--timeout-per-file", type=float, metavar="SECONDS",
        help="stop analysing a file after SECONDS and report TL999 (default: 10; 0: no limit)",
    )
    # Autofix: `tllint.fixes.cli`.
    fix = parser.add_argument_group("fixes")
    fix.add_argument("--fix", action="store_true", help="apply the safe fixes and write the files; report what remains")
    fix.add_argument("--diff", action="store_true", help="print the fixes as a unified diff and write nothing")
    fix.add_argument("--unsafe-fixes", action="store_true", help="also apply the fixes that change training behaviour")
    # Confirm mode: `tllint.confirm` (its parent side imports no TensorFlow).
    from tllint.confirm import add_arguments as add_confirm_arguments

    add_confirm_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "rule":
            return rule_command(argv[1:])
        if argv and argv[0] == "server":
            return server_command(argv[1:])
        return check_command(argv)
    except UsageError as exc:
        print(f"tllint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        print(f"tllint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        print("tllint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `tllint . | head`: the reader left; Python must not complain while flushing.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS


def _codes(value: str | None, option: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    return parse_selectors(split_codes(value), option)


def load_run_settings(args: argparse.Namespace):
    settings = load_settings(Path(args.config) if args.config else None)
    target = parse_target_keras(args.target_keras, "--target-keras") if args.target_keras is not None else None
    settings = merge_cli(
        settings,
        select=_codes(args.select, "--select"),
        ignore=_codes(args.ignore, "--ignore") or (),
        extend_select=_codes(args.extend_select, "--extend-select") or (),
        target_keras=target,
    )
    from tllint.selection import unknown_selectors

    unknown = unknown_selectors(settings)
    if unknown:
        raise ConfigError(f"unknown rule code or prefix {unknown[0]!r} (see `tllint rule --all`)")
    return settings


def check_command(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    settings = load_run_settings(args)
    paths = args.paths or ["."]
    if args.confirm:
        from tllint.confirm import confirm_available

        hint = confirm_available(args.confirm_backend)  # what the chosen backend needs
        if hint is not None:
            raise UsageError(hint)
        confirm_isolation_check(args, settings)
    if args.fix or args.diff:
        from tllint.fixes.cli import fix_command

        return fix_command(args, settings, paths)
    if "-" in paths:
        if paths != ["-"]:
            raise UsageError("`-` (stdin) cannot be combined with other paths")
        result = lint_stdin(settings, args.stdin_filename)
    else:
        result = lint_arguments(paths, settings, performance_options(args), force_exclude=args.force_exclude)
        if isinstance(result, int):
            return result

    if args.confirm:
        run_confirm_mode(args, result)
    findings = result.findings
    if args.write_baseline:
        from tllint.baseline import BaselineError, write_baseline

        try:
            write_baseline(Path(args.write_baseline), findings, result.sources)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
        print(f"Wrote {plural(len(findings), 'finding')} to baseline {args.write_baseline}.", file=sys.stderr)
        return EXIT_CLEAN
    findings, hidden = apply_baseline(args, findings, result)
    write_report(args, findings, result)
    print(summary(findings, result, hidden), file=sys.stderr)
    if findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def lint_arguments(paths: list[str], settings, options=None, *, force_exclude: bool = False):
    """The RunResult for the PATH arguments, or an exit code when there is nothing to lint."""
    from tllint.runner import lint_paths

    targets = discover_arguments(paths, settings, force_exclude=force_exclude)
    if isinstance(targets, int):
        return targets
    return lint_paths(targets, settings, options=options)


def lint_stdin(settings, stdin_filename: str | None):
    from tllint.rule_base import tool_finding
    from tllint.linter import Linter, RunResult, lint_text, new_project
    from tllint.reading import Unreadable, decode_source

    display = stdin_filename or "-"
    result = RunResult(files_checked=1, files=[display])
    # With a real file name, local imports are followed (findings inside them are not reported).
    linter = Linter(settings, project=new_project(settings) if stdin_filename else None)
    data = sys.stdin.buffer.read()
    try:
        text = decode_source(data)
    except Unreadable as exc:
        result.errors.append(f"{display}: {exc}")
        result.unreadable.add(display)
        finding = tool_finding("TL000", str(exc), display, exc.line, exc.column)
        result.findings = [finding] if linter.keep(finding, ()) else []
        return result
    if stdin_filename:
        # Also judged through the project's scripts that import this file (linter.lint_text).
        result.findings = lint_text(text, display, settings, project=linter.project)
    else:
        result.findings = [f for f in linter.lint_text(text, display, path=display) if f.path == display]
    if result.findings:
        result.sources[display] = text
    return result


def confirm_isolation_check(args: argparse.Namespace, settings) -> None:
    """Exit 2 when no OS sandbox exists and the user did not opt in; warn when running Python-only."""
    from tllint.confirm.isolation import PYTHON_ONLY_WARNING, IsolationUnavailable, decide

    args.confirm_isolation = args.confirm_isolation or getattr(settings, "confirm_isolation", "auto")
    try:
        isolation = decide(args.confirm_isolation)
    except IsolationUnavailable as exc:
        raise UsageError(str(exc)) from None
    if isolation.level == "python-only":
        print(PYTHON_ONLY_WARNING, file=sys.stderr)


def run_confirm_mode(args: argparse.Namespace, result) -> None:
    """Judge each finding by running its script (in place); add the findings seen only at run time."""
    from tllint.confirm import run_confirm
    from tllint.finding import Finding

    by_path: dict[str, list] = {display: [] for display in result.files}
    for finding in result.findings:
        by_path.setdefault(finding.path, []).append(finding)
    confirmed = run_confirm(by_path, args)
    result.findings = sorted(result.findings + confirmed.new_findings, key=Finding.sort_key)
    if confirmed.summary:
        print(confirmed.summary, file=sys.stderr)


def rule_command(argv: list[str]) -> int:
    parser = _Parser(prog="tllint rule", description="Show the documentation of a rule.")
    parser.add_argument("code", nargs="?", help="a rule code such as TL101")
    parser.add_argument("--all", action="store_true", help="list every rule: code, name, severity")
    args = parser.parse_args(argv)
    from tllint.rule_docs import rule_page
    from tllint.rules import registry

    infos = registry()
    if args.all:
        name_width = max(len(i.name) for i in infos.values())
        for info in infos.values():
            print(f"{info.code}  {info.name:<{name_width}}  {info.severity}")
        return EXIT_CLEAN
    if not args.code:
        raise UsageError("give a rule code (e.g. `tllint rule TL101`) or --all")
    code = args.code.strip().upper()
    page = rule_page(code)
    if page is None:
        info = infos.get(code)
        if info is None:
            raise UsageError(f"unknown rule code {args.code!r} (see `tllint rule --all`)")
        page = f"# {info.code}: {info.name}\n\n{info.summary}\n\nSeverity: {info.severity}\n"
    sys.stdout.write(page if page.endswith("\n") else page + "\n")
    return EXIT_CLEAN


def server_command(argv: list[str]) -> int:
    parser = _Parser(prog="tllint server", description="Start the tllint language server on stdio.")
    parser.parse_args(argv)
    try:
        from tllint.lsp import serve
    except ImportError as exc:
        raise UsageError(f"the language server needs pygls ({exc}); install it with: pip install 'tllint[lsp]'") from None
    serve()
    return EXIT_CLEAN
