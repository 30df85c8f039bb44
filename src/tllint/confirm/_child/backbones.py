"""`keras.applications` backbones: their construction, their weights (the local cache or none:
never a download) and what enters them when they are called."""

from __future__ import annotations

import os
import sys

from .capping import PROBE_ROWS, head, length
from .config import KERAS_HOME
from .events import emit, user_line
from .observations import first_x, flatten, numeric_stats, to_numpy, var_split
from .patching import replace_everywhere
from .state import S

# What the replaced `get_file` returns for a weights file that is not cached: `load_weights` skips it.
_NO_CACHED_WEIGHTS = "__tllint_no_cached_weights__"


def applications_frame():
    """The outermost frame of keras.applications code above the caller's caller, if any."""
    frame = sys._getframe(2)
    outer = None
    while frame is not None:
        fn = frame.f_code.co_filename.replace("\\", "/")
        if "/applications/" in fn and ("/keras/" in fn or "/tf_keras/" in fn):
            outer = frame
        frame = frame.f_back
    return outer


def register_backbone(model, name, frame_locals, line):
    if id(model) in S.backbones:
        return S.backbones[id(model)]
    ids, bn, moving = var_split(model)
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
    for sub in flatten(model):
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


def backbones_in(model):
    """(the backbones whose variables the model holds, ids of all the model's variables)."""
    try:
        ids = {id(v) for v in model.weights}
    except Exception:  # noqa: BLE001
        return [], set()
    return [b for b in S.backbones.values() if b["vars"] & ids], ids


def probe_forward(model, xb):
    """Run the model on the first PROBE_ROWS rows of a batch in inference mode and record what
    enters each backbone."""
    S.probe = {}
    out_stats = None
    try:
        try:
            if length(xb) > PROBE_ROWS:
                xb = head(xb, PROBE_ROWS)
        except Exception:  # noqa: BLE001 - not rows first: the whole batch
            pass
        out = model(xb, training=False)
        if isinstance(out, (list, tuple)):
            out = out[0]
        if isinstance(out, dict):
            out = next(iter(out.values()))
        import numpy as np

        arr = to_numpy(out)
        out_stats = numeric_stats(arr)
        if out_stats is not None and arr.ndim >= 2:
            out_stats["rowsum_mean"] = float(np.mean(arr.astype("float64").sum(-1)))
    except Exception as exc:  # noqa: BLE001
        out_stats = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    pixels, S.probe = S.probe, None
    return pixels, out_stats


def install(Functional, Model, Layer) -> None:
    _watch_construction(Functional)
    _use_cached_weights_only(Model)
    _watch_calls(Layer)


def _watch_construction(Functional) -> None:
    orig_functional_init = Functional.__init__

    def functional_init(self, *args, **kwargs):
        orig_functional_init(self, *args, **kwargs)
        try:
            frame = applications_frame()
            if frame is not None:
                register_backbone(self, frame.f_code.co_name, dict(frame.f_locals), user_line())
        except Exception as exc:  # noqa: BLE001
            emit("instrumentation_error", where="backbone", error=repr(exc))

    Functional.__init__ = functional_init


def _use_cached_weights_only(Model) -> None:
    from keras.src.utils import file_utils

    orig_get_file = file_utils.get_file

    def get_file(fname=None, origin=None, *args, **kwargs):
        frame = applications_frame()
        if frame is not None:
            cache_dir = kwargs.get("cache_dir") or KERAS_HOME
            subdir = kwargs.get("cache_subdir", "datasets")
            name = fname or os.path.basename(str(origin or ""))
            path = os.path.join(os.path.expanduser(cache_dir), subdir, name)
            if not os.path.exists(path):
                S.pending_fallback.append({"file": name, "looked_in": os.path.dirname(path)})
                return _NO_CACHED_WEIGHTS
            return path
        return orig_get_file(fname, origin, *args, **kwargs)

    replace_everywhere(orig_get_file, get_file)
    file_utils.get_file = get_file

    orig_load_weights = Model.load_weights

    def load_weights(self, filepath, *args, **kwargs):
        if filepath == _NO_CACHED_WEIGHTS:
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


def _watch_calls(Layer) -> None:
    """Backbone call lines while the graph is built; the pixels entering a backbone during a probe
    or a direct (eager) call."""
    from keras.src.backend.common.keras_tensor import KerasTensor

    orig_call = Layer.__call__

    def layer_call(self, *args, **kwargs):
        watched = S.watch.get(id(self))
        if watched is not None and args:
            try:
                role, bid = watched
                x = first_x(args[0])
                if isinstance(x, KerasTensor):
                    if role == "call":
                        emit("backbone_call", bid=bid, line=user_line(), training=str(kwargs.get("training", "unset")))
                elif S.probe is not None:
                    if bid not in S.probe:
                        st = numeric_stats(x)
                        if st is not None:
                            st["via"] = role
                            S.probe[bid] = st
                elif role == "call" and S.depth == 0 and S.direct_probes.get(bid, 0) < 2:
                    st = numeric_stats(x)
                    if st is not None:
                        S.direct_probes[bid] = S.direct_probes.get(bid, 0) + 1
                        emit("pixels", bid=bid, line=user_line(), stats=st, where="direct call")
            except Exception as exc:  # noqa: BLE001
                emit("instrumentation_error", where="layer call", error=repr(exc))
        return orig_call(self, *args, **kwargs)

    Layer.__call__ = layer_call
