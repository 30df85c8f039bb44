"""The OS layer of confirm mode's sandbox, parent side: which mechanisms this system has, the level a
run gets, the refusal when there is none, and the resource bounds.

Levels: "landlock+seccomp", "landlock", "seccomp" (whatever the kernel offers), "python-only" (only
with the opt-in `--confirm-isolation python`). Modules: landlock, seccomp (the mechanisms, ctypes),
supervisor (started as a file: subreaper, limits, fork + restrict + exec, sweep), environment (no
secrets in, none out). None of them imports TensorFlow or Keras.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from . import landlock, seccomp

MODES = ("auto", "python")
NO_OS_ENV = "TLLINT_CONFIRM_NO_OS_ISOLATION"  # testing switch: behave as if no OS mechanism existed
GIB = 1 << 30
FILE_SIZE_LIMIT = 1 * GIB
MAX_MEMORY = 16 * GIB
EXTRA_PROCESSES = 1024


class IsolationUnavailable(RuntimeError):
    """No OS mechanism and no opt-in: the CLI prints it and exits 2."""


@dataclass
class Isolation:
    level: str
    lacks: list[str] = field(default_factory=list)
    landlock_abi: int = 0
    seccomp: bool = False

    @property
    def landlock(self) -> bool:
        return self.landlock_abi > 0

    def as_json(self) -> dict:
        return {"level": self.level, "lacks": list(self.lacks)}

    def describe(self) -> str:
        """`landlock+seccomp`, or `python-only (no Landlock, no seccomp)`."""
        missing = [m for m in ("Landlock", "seccomp") if m in self.lacks]
        return f"{self.level} ({', '.join('no ' + m for m in missing)})" if missing else self.level


def mechanisms() -> tuple[int, bool]:
    """(Landlock ABI or 0, seccomp usable) on this system; both absent under the testing switch."""
    if os.environ.get(NO_OS_ENV, "").strip() not in ("", "0") or not sys.platform.startswith("linux"):
        return 0, False
    return landlock.abi(), seccomp.available()


def missing_message(abi: int, has_seccomp: bool) -> str:
    parts = []
    if not abi:
        parts.append("Landlock (Linux >= 5.13)")
    if not has_seccomp:
        parts.append("seccomp")
    verb = "is" if len(parts) == 1 else "are"
    return f"{' and '.join(parts)} {verb} not available on this system"


def refusal(abi: int, has_seccomp: bool) -> str:
    return (
        f"confirm mode runs your script in an OS-level sandbox, but {missing_message(abi, has_seccomp)}; "
        "to run it with the Python-level sandbox only (programs it starts, native code and the network "
        "below Python are not contained), pass --confirm-isolation python "
        '(or set confirm-isolation = "python" in [tool.tllint])'
    )


PYTHON_ONLY_WARNING = (
    "tllint: warning: --confirm-isolation python: scripts run with the Python-level sandbox only; programs "
    "they start and native code can write outside the temporary folder and reach the network (see docs/confirm.md)"
)


def decide(mode: str | None = "auto") -> Isolation:
    """The isolation a run gets. `auto`: every OS mechanism there is, IsolationUnavailable when there is
    none; `python`: the Python layer only."""
    mode = mode or "auto"
    if mode not in MODES:
        raise ValueError(f"confirm isolation must be one of {', '.join(MODES)}, not {mode!r}")
    abi, has_seccomp = mechanisms()
    if mode == "python":
        return Isolation("python-only", ["Landlock", "seccomp"])
    if not abi and not has_seccomp:
        raise IsolationUnavailable(refusal(abi, has_seccomp))
    lacks = []
    if not abi:
        lacks.append("Landlock")
    elif abi < 4:
        lacks.append("Landlock TCP rules (ABI 4)")
    if abi and abi < 6:
        lacks.append("Landlock signal and abstract socket scoping (ABI 6)")
    if not has_seccomp:
        lacks.append("seccomp")
    level = "+".join(name for name, ok in (("landlock", abi), ("seccomp", has_seccomp)) if ok)
    return Isolation(level, lacks, abi, has_seccomp)


def memory_bound() -> int:
    """Bytes a run may keep resident: min(half the memory, 16 GiB, 80% of a cgroup limit)."""
    total = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    total = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError):
        pass
    bound = min(total // 2, MAX_MEMORY) if total else MAX_MEMORY
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as fh:
            text = fh.read().strip()
        if text.isdigit():
            bound = min(bound, int(text) * 4 // 5)
    except OSError:
        pass
    return bound


def gpu_visible(env: dict[str, str]) -> bool:
    """A GPU the child may use (no address-space limit then: drivers map huge ranges)."""
    if env.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1") and not os.path.exists("/dev/kfd"):
        return False
    return any(os.path.exists(p) for p in ("/dev/nvidiactl", "/dev/nvidia0", "/dev/kfd"))


def process_limit() -> int | None:
    """RLIMIT_NPROC for the run: the user's current tasks plus a margin (None for root: not enforced)."""
    if os.getuid() == 0:
        return None
    uid, count = os.getuid(), 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{name}/task"))
            except OSError:
                continue
    return count + EXTRA_PROCESSES


__all__ = ["Isolation", "IsolationUnavailable", "MODES", "NO_OS_ENV", "PYTHON_ONLY_WARNING", "decide", "refusal"]


class hidden_parent:
    """While a run goes on, tllint's own process is not dumpable: for a non-root user, its
    /proc/<pid>/environ (which still holds the variables the child did not get) and memory are then
    unreadable by the run's processes. Root reads them anyway (see docs/confirm.md)."""

    PR_SET_DUMPABLE, PR_GET_DUMPABLE = 4, 3

    def __enter__(self):
        self.previous = None
        try:
            import ctypes

            self.libc = ctypes.CDLL(None, use_errno=True)
            previous = self.libc.prctl(self.PR_GET_DUMPABLE, 0, 0, 0, 0)
            if previous > 0 and self.libc.prctl(self.PR_SET_DUMPABLE, 0, 0, 0, 0) == 0:
                self.previous = previous
        except (OSError, AttributeError):
            pass
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            self.libc.prctl(self.PR_SET_DUMPABLE, self.previous, 0, 0, 0)
        return False
