"""The sandbox: no network, and no write outside the sandbox folder (writes elsewhere are redirected
into `<sandbox>/redirected/<original path>`, reads of such paths see the redirected copy).

`install()` puts the guards in place; `audit` is the safety net for Python-level writes that escape
them; `redirect_save` is for library writers in C or C++ that never call Python's `open`.
"""

from __future__ import annotations

import builtins
import io
import os
import shutil
import socket

from .config import ALLOWED, CFG, REDIRECT_ROOT, SANDBOX, SCRIPT
from .events import emit, user_line


class NetworkDisabled(OSError):
    pass


def _no_network(*args, **kwargs):
    raise NetworkDisabled("network access is disabled by tllint --confirm")


_REDIRECTS: list[str] = []


# Shared with every other process of the machine: writes there are redirected like project writes.
_SHARED = ("/dev/shm", "/dev/mqueue")


def is_allowed(real: str) -> bool:
    for shared in _SHARED:
        if real == shared or real.startswith(shared + os.sep):
            return False
    for root in ALLOWED:
        if real == root or real.startswith(root + os.sep):
            return True
    return False


def as_path(path):
    if isinstance(path, int):
        return None
    try:
        return os.fsdecode(os.fspath(path))
    except TypeError:
        return None


def _mapped(real: str) -> str:
    return os.path.join(REDIRECT_ROOT, real.lstrip(os.sep))


# The originals, captured before `install()` replaces them.
_orig_io_open = io.open
_orig_os_open = os.open
_orig_mkdir = os.mkdir
_orig_makedirs = os.makedirs
_orig_remove = os.remove
_orig_unlink = os.unlink
_orig_rmdir = os.rmdir
_orig_rename = os.rename
_orig_replace = os.replace
_orig_rmtree = shutil.rmtree
orig_chdir = os.chdir
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def redirect_write(path, *, make_parent: bool = True):
    """The path a write should go to: unchanged inside the sandbox, else a shadow copy in it."""
    text = as_path(path)
    if text is None:
        return path
    real = os.path.realpath(os.path.abspath(text))
    if is_allowed(real):
        return path
    target = _mapped(real)
    if make_parent:
        _orig_makedirs(os.path.dirname(target), exist_ok=True)
    if len(_REDIRECTS) < 50:
        _REDIRECTS.append(text)
        emit("write_redirected", path=text, line=user_line())
    return target


def redirect_read(path):
    """Reads see what the script wrote to a redirected location, else the original file."""
    text = as_path(path)
    if text is None or not _REDIRECTS:
        return path
    real = os.path.realpath(os.path.abspath(text))
    if is_allowed(real):
        return path
    target = _mapped(real)
    return target if os.path.lexists(target) else path


def redirect_save(path, force=False):
    """`redirect_write` for library writers (Keras saving, TensorFlow file I/O, h5py, cv2)."""
    text = as_path(path)
    if text is None:
        return path
    real = os.path.realpath(os.path.abspath(text))
    if is_allowed(real):
        return path
    target = _mapped(real)
    _orig_makedirs(os.path.dirname(target), exist_ok=True)
    emit("write_redirected", path=text, line=user_line())
    if isinstance(path, str) or not hasattr(path, "__fspath__"):
        return target
    return type(path)(target) if callable(type(path)) else target


def _open(file, mode="r", *args, **kwargs):
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        original = file
        file = redirect_write(file)
        if file is not original and ("a" in mode or "+" in mode) and "w" not in mode:
            src = as_path(original)
            if src and os.path.isfile(src) and not os.path.exists(file):
                shutil.copyfile(src, file)  # copy-on-write: appends see the original content
    else:
        file = redirect_read(file)
    return _orig_io_open(file, mode, *args, **kwargs)


def _os_open(path, flags, *args, **kwargs):
    if kwargs.get("dir_fd") is None:
        path = redirect_write(path) if flags & _WRITE_FLAGS else redirect_read(path)
    return _orig_os_open(path, flags, *args, **kwargs)


def _mkdir(path, *args, **kwargs):
    if kwargs.get("dir_fd") is None:
        path = redirect_write(path)
    return _orig_mkdir(path, *args, **kwargs)


def _removal(orig):
    def remove(path, *args, **kwargs):
        if kwargs.get("dir_fd") is None:
            text = as_path(path)
            if text is not None and not is_allowed(os.path.realpath(os.path.abspath(text))):
                target = _mapped(os.path.realpath(os.path.abspath(text)))
                if os.path.lexists(target):
                    return orig(target)
                emit("write_redirected", path=text, op="delete (skipped)", line=user_line())
                return None
        return orig(path, *args, **kwargs)

    return remove


def _renaming(orig):
    def rename(src, dst, *args, **kwargs):
        if kwargs.get("src_dir_fd") is None and kwargs.get("dst_dir_fd") is None:
            text = as_path(src)
            if text is not None and not is_allowed(os.path.realpath(os.path.abspath(text))):
                mapped = _mapped(os.path.realpath(os.path.abspath(text)))
                if not os.path.lexists(mapped):
                    raise PermissionError(f"tllint --confirm does not move files of the project: {text}")
                src = mapped
            dst = redirect_write(dst)
        return orig(src, dst, *args, **kwargs)

    return rename


def _rmtree(path, *args, **kwargs):
    text = as_path(path)
    if text is not None and not is_allowed(os.path.realpath(os.path.abspath(text))):
        target = _mapped(os.path.realpath(os.path.abspath(text)))
        if os.path.lexists(target):
            return _orig_rmtree(target, *args, **kwargs)
        emit("write_redirected", path=text, op="rmtree (skipped)", line=user_line())
        return None
    return _orig_rmtree(path, *args, **kwargs)


def _chdir(path):
    """`os.chdir(script folder)` goes to the sandbox's mirror of it (C-level writers follow the cwd)."""
    text = as_path(path)
    if text is not None and os.path.realpath(os.path.abspath(text)) == os.path.dirname(SCRIPT):
        path = os.path.join(SANDBOX, "work")
    return orig_chdir(path)


def install() -> None:
    """Block the network and route every Python-level file write through the redirects."""
    socket.socket.connect = _no_network  # type: ignore[method-assign]
    socket.socket.connect_ex = _no_network  # type: ignore[method-assign]
    socket.create_connection = _no_network  # type: ignore[assignment]
    socket.getaddrinfo = _no_network  # type: ignore[assignment]
    os.chdir = _chdir
    builtins.open = _open
    io.open = _open
    os.open = _os_open
    os.mkdir = _mkdir
    os.remove = _removal(_orig_remove)
    os.unlink = _removal(_orig_unlink)
    os.rmdir = _removal(_orig_rmdir)
    os.rename = _renaming(_orig_rename)
    os.replace = _renaming(_orig_replace)
    shutil.rmtree = _rmtree


_AUDITED = {"open", "os.remove", "os.rmdir", "os.rename", "os.truncate", "os.mkdir", "os.chmod", "os.chown", "os.link", "os.symlink", "shutil.rmtree", "os.utime"}
_INTERNET = (socket.AF_INET, socket.AF_INET6) + ((socket.AF_PACKET,) if hasattr(socket, "AF_PACKET") else ())
_NETWORK_EVENTS = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"}


def _descriptor_path(fd: int) -> str | None:
    """The file behind a descriptor (chmod, utime, truncate by descriptor), None when unknown."""
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None
    return target if target.startswith(os.sep) else None


def _signal_audit(event, args):
    """No signal to tllint, the supervisor, every process (-1) or another process group."""
    target = args[0] if args else None
    if not isinstance(target, int):
        return
    own = os.getpgid(0)
    protected = {os.getppid(), *(int(p) for p in CFG.get("protected_pids") or ())}
    if event == "os.killpg":
        refused = target != own
    else:
        refused = target in protected or target == -1 or (target < 0 and -target != own)
    if refused:
        raise PermissionError(f"tllint --confirm blocked a signal to a process outside the run ({event}({target}))")


def _network_audit(event, args):
    """The C-level `_socket` type bypasses the patched `socket` module: refuse at the audit event."""
    if event == "socket.getaddrinfo" or event == "socket.gethostbyname" or event == "socket.gethostbyaddr":
        raise NetworkDisabled("network access is disabled by tllint --confirm")
    sock = args[0] if args else None
    if getattr(sock, "family", None) in _INTERNET:
        raise NetworkDisabled("network access is disabled by tllint --confirm")


def audit(event, args):
    """Safety net: any Python-level write that escaped the wrappers is refused."""
    if event in _NETWORK_EVENTS or event.startswith("socket.gethostby") or event == "socket.getaddrinfo":
        return _network_audit(event, args)
    if event in ("os.kill", "os.killpg"):
        return _signal_audit(event, args)
    if event not in _AUDITED:
        return
    if event in ("os.link", "os.symlink"):
        # (src, dst, ...): the new name must be in the sandbox; a hard link must not give write access
        # to a project file either (a symbolic link is only followed by later, checked, writes).
        names = (args[0], args[1]) if event == "os.link" else (args[1],)
        for name in names:
            text = as_path(name)
            if text is not None and not is_allowed(os.path.realpath(os.path.abspath(text))):
                raise PermissionError(f"tllint --confirm blocked a link outside its sandbox: {text} ({event})")
        return
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            mode is None and isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        if not writing:
            return
    else:
        path = args[0] if args else None
        if isinstance(path, int) and event in ("os.chmod", "os.chown", "os.utime", "os.truncate"):
            path = _descriptor_path(path)  # by descriptor: the file it names
        if event in ("os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.utime", "os.truncate") and len(args) > 2 and args[-1] not in (None, -1):
            return  # dir_fd relative: cannot resolve here
    text = as_path(path) if path is not None else None
    if text is None:
        return
    if not is_allowed(os.path.realpath(os.path.abspath(text))):
        raise PermissionError(f"tllint --confirm blocked a write outside its sandbox: {text} ({event})")
