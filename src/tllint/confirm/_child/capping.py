"""Data capping: each training or inference call sees only a few batches of what it was given."""

from __future__ import annotations

import math
import sys

from .config import STEPS
from .state import S


# Rows per training / inference batch (the script's batches are cut to these), and per probe.
ROWS = 8
PROBE_ROWS = 4


def rows_for(model):
    """(rows per batch, the model's input rank or None). No cut when the model's input has a fixed
    batch size (a stateful model)."""
    try:
        shape = tuple(model.inputs[0].shape)
    except Exception:  # noqa: BLE001 - subclassed or not yet built: arrays are cut, other data not
        return ROWS, None
    return (None if shape and shape[0] is not None else ROWS), len(shape)


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


def first_leaf(el):
    if isinstance(el, dict):
        return first_leaf(next(iter(el.values()), None))
    if isinstance(el, (list, tuple)):
        return first_leaf(el[0]) if el else None
    return el


def _batched(xb, rank) -> bool:
    """Whether a batch's inputs have the model's input rank (rows first), so rows can be dropped."""
    leaf = first_leaf(xb)
    return rank is not None and getattr(leaf, "ndim", None) == rank


def _slice_batch(batch, rows, rank):
    """A (x, y, sw) batch cut to its first `rows` rows when its inputs are batched like the model's
    and longer than that (else the batch itself)."""
    if not rows or not _batched(batch[0], rank) or length(batch[0]) <= rows:
        return batch
    try:
        return tuple(head(v, rows) for v in batch)
    except Exception:  # noqa: BLE001
        return batch


def _slice_tf_dataset(ds, rows, rank):
    """`ds` with each batch cut to its first `rows` rows, when every element is a dense batch whose
    inputs have the model's input rank; else `ds` unchanged. Returns (dataset, whether cut)."""
    tf = sys.modules.get("tensorflow")
    if tf is None or not rows or rank is None:
        return ds, False
    try:
        spec = ds.element_spec
        leaves = tf.nest.flatten(spec)
        if not leaves or not all(isinstance(sp, tf.TensorSpec) and (sp.shape.rank or 0) >= 1 for sp in leaves):
            return ds, False
        first = tf.nest.flatten(spec[0] if isinstance(spec, tuple) else spec)[0]
        if first.shape.rank != rank or (first.shape[0] is not None and first.shape[0] <= rows):
            return ds, False

        def cut(*el):
            return tf.nest.map_structure(lambda t: t[:rows], el if len(el) > 1 else el[0])

        return ds.map(cut), True
    except Exception:  # noqa: BLE001
        return ds, False


def _whole(total, n, bs):
    take = min(total, n * bs)
    return (take // bs) * bs if take >= bs else take  # whole batches only: no partial batch, no retrace


def take_batches(x, y, sw, batch_size, n, rows=None, rank=None):
    """(the script's first n batches as (x, y, sw) numpy tuples, what to feed instead of x/y/sw, a
    note, the rows per fed batch or None when not cut).

    The batches are what the observations read (labels over the script's whole batch); the feed cuts
    each batch to `rows` rows (arrays: batch_size `rows`, fed back as feed["batch_size"]; tf.data and
    generators: each batch sliced when its inputs have `rank`, the model's input rank). The verdicts
    read which variables change, not how much, so 8 rows show what 32 would."""
    if is_array_like(x):
        bs = batch_size or 32
        total = length(x)
        take = _whole(total, n, bs)
        batches = [(_rows(x, i, i + bs), _rows(y, i, i + bs), _rows(sw, i, i + bs)) for i in range(0, take, bs)]
        fed = min(bs, rows) if rows else bs
        take = _whole(total, n, fed)
        feed = {"x": head(x, take), "y": head(y, take), "sample_weight": head(sw, take), "batch_size": fed}
        return batches, feed, "arrays", (fed if fed < bs else None)
    if is_tf_dataset(x):
        batches = [_split_batch(_to_numpy_tree(el)) for el in x.take(n)]
        ds, was_cut = _slice_tf_dataset(x.take(n), rows, rank)
        return batches, {"x": ds}, "tf.data", (rows if was_cut else None)
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
    cut = [_slice_batch(b, rows, rank) for b in batches]
    was_cut = any(c is not b for c, b in zip(cut, batches))
    return batches, {"x": _list_dataset(cut)}, "generator", (rows if was_cut else None)


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
