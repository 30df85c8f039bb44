"""Dev-only: record the ordered layer names of every keras.applications model (and which are BatchNormalization).

Not imported by tllint (tllint never imports TensorFlow). Its output, `src/tllint/knowledge/layer_table.json.gz`,
is read lazily by `tllint.knowledge.layer_table`; `tests/test_layer_table.py` checks it against the layer
counts of `knowledge/applications_table.py` (measured by `tools/compute_layer_counts.py`, whose model list
and build this tool reuses: `weights=None, include_top=False, input_shape=(default, default, 3)`).

Besides the default build it records the variants whose layers differ: `include_preprocessing=False` for
the models with that switch, `weights="imagenet"` for EfficientNetB* (one more layer; the download is
stubbed out) and `include_top=True` ("top": scripts cut the classifier off at one of its layers). Names that Keras generates from the class (`input_layer`, `rescaling_1`, `tf.math.truediv`)
depend on what the script built before, so they are marked as automatic (`auto`): name tests never
decide on them.

Usage (needs tensorflow-cpu 2.21 / keras 3.15.1 / tf_keras 2.21):

    python tools/compute_layer_table.py keras3 > /tmp/t3.json
    python tools/compute_layer_table.py keras2 > /tmp/t2.json
    python tools/compute_layer_table.py keras3 top > /tmp/t3top.json   # one variant only (merged over the rest)
    python tools/compute_layer_table.py merge /tmp/t3.json /tmp/t2.json   # writes the package data
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compute_layer_counts import MODELS  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "src" / "tllint" / "knowledge" / "layer_table.json.gz"

# Models with an include_preprocessing switch (knowledge/applications_table.py, builtin_flag).
_SWITCH = re.compile(r"^(MobileNetV3|EfficientNetV2|ConvNeXt|ResNetRS|RegNet)")


def _snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def _is_auto(layer) -> bool:
    """A name Keras made up from the class (it depends on the layers built before it)."""
    cls = type(layer).__name__
    base = _snake(cls)
    name = layer.name
    if cls == "TFOpLambda" or name.startswith("tf."):
        return True
    if cls == "InputLayer" and re.fullmatch(r"input(_layer)?(_\d+)?", name):
        return True
    return re.fullmatch(re.escape(base) + r"(_\d+)?", name) is not None


def _record(model) -> dict:
    layers = model.layers
    return {
        "names": [layer.name for layer in layers],
        "classes": [type(layer).__name__ for layer in layers],
        "bn": [i for i, layer in enumerate(layers) if type(layer).__name__ == "BatchNormalization"],
        "auto": [i for i, layer in enumerate(layers) if _is_auto(layer)],
    }


def measure(flavour: str, only: str | None = None) -> dict:
    if flavour == "keras3":
        import keras
        import keras.src.applications.efficientnet as eff

        eff.file_utils.get_file = lambda *a, **k: "/nonexistent.h5"
    else:
        import tf_keras as keras
        import tf_keras.src.applications.efficientnet as eff

        eff.data_utils.get_file = lambda *a, **k: "/nonexistent.h5"
    keras.Model.load_weights = lambda self, *a, **k: None
    out: dict = {"_versions": {"flavour": flavour, "keras": keras.__version__}}
    for name, size, in_k3 in MODELS:
        if flavour == "keras3" and not in_k3:
            continue
        t = time.time()
        ctor = getattr(keras.applications, name)
        builds = {"default": {}}
        if _SWITCH.match(name):
            builds["no_preprocessing"] = {"include_preprocessing": False}
        if re.fullmatch(r"EfficientNetB\d", name):
            builds["imagenet"] = {"weights": "imagenet"}
        # include_top=True (1000 classes): scripts cut the classifier off at one of its layers.
        builds["top"] = {"include_top": True}
        if only is not None:
            builds = {only: builds[only]}
        row = {}
        for variant, kwargs in builds.items():
            keras.backend.clear_session()
            args = {"weights": None, "include_top": False, "input_shape": (size, size, 3), **kwargs}
            model = ctor(**args)
            row[variant] = _record(model)
            del model
        out[name] = row
        first = next(iter(row.values()))
        print(f"{flavour} {name}: {len(first['names'])} layers, {list(row)} ({time.time() - t:.1f}s)",
              file=sys.stderr, flush=True)
    return out


def merge(paths: list[str]) -> dict:
    merged: dict = {}
    for p in paths:
        with open(p) as f:
            data = json.load(f)
        versions = data.pop("_versions")
        merged.setdefault("_versions", {})[versions["flavour"]] = versions["keras"]
        rows = merged.setdefault(versions["flavour"], {})
        for name, variants in data.items():
            rows.setdefault(name, {}).update(variants)
    for flavour in ("keras3", "keras2"):
        if flavour in merged:
            merged[flavour] = dict(sorted(merged[flavour].items()))
    return merged


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd in ("keras3", "keras2"):
        only = sys.argv[2] if len(sys.argv) > 2 else None  # one variant, e.g. "top"
        json.dump(measure(cmd, only), sys.stdout, separators=(",", ":"))
    elif cmd == "merge":
        payload = json.dumps(merge(sys.argv[2:]), separators=(",", ":"), sort_keys=True).encode()
        # mtime=0: the same input gives the same bytes.
        with open(OUT, "wb") as f:
            f.write(gzip.compress(payload, compresslevel=9, mtime=0))
        print(f"wrote {OUT} ({OUT.stat().st_size} bytes)", file=sys.stderr)
    else:
        sys.exit(__doc__)
