"""The confirm supervisor: `python -I -S supervisor.py SPEC.json`, started by the runner.

It makes itself a child subreaper (orphans of the run, setsid'd daemons included, become its
children), starts the confirm child in a process group of its own with the resource limits, the
Landlock ruleset and the seccomp filter applied between fork and exec, enforces the timeout and the
memory bound, and after the run kills every descendant. Its last line on stdout is a JSON status.

Standard library only; it never runs the user's code itself and writes nothing in the sandbox.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import landlock  # noqa: E402 - a sibling file, loaded without the tllint package
import seccomp  # noqa: E402

PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
POLL = 0.1
MEMORY_EVERY = 0.25
_stop: list[int] = []


def _prctl(option: int, value: int) -> None:
    ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def processes() -> dict[int, tuple[int, str, int]]:
    """pid -> (parent pid, state, resident bytes) of every process visible in /proc."""
    page = os.sysconf("SC_PAGE_SIZE")
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        fields = data[data.rfind(b")") + 2:].split()
        try:
            out[int(name)] = (int(fields[1]), fields[0].decode(), int(fields[21]) * page)
        except (IndexError, ValueError):
            continue
    return out


def descendants(table: dict[int, tuple[int, str, int]] | None = None) -> dict[int, tuple[int, str, int]]:
    table = processes() if table is None else table
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found: dict[int, tuple[int, str, int]] = {}
    todo = list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        found[pid] = table[pid]
        todo.extend(children.get(pid, []))
    return found


def reap(statuses: dict[int, int]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        statuses[pid] = status


def sweep(pgid: int, statuses: dict[int, int]) -> int:
    """SIGKILL the run's process group and every remaining descendant until none is left."""
    killed: set[int] = set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
        alive = {pid for pid, (_, state, _) in descendants().items() if state not in ("Z", "X")}
        reap(statuses)
        if not alive:
            break
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except OSError:
                pass
        time.sleep(0.02)
    reap(statuses)
    return len(killed)


def _limits(spec: dict) -> None:
    def lower(which: int, value: int) -> None:
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value if hard == resource.RLIM_INFINITY or value < hard else hard))

    lower(resource.RLIMIT_CORE, 0)
    if spec.get("file_size"):
        lower(resource.RLIMIT_FSIZE, int(spec["file_size"]))
    if spec.get("address_space"):
        lower(resource.RLIMIT_AS, int(spec["address_space"]))
    if spec.get("processes"):
        lower(resource.RLIMIT_NPROC, int(spec["processes"]))


def _start_child(spec: dict, plan: dict | None, error_fd: int) -> None:
    """In the forked child: own group, limits, Landlock, seccomp, exec. Never returns."""
    try:
        os.setpgid(0, 0)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        out = int(spec["stdout_fd"])
        os.dup2(out, 1)
        if out != 1:
            os.close(out)
        _limits(spec)
        os.chdir(spec["cwd"])
        if plan is not None:
            landlock.restrict(plan, int(spec["landlock"]))
        if spec.get("seccomp"):
            protected = [int(p) for p in spec.get("protected_pids", [])] + [os.getppid()]
            seccomp.install(seccomp.build(protected, os.getpid()))
        os.execv(spec["argv"][0], spec["argv"])
    except BaseException as exc:  # noqa: BLE001 - reported to the supervisor, then exit
        try:
            os.write(error_fd, f"{type(exc).__name__}: {exc}".encode()[:2000])
        finally:
            os._exit(127)


def _watch(spec: dict, child: int, statuses: dict[int, int]) -> dict:
    """Wait for the child; stop it at the deadline, past the memory bound, or when told to."""
    deadline = time.monotonic() + float(spec["timeout"]) if spec.get("timeout") else None
    bound = int(spec.get("memory") or 0)
    parent = int(spec.get("parent_pid") or 0)
    state = {"timed_out": False, "memory_exceeded": False, "stopped": False, "peak_rss": 0}
    next_memory = 0.0
    while child not in statuses:
        reap(statuses)
        if child in statuses:
            break
        now = time.monotonic()
        if _stop or (parent and os.getppid() != parent):
            state["stopped"] = True
            break
        if deadline is not None and now > deadline:
            state["timed_out"] = True
            break
        if bound and now >= next_memory:
            next_memory = now + MEMORY_EVERY
            rss = sum(r for _, (_, s, r) in descendants().items() if s not in ("Z", "X"))
            state["peak_rss"] = max(state["peak_rss"], rss)
            if rss > bound:
                state["memory_exceeded"] = True
                break
        time.sleep(POLL)
    return state


def main(argv: list[str]) -> int:
    with open(argv[1], encoding="utf-8") as fh:
        spec = json.load(fh)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: _stop.append(signum))
    try:
        plan = landlock.plan(spec["sandbox"], spec.get("home")) if int(spec.get("landlock") or 0) else None
    except OSError as exc:
        sys.stdout.write(json.dumps({"returncode": None, "error": f"Landlock plan: {exc}"}) + "\n")
        return 0
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        _start_child(spec, plan, write_end)
    os.close(write_end)
    started = time.monotonic()
    error = b""
    while True:
        chunk = os.read(read_end, 4096)  # empty once exec closed the pipe (or the child died)
        if not chunk:
            break
        error += chunk
    os.close(read_end)
    statuses: dict[int, int] = {}
    state = {"timed_out": False, "memory_exceeded": False, "stopped": False, "peak_rss": 0}
    if not error:
        state = _watch(spec, child, statuses)
    killed = sweep(child, statuses)
    status = statuses.get(child)
    if status is None:
        returncode = None
    elif os.WIFSIGNALED(status):
        returncode = -os.WTERMSIG(status)
    else:
        returncode = os.WEXITSTATUS(status)
    report = dict(state, returncode=returncode, killed=killed, error=error.decode(errors="replace") or None,
                  seconds=round(time.monotonic() - started, 3), memory=spec.get("memory"))
    sys.stdout.write(json.dumps(report) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
