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

from .config import ALLOWED, REDIRECT_ROOT, SANDBOX, SCRIPT
from .events import emit, user_line


class NetworkDisabled(OSError):
    pass


def _no_network(*args, **kwargs):
    raise NetworkDisabled("network access is disabled by tllint --confirm")


_REDIRECTS: list[str] = []


def is_allowed(real: str) -> bool:
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


_AUDITED = {"open", "os.remove", "os.rmdir", "os.rename", "os.truncate", "os.mkdir", "os.chmod", "os.link", "os.symlink", "shutil.rmtree", "os.utime"}


def audit(event, args):
    """Safety net: any Python-level write that escaped the wrappers is refused."""
    if event not in _AUDITED:
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
        if event in ("os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.utime", "os.truncate") and len(args) > 2 and args[-1] not in (None, -1):
            return  # dir_fd relative: cannot resolve here
    text = as_path(path) if path is not None else None
    if text is None:
        return
    if not is_allowed(os.path.realpath(os.path.abspath(text))):
        raise PermissionError(f"tllint --confirm blocked a write outside its sandbox: {text} ({event})")
