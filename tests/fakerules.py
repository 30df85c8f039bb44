"""Stand-in rules for tests of the plumbing (CLI, noqa, formats, baseline, LSP, flake8).

A call `fire_tl101()` in a script makes the fake analyser report TL101 at that call, so tests
control codes, lines and columns exactly, independently of the real rules.
"""

from __future__ import annotations

import re
import sys

from tllint.finding import Edit, Finding, Fix
from tllint.rules import TOOL_CODES, RuleInfo

FAKE_RULES = (
    RuleInfo("TL101", "missing-preprocessing", "error", "Raw pixels reach a backbone that expects scaled input.", True),
    RuleInfo("TL201", "backbone-trainable-during-head-training", "error", "The backbone trains with a fresh head.", True),
    RuleInfo("TL204", "fine-tune-learning-rate-too-high", "warning", "Fine-tuning with a learning rate >= 1e-3.", True),
    RuleInfo("TL301", "loss-activation-mismatch", "info", "Final activation and loss disagree.", True),
)
FIRE = re.compile(r"\bfire_(tl\d{3})\(\)")
FIXABLE = re.compile(r"\blr=1e-3\b")


def fake_registry() -> dict[str, RuleInfo]:
    return dict(sorted({i.code: i for i in (*TOOL_CODES, *FAKE_RULES)}.items()))


def fake_analyze(source, path, settings=None, *, enabled=None, project=None):
    import libcst as cst

    from tllint.parse import parse_error_finding

    try:
        cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return [parse_error_finding(exc, path)]
    if "sleep_fake()" in source:
        import time

        time.sleep(0.5)  # a slow analysis (the language server's cancellation tests)
    infos = fake_registry()
    findings = []
    for number, text in enumerate(source.splitlines(), 1):
        for match in FIRE.finditer(text):
            code = match.group(1).upper()
            if enabled is not None and code not in enabled:
                continue
            info = infos[code]
            fix = None
            fixable = FIXABLE.search(text)
            if fixable:
                fix = Fix("safe", "use lr=1e-5", [Edit(number, fixable.start() + 1, number, fixable.end() + 1, "lr=1e-5")])
            findings.append(
                Finding(
                    code=code,
                    name=info.name,
                    severity=info.severity,
                    message=f"fake {info.name}",
                    path=path,
                    line=number,
                    column=match.start() + 1,
                    end_line=number,
                    end_column=match.end() + 1,
                    fix=fix,
                )
            )
    return findings


def targets():
    import tllint.analysis
    import tllint.formats.sarif_format
    import tllint.rules
    import tllint.linter
    import tllint.selection

    return [
        (tllint.rules, "registry", fake_registry),
        (tllint.selection, "registry", fake_registry),
        (tllint.formats.sarif_format, "registry", fake_registry),
        (tllint.linter, "analyze_source", fake_analyze),
        (tllint.analysis, "analyze_source", fake_analyze),
    ]


def install() -> None:
    """Patch for good (used in subprocesses: `python -c "import fakerules; fakerules.install(); ..."`)."""
    for module, name, value in targets():
        setattr(module, name, value)


if __name__ == "__main__":
    install()
    from tllint.cli import main

    sys.exit(main(sys.argv[1:]))
