"""Runs cells in a fresh, real IPython shell (a subprocess) and returns each cell's output.

`run_session(cells, frameworks=...)` starts `python ipython_support.py`, which creates
`InteractiveShell.instance()` and runs the cells one by one with `run_cell(..., store_history=True)`
as Jupyter does, printing a marker line before each. The user's Keras code must not load the real
frameworks (slow, and weights cannot be downloaded): an import hook either serves stand-in modules
for tensorflow/keras/tf_keras ("stub": the cells run to the end) or refuses them ("block": sys.modules
stays free of them). The hook records, for each framework import, whether tllint's own code asked
for it. The last line of the output is a JSON summary.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

MARK = "@@@ cell "
SUMMARY = "@@@ summary "
ROOT = Path(__file__).resolve().parents[1]
FRAMEWORKS = ("tensorflow", "keras", "tf_keras")


def run_session(cells: list[str], tmp_path: Path, *, frameworks: str = "stub", break_lint: bool = False,
                timeout: float = 120) -> tuple[list[str], dict]:
    """(the output of each cell, the summary) of one IPython session."""
    env = dict(os.environ, IPYTHONDIR=str(tmp_path / "ipython"), NO_COLOR="1", PYTHONPATH=str(ROOT / "src"))
    request = json.dumps({"cells": cells, "frameworks": frameworks, "break_lint": break_lint})
    proc = subprocess.run([sys.executable, __file__], input=request, capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    head, _, summary = out.rpartition(SUMMARY)
    parts = head.split(MARK)[1:]
    outputs = [part.split("\n", 1)[1] if "\n" in part else "" for part in parts]
    assert len(outputs) == len(cells), out[-3000:]
    return outputs, json.loads(summary)


# -- the subprocess ----------------------------------------------------------------------------------


class _Anything:
    """Whatever a stand-in framework returns: callable, indexable, iterable (empty), any attribute."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __call__(self, *args, **kwargs):
        return _Anything()

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Anything()

    def __getitem__(self, key):
        return _Anything()

    def __iter__(self):
        return iter(())

    def __truediv__(self, other):
        return _Anything()

    __rtruediv__ = __mul__ = __rmul__ = __add__ = __radd__ = __sub__ = __rsub__ = __truediv__


def _install_hook(mode: str, log: list) -> None:
    import importlib.abc
    import importlib.machinery
    import traceback
    import types

    package = str(ROOT / "src" / "tllint")

    class StubModule(types.ModuleType):
        def __getattr__(self, name: str):
            if name.startswith("__"):
                raise AttributeError(name)
            return _Anything()

    class Hook(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, name, path, target=None):
            if name.split(".")[0] not in FRAMEWORKS:
                return None
            files = [frame.filename for frame in traceback.extract_stack()]
            log.append({"name": name, "by_tllint": any(f.startswith(package) for f in files)})
            if mode == "block":
                raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)")
            return importlib.machinery.ModuleSpec(name, self, is_package=True)

        def create_module(self, spec):
            module = StubModule(spec.name)
            module.__path__ = []
            module.__tllint_stub__ = True
            return module

        def exec_module(self, module) -> None:
            return None

    sys.meta_path.insert(0, Hook())


def _main() -> None:
    request = json.loads(sys.stdin.read())
    log: list = []
    _install_hook(request["frameworks"], log)
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(colors="nocolor")
    if request["break_lint"]:
        import tllint.notebook

        def broken(*args, **kwargs):
            raise RuntimeError("injected failure\nsecond line")

        tllint.notebook.lint_notebook = broken
    for number, cell in enumerate(request["cells"], 1):
        print(f"{MARK}{number}", flush=True)
        with contextlib.redirect_stderr(sys.stdout):  # IPython prints usage errors to stderr
            shell.run_cell(cell, store_history=True)
        sys.stdout.flush()
    real = sorted(name for name, module in list(sys.modules.items())
                  if name.split(".")[0] in FRAMEWORKS and not getattr(module, "__tllint_stub__", False))
    loaded = sorted(name for name in sys.modules if name.startswith(("tllint", "libcst")))
    print(SUMMARY + json.dumps({"framework_imports": log, "real_frameworks": real, "loaded": loaded}), flush=True)


if __name__ == "__main__":
    _main()
