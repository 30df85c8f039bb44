"""Dev-only: measure `len(model.layers)` and BatchNormalization counts of every keras.applications model.

Not imported by tllint (tllint never imports TensorFlow). Its output, `tools/layer_counts.json`, is the
source of the `layer_count*` / `bn_layers*` numbers in `src/tllint/knowledge/applications.py`;
`tests/test_knowledge.py` checks the table against that file.

Each model is built with `weights=None, include_top=False, input_shape=(default, default, 3)` and default
arguments otherwise (so built-in preprocessing layers are included where they exist by default).

Usage (needs tensorflow-cpu 2.21 / keras 3.15.1 / tf_keras 2.21, e.g. a separate venv):

    python tools/compute_layer_counts.py keras3 > /tmp/k3.json
    python tools/compute_layer_counts.py keras2 > /tmp/k2.json
    python tools/compute_layer_counts.py merge /tmp/k3.json /tmp/k2.json > tools/layer_counts.json
    python tools/compute_layer_counts.py facts          # prints export / preprocess_input checks
    python tools/compute_layer_counts.py variants keras3 # layer counts of non-default builds (see below)
"""

from __future__ import annotations

import json
import os
import sys
import time

_REGNET_CONFIGS = ("002", "004", "006", "008", "016", "032", "040", "064", "080", "120", "160", "320")

# (constructor name, default input size, exists in Keras 3)
MODELS: list[tuple[str, int, bool]] = [
    ("VGG16", 224, True), ("VGG19", 224, True),
    ("ResNet50", 224, True), ("ResNet101", 224, True), ("ResNet152", 224, True),
    ("ResNet50V2", 224, True), ("ResNet101V2", 224, True), ("ResNet152V2", 224, True),
    ("InceptionV3", 299, True), ("InceptionResNetV2", 299, True), ("Xception", 299, True),
    ("MobileNet", 224, True), ("MobileNetV2", 224, True),
    ("MobileNetV3Small", 224, True), ("MobileNetV3Large", 224, True),
    ("DenseNet121", 224, True), ("DenseNet169", 224, True), ("DenseNet201", 224, True),
    ("NASNetMobile", 224, True), ("NASNetLarge", 331, True),
    *[(f"EfficientNetB{i}", s, True) for i, s in enumerate((224, 240, 260, 300, 380, 456, 528, 600))],
    *[(f"EfficientNetV2{v}", s, True)
      for v, s in (("B0", 224), ("B1", 240), ("B2", 260), ("B3", 300), ("S", 384), ("M", 480), ("L", 480))],
    *[(f"ConvNeXt{v}", 224, True) for v in ("Tiny", "Small", "Base", "Large", "XLarge")],
    *[(f"ResNetRS{d}", 224, False) for d in (50, 101, 152, 200, 270, 350, 420)],
    *[(f"RegNet{xy}{c}", 224, False) for xy in "XY" for c in _REGNET_CONFIGS],
]


def _walk(layer):
    """The layer and all nested layers (ConvNeXt's stem is a nested Sequential)."""
    yield layer
    for sub in getattr(layer, "layers", None) or ():
        yield from _walk(sub)


def measure(flavour: str) -> dict:
    if flavour == "keras3":
        import keras
    else:
        import tf_keras as keras
    out = {"_versions": {"flavour": flavour, "keras": keras.__version__}}
    for name, size, in_k3 in MODELS:
        if flavour == "keras3" and not in_k3:
            continue
        keras.backend.clear_session()
        t = time.time()
        model = getattr(keras.applications, name)(weights=None, include_top=False, input_shape=(size, size, 3))
        top_bn = sum(type(layer).__name__ == "BatchNormalization" for layer in model.layers)
        all_bn = sum(type(layer).__name__ == "BatchNormalization" for layer in list(_walk(model))[1:])
        out[name] = {
            "layers": len(model.layers),
            "bn_layers": top_bn,
            "bn_layers_nested": all_bn,
            "first_layers": [type(layer).__name__ for layer in model.layers[:3]],
        }
        print(f"{flavour} {name}: {out[name]} ({time.time() - t:.1f}s)", file=sys.stderr, flush=True)
        del model
    return out


def merge(paths: list[str]) -> dict:
    merged: dict = {}
    for p in paths:
        with open(p) as f:
            data = json.load(f)
        flavour = data.pop("_versions")["flavour"]
        for name, counts in data.items():
            merged.setdefault(name, {})[flavour] = counts
    return dict(sorted(merged.items()))


def facts() -> None:
    """Cheap checks of facts the table encodes (keras-facts §1.1, §1.2, e8.out, k2_imports.out)."""
    import importlib

    import numpy as np

    for flavour, pkg in (("keras3", "keras"), ("keras2", "tf_keras")):
        apps = importlib.import_module(pkg).applications
        print(f"== {flavour} ({pkg} {importlib.import_module(pkg).__version__})")
        modules = sorted(m for m in dir(apps) if not m.startswith("_") and not m[0].isupper())
        print("modules:", modules)
        for m in modules:
            mod = getattr(apps, m)
            ctors = sorted(n for n in dir(mod) if n[0].isupper() and callable(getattr(mod, n)))
            pre = getattr(mod, "preprocess_input", None)
            res = None
            if pre is not None:
                x = np.array([[[[0.0, 127.5, 255.0]]]], dtype="float32")
                res = np.round(np.asarray(pre(x)).ravel(), 3).tolist()
            print(f"  {m}: constructors={ctors} preprocess_input([0,127.5,255])={res}")
        top = sorted(n for n in dir(apps) if n[0].isupper())
        print("top-level constructors:", top)
        missing = [n for n, _, in_k3 in MODELS if (in_k3 or flavour == "keras2") and n not in top]
        extra = [n for n in top if n not in {m[0] for m in MODELS}]
        print("table models missing here:", missing, "| constructors not in table:", extra)


def variants(flavour: str) -> None:
    """Counts the table derives from the defaults: weights="imagenet" (download stubbed out) adds a layer to
    EfficientNetB*, include_preprocessing=False removes the built-in preprocessing layers, include_top=True."""
    if flavour == "keras3":
        import keras
        import keras.src.applications.efficientnet as eff

        eff.file_utils.get_file = lambda *a, **k: "/nonexistent.h5"
    else:
        import tf_keras as keras
        import tf_keras.src.applications.efficientnet as eff

        eff.data_utils.get_file = lambda *a, **k: "/nonexistent.h5"
    keras.Model.load_weights = lambda self, *a, **k: None
    apps = keras.applications
    m = apps.EfficientNetB0(weights="imagenet", include_top=False, input_shape=(224, 224, 3))
    print(flavour, "EfficientNetB0 weights=imagenet:", len(m.layers), [type(layer).__name__ for layer in m.layers[:4]])
    for name in ("MobileNetV3Small", "EfficientNetV2B0", "EfficientNetV2S", "ConvNeXtTiny") + (
        ("ResNetRS50", "RegNetX002") if flavour == "keras2" else ()
    ):
        m = getattr(apps, name)(weights=None, include_top=False, include_preprocessing=False, input_shape=(224, 224, 3))
        print(flavour, name, "include_preprocessing=False:", len(m.layers))
    m = apps.MobileNetV2(weights=None, include_top=True, input_shape=(224, 224, 3))
    print(flavour, "MobileNetV2 include_top=True:", len(m.layers))


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    cmd = sys.argv[1]
    if cmd in ("keras3", "keras2"):
        json.dump(measure(cmd), sys.stdout, indent=1)
    elif cmd == "merge":
        json.dump(merge(sys.argv[2:]), sys.stdout, indent=1, sort_keys=True)
        print()
    elif cmd == "variants":
        variants(sys.argv[2])
    elif cmd == "facts":
        facts()
    else:
        sys.exit(__doc__)
