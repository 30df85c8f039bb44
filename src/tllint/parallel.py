"""Lint many files fast: worker processes, the per-file cache and a per-file time budget.

`run()` gives the same `RunResult` as `runner.lint_paths` (same findings, same order): each file
becomes an `Outcome` (what it adds to the run, including the cross-file records of
`tllint.project`), computed by a worker process, read from the cache or computed in-process;
the outcomes are then merged in the order of the targets into one project, which finalises the
findings exactly as a single-process run does.

Time budget (`--timeout-per-file`, default 10 s): inside a worker a SIGALRM timer stops the
analysis of a file that takes longer (TL999 with the reason; the worker goes on with the next
file). Native code (LibCST's parser) cannot be interrupted by a signal, so the parent also
watches each worker: one that is silent for 1.5 x the budget + 2 s is killed and replaced, and
its file reported as TL999; a worker that dies (a crash in native code) costs only its file too.
In-process runs (`--jobs 1`, or a single file) have the signal timer only (main thread, POSIX).
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import signal
import stat
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from tllint.prefilter import might_involve_keras
from tllint.rule_base import tool_finding
from tllint.discovery import Target
from tllint.finding import Finding
from tllint.settings import Settings

DEFAULT_TIMEOUT = 10.0
BATCH = 8  # files sent to a worker at once (results come back one by one)


@dataclass
class Options:
    jobs: int | None = None  # None: the number of CPUs
    cache: bool = True
    cache_dir: Path | None = None  # None: cache.default_cache_dir()
    timeout: float | None = DEFAULT_TIMEOUT  # None or <= 0: no budget
    project: bool = True  # follow local imports (tllint.project); lint_paths(project=False) turns it off


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class FileTimeout(BaseException):
    """Raised by the SIGALRM handler; a BaseException so the engine's `except Exception` lets it by."""


@contextmanager
def time_budget(seconds: float | None):
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise FileTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------------- one file's outcome
@dataclass
class Outcome:
    checked: bool = False
    findings: list[Finding] = field(default_factory=list)
    foreign: list[int] = field(default_factory=list)  # indices of findings reported from another file
    errors: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    # tllint.project's records: [module path, program display, first line, last line]
    coverage: list[list] = field(default_factory=list)
    used_noqa: list[list] = field(default_factory=list)  # [display, line]
    displays: list[list] = field(default_factory=list)  # [module path, display]

    @property
    def cacheable(self) -> bool:
        return not any(f.code == "TL999" for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        from tllint.cache import finding_to_json

        return {
            "checked": self.checked,
            "findings": [finding_to_json(f) for f in self.findings],
            "foreign": self.foreign,
            "errors": self.errors,
            "unreadable": self.unreadable,
            "sources": self.sources,
            "coverage": self.coverage,
            "used_noqa": self.used_noqa,
            "displays": self.displays,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Outcome":
        from tllint.cache import finding_from_json

        return cls(
            checked=bool(data["checked"]),
            findings=[finding_from_json(f) for f in data["findings"]],
            foreign=[int(i) for i in data["foreign"]],
            errors=[str(e) for e in data["errors"]],
            unreadable=[str(u) for u in data["unreadable"]],
            sources={str(k): str(v) for k, v in data["sources"].items()},
            coverage=[list(c) for c in data["coverage"]],
            used_noqa=[list(u) for u in data["used_noqa"]],
            displays=[list(d) for d in data["displays"]],
        )


# tllint.project keeps cross-file records (findings reported in other files, line ranges of
# imported modules each program ran, used noqa): a worker sends the records one file added as
# plain data, and the parent feeds them to the run's project before `finalize`. These helpers use the
# project's internals on purpose; tests/test_speed_features.py checks that a parallel run
# and a cached run equal a single-process one on tests/projects.
def _mark(project) -> tuple | None:
    if project is None:
        return None
    # Sizes only (cheap: this runs for every file, and _displays holds every target).
    return (
        len(project._foreign),
        {path: len(entries) for path, entries in project._coverage.items()},
        len(project._used_noqa),
        len(project._displays),
    )


def _delta(project, mark, display: str, findings: list[Finding], out: Outcome) -> None:
    if project is None or mark is None:
        return
    foreign_len, coverage_len, used_len, displays_len = mark
    if (
        len(project._foreign) == foreign_len
        and len(project._used_noqa) == used_len
        and len(project._displays) == displays_len
        and len(project._coverage) == len(coverage_len)
        and all(len(entries) == coverage_len.get(path) for path, entries in project._coverage.items())
    ):
        return  # the file added no cross-file records (most files)
    new_foreign = {id(f) for f in project._foreign[foreign_len:]}
    out.foreign = [i for i, f in enumerate(findings) if id(f) in new_foreign]
    for path, entries in project._coverage.items():
        for entry in entries[coverage_len.get(path, 0):]:
            out.coverage.append([str(path), *entry])  # (program display, first line, last line)
    # _used_noqa is a set: what this file added is what the file's own findings and noqa used.
    if len(project._used_noqa) != used_len:
        out.used_noqa = [list(u) for u in project._used_noqa]
    out.displays = [[str(p), d] for p, d in itertools.islice(project._displays.items(), displays_len, None)]
    if out.foreign:
        for shown, text in project.sources([findings[i] for i in out.foreign]).items():
            out.sources.setdefault(shown, text)


def _merge(project, out: Outcome) -> None:
    if project is None:
        return
    for path, display in out.displays:
        project._displays.setdefault(Path(path), display)
    for path, *entry in out.coverage:
        project._coverage.setdefault(Path(path), []).append(tuple(entry))
    project._used_noqa |= {tuple(u) for u in out.used_noqa}
    for i in out.foreign:
        project._foreign.append(out.findings[i])
        project._foreign_ids.add(id(out.findings[i]))


# ---------------------------------------------------------------------- the worker
class Worker:
    """Lints targets one at a time; lives in a worker process or in the main process."""

    def __init__(
        self, settings: Settings, enabled: set[str] | None, targets: list[Target], options: Options, displays=None
    ) -> None:
        from tllint.linter import Linter, new_project

        self.settings = settings
        self.project = None
        if options.project:
            if displays is not None:  # the run's project already resolved every target: reuse that
                self.project = new_project(settings)
                if self.project is not None:
                    self.project._displays.update(displays)
            else:
                self.project = new_project(settings, targets)
        self.linter = Linter(settings, enabled, self.project)
        self.timeout = options.timeout
        self.cache = None
        if options.cache:
            from tllint.cache import Cache, default_cache_dir

            self.cache = Cache(options.cache_dir or default_cache_dir(), settings, self.linter.enabled)

    def run(self, target: Target) -> Outcome:
        key = None
        if self.cache is not None:
            data = None
            try:
                if stat.S_ISREG(os.stat(target.path).st_mode):  # never open a FIFO: it blocks
                    data = target.path.read_bytes()
            except OSError:
                pass
            if data is not None and (target.is_notebook or might_involve_keras(data)):
                try:
                    key = self.cache.key(data, target.path, target.display)
                except Exception:  # noqa: BLE001 - no key: no cache for this file
                    key = None
                hit = self.cache.get(key) if key else None
                if hit is not None:
                    try:
                        return Outcome.from_json(hit)
                    except Exception:  # noqa: BLE001 - a corrupt entry is a miss
                        pass
        out = self.lint(target)
        if key is not None and out.cacheable:
            self.cache.put(key, out.to_json())
        return out

    def lint(self, target: Target) -> Outcome:
        from tllint.linter import RunResult

        mark = _mark(self.project)
        result = RunResult()
        try:
            with time_budget(self.timeout):
                self.linter.lint_target(target, result)
        except FileTimeout:
            self._forget(target)
            return timeout_outcome(self.linter, target, self.timeout)
        except Exception as exc:  # noqa: BLE001 - one file must never stop the run
            hint = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
            return tool_outcome(self.linter, target, "TL999", f"internal error while linting this file ({hint}); please report it")
        out = Outcome(
            checked=result.files_checked > 0,
            findings=result.findings,
            errors=result.errors,
            unreadable=sorted(result.unreadable),
            sources=dict(result.sources),
        )
        try:
            _delta(self.project, mark, target.display, result.findings, out)
        except Exception:  # noqa: BLE001 - the project's records changed shape: keep the findings
            out.foreign, out.coverage, out.used_noqa, out.displays = [], [], [], []
        self._forget(target)
        return out

    def _forget(self, target: Target) -> None:
        """Drop the linted file's syntax tree from the project once its analysis is done.

        The project keeps every module it parsed for the run (a file both linted and imported is
        parsed once); over thousands of files that is hundreds of MB per process. A file that a
        later file imports is parsed again then.
        """
        parsed = getattr(self.project, "_parsed", None)
        if parsed is None:
            return
        try:
            parsed.pop(target.path.resolve(), None)
        except (OSError, RuntimeError):
            pass


def tool_outcome(linter, target: Target, code: str, message: str) -> Outcome:
    from tllint.selection import per_file_ignored

    finding = tool_finding(code, message, target.display)
    keep = linter.keep(finding, per_file_ignored(linter.settings, target.path))
    return Outcome(checked=True, findings=[finding] if keep else [])


def timeout_outcome(linter, target: Target, seconds: float | None) -> Outcome:
    budget = f"{seconds:g} s" if seconds else "the time budget"
    message = (
        f"analysis stopped: this file took longer than {budget} (--timeout-per-file); "
        "it was not checked; raise the budget or report the file"
    )
    return tool_outcome(linter, target, "TL999", message)


# ---------------------------------------------------------------------- worker processes
def _worker_main(conn, spec) -> None:
    # A worker ignores Ctrl-C: the parent stops it.
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):
        pass
    worker = Worker(*spec)
    targets = spec[2]
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        for index in batch:
            try:
                out = worker.run(targets[index])
            except Exception as exc:  # noqa: BLE001 - the worker must survive any one file
                hint = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
                out = tool_outcome(worker.linter, targets[index], "TL999", f"internal error while linting this file ({hint}); please report it")
            try:
                conn.send((index, out))
            except (BrokenPipeError, OSError):
                return


class _Proc:
    def __init__(self, ctx, spec) -> None:
        parent, child = ctx.Pipe()
        self.conn = parent
        self.proc = ctx.Process(target=_worker_main, args=(child, spec), daemon=True)
        self.proc.start()
        child.close()
        self.queue: deque[int] = deque()
        self.since = time.monotonic()

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.proc.kill()
            else:
                self.conn.send(None)
        except Exception:  # noqa: BLE001
            pass
        self.proc.join(timeout=5 if not kill else None)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def _run_processes(targets: list[Target], spec, jobs: int, linter, timeout: float | None) -> list[Outcome]:
    import multiprocessing
    from multiprocessing.connection import wait

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    outcomes: list[Outcome | None] = [None] * len(targets)
    pending: deque[int] = deque(range(len(targets)))
    hard = timeout * 1.5 + 2 if timeout and timeout > 0 else None
    batch = max(1, min(BATCH, len(targets) // (jobs * 4) or 1))
    procs = [_Proc(ctx, spec) for _ in range(min(jobs, len(targets)))]

    local: list[Worker] = []

    def feed(p: _Proc) -> None:
        if p.queue or not pending:
            return
        chunk = [pending.popleft() for _ in range(min(batch, len(pending)))]
        p.queue.extend(chunk)
        p.since = time.monotonic()
        try:
            p.conn.send(chunk)
        except (BrokenPipeError, OSError):
            # The worker is gone before it got the files: lint them here (rare; no retry loop).
            p.queue.clear()
            if not local:
                local.append(Worker(*spec))
            for index in chunk:
                outcomes[index] = local[0].run(targets[index])

    def replace(p: _Proc, outcome: Outcome) -> None:
        index = p.queue.popleft()
        outcomes[index] = outcome
        pending.extendleft(reversed(p.queue))  # the rest of its batch goes back
        p.queue.clear()
        p.stop(kill=True)
        procs[procs.index(p)] = fresh = _Proc(ctx, spec)
        feed(fresh)

    try:
        while pending or any(p.queue for p in procs):
            for p in procs:
                feed(p)
            busy = [p for p in procs if p.queue]
            if not busy:
                continue
            wait_for = None
            if hard is not None:
                wait_for = max(0.0, min(p.since + hard for p in busy) - time.monotonic())
            ready = wait([p.conn for p in busy], timeout=wait_for)
            for p in busy:
                if p.conn in ready:
                    try:
                        index, out = p.conn.recv()
                    except (EOFError, OSError):
                        code = p.proc.exitcode
                        p.proc.join(timeout=1)
                        code = p.proc.exitcode if p.proc.exitcode is not None else code
                        why = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
                        target = targets[p.queue[0]]
                        replace(p, tool_outcome(linter, target, "TL999", f"internal error: the analysis process crashed on this file ({why}); please report it"))
                        continue
                    outcomes[index] = out
                    if p.queue and p.queue[0] == index:
                        p.queue.popleft()
                    p.since = time.monotonic()
                    feed(p)
                elif hard is not None and time.monotonic() - p.since > hard:
                    replace(p, timeout_outcome(linter, targets[p.queue[0]], timeout))
    finally:
        for p in procs:
            p.stop(kill=bool(p.queue))
    return [o if o is not None else Outcome() for o in outcomes]


# ---------------------------------------------------------------------- the run
def run(
    targets: Iterable[Target],
    settings: Settings,
    options: Options,
    *,
    enabled: set[str] | None = None,
    project=None,
):
    """`runner.lint_paths` with jobs, cache and time budget: the same RunResult."""
    from tllint.linter import Linter, RunResult, context_targets, new_project

    targets = list(targets)
    if project is False:
        options = dataclasses.replace(options, project=False)
    jobs = options.jobs if options.jobs and options.jobs > 0 else cpu_count()
    if project is None and options.project:
        project = new_project(settings, targets)
    elif project is not None and project is not False:
        for target in targets:
            project.register(target.path, target.display)
    project = project or None
    displays = dict(project._displays) if project is not None and hasattr(project, "_displays") else None
    # Entry points that import a linted module, linted as context (linter.context_targets).
    context = context_targets(targets, settings, project) if project is not None else []
    shown = {t.display for t in targets}
    linted = len(targets)
    targets = targets + context
    spec = (settings, enabled, targets, options, displays)
    if jobs > 1 and linted > 1:
        if options.cache:
            from tllint.cache import code_fingerprint

            code_fingerprint()  # once, inherited by forked workers
        linter = Linter(settings, enabled)
        outcomes = _run_processes(targets, spec, jobs, linter, options.timeout)
    else:
        worker = Worker(*spec)
        outcomes = [worker.run(target) for target in targets]
    result = RunResult()
    for index, (target, out) in enumerate(zip(targets, outcomes)):
        if index >= linted:
            _merge(project, out)  # its coverage of the linted modules, and its findings in them only
            result.findings.extend(f for f in out.findings if f.path in shown)
            for display, text in out.sources.items():
                if display in shown:
                    result.sources.setdefault(display, text)
            continue
        if out.checked:
            result.files_checked += 1
            result.files.append(target.display)
        result.errors.extend(out.errors)
        result.unreadable.update(out.unreadable)
        result.findings.extend(out.findings)
        for display, text in out.sources.items():
            result.sources.setdefault(display, text)
        _merge(project, out)
    if project is not None:
        # Once per finding across files; a module's own analysis yields to its importers'.
        result.findings = project.finalize(result.findings)
    result.findings.sort(key=Finding.sort_key)
    return result
