"""Confirm mode (`tllint --confirm`): run each script briefly in a sandboxed child process and mark
every static finding confirmed / refuted / inconclusive with what was observed.

The parent side (this package minus `_child/`, which only the child process runs) never imports
TensorFlow or Keras.

Public API (wired into the CLI by `tllint.cli`):

* `add_arguments(parser)`: adds --confirm, --confirm-timeout, --confirm-steps, --confirm-backend.
* `confirm_available(backend=None) -> str | None`: None when what the backend needs is importable
  (keras and tensorflow, jax or torch), else the install hint naming it (the CLI exits 2 with it).
* `run_confirm(findings_by_path, options) -> ConfirmResult`: sets `finding.confirmation` in place,
  returns runtime-only findings and the summary line.
* `format_confirmation(finding) -> str`: the text the text formatter appends to a finding.
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tllint.finding import Finding
from tllint.formats import format_confirmation  # documented as tllint.confirm.format_confirmation

from .isolation import IsolationUnavailable

INSTALL_HINT = 'confirm mode needs TensorFlow and Keras: pip install "tllint[confirm]"'
# What the child imports per backend; TensorFlow only for its own backend (or a script importing it).
BACKEND_NEEDS = {"tensorflow": ("tensorflow", "keras"), "jax": ("keras", "jax"), "torch": ("keras", "torch")}
INSTALL_HINTS = {
    "tensorflow": INSTALL_HINT + " (or --confirm-backend jax / torch where Keras and that library are installed)",
    "jax": "confirm mode with --confirm-backend jax needs Keras and JAX (no TensorFlow): pip install keras jax",
    "torch": "confirm mode with --confirm-backend torch needs Keras and PyTorch (no TensorFlow): pip install keras torch",
}
DEFAULT_TIMEOUT = 300.0
DEFAULT_STEPS = 2
BACKENDS = ("tensorflow", "jax", "torch")


@dataclass
class ConfirmOptions:
    timeout: float = DEFAULT_TIMEOUT
    steps: int = DEFAULT_STEPS
    backend: str | None = None  # None: KERAS_BACKEND or tensorflow
    isolation: str = "auto"  # "auto": the OS mechanisms there are (refused without any); "python"

    @classmethod
    def from_namespace(cls, options: Any) -> "ConfirmOptions":
        if isinstance(options, ConfirmOptions):
            return options
        if options is None:
            return cls()
        get = options.get if isinstance(options, dict) else (lambda k, d=None: getattr(options, k, d))
        timeout = get("confirm_timeout", None)
        steps = get("confirm_steps", None)
        return cls(
            timeout=float(timeout) if timeout is not None else DEFAULT_TIMEOUT,
            steps=int(steps) if steps is not None else DEFAULT_STEPS,
            backend=get("confirm_backend", None),
            isolation=get("confirm_isolation", None) or "auto",
        )


@dataclass
class ConfirmResult:
    new_findings: list[Finding] = field(default_factory=list)
    summary: str = ""
    # Per script: seconds, exit status, whether it timed out (for reports and tests).
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Per script: the observed run (tllint.confirm.verdicts.Timeline), for callers that want more.
    timelines: dict[str, Any] = field(default_factory=dict)
    # The sandbox the scripts ran in: {"level": "landlock+seccomp" | "landlock" | "seccomp" |
    # "python-only", "lacks": [...]}; also in each finding's confirmation (so in the JSON output).
    isolation: dict[str, Any] = field(default_factory=dict)


def add_arguments(parser) -> None:
    group = parser.add_argument_group("confirm mode (runs your script briefly; needs tllint[confirm])")
    group.add_argument(
        "--confirm",
        action="store_true",
        help="run each script's model building and training briefly in a sandboxed child process and "
        "mark each finding confirmed / refuted / inconclusive",
    )
    group.add_argument(
        "--confirm-timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"kill a script's process group after this many seconds (default {DEFAULT_TIMEOUT:g})",
    )
    group.add_argument(
        "--confirm-steps",
        type=int,
        default=DEFAULT_STEPS,
        metavar="N",
        help=f"steps per fit/train_on_batch/evaluate/predict call (default {DEFAULT_STEPS}; one epoch)",
    )
    group.add_argument(
        "--confirm-backend",
        choices=BACKENDS,
        default=None,
        help="Keras 3 backend for the child (sets KERAS_BACKEND; default: $KERAS_BACKEND or tensorflow)",
    )
    group.add_argument(
        "--confirm-isolation",
        choices=("auto", "python"),
        default=None,
        help="the child's sandbox: auto (Landlock and seccomp where the system has them; refuses to run "
        "without either) or python (the Python-level sandbox only); default: confirm-isolation in "
        "[tool.tllint], else auto",
    )


def effective_backend(backend: str | None = None) -> str:
    """The Keras backend the child runs: --confirm-backend, else $KERAS_BACKEND, else tensorflow."""
    return backend or os.environ.get("KERAS_BACKEND") or "tensorflow"


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def confirm_available(backend: str | None = None, importable=_importable) -> str | None:
    """None when confirm mode can run here with `backend` (see `effective_backend`), else the install
    hint naming what that backend needs. Imports nothing heavy (`importable` only finds modules)."""
    name = effective_backend(backend)
    needs = BACKEND_NEEDS.get(name, ("keras", name))
    if all(importable(module) for module in needs):
        return None
    return INSTALL_HINTS.get(name, f"confirm mode with the {name} backend needs Keras and {name}: pip install keras {name}")


_KERAS2 = re.compile(r"\btf_keras\b|TF_USE_LEGACY_KERAS")
_KERASISH = re.compile(r"keras|tensorflow")


def _skip_reason(path: str) -> str | None:
    p = Path(path)
    if p.suffix == ".ipynb":
        return "confirm mode runs .py scripts only (notebooks are not executed)"
    try:
        text = p.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"cannot read the script: {exc}"
    if _KERAS2.search(text):
        return "tf_keras (Keras 2) scripts are not instrumented by confirm mode"
    if not _KERASISH.search(text):
        return "the script does not use Keras"
    return None


def run_confirm(findings_by_path: dict[str, list[Finding]], options: Any = None) -> ConfirmResult:
    """Run each script in a child process and judge its findings (in place)."""
    from .runner import RunResult, run_script
    from .verdicts import INCONCLUSIVE, Timeline, judge, runtime_findings

    from .isolation import decide

    opts = ConfirmOptions.from_namespace(options)
    isolation = decide(opts.isolation)  # IsolationUnavailable: no OS mechanism and no opt-in
    result = ConfirmResult(isolation=isolation.as_json())
    meta: dict | None = None
    for path, findings in findings_by_path.items():
        reason = _skip_reason(path)
        if reason is not None:
            run = RunResult(script=str(path), skipped=reason)
        else:
            run = run_script(path, steps=opts.steps, timeout=opts.timeout, backend=opts.backend, isolation=isolation)
        timeline = Timeline.build(run)
        meta = meta or timeline.meta
        result.timelines[path] = timeline
        result.runs[path] = {
            "seconds": round(run.seconds, 2),
            "returncode": run.returncode,
            "timed_out": run.timed_out,
            "skipped": run.skipped,
            "status": timeline.run_status() if (timeline.end or {}).get("status") != "ok" else "ok",
        }
        for finding in findings:
            if run.skipped:
                finding.confirmation = {"status": INCONCLUSIVE, "evidence": f"not run: {run.skipped}"}
            else:
                finding.confirmation = judge(timeline, finding)
        if not run.skipped:
            result.new_findings.extend(runtime_findings(timeline, findings, path))
    for finding in [f for fs in findings_by_path.values() for f in fs] + result.new_findings:
        if finding.confirmation is not None:
            finding.confirmation["isolation"] = isolation.as_json()
    counts = {"confirmed": 0, "refuted": 0, "inconclusive": 0}
    for findings in findings_by_path.values():
        for f in findings:
            if f.confirmation:
                counts[f.confirmation["status"]] = counts.get(f.confirmation["status"], 0) + 1
    env = (
        f"keras {meta.get('keras')}, backend {meta.get('backend')}, device {meta.get('device')}"
        if meta
        else "no script reached Keras"
    )
    env += f", isolation {isolation.describe()}"
    summary = f"confirm: {env}; {counts['confirmed']} confirmed, {counts['refuted']} refuted, {counts['inconclusive']} inconclusive"
    if result.new_findings:
        summary += f"; {len(result.new_findings)} new at run time"
    result.summary = summary
    return result


__all__ = [
    "ConfirmOptions",
    "ConfirmResult",
    "INSTALL_HINT",
    "INSTALL_HINTS",
    "IsolationUnavailable",
    "add_arguments",
    "confirm_available",
    "effective_backend",
    "format_confirmation",
    "run_confirm",
]
