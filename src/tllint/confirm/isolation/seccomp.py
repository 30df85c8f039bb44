"""seccomp, through ctypes and a hand-assembled classic BPF program: no internet (or other) sockets,
no new session or process group, no ptrace, io_uring, mount or namespaces, no keyring; chmod, chown
and utime calls are dropped (they return 0 and change nothing); no signal, priority or limit change
aimed at tllint or the supervisor.

Standard library only: the supervisor loads this file without the tllint package.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

PR_SET_NO_NEW_PRIVS, PR_GET_SECCOMP, PR_SET_SECCOMP = 38, 21, 22
SECCOMP_MODE_FILTER = 2
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
# classic BPF opcodes
LD_ABS_W, JEQ_K, JGE_K, JSET_K, RET_K = 0x20, 0x15, 0x35, 0x45, 0x06

AF_NETLINK, NETLINK_ROUTE = 16, 0
CLONE_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x80

# arch: (AUDIT_ARCH, {name: number}); only these two are known.
_X86_64 = {
    "socket": 41, "kill": 62, "tkill": 200, "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
    "pidfd_open": 434, "prlimit64": 302, "setpriority": 141, "sched_setparam": 142, "sched_setscheduler": 144,
    "sched_setaffinity": 203, "sched_setattr": 314, "ioprio_set": 251, "setsid": 112, "setpgid": 109,
    "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "io_uring_setup": 425,
    "io_uring_enter": 426, "io_uring_register": 427, "mount": 165, "umount2": 166, "unshare": 272,
    "setns": 308, "keyctl": 250, "add_key": 248, "request_key": 249, "pivot_root": 155, "chroot": 161,
    "bpf": 321, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432,
    "fspick": 433, "mount_setattr": 442, "open_by_handle_at": 304, "clone": 56, "clone3": 435,
    "chmod": 90, "fchmod": 91, "fchmodat": 268, "fchmodat2": 452, "chown": 92, "fchown": 93, "lchown": 94,
    "fchownat": 260, "utime": 132, "utimes": 235, "utimensat": 280, "futimesat": 261, "setxattr": 188,
    "lsetxattr": 189, "fsetxattr": 190, "removexattr": 197, "lremovexattr": 198, "fremovexattr": 199,
    "setxattrat": 463, "removexattrat": 466,
}
_AARCH64 = {
    "socket": 198, "kill": 129, "tkill": 130, "tgkill": 131, "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240,
    "pidfd_open": 434, "prlimit64": 261, "setpriority": 140, "sched_setparam": 118, "sched_setscheduler": 119,
    "sched_setaffinity": 122, "sched_setattr": 274, "ioprio_set": 30, "setsid": 157, "setpgid": 154,
    "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "io_uring_setup": 425,
    "io_uring_enter": 426, "io_uring_register": 427, "mount": 40, "umount2": 39, "unshare": 97, "setns": 268,
    "keyctl": 219, "add_key": 217, "request_key": 218, "pivot_root": 41, "chroot": 51, "bpf": 280,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "mount_setattr": 442, "open_by_handle_at": 265, "clone": 220, "clone3": 435, "fchmod": 52,
    "fchmodat": 53, "fchmodat2": 452, "fchown": 55, "fchownat": 54, "utimensat": 88, "setxattr": 5,
    "lsetxattr": 6, "fsetxattr": 7, "removexattr": 14, "lremovexattr": 15, "fremovexattr": 16,
    "setxattrat": 463, "removexattrat": 466,
}
ARCHES = {"x86_64": (0xC000003E, _X86_64, 317), "aarch64": (0xC00000B7, _AARCH64, 277)}

DENIED = ("setsid", "setpgid", "ptrace", "process_vm_readv", "process_vm_writev", "io_uring_setup",
          "io_uring_enter", "io_uring_register", "mount", "umount2", "unshare", "setns", "keyctl", "add_key",
          "request_key", "pivot_root", "chroot", "bpf", "open_tree", "move_mount", "fsopen", "fsconfig",
          "fsmount", "fspick", "mount_setattr", "open_by_handle_at")
DROPPED = ("chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat", "utime",
           "utimes", "utimensat", "futimesat")
UNSUPPORTED = ("setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr",
               "setxattrat", "removexattrat")
# name: index of the pid argument that must not name tllint or the supervisor
PID_ARGUMENT = {"tkill": 0, "tgkill": 0, "rt_sigqueueinfo": 0, "rt_tgsigqueueinfo": 0, "pidfd_open": 0,
                "prlimit64": 0, "setpriority": 1, "sched_setparam": 0, "sched_setscheduler": 0,
                "sched_setaffinity": 0, "sched_setattr": 0, "ioprio_set": 1}


def arch() -> tuple[int, dict, int] | None:
    return ARCHES.get(platform.machine())


def available() -> bool:
    """The kernel has seccomp filters and this machine's system call numbers are known here."""
    if os.uname().sysname != "Linux" or arch() is None:
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0
    except (OSError, AttributeError):
        return False


class _Program:
    """A tiny assembler: instructions with symbolic jump targets, resolved at the end."""

    def __init__(self) -> None:
        self.code: list[list] = []  # [opcode, jt, jf, k], jt/jf may be label names
        self.labels: dict[str, int] = {}

    def emit(self, code: int, k: int = 0, jt=0, jf=0) -> None:
        self.code.append([code, jt, jf, k & 0xFFFFFFFF])

    def label(self, name: str) -> None:
        self.labels[name] = len(self.code)

    def load(self, offset: int) -> None:
        self.emit(LD_ABS_W, offset)

    def ret(self, value: int) -> None:
        self.emit(RET_K, value)

    def assemble(self) -> bytes:
        out = b""
        for index, (code, jt, jf, k) in enumerate(self.code):
            offsets = []
            for target in (jt, jf):
                if isinstance(target, str):
                    target = self.labels[target] - index - 1
                if not 0 <= target <= 255:
                    raise ValueError("seccomp program: jump too long")
                offsets.append(target)
            out += struct.pack("=HBBI", code, offsets[0], offsets[1], k)
        return out


def _arg(index: int) -> int:
    return 16 + 8 * index  # low 32 bits of seccomp_data.args[index] (little endian)


def build(protected_pids: list[int], own_pgid: int, arch_info=None) -> bytes:
    """The filter program. `protected_pids`: tllint and the supervisor; `own_pgid`: the run's group."""
    audit_arch, numbers, _ = arch_info or arch()
    p = _Program()
    p.load(4)
    p.emit(JEQ_K, audit_arch, 1, 0)
    p.ret(RET_ERRNO | errno.EPERM)  # another ABI (i386 or x32 entry): nothing
    p.load(0)
    if audit_arch == 0xC000003E:
        p.emit(JGE_K, 0x40000000, "eperm", 0)  # JGE: x32 system call numbers
    table = [(n, "eperm") for n in DENIED] + [(n, "dropped") for n in DROPPED]
    table += [(n, "enotsup") for n in UNSUPPORTED] + [(n, "pid_" + n) for n in PID_ARGUMENT]
    table += [("socket", "socket"), ("clone", "clone"), ("clone3", "enosys"), ("kill", "kill")]
    for name, target in table:
        if name in numbers:
            p.emit(JEQ_K, numbers[name], target, 0)
    p.ret(RET_ALLOW)
    p.label("socket")  # netlink route queries (interface lists) only: no internet, packet or UNIX socket
    p.load(_arg(0))
    p.emit(JEQ_K, AF_NETLINK, 0, "eperm")
    p.load(_arg(2))
    p.emit(JEQ_K, NETLINK_ROUTE, "allow", "eperm")
    p.label("clone")
    p.load(_arg(0))
    p.emit(JSET_K, CLONE_NAMESPACES, "eperm", "allow")
    p.label("kill")  # kill(pid): not the protected ones, not -1, no other process group than the run's
    p.load(_arg(0))
    for pid in protected_pids:
        p.emit(JEQ_K, pid, "eperm", 0)
    p.emit(JEQ_K, -1, "eperm", 0)
    p.emit(JEQ_K, -own_pgid, "allow", 0)
    p.emit(JSET_K, 0x80000000, "eperm", "allow")
    for name, index in PID_ARGUMENT.items():
        p.label("pid_" + name)
        p.load(_arg(index))
        for pid in protected_pids:
            p.emit(JEQ_K, pid, "eperm", 0)
        p.emit(JEQ_K, 0xFFFFFFFF, "eperm", "allow")
    p.label("allow")
    p.ret(RET_ALLOW)
    p.label("eperm")
    p.ret(RET_ERRNO | errno.EPERM)
    p.label("dropped")
    p.ret(RET_ERRNO | 0)  # errno 0: the call "succeeds" without running
    p.label("enotsup")
    p.ret(RET_ERRNO | errno.EOPNOTSUPP)
    p.label("enosys")
    p.ret(RET_ERRNO | errno.ENOSYS)  # clone3: its flags are behind a pointer; the C library falls back to clone
    return p.assemble()


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install(program: bytes) -> None:
    """Load the filter into this process (inherited by every child and thread started later)."""
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(program, len(program))
    prog = SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(err)}")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl(PR_SET_SECCOMP): {os.strerror(err)}")
