"""Synthetic data for loaders whose folder is missing: random 0..255 images in the real loader's
format, with as many classes as the model head has once the first fit says so."""

from __future__ import annotations

from .config import STEPS
from .events import emit, user_line
from .state import S

_RNG_SEED = [1234]
_CHANNELS = {"rgb": 3, "grayscale": 1, "rgba": 4}


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


def resolve_classes(model):
    """Take the number of classes from the model head and relabel the synthetic data made so far."""
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


def image_dataset(a):
    """What `image_dataset_from_directory(**a)` returns, built from random batches."""
    import numpy as np
    import tensorflow as tf

    label_mode = a["label_mode"] if a["labels"] is not None else None
    class_names = a.get("class_names")
    k0 = len(class_names) if class_names else 2
    ch = _CHANNELS.get(a["color_mode"], 3)
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


def flow(gen, loader, where, target_size, color_mode, class_mode, batch_size, shuffle, seed, k0, classes):
    """An `ImageDataGenerator` iterator over random images, built with the generator's own `.flow`
    so its `rescale` and `preprocessing_function` still run."""
    ch = _CHANNELS.get(color_mode, 3)
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


def tfds_dataset(name, a):
    """What `tfds.load(name, **a)` returns when the data set is not prepared locally."""
    import numpy as np
    import tensorflow as tf

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
