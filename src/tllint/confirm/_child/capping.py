"""Data capping: each training or inference call sees only a few batches of what it was given."""

from __future__ import annotations

import math
import sys

from .config import STEPS
from .state import S


def is_tf_dataset(x):
    tf = sys.modules.get("tensorflow")
    try:
        return tf is not None and isinstance(x, tf.data.Dataset)
    except Exception:  # noqa: BLE001
        return False


def is_array_like(x):
    if x is None:
        return False
    if isinstance(x, dict):
        return all(is_array_like(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return bool(x) and all(is_array_like(v) for v in x)
    mod = type(x).__module__
    return hasattr(x, "shape") and hasattr(x, "__getitem__") and not is_tf_dataset(x) and not mod.startswith("keras")


def head(x, n):
    """The first n rows of an array or of each array in a dict / list / tuple."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: head(v, n) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(head(v, n) for v in x)
    return x[:n]


def _rows(x, a, b):
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: _rows(v, a, b) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_rows(v, a, b) for v in x)
    return x[a:b]


def length(x):
    if isinstance(x, dict):
        return length(next(iter(x.values())))
    if isinstance(x, (list, tuple)):
        return length(x[0])
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
    if is_array_like(x):
        bs = batch_size or 32
        total = length(x)
        take = min(total, n * bs)
        if take >= bs:
            take = (take // bs) * bs  # whole batches only: no partial batch, no retrace
        batches = [
            (_rows(x, i, i + bs), _rows(y, i, i + bs), _rows(sw, i, i + bs))
            for i in range(0, take, bs)
        ]
        return batches, {"x": head(x, take), "y": head(y, take), "sample_weight": head(sw, take)}, "arrays"
    if is_tf_dataset(x):
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


def tile(result, n):
    """Predictions on the capped batches, repeated to the length of the original input."""
    import numpy as np

    if isinstance(result, dict):
        return {k: tile(v, n) for k, v in result.items()}
    if isinstance(result, (list, tuple)):
        return type(result)(tile(v, n) for v in result)
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


def capped(key):
    """Count a call from one line; True once it has run STEPS times before."""
    count = S.call_counts.get(key, 0)
    S.call_counts[key] = count + 1
    return count >= STEPS
