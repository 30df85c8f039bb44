"""The run's configuration: the JSON file the parent wrote, named by the first argument."""

from __future__ import annotations

import json
import os
import sys

with open(sys.argv[1], encoding="utf-8") as _fh:
    CFG = json.load(_fh)

SCRIPT = CFG["script"]  # absolute, real path: the filename runpy compiles the code with
SANDBOX = os.path.realpath(CFG["sandbox"])
REDIRECT_ROOT = os.path.join(SANDBOX, "redirected")
STEPS = max(1, int(CFG.get("steps", 2)))
KERAS_HOME = CFG.get("keras_home") or os.path.expanduser("~/.keras")
ALLOWED = [SANDBOX, "/dev", "/proc"]
