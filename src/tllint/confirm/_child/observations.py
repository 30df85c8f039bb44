"""Plain facts read off tensors, layers, losses and optimizers of any Keras backend.

numpy is imported inside the functions: they only run once Keras is loaded, after the sandbox.
"""

from __future__ import annotations

import sys


def to_numpy(value):
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


def numeric_stats(value):
    import numpy as np

    try:
        arr = to_numpy(value)
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
        "dtype": str(to_numpy(value).dtype),
        "nonfinite": int((~finite).sum()),
    }


def is_bn(layer) -> bool:
    return "BatchNormalization" in [c.__name__ for c in type(layer).__mro__]


def flatten(layer):
    try:
        return list(layer._flatten_layers(include_self=False, recursive=True))
    except Exception:  # noqa: BLE001
        return list(getattr(layer, "layers", []))


def var_split(layer):
    """(ids of non-moving-statistic variables, {bn layer id: id(moving_mean)}, ids of moving statistics)."""
    moving = set()
    bn = {}
    for sub in flatten(layer) + [layer]:
        if is_bn(sub):
            for v in sub.weights:
                if "moving" in getattr(v, "path", getattr(v, "name", "")):
                    moving.add(id(v))
            mm = getattr(sub, "moving_mean", None)
            if mm is not None:
                bn[id(sub)] = id(mm)
    ids = [id(v) for v in layer.weights if id(v) not in moving]
    return ids, bn, moving


def snapshot(model):
    import numpy as np

    snap = {}
    for v in model.weights:
        try:
            snap[id(v)] = np.array(to_numpy(v), copy=True)
        except Exception:  # noqa: BLE001
            pass
    return snap


def changed(before, after):
    import numpy as np

    out = set()
    for key, a in before.items():
        b = after.get(key)
        if b is not None and (a.shape != b.shape or not np.array_equal(a, b, equal_nan=True)):
            out.add(key)
    return out


def describe_loss(loss):
    if loss is None:
        return None
    if isinstance(loss, (list, tuple)) and loss:
        return describe_loss(loss[0])
    if isinstance(loss, dict) and loss:
        return describe_loss(next(iter(loss.values())))
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


def output_activation(model):
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


def learning_rate(opt):
    import numpy as np

    if opt is None:
        return None
    try:
        value = opt.learning_rate
        return float(to_numpy(value))
    except Exception:  # noqa: BLE001
        try:
            return float(np.asarray(opt.lr))
        except Exception:  # noqa: BLE001
            return None


def label_stats(y):
    import numpy as np

    if y is None:
        return None
    if isinstance(y, dict):
        y = next(iter(y.values()), None)
    if isinstance(y, (list, tuple)):
        y = y[0] if y else None
    try:
        arr = to_numpy(y)
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


def first_x(xb):
    """The image tensor of a batch's inputs (first leaf)."""
    if isinstance(xb, dict):
        return next(iter(xb.values()), None)
    if isinstance(xb, (list, tuple)):
        return xb[0] if xb else None
    return xb
