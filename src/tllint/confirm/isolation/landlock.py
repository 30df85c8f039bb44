"""Landlock (Linux >= 5.13), through ctypes: the confirm child may write only beneath its temporary
folder and a few device nodes, read everything except credential folders, make no TCP connection
(ABI >= 4) and signal no process outside its domain (ABI >= 6).

Standard library only: the supervisor loads this file without the tllint package. Landlock is an
allow-list: read access is granted to each top-level entry of `/`, and every entry on the way to a
denied path is split into its own entries (the denied one left out), recursively.
"""

from __future__ import annotations

import ctypes
import os
import stat

SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446  # same on x86_64 and aarch64
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH, RULE_NET_PORT = 1, 2
PR_SET_NO_NEW_PRIVS = 38

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE = 1 << 13, 1 << 14  # ABI 2, ABI 3
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE
READ = EXECUTE | READ_FILE | READ_DIR

# Beneath HOME: credentials and shell histories (which hold tokens typed on the command line).
HOME_DENIED = (
    ".ssh", ".aws", ".azure", ".kaggle", ".config/gcloud", ".config/gh", ".config/hub", ".netrc",
    ".docker", ".git-credentials", ".config/git/credentials", ".gnupg", ".pgpass", ".kube",
    ".pypirc", ".npmrc", ".yarnrc", ".gem/credentials", ".cache/huggingface/token", ".huggingface",
    ".config/rclone", ".s3cfg", ".boto", ".databrickscfg", ".terraform.d", ".vault-token",
    ".password-store", ".local/share/keyrings", ".config/wandb", ".wandb", ".mozilla",
    ".config/google-chrome", ".config/chromium", ".config/BraveSoftware", ".bash_history",
    ".zsh_history", ".python_history", ".psql_history", ".mysql_history", ".lesshst",
    ".local/share/fish/fish_history", ".config/op", ".oci", ".ibmcloud", ".bluemix", ".modal.toml",
    ".config/modal", ".ngrok2", ".config/ngrok", ".anthropic", ".openai", ".config/openai",
)
# Anywhere: container and cloud secrets.
ABSOLUTE_DENIED = ("/run/secrets", "/var/run/secrets", "/etc/ssh", "/root/.ssh")
# Device nodes a run may open for writing (GPU nodes included).
DEVICE_FILES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty")
DEVICE_PREFIXES = ("nvidia",)
DEVICE_DIRS = ("/dev/dri", "/dev/nvidia-caps", "/dev/kfd")

_libc = None


def _lib():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.syscall.restype = ctypes.c_long
    return _libc


class RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class LandlockError(OSError):
    pass


def abi() -> int:
    """The kernel's Landlock ABI version, 0 when Landlock is missing or disabled."""
    if not os.uname().sysname == "Linux":
        return 0
    try:
        version = _lib().syscall(SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return int(version) if version > 0 else 0


def handled_fs(version: int) -> int:
    rights = (1 << 13) - 1  # ABI 1: EXECUTE .. MAKE_SYM
    if version >= 2:
        rights |= REFER
    if version >= 3:
        rights |= TRUNCATE
    return rights  # IOCTL_DEV (ABI 5) is not handled: GPU drivers need their ioctls


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def denied_paths(home: str | None) -> list[str]:
    """The real paths of the credential locations that exist here."""
    found = []
    candidates = list(ABSOLUTE_DENIED)
    if home and os.path.isabs(home) and os.path.realpath(home) != "/":
        candidates += [os.path.join(home, rel) for rel in HOME_DENIED]
    for path in candidates:
        if os.path.lexists(path):
            found.append(os.path.realpath(path))
    return sorted(set(found))


def read_roots(denied: list[str], start: str = "/") -> list[str]:
    """Paths to grant read access beneath: `start`'s entries, split around every denied path."""
    out: list[str] = []
    try:
        names = sorted(os.listdir(start))
    except OSError:
        return out
    for name in names:
        entry = os.path.join(start, name)
        real = os.path.realpath(entry)
        inside = any(_under(real, d) for d in denied)
        above = any(_under(d, real) and d != real for d in denied)
        if os.path.islink(entry):
            if not inside and not above:
                out.append(real)  # its real place is granted (or split) on its own too
            continue
        if inside:
            continue
        if above:
            try:
                is_dir = stat.S_ISDIR(os.lstat(entry).st_mode)
            except OSError:
                continue
            if is_dir:
                out.extend(read_roots(denied, entry))
            continue
        out.append(entry)
    return out


def device_paths() -> list[str]:
    out = [p for p in DEVICE_FILES + DEVICE_DIRS if os.path.exists(p)]
    try:
        out += [os.path.join("/dev", n) for n in sorted(os.listdir("/dev")) if n.startswith(DEVICE_PREFIXES)]
    except OSError:
        pass
    return out


def plan(sandbox: str, home: str | None) -> dict:
    """What to grant, computed before the fork (lists folders): {"read": [...], "write": [...], "devices": [...]}."""
    return {"read": read_roots(denied_paths(home)), "write": [sandbox], "devices": device_paths()}


def _add_path_rule(ruleset: int, path: str, access: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # gone since the plan: nothing to grant
    try:
        is_dir = stat.S_ISDIR(os.fstat(fd).st_mode)
        if not is_dir:
            access &= FILE_RIGHTS
        if not access:
            return
        attr = PathBeneathAttr(access, fd)
        if _lib().syscall(SYS_ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(attr), 0) != 0:
            err = ctypes.get_errno()
            raise LandlockError(err, f"landlock_add_rule({path}): {os.strerror(err)}")
    finally:
        os.close(fd)


def restrict(rules: dict, version: int) -> None:
    """Apply the plan to this process (and everything it starts). Raises LandlockError."""
    fs = handled_fs(version)
    attr = RulesetAttr(fs, NET_BIND_TCP | NET_CONNECT_TCP if version >= 4 else 0,
                       SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if version >= 6 else 0)
    size = 24 if version >= 6 else 16 if version >= 4 else 8
    libc = _lib()
    ruleset = libc.syscall(SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        err = ctypes.get_errno()
        raise LandlockError(err, f"landlock_create_ruleset: {os.strerror(err)}")
    ruleset = int(ruleset)
    try:
        for path in rules.get("read", ()):
            _add_path_rule(ruleset, path, READ & fs)
        for path in rules.get("devices", ()):
            _add_path_rule(ruleset, path, (READ | WRITE_FILE | TRUNCATE) & fs)
        for path in rules.get("write", ()):
            _add_path_rule(ruleset, path, fs)
        # No network rule: with TCP handled, every bind and connect is refused.
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            err = ctypes.get_errno()
            raise LandlockError(err, f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(err)}")
        if libc.syscall(SYS_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)) != 0:
            err = ctypes.get_errno()
            raise LandlockError(err, f"landlock_restrict_self: {os.strerror(err)}")
    finally:
        os.close(ruleset)
