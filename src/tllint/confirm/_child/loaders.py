"""Data loaders: real data is used when its folder exists, else `synthetic` stands in for it.

Covers image_dataset_from_directory (keras.utils, keras.preprocessing, tf.keras.*),
ImageDataGenerator.flow_from_directory / flow_from_dataframe and tensorflow_datasets.load.
"""

from __future__ import annotations

import inspect
import os
import sys

from . import synthetic
from .events import emit, user_line
from .patching import POST_IMPORT, replace_everywhere
from .sandbox import as_path


def _missing_dir(directory) -> bool:
    text = as_path(directory)
    return text is not None and not os.path.isdir(text)


def install(keras) -> None:
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
        return synthetic.image_dataset(a)

    replace_everywhere(orig_idfd, idfd)
    image_dataset_utils.image_dataset_from_directory = idfd

    # ImageDataGenerator is Keras 3's legacy API (also tf.keras's)
    try:
        from keras.src.legacy.preprocessing.image import ImageDataGenerator
    except Exception:  # noqa: BLE001
        ImageDataGenerator = None
    if ImageDataGenerator is not None:
        _instrument_idg(ImageDataGenerator)

    # tensorflow_datasets: only when the script imports it
    POST_IMPORT.setdefault("tensorflow_datasets", []).append(_instrument_tfds)
    if "tensorflow_datasets" in sys.modules:
        _instrument_tfds(sys.modules["tensorflow_datasets"])


def _instrument_idg(IDG):
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
        return synthetic.flow(
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
        return synthetic.flow(
            self, "flow_from_dataframe", str(directory), a["target_size"], a["color_mode"], class_mode,
            a["batch_size"], a["shuffle"], a["seed"], max(k0, 1), classes,
        )

    IDG.flow_from_dataframe = flow_from_dataframe


def _instrument_tfds(tfds):
    orig_load = tfds.load

    def load(name, *args, **kwargs):
        try:
            kw = dict(kwargs)
            kw["download"] = False
            return orig_load(name, *args, **kw)
        except Exception:  # noqa: BLE001
            pass
        try:
            bound = inspect.signature(orig_load).bind(name, *args, **kwargs)
            bound.apply_defaults()
            a = bound.arguments
        except TypeError:
            a = dict(kwargs, name=name)
        return synthetic.tfds_dataset(name, a)

    replace_everywhere(orig_load, load)
    tfds.load = load
