"""Replacing library functions everywhere they are reachable.

`keras.X`, `keras.src.X` and `tf.keras.X` are the same objects bound in many module dicts, so a
replacement is written into each of them, including modules imported later (`PostImportFinder`).
"""

from __future__ import annotations

import sys
import threading

from .events import emit

_REPLACE: dict[int, object] = {}  # id(original) -> replacement
_ORIGINALS: list[object] = []  # keep originals alive so ids stay unique
_PREFIXES = ("keras", "tensorflow", "tf_keras", "tensorflow_datasets", "h5py", "cv2")

# Module name -> hooks to run once it is imported (each gets the module).
POST_IMPORT: dict[str, list] = {}


def _patch_module_dict(module) -> None:
    d = getattr(module, "__dict__", None)
    if not isinstance(d, dict):
        return
    for key, value in list(d.items()):
        rep = _REPLACE.get(id(value))
        if rep is not None and value is not rep:
            try:
                setattr(module, key, rep)
            except Exception:  # noqa: BLE001
                pass


def replace_everywhere(original, replacement) -> None:
    _ORIGINALS.append(original)
    _REPLACE[id(original)] = replacement
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in _PREFIXES:
            _patch_module_dict(module)


def when_imported(name: str, hook) -> None:
    """Run `hook(module)` now when `name` is imported already, else right after its import."""
    if name in sys.modules:
        hook(sys.modules[name])
    else:
        POST_IMPORT.setdefault(name, []).append(hook)


class PostImportFinder:
    """Patches the aliases in every keras/tensorflow module imported later."""

    _busy = threading.local()

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] not in _PREFIXES or getattr(self._busy, "on", False):
            return None
        self._busy.on = True
        try:
            import importlib.util

            spec = importlib.util.find_spec(fullname)
        except Exception:  # noqa: BLE001
            return None
        finally:
            self._busy.on = False
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader = spec.loader
        orig_exec = loader.exec_module

        def exec_module(module, _orig=orig_exec, _name=fullname):
            _orig(module)
            _patch_module_dict(module)
            for hook in POST_IMPORT.pop(_name, []):
                try:
                    hook(module)
                except Exception as exc:  # noqa: BLE001
                    emit("instrumentation_error", where=f"post-import {_name}", error=repr(exc))

        try:
            loader.exec_module = exec_module
        except Exception:  # noqa: BLE001
            pass
        return spec
