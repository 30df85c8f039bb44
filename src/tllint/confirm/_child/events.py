"""The event log: one JSON object per line, appended to the file the parent reads afterwards."""

from __future__ import annotations

import json
import math
import os
import sys
import threading
import time

from .config import CFG, SCRIPT

# Opened before the sandbox replaces `open`; line-buffered so a killed child leaves whole lines.
_EV = open(CFG["events"], "a", encoding="utf-8", buffering=1)
_SEQ = [0]
_LOCK = threading.RLock()
_T0 = time.time()


def _jsonable(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if hasattr(value, "__index__"):
        try:
            return int(value.__index__())
        except Exception:  # noqa: BLE001
            pass
    try:
        return _jsonable(float(value)) if hasattr(value, "__float__") and not hasattr(value, "__len__") else str(value)
    except Exception:  # noqa: BLE001
        return str(value)


def emit(_event: str, /, **data) -> None:
    with _LOCK:
        _SEQ[0] += 1
        data = _jsonable(data)
        data["kind"] = _event
        data["seq"] = _SEQ[0]
        data["t"] = round(time.time() - _T0, 3)
        try:
            _EV.write(json.dumps(data) + "\n")
        except Exception:  # noqa: BLE001
            pass


def flush() -> None:
    try:
        _EV.flush()
    except Exception:  # noqa: BLE001
        pass


_LIB_ROOTS = tuple({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
# This package's own frames count as library code: its wrappers stand between Keras and the script.
_CHILD_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def is_library(filename: str) -> bool:
    fn = filename.replace("\\", "/")
    return (
        "site-packages" in fn
        or "/keras/" in fn
        or "/tensorflow/" in fn
        or fn.startswith("<")
        or fn.startswith(_LIB_ROOTS)
        or filename.startswith(_CHILD_DIR)
    )


def user_line() -> int | None:
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == SCRIPT:
            return frame.f_lineno
        frame = frame.f_back
    return None
