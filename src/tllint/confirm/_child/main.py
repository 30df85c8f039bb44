"""The child's run: sandbox first, then the instrumentation, then the user's script with `runpy`."""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time
import traceback

from . import keras3, sandbox, writers
from .config import CFG, SANDBOX, SCRIPT
from .events import emit, flush
from .patching import POST_IMPORT, PostImportFinder, when_imported


def _watchdog(parent: int, deadline: float | None) -> None:
    """Exit when the parent tllint dies (nobody would enforce the timeout) or past the deadline."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(3)
        if deadline is not None and time.time() > deadline:
            emit("end", status="timeout")
            os._exit(124)


def _instrument() -> None:
    try:
        import keras  # noqa: F401 - Keras 3; the backend comes from KERAS_BACKEND

        keras3.instrument()
    except Exception as exc:  # noqa: BLE001
        emit("instrumentation_error", where="keras import", error=f"{type(exc).__name__}: {str(exc)[:300]}", tb=traceback.format_exc()[-1500:])
    if "tensorflow" in sys.modules:
        writers.install_tf(sys.modules["tensorflow"])
    else:
        POST_IMPORT.setdefault("tensorflow", []).append(writers.install_tf)
    for name, hook in (("h5py", writers.install_h5py), ("cv2", writers.install_cv2)):
        when_imported(name, hook)


def _run_script() -> int:
    try:
        runpy.run_path(SCRIPT, run_name="__main__")
        emit("end", status="ok")
    except SystemExit as exc:
        code = exc.code
        ok = code in (None, 0)
        emit("end", status="ok" if ok else "exit", code=str(code))
        return 0 if ok else 1
    except BaseException as exc:  # noqa: BLE001
        frames = traceback.extract_tb(exc.__traceback__)
        line = None
        for fs in frames:
            if fs.filename == SCRIPT:
                line = fs.lineno
        extra = {}
        if isinstance(exc, ModuleNotFoundError) and exc.name:
            # e.g. tensorflow on the jax / torch backend: by the script's own import statement (only
            # the import machinery below its frame), or by a library it calls
            last = max((i for i, fs in enumerate(frames) if fs.filename == SCRIPT), default=None)
            below = frames[last + 1 :] if last is not None else []
            by_script = last is not None and all(fs.filename.startswith("<frozen ") or fs.name == "find_spec" for fs in below)
            extra = {"missing_module": exc.name, "imported_by_script": by_script}
        emit(
            "end",
            status="error",
            type=type(exc).__name__,
            message=str(exc)[:4000],
            line=line,
            traceback=traceback.format_exc()[-2000:],
            **extra,
        )
        return 1
    return 0


def main() -> int:
    sandbox.install()
    timeout = CFG.get("timeout")
    threading.Thread(
        target=_watchdog,
        args=(CFG.get("parent_pid") or os.getppid(), time.time() + float(timeout) + 5 if timeout else None),
        daemon=True,
    ).start()
    sys.dont_write_bytecode = True
    sys.addaudithook(sandbox.audit)
    sys.meta_path.insert(0, PostImportFinder())
    script_dir = os.path.dirname(SCRIPT)
    sandbox.orig_chdir(os.path.join(SANDBOX, "work"))
    sys.argv = [SCRIPT] + list(CFG.get("argv", []))
    sys.path.insert(0, script_dir)
    emit("start", script=SCRIPT, pid=os.getpid())

    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    if CFG.get("instrument", True):
        _instrument()
    status = _run_script()
    flush()
    return status
