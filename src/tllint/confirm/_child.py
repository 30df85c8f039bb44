"""Child-process bootstrap for `tllint --confirm` (run as a file, never imported by the parent).

    python _child.py CONFIG.json

It sandboxes the process (no network, no writes outside the sandbox folder), instruments Keras
(backbone construction, trainable assignments, compile, fit/train_on_batch/evaluate/predict,
data loaders), runs the user's script with `runpy` and appends one JSON object per event to the
events file named in the config. The parent turns the events into verdicts.

Only the standard library is imported before the sandbox is in place; Keras is imported after.
"""

from __future__ import annotations

import builtins
import io
import json
import math
import os
import runpy
import shutil
import socket
import sys
import threading
import time
import traceback

# --------------------------------------------------------------------------------------------
# configuration and event log
# --------------------------------------------------------------------------------------------

with open(sys.argv[1], encoding="utf-8") as _fh:
    CFG = json.load(_fh)

SCRIPT = CFG["script"]  # absolute, real path: the filename runpy compiles the code with
SANDBOX = os.path.realpath(CFG["sandbox"])
REDIRECT_ROOT = os.path.join(SANDBOX, "redirected")
STEPS = max(1, int(CFG.get("steps", 2)))
KERAS_HOME = CFG.get("keras_home") or os.path.expanduser("~/.keras")
ALLOWED = [SANDBOX, "/dev", "/proc"]

_orig_open = builtins.open
_EV = _orig_open(CFG["events"], "a", encoding="utf-8", buffering=1)
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


_LIB_ROOTS = tuple({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})


def _is_library(filename: str) -> bool:
    fn = filename.replace("\\", "/")
    return (
        "site-packages" in fn
        or "/keras/" in fn
        or "/tensorflow/" in fn
        or fn.startswith("<")
        or fn.startswith(_LIB_ROOTS)
        or fn == __file__
    )


def user_line() -> int | None:
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == SCRIPT:
            return frame.f_lineno
        frame = frame.f_back
    return None


# --------------------------------------------------------------------------------------------
# sandbox: network and file system
# --------------------------------------------------------------------------------------------

class NetworkDisabled(OSError):
    pass


def _no_network(*args, **kwargs):
    raise NetworkDisabled("network access is disabled by tllint --confirm")


socket.socket.connect = _no_network  # type: ignore[method-assign]
socket.socket.connect_ex = _no_network  # type: ignore[method-assign]
socket.create_connection = _no_network  # type: ignore[assignment]
socket.getaddrinfo = _no_network  # type: ignore[assignment]

_REDIRECTS: list[str] = []


def _is_allowed(real: str) -> bool:
    for root in ALLOWED:
        if real == root or real.startswith(root + os.sep):
            return True
    return False


def _as_path(path):
    if isinstance(path, int):
        return None
    try:
        return os.fsdecode(os.fspath(path))
    except TypeError:
        return None


def _mapped(real: str) -> str:
    return os.path.join(REDIRECT_ROOT, real.lstrip(os.sep))


def redirect_write(path, *, make_parent: bool = True):
    """The path a write should go to: unchanged inside the sandbox, else a shadow copy in it."""
    text = _as_path(path)
    if text is None:
        return path
    real = os.path.realpath(os.path.abspath(text))
    if _is_allowed(real):
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
    text = _as_path(path)
    if text is None or not _REDIRECTS:
        return path
    real = os.path.realpath(os.path.abspath(text))
    if _is_allowed(real):
        return path
    target = _mapped(real)
    return target if os.path.lexists(target) else path


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
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _open(file, mode="r", *args, **kwargs):
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        original = file
        file = redirect_write(file)
        if file is not original and ("a" in mode or "+" in mode) and "w" not in mode:
            src = _as_path(original)
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
            text = _as_path(path)
            if text is not None and not _is_allowed(os.path.realpath(os.path.abspath(text))):
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
            text = _as_path(src)
            if text is not None and not _is_allowed(os.path.realpath(os.path.abspath(text))):
                mapped = _mapped(os.path.realpath(os.path.abspath(text)))
                if not os.path.lexists(mapped):
                    raise PermissionError(f"tllint --confirm does not move files of the project: {text}")
                src = mapped
            dst = redirect_write(dst)
        return orig(src, dst, *args, **kwargs)

    return rename


def _rmtree(path, *args, **kwargs):
    text = _as_path(path)
    if text is not None and not _is_allowed(os.path.realpath(os.path.abspath(text))):
        target = _mapped(os.path.realpath(os.path.abspath(text)))
        if os.path.lexists(target):
            return _orig_rmtree(target, *args, **kwargs)
        emit("write_redirected", path=text, op="rmtree (skipped)", line=user_line())
        return None
    return _orig_rmtree(path, *args, **kwargs)


_orig_chdir = os.chdir


def _chdir(path):
    """`os.chdir(script folder)` goes to the sandbox's mirror of it (C-level writers follow the cwd)."""
    text = _as_path(path)
    if text is not None and os.path.realpath(os.path.abspath(text)) == os.path.dirname(SCRIPT):
        path = os.path.join(SANDBOX, "work")
    return _orig_chdir(path)


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


def _audit(event, args):
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
    text = _as_path(path) if path is not None else None
    if text is None:
        return
    if not _is_allowed(os.path.realpath(os.path.abspath(text))):
        raise PermissionError(f"tllint --confirm blocked a write outside its sandbox: {text} ({event})")


# --------------------------------------------------------------------------------------------
# patching helpers (aliases: keras.X, keras.src.X, tf.keras.X are the same objects)
# --------------------------------------------------------------------------------------------

_REPLACE: dict[int, object] = {}  # id(original) -> replacement
_ORIGINALS: list[object] = []  # keep originals alive so ids stay unique
_PREFIXES = ("keras", "tensorflow", "tf_keras", "tensorflow_datasets", "h5py", "cv2")


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


_POST_IMPORT: dict[str, list] = {}


class _PostImportFinder:
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
            for hook in _POST_IMPORT.pop(_name, []):
                try:
                    hook(module)
                except Exception as exc:  # noqa: BLE001
                    emit("instrumentation_error", where=f"post-import {_name}", error=repr(exc))

        try:
            loader.exec_module = exec_module
        except Exception:  # noqa: BLE001
            pass
        return spec


def _to_numpy(value):
    """NumPy view of a tensor of any backend (torch CUDA tensors included); raises if symbolic."""
    import numpy as np

    try:
        return np.asarray(value)
    except Exception:  # noqa: BLE001
        pass
    detach = getattr(value, "detach", None)
    if detach is not None:
        return detach().cpu().numpy()
    ops = sys.modules.get("keras.src.ops")
    if ops is not None:
        return np.asarray(ops.convert_to_numpy(value))
    raise TypeError(f"cannot convert {type(value).__name__} to NumPy")


def _numeric_stats(value):
    import numpy as np

    try:
        arr = _to_numpy(value)
    except Exception:  # noqa: BLE001
        return None
    if arr.dtype.kind not in "fiub" or arr.size == 0:
        return None
    arr = arr.astype("float64", copy=False)
    finite = np.isfinite(arr)
    return {
        "min": float(np.min(arr[finite])) if finite.any() else None,
        "max": float(np.max(arr[finite])) if finite.any() else None,
        "mean": float(np.mean(arr[finite])) if finite.any() else None,
        "shape": list(arr.shape),
        "dtype": str(_to_numpy(value).dtype),
        "nonfinite": int((~finite).sum()),
    }


# --------------------------------------------------------------------------------------------
# instrumentation state
# --------------------------------------------------------------------------------------------

class S:
    backbones: dict[int, dict] = {}  # id(model) -> info
    layer_owner: dict[int, int] = {}  # id(layer inside a backbone) -> bid
    watch: dict[int, tuple[str, int]] = {}  # id(layer) -> (role, bid)
    models: dict[int, dict] = {}
    groups: dict[int, set] = {}  # user line -> ids of variables of layers assigned `trainable` there
    probe: dict | None = None
    depth = 0
    trainable_depth = 0
    call_counts: dict[tuple, int] = {}
    cached: dict[tuple, object] = {}
    n_classes_hint: int | None = None
    synthetic: list = []
    pending_fallback: list = []
    training_calls = 0
    direct_probes: dict[int, int] = {}


def _applications_frame():
    frame = sys._getframe(2)
    outer = None
    while frame is not None:
        fn = frame.f_code.co_filename.replace("\\", "/")
        if "/applications/" in fn and ("/keras/" in fn or "/tf_keras/" in fn):
            outer = frame
        frame = frame.f_back
    return outer


def _is_bn(layer) -> bool:
    return "BatchNormalization" in [c.__name__ for c in type(layer).__mro__]


def _flatten(layer):
    try:
        return list(layer._flatten_layers(include_self=False, recursive=True))
    except Exception:  # noqa: BLE001
        return list(getattr(layer, "layers", []))


def _var_split(layer):
    """(ids of non-moving-statistic variables, {bn layer id: id(moving_mean)})."""
    moving = set()
    bn = {}
    for sub in _flatten(layer) + [layer]:
        if _is_bn(sub):
            for v in sub.weights:
                if "moving" in getattr(v, "path", getattr(v, "name", "")):
                    moving.add(id(v))
            mm = getattr(sub, "moving_mean", None)
            if mm is not None:
                bn[id(sub)] = id(mm)
    ids = [id(v) for v in layer.weights if id(v) not in moving]
    return ids, bn, moving


def register_backbone(model, name, frame_locals, line):
    if id(model) in S.backbones:
        return S.backbones[id(model)]
    ids, bn, moving = _var_split(model)
    bid = len(S.backbones) + 1
    weights = frame_locals.get("weights", "imagenet")
    info = {
        "bid": bid,
        "name": name,
        "model": model,
        "vars": set(ids),
        "bn": bn,
        "moving": moving,
        "line": line,
    }
    S.backbones[id(model)] = info
    S.watch[id(model)] = ("call", bid)
    inner = [l for l in getattr(model, "layers", []) if type(l).__name__ != "InputLayer"]
    if inner:
        S.watch.setdefault(id(inner[0]), ("first_layer", bid))
    for sub in _flatten(model):
        S.layer_owner[id(sub)] = bid
    emit(
        "backbone",
        bid=bid,
        name=name,
        keras_name=getattr(model, "name", None),
        line=line,
        weights_requested=weights if isinstance(weights, (str, type(None))) else "file",
        include_top=frame_locals.get("include_top"),
        include_preprocessing=frame_locals.get("include_preprocessing"),
        input_shape=list(model.input_shape) if hasattr(model, "input_shape") else None,
        n_vars=len(ids),
        n_bn=len(bn),
    )
    return info


def model_info(model) -> dict:
    info = S.models.get(id(model))
    if info is None:
        info = {"mid": len(S.models) + 1, "model": model, "trained": False}
        S.models[id(model)] = info
    return info


def _backbones_in(model):
    try:
        ids = {id(v) for v in model.weights}
    except Exception:  # noqa: BLE001
        return [], set()
    return [b for b in S.backbones.values() if b["vars"] & ids], ids


def _snapshot(model):
    import numpy as np

    snap = {}
    for v in model.weights:
        try:
            snap[id(v)] = np.array(_to_numpy(v), copy=True)
        except Exception:  # noqa: BLE001
            pass
    return snap


def _changed(before, after):
    import numpy as np

    out = set()
    for key, a in before.items():
        b = after.get(key)
        if b is not None and (a.shape != b.shape or not np.array_equal(a, b, equal_nan=True)):
            out.add(key)
    return out


def _describe_loss(loss):
    if loss is None:
        return None
    if isinstance(loss, (list, tuple)) and loss:
        return _describe_loss(loss[0])
    if isinstance(loss, dict) and loss:
        return _describe_loss(next(iter(loss.values())))
    if isinstance(loss, str):
        return {"name": loss, "from_logits": False}
    name = getattr(loss, "__name__", None) or type(loss).__name__
    from_logits = getattr(loss, "from_logits", None)
    if from_logits is None:
        try:
            from_logits = loss.get_config().get("from_logits")
        except Exception:  # noqa: BLE001
            from_logits = None
    if from_logits is None:
        fn = getattr(loss, "fn", None)
        kwargs = getattr(loss, "_fn_kwargs", {}) or {}
        from_logits = kwargs.get("from_logits", False) if fn is not None else False
    return {"name": name, "from_logits": bool(from_logits)}


def _output_activation(model):
    try:
        outputs = getattr(model, "outputs", None)
        layer = None
        if outputs:
            hist = getattr(outputs[0], "_keras_history", None)
            layer = hist[0] if hist else None
        if layer is None and getattr(model, "layers", None):
            layer = model.layers[-1]
        if layer is None:
            return None
        if type(layer).__name__ == "Softmax":
            return {"layer": layer.name, "activation": "softmax", "units": None}
        act = getattr(layer, "activation", None)
        name = getattr(act, "__name__", None) if act is not None else None
        units = getattr(layer, "units", None)
        return {"layer": layer.name, "activation": name or "linear", "units": units, "class": type(layer).__name__}
    except Exception:  # noqa: BLE001
        return None


def _lr(opt):
    import numpy as np

    if opt is None:
        return None
    try:
        value = opt.learning_rate
        return float(_to_numpy(value))
    except Exception:  # noqa: BLE001
        try:
            return float(np.asarray(opt.lr))
        except Exception:  # noqa: BLE001
            return None


def _label_stats(y):
    import numpy as np

    if y is None:
        return None
    if isinstance(y, dict):
        y = next(iter(y.values()), None)
    if isinstance(y, (list, tuple)):
        y = y[0] if y else None
    try:
        arr = _to_numpy(y)
    except Exception:  # noqa: BLE001
        return None
    if arr.dtype.kind not in "fiub" or arr.size == 0:
        return None
    integral = bool(np.all(np.mod(arr, 1) == 0))
    onehot = bool(arr.ndim >= 2 and arr.shape[-1] > 1 and integral and np.all((arr == 0) | (arr == 1)) and np.allclose(arr.sum(-1), 1))
    return {
        "shape": list(arr.shape),
        "dtype": str(arr.dtype),
        "integral": integral,
        "min": float(arr.min()),
        "max": float(arr.max()),
        "onehot": onehot,
        "distinct": int(len(np.unique(arr))) if arr.size < 100000 else None,
    }


def _first_x(xb):
    """The image tensor of a batch's inputs (first leaf)."""
    if isinstance(xb, dict):
        return next(iter(xb.values()), None)
    if isinstance(xb, (list, tuple)):
        return xb[0] if xb else None
    return xb


def probe_forward(model, xb):
    """Run the model on one batch in inference mode and record what enters each backbone."""
    S.probe = {}
    out_stats = None
    try:
        out = model(xb, training=False)
        if isinstance(out, (list, tuple)):
            out = out[0]
        if isinstance(out, dict):
            out = next(iter(out.values()))
        import numpy as np

        arr = _to_numpy(out)
        out_stats = _numeric_stats(arr)
        if out_stats is not None and arr.ndim >= 2:
            out_stats["rowsum_mean"] = float(np.mean(arr.astype("float64").sum(-1)))
    except Exception as exc:  # noqa: BLE001
        out_stats = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    pixels, S.probe = S.probe, None
    return pixels, out_stats


# --------------------------------------------------------------------------------------------
# data capping
# --------------------------------------------------------------------------------------------

def _is_tf_dataset(x):
    tf = sys.modules.get("tensorflow")
    try:
        return tf is not None and isinstance(x, tf.data.Dataset)
    except Exception:  # noqa: BLE001
        return False


def _is_array_like(x):
    if x is None:
        return False
    if isinstance(x, dict):
        return all(_is_array_like(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return bool(x) and all(_is_array_like(v) for v in x)
    mod = type(x).__module__
    return hasattr(x, "shape") and hasattr(x, "__getitem__") and not _is_tf_dataset(x) and not mod.startswith("keras")


def _slice(x, n):
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: _slice(v, n) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_slice(v, n) for v in x)
    return x[:n]


def _slice_range(x, a, b):
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: _slice_range(v, a, b) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_slice_range(v, a, b) for v in x)
    return x[a:b]


def _length(x):
    if isinstance(x, dict):
        return _length(next(iter(x.values())))
    if isinstance(x, (list, tuple)):
        return _length(x[0])
    return int(x.shape[0])


def _to_numpy_tree(el):
    import numpy as np

    if isinstance(el, dict):
        return {k: _to_numpy_tree(v) for k, v in el.items()}
    if isinstance(el, (list, tuple)):
        return tuple(_to_numpy_tree(v) for v in el)
    try:
        return np.asarray(el)
    except Exception:  # noqa: BLE001
        return el


def _split_batch(el):
    if isinstance(el, tuple) and len(el) in (2, 3):
        return el[0], el[1], (el[2] if len(el) == 3 else None)
    if isinstance(el, tuple) and len(el) == 1:
        return el[0], None, None
    return el, None, None


def _list_dataset(batches):
    import keras

    class _Batches(keras.utils.PyDataset):
        def __init__(self, items):
            super().__init__()
            self.items = items

        def __len__(self):
            return len(self.items)

        def __getitem__(self, i):
            return self.items[i]

    return _Batches([tuple(v for v in b if v is not None) if isinstance(b, tuple) else b for b in batches])


def take_batches(x, y, sw, batch_size, n):
    """(batches as (x, y, sw) numpy tuples, what to feed instead of x/y/sw, a note)."""
    if _is_array_like(x):
        bs = batch_size or 32
        total = _length(x)
        take = min(total, n * bs)
        if take >= bs:
            take = (take // bs) * bs  # whole batches only: no partial batch, no retrace
        batches = [
            (_slice_range(x, i, i + bs), _slice_range(y, i, i + bs), _slice_range(sw, i, i + bs))
            for i in range(0, take, bs)
        ]
        return batches, {"x": _slice(x, take), "y": _slice(y, take), "sample_weight": _slice(sw, take)}, "arrays"
    if _is_tf_dataset(x):
        batches = [_split_batch(_to_numpy_tree(el)) for el in x.take(n)]
        return batches, {"x": x.take(n)}, "tf.data"
    if hasattr(x, "__getitem__") and hasattr(x, "__len__"):
        batches = [_split_batch(_to_numpy_tree(x[i])) for i in range(min(n, len(x)))]
    else:
        it = iter(x)
        batches = []
        for _ in range(n):
            try:
                batches.append(_split_batch(_to_numpy_tree(next(it))))
            except StopIteration:
                break
    return batches, {"x": _list_dataset(batches)}, "generator"


def _resolve_classes(model):
    try:
        units = int(model.outputs[0].shape[-1])
    except Exception:  # noqa: BLE001
        units = None
    if units is None:
        try:
            units = int(model.output_shape[-1])
        except Exception:  # noqa: BLE001
            units = None
    if units is not None:
        S.n_classes_hint = 2 if units == 1 else units
        for source in S.synthetic:
            try:
                source(S.n_classes_hint)
            except Exception as exc:  # noqa: BLE001
                emit("instrumentation_error", where="synthetic labels", error=repr(exc))


# --------------------------------------------------------------------------------------------
# Keras 3 instrumentation
# --------------------------------------------------------------------------------------------

def instrument_keras3():
    import inspect

    import keras
    from keras.src.layers.layer import Layer
    from keras.src.models.functional import Functional
    from keras.src.models.model import Model

    # ---- backbone construction / weights fallback -------------------------------------------
    orig_functional_init = Functional.__init__

    def functional_init(self, *args, **kwargs):
        orig_functional_init(self, *args, **kwargs)
        try:
            frame = _applications_frame()
            if frame is not None:
                register_backbone(self, frame.f_code.co_name, dict(frame.f_locals), user_line())
        except Exception as exc:  # noqa: BLE001
            emit("instrumentation_error", where="backbone", error=repr(exc))

    Functional.__init__ = functional_init

    from keras.src.utils import file_utils

    orig_get_file = file_utils.get_file
    sentinel = "__tllint_no_cached_weights__"

    def get_file(fname=None, origin=None, *args, **kwargs):
        frame = _applications_frame()
        if frame is not None:
            cache_dir = kwargs.get("cache_dir") or KERAS_HOME
            subdir = kwargs.get("cache_subdir", "datasets")
            name = fname or os.path.basename(str(origin or ""))
            path = os.path.join(os.path.expanduser(cache_dir), subdir, name)
            if not os.path.exists(path):
                S.pending_fallback.append({"file": name, "looked_in": os.path.dirname(path)})
                return sentinel
            return path
        return orig_get_file(fname, origin, *args, **kwargs)

    replace_everywhere(orig_get_file, get_file)
    file_utils.get_file = get_file

    orig_load_weights = Model.load_weights

    def load_weights(self, filepath, *args, **kwargs):
        if filepath == sentinel:
            info = S.backbones.get(id(self))
            missing = S.pending_fallback.pop() if S.pending_fallback else {}
            emit(
                "weights_fallback",
                bid=info["bid"] if info else None,
                name=info["name"] if info else None,
                file=missing.get("file"),
                looked_in=missing.get("looked_in"),
            )
            return None
        info = S.backbones.get(id(self))
        if info is not None:
            emit("weights_loaded", bid=info["bid"], name=info["name"], file=os.path.basename(str(filepath)))
        return orig_load_weights(self, filepath, *args, **kwargs)

    Model.load_weights = load_weights

    # ---- layer calls: backbone call lines, pixel probes ---------------------------------------
    from keras.src.backend.common.keras_tensor import KerasTensor

    orig_call = Layer.__call__

    def layer_call(self, *args, **kwargs):
        watched = S.watch.get(id(self))
        if watched is not None and args:
            try:
                role, bid = watched
                x = _first_x(args[0])
                if isinstance(x, KerasTensor):
                    if role == "call":
                        emit("backbone_call", bid=bid, line=user_line(), training=str(kwargs.get("training", "unset")))
                elif S.probe is not None:
                    if bid not in S.probe:
                        st = _numeric_stats(x)
                        if st is not None:
                            st["via"] = role
                            S.probe[bid] = st
                elif role == "call" and S.depth == 0 and S.direct_probes.get(bid, 0) < 2:
                    st = _numeric_stats(x)
                    if st is not None:
                        S.direct_probes[bid] = S.direct_probes.get(bid, 0) + 1
                        emit("pixels", bid=bid, line=user_line(), stats=st, where="direct call")
            except Exception as exc:  # noqa: BLE001
                emit("instrumentation_error", where="layer call", error=repr(exc))
        return orig_call(self, *args, **kwargs)

    Layer.__call__ = layer_call

    # ---- trainable assignments ----------------------------------------------------------------
    prop = Layer.trainable

    def set_trainable(self, value):
        top = S.trainable_depth == 0
        S.trainable_depth += 1
        try:
            prop.fset(self, value)
        finally:
            S.trainable_depth -= 1
        if not top:
            return
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename != SCRIPT and _is_library(frame.f_code.co_filename):
            frame = frame.f_back
        if frame is None or frame.f_code.co_filename != SCRIPT:
            return
        try:
            line = frame.f_lineno
            bid_self = S.backbones.get(id(self), {}).get("bid")
            owner = S.layer_owner.get(id(self))
            if bid_self:
                role = "backbone"
            elif owner:
                role = "backbone_layer"
            elif type(self).__name__ == "InputLayer":
                role = "input_layer"
            elif id(self) in S.models or isinstance(self, Model):
                role = "model"
            else:
                role = "layer"
            contained = [b["bid"] for b in S.backbones.values() if b["model"] is not self and id(b["model"]) in {id(l) for l in _flatten(self)}] if isinstance(self, Model) else []
            ids, _bn, _moving = _var_split(self)
            S.groups.setdefault(line, set()).update(ids)
            emit(
                "trainable_set",
                line=line,
                layer=getattr(self, "name", "?"),
                cls=type(self).__name__,
                role=role,
                bid=bid_self or owner,
                contains=contained,
                value=bool(value),
                n_vars=len(ids),
                is_bn=_is_bn(self),
            )
        except Exception as exc:  # noqa: BLE001
            emit("instrumentation_error", where="trainable", error=repr(exc))

    Layer.trainable = property(prop.fget, set_trainable, prop.fdel, prop.__doc__)

    # ---- optimizer learning rate sets ----------------------------------------------------------
    from keras.src.optimizers.base_optimizer import BaseOptimizer

    lr_prop = BaseOptimizer.learning_rate

    def set_lr(self, value):
        lr_prop.fset(self, value)
        line = user_line()
        if line is not None:
            emit("lr_set", line=line, optimizer=type(self).__name__, lr=_lr(self))

    BaseOptimizer.learning_rate = property(lr_prop.fget, set_lr, lr_prop.fdel, lr_prop.__doc__)

    # ---- Dense input rank (TL303) --------------------------------------------------------------
    from keras.src.layers.core.dense import Dense

    orig_dense_build = Dense.build

    def dense_build(self, input_shape):
        try:
            if _applications_frame() is None:
                emit("dense_build", layer=self.name, units=getattr(self, "units", None), input_shape=list(input_shape), rank=len(input_shape), line=user_line())
        except Exception:  # noqa: BLE001
            pass
        return orig_dense_build(self, input_shape)

    Dense.build = dense_build

    # ---- compile --------------------------------------------------------------------------------
    orig_compile = Model.compile

    def compile_(self, *args, **kwargs):
        line = user_line()
        try:
            bound = inspect.signature(orig_compile).bind(self, *args, **kwargs)
            opt_arg = bound.arguments.get("optimizer", "rmsprop")
        except TypeError:
            opt_arg = None
        reused_built = bool(getattr(opt_arg, "built", False)) if opt_arg is not None and not isinstance(opt_arg, str) else False
        orig_compile(self, *args, **kwargs)
        if S.depth:
            return None
        info = model_info(self)
        opt = getattr(self, "optimizer", None)
        emit(
            "compile",
            mid=info["mid"],
            model=getattr(self, "name", None),
            line=line,
            optimizer=type(opt).__name__ if opt is not None else None,
            opt_id=id(opt) if opt is not None else None,
            opt_reused_built=reused_built,
            lr=_lr(opt),
            loss=_describe_loss(getattr(self, "loss", None)),
        )
        return None

    Model.compile = compile_

    # ---- training steps -------------------------------------------------------------------------
    def step_begin(model, info, call_id, index, batch):
        xb, yb = (batch[0], batch[1]) if batch is not None else (None, None)
        pixels, out = probe_forward(model, xb) if xb is not None else ({}, None)
        opt = getattr(model, "optimizer", None)
        opt_vars = None
        try:
            tv = getattr(opt, "_trainable_variables", None)
            if tv is not None:
                opt_vars = {id(v) for v in tv}
        except Exception:  # noqa: BLE001
            opt_vars = None
        emit(
            "step_begin",
            call=call_id,
            mid=info["mid"],
            step=index,
            pixels={str(k): v for k, v in pixels.items()},
            labels=_label_stats(yb),
            outputs=out,
            optimizer=type(opt).__name__ if opt is not None else None,
            lr=_lr(opt),
        )
        return _snapshot(model), opt_vars

    def step_end(model, info, call_id, index, before, opt_vars, loss):
        after = _snapshot(model)
        changed = _changed(before, after)
        bbs, ids = _backbones_in(model)
        try:
            flagged = {id(v) for v in model.trainable_weights}
        except Exception:  # noqa: BLE001
            flagged = set()
        per_bb = {}
        backbone_vars = set()
        for b in bbs:
            vars_ = b["vars"] & ids
            backbone_vars |= vars_ | b["moving"]
            bn_changed = sum(1 for mm in b["bn"].values() if mm in changed)
            per_bb[str(b["bid"])] = {
                "name": b["name"],
                "n_vars": len(vars_),
                "flagged": len(vars_ & flagged),
                "changed": len(vars_ & changed),
                "flagged_changed": len(vars_ & flagged & changed),
                "changed_not_flagged": len((vars_ & changed) - flagged),
                "in_optimizer": len(vars_ & opt_vars) if opt_vars is not None else None,
                "n_bn": len(b["bn"]),
                "bn_moving_changed": bn_changed,
                "backbone_trainable_flag": bool(getattr(b["model"], "trainable", True)),
            }
        moving_all = set()
        try:
            for lyr in _flatten(model):
                if _is_bn(lyr):
                    for v in lyr.weights:
                        if "moving" in getattr(v, "path", ""):
                            moving_all.add(id(v))
        except Exception:  # noqa: BLE001
            pass
        head = ids - backbone_vars - moving_all
        groups = {}
        for line, gids in S.groups.items():
            g = gids & ids
            if g:
                groups[str(line)] = {"n_vars": len(g), "flagged": len(g & flagged), "changed": len(g & changed)}
        lossv = None
        try:
            lossv = float(_to_numpy(loss)) if loss is not None else None
        except Exception:  # noqa: BLE001
            lossv = None
        emit(
            "step_end",
            call=call_id,
            mid=info["mid"],
            step=index,
            backbones=per_bb,
            head={"n_vars": len(head & set(before)), "flagged": len(head & flagged), "changed": len(head & changed)},
            groups=groups,
            loss=lossv if lossv is None or math.isfinite(lossv) else str(lossv),
            loss_finite=None if lossv is None else math.isfinite(lossv),
        )
        info["trained"] = True

    class ProbeCallback(keras.callbacks.Callback):
        def __init__(self, model_, info, call_id, batches):
            super().__init__()
            self._m = model_
            self._info = info
            self._call = call_id
            self._batches = batches
            self._state = None

        def _synced(self):
            try:
                return self.model  # the JAX backend syncs its state into the variables here
            except Exception:  # noqa: BLE001
                return self._m

        def on_train_batch_begin(self, batch, logs=None):
            b = self._batches[batch] if batch < len(self._batches) else None
            self._state = step_begin(self._synced(), self._info, self._call, batch, b)

        def on_train_batch_end(self, batch, logs=None):
            if self._state is None:
                return
            before, opt_vars = self._state
            self._state = None
            loss = (logs or {}).get("loss")
            step_end(self._synced(), self._info, self._call, batch, before, opt_vars, loss)

    def _training_call_start(model, kind, line):
        info = model_info(model)
        S.training_calls += 1
        call_id = S.training_calls
        _resolve_classes(model)
        emit(
            "train_call",
            call=call_id,
            mid=info["mid"],
            model=getattr(model, "name", None),
            call_kind=kind,
            line=line,
            first=not info["trained"],
            output=_output_activation(model),
            loss=_describe_loss(getattr(model, "loss", None)),
            optimizer=type(getattr(model, "optimizer", None)).__name__,
            opt_id=id(getattr(model, "optimizer", None)),
            backbones=[b["bid"] for b in _backbones_in(model)[0]],
        )
        return info, call_id

    def _capped(key):
        count = S.call_counts.get(key, 0)
        S.call_counts[key] = count + 1
        return count >= STEPS

    orig_fit = Model.fit
    fit_sig = inspect.signature(orig_fit)

    def fit(self, *args, **kwargs):
        if S.depth:
            return orig_fit(self, *args, **kwargs)
        line = user_line()
        key = ("fit", id(self), line)
        if _capped(key) and key in S.cached:
            emit("call_skipped", what="fit", line=line, reason=f"called more than {STEPS} times from this line")
            return S.cached[key]
        bound = fit_sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        a = dict(bound.arguments)
        a.pop("self", None)
        extra = a.pop("kwargs", {}) or {}
        a.update(extra)
        _resolve_classes(self)
        info, call_id = _training_call_start(self, "fit", line)
        try:
            batches, feed, how = take_batches(a.get("x"), a.get("y"), a.get("sample_weight"), a.get("batch_size"), STEPS)
        except Exception as exc:
            emit("exception", call=call_id, mid=info["mid"], line=line, where="fit data", type=type(exc).__name__, message=str(exc)[:4000])
            raise
        a.update(feed)
        if how != "arrays":
            a["y"] = None
            a["sample_weight"] = None
            a["batch_size"] = None
            a["steps_per_epoch"] = None
        else:
            a["steps_per_epoch"] = None
            a["shuffle"] = False
        a["epochs"] = int(a.get("initial_epoch") or 0) + 1
        vd = a.get("validation_data")
        if vd is not None:
            try:
                if isinstance(vd, tuple) and _is_array_like(vd[0]):
                    vbs = a.get("validation_batch_size") or a.get("batch_size") or 32
                    a["validation_data"] = tuple(_slice(v, STEPS * vbs) for v in vd)
                elif _is_tf_dataset(vd):
                    a["validation_data"] = vd.take(STEPS)
                else:
                    vb, vfeed, _ = take_batches(vd, None, None, None, STEPS)
                    a["validation_data"] = vfeed["x"]
                a["validation_steps"] = None
            except Exception as exc:  # noqa: BLE001
                emit("instrumentation_error", where="validation data", error=repr(exc))
        cbs = list(a.get("callbacks") or [])
        cbs.append(ProbeCallback(self, info, call_id, batches))
        a["callbacks"] = cbs
        emit("data", call=call_id, how=how, batches=len(batches))
        S.depth += 1
        try:
            hist = orig_fit(self, **a)
        except Exception as exc:
            emit("exception", call=call_id, mid=info["mid"], line=line, where="fit", type=type(exc).__name__, message=str(exc)[:4000])
            raise
        finally:
            S.depth -= 1
        emit("train_call_end", call=call_id)
        S.cached[key] = hist
        return hist

    Model.fit = fit

    orig_tob = Model.train_on_batch

    def train_on_batch(self, x, y=None, *args, **kwargs):
        if S.depth:
            return orig_tob(self, x, y, *args, **kwargs)
        line = user_line()
        key = ("train_on_batch", id(self), line)
        if _capped(key) and key in S.cached:
            if S.call_counts[key] == STEPS + 1:
                emit("call_skipped", what="train_on_batch", line=line, reason=f"called more than {STEPS} times from this line")
            return S.cached[key]
        info, call_id = _training_call_start(self, "train_on_batch", line)
        before, opt_vars = step_begin(self, info, call_id, 0, (x, y))
        S.depth += 1
        try:
            result = orig_tob(self, x, y, *args, **kwargs)
        except Exception as exc:
            emit("exception", call=call_id, mid=info["mid"], line=line, where="train_on_batch", type=type(exc).__name__, message=str(exc)[:4000])
            raise
        finally:
            S.depth -= 1
        loss = result
        if isinstance(result, dict):
            loss = result.get("loss")
        elif isinstance(result, (list, tuple)):
            loss = result[0] if result else None
        step_end(self, info, call_id, 0, before, opt_vars, loss)
        emit("train_call_end", call=call_id)
        S.cached[key] = result
        return result

    Model.train_on_batch = train_on_batch

    def _inference(name, orig):
        sig = inspect.signature(orig)

        def wrapper(self, *args, **kwargs):
            if S.depth:
                return orig(self, *args, **kwargs)
            line = user_line()
            key = (name, id(self), line)
            if name.endswith("_on_batch") and _capped(key) and key in S.cached:
                return S.cached[key]
            if not name.endswith("_on_batch"):
                # the same predict/evaluate line in a loop: after 5*N real calls, reuse the result
                count = S.call_counts.get(key, 0)
                S.call_counts[key] = count + 1
                if count >= 5 * STEPS and key in S.cached:
                    cached = S.cached[key]
                    x0 = args[0] if args else kwargs.get("x")
                    if name == "predict" and _is_array_like(x0):
                        return _tile(cached, _length(x0))
                    if name == "evaluate":
                        return cached
            bound = sig.bind(self, *args, **kwargs)
            bound.apply_defaults()
            a = dict(bound.arguments)
            a.pop("self", None)
            a.update(a.pop("kwargs", {}) or {})
            x = a.get("x")
            full = None
            if not name.endswith("_on_batch"):
                _resolve_classes(self)
                batches, feed, how = take_batches(x, a.get("y"), a.get("sample_weight"), a.get("batch_size"), STEPS)
                if how == "arrays":
                    full = _length(x)
                    a["x"] = feed["x"]
                    if "y" in a:
                        a["y"] = feed["y"]
                    if "sample_weight" in a:
                        a["sample_weight"] = feed["sample_weight"]
                else:
                    a["x"] = feed["x"]
                    for k in ("y", "sample_weight", "batch_size"):
                        if k in a:
                            a[k] = None
                    a["steps"] = None
                xb = batches[0][0] if batches else None
            else:
                xb = x
            if xb is not None and S.backbones:
                pixels, out = probe_forward(self, xb)
                if pixels:
                    for bid, st in pixels.items():
                        emit("pixels", bid=bid, line=line, stats=st, where=name)
            S.depth += 1
            try:
                result = orig(self, **a)
            except Exception as exc:
                emit("exception", mid=model_info(self)["mid"], line=line, where=name, type=type(exc).__name__, message=str(exc)[:4000])
                raise
            finally:
                S.depth -= 1
            if name == "predict" and full is not None:
                result = _tile(result, full)
            S.cached[key] = result
            return result

        return wrapper

    for name in ("evaluate", "predict", "test_on_batch", "predict_on_batch"):
        setattr(Model, name, _inference(name, getattr(Model, name)))

    # ---- saving: C-level writers get their paths redirected ------------------------------------
    orig_save = Model.save
    orig_save_weights = Model.save_weights
    orig_export = getattr(Model, "export", None)

    def save(self, filepath, *args, **kwargs):
        return orig_save(self, _redirect_save(filepath), *args, **kwargs)

    def save_weights(self, filepath, *args, **kwargs):
        return orig_save_weights(self, _redirect_save(filepath), *args, **kwargs)

    Model.save = save
    Model.save_weights = save_weights
    if orig_export is not None:
        def export(self, filepath, *args, **kwargs):
            return orig_export(self, _redirect_save(filepath), *args, **kwargs)

        Model.export = export

    try:
        from keras.src.callbacks.tensorboard import TensorBoard

        orig_tb_init = TensorBoard.__init__

        def tb_init(self, log_dir="logs", *args, **kwargs):
            return orig_tb_init(self, _redirect_save(log_dir, force=True), *args, **kwargs)

        TensorBoard.__init__ = tb_init
    except Exception as exc:  # noqa: BLE001
        emit("instrumentation_error", where="TensorBoard", error=repr(exc))

    try:
        from keras.src.utils import model_visualization

        orig_plot = model_visualization.plot_model

        def plot_model(model, to_file="model.png", *args, **kwargs):
            return orig_plot(model, _redirect_save(to_file), *args, **kwargs)  # graphviz writes natively

        replace_everywhere(orig_plot, plot_model)
    except Exception as exc:  # noqa: BLE001
        emit("instrumentation_error", where="plot_model", error=repr(exc))

    # ---- data loaders ---------------------------------------------------------------------------
    try:
        _instrument_loaders(keras)
    except Exception as exc:  # noqa: BLE001
        emit("instrumentation_error", where="data loaders", error=repr(exc))

    # ---- run info -------------------------------------------------------------------------------
    backend = keras.backend.backend()
    device = "CPU"
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            device = f"GPU ({len(gpus)})" if gpus else "CPU"
        elif backend == "torch":
            import torch

            device = f"GPU ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else "CPU"
        elif backend == "jax":
            import jax

            platform = jax.devices()[0].platform
            device = "GPU" if platform == "gpu" else platform.upper()
    except Exception:  # noqa: BLE001
        pass
    emit("meta", keras=keras.__version__, backend=backend, device=device)


def _tile(result, n):
    import numpy as np

    if isinstance(result, dict):
        return {k: _tile(v, n) for k, v in result.items()}
    if isinstance(result, (list, tuple)):
        return type(result)(_tile(v, n) for v in result)
    try:
        arr = np.asarray(result)
        if arr.ndim == 0 or arr.shape[0] == 0 or arr.shape[0] == n:
            return result
        if arr.shape[0] > n:
            return arr[:n]
        reps = int(math.ceil(n / arr.shape[0]))
        return np.concatenate([arr] * reps, axis=0)[:n]
    except Exception:  # noqa: BLE001
        return result


def _redirect_save(path, force=False):
    text = _as_path(path)
    if text is None:
        return path
    real = os.path.realpath(os.path.abspath(text))
    if _is_allowed(real) and not force:
        return path
    if _is_allowed(real):
        return path
    target = _mapped(real)
    _orig_makedirs(os.path.dirname(target), exist_ok=True)
    emit("write_redirected", path=text, line=user_line())
    if isinstance(path, str) or not hasattr(path, "__fspath__"):
        return target
    return type(path)(target) if callable(type(path)) else target


# --------------------------------------------------------------------------------------------
# synthetic data for missing folders
# --------------------------------------------------------------------------------------------

_RNG_SEED = [1234]


def _rng():
    import numpy as np

    _RNG_SEED[0] += 1
    return np.random.default_rng(_RNG_SEED[0])


def _labels(mode, idx, k):
    import numpy as np

    if mode in ("categorical",):
        return np.eye(k, dtype="float32")[idx]
    if mode == "binary":
        return (idx % 2).astype("float32")
    if mode == "sparse":
        return idx.astype("float32")
    if mode == "int":
        return idx.astype("int32")
    return idx


def _missing_dir(directory) -> bool:
    text = _as_path(directory)
    return text is not None and not os.path.isdir(text)


def _instrument_loaders(keras):
    import inspect

    import numpy as np

    # image_dataset_from_directory (keras.utils, keras.preprocessing, tf.keras.*)
    from keras.src.utils import image_dataset_utils

    orig_idfd = image_dataset_utils.image_dataset_from_directory
    sig = inspect.signature(orig_idfd)

    def idfd(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        a = bound.arguments
        if not _missing_dir(a["directory"]):
            emit("data_real", loader="image_dataset_from_directory", path=str(a["directory"]), line=user_line())
            return orig_idfd(*args, **kwargs)
        import tensorflow as tf

        label_mode = a["label_mode"] if a["labels"] is not None else None
        class_names = a.get("class_names")
        k0 = len(class_names) if class_names else 2
        ch = {"rgb": 3, "grayscale": 1, "rgba": 4}.get(a["color_mode"], 3)
        h, w = tuple(a["image_size"])
        bs = a["batch_size"]
        n_batches = 2 * STEPS + 2
        emit(
            "data_synthetic",
            loader="image_dataset_from_directory",
            path=str(a["directory"]),
            line=user_line(),
            image_size=[h, w, ch],
            batch_size=bs,
            label_mode=label_mode,
        )

        def make():
            def gen():
                k = 2 if label_mode == "binary" else (S.n_classes_hint or k0)
                rng = _rng()
                for _ in range(n_batches):
                    shape = (bs, h, w, ch) if bs else (h, w, ch)
                    x = rng.integers(0, 256, shape).astype("float32")
                    if label_mode is None:
                        yield x
                        continue
                    idx = rng.integers(0, k, bs if bs else ())
                    y = _labels(label_mode, np.asarray(idx), k)
                    if label_mode == "binary":
                        y = y.reshape((-1, 1)) if bs else y.reshape((1,))
                    yield x, y

            lead = (None,) if bs else ()
            xspec = tf.TensorSpec(lead + (h, w, ch), tf.float32)
            if label_mode is None:
                sigs = xspec
            elif label_mode == "int":
                sigs = (xspec, tf.TensorSpec(lead, tf.int32))
            elif label_mode == "categorical":
                sigs = (xspec, tf.TensorSpec(lead + (None,), tf.float32))
            else:
                sigs = (xspec, tf.TensorSpec(lead + (1,), tf.float32))
            ds = tf.data.Dataset.from_generator(gen, output_signature=sigs)
            ds = ds.apply(tf.data.experimental.assert_cardinality(n_batches))
            ds.class_names = list(class_names) if class_names else [f"class_{i}" for i in range(k0)]
            ds.file_paths = []
            return ds

        if a.get("subset") == "both":
            return make(), make()
        return make()

    replace_everywhere(orig_idfd, idfd)
    image_dataset_utils.image_dataset_from_directory = idfd

    # ImageDataGenerator.flow_from_directory / flow_from_dataframe (Keras 3 legacy, tf.keras)
    try:
        from keras.src.legacy.preprocessing.image import ImageDataGenerator
    except Exception:  # noqa: BLE001
        ImageDataGenerator = None
    if ImageDataGenerator is not None:
        _instrument_idg(ImageDataGenerator)

    # tensorflow_datasets: only when the script imports it
    _POST_IMPORT.setdefault("tensorflow_datasets", []).append(_instrument_tfds)
    if "tensorflow_datasets" in sys.modules:
        _instrument_tfds(sys.modules["tensorflow_datasets"])


def _synthetic_flow(gen, loader, where, target_size, color_mode, class_mode, batch_size, shuffle, seed, k0, classes):
    ch = {"rgb": 3, "grayscale": 1, "rgba": 4}.get(color_mode, 3)
    h, w = tuple(target_size)
    n = batch_size * (2 * STEPS + 2)
    rng = _rng()
    x = rng.integers(0, 256, (n, h, w, ch)).astype("float32")
    k = S.n_classes_hint or k0
    idx = rng.integers(0, k, n)
    emit(
        "data_synthetic",
        loader=loader,
        path=where,
        line=user_line(),
        image_size=[h, w, ch],
        batch_size=batch_size,
        label_mode=class_mode,
    )
    if class_mode in (None, "input"):
        it = gen.flow(x, None, batch_size=batch_size, shuffle=shuffle, seed=seed)
    else:
        it = gen.flow(x, _labels(class_mode, idx, k), batch_size=batch_size, shuffle=shuffle, seed=seed)
    names = list(classes) if classes else [f"class_{i}" for i in range(k)]

    def set_classes(kk, it=it, n=n, class_mode=class_mode):
        if class_mode in (None, "input") or (classes and len(classes) == kk):
            return
        if class_mode == "binary":
            kk = 2
        ids = _rng().integers(0, kk, n)
        it.y = _labels(class_mode, ids, kk)
        it.classes = ids
        it.num_classes = kk
        it.class_indices = {f"class_{i}": i for i in range(kk)}

    it.class_indices = {name: i for i, name in enumerate(names)}
    it.classes = idx
    it.num_classes = k
    it.samples = n
    it.filenames = [f"synthetic_{i}.png" for i in range(n)]
    it.filepaths = it.filenames
    it.class_mode = class_mode
    it.image_shape = (h, w, ch)
    it.target_size = (h, w)
    S.synthetic.append(set_classes)
    return it


def _instrument_idg(IDG):
    import inspect

    orig_ffd = IDG.flow_from_directory
    sig_ffd = inspect.signature(orig_ffd)

    def flow_from_directory(self, *args, **kwargs):
        bound = sig_ffd.bind(self, *args, **kwargs)
        bound.apply_defaults()
        a = bound.arguments
        if not _missing_dir(a["directory"]):
            emit("data_real", loader="flow_from_directory", path=str(a["directory"]), line=user_line())
            return orig_ffd(self, *args, **kwargs)
        classes = a.get("classes")
        return _synthetic_flow(
            self, "flow_from_directory", str(a["directory"]), a["target_size"], a["color_mode"], a["class_mode"],
            a["batch_size"], a["shuffle"], a["seed"], len(classes) if classes else 2, classes,
        )

    IDG.flow_from_directory = flow_from_directory

    orig_ffdf = IDG.flow_from_dataframe
    sig_ffdf = inspect.signature(orig_ffdf)

    def flow_from_dataframe(self, *args, **kwargs):
        bound = sig_ffdf.bind(self, *args, **kwargs)
        bound.apply_defaults()
        a = bound.arguments
        df = a["dataframe"]
        directory = a.get("directory")
        missing = directory is not None and _missing_dir(directory)
        if not missing:
            try:
                files = list(df[a["x_col"]])[:5]
                base = directory or ""
                missing = bool(files) and not any(os.path.exists(os.path.join(base, str(f))) for f in files)
            except Exception:  # noqa: BLE001
                missing = False
        if not missing:
            emit("data_real", loader="flow_from_dataframe", path=str(directory), line=user_line())
            return orig_ffdf(self, *args, **kwargs)
        classes = a.get("classes")
        k0 = len(classes) if classes else 2
        try:
            k0 = int(df[a["y_col"]].nunique()) if not classes else k0
        except Exception:  # noqa: BLE001
            pass
        class_mode = a["class_mode"]
        if class_mode in ("raw", "multi_output"):
            class_mode = "sparse"
        return _synthetic_flow(
            self, "flow_from_dataframe", str(directory), a["target_size"], a["color_mode"], class_mode,
            a["batch_size"], a["shuffle"], a["seed"], max(k0, 1), classes,
        )

    IDG.flow_from_dataframe = flow_from_dataframe


def _instrument_tfds(tfds):
    import inspect

    orig_load = tfds.load

    def load(name, *args, **kwargs):
        try:
            kw = dict(kwargs)
            kw["download"] = False
            return orig_load(name, *args, **kw)
        except Exception:  # noqa: BLE001
            pass
        import numpy as np
        import tensorflow as tf

        try:
            bound = inspect.signature(orig_load).bind(name, *args, **kwargs)
            bound.apply_defaults()
            a = bound.arguments
        except TypeError:
            a = dict(kwargs, name=name)
        split = a.get("split")
        as_supervised = bool(a.get("as_supervised"))
        bs = a.get("batch_size")
        k = 2
        emit("data_synthetic", loader="tfds.load", path=str(name), line=user_line(), image_size=[128, 128, 3], batch_size=bs, label_mode="int")

        def make():
            n = max(bs or 1, 1) * (2 * STEPS + 2)

            def gen():
                kk = S.n_classes_hint or k
                rng = _rng()
                for _ in range(n):
                    img = rng.integers(0, 256, (128, 128, 3)).astype("uint8")
                    lab = np.int64(rng.integers(0, kk))
                    yield (img, lab) if as_supervised else {"image": img, "label": lab}

            img_spec = tf.TensorSpec((128, 128, 3), tf.uint8)
            lab_spec = tf.TensorSpec((), tf.int64)
            sig = (img_spec, lab_spec) if as_supervised else {"image": img_spec, "label": lab_spec}
            ds = tf.data.Dataset.from_generator(gen, output_signature=sig)
            ds = ds.apply(tf.data.experimental.assert_cardinality(n))
            return ds.batch(bs) if bs and bs > 0 else ds

        out = [make() for _ in split] if isinstance(split, (list, tuple)) else make()
        if a.get("with_info"):
            from types import SimpleNamespace

            class _Splits(dict):
                def __missing__(self, key):
                    return SimpleNamespace(num_examples=max(bs or 1, 1) * (2 * STEPS + 2))

            info = SimpleNamespace(
                features={"label": SimpleNamespace(num_classes=k, names=[f"class_{i}" for i in range(k)])},
                splits=_Splits(),
                name=str(name),
            )
            return out, info
        return out

    replace_everywhere(orig_load, load)
    tfds.load = load


def _instrument_tf(tf_module):
    """Redirect TensorFlow's own writers (C++ file I/O does not go through Python's open)."""
    import tensorflow as tf

    def wrap_path(fn, index=0, force=False):
        def wrapper(*args, **kwargs):
            args = list(args)
            if len(args) > index:
                args[index] = _redirect_save(args[index], force)
            return fn(*args, **kwargs)

        return wrapper

    targets = []
    try:
        targets += [(tf.io.write_file, 0), (tf.summary.create_file_writer, 0), (tf.saved_model.save, 1)]
        targets += [(tf.io.gfile.makedirs, 0), (tf.io.gfile.mkdir, 0), (tf.io.gfile.remove, 0), (tf.io.gfile.rmtree, 0)]
    except Exception:  # noqa: BLE001
        pass
    for fn, index in targets:
        try:
            replace_everywhere(fn, wrap_path(fn, index))
        except Exception:  # noqa: BLE001
            pass
    try:
        GFile = tf.io.gfile.GFile
        orig_init = GFile.__init__

        def gfile_init(self, name, mode="r"):
            if any(c in mode for c in "wa+"):
                name = _redirect_save(name)
            return orig_init(self, name, mode)

        GFile.__init__ = gfile_init
    except Exception:  # noqa: BLE001
        pass
    try:
        Checkpoint = tf.train.Checkpoint
        for meth in ("save", "write"):
            orig = getattr(Checkpoint, meth)

            def ck(self, file_prefix, *args, _orig=orig, **kwargs):
                return _orig(self, _redirect_save(file_prefix), *args, **kwargs)

            setattr(Checkpoint, meth, ck)
    except Exception:  # noqa: BLE001
        pass


def _instrument_h5py(h5py):
    orig_init = h5py.File.__init__

    def init(self, name, mode="r", *args, **kwargs):
        if isinstance(mode, str) and mode not in ("r",):
            name = _redirect_save(name)
        return orig_init(self, name, mode, *args, **kwargs)

    h5py.File.__init__ = init


def _instrument_cv2(cv2):
    orig = getattr(cv2, "imwrite", None)
    if orig is None:
        return

    def imwrite(filename, *args, **kwargs):
        return orig(_redirect_save(filename), *args, **kwargs)

    cv2.imwrite = imwrite


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------

def _watchdog(parent: int, deadline: float | None) -> None:
    """Exit when the parent tllint dies (nobody would enforce the timeout) or past the deadline."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(3)
        if deadline is not None and time.time() > deadline:
            emit("end", status="timeout")
            os._exit(124)


def main() -> int:
    timeout = CFG.get("timeout")
    threading.Thread(
        target=_watchdog,
        args=(CFG.get("parent_pid") or os.getppid(), time.time() + float(timeout) + 5 if timeout else None),
        daemon=True,
    ).start()
    sys.dont_write_bytecode = True
    sys.addaudithook(_audit)
    sys.meta_path.insert(0, _PostImportFinder())
    script_dir = os.path.dirname(SCRIPT)
    _orig_chdir(os.path.join(SANDBOX, "work"))
    sys.argv = [SCRIPT] + list(CFG.get("argv", []))
    sys.path.insert(0, script_dir)
    emit("start", script=SCRIPT, pid=os.getpid())

    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    if CFG.get("instrument", True):
        try:
            import keras  # noqa: F401 - Keras 3; the backend comes from KERAS_BACKEND

            instrument_keras3()
        except Exception as exc:  # noqa: BLE001
            emit("instrumentation_error", where="keras import", error=f"{type(exc).__name__}: {str(exc)[:300]}", tb=traceback.format_exc()[-1500:])
        if "tensorflow" in sys.modules:
            _instrument_tf(sys.modules["tensorflow"])
        else:
            _POST_IMPORT.setdefault("tensorflow", []).append(_instrument_tf)
        for name, hook in (("h5py", _instrument_h5py), ("cv2", _instrument_cv2)):
            if name in sys.modules:
                hook(sys.modules[name])
            else:
                _POST_IMPORT.setdefault(name, []).append(hook)

    status = 0
    try:
        runpy.run_path(SCRIPT, run_name="__main__")
        emit("end", status="ok")
    except SystemExit as exc:
        code = exc.code
        ok = code in (None, 0)
        emit("end", status="ok" if ok else "exit", code=str(code))
        status = 0 if ok else 1
    except BaseException as exc:  # noqa: BLE001
        line = None
        for fs in traceback.extract_tb(exc.__traceback__):
            if fs.filename == SCRIPT:
                line = fs.lineno
        emit(
            "end",
            status="error",
            type=type(exc).__name__,
            message=str(exc)[:4000],
            line=line,
            traceback=traceback.format_exc()[-2000:],
        )
        status = 1
    try:
        _EV.flush()
    except Exception:  # noqa: BLE001
        pass
    return status


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
